/**
 * The team lead view: load several agents' call-timeline exports (the figures page's "Export
 * timeline"), see their figures side by side. The files are read here, in the page; nothing is
 * stored or sent anywhere. See team.ts for how figures come from a timeline.
 */
import { useState } from 'preact/hooks';
import type { CoachConfig } from '../../core/coach';
import type { Language } from '../../core/coach/types';
import { figureRows } from '../shared/components/shift-figures';
import { formatShortDate } from '../shared/format';
import { t } from '../shared/i18n';
import { localDate } from '../../core/business-days';
import { readAgentTimeline, type ReadAgentResult } from './team';

export interface TeamViewProps {
  language: Language;
  config: CoachConfig;
}

/** Shares that need the agent's answers, which a timeline does not carry. */
const NEEDS_RESPONSES = new Set(['hold-confirmed']);

export function TeamView({ language: lang, config }: TeamViewProps) {
  const [results, setResults] = useState<ReadAgentResult[]>([]);
  const [reading, setReading] = useState(false);

  const load = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setReading(true);
    const read = await Promise.all(
      [...files].map(async (file) => readAgentTimeline(file.name.replace(/\.json$/i, ''), await file.text(), config)),
    );
    setResults(read);
    setReading(false);
  };

  const agents = results.flatMap((r) => (r.ok ? [r.agent] : []));
  // One row per figure, one cell per agent (the figures' rows come in the same order for all).
  const perAgent = agents.map((a) => figureRows(a.figures, lang));
  const rows = (perAgent[0] ?? []).map((row, index) => ({
    id: row.id,
    label: row.label,
    cells: perAgent.map((agentRows) => {
      const cell = agentRows[index];
      return NEEDS_RESPONSES.has(row.id) || !cell ? { value: '—', raw: '' } : { value: cell.value, raw: cell.raw ?? '' };
    }),
  }));
  const failed = results.filter((r): r is Extract<ReadAgentResult, { ok: false }> => !r.ok);
  const zone = config.businessHours.timeZone;
  const span = (from: number, until: number) => {
    const a = formatShortDate(localDate(from, zone), lang);
    const b = formatShortDate(localDate(until, zone), lang);
    return a === b ? a : `${a}–${b}`;
  };

  return (
    <section class="panel" aria-labelledby="team-title" data-testid="team-view">
      <h2 id="team-title">{t(lang, 'figures_team_title')}</h2>
      <p class="hint">{t(lang, 'figures_team_hint')}</p>
      <label class="file">
        {t(lang, 'figures_team_load')}{' '}
        <input
          type="file"
          accept=".json,application/json"
          multiple
          data-testid="team-files"
          onChange={(e) => void load((e.currentTarget as HTMLInputElement).files)}
        />
      </label>
      {reading && <p aria-busy="true">{t(lang, 'figures_team_reading')}</p>}
      {failed.length > 0 && (
        <div class="banner" role="alert" data-testid="team-errors">
          {failed.map((f) => (
            <p key={f.name}>
              {t(lang, 'figures_team_unreadable', { name: f.name })}{' '}
              {f.errors
                .slice(0, 3)
                .map((e) => (e.path ? `${e.path}: ${e.message}` : e.message))
                .join('; ')}
            </p>
          ))}
        </div>
      )}
      {agents.length > 0 && (
        <div class="table-scroll">
          <table class="table table--team" data-testid="team-table">
            <thead>
              <tr>
                <th scope="col">{t(lang, 'figures_team_figure')}</th>
                {agents.map((a) => (
                  <th key={a.name} scope="col" data-agent={a.name}>
                    {a.name}
                    <span class="hint">
                      {' '}
                      {span(a.from, a.until)}
                    </span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(({ id, label, cells }) => (
                <tr key={id} data-figure={id}>
                  <th scope="row">{label}</th>
                  {cells.map((cell, i) => (
                    <td key={i} data-agent={agents[i]?.name} data-value={cell.raw}>
                      {cell.value}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint">{t(lang, 'figures_team_no_responses')}</p>
        </div>
      )}
    </section>
  );
}
