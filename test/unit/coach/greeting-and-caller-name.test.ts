import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, KEEP_FINISHED_MS, MAX_CALLER_NAME_CHARS, type CoachConfig } from '../../../src/core/coach';
import { config, connectedCall, ev, harness, t } from './harness';
import type { CallEvent } from '../../../src/core/call-event';

const withAgent = (c: CoachConfig, agentName: string): CoachConfig => ({ ...c, agentName });
const greetingOf = (h: ReturnType<typeof harness>, callKey = '1:c1') => h.record(callKey)?.nudges.find((n) => n.ruleId === 'greeting');

describe('greeting', () => {
  it('shows the team’s greeting as a four-part checklist when an inbound call is answered, filled in', () => {
    const h = harness({ config: withAgent(config({ organization: 'Acme' }), 'Anna') });
    connectedCall(h);
    expect(h.shown('greeting')).toEqual([
      {
        key: '1:c1|greeting|1',
        callKey: '1:c1',
        tabId: 1,
        ruleId: 'greeting',
        occurrence: 1,
        severity: 'info',
        kind: 'checklist',
        text: 'Greet the caller:',
        items: [
          { id: 'greeting', text: 'Hello,' },
          { id: 'ownName', text: 'this is Anna' },
          { id: 'organization', text: 'with Acme.' },
          { id: 'offer', text: 'How can I help you today?' },
        ],
        firedAt: t(2),
      },
    ]);
  });

  it('greets in Latvian with the Latvian template when the language is lv', () => {
    const h = harness({ config: withAgent(config({ language: 'lv', organization: 'SIA Piemērs' }), 'Anna') });
    connectedCall(h);
    const [nudge] = h.shown('greeting');
    expect(nudge?.text).toBe('Sasveiciniet zvanītāju:');
    expect(nudge?.items?.map((i) => i.text)).toEqual(['Labdien,', 'runā Anna', 'no SIA Piemērs.', 'Kā varu jums palīdzēt?']);
  });

  it('fills in a neutral stand-in when the agent’s name or the organization is not set', () => {
    const en = harness({ config: withAgent(DEFAULT_CONFIG, '   ') });
    connectedCall(en);
    expect(en.shown('greeting')[0]?.items?.map((i) => i.text)).toEqual([
      'Hello,',
      'this is (your name)',
      'with (your organization).',
      'How can I help you today?',
    ]);
    const lv = harness({ config: config({ language: 'lv' }) });
    connectedCall(lv);
    expect(lv.shown('greeting')[0]?.items?.map((i) => i.text)).toEqual([
      'Labdien,',
      'runā (jūsu vārds)',
      'no (organizācijas nosaukums).',
      'Kā varu jums palīdzēt?',
    ]);
  });

  it('uses the team lead’s template and texts, and never expands a placeholder inside the agent’s name', () => {
    const c = config({
      organization: 'Acme',
      greeting: { en: { greeting: 'Good morning,', offer: 'What can I do for you?' } },
      texts: { en: { 'greeting.intro': 'Say it like this, {agent}:' } },
    });
    const h = harness({ config: withAgent(c, '{organization}') });
    connectedCall(h);
    const [nudge] = h.shown('greeting');
    expect(nudge?.text).toBe('Say it like this, {organization}:');
    expect(nudge?.items?.map((i) => i.text)).toEqual(['Good morning,', 'this is {organization}', 'with Acme.', 'What can I do for you?']);
  });

  it('greets on an outbound call never, and on an inbound call first seen already answered too', () => {
    const h = harness();
    h.event(ev.dialing('out', t(0)));
    h.event(ev.answered('out', t(5), 'outbound'));
    h.event(ev.answered('joined', t(6), 'inbound'));
    expect(h.shown('greeting').map((n) => n.callKey)).toEqual(['1:joined']);
  });

  it('shows nothing when the rule is off, and takes its severity from the config', () => {
    const off = harness({ config: config({ rules: { greeting: { enabled: false } } }) });
    connectedCall(off);
    expect(off.shown('greeting')).toEqual([]);
    const loud = harness({ config: config({ rules: { greeting: { severity: 'nudge' } } }) });
    connectedCall(loud);
    expect(loud.shown('greeting')[0]?.severity).toBe('nudge');
  });

  it('records the ticked parts in the greeting’s order, with the time of the last tick, on the nudge and the record', () => {
    const h = harness();
    connectedCall(h);
    h.respond('1:c1|greeting|1', { type: 'checked', itemId: 'offer', checked: true }, t(8));
    h.respond('1:c1|greeting|1', { type: 'checked', itemId: 'greeting', checked: true }, t(9));
    expect(greetingOf(h)).toMatchObject({ checked: ['greeting', 'offer'], checkedAt: t(9) });
    expect(h.record('1:c1')?.greetingChecked).toEqual(['greeting', 'offer']);
    h.respond('1:c1|greeting|1', { type: 'checked', itemId: 'offer', checked: false }, t(10));
    expect(greetingOf(h)).toMatchObject({ checked: ['greeting'], checkedAt: t(10) });
    expect(h.record('1:c1')?.greetingChecked).toEqual(['greeting']);
  });

  it('ignores a tick of an item that is not a greeting part, and a repeated tick', () => {
    const h = harness();
    connectedCall(h);
    expect(h.respond('1:c1|greeting|1', { type: 'checked', itemId: 'recap', checked: true }, t(5)).effects).toEqual([]);
    h.respond('1:c1|greeting|1', { type: 'checked', itemId: 'ownName', checked: true }, t(6));
    expect(h.respond('1:c1|greeting|1', { type: 'checked', itemId: 'ownName', checked: true }, t(7)).effects).toEqual([]);
    expect(greetingOf(h)?.checkedAt).toBe(t(6));
  });

  it('keeps one list whether a part is ticked on the checklist or on the call card', () => {
    const h = harness();
    connectedCall(h);
    h.note('1:c1', { type: 'greeting-part', part: 'organization', checked: true }, t(4));
    expect(greetingOf(h)).toMatchObject({ checked: ['organization'], checkedAt: t(4) });
    h.respond('1:c1|greeting|1', { type: 'checked', itemId: 'ownName', checked: true }, t(5));
    expect(h.record('1:c1')?.greetingChecked).toEqual(['ownName', 'organization']);
    // Unticked on the card what was ticked on the checklist: gone from both.
    h.note('1:c1', { type: 'greeting-part', part: 'ownName', checked: false }, t(6));
    expect(h.record('1:c1')?.greetingChecked).toEqual(['organization']);
    expect(greetingOf(h)).toMatchObject({ checked: ['organization'], checkedAt: t(6) });
    // The card repeating what the checklist already has changes nothing.
    expect(h.note('1:c1', { type: 'greeting-part', part: 'organization', checked: true }, t(7)).effects).toEqual([]);
  });

  it('records greeting ticks from the card when the rule is off, and carries ticks made before the answer onto the checklist', () => {
    const off = harness({ config: config({ rules: { greeting: { enabled: false } } }) });
    connectedCall(off);
    off.note('1:c1', { type: 'greeting-part', part: 'greeting', checked: true }, t(3));
    expect(off.record('1:c1')?.greetingChecked).toEqual(['greeting']);

    const early = harness();
    early.event(ev.ringing('c1', t(0)));
    early.note('1:c1', { type: 'greeting-part', part: 'greeting', checked: true }, t(1));
    early.event(ev.answered('c1', t(2)));
    expect(greetingOf(early)?.checked).toEqual(['greeting']);
  });

  it('takes the checklist off the screen when the call ends ("Greet the caller" after the hang-up is stale); ticks after the call still count', () => {
    const h = harness();
    connectedCall(h);
    h.note('1:c1', { type: 'caller-name', name: 'Jānis' }, t(5));
    h.event(ev.ended('c1', t(30), 'remote'));
    expect(h.withdrawn()).toContain('1:c1|greeting|1');
    // The closing checklist the end brings stays.
    expect(h.withdrawn().some((key) => key.includes('|closing|'))).toBe(false);
    // Ticked on the card after the call (or a tick from the checklist that was in flight): recorded.
    h.note('1:c1', { type: 'greeting-part', part: 'greeting', checked: true }, t(35));
    h.respond('1:c1|greeting|1', { type: 'checked', itemId: 'offer', checked: true }, t(40));
    expect(h.record('1:c1')?.greetingChecked).toEqual(['greeting', 'offer']);
  });

  it('takes the checklist off the screen also when the call ends by a transfer', () => {
    const transferred = harness();
    connectedCall(transferred);
    transferred.event(ev.transferStarted('c1', t(15)));
    transferred.event(ev.transferAccepted('c1', t(18), true));
    transferred.event(ev.ended('c1', t(20)));
    expect(transferred.withdrawn()).toContain('1:c1|greeting|1');
  });
});

