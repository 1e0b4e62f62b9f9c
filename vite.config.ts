import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import manifestJson from './manifest.json' with { type: 'json' };

// JSON imports widen string literals; the root manifest.json is the source of truth.
const manifest = manifestJson as ManifestV3Export;

export default defineConfig({
  plugins: [
    preact(),
    // Both page scripts are single self-contained IIFEs: the MAIN-world hook has no
    // chrome.runtime for crxjs's ESM loader, and the content script then runs at document_start
    // itself instead of after an async import(), without exposing its chunks to the page as
    // web-accessible resources.
    crx({ manifest, contentScripts: { standaloneFiles: ['src/page/index.ts', 'src/content/index.ts'] } }),
  ],
  build: { outDir: 'dist', emptyOutDir: true, target: 'chrome120' },
});
