/**
 * Evidence before nudges (issue 10): a reminder never shows for what the coach has evidence of,
 * and one already shown goes away (and counts as done) when the evidence arrives. Unknown is not
 * failure: a rule fires on evidence of a lapse, never on missing evidence of success.
 */
import { describe, expect, it } from 'vitest';
import { SIP_OBSERVABILITY, type CallEvent, type EvidenceAct, type EvidenceHow, type Observability } from '../../../src/core/call-event';
import { SELECTOR_OBSERVABILITY } from '../../../src/content/adapters/selectors';
import { PRACTICE_OBSERVABILITY } from '../../../src/content/adapters/practice';
import { DEFAULT_CONFIG, step } from '../../../src/core/coach';
import { config, connectedCall, ev, harness, t } from './harness';

const evidence = (callId: string, at: number, act: EvidenceAct, extra: { item?: string; name?: string; how?: EvidenceHow; undone?: boolean } = {}): CallEvent => ({
  callId,
  at,
  source: 'test',
  type: 'evidence',
  act,
  how: extra.how ?? 'said',
  ...(extra.item !== undefined ? { item: extra.item } : {}),
  ...(extra.name !== undefined ? { name: extra.name } : {}),
  ...(extra.undone ? { undone: true } : {}),
});

/** A call that starts with `observes` on its first event, as the adapters send it. */
function observedCall(h: ReturnType<typeof harness>, observes: Observability, callId = 'c1'): void {
  h.event({ ...ev.ringing(callId, t(0)), observes });
  h.event(ev.answered(callId, t(2)));
}

describe('evidence: hold-permission', () => {
  it('shows no reminder before a hold the caller agreed to (the practice call: "Yes, of course", then Hold)', () => {
    const h = harness();
    connectedCall(h);
    h.event(evidence('c1', t(20.7), 'hold-permission'));
    h.event(ev.holdRequested('c1', t(20.8)));
    h.event(ev.held('c1', t(21.2)));
    expect(h.shown('hold-permission')).toEqual([]);
    expect(h.record('1:c1')?.events.find((e) => e.type === 'evidence')).toEqual({ type: 'evidence', at: t(20.7), act: 'hold-permission', how: 'said' });
  });

  it('counts the evidence for the next hold only: the one after asks again', () => {
    const h = harness();
    connectedCall(h);
    h.event(evidence('c1', t(10), 'hold-permission'));
    h.event(ev.held('c1', t(11)));
    h.event(ev.resumed('c1', t(20)));
    h.event(ev.held('c1', t(30)));
    expect(h.shown('hold-permission').map((n) => n.kind)).toEqual(['question']);
    expect(h.shown('hold-permission')[0]?.firedAt).toBe(t(30));
  });

  it('takes the reminder down when the caller agrees while it is up', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.holdRequested('c1', t(10)));
    const [toast] = h.shown('hold-permission');
    h.event(evidence('c1', t(11), 'hold-permission'));
    expect(h.withdrawn()).toContain(toast?.key);
  });

  it('without speech, the question records the one-click answer and no second reminder comes for the same hold', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.held('c1', t(10)));
    const [question] = h.shown('hold-permission');
    expect(question?.kind).toBe('question');
    h.respond(question!.key, { type: 'answered', answer: 'yes' }, t(12));
    h.event(ev.held('c1', t(13))); // a repeat of the same hold changes nothing
    h.tick(t(60));
    expect(h.shown('hold-permission')).toHaveLength(1);
    expect(h.record('1:c1')?.nudges.find((n) => n.key === question!.key)?.answer).toBe('yes');
  });
});

describe('evidence: transfer-permission', () => {
  it('shows no reminder and no question for a transfer the caller was told of', () => {
    const h = harness();
    connectedCall(h);
    h.event(evidence('c1', t(30), 'transfer-permission'));
    h.event(ev.transferRequested('c1', t(31)));
    h.event(ev.transferStarted('c1', t(31.4)));
    expect(h.shown('transfer-permission')).toEqual([]);
  });
});