describe('caller-name', () => {
  it('nudges 20 s after the answer when no name was noted, and plans the deadline in wakeAt', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    const answered = h.event(ev.answered('c1', t(2)));
    expect(answered.wakeAt).toBe(t(22));
    h.tick(t(21.9));
    expect(h.shown('caller-name')).toEqual([]);
    const due = h.tick(t(22));
    expect(h.shown('caller-name')).toEqual([
      {
        key: '1:c1|caller-name|1',
        callKey: '1:c1',
        tabId: 1,
        ruleId: 'caller-name',
        occurrence: 1,
        severity: 'nudge',
        kind: 'toast',
        text: "Ask for the caller's name and note it on the card.",
        firedAt: t(22),
      },
    ]);
    expect(due.wakeAt).toBeNull();
  });

  it('says it in Latvian when the language is lv', () => {
    const h = harness({ config: config({ language: 'lv' }) });
    connectedCall(h);
    h.tick(t(22));
    expect(h.shown('caller-name')[0]?.text).toBe('Pajautājiet zvanītāja vārdu un ierakstiet to zvana kartītē.');
  });

  it('does not nudge when the name was noted in time, and drops the deadline', () => {
    const h = harness();
    connectedCall(h);
    const noted = h.note('1:c1', { type: 'caller-name', name: '  Jānis   Bērziņš ' }, t(10));
    expect(noted.wakeAt).toBeNull();
    h.tick(t(60));
    expect(h.shown('caller-name')).toEqual([]);
    expect(h.record('1:c1')?.callerName).toBe('Jānis Bērziņš');
  });

  it('takes the nudge down when the name is noted after it', () => {
    const h = harness();
    connectedCall(h);
    h.tick(t(22));
    const noted = h.note('1:c1', { type: 'caller-name', name: 'Jānis' }, t(25));
    expect(noted.effects).toContainEqual({ type: 'dismiss-nudge', tabId: 1, key: '1:c1|caller-name|1' });
    expect(h.record('1:c1')?.callerName).toBe('Jānis');
  });

  it('counts a name noted before the deadline even when it arrives with a late tick', () => {
    const h = harness();
    connectedCall(h);
    // The card's note, stamped 21 s, reaches the coach at 23 s, before any tick at 22 s.
    h.note('1:c1', { type: 'caller-name', name: 'Jānis' }, t(21));
    h.tick(t(23));
    expect(h.shown('caller-name')).toEqual([]);
  });

  it('nudges once per call, however late or repeated the ticks', () => {
    const h = harness();
    connectedCall(h);
    h.tick(t(30));
    h.tick(t(30));
    h.tick(t(300));
    expect(h.shown('caller-name').map((n) => [n.key, n.firedAt])).toEqual([['1:c1|caller-name|1', t(22)]]);
  });

  it('does not bring the nudge back when a noted name is cleared again', () => {
    const h = harness();
    connectedCall(h);
    h.note('1:c1', { type: 'caller-name', name: 'Jānis' }, t(5));
    h.note('1:c1', { type: 'caller-name', name: '   ' }, t(6));
    expect(h.record('1:c1')?.callerName).toBeUndefined();
    expect(h.wakeAt).toBeNull();
    h.tick(t(60));
    expect(h.shown('caller-name')).toEqual([]);
  });

  it('keeps quiet for a call that ended before the deadline, and for outbound calls', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.ended('c1', t(15), 'remote'));
    h.event(ev.dialing('out', t(20)));
    h.event(ev.answered('out', t(22), 'outbound'));
    expect(h.wakeAt).toBeNull();
    h.tick(t(100));
    expect(h.shown('caller-name')).toEqual([]);
  });

  it('withdraws the shown nudge at the end of the call, as it does every toast', () => {
    const h = harness();
    connectedCall(h);
    h.tick(t(22));
    const ended = h.event(ev.ended('c1', t(40), 'remote'));
    expect(ended.effects).toContainEqual({ type: 'dismiss-nudge', tabId: 1, key: '1:c1|caller-name|1' });
  });

  it('uses the configured delay', () => {
    const h = harness({ config: config({ rules: { 'caller-name': { afterSeconds: 45, severity: 'urgent' } } }) });
    connectedCall(h);
    expect(h.wakeAt).toBe(t(47));
    h.tick(t(47));
    expect(h.shown('caller-name')[0]).toMatchObject({ firedAt: t(47), severity: 'urgent' });
  });
});

