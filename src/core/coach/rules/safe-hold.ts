/**
 * safe-hold: the agent's side ended the call within `windowSeconds` after (a) a transfer attempt
 * that did not succeed (never accepted, or failed; the window runs from its start or its
 * failure, whichever is later) or (b) the start of an agent hold: a likely accidental
 * disconnect, flagged on the record and nudged. A transfer that was accepted clears every hold
 * before it: that is the normal blind transfer (hold, REFER, 202, BYE). A success arriving just
 * after the end retracts the flag. A transfer whose outcome the source cannot observe
 * (`observes.transferOutcome` false: a selector softphone) is unknown, not failed: it never
 * raises the nudge, and clears the holds before it like an accepted one.
 */
import * as v from 'valibot';
import type { CallRecord } from '../types';
import { draft, seconds as secondsOf } from '../../practice/facts';
import { defineRule, ruleBase, numberIn, observesOf } from './rule';
import { agentHolds, agentTransfers, closedUnseen, lastEventBefore, plain, secondsText, timeFrom, unseenText } from './explain-kit';

/** safe-hold's cause, as the replay finds it from the record: an unsuccessful transfer first, then the last hold. */
function safeHoldCause(
  r: CallRecord,
  end: number,
  windowMs: number,
): { kind: 'hold'; since: number } | { kind: 'transfer'; since: number; transferAt: number; failed: boolean } | undefined {
  const transfer = agentTransfers(r).at(-1);
  if (transfer && transferLapsed(r, transfer)) {
    const failedAt = transfer.outcome === 'failed' ? lastEventBefore(r, 'transfer-failed', end)?.at : undefined;
    const since = Math.max(transfer.at, failedAt ?? transfer.at);
    if (end - since <= windowMs) return { kind: 'transfer', since, transferAt: transfer.at, failed: failedAt !== undefined };
  }
  const accepted = transfer !== undefined && transferClearsHolds(r, transfer);
  const hold = agentHolds(r).at(-1);
  if (hold && (!accepted || hold.start > (transfer?.at ?? 0)) && end - hold.start <= windowMs) return { kind: 'hold', since: hold.start };
  return undefined;
}

type Transfer = CallRecord['transfers'][number];

/**
 * Evidence of a lapse: a transfer observed to fail, or one whose outcome the source can observe
 * and never reported. An outcome the source cannot observe (a selector softphone) is unknown,
 * not failed.
 */
const transferLapsed = (r: CallRecord, t: Transfer): boolean =>
  t.outcome === 'failed' || (t.outcome === undefined && observesOf(r).transferOutcome);

/** A transfer that took the caller, or may have (unobserved): the holds before it were part of it. */
const transferClearsHolds = (r: CallRecord, t: Transfer): boolean =>
  t.outcome === 'accepted' || t.outcome === 'completed' || (t.outcome === undefined && !observesOf(r).transferOutcome);

