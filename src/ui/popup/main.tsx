/**
 * The action popup entry: the app with the real background client.
 *
 * Stable hooks for tests (data-testid): `popup` (`data-language`), `popup-loading`,
 * `popup-load-error`, `popup-language` (`data-language` = the language in force),
 * `popup-problems`, `popup-site` (`data-pattern`, `data-granted`), `popup-allow`
 * (`data-pattern`: "Allow on <site>" for a site without host access), `popup-notice`,
 * `popup-no-sites`, `popup-open-options`, `popup-open-figures`; the shift: `shift`, `shift-loading`,
 * `shift-error`, `history-problem` (`data-kind`), `popup-now` with `popup-card` (the call card:
 * `section.card` with `data-state`, inputs `data-item`, `data-field="caller-name"`, buttons
 * `data-action`) or `popup-no-call`, `popup-today` (`figure-<id>` with `data-value`),
 * `popup-messages` (`message`, `message-delivered`, `popup-take-message`, the form
 * `[data-form="message"]` with `data-field` inputs and `data-error` messages,
 * `popup-message-saved`), `popup-returns` (`return-call` with `data-state`, `return-call-due`,
 * `return-call-done`, `return-call-tell`, `return-call-promised`, `return-call-told`).
 */
import { render } from 'preact';
import { createBackgroundClient } from '../shared/background-client';
import { PopupApp } from './app';
import './popup.css';

const root = document.getElementById('app');
if (root) {
  render(
    <PopupApp
      actions={createBackgroundClient()}
      onLanguage={(language) => {
        document.documentElement.lang = language;
      }}
    />,
    root,
  );
}
