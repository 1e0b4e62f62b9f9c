/**
 * Shift figures (core/figures.ts) as a list of labelled values: the popup shows the short list,
 * the figures page the whole one. Every value carries `data-testid="figure-<id>"` and its raw
 * value in `data-value`. Props only.
 */
import type { Language } from '../../../core/coach/types';
import type { ShiftFigures } from '../../../core/figures';
import { formatNumber, formatSeconds, formatShare } from '../format';
import { t, tKey } from '../i18n';

export interface FigureRow {
  id: string;
  label: string;
  value: string;
  raw: number | null;
  detail?: string;
}

/** The rows of the list, in reading order; `short` leaves out the finer ones. */
export function figureRows(f: ShiftFigures, lang: Language, short = false): FigureRow[] {
  const rows: FigureRow[] = [
    { id: 'taken', label: t(lang, 'figures_taken'), value: String(f.calls.taken), raw: f.calls.taken },
    { id: 'missed', label: t(lang, 'figures_missed'), value: String(f.calls.missed), raw: f.calls.missed },
    {
      id: 'on-time',
      label: t(lang, 'figures_on_time'),
      value: formatShare(f.answers.onTimeShare, lang),
      raw: f.answers.onTimeShare,
      detail: t(lang, 'figures_on_time_detail', { onTime: f.answers.onTime, classified: f.answers.classified, late: f.answers.late, early: f.answers.tooEarly }),
    },
    { id: 'mean-rings', label: t(lang, 'figures_mean_rings'), value: formatNumber(f.answers.meanRings, lang), raw: f.answers.meanRings },
    { id: 'holds', label: t(lang, 'figures_holds'), value: String(f.holds.count), raw: f.holds.count },
    {
      id: 'hold-confirmed',
      label: t(lang, 'figures_hold_confirmed'),
      value: formatShare(f.holds.confirmedShare, lang),
      raw: f.holds.confirmedShare,
      detail: t(lang, 'figures_hold_confirmed_detail', { confirmed: f.holds.confirmed, asked: f.holds.asked }),
    },
    { id: 'hold-mean', label: t(lang, 'figures_hold_mean'), value: formatSeconds(f.holds.meanMs), raw: f.holds.meanMs },
    { id: 'hold-longest', label: t(lang, 'figures_hold_longest'), value: formatSeconds(f.holds.longestMs), raw: f.holds.longestMs },
    {
      id: 'transfers',
      label: t(lang, 'figures_transfers'),
      value: String(f.transfers.count),
      raw: f.transfers.count,
      detail: t(lang, 'figures_transfers_detail', { completed: f.transfers.completed + f.transfers.accepted, failed: f.transfers.failed }),
    },
    { id: 'returns-owed', label: t(lang, 'figures_returns_owed'), value: String(f.returnCalls.owed), raw: f.returnCalls.owed },
    { id: 'returns-overdue', label: t(lang, 'figures_returns_overdue'), value: String(f.returnCalls.overdue), raw: f.returnCalls.overdue },
    { id: 'nudges', label: t(lang, 'figures_nudges'), value: String(f.nudgesTotal), raw: f.nudgesTotal },
  ];
  const shortIds = ['taken', 'missed', 'on-time', 'mean-rings', 'holds', 'hold-confirmed', 'returns-owed', 'returns-overdue'];
  return short ? rows.filter((r) => shortIds.includes(r.id)) : rows;
}

export function FigureList({ figures, language, short }: { figures: ShiftFigures; language: Language; short?: boolean }) {
  return (
    <dl class={short ? 'figures figures--short' : 'figures'} data-testid="figure-list">
      {figureRows(figures, language, short).map((row) => (
        <div key={row.id} class="figure" data-testid={`figure-${row.id}`} data-value={row.raw ?? ''}>
          <dt>{row.label}</dt>
          <dd>
            <span class="figure__value">{row.value}</span>
            {row.detail && !short && <span class="figure__detail">{row.detail}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** Nudges per rule, most first; rule names from the options page's `rule_<id>_name`. */
export function NudgesByRule({ figures, language }: { figures: ShiftFigures; language: Language }) {
  const rows = Object.entries(figures.nudgesByRule).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0) || (a[0] < b[0] ? -1 : 1));
  if (rows.length === 0) return <p class="hint">{t(language, 'figures_no_nudges')}</p>;
  return (
    <table class="table" data-testid="nudges-by-rule">
      <thead>
        <tr>
          <th scope="col">{t(language, 'figures_rule')}</th>
          <th scope="col">{t(language, 'figures_count')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([rule, count]) => (
          <tr key={rule} data-rule={rule}>
            <th scope="row">{tKey(language, `rule_${rule.replace(/-/g, '_')}_name`)}</th>
            <td>{count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
