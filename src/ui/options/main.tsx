/**
 * The options page entry: the app with the real background client.
 *
 * Stable hooks for tests (data-testid unless said otherwise):
 * - `options` (root, `data-language` = the page language), `loading`, `load-error`
 * - every configuration control: `field-<dotted path>`, e.g. `field-rules.hold-check-back.intervalSeconds`,
 *   `field-rules.hold-check-back.enabled`, `field-rules.hold-check-back.severity`, `field-region`,
 *   `field-language` (team), `field-organization`, `field-greeting.en.offer`,
 *   `field-texts.lv.hold-check-back.nudge`, `field-businessHours.timeZone`, `field-businessHours.open`;
 *   the agent's own: `field-agent.name`, `field-agent.language` (the page's language selector)
 * - next to a field: `status-<dotted path>` (`data-state` saving | saved | error)
 * - policy locks: `locked` with `data-path` = the locked control's dotted path
 * - `answer-window` (the region's answer window, `data-region`), `greeting-preview-en|lv`
 * - rules: `rule-<id>` (`data-enabled`), `rule-<id>-source` (needs audio/transcript), `preview-<id>`,
 *   `nudge-preview` (host of the preview's shadow root)
 * - business hours: `field-businessHours.days` (fieldset; checkboxes carry `data-day` 1–7),
 *   `holidays`, `holiday-date`, `holiday-add`
 * - sites: `site-list`, `site` (`data-pattern`) with `site-granted`, `site-registered`, `site-policy`,
 *   `site-allow`, `site-remove`; add form `site-add-form`, `site-add-pattern`,
 *   `site-add-adapter-sip-websocket`, `site-add-adapter-selectors`, `site-add-selector-<key>`,
 *   `site-add-submit`, `site-add-problem`; after adding `site-added`, `site-reload-tabs`,
 *   `site-reloaded`; selector test `selector-find-tabs`, `selector-tab`, `selector-run`,
 *   `selector-results` (rows `data-selector`)
 * - import/export: `export`, `export-result`, `import-file`, `import-result` (`data-state`),
 *   `import-errors` (items `data-path`)
 * - configuration problems: `errors-local`, `errors-local-remove`, `errors-policy`
 */
import { render } from 'preact';
import { createBackgroundClient } from '../shared/background-client';
import { OptionsApp } from './app';
import './options.css';

const root = document.getElementById('app');
if (root) {
  render(
    <OptionsApp
      actions={createBackgroundClient()}
      onLanguage={(language, title) => {
        document.documentElement.lang = language;
        document.title = title;
      }}
    />,
    root,
  );
}
