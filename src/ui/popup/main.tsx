/**
 * The action popup entry: the app with the real background client.
 *
 * Stable hooks for tests (data-testid): `popup` (`data-language`), `popup-loading`,
 * `popup-load-error`, `popup-language` (`data-language` = the language in force),
 * `popup-problems`, `popup-site` (`data-pattern`, `data-granted`), `popup-allow`
 * (`data-pattern`: "Allow on <site>" for a site without host access), `popup-notice`,
 * `popup-no-sites`, `popup-open-options`, `popup-now` (empty: the call card's place).
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
