import fs from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import manifestJson from './manifest.json' with { type: 'json' };
import testKey from './test/e2e/test-extension-key.json' with { type: 'json' };

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

/** crxjs copies what the manifest names as scripts, pages and icons; the policy schema it does not. */
function managedSchema(): Plugin {
  return {
    name: 'second-ring:managed-schema',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'managed-schema.json', source: fs.readFileSync('assets/managed-schema.json', 'utf8') });
    },
  };
}

/**
 * crxjs builds each page script as an IIFE in a build of its own with
 * `output.inlineDynamicImports`, which Rolldown ignores for IIFE output (it never splits one)
 * and warns about once per script per build. That warning says nothing about our code, and
 * crxjs's progress lines ignore `--logLevel warn`: around its IIFE step, both stay out of the
 * log so that a real warning stands out. Any other output passes through unchanged.
 */
function quietIifeStep(): Plugin {
  // Rolldown prints that warning through its own logger straight to stderr; crxjs logs progress with console.log.
  const ignoredWarning = (text: string) => text.includes('inlineDynamicImports') && text.includes('is ignored because');
  const progress = (text: string) => text.includes('[crx:content-scripts-iife]') || /^\S*\s*✓ /.test(text.trim());
  return {
    name: 'second-ring:quiet-iife-step',
    configResolved(config) {
      const step = config.plugins.find((plugin) => plugin.name === 'crx:content-scripts-iife');
      const original = step?.generateBundle;
      if (!step || typeof original !== 'function') return;
      const quiet = (config.logLevel ?? 'info') !== 'info';
      const run = original as (this: unknown, ...args: unknown[]) => Promise<void> | void;
      (step as { generateBundle: unknown }).generateBundle = async function (this: unknown, ...args: unknown[]): Promise<void> {
        const { log } = console;
        const write = process.stderr.write;
        console.log = (...parts: unknown[]) => void ((quiet && progress(parts.map(String).join(' '))) || log(...parts));
        process.stderr.write = function (this: typeof process.stderr, chunk: unknown, ...rest: unknown[]) {
          if (ignoredWarning(String(chunk))) return true;
          return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
        } as typeof write;
        try {
          await run.apply(this, args);
        } finally {
          console.log = log;
          process.stderr.write = write;
        }
      };
    },
  };
}

/**
 * Extension pages the manifest does not name (crxjs builds only what it names): the figures
 * page and the practice softphone, opened from the popup and the options page.
 */
const EXTRA_PAGES = ['src/ui/figures/index.html', 'src/ui/practice/index.html'].filter((page) => fs.existsSync(page));

export default defineConfig(({ mode }) => ({
  plugins: [preact(), crx({ manifest: manifestFor(mode) }), managedSchema(), quietIifeStep()],
  define: { __TEST_BUILD__: JSON.stringify(mode === 'e2e') },
  build: {
    outDir: mode === 'e2e' ? 'dist-e2e' : 'dist',
    emptyOutDir: true,
    target: 'chrome120',
    rollupOptions: { input: Object.fromEntries(EXTRA_PAGES.map((page) => [page.split('/')[2], page])) },
  },
}));
