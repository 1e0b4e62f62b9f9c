// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { PRACTICE_EVENT, readPracticeSignal, type PracticePhoneSignal } from '../../../src/core/practice/channel';
import { PRACTICE_OBSERVABILITY, practiceAdapter, practiceCallEvents } from '../../../src/content/adapters/practice';
import type { CallEvent } from '../../../src/core/call-event';
import type { PageSignalSource } from '../../../src/content/page-bridge';
import type { WindowMessageSource } from '../../../src/content/adapters/adapter';

const base = { callId: 'practice-1', at: 1_000 };
const noPage: PageSignalSource = { subscribe: () => undefined, rejected: 0 };
const noWindowMessages: WindowMessageSource = { subscribe: () => undefined };

describe('the practice phone’s channel', () => {
  it('accepts every well-formed signal and refuses the rest', () => {
    expect(readPracticeSignal({ ...base, kind: 'incoming', caller: { name: 'Anna', number: '+371' } })).toBeDefined();
    expect(readPracticeSignal({ ...base, kind: 'transfer-started', target: 'Jānis Ozols (billing)' })).toBeDefined();
    expect(readPracticeSignal({ ...base, kind: 'hung-up', by: 'caller' })).toBeDefined();
    for (const bad of [
      null,
      'incoming',
      { ...base, kind: 'rang' },
      { ...base, kind: 'answered', callId: '' },
      { ...base, kind: 'answered', at: Number.NaN },
      { ...base, kind: 'incoming' },
      { ...base, kind: 'incoming', caller: { name: 'x'.repeat(201), number: '1' } },
      { ...base, kind: 'transfer-started' },
      { ...base, kind: 'hung-up', by: 'nobody' },
    ]) {
      expect(readPracticeSignal(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('maps each signal to the call event a softphone adapter would report', () => {
    const source = { source: 'practice', observes: PRACTICE_OBSERVABILITY };
    const events = (s: PracticePhoneSignal) => practiceCallEvents(s).map((e) => e.type);
    expect(practiceCallEvents({ ...base, kind: 'incoming', caller: { name: 'Anna Bērziņa', number: '+371 2000 0000' } })).toEqual([
      { ...base, ...source, type: 'ringing', direction: 'inbound', remote: { displayName: 'Anna Bērziņa', number: '+371 2000 0000' } },
    ]);
    expect(events({ ...base, kind: 'before-hold' })).toEqual(['hold-requested']);
    expect(events({ ...base, kind: 'before-transfer' })).toEqual(['transfer-requested']);
    expect(events({ ...base, kind: 'before-hangup' })).toEqual(['hangup-requested']);
    expect(practiceCallEvents({ ...base, kind: 'transfer-succeeded' })).toEqual([
      { ...base, ...source, type: 'transfer-accepted', by: 'agent', completed: true },
    ]);
    expect(practiceCallEvents({ ...base, kind: 'hung-up', by: 'caller' })).toEqual([{ ...base, ...source, type: 'ended', by: 'remote' }]);
    expect(practiceCallEvents({ ...base, kind: 'abandoned' })).toEqual([
      { ...base, ...source, type: 'missed', direction: 'inbound', by: 'remote', reason: 'caller-abandoned' },
    ]);
  });

  it('turns the phrases that are evidence into evidence events, and the rest into nothing', () => {
    const said = (who: 'agent' | 'caller', line: string, name?: string) =>
      practiceCallEvents({ ...base, kind: 'said', who, line, ...(name ? { name } : {}) });
    expect(said('agent', 'own-name')).toEqual([{ ...base, source: 'practice', observes: PRACTICE_OBSERVABILITY, type: 'evidence', how: 'said', act: 'greeting-part', item: 'ownName' }]);
    expect(said('caller', 'hold-yes').map((e) => e.type === 'evidence' && e.act)).toEqual(['hold-permission']);
    expect(said('caller', 'name', 'Anna Bērziņa')).toMatchObject([{ type: 'evidence', act: 'caller-name', name: 'Anna Bērziņa' }]);
    expect(said('agent', 'announce-transfer')).toMatchObject([{ type: 'evidence', act: 'transfer-permission' }]);
    expect(said('agent', 'thank-you')).toMatchObject([{ type: 'evidence', act: 'closing-item', item: 'thank' }]);
    // Asking is not yet evidence: the caller's yes (or their name) is.
    expect(said('agent', 'ask-hold')).toEqual([]);
    expect(said('agent', 'ask-name')).toEqual([]);
    // The agent's lines and the caller's are two lists: a caller saying "recap" is nothing.
    expect(said('caller', 'recap')).toEqual([]);
    expect(said('agent', 'toString')).toEqual([]);
    expect(readPracticeSignal({ ...base, kind: 'said', who: 'someone', line: 'greet' })).toBeUndefined();
    expect(readPracticeSignal({ ...base, kind: 'said', who: 'agent', line: 7 })).toBeUndefined();
  });
});

describe('the practice adapter', () => {
  const at = (href: string) => new URL(href) as unknown as Location;

  it('runs on the extension’s practice page only', () => {
    expect(practiceAdapter.matches(at('chrome-extension://abcdef/src/ui/practice/index.html'))).toBe(true);
    expect(practiceAdapter.matches(at('chrome-extension://abcdef/src/ui/practice/index.html?scenario=hold'))).toBe(true);
    expect(practiceAdapter.matches(at('chrome-extension://abcdef/src/ui/options/index.html'))).toBe(false);
    expect(practiceAdapter.matches(at('https://phone.example.com/src/ui/practice/index.html'))).toBe(false);
  });

  it('reports the phone’s events in order, ignores malformed ones, and stops when aborted', () => {
    const emitted: CallEvent[] = [];
    const controller = new AbortController();
    practiceAdapter.start({ signal: controller.signal, page: noPage, windowMessages: noWindowMessages, emit: (e) => emitted.push(e) });
    const send = (detail: unknown) => window.dispatchEvent(new CustomEvent(PRACTICE_EVENT, { detail }));
    send({ ...base, kind: 'incoming', caller: { name: 'Anna', number: '1' } });
    send({ ...base, kind: 'answered' });
    send({ ...base, kind: 'nonsense' });
    send({ ...base, kind: 'before-hold' });
    send({ ...base, kind: 'held' });
    window.dispatchEvent(new CustomEvent('something-else', { detail: { ...base, kind: 'resumed' } }));
    controller.abort();
    send({ ...base, kind: 'resumed' });
    expect(emitted.map((e) => e.type)).toEqual(['ringing', 'answered', 'hold-requested', 'held']);
  });
});
