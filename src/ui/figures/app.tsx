/**
 * The figures page: the agent's shift in full. The chosen window's figures (today, the last 7 or
 * 30 days), nudges by rule, a chart of the last days, the return-call queue and the messages to
 * deliver, exports of the window's calls (CSV for spreadsheets, the call-timeline JSON for a
 * replay or the team lead), the team lead view, and the history's size, retention and one-click
 * wipe (with a confirmation). Props only: the browser through `actions`.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Language } from '../../core/coach/types';
import type { FigureRange, FiguresView } from '../../core/messages';
import type { ShiftActions, UiActions } from '../shared/actions';
import { HistoryProblemBanner } from '../shared/components/history-problem';
import { MessageList } from '../shared/components/message-list';
import { ReturnCallList } from '../shared/components/return-call-list';
import { FigureList, NudgesByRule } from '../shared/components/shift-figures';
import { t } from '../shared/i18n';
import { DayChart } from './chart';
import { TeamView } from './team-view';

export interface FiguresAppProps {
  actions: ShiftActions & Pick<UiActions, 'saveFile'>;
  /** Days in the chart. */
  chartDays?: number;
  /** Refresh interval (ms); 0: only after actions (tests). */
  refreshMs?: number;
  onLanguage?(language: Language, title: string): void;
}

