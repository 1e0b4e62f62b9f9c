/**
 * The agent's own settings: name (for the greeting) and language. Never set by policy. On first
 * run (no name, or no organization in the team's settings) it asks for them: the greeting
 * checklist leaves out what is not set rather than show a stand-in in front of a caller.
 */
import { t } from '../shared/i18n';
import { TextField, SelectField } from './fields';
import type { Form } from './form';

export function AgentSection({ form }: { form: Form }) {
  const { language, view } = form;
  const teamLanguage = view.effective.language;
  const missing = [...(view.agent.name.trim() ? [] : ['name']), ...(view.effective.organization.trim() ? [] : ['organization'])];
  return (
    <section id="agent" aria-labelledby="agent-title" class="card">
      <h2 id="agent-title">{t(language, 'options_agent_title')}</h2>
      <p class="lead">{t(language, 'options_agent_intro')}</p>
      {missing.length > 0 && (
        <p class="banner" role="note" data-testid="agent-first-run" data-missing={missing.join(' ')}>
          {t(language, 'options_agent_first_run', {
            missing: missing.map((m) => t(language, m === 'name' ? 'options_agent_first_run_name' : 'options_agent_first_run_organization')).join(t(language, 'options_agent_first_run_and')),
          })}
        </p>
      )}
      <div class="grid">
        <TextField
          form={form}
          path={['agent', 'name']}
          label={t(language, 'options_agent_name')}
          hint={t(language, 'options_agent_name_hint')}
          value={view.agent.name}
          onCommit={(name) => void form.saveAgent({ name: name.trim() }, 'agent.name')}
        />
        <SelectField
          form={form}
          path={['agent', 'language']}
          label={t(language, 'options_agent_language')}
          hint={t(language, 'options_language_in_force', { language: t(language, `options_language_${view.language}`) })}
          value={view.agent.language ?? ''}
          options={[
            { value: '', label: t(language, 'options_language_follow_team', { language: t(language, `options_language_${teamLanguage}`) }) },
            { value: 'en', label: t(language, 'options_language_en') },
            { value: 'lv', label: t(language, 'options_language_lv') },
          ]}
          onSelect={(next) => void form.saveAgent({ language: next === 'en' || next === 'lv' ? next : null }, 'agent.language')}
        />
      </div>
    </section>
  );
}