describe('a team lead changing caller-name while a call is connected', () => {
  it('drops the deadline when the rule is switched off before it', () => {
    const h = harness();
    connectedCall(h);
    h.setConfig(config({ rules: { 'caller-name': { enabled: false } } }));
    expect(h.tick(t(10)).wakeAt).toBeNull();
    h.tick(t(60));
    expect(h.shown('caller-name')).toEqual([]);
  });

  it('plans it from the answer when switched on mid-call, firing at once when that time has passed', () => {
    const h = harness({ config: config({ rules: { 'caller-name': { enabled: false } } }) });
    connectedCall(h);
    h.setConfig(DEFAULT_CONFIG);
    expect(h.tick(t(10)).wakeAt).toBe(t(22));

    const late = harness({ config: config({ rules: { 'caller-name': { enabled: false } } }) });
    connectedCall(late);
    late.setConfig(DEFAULT_CONFIG);
    late.tick(t(30));
    expect(late.shown('caller-name').map((n) => n.firedAt)).toEqual([t(30)]);
  });

  it('moves the deadline when the delay changes', () => {
    const h = harness();
    connectedCall(h);
    h.setConfig(config({ rules: { 'caller-name': { afterSeconds: 60 } } }));
    expect(h.tick(t(10)).wakeAt).toBe(t(62));
    h.setConfig(config({ rules: { 'caller-name': { afterSeconds: 5 } } }));
    h.tick(t(11));
    expect(h.shown('caller-name').map((n) => n.firedAt)).toEqual([t(11)]);
  });
});

