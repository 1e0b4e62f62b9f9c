/**
 * Call records as the coach really writes them: scripted calls are played through the pure
 * coach (`step`) with its default configuration, and the last record of each call is kept.
 * Used by the figures, CSV and history-store tests.
 */
import type { CallEvent, MissedReason, Party, RemoteParty } from '../../../src/core/call-event';
import { DEFAULT_CONFIG, initialCoachState, step, type CallRecord, type CoachInput, type CoachState, type Nudge } from '../../../src/core/coach';

export interface Player {
  /** Seconds after the call's own start, as epoch ms. */
  inbound(callId: string, at: number, remote?: RemoteParty): void;
  outbound(callId: string, at: number, remote?: RemoteParty): void;
  answered(callId: string, at: number, direction?: 'inbound' | 'outbound'): void;
  holdRequested(callId: string, at: number): void;
  held(callId: string, at: number, by?: Party): void;
  resumed(callId: string, at: number, by?: Party): void;
  transfer(callId: string, at: number, outcome: 'completed' | 'failed', target?: string): void;
  ended(callId: string, at: number, by?: Party): void;
  missed(callId: string, at: number, reason?: MissedReason, direction?: 'inbound' | 'outbound'): void;
  tick(at: number): void;
  /** Answer the latest open question of a rule on a call. */
  answer(callId: string, ruleId: Nudge['ruleId'], answer: 'yes' | 'no', at: number): void;
  /** Tick every item of the closing checklist. */
  closeOut(callId: string, at: number): void;
}

export function playCalls(script: (p: Player) => void, tabId = 1): CallRecord[] {
  let state: CoachState = initialCoachState();
  const records = new Map<string, CallRecord>();
  const shown: Nudge[] = [];
  const run = (input: CoachInput, now: number) => {
    const result = step(state, input, now, DEFAULT_CONFIG);
    state = result.state;
    for (const effect of result.effects) {
      if (effect.type === 'record-call') records.set(effect.record.callKey, structuredClone(effect.record));
      if (effect.type === 'show-nudge') shown.push(effect.nudge);
    }
  };
  const event = (e: CallEvent) => run({ kind: 'call-event', tabId, event: e }, e.at);
  const base = (callId: string, at: number) => ({ callId, at, source: 'sip-websocket' });
  const latest = (callId: string, ruleId: Nudge['ruleId']) =>
    shown.filter((n) => n.callKey.endsWith(`:${callId}`) && n.ruleId === ruleId).at(-1);

  script({
    inbound: (callId, at, remote) => event({ ...base(callId, at), type: 'ringing', direction: 'inbound', ...(remote ? { remote } : {}) }),
    outbound: (callId, at, remote) => event({ ...base(callId, at), type: 'outbound-dialing', direction: 'outbound', ...(remote ? { remote } : {}) }),
    answered: (callId, at, direction = 'inbound') => event({ ...base(callId, at), type: 'answered', direction }),
    holdRequested: (callId, at) => event({ ...base(callId, at), type: 'hold-requested' }),
    held: (callId, at, by = 'agent') => event({ ...base(callId, at), type: 'held', by }),
    resumed: (callId, at, by = 'agent') => event({ ...base(callId, at), type: 'resumed', by }),
    transfer: (callId, at, outcome, target) => {
      event({ ...base(callId, at), type: 'transfer-started', by: 'agent', ...(target ? { target } : {}) });
      event(
        outcome === 'failed'
          ? { ...base(callId, at + 500), type: 'transfer-failed', by: 'agent', status: 486 }
          : { ...base(callId, at + 500), type: 'transfer-accepted', by: 'agent', completed: true },
      );
    },
    ended: (callId, at, by = 'agent') => event({ ...base(callId, at), type: 'ended', by }),
    missed: (callId, at, reason = 'caller-abandoned', direction = 'inbound') =>
      event({ ...base(callId, at), type: 'missed', direction, by: 'remote', reason }),
    tick: (at) => run({ kind: 'tick' }, at),
    answer: (callId, ruleId, answer, at) => {
      const nudge = latest(callId, ruleId);
      if (!nudge) throw new Error(`no ${ruleId} nudge on ${callId}`);
      run({ kind: 'nudge-response', key: nudge.key, response: { type: 'answered', answer }, at }, at);
    },
    closeOut: (callId, at) => {
      const nudge = latest(callId, 'closing');
      // A transfer the colleague took handed the caller over: the coach shows no closing for it.
      const handedOver = records.get(`${tabId}:${callId}`)?.transfers.some((t) => t.by === 'agent' && t.outcome === 'completed');
      if (!nudge && handedOver) return;
      if (!nudge) throw new Error(`no closing checklist on ${callId}`);
      for (const item of nudge.items ?? []) {
        run({ kind: 'nudge-response', key: nudge.key, response: { type: 'checked', itemId: item.id, checked: true }, at }, at);
      }
    },
  });
  return [...records.values()];
}

