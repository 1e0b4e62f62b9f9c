/** professional-language: casual phrases to flag. Needs a transcript source the product lacks: configurable, silent. */
import * as v from 'valibot';
import { defineRule, ruleBase } from './rule';

const phrase = v.pipe(v.string(), v.minLength(1), v.maxLength(80));

export const professionalLanguageRule = defineRule({
  id: 'professional-language',
  signal: 'speech',
  settings: v.strictObject({
    ...ruleBase,
    /** Casual phrases to flag, per language (needs a transcript source: not available yet). */
    phrases: v.strictObject({ en: v.array(phrase), lv: v.array(phrase) }),
  }),
  defaults: {
    enabled: false,
    severity: 'info',
    phrases: {
      en: ["what's up", 'just a sec', 'yeah', 'no problem', 'gonna', 'wanna', 'hang on'],
      lv: ['čau', 'sekundīti', 'nu jā', 'okei', 'pagaidi'],
    },
  },
  thresholds: [],
  texts: [],
});
