/**
 * Before any browser test: the extension must be built (npm test builds it; a lone
 * `npm run e2e` builds it here when missing) and the test phones bundled once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

export default async function setup(): Promise<void> {
  const dist = path.resolve(process.env.EXT_DIST ?? 'dist');
  if (!fs.existsSync(path.join(dist, 'manifest.json'))) {
    await build({ logLevel: 'warn', build: { outDir: dist } });
  }
}