export const safeHoldRule = defineRule({
  id: 'safe-hold',
  signal: 'call',
  settings: v.strictObject({ ...ruleBase, windowSeconds: numberIn(1, 60) }),
  defaults: { enabled: true, severity: 'nudge', windowSeconds: 5 },
  thresholds: [{ key: 'windowSeconds', unit: 'seconds', min: 1, max: 60 }],
  texts: ['safe-hold.hold', 'safe-hold.transfer'],
  preview: { params: (settings) => ({ seconds: Math.min(3, settings.windowSeconds) }) },
  coach: {
    // An accidental disconnect is said first, before any note about the call as a whole.
    endOrder: -1,
    onEvent(c, event, at) {
      const { call } = c;
      if (event.type === 'transfer-started' && event.by === 'agent') {
        delete call.transferFailedAt;
      } else if (event.type === 'transfer-failed' && event.by === 'agent') {
        call.transferFailedAt = at;
      } else if (event.type === 'transfer-accepted' && event.by === 'agent' && call.phase === 'ended' && call.safeHold === 'transfer') {
        // The success came just after the agent's leg ended: the caller reached the target after all.
        call.record.flags = call.record.flags.filter((f) => f.ruleId !== 'safe-hold');
        delete call.safeHold;
        c.withdraw();
      }
    },
    onEnded(c, end, how) {
      if (how.by !== 'agent' || !c.settings.enabled) return;
      const { call } = c;
      const windowMs = c.settings.windowSeconds * 1000;
      const r = call.record;
      const transfer = r.transfers.filter((t) => t.by === 'agent').at(-1);
      const lastHold = r.holds.filter((h) => h.by === 'agent').at(-1);

      let cause: { kind: 'hold' | 'transfer'; since: number } | undefined;
      if (transfer && transferLapsed(r, transfer)) {
        const since = Math.max(transfer.at, call.transferFailedAt ?? transfer.at);
        if (end - since <= windowMs) cause = { kind: 'transfer', since };
      }
      const transferSucceeded = transfer !== undefined && transferClearsHolds(r, transfer);
      const holdCounts = lastHold !== undefined && (!transferSucceeded || lastHold.start > (transfer?.at ?? 0));
      if (!cause && lastHold && holdCounts && end - lastHold.start <= windowMs) {
        cause = { kind: 'hold', since: lastHold.start };
      }
      if (!cause) return;

      const seconds = Math.round(Math.max(0, end - cause.since) / 1000);
      call.safeHold = cause.kind;
      r.flags.push({
        ruleId: 'safe-hold',
        at: end,
        note:
          cause.kind === 'hold'
            ? `likely accidental disconnect: ended ${seconds} s after a hold started`
            : `likely accidental disconnect: ended ${seconds} s after a transfer that did not succeed`,
      });
      c.show('toast', c.text(cause.kind === 'hold' ? 'safe-hold.hold' : 'safe-hold.transfer', { seconds }), end);
    },
  },
  explain: {
    connectedOnly: true,
    nudge(nudge, _trigger, ctx) {
      const at = timeFrom(ctx);
      const r = ctx.record;
      const window = plain(ctx.settings.windowSeconds * 1000);
      const cause = safeHoldCause(r, nudge.firedAt, ctx.settings.windowSeconds * 1000);
      if (!cause) return `ended by agent at ${at(nudge.firedAt)}; window ${window}`;
      const what =
        cause.kind === 'hold'
          ? `a hold began at ${at(cause.since)}`
          : cause.failed
            ? `a transfer at ${at(cause.transferAt)} that failed at ${at(cause.since)}`
            : `a transfer at ${at(cause.transferAt)} that was never accepted`;
      return `ended by agent at ${at(nudge.firedAt)}, ${secondsText(nudge.firedAt - cause.since)} after ${what}; window ${window}`;
    },
    quiet(ctx) {
      const r = ctx.record;
      const at = timeFrom(ctx);
      if (closedUnseen(r)) return unseenText(r);
      if (r.endedAt === undefined) return 'the call did not end';
      const end = r.endedAt ?? r.startedAt;
      if (r.endedBy !== 'agent') return `ended by ${r.endedBy ?? 'nobody seen'} at ${at(end)}: only an end from the agent's side is checked`;
      const windowMs = ctx.settings.windowSeconds * 1000;
      const transfer = agentTransfers(r).at(-1);
      const accepted = transfer !== undefined && transferClearsHolds(r, transfer);
      const unobserved = transfer !== undefined && transfer.outcome === undefined && !observesOf(r).transferOutcome;
      const hold = agentHolds(r).at(-1);
      if (!hold && !transfer) return `ended by agent at ${at(end)} with no agent hold or transfer before it`;
      const parts = [`ended by agent at ${at(end)}`];
      if (hold) {
        const cleared = accepted && transfer && hold.start <= transfer.at ? (unobserved ? ', before the transfer' : ', before an accepted transfer') : '';
        parts.push(`the last agent hold began ${secondsText(end - hold.start)} before${cleared}`);
      } else {
        parts.push('no agent hold');
      }
      if (transfer) {
        parts.push(
          unobserved
            ? `the transfer at ${at(transfer.at)} had an outcome the softphone does not show (unknown, not failed)`
            : accepted
              ? `the transfer at ${at(transfer.at)} was ${transfer.outcome}`
              : `the transfer at ${at(transfer.at)} was ${secondsText(end - transfer.at)} before`,
        );
      }
      return `${parts.join('; ')}; window ${plain(windowMs)}`;
    },
  },
  practice: {
    why: () => ({ key: 'practice_why_safe_hold' }),
    score(facts) {
      const d = draft();
      const end = facts.end;
      if (!end || end.by !== 'agent') {
        d.notReached = true;
        return d;
      }
      const windowMs = facts.rules.safeHoldSeconds * 1000;
      const lastHold = facts.holds.at(-1);
      const lastFailed = [...facts.transfers].reverse().find((t) => t.ok === false);
      const since = Math.max(lastHold?.start ?? -Infinity, lastFailed?.doneAt ?? -Infinity);
      if (Number.isFinite(since) && end.at - since <= windowMs) {
        d.improve.push({ key: 'practice_score_safe_hold', params: { seconds: secondsOf(end.at - since) } });
      } else {
        d.notReached = true;
      }
      return d;
    },
  },
});
