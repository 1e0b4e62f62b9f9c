/**
 * Every rule of the catalogue: on/off, severity, thresholds, nudge texts per language, and a
 * preview of its nudge. Rules whose signal the product cannot see yet say so.
 */
import { useState } from 'preact/hooks';
import type { ConfigurableRuleId } from '../../core/coach/config';
import { DEFAULT_TEXTS, type TextId } from '../../core/coach/texts';
import type { Language } from '../../core/coach/types';
import { keyPart, t, tKey, type MessageKey } from '../shared/i18n';
import { CheckboxField, NumberField, SelectField, TextField } from './fields';
import type { Form } from './form';
import { RULE_IDS, RULE_THRESHOLDS, missingSourceOf, textIdsOf, textOf, type Unit } from './rule-meta';

const UNIT_KEYS = {
  seconds: 'options_unit_seconds',
  minutes: 'options_unit_minutes',
  percent: 'options_unit_percent',
} as const satisfies Record<Exclude<Unit, 'count'>, MessageKey>;

export const ruleNameKey = (rule: ConfigurableRuleId): string => `rule_${keyPart(rule)}_name`;
export const ruleAboutKey = (rule: ConfigurableRuleId): string => `rule_${keyPart(rule)}_about`;
export const thresholdKey = (rule: ConfigurableRuleId, setting: string): string => `rule_${keyPart(rule)}__${setting}`;
export const textLabelKey = (id: TextId): string => `rule_text_${keyPart(id)}`;

const placeholdersOf = (text: string): string[] => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => `{${m[1]}}`))];

export interface RulesSectionProps {
  form: Form;
  previewing: ConfigurableRuleId | undefined;
  canPreview(rule: ConfigurableRuleId): boolean;
  onPreview(rule: ConfigurableRuleId | undefined): void;
}

export function RulesSection(props: RulesSectionProps) {
  const { language } = props.form;
  return (
    <section id="rules" aria-labelledby="rules-title" class="card">
      <h2 id="rules-title">{t(language, 'options_rules_title')}</h2>
      <p class="lead">{t(language, 'options_rules_intro')}</p>
      <nav aria-label={t(language, 'options_rules_title')} class="rule-index">
        <ul>
          {RULE_IDS.map((rule) => (
            <li key={rule}>
              <a href={`#rule-${rule}`}>{tKey(language, ruleNameKey(rule))}</a>
            </li>
          ))}
        </ul>
      </nav>
      {RULE_IDS.map((rule) => (
        <RuleCard key={rule} rule={rule} {...props} />
      ))}
    </section>
  );
}

function RuleCard({ rule, form, previewing, canPreview, onPreview }: RulesSectionProps & { rule: ConfigurableRuleId }) {
  const { language, view } = form;
  const settings = view.effective.rules[rule];
  const missing = missingSourceOf(rule);
  const texts = textIdsOf(rule);
  const titleId = `rule-${rule}-title`;
  return (
    <fieldset class="rule" id={`rule-${rule}`} data-testid={`rule-${rule}`} data-enabled={String(settings.enabled)}>
      <legend id={titleId}>
        {tKey(language, ruleNameKey(rule))} <code class="rule__id">{rule}</code>
      </legend>
      <p class="rule__about">{tKey(language, ruleAboutKey(rule))}</p>
      {missing && (
        <p class="note" data-testid={`rule-${rule}-source`}>
          <span aria-hidden="true">ⓘ </span>
          {t(language, missing === 'audio' ? 'options_source_audio' : 'options_source_speech')}
        </p>
      )}
      <div class="grid grid--rule">
        <CheckboxField form={form} path={['rules', rule, 'enabled']} label={t(language, 'options_rule_enabled')} />
        <SelectField
          form={form}
          path={['rules', rule, 'severity']}
          label={t(language, 'options_rule_severity')}
          options={(['info', 'nudge', 'urgent'] as const).map((s) => ({ value: s, label: t(language, `options_severity_${s}`) }))}
        />
        {RULE_THRESHOLDS[rule].map((meta) => (
          <NumberField
            key={meta.key}
            form={form}
            path={['rules', rule, meta.key]}
            label={tKey(language, thresholdKey(rule, meta.key))}
            unit={meta.unit === 'count' ? '' : t(language, UNIT_KEYS[meta.unit])}
            min={meta.min}
            max={meta.max}
            scale={meta.scale}
            integer={meta.integer}
          />
        ))}
      </div>
      {rule === 'professional-language' && <PhraseLists form={form} />}
      {texts.length > 0 && <RuleTexts form={form} rule={rule} texts={texts} />}
      <div class="rule__actions">
        {canPreview(rule) ? (
          <button
            type="button"
            data-testid={`preview-${rule}`}
            aria-pressed={previewing === rule}
            onClick={() => onPreview(previewing === rule ? undefined : rule)}
          >
            {t(language, previewing === rule ? 'options_preview_hide' : 'options_preview_show')}
          </button>
        ) : (
          <p class="hint">{t(language, 'options_preview_none')}</p>
        )}
      </div>
    </fieldset>
  );
}

