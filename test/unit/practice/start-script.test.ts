import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCENARIO_IDS } from '../../../src/core/practice/scenarios';

const start = (...args: string[]) => spawnSync(process.execPath, ['scripts/start.mjs', ...args], { encoding: 'utf8', env: { ...process.env, DISPLAY: '' } });

describe('npm start --scenario', () => {
  it('knows every practice scenario (its list is kept by hand: it runs before npm ci)', () => {
    const source = fs.readFileSync('scripts/start.mjs', 'utf8');
    const list = /const SCENARIOS = \[([^\]]*)\]/.exec(source)?.[1] ?? '';
    expect([...list.matchAll(/'([^']+)'/g)].map((m) => m[1])).toEqual([...SCENARIO_IDS]);
    const plays = /const PLAYS = \{([\s\S]*?)\n\};/.exec(source)?.[1] ?? '';
    for (const id of SCENARIO_IDS) expect(plays, id).toMatch(new RegExp(`^  '?${id}'?: async`, 'm'));
  });

  it('refuses a missing or unknown scenario with the list of scenarios, before it installs or builds anything', () => {
    for (const args of [['--scenario'], ['--scenario', 'nope'], ['--scenario='], ['--scenario', '--headless']]) {
      const run = start(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^start: (--scenario needs a scenario id|unknown scenario "nope")/);
      expect(run.stderr).toContain(`Scenarios: ${SCENARIO_IDS.join(', ')}`);
      expect(run.stdout).toBe('');
    }
    expect(start('--frobnicate').stderr).toMatch(/^start: unknown argument "--frobnicate"/);
  });
});
