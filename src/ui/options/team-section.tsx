/** The team's settings: organization, team language, ring region, greeting template. */
import { DEFAULT_GREETING } from '../../core/coach/config';
import { RING_REGIONS, RING_WINDOWS, type RingRegion } from '../../core/coach/ring';
import type { Language } from '../../core/coach/types';
import { t, type MessageKey } from '../shared/i18n';
import { SelectField, TextField } from './fields';
import type { Form } from './form';
import { greetingLine } from './rule-meta';

const GREETING_PARTS = ['greeting', 'ownName', 'organization', 'offer'] as const;

const REGION_LABELS = {
  'north-america': 'options_region_north_america',
  uk: 'options_region_uk',
  europe: 'options_region_europe',
} as const satisfies Record<RingRegion, MessageKey>;

const seconds = (ms: number): string => String(Math.round(ms / 100) / 10);

/** "Answer between 1 s and 10 s": from the end of ring 1 to the start of ring 3. */
export function answerWindowText(language: Language, region: RingRegion): string {
  const w = RING_WINDOWS[region];
  return t(language, 'options_region_window', { from: seconds(w.ring1EndsMs), to: seconds(w.ring3StartsMs) });
}

export function TeamSection({ form, sampleAgent }: { form: Form; sampleAgent: string }) {
  const { language, view } = form;
  const config = view.effective;
  return (
    <section id="team" aria-labelledby="team-title" class="card">
      <h2 id="team-title">{t(language, 'options_team_title')}</h2>
      <div class="grid">
        <TextField form={form} path={['organization']} label={t(language, 'options_team_organization')} />
        <SelectField
          form={form}
          path={['language']}
          label={t(language, 'options_team_language')}
          hint={t(language, 'options_team_language_hint')}
          options={[
            { value: 'en', label: t(language, 'options_language_en') },
            { value: 'lv', label: t(language, 'options_language_lv') },
          ]}
        />
        <SelectField
          form={form}
          path={['region']}
          label={t(language, 'options_team_region')}
          hint={
            <span data-testid="answer-window" data-region={config.region}>
              {answerWindowText(language, config.region)}
            </span>
          }
          options={RING_REGIONS.map((region) => ({ value: region, label: t(language, REGION_LABELS[region]) }))}
        />
      </div>

      <h3>{t(language, 'options_greeting_title')}</h3>
      <p class="lead">{t(language, 'options_greeting_intro')}</p>
      <div class="columns">
        {(['en', 'lv'] as const).map((lang) => (
          <fieldset key={lang} class="group" data-testid={`greeting-${lang}`}>
            <legend>{t(language, `options_greeting_in_${lang}`)}</legend>
            {GREETING_PARTS.map((part) => (
              <TextField
                key={part}
                form={form}
                path={['greeting', lang, part]}
                label={t(language, `options_greeting_part_${part}`)}
                placeholder={DEFAULT_GREETING[lang][part]}
              />
            ))}
            <p class="preview">
              <span class="preview__label">{t(language, 'options_greeting_preview')}</span>{' '}
              <output data-testid={`greeting-preview-${lang}`} lang={lang}>
                {greetingLine(config, lang, {
                  agent: sampleAgent,
                  organization: config.organization.trim() || t(language, 'options_sample_organization'),
                })}
              </output>
            </p>
          </fieldset>
        ))}
      </div>
    </section>
  );
}
