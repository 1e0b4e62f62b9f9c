import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../../src/cli/args';

describe('command-line arguments', () => {
  it('takes a timeline and the defaults', () => {
    expect(parseArgs(['replay', 't.json'])).toEqual({
      kind: 'run',
      args: { command: 'replay', timeline: 't.json', format: 'table', explain: false },
    });
  });

  it('takes every option, spelled with a space or "="', () => {
    const expected = { kind: 'run', args: { command: 'replay', timeline: 't.json', config: 'r.json', format: 'jsonl', explain: true } };
    expect(parseArgs(['replay', '--config', 'r.json', 't.json', '--format', 'jsonl', '--explain'])).toEqual(expected);
    expect(parseArgs(['replay', 't.json', '--config=r.json', '--format=jsonl', '--explain'])).toEqual(expected);
  });

  it('takes a file named like an option after "--"', () => {
    expect(parseArgs(['replay', '--', '--odd.json'])).toMatchObject({ kind: 'run', args: { timeline: '--odd.json' } });
  });

  it('gives help for --help or -h anywhere', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['replay', 't.json', '-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['replay', '--bogus', '--help'])).toEqual({ kind: 'help' });
  });

  it('reports every problem, one each', () => {
    expect(parseArgs(['replay', '--format', 'xml', '--bogus', '--explain=yes', 'a.json', 'b.json'])).toEqual({
      kind: 'error',
      problems: [
        'unknown format "xml": expected table or jsonl',
        'unknown option "--bogus"',
        '--explain takes no value',
        'unexpected argument "b.json": give one timeline file',
      ],
    });
    expect(parseArgs(['replay', '--config'])).toEqual({
      kind: 'error',
      problems: ['--config needs a file path', 'missing argument <timeline.json>'],
    });
    expect(parseArgs(['replay', '--config', '--explain', 't.json'])).toMatchObject({ problems: ['--config needs a file path'] });
    expect(parseArgs(['replay', 't.json', '--config=', '--format='])).toMatchObject({
      problems: ['--config needs a file path', '--format needs a format: table or jsonl'],
    });
    expect(parseArgs(['replay', 't.json', '--config', 'a', '--config', 'b'])).toMatchObject({ problems: ['--config given twice'] });
  });

  it('wants the replay command', () => {
    expect(parseArgs([])).toEqual({ kind: 'error', problems: ['missing command: expected "replay"'] });
    expect(parseArgs(['play', 't.json'])).toEqual({ kind: 'error', problems: ['unknown command "play": expected "replay"'] });
  });
});
