import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, RULE_SETTINGS, parseCoachConfig, type ConfigurableRuleId } from '../../../src/core/coach/config';
import { TEXT_IDS } from '../../../src/core/coach/texts';
import { errorsUnder, isLockedPath, removalPathOf, setIn } from '../../../src/ui/shared/config-paths';
import { hasKey, t, tKey } from '../../../src/ui/shared/i18n';
import { RULE_IDS, RULE_THRESHOLDS, previewOf } from '../../../src/ui/options/rule-meta';
import { ruleAboutKey, ruleNameKey, textLabelKey, thresholdKey } from '../../../src/ui/options/rules-section';

const ruleInput = (rule: ConfigurableRuleId, key: string, value: number) => ({ rules: { [rule]: { [key]: value } } });

describe('the rule metadata of the options page', () => {
  it('covers every rule of the catalogue', () => {
    expect([...RULE_IDS].sort()).toEqual(Object.keys(RULE_SETTINGS).sort());
  });

  it('has a threshold entry for every numeric setting, with the schema ranges', () => {
    for (const rule of RULE_IDS) {
      const numeric = Object.entries(DEFAULT_CONFIG.rules[rule])
        .filter(([, value]) => typeof value === 'number')
        .map(([key]) => key);
      expect(RULE_THRESHOLDS[rule].map((m) => m.key).sort(), rule).toEqual(numeric.sort());
      for (const meta of RULE_THRESHOLDS[rule]) {
        const scale = meta.scale ?? 1;
        const step = meta.integer ? 1 : 0.001;
        expect(parseCoachConfig(ruleInput(rule, meta.key, meta.min / scale)).ok, `${rule}.${meta.key} min`).toBe(true);
        expect(parseCoachConfig(ruleInput(rule, meta.key, meta.max / scale)).ok, `${rule}.${meta.key} max`).toBe(true);
        expect(parseCoachConfig(ruleInput(rule, meta.key, (meta.min - step) / scale)).ok, `${rule}.${meta.key} below`).toBe(false);
        expect(parseCoachConfig(ruleInput(rule, meta.key, (meta.max + step) / scale)).ok, `${rule}.${meta.key} above`).toBe(false);
      }
    }
  });

  it('has a name, a summary, threshold labels and text labels in both languages', () => {
    for (const rule of RULE_IDS) {
      expect(hasKey(ruleNameKey(rule)), ruleNameKey(rule)).toBe(true);
      expect(hasKey(ruleAboutKey(rule)), ruleAboutKey(rule)).toBe(true);
      for (const meta of RULE_THRESHOLDS[rule]) expect(hasKey(thresholdKey(rule, meta.key)), thresholdKey(rule, meta.key)).toBe(true);
    }
    for (const id of TEXT_IDS) expect(hasKey(textLabelKey(id)), textLabelKey(id)).toBe(true);
  });

  it('previews every rule that has a nudge text, filled in with the thresholds in force', () => {
    const preview = previewOf('hold-overuse', DEFAULT_CONFIG, 'lv', { agent: 'Anna', organization: 'Acme', caller: 'Jānis' }, 0);
    expect(preview?.nudges.map((n) => n.text)).toEqual([
      expect.stringContaining('4'),
      expect.stringContaining('50%'),
    ]);
    const closing = previewOf('closing', DEFAULT_CONFIG, 'en', { agent: 'Anna', organization: 'Acme', caller: 'Jānis' }, 0);
    expect(closing?.nudges[0]?.kind).toBe('checklist');
    expect(closing?.nudges[0]?.items?.map((i) => i.text)).toEqual(['Recap the actions taken', 'Ask if there is anything else', 'Thank the caller']);
    expect(previewOf('voice-pace', DEFAULT_CONFIG, 'en', { agent: 'A', organization: 'B', caller: 'C' }, 0)).toBeUndefined();
  });
});

describe('the lookup of strings', () => {
  it('fills placeholders and shows a missing key as itself', () => {
    expect(t('lv', 'options_range', { min: 1, max: 60, unit: ' s' })).toBe('Atļauts: 1–60 s');
    expect(tKey('en', 'rule_no_such_rule_name')).toBe('[rule_no_such_rule_name]');
  });
});

describe('editing the configuration by path', () => {
  it('sets and removes values, pruning what is left empty', () => {
    const input = setIn({}, ['texts', 'en', 'hold-check-back.nudge'], 'Check back');
    expect(input).toEqual({ texts: { en: { 'hold-check-back.nudge': 'Check back' } } });
    expect(setIn(input, ['texts', 'en', 'hold-check-back.nudge'], undefined)).toEqual({});
    expect(setIn({ sites: ['a', 'b'] }, ['sites', '0'], undefined)).toEqual({ sites: ['b'] });
  });

  it('locks a path set by policy, its children, and a control whose part the policy sets', () => {
    expect(isLockedPath(['sites'], 'sites')).toBe(true);
    expect(isLockedPath(['rules.hold-check-back'], 'rules.hold-check-back.intervalSeconds')).toBe(true);
    expect(isLockedPath(['rules.professional-language.phrases.en'], 'rules.professional-language.phrases')).toBe(true);
    expect(isLockedPath(['rules.hold-check-back.intervalSeconds'], 'rules.hold-check-back.enabled')).toBe(false);
    expect(isLockedPath(['region'], 'regionX')).toBe(false);
  });

  it('finds errors under a path and what to remove to clear one', () => {
    const errors = [
      { path: 'rules.hold-check-back.intervalSeconds', message: 'x' },
      { path: 'rules.hold-check-backs', message: 'y' },
    ];
    expect(errorsUnder(errors, 'rules.hold-check-back')).toEqual([errors[0]]);
    expect(removalPathOf(['texts', 'lv', 'closing.before'])).toEqual(['texts', 'lv', 'closing.before']);
    expect(removalPathOf(['sites', '2', 'pattern'])).toEqual(['sites', '2']);
    expect(removalPathOf([])).toEqual([]);
  });
});
