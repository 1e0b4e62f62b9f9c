/**
 * The replay's output: a table for people, or JSON lines for tools. Pure (strings in, lines
 * out). Texts can hold a caller's name from the network, so control characters are escaped
 * before they reach a terminal.
 */
import type { Language } from '../core/coach/types';
import type { ReplayNudge, ReplayResult } from '../core/timeline';
import type { OutputFormat } from './args';

export interface RenderOptions {
  format: OutputFormat;
  explain: boolean;
  /** The timeline's `timeZone`, reported only. */
  timeZone?: string;
  /** The configuration's language, the nudges' own: the summary line speaks it too. */
  language?: Language;
}

/** `+10.0s`: time from the call's first event. */
export const offset = (ms: number): string => `+${(ms / 1000).toFixed(1)}s`;

/** C0/C1 controls and DEL as visible escapes, so no text can move a terminal's cursor. */
export const safe = (text: string): string =>
  // eslint-disable-next-line no-control-regex
  text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** JSON for one line: JSON.stringify escapes C0 controls; this escapes C1 and line separators too. */
const jsonLine = (value: unknown): string =>
  JSON.stringify(value).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * A checklist's items after its text, separated by "; ". The greeting's items are the parts of
 * one sentence, each with its own punctuation ("Hello," "this is …" "with ….") : they read as
 * that sentence, so a separator would double the punctuation ("Hello,;").
 */
function nudgeText(n: ReplayNudge): string {
  if (!n.items?.length) return n.text;
  const items = n.items.map((i) => i.text.trim()).filter((text) => text !== '');
  return `${n.text} ${items.join(n.ruleId === 'greeting' ? ' ' : '; ')}`;
}

const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

/** Latvian numerals agree with the last digit: 1, 21, 31 … (not 11) take the singular. */
const lvSingular = (count: number) => count % 10 === 1 && count % 100 !== 11;

/** The summary line in the nudges' language (the rule ids stay ids). */
function summaryLine(total: number, calls: number, counts: string[], language: Language): string {
  if (language === 'lv') {
    const where = `${calls} ${lvSingular(calls) ? 'zvanā' : 'zvanos'}`;
    return total === 0
      ? `kopsavilkums: ${where} nav padomu`
      : `kopsavilkums: ${total} ${lvSingular(total) ? 'padoms' : 'padomi'} ${where} — ${counts.join(', ')}`;
  }
  const where = plural(calls, 'call', 'calls');
  return total === 0 ? `summary: no nudges in ${where}` : `summary: ${plural(total, 'nudge', 'nudges')} in ${where} — ${counts.join(', ')}`;
}

export function render(result: ReplayResult, options: RenderOptions): string[] {
  return options.format === 'jsonl' ? renderJsonl(result, options) : renderTable(result, options);
}

function renderTable(result: ReplayResult, options: RenderOptions): string[] {
  const lines: string[] = [];
  const rows = result.nudges.map((n) => ({
    call: safe(n.callId),
    time: offset(n.atMs),
    rule: n.ruleId,
    severity: n.severity,
    text: safe(nudgeText(n)),
    why: n.why === undefined ? undefined : safe(n.why),
  }));
  const quiet = options.explain ? groupQuiet(result) : [];
  const callWidth = Math.max(4, ...rows.map((r) => r.call.length), ...quiet.map((q) => q.call.length));
  const timeWidth = Math.max(4, ...rows.map((r) => r.time.length));
  const ruleWidth = Math.max(4, ...rows.map((r) => r.rule.length));
  const severityWidth = 8;
  const row = (cells: string[]) => cells.join('  ').trimEnd();

  if (rows.length > 0) {
    lines.push(row(['call'.padEnd(callWidth), 'time'.padEnd(timeWidth), 'rule'.padEnd(ruleWidth), 'severity'.padEnd(severityWidth), 'text']));
    for (const r of rows) {
      lines.push(row([r.call.padEnd(callWidth), r.time.padEnd(timeWidth), r.rule.padEnd(ruleWidth), r.severity.padEnd(severityWidth), r.text]));
      if (options.explain && r.why !== undefined) lines.push(`${' '.repeat(callWidth + timeWidth + 4)}why: ${r.why}`);
    }
  } else {
    lines.push('no nudges');
  }
  if (options.explain) {
    if (quiet.length > 0) {
      lines.push('', 'quiet (enabled, checked, no nudge on the call):');
      for (const q of quiet) lines.push(row([q.call.padEnd(callWidth), `${q.rules.join(', ')}: ${q.reason}`]));
    }
    if (result.disabled.length > 0) lines.push('', `off in the configuration: ${result.disabled.join(', ')}`);
  }
  if (result.stoppedEarly) lines.push('', `note: ${result.stoppedEarly}`);
  if (options.timeZone) lines.push('', `time zone: ${safe(options.timeZone)} (the timeline's, reported only; rules use the configuration's)`);
  const counts = Object.entries(result.summary).map(([id, count]) => `${id} ${count}`);
  lines.push('', summaryLine(result.nudges.length, result.calls, counts, options.language ?? 'en'));
  return lines;
}

/** Per call, the rules that stayed quiet for the same reason on one line. */
function groupQuiet(result: ReplayResult): { call: string; rules: string[]; reason: string }[] {
  const groups: { call: string; rules: string[]; reason: string }[] = [];
  for (const q of result.quiet) {
    const call = safe(q.callId);
    const reason = safe(q.reason);
    const same = groups.find((g) => g.call === call && g.reason === reason);
    if (same) same.rules.push(q.ruleId);
    else groups.push({ call, rules: [q.ruleId], reason });
  }
  return groups;
}

function renderJsonl(result: ReplayResult, options: RenderOptions): string[] {
  const lines = result.nudges.map((n) =>
    jsonLine({
      callId: n.callId,
      ruleId: n.ruleId,
      atMs: n.atMs,
      at: offset(n.atMs),
      severity: n.severity,
      kind: n.kind,
      occurrence: n.occurrence,
      text: n.text,
      ...(n.items ? { items: n.items } : {}),
      ...(options.explain && n.why !== undefined ? { why: n.why } : {}),
    }),
  );
  if (options.explain) for (const q of result.quiet) lines.push(jsonLine({ quiet: q }));
  lines.push(
    jsonLine({
      summary: result.summary,
      nudges: result.nudges.length,
      calls: result.calls,
      events: result.events,
      ...(options.explain ? { disabled: result.disabled } : {}),
      ...(options.timeZone ? { timeZone: options.timeZone } : {}),
      ...(result.stoppedEarly ? { stoppedEarly: result.stoppedEarly } : {}),
    }),
  );
  return lines;
}
