/**
 * Coach call records → the call-timeline format, so the history export writes what
 * `second-ring replay` reads.
 *
 * A record keeps each applied event as `{ type, at }` only; the rest of the event is rebuilt
 * from the record's other fields. What comes back, and what cannot:
 *
 * - `direction` (ringing, outbound-dialing, answered, missed) and `remote`: the record's (the
 *   remote party goes on the first event, whichever event brought it).
 * - `held` / `resumed` `by`: from `holds`, in order (each applied `held` added one hold; each
 *   applied `resumed` ended the open hold of its party at its time).
 * - `transfer-started` `by` and `target`: from `transfers`, in order.
 * - `transfer-accepted` / `transfer-failed`: `by` is taken from the latest transfer before it
 *   (when both sides had transfers going, that can be the wrong party); `completed` is true on
 *   the last outcome of a transfer recorded as completed; `status` is lost.
 * - `ended` `by`, `reason`; `missed` `by`, `reason`: `endedBy`, `endReason`, `missedReason`
 *   (a missed call's SIP status is lost). A call the coach closed itself ('tab-closed',
 *   'stale') has no end event: a tab-closed end goes to `tabsClosed`, a stale call keeps none.
 * - Events the coach ignored (a repeat, a hold while held) are not in the record, so not in
 *   the timeline; they change nothing in the coach, so a replay gives the same nudges.
 * - Evidence (a greeting part or closing item said or ticked on the card, the caller's name,
 *   asking before a hold or transfer) is a call event: it comes back as it was, so a replay
 *   reproduces a practice call; `observes` goes on the first event.
 * - The agent's responses to nudges (answers, dismissals, ticks) are not call events and have
 *   no place in version 1; a record keeps no time for an answer or a tick anyway. A replay
 *   therefore sees every question left unanswered (one open hold-permission question holds
 *   back the next).
 * - A record keeps its newest MAX_RECORD_EVENTS events: when older ones were dropped, the
 *   timeline starts with an `answered` at the first kept event (the coach's "joined mid-call").
 *
 * `notes` says, per call, which of these losses applied, for the export to show.
 */
import type { CallEventType, Party } from '../call-event';
import type { CallRecord } from '../coach';
import {
  CALL_START_TYPES,
  DEFAULT_TIMELINE_SOURCE,
  TIMELINE_FORMAT,
  TIMELINE_VERSION,
  formatIsoTime,
  type Timeline,
  type TimelineCall,
  type TimelineEvent,
} from './format';

export interface TimelineNote {
  callId: string;
  message: string;
}

export interface ToTimelineOptions {
  /** The IANA zone the calls were recorded in (reported by the replay). */
  timeZone?: string;
  description?: string;
}

/**
 * One timeline for the given records, calls in order of start. Records of the same call id in
 * two tabs get the tab id appended to the id, since ids are unique in a file.
 */
export function toTimeline(
  records: readonly CallRecord[],
  options: ToTimelineOptions = {},
): { timeline: Timeline; notes: TimelineNote[] } {
  const notes: TimelineNote[] = [];
  const sorted = [...records].filter((r) => r.events.length > 0).sort((a, b) => a.startedAt - b.startedAt);
  const idCount = new Map<string, number>();
  for (const r of sorted) idCount.set(r.callId, (idCount.get(r.callId) ?? 0) + 1);

  const calls: TimelineCall[] = [];
  const tabsClosed: NonNullable<Timeline['tabsClosed']> = [];
  for (const record of sorted) {
    const id = (idCount.get(record.callId) ?? 0) > 1 ? `${record.callId}@${record.tabId}` : record.callId;
    const note = (message: string) => notes.push({ callId: id, message });
    const events = eventsOf(record, note);
    // What the source could observe goes on the first event, as the adapter sent it.
    if (record.observes && events[0]) events[0] = { ...events[0], observes: { ...record.observes } };
    calls.push({
      id,
      tabId: record.tabId,
      ...(record.source !== DEFAULT_TIMELINE_SOURCE ? { source: record.source } : {}),
      events,
    });
    if (record.endReason === 'tab-closed' && record.endedAt !== undefined) {
      tabsClosed.push({ tabId: record.tabId, at: formatIsoTime(record.endedAt) });
    }
    if (record.endReason === 'stale') note('the coach closed this call as stale (its end was never seen): the timeline has no end for it');
    if (record.nudges.some((n) => n.answer !== undefined || n.dismissedAt !== undefined || (n.checked?.length ?? 0) > 0)) {
      note("the agent's answers, dismissals and ticks are not part of a timeline: a replay sees none of them");
    }
  }
  tabsClosed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const timeline: Timeline = {
    format: TIMELINE_FORMAT,
    version: TIMELINE_VERSION,
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    ...(options.description ? { description: options.description } : {}),
    calls,
    ...(tabsClosed.length > 0 ? { tabsClosed } : {}),
  };
  return { timeline, notes };
}

