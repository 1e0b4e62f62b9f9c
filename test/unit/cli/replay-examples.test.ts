/**
 * Every example of test/replay through the real command, `node bin/second-ring.js replay …`,
 * built once with the CLI's Vite config; stdout, stderr and the exit status must match exactly.
 *
 * For each `<name>.timeline.json` (with `<name>.config.json` as `--config` when present):
 *   `<name>.expected.txt`          the table; exit 0, nothing on stderr
 *   `<name>.explain.expected.txt`  the same with --explain (optional)
 *   `<name>.jsonl.expected.txt`    the same with --format jsonl (optional)
 *   `<name>.expected-stderr.txt`   instead of the above: exit 1, nothing on stdout, this on stderr
 * The output README.md quotes in its replay section is run and compared too.
 * `UPDATE_REPLAY_EXAMPLES=1 npx vitest run test/unit/cli/replay-examples.test.ts` rewrites them
 * and README.md's quotes (read the diff: the rules' output is what these files pin down).
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from '../../../src/cli/args';
import { EXPLAINED_RULES, parseTimeline } from '../../../src/core/timeline';

const ROOT = join(import.meta.dirname, '../../..');
const DIR = 'test/replay';
const UPDATE = process.env.UPDATE_REPLAY_EXAMPLES === '1';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The command as a user runs it from the package root, not waiting: the runs go a few at a
 * time. With the build fresh from beforeAll, the launcher's age check is skipped (someone
 * editing src/ meanwhile must not turn into a rebuild message here).
 */
