/**
 * Problems with the configuration, at the top of the page: a stored configuration refused when
 * it was loaded (and which one is in force instead: the last valid one, or the defaults), and
 * policy values this version cannot use. Each error with its path.
 */
import { errorKeys } from '../../core/config-layers';
import { removalPathOf } from '../shared/config-paths';
import { ErrorList } from '../shared/components/error-list';
import { FieldStatus } from '../shared/components/field-status';
import { t } from '../shared/i18n';
import type { Form } from './form';

export function ErrorsBanner({ form }: { form: Form }) {
  const { language, view } = form;
  const { local, policy } = view.errors;
  if (local.length === 0 && policy.length === 0) return null;
  const fixKey = 'errors.local';
  return (
    <div class="banners">
      {local.length > 0 && (
        <div class="banner banner--error" role="alert" data-testid="errors-local">
          <h2>
            <span aria-hidden="true">⚠ </span>
            {t(language, 'options_errors_local_title')}
          </h2>
          <p data-testid="in-force" data-in-force={view.inForce}>
            {t(language, view.inForce === 'defaults' ? 'options_errors_local_defaults' : 'options_errors_local_body')}
          </p>
          <ErrorList errors={local} language={language} />
          <button
            type="button"
            data-testid="errors-local-remove"
            onClick={() => void form.change(local.map((e) => [removalPathOf(errorKeys(e)), undefined] as const), fixKey)}
          >
            {t(language, 'options_errors_local_remove')}
          </button>{' '}
          <FieldStatus language={language} state={form.state(fixKey)} fieldKey={fixKey} />
        </div>
      )}
      {policy.length > 0 && (
        <div class="banner banner--error" role="alert" data-testid="errors-policy">
          <h2>
            <span aria-hidden="true">⚠ </span>
            {t(language, 'options_errors_policy_title')}
          </h2>
          <ErrorList errors={policy} language={language} />
          <p>{t(language, 'options_errors_policy_body')}</p>
        </div>
      )}
    </div>
  );
}