describe('agent notes', () => {
  it('keeps the caller’s name apart from the softphone’s display name, trimmed and cut to 120 characters', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0), { displayName: 'Reception', number: '+37167000000' }));
    h.event(ev.answered('c1', t(2)));
    h.note('1:c1', { type: 'caller-name', name: `  ${'x'.repeat(119)}😀tail\n` }, t(5));
    const record = h.record('1:c1');
    expect(record?.remote).toEqual({ displayName: 'Reception', number: '+37167000000' });
    // The emoji would straddle the limit: it is dropped whole, never cut in half.
    expect(record?.callerName).toBe('x'.repeat(119));
    expect(record?.callerName?.length).toBeLessThanOrEqual(MAX_CALLER_NAME_CHARS);
    h.note('1:c1', { type: 'caller-name', name: 'Line\none\t two' }, t(6));
    expect(h.record('1:c1')?.callerName).toBe('Line one two');
  });

  it('records the messages taken on a call once each, in order, also after the call ended', () => {
    const h = harness();
    connectedCall(h);
    h.note('1:c1', { type: 'message-taken', messageId: 'm-1' }, t(10));
    h.event(ev.ended('c1', t(30), 'remote'));
    h.note('1:c1', { type: 'message-taken', messageId: 'm-2' }, t(60));
    expect(h.note('1:c1', { type: 'message-taken', messageId: 'm-1' }, t(61)).effects).toEqual([]);
    expect(h.record('1:c1')?.messages).toEqual(['m-1', 'm-2']);
  });

  it('records a name noted after the call ended, without a nudge', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.ended('c1', t(10), 'remote'));
    const noted = h.note('1:c1', { type: 'caller-name', name: 'Jānis' }, t(40));
    expect(noted.effects).toEqual([{ type: 'record-call', record: expect.objectContaining({ callerName: 'Jānis' }) }]);
  });

  it('writes nothing for a note that changes nothing, for an unknown or pruned call, or a malformed note', () => {
    const h = harness();
    connectedCall(h);
    h.note('1:c1', { type: 'caller-name', name: 'Jānis' }, t(5));
    expect(h.note('1:c1', { type: 'caller-name', name: ' Jānis ' }, t(6)).effects).toEqual([]);
    expect(h.note('1:nope', { type: 'caller-name', name: 'Anna' }, t(7)).effects).toEqual([]);
    const bad = [
      { type: 'greeting-part', part: 'bogus', checked: true },
      { type: 'greeting-part', part: 'offer', checked: 'yes' },
      { type: 'caller-name', name: 42 },
      { type: 'message-taken', messageId: '' },
      { type: 'message-taken', messageId: 'm'.repeat(201) },
      { type: 'mood', value: 'happy' },
    ];
    for (const note of bad) expect(h.note('1:c1', note as never, t(8)).effects, JSON.stringify(note)).toEqual([]);

    h.event(ev.ended('c1', t(10), 'remote'));
    h.tick(t(10) + KEEP_FINISHED_MS + 1);
    expect(h.state.retired).toContain('1:c1');
    expect(h.note('1:c1', { type: 'message-taken', messageId: 'm-9' }, t(10) + KEEP_FINISHED_MS + 2).effects).toEqual([]);
  });

  it('never takes a note’s time from the future', () => {
    const h = harness();
    connectedCall(h);
    // The page's clock runs 5 minutes ahead of the worker's.
    h.note('1:c1', { type: 'greeting-part', part: 'greeting', checked: true }, t(305), t(5));
    expect(greetingOf(h)?.checkedAt).toBe(t(5));
    h.note('1:c1', { type: 'greeting-part', part: 'offer', checked: true }, Number.NaN, t(6));
    expect(greetingOf(h)?.checkedAt).toBe(t(6));
  });
});

