import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cleanName, cleanOptionalName, hasControlCharacters, isolate, MAX_NAME_CHARS } from '../../../src/core/names';
import { readAgentNote, readCallEvent, readHookAttached, readMessageId, readNudgeResponse, tabMayAnswer } from '../../../src/core/content-input';

describe('names from the network', () => {
  it('lose bidi overrides, isolates, marks and control characters; line breaks become spaces', () => {
    expect(cleanName('Anna\u202e gnirts')).toBe('Anna gnirts');
    expect(cleanName('\u2066Bob\u2069\u200f')).toBe('Bob');
    expect(cleanName('Eve\r\nBcc: x\u0000\u001b[2J\u2028\u2029end')).toBe('Eve Bcc: x[2J end');
    expect(cleanName('\u0085a\u009bb\u007fc\ufeff')).toBe('ab' + 'c');
  });

  it('keep letters of every script, emoji and joiners', () => {
    expect(cleanName('Bērziņš Jānis')).toBe('Bērziņš Jānis');
    expect(cleanName('محمد')).toBe('محمد');
    expect(cleanName('👩‍💻 Dev')).toBe('👩‍💻 Dev');
  });

  it('are capped, never splitting a surrogate pair', () => {
    expect(cleanName('x'.repeat(500))).toHaveLength(MAX_NAME_CHARS);
    expect(cleanName('x'.repeat(500)).endsWith('…')).toBe(true);
    const emoji = cleanName('😀'.repeat(100), 11);
    expect(emoji.endsWith('…')).toBe(true);
    expect(/[\ud800-\udbff]…$/.test(emoji)).toBe(false);
  });

  it('never keep a control character, whatever the input (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const cleaned = cleanName(text);
        expect(hasControlCharacters(cleaned)).toBe(false);
        expect(cleaned.length).toBeLessThanOrEqual(MAX_NAME_CHARS);
      }),
    );
  });

  it('leave nothing when only controls were given, and are isolated for plain text', () => {
    expect(cleanOptionalName('\u202e\u0000 ')).toBeUndefined();
    expect(isolate('Anna')).toBe('\u2068Anna\u2069');
    expect(isolate('')).toBe('');
  });
});

describe('what the background accepts from a content script', () => {
  const ringing = { type: 'ringing', direction: 'inbound', callId: 'c1', at: 1, source: 'sip-websocket' };

  it('takes a call event with its remote party cleaned, dropping unknown keys', () => {
    expect(readCallEvent({ ...ringing, extra: 1, remote: { displayName: 'Ann\u202ea\r\n', number: '+371\u0000' } })).toEqual({
      ...ringing,
      remote: { displayName: 'Anna', number: '+371' },
    });
    expect(readCallEvent({ ...ringing, remote: { displayName: '\u202e' } })).toEqual(ringing);
  });

  it('keeps what the event model carries besides names: what the source observes, a late-joined answer', () => {
    const observes = { holdIntent: false, hold: false, transferIntent: false, transferOutcome: false, hangupIntent: false, endedBy: true };
    expect(readCallEvent({ ...ringing, observes })).toEqual({ ...ringing, observes });
    expect(readCallEvent({ ...ringing, observes: { ...observes, hold: 'yes' } })).toBeUndefined();
    expect(readCallEvent({ ...ringing, observes: { ...observes, extra: true } })).toBeUndefined();
    const answered = { type: 'answered', direction: 'inbound', callId: 'c', at: 1, source: 'sip-websocket', lateJoined: true };
    expect(readCallEvent(answered)).toEqual(answered);
  });

  it('takes the card’s and the practice phone’s evidence, with a name cleaned, and refuses a malformed one', () => {
    const evidence = { type: 'evidence', callId: 'c1', at: 1, source: 'call-card', act: 'caller-name', how: 'noted' };
    expect(readCallEvent({ ...evidence, name: ' Ann\u202ea ' })).toEqual({ ...evidence, name: 'Anna' });
    expect(readCallEvent({ ...evidence, act: 'closing-item', how: 'ticked', item: 'recap', undone: true })).toEqual({
      ...evidence,
      act: 'closing-item',
      how: 'ticked',
      item: 'recap',
      undone: true,
    });
    expect(readCallEvent({ ...evidence, act: 'anything' })).toBeUndefined();
    expect(readCallEvent({ ...evidence, how: 'guessed' })).toBeUndefined();
    expect(readCallEvent({ ...evidence, undone: false })).toBeUndefined();
    expect(readCallEvent({ ...evidence, item: 'x'.repeat(1_000) })).toBeUndefined();
  });

  it('refuses a call event of the wrong shape or length', () => {
    expect(readCallEvent({ ...ringing, remote: { displayName: 'x'.repeat(10_000) } })).toBeUndefined();
    expect(readCallEvent({ ...ringing, remote: { displayName: 5 } })).toBeUndefined();
    expect(readCallEvent({ ...ringing, remote: 'Mallory' })).toBeUndefined();
    expect(readCallEvent({ ...ringing, callId: 'x'.repeat(10_000) })).toBeUndefined();
    expect(readCallEvent({ ...ringing, at: Number.NaN })).toBeUndefined();
    expect(readCallEvent({ ...ringing, type: 'pwned' })).toBeUndefined();
    expect(readCallEvent({ type: 'missed', direction: 'inbound', by: 'remote', reason: 'whatever', callId: 'c', at: 1, source: 's' })).toBeUndefined();
    expect(readCallEvent(null)).toBeUndefined();
  });

  it('checks nudge responses, notes and message ids', () => {
    expect(readNudgeResponse({ key: '1:c|greeting|1', response: { type: 'answered', answer: 'yes' }, at: 1 })).toBeDefined();
    expect(readNudgeResponse({ key: '1:c|greeting|1', response: { type: 'answered', answer: 'maybe' }, at: 1 })).toBeUndefined();
    expect(readAgentNote({ callKey: '1:c', note: { type: 'caller-name', name: 'Ann\u202ea' }, at: 1 })?.note).toEqual({ type: 'caller-name', name: 'Anna' });
    expect(readAgentNote({ callKey: '1:c', note: { type: 'greeting-part', part: 'x', checked: true }, at: 1 })).toBeUndefined();
    expect(readMessageId({ id: 'm1' })).toBe('m1');
    expect(readMessageId({ id: 'x'.repeat(10_000) })).toBeUndefined();
    expect(readMessageId({ id: 7 })).toBeUndefined();
  });

  it('lets a tab answer nudges of its own calls and shared reminders only', () => {
    expect(tabMayAnswer('7:call-1|greeting|1', 7)).toBe(true);
    expect(tabMayAnswer('8:call-1|greeting|1', 7)).toBe(false);
    expect(tabMayAnswer('17:call-1|greeting|1', 7)).toBe(false);
    expect(tabMayAnswer('message:m1|take-message|reminder', 7)).toBe(true);
  });
});

describe("the hook's greeting relayed by a content script", () => {
  it('is read when well formed and refused otherwise', () => {
    const hook = { v: 2, since: 1, late: false, at: 2 };
    expect(readHookAttached(hook)).toEqual(hook);
    expect(readHookAttached({ ...hook, v: 'two' })).toBeUndefined();
    expect(readHookAttached({ ...hook, v: 1e9 })).toBeUndefined();
    expect(readHookAttached({ ...hook, at: -1 })).toBeUndefined();
    expect(readHookAttached(null)).toBeUndefined();
  });
});
