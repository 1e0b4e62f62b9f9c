import fs from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import manifestJson from './manifest.json' with { type: 'json' };
import testKey from './test/e2e/test-extension-key.json' with { type: 'json' };
import { managedSchemaText } from './src/core/coach/managed-schema';

/** Origins the real-browser tests serve softphones from (any port). */
const TEST_ORIGINS = ['http://127.0.0.1/*', 'http://localhost/*'];

/**
 * The store build asks for no host at all: sites come from the team lead's list (optional host
 * permissions, requested at run time). The test build (`--mode e2e`) differs in two ways only:
 * it already holds the loopback origins (headless Chromium cannot answer a permission prompt),
 * and it has a fixed id through the manifest `key`, so a managed policy can reach it. The store
 * rejects a `key`; it never ships.
 */
function manifestFor(mode: string): ManifestV3Export {
  const manifest = structuredClone(manifestJson) as Record<string, unknown>;
  if (mode === 'e2e') {
    manifest.key = testKey.key;
    manifest.host_permissions = TEST_ORIGINS;
  }
  return manifest as unknown as ManifestV3Export;
}

/**
 * crxjs copies what the manifest names as scripts, pages and icons; the policy schema it does
 * not. It is generated here from the configuration's schema (the rules' modules), never written
 * by hand; assets/managed-schema.json holds the same text (test/unit/conventions.test.ts).
 */
function managedSchema(): Plugin {
  return {
    name: 'second-ring:managed-schema',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'managed-schema.json', source: managedSchemaText() });
    },
  };
}

/**
 * Extension pages the manifest does not name (crxjs builds only what it names): the figures
 * page and the practice softphone, opened from the popup and the options page.
 */
const EXTRA_PAGES = ['src/ui/figures/index.html', 'src/ui/practice/index.html'].filter((page) => fs.existsSync(page));

export default defineConfig(({ mode }) => ({
  plugins: [preact(), crx({ manifest: manifestFor(mode) }), managedSchema()],
  define: { __TEST_BUILD__: JSON.stringify(mode === 'e2e') },
  build: {
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
    emptyOutDir: true,
    target: 'chrome120',
    rollupOptions: { input: Object.fromEntries(EXTRA_PAGES.map((page) => [page.split('/')[2], page])) },
  },
}));
