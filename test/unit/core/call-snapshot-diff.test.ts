import { describe, expect, it } from 'vitest';
import { diffCallSnapshots, type SnapshotCall } from '../../../src/core/call-snapshot-diff';
import type { CallEvent, Observability } from '../../../src/core/call-event';

const observes: Observability = { holdIntent: false, hold: true, transferIntent: false, transferOutcome: true, hangupIntent: false, endedBy: false };
const ctx = { at: 5_000, source: 'vendor', observes };
const call = (over: Partial<SnapshotCall> = {}): SnapshotCall => ({ id: 'c1', direction: 'inbound', state: 'ringing', ...over });
const types = (events: CallEvent[]) => events.map((e) => e.type);

/** Walk a sequence of snapshots from an empty first one; all events, in order. */
function walk(...snapshots: SnapshotCall[][]): CallEvent[] {
  let previous: SnapshotCall[] | undefined = [];
  const all: CallEvent[] = [];
  for (const next of snapshots) {
    all.push(...diffCallSnapshots(previous, next, ctx));
    previous = next;
  }
  return all;
}

describe('the snapshot differ', () => {
  it('turns a whole inbound call into ringing, answered, held, resumed, transfer and ended, stamped and keyed', () => {
    const events = walk(
      [call({ remote: { number: '+371' } })],
      [call({ state: 'connected' })],
      [call({ state: 'connected', held: true })],
      [call({ state: 'connected' })],
      [call({ state: 'connected', thirdParty: 'connecting' })],
      [call({ state: 'connected', thirdParty: 'connected' })],
      [call({ state: 'ended', thirdParty: 'connected' })],
    );
    expect(types(events)).toEqual(['ringing', 'answered', 'held', 'resumed', 'transfer-started', 'transfer-accepted', 'ended']);
    expect(events.every((e) => e.callId === 'c1' && e.at === 5_000 && e.source === 'vendor')).toBe(true);
    expect(events[0]).toMatchObject({ type: 'ringing', direction: 'inbound', remote: { number: '+371' }, observes });
    expect(events.slice(1).every((e) => e.observes === undefined)).toBe(true);
    expect(events[5]).toMatchObject({ type: 'transfer-accepted', by: 'agent', completed: true });
    expect(events[6]).toMatchObject({ type: 'ended', by: 'remote' });
  });

  it('reports a third party that went away while connecting as a failed transfer, also when the call ends with it', () => {
    expect(types(walk([call({ state: 'connected' })], [call({ state: 'connected', thirdParty: 'connecting' })], [call({ state: 'connected' })]))).toEqual([
      'answered',
      'transfer-started',
      'transfer-failed',
    ]);
    expect(types(walk([call({ state: 'connected', thirdParty: 'connecting' })], []))).toEqual(['answered', 'transfer-started', 'transfer-failed', 'ended']);
  });

  it('tells missed calls apart: gone while ringing, the source’s own missed, rejected, outbound failed', () => {
    expect(walk([call()], []).at(-1)).toMatchObject({ type: 'missed', by: 'remote', reason: 'caller-abandoned' });
    expect(walk([call()], [call({ state: 'missed' })]).at(-1)).toMatchObject({ type: 'missed', reason: 'no-answer' });
    expect(walk([call()], [call({ state: 'rejected' })]).at(-1)).toMatchObject({ type: 'missed', by: 'agent', reason: 'rejected' });
    const outbound = walk([call({ direction: 'outbound' })], [call({ direction: 'outbound', state: 'ended' })]);
    expect(outbound).toMatchObject([{ type: 'outbound-dialing', direction: 'outbound' }, { type: 'missed', direction: 'outbound', reason: 'failed' }]);
  });

  it('attaching mid-call starts from the current snapshot: connected → answered (and held), finished calls are not reported', () => {
    const events = diffCallSnapshots(undefined, [call({ id: 'a', state: 'connected', held: true }), call({ id: 'b', state: 'ended' }), call({ id: 'c' })], ctx);
    expect(events.map((e) => [e.callId, e.type])).toEqual([
      ['a', 'answered'],
      ['a', 'held'],
      ['c', 'ringing'],
    ]);
    expect(events[0]!.observes).toEqual(observes);
  });

  it('says nothing when nothing changed, and nothing more about a call once it is over', () => {
    expect(diffCallSnapshots([call({ state: 'connected' })], [call({ state: 'connected' })], ctx)).toEqual([]);
    expect(diffCallSnapshots([call({ state: 'ended' })], [], ctx)).toEqual([]);
    expect(diffCallSnapshots([call({ state: 'ended' })], [call({ state: 'connected' })], ctx)).toEqual([]);
  });

  it('keeps two calls apart (call waiting)', () => {
    const events = walk([call({ state: 'connected' })], [call({ state: 'connected', held: true }), call({ id: 'c2' })], [call({ id: 'c2', state: 'connected' })]);
    expect(events.map((e) => `${e.callId}:${e.type}`)).toEqual(['c1:answered', 'c1:held', 'c2:ringing', 'c2:answered', 'c1:ended']);
  });

  it('never changes its inputs', () => {
    const previous = Object.freeze([Object.freeze(call())]);
    const next = Object.freeze([Object.freeze(call({ state: 'connected' }))]);
    expect(types(diffCallSnapshots(previous, next, ctx))).toEqual(['answered']);
  });
});