const S = 1000;

/**
 * A day's worth of varied calls starting at `start` (epoch ms), one every ~8 minutes: answered
 * on time or late, holds with and without asking, transfers, missed and answered-elsewhere
 * calls, outbound calls. Deterministic for a given `seed`.
 */
export function realisticShift(start: number, count: number, seed = 1, tabId = 1): CallRecord[] {
  let x = seed >>> 0 || 1;
  const rand = () => {
    // xorshift32: deterministic, no Math.random.
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
  const names = ['Jānis Bērziņš', 'Anna Kalniņa', 'ACME Logistics SIA', 'Pēteris Ozoliņš', 'Līga Liepiņa', 'Unknown'];
  return playCalls((p) => {
    for (let i = 0; i < count; i++) {
      const t0 = start + i * 8 * 60 * S + Math.floor(rand() * 60) * S;
      const id = `${seed}-${i}-${Math.floor(rand() * 1e9).toString(36)}@pbx.example.lv`;
      const remote = { displayName: names[i % names.length]!, number: `+3716${String(7000000 + Math.floor(rand() * 999999)).padStart(7, '0')}` };
      const kind = rand();
      if (kind < 0.12) {
        p.inbound(id, t0, remote);
        p.tick(t0 + 10 * S);
        p.missed(id, t0 + 17 * S);
        continue;
      }
      if (kind < 0.17) {
        p.inbound(id, t0, remote);
        p.missed(id, t0 + 4 * S, 'answered-elsewhere');
        continue;
      }
      const outbound = kind > 0.9;
      if (outbound) p.outbound(id, t0, remote);
      else p.inbound(id, t0, remote);
      const late = !outbound && rand() < 0.15;
      if (late) p.tick(t0 + 10 * S);
      const answeredAt = t0 + (late ? 12 : 3 + Math.floor(rand() * 5)) * S;
      p.answered(id, answeredAt, outbound ? 'outbound' : 'inbound');
      let t = answeredAt + 40 * S;
      const holds = Math.floor(rand() * 3);
      for (let h = 0; h < holds; h++) {
        const asked = rand() < 0.4;
        if (asked) p.holdRequested(id, t - S);
        p.held(id, t);
        if (!asked && rand() < 0.7) p.answer(id, 'hold-permission', rand() < 0.8 ? 'yes' : 'no', t + 2 * S);
        const length = 10 + Math.floor(rand() * 80);
        if (length > 45) p.tick(t + 45 * S);
        p.resumed(id, t + length * S);
        t += (length + 30) * S;
      }
      if (rand() < 0.15) {
        p.transfer(id, t, rand() < 0.8 ? 'completed' : 'failed', 'sip:billing@pbx.example.lv');
        t += 2 * S;
      }
      p.ended(id, t + 60 * S, rand() < 0.5 ? 'agent' : 'remote');
      if (rand() < 0.6) p.closeOut(id, t + 65 * S);
    }
  }, tabId);
}
