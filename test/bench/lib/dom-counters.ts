/**
 * Blink's DOM counters (CDP `Memory.getDOMCounters`) for what is alive. Blink counts a node until
 * it is swept, which runs lazily after a collection: read after two collections some time apart,
 * the least of three reads (one visible overlay was counted 76 to 136 nodes after a single
 * collection, with a heap snapshot showing no extra nodes alive).
 */
import type { CDPSession } from 'playwright-core';

export interface DomCounters {
  documents: number;
  nodes: number;
  jsEventListeners: number;
}

export async function domCountersAfterSweep(cdp: CDPSession): Promise<DomCounters> {
  let least: DomCounters = { documents: Infinity, nodes: Infinity, jsEventListeners: Infinity };
  for (let read = 0; read < 3; read++) {
    await cdp.send('HeapProfiler.collectGarbage');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await cdp.send('HeapProfiler.collectGarbage');
    const now = await cdp.send('Memory.getDOMCounters');
    least = {
      documents: Math.min(least.documents, now.documents),
      nodes: Math.min(least.nodes, now.nodes),
      jsEventListeners: Math.min(least.jsEventListeners, now.jsEventListeners),
    };
  }
  return least;
}
