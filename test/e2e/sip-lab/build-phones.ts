/**
 * Bundles the SIP-lab softphone pages (test/sip-lab/phones/*.html) with Vite's build API.
 * Uses an inline config (configFile: false): the repo's vite.config.ts is the extension build
 * and must not be involved. jssip is CommonJS, sip.js is ESM — Vite/Rolldown bundles both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PHONES_SRC = path.resolve(HERE, '../../sip-lab/phones');
export const PHONE_PAGES = { jssip: 'jssip-phone.html', sipjs: 'sipjs-phone.html' } as const;

/** Builds the pages into `outDir` (default: a fresh temp dir) and returns the absolute outDir. */
export async function buildPhones(outDir?: string): Promise<string> {
  const out = path.resolve(outDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'sip-lab-phones-')));
  await build({
    configFile: false,
    envDir: false,
    root: PHONES_SRC,
    base: './',
    logLevel: 'warn',
    cacheDir: path.join(os.tmpdir(), 'sip-lab-vite-cache'),
    publicDir: false,
    build: {
      outDir: out,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      sourcemap: true,
      reportCompressedSize: false,
      rolldownOptions: {
        input: Object.fromEntries(Object.entries(PHONE_PAGES).map(([k, f]) => [k, path.join(PHONES_SRC, f)])),
      },
    },
  });
  for (const page of Object.values(PHONE_PAGES)) {
    if (!fs.existsSync(path.join(out, page))) throw new Error(`phone build did not produce ${page} in ${out}`);
  }
  return out;
}
