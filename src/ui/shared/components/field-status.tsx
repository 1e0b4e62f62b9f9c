/** "Saving…", "Saved" or what was wrong, next to a field; words and a sign, not color alone. */
import type { Language } from '../../../core/coach/types';
import { t } from '../i18n';
import type { FieldState } from '../use-settings';

export function FieldStatus({ language, state, fieldKey }: { language: Language; state: FieldState | undefined; fieldKey: string }) {
  if (!state) return null;
  const testid = `status-${fieldKey}`;
  if (state.state === 'saving') {
    return (
      <span class="status status--saving" data-testid={testid} data-state="saving">
        {t(language, 'options_saving')}
      </span>
    );
  }
  if (state.state === 'saved') {
    return (
      <span class="status status--saved" data-testid={testid} data-state="saved">
        <span aria-hidden="true">✓ </span>
        {t(language, 'options_saved')}
      </span>
    );
  }
  return (
    <span class="status status--error" data-testid={testid} data-state="error">
      <span aria-hidden="true">⚠ </span>
      {t(language, 'options_not_saved')}{' '}
      {state.errors.map((e, i) => (
        <span class="status__error" key={`${e.path}:${i}`} data-path={e.path}>
          {e.path !== fieldKey && e.path !== '' && <code>{e.path}</code>}
          {e.path !== fieldKey && e.path !== '' && ': '}
          {e.message}
          {i < state.errors.length - 1 ? '; ' : ''}
        </span>
      ))}
    </span>
  );
}
