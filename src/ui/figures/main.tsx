/**
 * The figures page entry: the app with the real background client.
 *
 * Stable hooks for tests (data-testid unless said otherwise):
 * - `figures` (root: `data-language`, `data-range`), `figures-loading`, `figures-load-error`,
 *   `figures-range` (radios `data-range` today | 7d | 30d), `figures-notice` (`data-state`)
 * - `figure-list` with `figure-<id>` (`data-value`): taken, missed, on-time, mean-rings, holds,
 *   hold-confirmed, hold-mean, hold-longest, transfers, returns-owed, returns-overdue, nudges
 * - `nudges-by-rule` (rows `data-rule`), `day-chart` with `chart-day` (`data-date`,
 *   `data-taken`, `data-missed`)
 * - `return-calls` / `return-call` (`data-id`, `data-status`, `data-state`, `data-due`),
 *   `return-call-due`, `return-call-same-day`, `return-call-done`, `return-call-tell`,
 *   `return-call-promised`, `return-call-told`, `return-call-reopen`; `messages` / `message`
 *   (`data-id`, `data-status`), `message-delivered`
 * - `export-csv`, `export-timeline`; `team-view`, `team-files`, `team-table`, `team-errors`
 * - `history`, `history-counts` (`data-calls`, `data-messages`, `data-return-calls`), `wipe`,
 *   `wipe-confirm`, `wipe-yes`, `wipe-no`; `history-problem` (`data-kind`)
 */
import { render } from 'preact';
import { createBackgroundClient } from '../shared/background-client';
import { FiguresApp } from './app';
import './figures.css';

const root = document.getElementById('app');
if (root) {
  render(
    <FiguresApp
      actions={createBackgroundClient()}
      onLanguage={(language, title) => {
        document.documentElement.lang = language;
        document.title = title;
      }}
    />,
    root,
  );
}
