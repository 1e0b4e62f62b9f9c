#!/usr/bin/env node
// Checks the built extension against the quality bar's budgets and rules (shared/quality-bar.md):
// the page hook ≤ 3 kB gzip and free of extension APIs, what the content script runs at page start
// (its whole module graph) ≤ 15 kB gzip, the coaching UI it loads on the first call ≤ 25 kB gzip
// (never at page start: the content script must not carry it), no <all_urls>, no web-accessible script, no eval or string-built functions in
// any bundle. Prints the sizes.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dist = path.resolve(process.argv[2] ?? 'dist');
const manifest = JSON.parse(fs.readFileSync(path.join(dist, 'manifest.json'), 'utf8'));
const problems = [];
const gzip = (file) => zlib.gzipSync(fs.readFileSync(path.join(dist, file)), { level: 9 }).length;

/** A file and every chunk it loads, following static imports and crxjs's loader indirection. */
function graph(entry, seen = new Set()) {
  if (seen.has(entry)) return seen;
  seen.add(entry);
  const source = fs.readFileSync(path.join(dist, entry), 'utf8');
  const dir = path.posix.dirname(entry);
  const refs = [
    ...source.matchAll(/(?:import|from)\s*\(?\s*["']([^"']+\.js)["']/g),
    ...source.matchAll(/getURL\(\s*["']([^"']+\.js)["']\s*\)/g),
  ].map((m) => m[1]);
  for (const ref of refs) {
    const file = ref.startsWith('/') ? ref.slice(1) : ref.startsWith('.') ? path.posix.join(dir, ref) : ref;
    if (fs.existsSync(path.join(dist, file))) graph(file, seen);
  }
  return seen;
}

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const readme = fs.readFileSync(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'README.md'), 'utf8');
const README_SIZES = {
  hook: Number(/MAIN-world hook, one IIFE of about ([\d.]+) kB gzip/.exec(readme)?.[1] ?? NaN) || undefined,
  content: Number(/Content script: ([\d.]+) kB gzip/.exec(readme)?.[1] ?? NaN) || undefined,
  ui: Number(/coaching UI: ([\d.]+) kB gzip/.exec(readme)?.[1] ?? NaN) || undefined,
  coaching: Number(/the coaching part: ([\d.]+) kB gzip/.exec(readme)?.[1] ?? NaN) || undefined,
};
// The page scripts are registered at run time (background/sites.ts), not declared in the
// manifest: crxjs builds them as IIFEs at these paths, and the worker must name them.
// Budgets from shared/quality-bar.md ("Size"); the UI's is ours: it loads on a call, not at page start.
const PAGE_SCRIPTS = [
  { js: ['src/page/page-hook.js'], world: 'MAIN', name: 'page hook', quote: 'hook', budget: 3 * 1024 },
  { js: ['src/content/content-script.js'], world: 'ISOLATED', name: 'content script', quote: 'content', budget: 15 * 1024 },
  { js: ['src/content/content-ui.js'], world: 'ISOLATED', name: 'coaching UI', quote: 'ui', budget: 25 * 1024 },
  // The parser, tracker and adapters: injected on the first evidence of a call (content-script.ts), not at page start.
  { js: ['src/content/content-coaching.js'], world: 'ISOLATED', name: 'coaching part', quote: 'coaching', budget: 15 * 1024 },
];
// Chrome's build has a service worker; Firefox's an event page's scripts (vite --mode firefox).
const backgroundEntries = manifest.background.service_worker ? [manifest.background.service_worker] : (manifest.background.scripts ?? []);
const workerCode = [...new Set(backgroundEntries.flatMap((entry) => [...graph(entry)]))].map((f) => fs.readFileSync(path.join(dist, f), 'utf8')).join('\n');
// crxjs once pointed the worker's loader at another entry of the same file name: check it loads ours.
if (!workerCode.includes('coach-wake')) problems.push('the service worker loader does not load the background code');
for (const script of PAGE_SCRIPTS) {
  for (const js of script.js) {
    if (!fs.existsSync(path.join(dist, js))) problems.push(`${js} is missing from the build`);
    else if (!workerCode.includes(js)) problems.push(`the service worker does not register ${js}`);
  }
  if (problems.length) continue;
  const files = new Set();
  for (const js of script.js) for (const f of graph(js)) files.add(f);
  const size = [...files].reduce((sum, f) => sum + gzip(f), 0);
  const main = script.world === 'MAIN';
  const { name, budget } = script;
  console.log(`${name.padEnd(14)} ${kb(size)} gzip (budget ${kb(budget)}): ${[...files].join(', ')}`);
  if (size > budget) problems.push(`${name} is ${kb(size)} gzip, over ${kb(budget)}`);
  // README.md quotes these sizes: a quote more than 0.5 kB off the build is stale.
  const quoted = README_SIZES[script.quote];
  if (quoted === undefined) problems.push(`README.md no longer quotes the ${name}'s size`);
  else if (Math.abs(quoted * 1024 - size) > 512) {
    problems.push(`README.md says the ${name} is ${quoted} kB gzip; the build's is ${kb(size)}: update README.md`);
  }
  // Preact and the nudge view belong to the UI bundle only: at page start they would cost every page.
  if (script.quote === 'content' || script.quote === 'coaching') {
    for (const f of files) {
      const text = fs.readFileSync(path.join(dist, f), 'utf8');
      if (/\battachShadow\b/.test(text)) problems.push(`${name} ${f} carries the coaching UI`);
    }
  }
  // Nor does the page-start script carry the adapters (their registry names this one): they come with the coaching part.
  if (script.quote === 'content') {
    for (const f of files) if (fs.readFileSync(path.join(dist, f), 'utf8').includes('SIP over WebSocket')) problems.push(`content script ${f} carries the adapters`);
  }
  if (main) {
    for (const f of files) {
      const text = fs.readFileSync(path.join(dist, f), 'utf8');
      if (/chrome\.runtime|browser\.runtime/.test(text)) problems.push(`page hook ${f} refers to the extension API`);
      if (/^\s*import[\s{(]|\bimport\(/m.test(text)) problems.push(`page hook ${f} is not a self-contained script`);
    }
  }
}

// Least privilege: the store build holds no host at all; sites are optional and asked for at run time.
if ((manifest.host_permissions ?? []).length > 0) problems.push(`manifest asks for hosts up front: ${manifest.host_permissions}`);
if ((manifest.content_scripts ?? []).length > 0) problems.push('manifest declares content scripts for fixed sites');
if (manifest.key) problems.push('manifest has a key (test builds only; the store rejects it)');

// No web-accessible scripts: a file any website can fetch at a fixed chrome-extension:// URL tells
// it the extension is installed (and hands it the code). Globs are matched against the built files.
const builtFiles = fs.readdirSync(dist, { recursive: true }).map((f) => String(f).split(path.sep).join('/'));
const globRegex = (glob) => new RegExp(`^${glob.replace(/^\//, '').split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
for (const entry of manifest.web_accessible_resources ?? []) {
  for (const resource of entry.resources ?? []) {
    const exposed = builtFiles.filter((f) => /\.m?js$/.test(f) && globRegex(resource).test(f));
    if (/\.m?js$/.test(resource) || exposed.length > 0) {
      problems.push(`manifest makes a script web-accessible: ${resource}${exposed.length ? ` (${exposed.join(', ')})` : ''}`);
    }
  }
}

for (const file of builtFiles) {
  if (!String(file).endsWith('.js')) continue;
  const text = fs.readFileSync(path.join(dist, String(file)), 'utf8');
  if (/\beval\s*\(|new Function\s*\(/.test(text)) problems.push(`${file} uses eval or new Function`);
}

if (problems.length) {
  for (const p of problems) console.error(`✗ ${p}`);
  process.exit(1);
}
console.log('build checks: ok');
