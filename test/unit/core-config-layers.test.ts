import { describe, expect, it } from 'vitest';
import { acceptPolicy, deepMerge, effectiveConfig, isLocked, lockedPaths, productLanguage } from '../../src/core/config-layers';
import { DEFAULT_CONFIG } from '../../src/core/coach/config';

describe('configuration layers', () => {
  it('lets policy win key by key over the local settings, arrays whole', () => {
    const merged = deepMerge(
      { region: 'uk', rules: { 'hold-check-back': { intervalSeconds: 30, severity: 'urgent' } }, sites: [{ pattern: 'a' }] },
      { rules: { 'hold-check-back': { intervalSeconds: 60 } }, sites: [{ pattern: 'b' }] },
    );
    expect(merged).toEqual({
      region: 'uk',
      rules: { 'hold-check-back': { intervalSeconds: 60, severity: 'urgent' } },
      sites: [{ pattern: 'b' }],
    });
  });

  it('locks exactly the paths policy sets, and their children', () => {
    const locked = lockedPaths({ language: 'lv', rules: { 'hold-check-back': { intervalSeconds: 60 } }, sites: [] });
    expect(locked).toEqual(['language', 'rules.hold-check-back.intervalSeconds', 'sites']);
    expect(isLocked(locked, 'rules.hold-check-back.intervalSeconds')).toBe(true);
    expect(isLocked(locked, 'rules.hold-check-back.enabled')).toBe(false);
    expect(isLocked(locked, 'sites')).toBe(true);
  });

  it('refuses only the policy values that break the schema, reports each, and keeps the rest', () => {
    const { policy, errors } = acceptPolicy({
      language: 'lv',
      rules: { 'hold-check-back': { intervalSeconds: -5, severity: 'urgent' }, 'no-such-rule': { enabled: true } },
      region: 'mars',
    });
    expect(errors.map((e) => e.path).sort()).toEqual(['region', 'rules.hold-check-back.intervalSeconds', 'rules.no-such-rule']);
    expect(policy).toEqual({ language: 'lv', rules: { 'hold-check-back': { severity: 'urgent' } } });
  });

  it("resolves the language: the agent's choice, then the team's, then the browser's", () => {
    const base = { local: {}, policy: {}, browserLanguage: 'lv' as const };
    expect(effectiveConfig({ ...base, agentLanguage: null }).config.language).toBe('lv');
    expect(effectiveConfig({ ...base, local: { language: 'en' }, agentLanguage: null }).config.language).toBe('en');
    expect(effectiveConfig({ ...base, local: { language: 'en' }, agentLanguage: 'lv' }).config.language).toBe('lv');
    expect(effectiveConfig({ ...base, agentLanguage: null }).config.rules).toEqual(DEFAULT_CONFIG.rules);
  });

  it('maps browser language tags to the product languages', () => {
    expect(productLanguage('lv')).toBe('lv');
    expect(productLanguage('lv-LV')).toBe('lv');
    expect(productLanguage('en-US')).toBe('en');
    expect(productLanguage('de')).toBe('en');
  });
});
