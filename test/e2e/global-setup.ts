/**
 * Before any browser test: the test build of the extension must exist (npm test builds it; a
 * lone `npm run e2e` builds it here when missing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  const dist = path.resolve(process.env.EXT_DIST ?? 'dist-e2e');
  if (!fs.existsSync(path.join(dist, 'manifest.json'))) {
    await build({ logLevel: 'warn', mode: 'e2e', build: { outDir: dist } });
  }
}