/** The texts of a rule, behind a disclosure; built only once opened (34 text areas in all). */
function RuleTexts({ form, rule, texts }: { form: Form; rule: ConfigurableRuleId; texts: readonly TextId[] }) {
  const { language } = form;
  // Open from the start when the policy sets one of them or one has a problem, so that shows.
  const notable = texts.some((id) =>
    (['en', 'lv'] as const).some((lang) => form.locked(`texts.${lang}.${id}`) || form.state(`texts.${lang}.${id}`)?.state === 'error'),
  );
  const [open, setOpen] = useState(notable);
  return (
    <details class="texts" open={open} data-testid={`rule-${rule}-texts`} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t(language, 'options_rule_texts')}</summary>
      {open && (
        <>
          <p class="hint">{t(language, 'options_rule_texts_hint')}</p>
          {texts.map((id) => (
            <div class="columns" key={id}>
              {(['en', 'lv'] as const).map((lang) => (
                <RuleText key={lang} form={form} id={id} lang={lang} />
              ))}
            </div>
          ))}
        </>
      )}
    </details>
  );
}

function RuleText({ form, id, lang }: { form: Form; id: TextId; lang: Language }) {
  const { language, view } = form;
  const fallback = DEFAULT_TEXTS[lang][id];
  const placeholders = placeholdersOf(fallback);
  const path = ['texts', lang, id];
  return (
    <TextField
      form={form}
      path={path}
      multiline
      rows={2}
      label={`${tKey(language, textLabelKey(id))} (${t(language, `options_language_${lang}`)})`}
      hint={placeholders.length > 0 ? t(language, 'options_placeholders', { list: placeholders.join(' ') }) : undefined}
      value={textOf(view.effective, lang, id)}
      placeholder={fallback}
      // Empty, or the default itself: no override, so a later change of the default applies.
      onCommit={(text) => form.set(path, text.trim() === '' || text === fallback ? undefined : text)}
    />
  );
}

function PhraseLists({ form }: { form: Form }) {
  const { language, view } = form;
  const path = ['rules', 'professional-language', 'phrases'] as const;
  const phrases = view.effective.rules['professional-language'].phrases;
  return (
    <div class="columns">
      {(['en', 'lv'] as const).map((lang) => (
        <TextField
          key={lang}
          form={form}
          path={[...path, lang]}
          fieldKey={`${path.join('.')}.${lang}`}
          multiline
          rows={4}
          label={t(language, 'options_phrases', { language: t(language, `options_language_${lang}`) })}
          hint={t(language, 'options_phrases_hint')}
          value={phrases[lang].join('\n')}
          onCommit={(text) => {
            const list = text
              .split('\n')
              .map((line) => line.trim())
              .filter((line) => line !== '');
            // The schema takes both lists together.
            form.set(path, { ...phrases, [lang]: list }, `${path.join('.')}.${lang}`);
          }}
        />
      ))}
    </div>
  );
}