function cli(args: string[], launcher = 'bin/second-ring.js', env: Record<string, string> = { SECOND_RING_NO_REBUILD: '1' }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Run every case, a few at a time; cases with the same arguments share one run. */
async function runAll(list: Case[], parallel = 4): Promise<Map<Case, Run>> {
  const byArgs = new Map<string, Run>();
  const distinct = [...new Map(list.map((c) => [JSON.stringify(c.args), c.args])).entries()];
  let next = 0;
  const worker = async () => {
    while (next < distinct.length) {
      const [key, args] = distinct[next++]!;
      byArgs.set(key, await cli(args));
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return new Map(list.map((c) => [c, byArgs.get(JSON.stringify(c.args))!]));
}

const file = (name: string) => join(ROOT, DIR, name);
const read = (name: string) => readFileSync(file(name), 'utf8');

interface Case {
  title: string;
  args: string[];
  /** The file holding the expected stdout (exit 0) or stderr (exit 1). */
  expected: string;
  fails: boolean;
}

function cases(): Case[] {
  const names = readdirSync(join(ROOT, DIR))
    .filter((f) => f.endsWith('.timeline.json'))
    .map((f) => f.slice(0, -'.timeline.json'.length))
    .sort();
  return names.flatMap((name) => {
    const args = ['replay', `${DIR}/${name}.timeline.json`, ...(existsSync(file(`${name}.config.json`)) ? ['--config', `${DIR}/${name}.config.json`] : [])];
    if (existsSync(file(`${name}.expected-stderr.txt`))) return [{ title: name, args, expected: `${name}.expected-stderr.txt`, fails: true }];
    const out: Case[] = [{ title: name, args, expected: `${name}.expected.txt`, fails: false }];
    if (existsSync(file(`${name}.explain.expected.txt`))) {
      out.push({ title: `${name} --explain`, args: [...args, '--explain'], expected: `${name}.explain.expected.txt`, fails: false });
    }
    if (existsSync(file(`${name}.jsonl.expected.txt`))) {
      out.push({ title: `${name} --format jsonl`, args: [...args, '--format', 'jsonl'], expected: `${name}.jsonl.expected.txt`, fails: false });
    }
    return out;
  });
}

const CASES = cases();
/** README.md's replay section itself (from its heading to the end of the file): the output it quotes is checked, not a copy. */
const README = join(ROOT, 'README.md');
const readmeReplay = () => {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('## Replay: dry-run');
  if (start < 0) throw new Error('README.md has no "## Replay: dry-run" section');
  return text.slice(start);
};
const README_RUNS = [...readmeReplay().matchAll(/```console\n\$ npx second-ring (.+)\n([\s\S]*?)```/g)].map(([, command, output]) => ({
  title: command!,
  args: command!.split(' '),
  expected: output!,
  fails: false,
}));
const COMMAND_LINE = {
  help: { title: 'help', args: ['replay', '--help'], expected: '', fails: false },
  usage: { title: 'usage', args: ['replay', '--format', 'xml', '--bogus'], expected: '', fails: true },
  missing: { title: 'missing', args: ['replay', `${DIR}/no-such.timeline.json`], expected: '', fails: true },
};
let results = new Map<Case, Run>();

// A copy of the package whose dist-cli/ does not exist yet (the sources are linked, not
// copied), for the launcher's build-when-missing path; it runs beside the examples.
const launcherRoot = mkdtempSync(join(tmpdir(), 'second-ring-launcher-'));
let launcherRun: Promise<Run>;
afterAll(() => rmSync(launcherRoot, { recursive: true, force: true }));

beforeAll(async () => {
  mkdirSync(join(launcherRoot, 'bin'));
  copyFileSync(join(ROOT, 'bin/second-ring.js'), join(launcherRoot, 'bin/second-ring.js'));
  for (const f of ['vite.cli.config.ts', 'package.json']) copyFileSync(join(ROOT, f), join(launcherRoot, f));
  for (const d of ['src', '_locales', 'node_modules']) symlinkSync(join(ROOT, d), join(launcherRoot, d), 'dir');
  launcherRun = cli(['replay', `${DIR}/closing.timeline.json`], join(launcherRoot, 'bin/second-ring.js'), {});
  launcherRun.catch(() => undefined); // awaited in its test
  await build({ root: ROOT, configFile: join(ROOT, 'vite.cli.config.ts'), logLevel: 'silent' });
  results = await runAll([...CASES, ...README_RUNS, ...Object.values(COMMAND_LINE)]);
}, 60_000);

describe('second-ring replay on the examples', () => {
  it.each(CASES.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const run = results.get(c)!;
    if (UPDATE) writeFileSync(file(c.expected), c.fails ? run.stderr : run.stdout);
    const expected = read(c.expected);
    expect(run).toEqual(c.fails ? { code: 1, stdout: '', stderr: expected } : { code: 0, stdout: expected, stderr: '' });
  });

  it('has an example for every rule the coach implements, and a failing one', () => {
    const tables = readdirSync(join(ROOT, DIR))
      .filter((f) => f.endsWith('.expected.txt'))
      .map(read)
      .join('\n');
    for (const rule of EXPLAINED_RULES) {
      expect(tables, rule).toMatch(new RegExp(`^\\S+\\s+\\+\\d+\\.\\ds\\s+${rule}\\s`, 'm'));
    }
    expect(CASES.filter((c) => c.fails).length).toBeGreaterThanOrEqual(2);
  });

  it('holds only examples, their configurations and expected outputs', () => {
    const timelines = new Set(readdirSync(join(ROOT, DIR)).filter((f) => f.endsWith('.timeline.json')).map((f) => f.slice(0, -14)));
    for (const f of readdirSync(join(ROOT, DIR))) {
      if (f.endsWith('.timeline.json')) continue;
      const m = /^(.+?)\.(config\.json|expected\.txt|explain\.expected\.txt|jsonl\.expected\.txt|expected-stderr\.txt)$/.exec(f);
      expect(m && timelines.has(m[1]!), `${DIR}/${f} belongs to no example`).toBe(true);
    }
  });

  it("shows the real output in README.md's replay section, and a timeline that parses", () => {
    const examples = [...readmeReplay().matchAll(/```json\n([\s\S]*?)```/g)].map(([, json]) => JSON.parse(json!) as unknown);
    expect(examples.map((json) => parseTimeline(json).ok)).toEqual([true]);
    expect(README_RUNS.length).toBeGreaterThan(0);
    for (const c of README_RUNS) {
      const run = results.get(c)!;
      if (UPDATE) writeFileSync(README, readFileSync(README, 'utf8').replace(c.expected, run.stdout));
      expect(run, c.title).toEqual({ code: 0, stdout: UPDATE ? run.stdout : c.expected, stderr: '' });
    }
  });
});

describe('second-ring command line', () => {
  it('prints the help and exits 0', () => {
    expect(results.get(COMMAND_LINE.help)).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  it('exits 2 with one line per usage problem', () => {
    expect(results.get(COMMAND_LINE.usage)).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        'second-ring: unknown format "xml": expected table or jsonl',
        'second-ring: unknown option "--bogus"',
        'second-ring: missing argument <timeline.json>',
        'Run "second-ring replay --help" for usage.',
        '',
      ].join('\n'),
    });
  });

  it('exits 1 for a missing file', () => {
    expect(results.get(COMMAND_LINE.missing)).toEqual({
      code: 1,
      stdout: '',
      stderr: `second-ring: cannot read the timeline "${DIR}/no-such.timeline.json": no such file\n`,
    });
  });
});

describe('the launcher', () => {
  it('builds dist-cli/ when it is missing, says so on stderr, and runs', async () => {
    expect(await launcherRun).toEqual({
      code: 0,
      stdout: read('closing.expected.txt'),
      stderr: 'second-ring: dist-cli/ is missing; building the CLI first (npm run build:cli)…\nsecond-ring: built dist-cli/main.js\n',
    });
    expect(existsSync(join(launcherRoot, 'dist-cli/main.js'))).toBe(true);
  }, 60_000);
});
