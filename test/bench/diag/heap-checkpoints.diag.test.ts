/**
 * Diagnostic (not part of npm run bench): plays steady calls (each once the previous call's
 * closing checklist is on screen, as in the memory bench's steady phase) into one page with the
 * extension and writes a raw heap snapshot at each checkpoint to $DIAG_OUT, for offline analysis:
 *
 *   npx vite build --mode e2e --logLevel warn
 *   DIAG_OUT=/tmp/heap DIAG_CHECKPOINTS=0,10,75,150,300,500 BENCH_DIST=dist-e2e \
 *     flock /tmp/second-ring-e2e.lock npx vitest run -c test/bench/diag/vitest.diag.config.ts
 *   node test/bench/diag/code-tiers.mjs /tmp/heap/snap-*.heapsnapshot      compiled code by script and tier
 *   node test/bench/diag/analyze-heap.mjs /tmp/heap/snap-75.heapsnapshot /tmp/heap/snap-150.heapsnapshot 30
 *                                      what grew, by owner script and constructor, with retainer paths
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import { launchArms, launchWithExtension, waitIdle } from '../lib/arms';
import { startBenchServer, type BenchServer } from '../lib/bench-server';
import { openShiftPage, shiftSessions, type ShiftSession } from '../lib/shift-session';
import { callIdOf } from '../lib/sip-traffic';

const OUT = process.env.DIAG_OUT ?? '/tmp/heap-diag';
const CHECKPOINTS = (process.env.DIAG_CHECKPOINTS ?? '0,10,75,150,300,500').split(',').map(Number);
let server: BenchServer;
let close: (() => Promise<void>) | undefined;
let page: Page;
let cdp: CDPSession;
let session: ShiftSession;

beforeAll(async () => {
  server = await startBenchServer();
  const sessions = shiftSessions(server);
  // DIAG_ARM=without: the same page in the browser without the extension (its checkpoint 0 is the baseline).
  const probe = `${server.origin}/bench/blank.html`;
  const context = process.env.DIAG_ARM === 'without' ? await launchArms(probe).then((a) => ((close = a.close), a.arms.without.context)) : await launchWithExtension(probe).then((l) => ((close = l.close), l.context));
  page = await context.newPage();
  await page.goto(`${server.origin}/bench/blank.html`);
  cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  session = sessions('diag');
  await openShiftPage(page, server, session, 'diag');
}, 120_000);

afterAll(async () => {
  await close?.();
  await server?.close();
});

async function closingOnScreen(callId: string): Promise<boolean> {
  return page.evaluate(
    async ({ id }) => {
      const shown = () =>
        [...(document.querySelector('second-ring-coach')?.shadowRoot?.querySelectorAll<HTMLElement>('.nudge') ?? [])].some((e) =>
          (e.dataset.key ?? '').includes(`${id}|closing`),
        );
      const end = performance.now() + 5000;
      while (!shown()) {
        if (performance.now() > end) return false;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return true;
    },
    { id: callId },
  );
}

async function snapshot(file: string): Promise<void> {
  await waitIdle(cdp, { intervalMs: 200, epsMs: 1, maxMs: 8_000 });
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const used = (await cdp.send('Runtime.getHeapUsage')).usedSize;
  const fd = fs.openSync(file, 'w');
  const onChunk = (event: { chunk: string }) => void fs.writeSync(fd, event.chunk);
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
    fs.closeSync(fd);
  }
  fs.appendFileSync(path.join(OUT, 'usage.txt'), `${path.basename(file)} ${used}\n`);
}

it('snapshots at checkpoints', async () => {
  fs.mkdirSync(OUT, { recursive: true });
  let played = 0;
  let unanswered = 0;
  for (const c of CHECKPOINTS) {
    for (; played < c; played++) {
      await session.run(played, played + 1);
      if (!(await closingOnScreen(callIdOf(played)))) unanswered++;
    }
    await snapshot(path.join(OUT, `snap-${c}.heapsnapshot`));
    console.log(`checkpoint ${c}: unanswered so far ${unanswered}`);
  }
}, 1_800_000);
