/** Configuration errors, each with the path of the offending value and the reason. */
import type { ConfigError } from '../../../core/coach/config';
import { errorKeys } from '../../../core/config-layers';
import type { Language } from '../../../core/coach/types';
import { t } from '../i18n';

export function ErrorList({ errors, language, testid }: { errors: readonly ConfigError[]; language: Language; testid?: string }) {
  return (
    <ul class="errors" data-testid={testid}>
      {errors.map((e, i) => (
        <li key={`${e.path}:${i}`} data-path={e.path} data-keys={JSON.stringify(errorKeys(e))}>
          <code>{e.path === '' ? t(language, 'options_error_root') : e.path}</code>: {e.message}
        </li>
      ))}
    </ul>
  );
}
