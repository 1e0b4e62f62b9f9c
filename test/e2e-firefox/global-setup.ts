/**
 * Before any Firefox test: both Firefox builds must exist (npm test builds them; a lone
 * `npm run e2e:firefox` builds them here when missing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

const BUILDS = [
  { mode: 'e2e-firefox', dir: process.env.EXT_DIST_FIREFOX ?? 'dist-e2e-firefox' },
  { mode: 'firefox', dir: process.env.EXT_DIST_FIREFOX_STORE ?? 'dist-firefox' },
];

export default async function setup(): Promise<void> {
  for (const { mode, dir } of BUILDS) {
    const outDir = path.resolve(dir);
    if (!fs.existsSync(path.join(outDir, 'manifest.json'))) await build({ logLevel: 'warn', mode, build: { outDir } });
  }
}
