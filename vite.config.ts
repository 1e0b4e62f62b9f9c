import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, runnerImport, type Plugin } from 'vite';
import preact from '@preact/preset-vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import manifestJson from './manifest.json' with { type: 'json' };
import testKey from './test/e2e/test-extension-key.json' with { type: 'json' };
import type * as ManagedSchemaModule from './src/core/coach/managed-schema';

/** Origins the real-browser tests serve softphones from (any port). */
const TEST_ORIGINS = ['http://127.0.0.1/*', 'http://localhost/*'];
/**
 * Cloud softphones' real host names, which the cloud tests serve their stand-ins under
 * (Chromium's --host-resolver-rules; test/e2e/cloud-softphones.e2e.test.ts). Test build only.
 */
const CLOUD_TEST_ORIGINS = ['https://*.my.connect.aws/*', 'https://workspace.aircall.io/*'];

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
    manifest.host_permissions = [...TEST_ORIGINS, ...CLOUD_TEST_ORIGINS];
  }
  if (FIREFOX_MODES.has(mode)) return firefoxManifest(manifest, mode === 'e2e-firefox');
  return manifest as unknown as ManifestV3Export;
}

// ---- Firefox: the same source, built per browser ------------------------------------------
/**
 * `--mode firefox` builds the store build for Firefox into `dist-firefox/`, `--mode e2e-firefox`
 * its test build into `dist-e2e-firefox/` (loopback origins held from the start, like `e2e`).
 * A per-browser build rather than one manifest with both background forms: crxjs always rewrites
 * `background` (Chrome: `service_worker`; with `browser: 'firefox'`: `scripts`, an event page),
 * so its own Firefox mode is the supported way, and each browser gets a manifest it lints clean.
 */
const FIREFOX_MODES = new Set(['firefox', 'e2e-firefox']);
/** The add-on id: policy (`3rdparty.Extensions.<id>`) and managed storage are keyed by it. */
const GECKO_ID = 'second-ring@second-ring.example';

function firefoxManifest(manifest: Record<string, unknown>, test: boolean): ManifestV3Export {
  const { service_worker: worker } = manifest.background as { service_worker: string };
  manifest.background = { scripts: [worker], type: 'module' };
  delete manifest.minimum_chrome_version;
  delete manifest.key; // Chromium-only; the gecko id below is Firefox's fixed id
  manifest.browser_specific_settings = {
    // 140: MV3 main-world registered scripts, storage.session, data_collection_permissions.
    gecko: { id: GECKO_ID, strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
    gecko_android: { strict_min_version: '142.0' },
  };
  if (test) manifest.host_permissions = TEST_ORIGINS;
  return manifest as unknown as ManifestV3Export;
}

const outDirFor = (mode: string): string =>
  ({ e2e: 'dist-e2e', firefox: 'dist-firefox', 'e2e-firefox': 'dist-e2e-firefox' })[mode] ?? 'dist';
// ---- end Firefox --------------------------------------------------------------------------

/**
 * crxjs copies what the manifest names as scripts, pages and icons; the policy schema it does
 * not. It is generated here from the configuration's schema (the rules' modules), never written
 * by hand; assets/managed-schema.json holds the same text (test/unit/conventions.test.ts).
 */
function managedSchema(): Plugin {
  return {
    name: 'second-ring:managed-schema',
    async generateBundle() {
      // Loaded through Vite's module runner, not imported by this config: the config loader would
      // bundle the whole rule graph into the config and warn about it on every build.
      const { module } = await runnerImport<typeof ManagedSchemaModule>('./src/core/coach/managed-schema.ts', {
        configFile: false,
        logLevel: 'error',
      });
      this.emitFile({ type: 'asset', fileName: 'managed-schema.json', source: module.managedSchemaText() });
    },
  };
}

/**
 * crxjs lists the `?script` imports (the page hook and the content script) as web-accessible to
 * every http(s) page, which lets any website fetch them at a fixed URL and so tell that the
 * extension is installed. Nothing needs it: registered scripts are not fetched by the page.
 * Removed here; scripts/check-build.mjs fails the build if a script is ever exposed again.
 */
function noWebAccessibleScripts(): Plugin {
  const isScript = (resource: string) => /\.(?:m?js|ts|tsx)$/i.test(resource);
  return {
    name: 'second-ring:no-web-accessible-scripts',
    enforce: 'post',
    apply: 'build',
    // The manifest is complete only once written (crxjs adds these entries late).
    writeBundle(options) {
      const file = path.join(options.dir ?? 'dist', 'manifest.json');
      if (!fs.existsSync(file)) return;
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { web_accessible_resources?: { resources: string[] }[] };
      const kept = (manifest.web_accessible_resources ?? [])
        .map((entry) => ({ ...entry, resources: entry.resources.filter((resource) => !isScript(resource)) }))
        .filter((entry) => entry.resources.length > 0);
      if (kept.length > 0) manifest.web_accessible_resources = kept;
      else delete manifest.web_accessible_resources;
      fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
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
  plugins: [
    preact(),
    crx({ manifest: manifestFor(mode), browser: FIREFOX_MODES.has(mode) ? 'firefox' : 'chrome' }),
    managedSchema(),
    noWebAccessibleScripts(),
    quietIifeStep(),
  ],
  define: { __TEST_BUILD__: JSON.stringify(mode === 'e2e' || mode === 'e2e-firefox') },
  build: {
    outDir: outDirFor(mode),
    emptyOutDir: true,
    target: 'chrome120',
    rollupOptions: {
      input: Object.fromEntries(EXTRA_PAGES.map((page) => [page.split('/')[2], page])),
      // Rolldown's plugin-timing report shows up whenever the machine is busy: noise for a newcomer, not a problem.
      checks: { bundlerTimings: false },
    },
  },
}));
