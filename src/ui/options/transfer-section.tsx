/**
 * Import and export. Export: the configuration in force as JSON, the policy an administrator
 * would push. Import: a rule pack file, checked whole; when it is refused, every error is listed
 * with its path, and the configuration in force is unchanged.
 */
import { useState } from 'preact/hooks';
import type { ConfigError } from '../../core/coach/config';
import type { UiActions } from '../shared/actions';
import { ErrorList } from '../shared/components/error-list';
import { t } from '../shared/i18n';
import type { Form } from './form';

export const EXPORT_FILE_NAME = 'second-ring-policy.json';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

type ImportState =
  | { state: 'idle' }
  | { state: 'reading'; file: string }
  | { state: 'imported'; file: string }
  | { state: 'refused'; file: string; errors: ConfigError[] };

export function TransferSection({ form, actions }: { form: Form; actions: UiActions }) {
  const { language } = form;
  const [exported, setExported] = useState<string>();
  const [imported, setImported] = useState<ImportState>({ state: 'idle' });

  const exportNow = async () => {
    try {
      const text = await actions.exportRulePack();
      actions.saveFile(EXPORT_FILE_NAME, text, 'application/json');
      setExported(t(language, 'options_export_done', { file: EXPORT_FILE_NAME }));
    } catch (error) {
      setExported(`⚠ ${messageOf(error)}`);
    }
  };

  const importFile = async (input: HTMLInputElement) => {
    const file = input.files?.[0];
    if (!file) return;
    setImported({ state: 'reading', file: file.name });
    try {
      const result = await actions.importRulePack(await file.text());
      setImported(result.ok ? { state: 'imported', file: file.name } : { state: 'refused', file: file.name, errors: result.errors });
      if (result.ok) await form.refresh();
    } catch (error) {
      setImported({ state: 'refused', file: file.name, errors: [{ path: '', message: messageOf(error) }] });
    } finally {
      // The same file can be chosen again after it was fixed.
      input.value = '';
    }
  };

  return (
    <section id="transfer" aria-labelledby="transfer-title" class="card">
      <h2 id="transfer-title">{t(language, 'options_transfer_title')}</h2>
      <div class="columns">
        <div class="group">
          <h3>{t(language, 'options_export_title')}</h3>
          <p class="hint">{t(language, 'options_export_intro')}</p>
          <button type="button" data-testid="export" onClick={() => void exportNow()}>
            {t(language, 'options_export')}
          </button>
          {exported && (
            <p role="status" data-testid="export-result">
              {exported}
            </p>
          )}
        </div>
        <div class="group">
          <h3>{t(language, 'options_import_title')}</h3>
          <p class="hint" id="import-hint">
            {t(language, 'options_import_intro')}
          </p>
          <label for="import-file">{t(language, 'options_import_label')}</label>
          <input
            type="file"
            id="import-file"
            data-testid="import-file"
            accept=".json,application/json"
            aria-describedby="import-hint"
            onChange={(e) => void importFile(e.currentTarget)}
          />
          <div aria-live="polite" data-testid="import-result" data-state={imported.state}>
            {imported.state === 'reading' && <p>{t(language, 'options_import_reading', { file: imported.file })}</p>}
            {imported.state === 'imported' && (
              <p class="status status--saved">
                <span aria-hidden="true">✓ </span>
                {t(language, 'options_import_done', { file: imported.file })}
              </p>
            )}
            {imported.state === 'refused' && (
              <div class="banner banner--error" role="alert">
                <p>
                  <strong>{t(language, 'options_import_refused', { file: imported.file })}</strong>{' '}
                  {t(language, 'options_import_unchanged')}
                </p>
                <ErrorList errors={imported.errors} language={language} testid="import-errors" />
              </div>
            )}
          </div>
        </div>
      </div>
    </section>
  );
}
