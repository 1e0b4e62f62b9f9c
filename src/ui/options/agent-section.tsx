/** The agent's own settings: name (for the greeting) and language. Never set by policy. */
import { t } from '../shared/i18n';
import { TextField, SelectField } from './fields';
import type { Form } from './form';

export function AgentSection({ form }: { form: Form }) {
  const { language, view } = form;
  const teamLanguage = view.effective.language;
  return (
    <section id="agent" aria-labelledby="agent-title" class="card">
      <h2 id="agent-title">{t(language, 'options_agent_title')}</h2>
      <p class="lead">{t(language, 'options_agent_intro')}</p>
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
