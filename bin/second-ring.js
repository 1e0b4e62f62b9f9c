#!/usr/bin/env node
// `second-ring`: the package's command. It runs the CLI built into dist-cli/ (npm run
// build:cli). When that build is missing, or older than the sources it is built from
// (src/core, src/cli, _locales, vite.cli.config.ts: a rule changed since the last build), it
// builds it first with Vite's API, and says so on stderr; stdout stays the command's own.
// SECOND_RING_NO_REBUILD=1 skips the age check (tests that built it themselves set it).
// Plain JavaScript on purpose: Node 20 cannot run the TypeScript sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(root, 'dist-cli', 'main.js');
const sources = ['src/core', 'src/cli', '_locales', 'vite.cli.config.ts'].map((p) => join(root, p));

/** The newest modification time under `path` (0 when it does not exist). */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const name of readdirSync(path)) latest = Math.max(latest, newest(join(path, name)));
  return latest;
}

let why;
if (!existsSync(entry)) why = 'dist-cli/ is missing';
else if (process.env.SECOND_RING_NO_REBUILD !== '1' && Math.max(...sources.map(newest)) > statSync(entry).mtimeMs) {
  why = 'dist-cli/ is older than its sources';
}

if (why) {
  process.stderr.write(`second-ring: ${why}; building the CLI first (npm run build:cli)…\n`);
  try {
    const { build } = await import('vite');
    await build({ root, configFile: join(root, 'vite.cli.config.ts'), logLevel: 'warn' });
  } catch (error) {
    process.stderr.write(`second-ring: the CLI build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  process.stderr.write('second-ring: built dist-cli/main.js\n');
}

const { main } = await import(pathToFileURL(entry).href);
process.exitCode = await main(process.argv.slice(2));
