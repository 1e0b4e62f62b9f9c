/**
 * The command line: `second-ring replay <timeline.json> [--config <rules.json>]
 * [--format table|jsonl] [--explain]`, and `--help`. Every problem is reported, one per line,
 * rather than only the first.
 */

export const OUTPUT_FORMATS = ['table', 'jsonl'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface ReplayArgs {
  command: 'replay';
  timeline: string;
  config?: string;
  format: OutputFormat;
  explain: boolean;
}

export type ParsedArgs = { kind: 'help' } | { kind: 'run'; args: ReplayArgs } | { kind: 'error'; problems: string[] };

export const USAGE = `usage: second-ring replay <timeline.json> [--config <rules.json>] [--format table|jsonl] [--explain]

Dry-run the coaching rules on a recorded call timeline: every nudge the coach would show,
in time order, with its call, its time from the call's start, its rule and its text.

  <timeline.json>         a call timeline ("format": "second-ring/call-timeline", version 1)
  --config <rules.json>   the coach configuration (the extension's JSON, partial is fine);
                          default: the built-in defaults
  --format table|jsonl    a table (default), or one JSON object per line
  --explain               also say why each nudge fired, and why each checked rule stayed quiet
  -h, --help              show this help

Exit status: 0 when the replay ran; 1 when a file is missing or invalid; 2 for a usage error.
`;

/** Parse `argv` (without node and the script). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  if (argv.includes('--help') || argv.includes('-h')) return { kind: 'help' };
  const problems: string[] = [];
  const [command, ...rest] = argv;
  if (command === undefined) return { kind: 'error', problems: ['missing command: expected "replay"'] };
  if (command !== 'replay') {
    return { kind: 'error', problems: [`unknown command ${JSON.stringify(command)}: expected "replay"`] };
  }
  const positionals: string[] = [];
  let config: string | undefined;
  let format: OutputFormat = 'table';
  let explain = false;
  let onlyPositionals = false;

  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    if (onlyPositionals || arg === '-' || !arg.startsWith('-')) {
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const takeValue = (what: string): string | undefined => {
      if (inline !== undefined) {
        if (inline === '') problems.push(`${name} needs ${what}`);
        return inline || undefined;
      }
      const next = rest[i + 1];
      if (next === undefined || (next.startsWith('-') && next !== '-')) {
        problems.push(`${name} needs ${what}`);
        return undefined;
      }
      i++;
      return next;
    };
    switch (name) {
      case '--config': {
        if (config !== undefined) problems.push('--config given twice');
        config = takeValue('a file path') ?? config;
        break;
      }
      case '--format': {
        const value = takeValue(`a format: ${OUTPUT_FORMATS.join(' or ')}`);
        if (value === undefined) break;
        if ((OUTPUT_FORMATS as readonly string[]).includes(value)) format = value as OutputFormat;
        else problems.push(`unknown format ${JSON.stringify(value)}: expected ${OUTPUT_FORMATS.join(' or ')}`);
        break;
      }
      case '--explain':
        if (inline !== undefined) problems.push('--explain takes no value');
        explain = true;
        break;
      default:
        problems.push(`unknown option ${JSON.stringify(name)}`);
    }
  }
  if (positionals.length === 0) problems.push('missing argument <timeline.json>');
  if (positionals.length > 1) problems.push(`unexpected argument ${JSON.stringify(positionals[1])}: give one timeline file`);
  const timeline = positionals[0];
  if (problems.length > 0 || timeline === undefined) return { kind: 'error', problems };
  return { kind: 'run', args: { command: 'replay', timeline, format, explain, ...(config !== undefined ? { config } : {}) } };
}
