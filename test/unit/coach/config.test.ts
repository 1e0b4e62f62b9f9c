import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseCoachConfig } from '../../../src/core/coach';

const errorsOf = (input: unknown) => {
  const result = parseCoachConfig(input);
  if (result.ok) throw new Error('expected errors');
  return result.errors;
};

describe('coach configuration', () => {
  it('gives the defaults for an empty object', () => {
    expect(parseCoachConfig({})).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it('has the catalogue defaults', () => {
    expect(DEFAULT_CONFIG).toMatchObject({ version: 1, language: 'en', region: 'europe' });
    expect(DEFAULT_CONFIG.rules['hold-check-back'].intervalSeconds).toBe(45);
    expect(DEFAULT_CONFIG.rules['hold-overuse']).toMatchObject({ maxHolds: 4, maxHoldShare: 0.4 });
    expect(DEFAULT_CONFIG.rules['safe-hold'].windowSeconds).toBe(5);
    expect(DEFAULT_CONFIG.rules['missed-call'].severity).toBe('info');
    expect(Object.values(DEFAULT_CONFIG.rules).every((r) => r.enabled)).toBe(true);
  });

  it('merges a partial config over the defaults, rule by rule and key by key', () => {
    const result = parseCoachConfig({
      version: 1,
      language: 'lv',
      rules: { 'hold-check-back': { intervalSeconds: 30 }, closing: { enabled: false } },
      texts: { en: { 'closing.thank': 'Say thanks' } },
    });
    expect(result).toEqual({
      ok: true,
      config: {
        ...DEFAULT_CONFIG,
        language: 'lv',
        rules: {
          ...DEFAULT_CONFIG.rules,
          'hold-check-back': { enabled: true, severity: 'nudge', intervalSeconds: 30 },
          closing: { enabled: false, severity: 'nudge' },
        },
        texts: { en: { 'closing.thank': 'Say thanks' } },
      },
    });
  });

  it('accepts the defaults after a JSON round trip (what storage and an export hold)', () => {
    expect(parseCoachConfig(JSON.parse(JSON.stringify(DEFAULT_CONFIG)))).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it('refuses an out-of-range interval with its dotted path', () => {
    expect(errorsOf({ rules: { 'hold-check-back': { intervalSeconds: 0 } } })).toEqual([
      { path: 'rules.hold-check-back.intervalSeconds', message: 'Invalid value: Expected >=1 but received 0' },
    ]);
  });

  it('refuses unknown rule ids and unknown keys', () => {
    expect(errorsOf({ rules: { greeting: { enabled: true } } })).toEqual([
      { path: 'rules.greeting', message: 'Unknown key "greeting"' },
    ]);
    expect(errorsOf({ rules: { 'safe-hold': { windowSecond: 5 } } })).toEqual([
      { path: 'rules.safe-hold.windowSecond', message: 'Unknown key "windowSecond"' },
    ]);
    expect(errorsOf({ colour: 'red' })).toEqual([{ path: 'colour', message: 'Unknown key "colour"' }]);
  });

  it('reports every error at once, each with its path', () => {
    const errors = errorsOf({
      version: 2,
      language: 'de',
      region: 'asia',
      rules: {
        'hold-overuse': { maxHolds: 2.5, maxHoldShare: 1.5 },
        'answer-window': { enabled: 'yes', severity: 'loud' },
      },
      texts: { lv: { 'closing.thank': '', 'no.such.text': 'x' }, fr: {} },
    });
    expect(errors.map((e) => e.path).sort()).toEqual(
      [
        'version',
        'language',
        'region',
        'rules.hold-overuse.maxHolds',
        'rules.hold-overuse.maxHoldShare',
        'rules.answer-window.enabled',
        'rules.answer-window.severity',
        'texts.lv.closing.thank',
        'texts.lv.no.such.text',
        'texts.fr',
      ].sort(),
    );
    expect(errors.find((e) => e.path === 'version')?.message).toBe('Unsupported version: expected 1');
  });

  it('refuses a value that is not an object at the root, with an empty path', () => {
    expect(errorsOf('{"version":1}')).toEqual([{ path: '', message: expect.stringContaining('Expected Object') }]);
    expect(errorsOf(null)[0]?.path).toBe('');
  });

  it('ignores keys explicitly set to undefined by a JS caller instead of clearing defaults', () => {
    const result = parseCoachConfig({ rules: { closing: { enabled: undefined } } });
    expect(result.ok && result.config.rules.closing).toEqual({ enabled: true, severity: 'nudge' });
  });
});