describe('evidence: greeting', () => {
  it('takes the checklist down once every part was said, and the card shows them ticked', () => {
    const h = harness();
    connectedCall(h);
    const [checklist] = h.shown('greeting');
    for (const item of ['greeting', 'ownName', 'organization']) h.event(evidence('c1', t(3), 'greeting-part', { item }));
    expect(h.withdrawn()).not.toContain(checklist?.key);
    h.event(evidence('c1', t(4), 'greeting-part', { item: 'offer' }));
    expect(h.withdrawn()).toContain(checklist?.key);
    const record = h.record('1:c1');
    expect(record?.greetingChecked).toEqual(['greeting', 'ownName', 'organization', 'offer']);
    expect(record?.nudges.find((n) => n.key === checklist?.key)?.checked).toEqual(['greeting', 'ownName', 'organization', 'offer']);
  });

  it('with no agent name set, the parts the agent can say are the whole greeting: ticked, the checklist goes', () => {
    const h = harness({ config: config({ organization: 'Du Bois Services' }) });
    connectedCall(h);
    const [checklist] = h.shown('greeting');
    for (const item of ['greeting', 'organization', 'offer']) h.event(evidence('c1', t(3), 'greeting-part', { item, how: 'ticked' }));
    expect(h.withdrawn()).toContain(checklist?.key);
  });

  it('shows no checklist when the card ticked every part before the answer arrived', () => {
    const h = harness();
    h.event(ev.ringing('c1', t(0)));
    for (const item of ['greeting', 'ownName', 'organization', 'offer']) h.event(evidence('c1', t(1), 'greeting-part', { item, how: 'ticked' }));
    h.event(ev.answered('c1', t(2)));
    expect(h.shown('greeting')).toEqual([]);
  });

  it('a tick on the card (an agent note) is the same evidence, recorded as an event; a repeat records nothing', () => {
    const h = harness();
    connectedCall(h);
    h.note('1:c1', { type: 'greeting-part', part: 'offer', checked: true }, t(5));
    expect(h.record('1:c1')?.events.at(-1)).toEqual({ type: 'evidence', at: t(5), act: 'greeting-part', how: 'ticked', item: 'offer' });
    const before = h.effects.length;
    h.note('1:c1', { type: 'greeting-part', part: 'offer', checked: true }, t(6));
    expect(h.effects.slice(before).filter((e) => e.type === 'record-call')).toEqual([]);
    h.note('1:c1', { type: 'greeting-part', part: 'offer', checked: false }, t(7));
    expect(h.record('1:c1')?.greetingChecked).toEqual([]);
    expect(h.record('1:c1')?.events.at(-1)).toMatchObject({ type: 'evidence', act: 'greeting-part', undone: true });
  });
});

describe('evidence: caller-name', () => {
  it('a name heard before the delay keeps the reminder away, and the card has it', () => {
    const h = harness();
    connectedCall(h);
    h.event(evidence('c1', t(8), 'caller-name', { name: 'Anna Bērziņa' }));
    h.tick(t(60));
    expect(h.shown('caller-name')).toEqual([]);
    expect(h.record('1:c1')?.callerName).toBe('Anna Bērziņa');
  });

  it('a name heard after the reminder takes it down', () => {
    const h = harness();
    connectedCall(h);
    h.tick(t(30));
    const [reminder] = h.shown('caller-name');
    expect(reminder).toBeDefined();
    h.event(evidence('c1', t(31), 'caller-name', { name: 'Anna' }));
    expect(h.withdrawn()).toContain(reminder?.key);
  });
});

describe('evidence: closing', () => {
  it('shows no checklist when all three were done before the hang-up (the practice call)', () => {
    const h = harness();
    connectedCall(h);
    for (const item of ['recap', 'anything-else', 'thank']) h.event(evidence('c1', t(40), 'closing-item', { item }));
    h.event(ev.hangupRequested('c1', t(46)));
    h.event(ev.ended('c1', t(46.4)));
    expect(h.shown('closing')).toEqual([]);
    expect(h.record('1:c1')?.closingChecked).toEqual(['recap', 'anything-else', 'thank']);
  });

  it('lists only what is missing, and goes away (done) when the rest is ticked on the card', () => {
    const h = harness();
    connectedCall(h);
    h.event(evidence('c1', t(40), 'closing-item', { item: 'thank' }));
    h.event(ev.hangupRequested('c1', t(46)));
    const [checklist] = h.shown('closing');
    expect(checklist?.items?.map((i) => i.id)).toEqual(['recap', 'anything-else']);
    h.event(evidence('c1', t(47), 'closing-item', { item: 'recap', how: 'ticked' }));
    expect(h.withdrawn()).not.toContain(checklist?.key);
    h.event(evidence('c1', t(48), 'closing-item', { item: 'anything-else', how: 'ticked' }));
    expect(h.withdrawn()).toContain(checklist?.key);
    expect(h.record('1:c1')?.nudges.find((n) => n.key === checklist?.key)?.checked).toEqual(['recap', 'anything-else', 'thank']);
  });

  it('ticks on the checklist itself finish it too', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.ended('c1', t(30)));
    const [checklist] = h.shown('closing');
    for (const itemId of ['recap', 'anything-else', 'thank']) h.respond(checklist!.key, { type: 'checked', itemId, checked: true }, t(31));
    expect(h.withdrawn()).toContain(checklist?.key);
  });
});

