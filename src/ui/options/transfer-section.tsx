/**
 * Import and export. Export: the configuration in force as JSON, the policy an administrator
 * would push. Import: a rule pack file is checked first and nothing changes until the team lead
 * chooses, explicitly, to merge it or to replace the configuration with it; each choice shows
 * the sites that would lose access, and the invalid values that will be left out are listed.
 * A pack that cannot be imported at all is refused with every reason and its path.
 */
import { useState } from 'preact/hooks';
import type { ConfigError } from '../../core/coach/config';
import type { ImportMode } from '../../core/rule-pack';
import type { UiActions } from '../shared/actions';
import { ErrorList } from '../shared/components/error-list';
import { t } from '../shared/i18n';
import type { Form } from './form';

export const EXPORT_FILE_NAME = 'second-ring-policy.json';

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

type ImportState =
  | { state: 'idle' }
  | { state: 'reading'; file: string }
  | { state: 'choosing'; file: string; text: string; dropped: ConfigError[]; losingAccess: Record<ImportMode, string[]> }
  | { state: 'importing'; file: string; mode: ImportMode }
  | { state: 'imported'; file: string; mode: ImportMode }
  | { state: 'cancelled'; file: string }
  | { state: 'refused'; file: string; errors: ConfigError[] };

const MODES: readonly ImportMode[] = ['merge', 'replace'];

function LosingAccess({ language, patterns, mode }: { language: Form['language']; patterns: readonly string[]; mode: ImportMode }) {
  if (patterns.length === 0) {
    return (
      <p class="hint" data-testid={`import-lose-${mode}`} data-count="0">
        {t(language, 'options_import_lose_none')}
      </p>
    );
  }
  return (
    <div data-testid={`import-lose-${mode}`} data-count={patterns.length}>
      <p>
        <span aria-hidden="true">⚠ </span>
        {t(language, 'options_import_lose')}
      </p>
      <ul>
        {patterns.map((pattern) => (
          <li key={pattern} data-pattern={pattern}>
            <code>{pattern}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}

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
      const text = await file.text();
      const preview = await actions.previewRulePack(text);
      setImported(
        preview.ok
          ? { state: 'choosing', file: file.name, text, dropped: preview.dropped, losingAccess: preview.losingAccess }
          : { state: 'refused', file: file.name, errors: preview.errors },
      );
    } catch (error) {
      setImported({ state: 'refused', file: file.name, errors: [{ path: '', message: messageOf(error) }] });
    } finally {
      // The same file can be chosen again after it was fixed.
      input.value = '';
    }
  };

  const importAs = async (file: string, text: string, mode: ImportMode) => {
    setImported({ state: 'importing', file, mode });
    try {
      const result = await actions.importRulePack(text, mode);
      setImported(result.ok ? { state: 'imported', file, mode } : { state: 'refused', file, errors: result.errors });
      if (result.ok) await form.refresh();
    } catch (error) {
      setImported({ state: 'refused', file, errors: [{ path: '', message: messageOf(error) }] });
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
          <div aria-live="polite" data-testid="import-result" data-state={imported.state} {...('mode' in imported ? { 'data-mode': imported.mode } : {})}>
            {imported.state === 'reading' && <p>{t(language, 'options_import_reading', { file: imported.file })}</p>}
            {imported.state === 'choosing' && (
              <div class="confirm" role="alertdialog" aria-labelledby="import-question" data-testid="import-choose">
                <p id="import-question">
                  <strong>{t(language, 'options_import_question', { file: imported.file })}</strong>
                </p>
                {imported.dropped.length > 0 && (
                  <>
                    <p>{t(language, 'options_import_dropped')}</p>
                    <ErrorList errors={imported.dropped} language={language} testid="import-dropped" />
                  </>
                )}
                <div class="columns">
                  {MODES.map((mode) => (
                    <div key={mode} class="group" data-testid={`import-option-${mode}`}>
                      <button
                        type="button"
                        class={mode === 'replace' ? 'danger' : undefined}
                        data-testid={`import-${mode}`}
                        onClick={() => void importAs(imported.file, imported.text, mode)}
                      >
                        {t(language, mode === 'merge' ? 'options_import_merge' : 'options_import_replace')}
                      </button>
                      <p class="hint">{t(language, mode === 'merge' ? 'options_import_merge_hint' : 'options_import_replace_hint')}</p>
                      <LosingAccess language={language} patterns={imported.losingAccess[mode]} mode={mode} />
                    </div>
                  ))}
                </div>
                <button type="button" data-testid="import-cancel" autoFocus onClick={() => setImported({ state: 'cancelled', file: imported.file })}>
                  {t(language, 'options_import_cancel')}
                </button>
              </div>
            )}
            {imported.state === 'cancelled' && <p>{t(language, 'options_import_cancelled', { file: imported.file })}</p>}
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