describe('what the record keeps for response times and exports', () => {
  it('times the answer to a question, moving it only when the answer changes', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(10)));
    const question = () => h.record('1:c1')?.nudges.find((n) => n.key === '1:c1|hold-permission|1');
    h.respond('1:c1|hold-permission|1', { type: 'answered', answer: 'yes' }, t(13));
    expect(question()).toMatchObject({ answer: 'yes', answeredAt: t(13) });
    h.respond('1:c1|hold-permission|1', { type: 'answered', answer: 'yes' }, t(14));
    expect(question()?.answeredAt).toBe(t(13));
    h.respond('1:c1|hold-permission|1', { type: 'answered', answer: 'no' }, t(15));
    expect(question()).toMatchObject({ answer: 'no', answeredAt: t(15) });
  });

  it('times the last tick of the closing checklist', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.ended('c1', t(30), 'remote'));
    h.respond('1:c1|closing|1', { type: 'checked', itemId: 'recap', checked: true }, t(31));
    h.respond('1:c1|closing|1', { type: 'checked', itemId: 'thank', checked: true }, t(33));
    expect(h.record('1:c1')?.nudges.find((n) => n.ruleId === 'closing')).toMatchObject({ checked: ['recap', 'thank'], checkedAt: t(33) });
  });

  it('keeps each event’s payload: who, why, status, target and completion', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(5), 'remote'));
    h.event(ev.resumed('c1', t(6), 'remote'));
    h.event(ev.transferStarted('c1', t(10), 'agent', 'sip:billing@pbx'));
    h.event(ev.transferFailed('c1', t(11)));
    h.event(ev.transferStarted('c1', t(12), 'agent'));
    h.event(ev.transferAccepted('c1', t(13), true));
    h.event({ callId: 'c1', at: t(14), source: 'test', type: 'ended', by: 'agent', reason: 'BYE' });
    h.event(ev.ringing('c2', t(20)));
    h.event({ callId: 'c2', at: t(25), source: 'test', type: 'missed', direction: 'inbound', by: 'agent', reason: 'rejected', status: 486 });
    expect(h.record('1:c1')?.events).toEqual([
      { type: 'ringing', at: t(0) },
      { type: 'answered', at: t(2) },
      { type: 'held', at: t(5), by: 'remote' },
      { type: 'resumed', at: t(6), by: 'remote' },
      { type: 'transfer-started', at: t(10), by: 'agent', target: 'sip:billing@pbx' },
      { type: 'transfer-failed', at: t(11), by: 'agent', status: 486 },
      { type: 'transfer-started', at: t(12), by: 'agent' },
      { type: 'transfer-accepted', at: t(13), by: 'agent', completed: true },
      { type: 'ended', at: t(14), by: 'agent', reason: 'BYE' },
    ]);
    expect(h.record('1:c2')?.events.at(-1)).toEqual({ type: 'missed', at: t(25), by: 'agent', reason: 'rejected', status: 486 });
  });
});

describe('a call joined mid-call (extension installed or updated during it)', () => {
  const lateJoined = (callId: string, at: number): CallEvent => ({ ...ev.answered(callId, at), lateJoined: true }) as CallEvent;

  it('shows no greeting checklist: the greeting was before the coach could see', () => {
    const h = harness({ config: withAgent(config({ organization: 'Acme' }), 'Anna') });
    h.event(lateJoined('c1', t(0)));
    expect(h.record('1:c1')?.approximateTimes).toBe(true);
    expect(h.shown('greeting')).toEqual([]);
  });

  it('does not ask for the caller’s name: it may have been asked before there was a card', () => {
    const h = harness();
    h.event(lateJoined('c1', t(0)));
    h.tick(t(120));
    expect(h.shown('caller-name')).toEqual([]);
    expect(h.wakeAt).toBeNull();
  });

  it('still shows the closing checklist at the hang-up it saw', () => {
    const h = harness();
    h.event(lateJoined('c1', t(0)));
    h.event(ev.ended('c1', t(60)));
    expect(h.shown('closing')).toHaveLength(1);
  });
});