function eventsOf(record: CallRecord, note: (message: string) => void): TimelineEvent[] {
  const out: TimelineEvent[] = [];
  const holds = [...record.holds];
  const openHolds: CallRecord['holds'] = [];
  const transfers = [...record.transfers];
  const startedTransfers: CallRecord['transfers'] = [];
  let firstOutcome = true;

  const first = record.events[0];
  if (first && !(CALL_START_TYPES as readonly CallEventType[]).includes(first.type)) {
    note('older events were dropped from the record: the timeline starts with the call already answered');
    out.push({ type: 'answered', at: formatIsoTime(first.at), direction: record.direction });
    // The holds and transfers of dropped events are still in the record: skip those.
    holds.splice(0, Math.max(0, holds.length - record.events.filter((e) => e.type === 'held').length));
    transfers.splice(0, Math.max(0, transfers.length - record.events.filter((e) => e.type === 'transfer-started').length));
  }
  const remote = record.remote ? { remote: { ...record.remote } } : {};
  let remoteGiven = false;
  const withRemote = <T extends object>(e: T): T => {
    if (remoteGiven || !record.remote) return e;
    remoteGiven = true;
    return { ...e, ...remote };
  };

  record.events.forEach(({ type, at: atMs }, index) => {
    const at = formatIsoTime(atMs);
    switch (type) {
      case 'ringing':
        out.push(withRemote({ type, at, direction: 'inbound' as const }));
        break;
      case 'outbound-dialing':
        out.push(withRemote({ type, at, direction: 'outbound' as const }));
        break;
      case 'answered':
        out.push(withRemote({ type, at, direction: record.direction }));
        break;
      case 'held': {
        const hold = holds.shift();
        if (hold) openHolds.push(hold);
        else note(`a hold at ${at} is not in the record's holds: taken as the agent's`);
        out.push({ type, at, by: hold?.by ?? 'agent' });
        break;
      }
      case 'resumed': {
        const i = openHolds.findIndex((h) => h.end === atMs);
        const hold = i >= 0 ? openHolds.splice(i, 1)[0] : undefined;
        if (!hold) note(`a resume at ${at} matches no hold of the record: taken as the agent's`);
        out.push({ type, at, by: hold?.by ?? 'agent' });
        break;
      }
      case 'transfer-started': {
        const transfer = transfers.shift();
        if (transfer) startedTransfers.push(transfer);
        out.push({ type, at, by: transfer?.by ?? 'agent', ...(transfer?.target !== undefined ? { target: transfer.target } : {}) });
        break;
      }
      case 'transfer-accepted':
      case 'transfer-failed': {
        const transfer = startedTransfers.at(-1);
        const by: Party = transfer?.by ?? 'agent';
        if (firstOutcome && startedTransfers.some((t) => t.by !== by)) {
          note('transfers by both sides: the party of a transfer outcome is a guess');
          firstOutcome = false;
        }
        if (type === 'transfer-failed') out.push({ type, at, by });
        else out.push({ type, at, by, completed: transfer?.outcome === 'completed' && isLastOutcome(record, index) });
        break;
      }
      case 'ended':
        out.push({
          type,
          at,
          by: record.endedBy ?? 'remote',
          // 'tab-closed' and 'stale' are the coach's own ends, never an event's reason.
          ...(record.endReason !== undefined && record.endReason !== 'tab-closed' && record.endReason !== 'stale'
            ? { reason: record.endReason }
            : {}),
        });
        break;
      case 'missed':
        out.push({
          type,
          at,
          direction: record.direction,
          by: record.endedBy ?? 'remote',
          reason: record.missedReason ?? (record.direction === 'inbound' ? 'caller-abandoned' : 'failed'),
        });
        break;
      case 'evidence': {
        const e = record.events[index];
        if (!e?.act || !e.how) {
          note(`evidence at ${at} without its act was left out`);
          break;
        }
        out.push({
          type,
          at,
          act: e.act,
          how: e.how,
          ...(e.item !== undefined ? { item: e.item } : {}),
          ...(e.name !== undefined ? { name: e.name } : {}),
          ...(e.undone ? { undone: true } : {}),
        });
        break;
      }
      case 'hold-requested':
      case 'transfer-requested':
      case 'hangup-requested':
      case 'muted':
      case 'unmuted':
        out.push({ type, at });
        break;
      default: {
        const unknown: never = type;
        note(`an event of unknown type ${String(unknown)} was left out`);
      }
    }
  });
  return out;
}

/** No other outcome of the same transfer (before the next transfer starts) follows event `index`. */
function isLastOutcome(record: CallRecord, index: number): boolean {
  for (const e of record.events.slice(index + 1)) {
    if (e.type === 'transfer-started') return true;
    if (e.type === 'transfer-accepted' || e.type === 'transfer-failed') return false;
  }
  return true;
}
