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
    // Rules whose signal (audio, a transcript) the product does not have yet ship switched off.
    const off = Object.entries(DEFAULT_CONFIG.rules).filter(([, r]) => !r.enabled).map(([id]) => id);
    expect(off.sort()).toEqual(['professional-language', 'voice-pace']);
    expect(DEFAULT_CONFIG.businessHours).toEqual({ timeZone: 'Europe/Riga', days: [1, 2, 3, 4, 5], open: '09:00', close: '17:00', holidays: [] });
    expect(DEFAULT_CONFIG.sites).toEqual([]);
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
      { path: 'rules.hold-check-back.intervalSeconds', keys: ['rules', 'hold-check-back', 'intervalSeconds'], message: 'Invalid value: Expected >=1 but received 0' },
    ]);
  });

  it('refuses unknown rule ids and unknown keys', () => {
    expect(errorsOf({ rules: { greetings: { enabled: true } } })).toEqual([
      { path: 'rules.greetings', keys: ['rules', 'greetings'], message: 'Unknown key "greetings"' },
    ]);
    expect(errorsOf({ rules: { 'safe-hold': { windowSecond: 5 } } })).toEqual([
      { path: 'rules.safe-hold.windowSecond', keys: ['rules', 'safe-hold', 'windowSecond'], message: 'Unknown key "windowSecond"' },
    ]);
    expect(errorsOf({ colour: 'red' })).toEqual([{ path: 'colour', keys: ['colour'], message: 'Unknown key "colour"' }]);
  });

  it('checks business hours, sites and greeting parts with a path for each error', () => {
    expect(
      errorsOf({
        businessHours: { timeZone: 'Mars/Olympus', open: '9:00', close: '17:00', holidays: ['2026-13-01'] },
        sites: [
          { pattern: '<all_urls>', adapter: 'sip-websocket' },
          { pattern: 'https://phone.example.com/*', adapter: 'selectors', selectors: { answer: '#answer' } },
        ],
        greeting: { en: { offer: '' } },
      }),
    ).toEqual([
      { path: 'greeting.en.offer', keys: ['greeting', 'en', 'offer'], message: expect.stringMatching(/length/i) },
      { path: 'businessHours.timeZone', keys: ['businessHours', 'timeZone'], message: 'Unknown time zone' },
      { path: 'businessHours.open', keys: ['businessHours', 'open'], message: 'Expected a time "HH:MM"' },
      { path: 'businessHours.holidays.0', keys: ['businessHours', 'holidays', '0'], message: 'Expected a date "YYYY-MM-DD"' },
      { path: 'sites.0.pattern', keys: ['sites', '0', 'pattern'], message: 'Expected a site like "https://phone.example.com/*"' },
      { path: 'sites.1', keys: ['sites', '1'], message: 'A selector site needs at least the ringing indicator' },
    ]);
    expect(errorsOf({ businessHours: { open: '18:00', close: '17:00' } })).toEqual([
      { path: 'businessHours', keys: ['businessHours'], message: 'Opening time must come before closing time' },
    ]);
  });

  it('merges business hours and greeting parts key by key', () => {
    const result = parseCoachConfig({ businessHours: { close: '18:00' }, greeting: { lv: { offer: 'Ar ko varu palīdzēt?' } } });
    expect(result.ok && result.config.businessHours).toEqual({ ...DEFAULT_CONFIG.businessHours, close: '18:00' });
    expect(result.ok && result.config.greeting.lv).toEqual({ ...DEFAULT_CONFIG.greeting.lv, offer: 'Ar ko varu palīdzēt?' });
    expect(result.ok && result.config.greeting.en).toEqual(DEFAULT_CONFIG.greeting.en);
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
    expect(errorsOf('{"version":1}')).toEqual([{ path: '', keys: [], message: expect.stringContaining('Expected Object') }]);
    expect(errorsOf(null)[0]?.path).toBe('');
  });

  it('ignores keys explicitly set to undefined by a JS caller instead of clearing defaults', () => {
    const result = parseCoachConfig({ rules: { closing: { enabled: undefined } } });
    expect(result.ok && result.config.rules.closing).toEqual({ enabled: true, severity: 'nudge' });
  });
});

describe('configurations stored by earlier releases', () => {
  it('loads the first release\'s configuration (no sites, business hours or greeting) with the new defaults', () => {
    // What the vertical slice stored: version 1 with rules of that time only.
    const firstRelease = { version: 1, language: 'lv', region: 'uk', rules: { 'hold-check-back': { intervalSeconds: 30 } } };
    const result = parseCoachConfig(JSON.parse(JSON.stringify(firstRelease)));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.rules['hold-check-back'].intervalSeconds).toBe(30);
    expect(result.config.sites).toEqual([]);
    expect(result.config.businessHours).toEqual(DEFAULT_CONFIG.businessHours);
    expect(result.config.greeting).toEqual(DEFAULT_CONFIG.greeting);
    expect(result.config.rules['caller-name']).toEqual(DEFAULT_CONFIG.rules['caller-name']);
  });

  it('refuses a configuration of a future version with a clear message', () => {
    const result = parseCoachConfig({ version: 2 });
    expect(result).toEqual({ ok: false, errors: [{ path: 'version', keys: ['version'], message: 'Unsupported version: expected 1' }] });
  });
});
