/**
 * The options page: the team lead's configuration and the agent's own settings. Props only: the
 * browser is reached through `actions` (the real client in main.tsx, an in-memory one in tests).
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { ConfigurableRuleId } from '../../core/coach/config';
import type { Language } from '../../core/coach/types';
import type { UiActions } from '../shared/actions';
import { t } from '../shared/i18n';
import { useSettings } from '../shared/use-settings';
import { AgentSection } from './agent-section';
import { ErrorsBanner } from './errors-banner';
import { createForm } from './form';
import { HoursSection } from './hours-section';
import { NudgePreview } from './nudge-preview';
import { previewOf, type PreviewSample } from './rule-meta';
import { RulesSection } from './rules-section';
import { SitesSection } from './sites-section';
import { TeamSection } from './team-section';
import { TransferSection } from './transfer-section';

export interface OptionsAppProps {
  actions: UiActions;
  /** Text fields save this long after the last keystroke (tests pass 0). */
  debounceMs?: number;
  /** The clock for previews (tests pin it). */
  now?: () => number;
  /** Told the page language and title, so the document can follow (main.tsx). */
  onLanguage?(language: Language, title: string): void;
}

const SECTIONS = [
  ['agent', 'options_agent_title'],
  ['team', 'options_team_title'],
  ['rules', 'options_rules_title'],
  ['hours', 'options_hours_title'],
  ['sites', 'options_sites_title'],
  ['transfer', 'options_transfer_title'],
] as const;

export function OptionsApp({ actions, debounceMs = 300, now = Date.now, onLanguage }: OptionsAppProps) {
  const model = useSettings(actions);
  const { view } = model;
  const [previewing, setPreviewing] = useState<ConfigurableRuleId>();
  const form = useMemo(() => (view ? createForm(model, view, debounceMs) : undefined), [model, view, debounceMs]);
  const language = view?.language;

  useEffect(() => {
    if (language) onLanguage?.(language, `${t(language, 'options_title')} — ${t(language, 'extName')}`);
  }, [language, onLanguage]);

  if (!form || !view) {
    return model.loadError ? (
      <main class="page">
        <div class="banner banner--error" role="alert" data-testid="load-error">
          <p>
            <span aria-hidden="true">⚠ </span>
            {t('en', 'options_load_failed')} {model.loadError}
          </p>
          <button type="button" onClick={() => void model.refresh()}>
            {t('en', 'options_retry')}
          </button>
        </div>
      </main>
    ) : (
      <main class="page" aria-busy="true" data-testid="loading" />
    );
  }

  const lang = form.language;
  const sample: PreviewSample = {
    agent: view.agent.name.trim() || t(lang, 'options_sample_agent'),
    organization: view.effective.organization.trim() || t(lang, 'options_sample_organization'),
    caller: t(lang, 'options_sample_caller'),
  };
  const preview = previewing && previewOf(previewing, view.effective, lang, sample, now());

  return (
    <div class="page" lang={lang} data-testid="options" data-language={lang}>
      <header class="page__header">
        <h1>
          {t(lang, 'extName')} <span class="page__subtitle">{t(lang, 'options_title')}</span>
        </h1>
        <nav aria-label={t(lang, 'options_sections')}>
          <ul class="toc">
            {SECTIONS.map(([id, key]) => (
              <li key={id}>
                <a href={`#${id}`}>{t(lang, key)}</a>
              </li>
            ))}
          </ul>
        </nav>
      </header>
      <main>
        <ErrorsBanner form={form} />
        <AgentSection form={form} />
        <TeamSection form={form} sampleAgent={sample.agent} />
        <RulesSection
          form={form}
          previewing={previewing}
          canPreview={(rule) => previewOf(rule, view.effective, lang, sample, 0) !== undefined}
          onPreview={setPreviewing}
        />
        <HoursSection form={form} />
        <SitesSection form={form} actions={actions} />
        <TransferSection form={form} actions={actions} />
      </main>
      {preview && (
        <NudgePreview key={previewing} language={lang} preview={preview} now={now()} onClose={() => setPreviewing(undefined)} />
      )}
    </div>
  );
}
