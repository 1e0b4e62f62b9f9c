/**
 * Before any browser test: the test build of the extension must exist and be current. npm test
 * builds it just before; a lone `npm run e2e` builds it here when it is missing, or when a source
 * is newer than it (otherwise a change would silently go untested), and says why.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

/** What the extension is built from: a change to any of these makes dist-e2e/ stale. */
const SOURCES = ['src', '_locales', 'assets', 'manifest.json', 'vite.config.ts', 'package-lock.json', 'test/e2e/test-extension-key.json'];

/** The newest file among `SOURCES` (walking folders), with its modification time. */
export function newestSource(root = process.cwd()): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const visit = (file: string) => {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of fs.readdirSync(file)) visit(path.join(file, entry));
    } else if (!newest || stat.mtimeMs > newest.mtimeMs) {
      newest = { file: path.relative(root, file), mtimeMs: stat.mtimeMs };
    }
  };
  for (const source of SOURCES) visit(path.join(root, source));
  return newest;
}

export default async function setup(): Promise<void> {
  const dist = path.resolve(process.env.EXT_DIST ?? 'dist-e2e');
  const manifest = path.join(dist, 'manifest.json');
  const builtAt = fs.statSync(manifest, { throwIfNoEntry: false })?.mtimeMs;
  // A build named by EXT_DIST is the caller's: used as it is once it exists.
  const newest = process.env.EXT_DIST ? undefined : newestSource();
  let why: string | undefined;
  if (builtAt === undefined) why = `${path.relative(process.cwd(), dist)}/ is missing`;
  else if (newest && newest.mtimeMs > builtAt) why = `${newest.file} is newer than ${path.relative(process.cwd(), dist)}/`;
  if (!why) return;
  console.log(`browser tests: ${why}; building the test build first (vite build --mode e2e)…`);
  await build({ logLevel: 'warn', mode: 'e2e', build: { outDir: dist } });
}
