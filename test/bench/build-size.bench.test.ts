/**
 * What the page downloads and compiles at page start (issue 14 table: "content script, gzip,
 * loaded at page start"): the scripts the worker registers at document_start (the MAIN-world
 * page hook and the ISOLATED-world content script, see src/background/sites.ts), each with
 * every chunk it imports, gzip level 9, as scripts/check-build.mjs counts them.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, it } from 'vitest';
import { figure, writePart } from './lib/results';

const DIST = process.env.BENCH_DIST ?? path.resolve('dist-e2e');
/** Registered with runAt 'document_start' by src/background/sites.ts (crxjs IIFE paths). */
const PAGE_START_SCRIPTS = ['src/page/page-hook.js', 'src/content/content-script.js'];
/** The coaching UI, injected by the background when a call first needs it (src/content/ui-loader.ts): not at page start. */
const UI_SCRIPT = 'src/content/content-ui.js';
/** The content script's coaching part (parser, tracker, adapters), injected on the first evidence of a call (src/content/content-script.ts). */
const COACHING_SCRIPT = 'src/content/content-coaching.js';

/** A file and every chunk it loads (static and dynamic imports, getURL'd scripts). */
function graph(entry: string, seen = new Set<string>()): Set<string> {
  if (seen.has(entry) || !fs.existsSync(path.join(DIST, entry))) return seen;
  seen.add(entry);
  const source = fs.readFileSync(path.join(DIST, entry), 'utf8');
  const dir = path.posix.dirname(entry);
  const refs = [...source.matchAll(/(?:import|from)\s*\(?\s*["']([^"']+\.js)["']/g), ...source.matchAll(/getURL\(\s*["']([^"']+\.js)["']\s*\)/g)].map((m) => m[1]!);
  for (const ref of refs) graph(ref.startsWith('/') ? ref.slice(1) : ref.startsWith('.') ? path.posix.join(dir, ref) : ref, seen);
  return seen;
}

const gzip = (file: string): number => zlib.gzipSync(fs.readFileSync(path.join(DIST, file)), { level: 9 }).length;

describe('build size', () => {
  it('gzip size of what runs at page start', () => {
    const started = Date.now();
    const kB = (n: number) => Math.round((n / 1024) * 10) / 10;
    const measure = (entry: string) => {
      const files = [...graph(entry)];
      const sizes = Object.fromEntries(files.map((f) => [f, gzip(f)]));
      return { present: files.includes(entry), sizes, total: Object.values(sizes).reduce((a, b) => a + b, 0) };
    };
    const [hook, content] = PAGE_START_SCRIPTS.map(measure) as [ReturnType<typeof measure>, ReturnType<typeof measure>];
    const ui = measure(UI_SCRIPT);
    const coaching = measure(COACHING_SCRIPT);
    const noteOf = (m: ReturnType<typeof measure>, entry: string) =>
      m.present ? Object.entries(m.sizes).map(([f, n]) => `${f} ${kB(n)} kB`).join(', ') : `${entry} is missing from the build`;
    writePart({
      bench: 'build',
      title: 'Build — the built scripts registered at document_start, gzip -9',
      startedAt: new Date(started).toISOString(),
      wallMs: Date.now() - started,
      figures: [
        figure({
          id: 'build.pageStartGzip',
          label: 'Build: content script loaded at page start (ISOLATED world, the starter, with its chunks, gzip)',
          value: content.present ? kB(content.total) : null,
          unit: 'kB',
          limit: 15,
          note: `${noteOf(content, PAGE_START_SCRIPTS[1]!)}; with the page hook ${kB(content.total + hook.total)} kB in all at document_start`,
        }),
        figure({
          id: 'build.hookGzip',
          label: 'Build: page hook (MAIN world, gzip)',
          value: hook.present ? kB(hook.total) : null,
          unit: 'kB',
          limit: 3,
          note: noteOf(hook, PAGE_START_SCRIPTS[0]!),
        }),
        figure({
          id: 'build.coachingGzip',
          label: 'Build: content script\'s coaching part (parser, tracker, adapters) loaded on the first SIP frame or vendor message that can start a call (ISOLATED world, injected by the background, gzip)',
          value: coaching.present ? kB(coaching.total) : null,
          unit: 'kB',
          limit: 15,
          note: `${noteOf(coaching, COACHING_SCRIPT)}; with the starter ${kB(content.total + coaching.total)} kB once a call is possible; scripts/check-build.mjs holds it to 15 kB`,
        }),
        figure({
          id: 'build.uiGzip',
          label: 'Build: coaching UI loaded on the first call (ISOLATED world, injected by the background, gzip)',
          value: ui.present ? kB(ui.total) : null,
          unit: 'kB',
          limit: 25,
          note: `${noteOf(ui, UI_SCRIPT)}; scripts/check-build.mjs holds it to 25 kB`,
        }),
      ],
      notes: [],
      details: { hook: hook.sizes, content: content.sizes, coaching: coaching.sizes, ui: ui.sizes },
    });
  });
});
