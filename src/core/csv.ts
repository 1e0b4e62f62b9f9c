/**
 * CSV export of call records (RFC 4180): one row per call, a header row, CRLF line ends, and a
 * field quoted when it holds a comma, a double quote (doubled inside), CR or LF.
 *
 * Formula injection: caller names and numbers come from the network, and a spreadsheet runs a
 * cell that starts with `=`, `+`, `-` or `@` (also after leading blanks, or a tab or CR) as a
 * formula (OWASP, "CSV Injection"). Such a text cell gets a leading apostrophe, which the
 * spreadsheet shows as text. That includes a number such as "+37167000000", which is what a
 * phone number should be in a spreadsheet anyway (it keeps its "+"). Numeric cells the export
 * computes itself are written as numbers and never guarded; none of them can be negative.
 *
 * Names come from the network too: cleaned again here (records kept from before names were cleaned
 * where they enter) and, in the caller_name column, wrapped in the Unicode isolates U+2068…U+2069
 * (core/names.ts), so a right-to-left or mixed name cannot reorder the row as a text viewer
 * shows it. The formula guard looks through leading direction marks and isolates: a spreadsheet
 * that ignores them must still never see a formula.
 *
 * Times are ISO 8601 with the offset of the team's time zone ("2026-03-27T16:59:00+02:00"):
 * unambiguous, sortable, and readable as local time.
 */
import type { CallRecord } from './coach/types';
import { formatLocalIso } from './business-days';
import { cleanOptionalName, isolate } from './names';

export type CsvCell = string | number | boolean | null | undefined;

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^(?:[\t\r]|[\s\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]*[=+\-@])/;

/** Guard a text cell against being run as a formula. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One field: numbers and booleans as they are, text guarded and quoted when needed, null/undefined empty. */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return Number.isFinite(cell) ? String(cell) : '';
  if (typeof cell === 'boolean') return cell ? 'true' : 'false';
  const text = neutralizeFormula(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface CsvOptions {
  /**
   * Start with a UTF-8 byte-order mark, so that Excel reads Latvian letters right. RFC 4180 has
   * none; off by default, the download should turn it on.
   */
  bom?: boolean;
}

/** Rows to CSV text: CRLF after every row, the last included (RFC 4180 allows both). */
export function toCsv(rows: readonly (readonly CsvCell[])[], options: CsvOptions = {}): string {
  const body = rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
  return (options.bom ? '\uFEFF' : '') + body;
}

export interface CallCsvColumn {
  name: string;
  /** What the column holds (for the export's documentation and the UI's help). */
  description: string;
  value: (record: CallRecord, timeZone: string) => CsvCell;
}

const time = (at: number | undefined, timeZone: string) => (at === undefined ? undefined : formatLocalIso(at, timeZone));
const seconds = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms / 100) / 10);
const agentHolds = (r: CallRecord) => r.holds.filter((h) => h.by === 'agent');
const holdMs = (h: CallRecord['holds'][number]) => (h.end === undefined ? 0 : Math.max(0, h.end - h.start));
const permissionAnswers = (r: CallRecord, ruleId: 'hold-permission' | 'transfer-permission') =>
  r.nudges
    .filter((n) => n.ruleId === ruleId && n.answer !== undefined)
    .map((n) => n.answer)
    .join(';');