const RANGES: readonly FigureRange[] = ['today', '7d', '30d'];
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export function FiguresApp({ actions, chartDays = 14, refreshMs = 30_000, onLanguage }: FiguresAppProps) {
  const [range, setRange] = useState<FigureRange>('today');
  const [view, setView] = useState<FiguresView>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<{ text: string; state: 'ok' | 'error' }>();
  const [confirmWipe, setConfirmWipe] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setView(await actions.figuresView(range, chartDays));
      setError(undefined);
    } catch (e) {
      setError(messageOf(e));
    }
  }, [actions, range, chartDays]);

  useEffect(() => {
    void refresh();
    if (refreshMs <= 0) return;
    const timer = setInterval(() => void refresh(), refreshMs);
    return () => clearInterval(timer);
  }, [refresh, refreshMs]);

  const language = view?.language;
  useEffect(() => {
    if (language) onLanguage?.(language, `${t(language, 'figures_title')} — ${t(language, 'extName')}`);
  }, [language, onLanguage]);

  if (!view) {
    return error ? (
      <main class="page">
        <p class="banner" role="alert" data-testid="figures-load-error">
          {t('en', 'figures_load_failed')} {error}
        </p>
      </main>
    ) : (
      <main class="page" aria-busy="true" data-testid="figures-loading" />
    );
  }

  const lang = view.language;
  const after = (done: Promise<unknown>) => void done.then(refresh, (e: unknown) => setError(messageOf(e)));

  const exportAs = async (format: 'csv' | 'timeline') => {
    const result = await actions.exportHistory(format, range);
    if (!result.ok) {
      setNotice({ text: t(lang, 'figures_export_failed', { reason: result.message }), state: 'error' });
      return;
    }
    actions.saveFile(result.fileName, result.text, result.mimeType);
    setNotice({ text: t(lang, 'figures_exported', { file: result.fileName }), state: 'ok' });
  };

  const wipe = async () => {
    setConfirmWipe(false);
    const result = await actions.wipeHistory();
    setNotice(result.ok ? { text: t(lang, 'figures_wiped'), state: 'ok' } : { text: t(lang, 'figures_wipe_failed', { reason: result.message }), state: 'error' });
    await refresh();
  };

  return (
    <div class="page" lang={lang} data-testid="figures" data-language={lang} data-range={range}>
      <header class="page__header">
        <h1>
          {t(lang, 'extName')} <span class="page__subtitle">{t(lang, 'figures_title')}</span>
        </h1>
        <fieldset class="ranges" data-testid="figures-range">
          <legend class="visually-hidden">{t(lang, 'figures_range')}</legend>
          {RANGES.map((r) => (
            <label key={r} class={r === range ? 'range range--on' : 'range'}>
              <input type="radio" name="range" value={r} data-range={r} checked={r === range} onChange={() => setRange(r)} />
              {t(lang, `figures_range_${r === 'today' ? 'today' : r === '7d' ? 'week' : 'month'}`)}
            </label>
          ))}
        </fieldset>
      </header>
      <main>
        <HistoryProblemBanner problem={view.problem} language={lang} />
        {error && (
          <p class="banner" role="alert" data-testid="figures-error">
            {error}
          </p>
        )}
        {notice && (
          <p class={`notice notice--${notice.state}`} role="status" data-testid="figures-notice" data-state={notice.state}>
            {notice.text}
          </p>
        )}

        <section class="panel" aria-labelledby="figures-now-title" data-testid="figures-window">
          <h2 id="figures-now-title">{t(lang, `figures_heading_${range === 'today' ? 'today' : range === '7d' ? 'week' : 'month'}`)}</h2>
          {view.figures && <FigureList figures={view.figures} language={lang} />}
          {view.skipped > 0 && <p class="hint">{t(lang, 'figures_skipped', { count: view.skipped })}</p>}
        </section>

        <div class="columns">
          <section class="panel" aria-labelledby="figures-chart-title">
            <h2 id="figures-chart-title">{t(lang, 'figures_chart_heading', { days: view.daily.length })}</h2>
            <DayChart days={view.daily} language={lang} />
          </section>
          <section class="panel" aria-labelledby="figures-rules-title">
            <h2 id="figures-rules-title">{t(lang, 'figures_nudges_by_rule')}</h2>
            {view.figures && <NudgesByRule figures={view.figures} language={lang} />}
          </section>
        </div>

        <div class="columns">
          <section class="panel" aria-labelledby="figures-returns-title" id="queue">
            <h2 id="figures-returns-title">{t(lang, 'figures_returns_title')}</h2>
            <ReturnCallList
              entries={view.returnCalls}
              language={lang}
              timeZone={view.timeZone}
              now={view.now}
              leadMs={view.config.rules['return-call'].reminderLeadMinutes * 60_000}
              onAction={(id, action) => after(actions.returnCallAction(id, action))}
            />
          </section>
          <section class="panel" aria-labelledby="figures-messages-title">
            <h2 id="figures-messages-title">{t(lang, 'figures_messages_title')}</h2>
            <MessageList
              messages={view.messages}
              language={lang}
              timeZone={view.timeZone}
              now={view.now}
              reminderMs={view.config.rules['take-message'].reminderMinutes * 60_000}
              onDelivered={(id) => after(actions.markMessageDelivered(id))}
            />
          </section>
        </div>

        <section class="panel" aria-labelledby="figures-export-title">
          <h2 id="figures-export-title">{t(lang, 'figures_export_title')}</h2>
          <p class="hint">{t(lang, 'figures_export_hint')}</p>
          <div class="buttons">
            <button type="button" data-testid="export-csv" onClick={() => void exportAs('csv')}>
              {t(lang, 'figures_export_csv')}
            </button>
            <button type="button" data-testid="export-timeline" onClick={() => void exportAs('timeline')}>
              {t(lang, 'figures_export_timeline')}
            </button>
          </div>
        </section>

        <TeamView language={lang} config={view.config} />

        <section class="panel" aria-labelledby="figures-history-title" data-testid="history">
          <h2 id="figures-history-title">{t(lang, 'figures_history_title')}</h2>
          {view.counts && (
            <p data-testid="history-counts" data-calls={view.counts.calls} data-messages={view.counts.messages} data-return-calls={view.counts.returnCalls}>
              {t(lang, 'figures_history_counts', { calls: view.counts.calls, messages: view.counts.messages, returnCalls: view.counts.returnCalls })}
            </p>
          )}
          <p class="hint">{t(lang, 'figures_history_retention', { days: 30 })}</p>
          {confirmWipe ? (
            <div class="confirm" role="alertdialog" aria-labelledby="wipe-question" data-testid="wipe-confirm">
              <p id="wipe-question">{t(lang, 'figures_wipe_question')}</p>
              <div class="buttons">
                <button type="button" class="danger" data-testid="wipe-yes" onClick={() => void wipe()}>
                  {t(lang, 'figures_wipe_yes')}
                </button>
                <button type="button" data-testid="wipe-no" autoFocus onClick={() => setConfirmWipe(false)}>
                  {t(lang, 'figures_wipe_no')}
                </button>
              </div>
            </div>
          ) : (
            <button type="button" data-testid="wipe" onClick={() => setConfirmWipe(true)}>
              {t(lang, 'figures_wipe')}
            </button>
          )}
        </section>
      </main>
    </div>
  );
}