describe('unknown is not failure: safe-hold and what a source observes', () => {
  it('a blind transfer on a selector softphone (outcome never observed), hung up at once: no nudge', () => {
    const h = harness();
    observedCall(h, SELECTOR_OBSERVABILITY);
    h.event(ev.holdRequested('c1', t(30)));
    h.event(ev.held('c1', t(30)));
    h.event(ev.transferRequested('c1', t(33)));
    h.event(ev.transferStarted('c1', t(33)));
    h.event(ev.hangupRequested('c1', t(34)));
    h.event(ev.ended('c1', t(34)));
    expect(h.shown('safe-hold')).toEqual([]);
    expect(h.record('1:c1')?.flags).toEqual([]);
    expect(h.record('1:c1')?.observes).toEqual(SELECTOR_OBSERVABILITY);
  });

  it('a transfer observed to fail still gets the nudge, on any source', () => {
    for (const observes of [SIP_OBSERVABILITY, PRACTICE_OBSERVABILITY]) {
      const h = harness();
      observedCall(h, observes);
      h.event(ev.transferStarted('c1', t(30)));
      h.event(ev.transferFailed('c1', t(38)));
      h.event(ev.ended('c1', t(40)));
      expect(h.shown('safe-hold').map((n) => n.text)).toEqual([expect.stringContaining('transfer that did not go through')]);
    }
  });

  it('where the outcome is observable, a transfer never accepted still counts (SIP: no 202 came); absent `observes` is SIP', () => {
    const h = harness();
    connectedCall(h);
    h.event(ev.transferStarted('c1', t(30)));
    h.event(ev.ended('c1', t(31)));
    expect(h.shown('safe-hold')).toHaveLength(1);
    expect(h.record('1:c1')?.observes).toBeUndefined();
  });

  it('keeps what the source observes from the first event that says it, and ignores a malformed one', () => {
    const h = harness();
    h.event({ ...ev.ringing('c1', t(0)), observes: { hold: 'yes' } as unknown as Observability });
    h.event({ ...ev.answered('c1', t(2)), observes: SELECTOR_OBSERVABILITY });
    h.event({ ...ev.held('c1', t(3)), observes: PRACTICE_OBSERVABILITY });
    expect(h.record('1:c1')?.observes).toEqual(SELECTOR_OBSERVABILITY);
  });

  it('a hold on a selector softphone ended within the window is still flagged (a hold is observed)', () => {
    const h = harness();
    observedCall(h, SELECTOR_OBSERVABILITY);
    h.event(ev.held('c1', t(30)));
    h.event(ev.ended('c1', t(32)));
    expect(h.shown('safe-hold')).toHaveLength(1);
  });
});

describe('a coach state persisted by the build before evidence', () => {
  it('keeps the ticks of a closing checklist shown before the upgrade (no closingChecked yet): no migration needed', () => {
    const h = harness({ roundTrip: true });
    connectedCall(h);
    h.event(ev.ended('c1', t(30)));
    const [checklist] = h.shown('closing');
    h.respond(checklist!.key, { type: 'checked', itemId: 'recap', checked: true }, t(31));
    // The previous build's state: the tick on the checklist's entry only, none of the new fields.
    const old = JSON.parse(JSON.stringify(h.state)) as typeof h.state;
    const call = old.calls['1:c1']!;
    delete call.record.closingChecked;
    delete call.record.observes;
    const result = step(old, { kind: 'nudge-response', key: checklist!.key, response: { type: 'checked', itemId: 'thank', checked: true }, at: t(32) }, t(32), DEFAULT_CONFIG);
    const record = result.effects.flatMap((e) => (e.type === 'record-call' ? [e.record] : [])).at(-1);
    expect(record?.nudges.find((n) => n.key === checklist!.key)?.checked).toEqual(['recap', 'thank']);
    expect(record?.closingChecked).toEqual(['recap', 'thank']);
  });
});