/** The columns, in order. Lists within a cell are separated by ";". */
export const CALL_CSV_COLUMNS: readonly CallCsvColumn[] = [
  { name: 'call_key', description: 'Unique key of the call in the history (tab and call id).', value: (r) => r.callKey },
  { name: 'call_id', description: 'The softphone call id (SIP Call-ID).', value: (r) => r.callId },
  { name: 'source', description: 'The adapter that saw the call, e.g. sip-websocket.', value: (r) => r.source },
  { name: 'direction', description: 'inbound or outbound.', value: (r) => r.direction },
  {
    name: 'caller_name',
    description: 'Display name of the other party, as the network gave it (control characters removed, between U+2068 and U+2069).',
    value: (r) => {
      const name = cleanOptionalName(r.remote?.displayName);
      return name === undefined ? undefined : isolate(name);
    },
  },
  { name: 'caller_number', description: 'Number or user of the other party.', value: (r) => cleanOptionalName(r.remote?.number) },
  { name: 'started_at', description: 'When it started ringing or dialing (local time with offset).', value: (r, tz) => time(r.startedAt, tz) },
  { name: 'answered_at', description: 'When it was answered; empty if never.', value: (r, tz) => time(r.answeredAt, tz) },
  { name: 'ended_at', description: 'When it ended; empty while live.', value: (r, tz) => time(r.endedAt, tz) },
  { name: 'outcome', description: 'answered, missed or live.', value: (r) => r.outcome },
  { name: 'missed_reason', description: 'Why it was not answered (caller-abandoned, no-answer, rejected, answered-elsewhere, cancelled, failed).', value: (r) => r.missedReason },
  { name: 'ended_by', description: 'agent or remote.', value: (r) => r.endedBy },
  { name: 'end_reason', description: 'The end reason when known (e.g. tab-closed, stale).', value: (r) => r.endReason },
  { name: 'rings', description: 'Inbound: the ring in which it was answered or given up.', value: (r) => r.rings },
  { name: 'answer_class', description: 'Inbound answered: too-early, on-time or late.', value: (r) => r.answerClass },
  {
    name: 'ring_seconds',
    description: 'Seconds from start to answer.',
    value: (r) => seconds(r.answeredAt === undefined ? undefined : r.answeredAt - r.startedAt),
  },
  {
    name: 'talk_seconds',
    description: 'Seconds from answer to end, holds included.',
    value: (r) => seconds(r.answeredAt === undefined || r.endedAt === undefined ? undefined : r.endedAt - r.answeredAt),
  },
  { name: 'holds', description: "Number of the agent's holds.", value: (r) => agentHolds(r).length },
  { name: 'hold_seconds', description: "Total seconds of the agent's finished holds.", value: (r) => seconds(agentHolds(r).reduce((s, h) => s + holdMs(h), 0)) },
  { name: 'longest_hold_seconds', description: "Longest finished hold by the agent; empty without holds.", value: (r) => (agentHolds(r).length === 0 ? undefined : seconds(Math.max(...agentHolds(r).map(holdMs)))) },
  { name: 'hold_permission_answers', description: 'Answers to "Did you ask before hold?" in order (yes;no).', value: (r) => permissionAnswers(r, 'hold-permission') },
  { name: 'transfers', description: "Number of the agent's transfers.", value: (r) => r.transfers.filter((t) => t.by === 'agent').length },
  {
    name: 'transfer_outcomes',
    description: "Outcome of each of the agent's transfers in order (accepted, completed, failed; unknown when none was seen).",
    value: (r) => r.transfers.filter((t) => t.by === 'agent').map((t) => t.outcome ?? 'unknown').join(';'),
  },
  { name: 'transfer_permission_answers', description: 'Answers to "Did you ask before transferring?" in order.', value: (r) => permissionAnswers(r, 'transfer-permission') },
  { name: 'nudges', description: 'Number of nudges shown during the call.', value: (r) => r.nudges.length },
  { name: 'nudge_rules', description: 'Rule id of each nudge in order.', value: (r) => r.nudges.map((n) => n.ruleId).join(';') },
  { name: 'flags', description: 'Coaching flags as rule: note.', value: (r) => r.flags.map((f) => `${f.ruleId}: ${f.note}`).join(';') },
];

/** The call records as CSV, one row per call in the given order, times in `timeZone`. */
export function callsToCsv(records: readonly CallRecord[], options: CsvOptions & { timeZone: string }): string {
  const header = CALL_CSV_COLUMNS.map((c) => c.name);
  const rows = records.map((r) => CALL_CSV_COLUMNS.map((c) => c.value(r, options.timeZone)));
  return toCsv([header, ...rows], options);
}
