/**
 * `second-ring replay`: the CLI's entry, built by `npm run build:cli` into dist-cli/main.js and
 * started by bin/second-ring.js. Node code: it reads the files; the replay itself is the pure
 * src/core/timeline.
 *
 * Exit status: 0 when the replay ran, 1 when a file is missing or invalid, 2 for a usage error.
 * Problems go to stderr, one line each, all of them at once.
 */
import { readFile } from 'node:fs/promises';
import { DEFAULT_CONFIG, parseCoachConfig, type CoachConfig } from '../core/coach';
import { parseTimeline, replayTimeline, type Timeline } from '../core/timeline';
import { parseArgs, USAGE } from './args';
import { parseJson } from './json';
import { render, safe } from './output';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(path: string): Promise<string>;
}

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 1;
export const EXIT_USAGE = 2;

function nodeIo(): CliIo {
  // `second-ring replay … | head`: a closed pipe is the reader's choice, not an error to report.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    readFile: (path) => readFile(path, 'utf8'),
  };
}

/** Run the command line `argv` (without node and the script); resolves to the exit status. */
export async function main(argv: readonly string[], io: CliIo = nodeIo()): Promise<number> {
  const problem = (text: string) => io.stderr(`second-ring: ${safe(text)}\n`);
  const parsed = parseArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (parsed.kind === 'error') {
    parsed.problems.forEach(problem);
    io.stderr('Run "second-ring replay --help" for usage.\n');
    return EXIT_USAGE;
  }
  const { args } = parsed;
  const problems: string[] = [];

  let timeline: Timeline | undefined;
  const timelineJson = await loadJson(io, args.timeline, 'the timeline', problems);
  if (timelineJson.ok) {
    const result = parseTimeline(timelineJson.value);
    if (result.ok) timeline = result.timeline;
    else for (const e of result.errors) problems.push(`${args.timeline}: ${e.path || '(top level)'}: ${e.message}`);
  }

  let config: CoachConfig = DEFAULT_CONFIG;
  if (args.config !== undefined) {
    const configJson = await loadJson(io, args.config, 'the configuration', problems);
    if (configJson.ok && Array.isArray(configJson.value)) {
      // parseCoachConfig takes an array for an empty object (valibot's objects accept arrays).
      problems.push(`${args.config}: (top level): expected an object; got an array`);
    } else if (configJson.ok) {
      const result = parseCoachConfig(configJson.value);
      if (result.ok) config = result.config;
      else for (const e of result.errors) problems.push(`${args.config}: ${e.path || '(top level)'}: ${e.message}`);
    }
  }

  if (problems.length > 0 || !timeline) {
    problems.forEach(problem);
    return EXIT_BAD_INPUT;
  }
  const result = replayTimeline(timeline, config);
  const lines = render(result, {
    format: args.format,
    explain: args.explain,
    language: config.language,
    ...(timeline.timeZone ? { timeZone: timeline.timeZone } : {}) });
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

async function loadJson(
  io: CliIo,
  path: string,
  what: string,
  problems: string[],
): Promise<{ ok: true; value: unknown } | { ok: false }> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    problems.push(`cannot read ${what} ${JSON.stringify(path)}: ${readError(error)}`);
    return { ok: false };
  }
  const json = parseJson(text);
  if (json.ok) return json;
  problems.push(`${path}: invalid JSON at line ${json.line}, column ${json.column}: ${json.message}`);
  return { ok: false };
}

function readError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}
