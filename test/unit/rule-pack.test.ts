import { describe, expect, it } from 'vitest';
import { importedConfig, readRulePack, sitesLosingAccess } from '../../src/core/rule-pack';

const site = (pattern: string) => ({ pattern, adapter: 'sip-websocket' as const });

describe('reading a rule pack file', () => {
  it('accepts a versioned pack and a bare configuration', () => {
    const pack = { format: 'second-ring/rule-pack', version: 1, config: { region: 'uk' } };
    expect(readRulePack(JSON.stringify(pack))).toEqual({ ok: true, input: { region: 'uk' }, dropped: [] });
    expect(readRulePack('{"language":"lv"}')).toEqual({ ok: true, input: { language: 'lv' }, dropped: [] });
  });

  it('refuses broken JSON with the parser position', () => {
    const result = readRulePack('{"region": "uk",}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors[0]?.message).toMatch(/^Not valid JSON: .*position \d+/);
  });

  it('refuses a pack of another format or version', () => {
    expect(readRulePack('{"format":"x","version":1,"config":{}}')).toEqual({
      ok: false,
      errors: [{ path: 'format', keys: ['format'], message: 'Expected "second-ring/rule-pack"' }],
    });
    expect(readRulePack('{"format":"second-ring/rule-pack","version":3,"config":{}}')).toMatchObject({
      ok: false,
      errors: [{ path: 'version' }],
    });
  });

  it('leaves out exactly the bad values, each with its keys inside the pack, and keeps the rest', () => {
    const pack = {
      format: 'second-ring/rule-pack',
      version: 1,
      config: { region: 'uk', rules: { 'safe-hold': { windowSeconds: 0, severity: 'urgent' } }, texts: { en: { 'hold-check-back.nudge': 5 } }, colour: 1 },
    };
    const result = readRulePack(JSON.stringify(pack));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.input).toEqual({ region: 'uk', rules: { 'safe-hold': { severity: 'urgent' } }, texts: { en: {} } });
    expect(result.dropped.map((e) => e.keys)).toEqual(
      expect.arrayContaining([['config', 'colour'], ['config', 'rules', 'safe-hold', 'windowSeconds'], ['config', 'texts', 'en', 'hold-check-back.nudge']]),
    );
    expect(result.dropped).toHaveLength(3);
  });

  it('refuses an empty or meaningless pack with a reason', () => {
    for (const text of ['{}', '{"rules":[]}', '{"rules":{}}', '{"version":1}', '{"format":"second-ring/rule-pack","version":1,"config":{}}', '{"region":"mars"}']) {
      const result = readRulePack(text);
      expect(result.ok, text).toBe(false);
      expect(!result.ok && result.errors.at(-1)?.message, text).toMatch(/sets nothing|Nothing is left|not a list/);
    }
  });

  it('refuses top-level-domain wildcard sites with a reason, and keeps the valid ones', () => {
    const result = readRulePack(JSON.stringify({ sites: [site('https://*.com/*'), site('https://phone.example.com/*'), site('https://*.co.uk/*')] }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.input.sites).toEqual([site('https://phone.example.com/*')]);
    expect(result.dropped.map((e) => e.keys)).toEqual([
      ['sites', '0', 'pattern'],
      ['sites', '2', 'pattern'],
    ]);
    expect(result.dropped[0]?.message).toMatch(/top-level domain/);
  });
});

describe('merging or replacing with a pack', () => {
  const local = { region: 'uk' as const, organization: 'Acme', sites: [site('https://a.example.com/*'), site('https://b.example.com/*')] };
  const pack = { organization: 'Beta', sites: [site('https://c.example.com/*')] };

  it('merges key by key, the sites joining', () => {
    expect(importedConfig(local, pack, 'merge')).toEqual({
      region: 'uk',
      organization: 'Beta',
      sites: [site('https://a.example.com/*'), site('https://b.example.com/*'), site('https://c.example.com/*')],
    });
  });

  it('replaces whole', () => {
    expect(importedConfig(local, pack, 'replace')).toEqual(pack);
  });

  it('lists the sites that would lose access for each choice', () => {
    const before = local.sites;
    expect(sitesLosingAccess(before, undefined, importedConfig(local, pack, 'merge'))).toEqual([]);
    expect(sitesLosingAccess(before, undefined, importedConfig(local, pack, 'replace'))).toEqual(['https://a.example.com/*', 'https://b.example.com/*']);
    // Policy's sites win whole: a local change makes no site lose access.
    expect(sitesLosingAccess(before, before, importedConfig(local, pack, 'replace'))).toEqual([]);
  });
});
