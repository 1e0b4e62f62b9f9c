#!/usr/bin/env node
// Checks the built extension against the quality bar's budgets and rules (shared/quality-bar.md):
// the page hook ≤ 5 kB gzip and free of extension APIs, the content script's whole module graph
// ≤ 25 kB gzip, no <all_urls>, no eval or string-built functions in any bundle. Prints the sizes.
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
for (const script of manifest.content_scripts ?? []) {
  const files = new Set();
  for (const js of script.js ?? []) for (const f of graph(js)) files.add(f);
  const size = [...files].reduce((sum, f) => sum + gzip(f), 0);
  const main = script.world === 'MAIN';
  const budget = main ? 5 * 1024 : 25 * 1024;
  console.log(`${main ? 'page hook     ' : 'content script'} ${kb(size)} gzip (budget ${kb(budget)}): ${[...files].join(', ')}`);
  if (size > budget) problems.push(`${main ? 'page hook' : 'content script'} is ${kb(size)} gzip, over ${kb(budget)}`);
  if (main) {
    for (const f of files) {
      const text = fs.readFileSync(path.join(dist, f), 'utf8');
      if (/chrome\.runtime|browser\.runtime/.test(text)) problems.push(`page hook ${f} refers to the extension API`);
      if (/^\s*import[\s{(]|\bimport\(/m.test(text)) problems.push(`page hook ${f} is not a self-contained script`);
    }
  }
}

const allMatches = JSON.stringify([manifest.host_permissions ?? [], manifest.content_scripts ?? []]);
if (allMatches.includes('<all_urls>') || allMatches.includes('*://*/*')) problems.push('manifest asks for every site');

for (const file of fs.readdirSync(dist, { recursive: true })) {
  if (!String(file).endsWith('.js')) continue;
  const text = fs.readFileSync(path.join(dist, String(file)), 'utf8');
  if (/\beval\s*\(|new Function\s*\(/.test(text)) problems.push(`${file} uses eval or new Function`);
}

if (problems.length) {
  for (const p of problems) console.error(`✗ ${p}`);
  process.exit(1);
}
console.log('build checks: ok');
