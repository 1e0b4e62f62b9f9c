import { describe, expect, it } from 'vitest';
import { readRulePack } from '../../src/core/rule-pack';

describe('reading a rule pack file', () => {
  it('accepts a versioned pack and a bare configuration', () => {
    const pack = { format: 'second-ring/rule-pack', version: 1, config: { region: 'uk' } };
    expect(readRulePack(JSON.stringify(pack))).toEqual({ ok: true, input: { region: 'uk' } });
    expect(readRulePack('{"language":"lv"}')).toEqual({ ok: true, input: { language: 'lv' } });
  });

  it('refuses broken JSON with the parser position', () => {
    const result = readRulePack('{"region": "uk",}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.message).toMatch(/^Not valid JSON: .*position \d+/);
  });

  it('refuses a pack of another format or version', () => {
    expect(readRulePack('{"format":"x","version":1,"config":{}}')).toEqual({
      ok: false,
      errors: [{ path: 'format', message: 'Expected "second-ring/rule-pack"' }],
    });
    expect(readRulePack('{"format":"second-ring/rule-pack","version":3,"config":{}}')).toMatchObject({
      ok: false,
      errors: [{ path: 'version' }],
    });
  });

  it('gives every schema error its path inside the pack', () => {
    const pack = { format: 'second-ring/rule-pack', version: 1, config: { rules: { 'safe-hold': { windowSeconds: 0 } }, colour: 1 } };
    const result = readRulePack(JSON.stringify(pack));
    expect(!result.ok && result.errors.map((e) => e.path).sort()).toEqual(['config.colour', 'config.rules.safe-hold.windowSeconds']);
  });
});
