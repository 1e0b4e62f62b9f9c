import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../../src/cli/main';
import { USAGE } from '../../../src/cli/args';

const TIMELINE = JSON.stringify({
  format: 'second-ring/call-timeline',
  version: 1,
  calls: [
    {
      id: 'c1',
      events: [
        { at: '2025-03-04T09:00:00.000Z', type: 'ringing', direction: 'inbound', remote: { displayName: 'Evil\u001b[2J\u009bname' } },
        { at: '2025-03-04T09:00:14.000Z', type: 'missed', direction: 'inbound', by: 'remote', reason: 'caller-abandoned' },
      ],
    },
  ],
});

function fakeIo(files: Record<string, string | NodeJS.ErrnoException>) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) return Promise.reject(Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' }));
      return typeof content === 'string' ? Promise.resolve(content) : Promise.reject(content);
    },
  };
  return { io, out: () => stdout, err: () => stderr };
}

const run = async (argv: string[], files: Record<string, string | NodeJS.ErrnoException> = {}) => {
  const f = fakeIo(files);
  const code = await main(argv, f.io);
  return { code, stdout: f.out(), stderr: f.err() };
};

describe('second-ring main', () => {
  it('prints the help on stdout and exits 0', async () => {
    expect(await run(['replay', '--help'])).toEqual({ code: 0, stdout: USAGE, stderr: '' });
  });

  it('exits 2 on a usage error, one line per problem and a pointer to the help', async () => {
    expect(await run(['replay', '--bogus'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'second-ring: unknown option "--bogus"\nsecond-ring: missing argument <timeline.json>\nRun "second-ring replay --help" for usage.\n',
    });
  });

  it('exits 1 when files are missing, naming each', async () => {
    const eisdir = Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    expect(await run(['replay', 'nope.json', '--config', 'dir'], { dir: eisdir })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'second-ring: cannot read the timeline "nope.json": no such file\nsecond-ring: cannot read the configuration "dir": it is a directory\n',
    });
  });

  it('reports invalid JSON with its line and column, and schema errors of both files with their paths', async () => {
    const r = await run(['replay', 't.json', '--config', 'r.json'], {
      't.json': '{"format": "second-ring/call-timeline", "version": 1, "calls": [{"id": 3, "events": []}]}',
      'r.json': '{"region": "mars", "rules": {"closing": {"enabled": "no"}}}',
    });
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: [
        'second-ring: t.json: calls[0].id: expected a string; got 3',
        'second-ring: t.json: calls[0].events: a call needs at least one event',
        'second-ring: r.json: region: Invalid type: Expected ("north-america" | "uk" | "europe") but received "mars"',
        'second-ring: r.json: rules.closing.enabled: Invalid type: Expected boolean but received "no"',
        '',
      ].join('\n'),
    });
    expect(await run(['replay', 't.json'], { 't.json': '{\n  "format": 1,\n}' })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'second-ring: t.json: invalid JSON at line 2, column 14: trailing comma before "}"\n',
    });
    expect((await run(['replay', 't.json'], { 't.json': '[]' })).stderr).toBe('second-ring: t.json: (top level): expected an object; got an array\n');
    expect((await run(['replay', 't.json', '--config', 'r.json'], { 't.json': TIMELINE, 'r.json': '[]' })).stderr).toBe(
      'second-ring: r.json: (top level): expected an object; got an array\n',
    );
  });

  it('replays with the given configuration and prints a table', async () => {
    const r = await run(['replay', 't.json', '--config', 'r.json'], {
      't.json': TIMELINE,
      'r.json': '{"rules": {"answer-window": {"enabled": false}}, "language": "lv"}',
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(
      [
        'call  time    rule         severity  text',
        'c1    +14.0s  missed-call  info      Neatbildēts zvans: \u2068Evil\\u001b[2J\\u009bname\u2069 (signāli: 3). Atzvaniet vienas darba dienas laikā.',
        '',
        'kopsavilkums: 1 padoms 1 zvanā — missed-call 1',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON lines with a final summary, escaping what a terminal would act on', async () => {
    const r = await run(['replay', 't.json', '--format', 'jsonl'], { 't.json': TIMELINE });
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    // eslint-disable-next-line no-control-regex -- looking for exactly those
    expect(lines.every((l) => !/[\u0000-\u001f\u007f-\u009f]/.test(l))).toBe(true);
    expect(JSON.parse(lines[1]!)).toEqual({
      callId: 'c1',
      ruleId: 'missed-call',
      atMs: 14000,
      at: '+14.0s',
      severity: 'info',
      kind: 'toast',
      occurrence: 1,
      text: 'Missed call from \u2068Evil\u001b[2J\u009bname\u2069 (rings: 3) — return it within one business day.',
    });
    expect(JSON.parse(lines[2]!)).toEqual({ summary: { 'answer-window': 1, 'missed-call': 1 }, nudges: 2, calls: 1, events: 2 });
  });
});
