/**
 * The page hook's capped history of recent signals, replayed to every content script that
 * connects (see bridge.ts). A ring of own slots: filled while this module loads, before any page
 * script could patch Array.prototype, and only indexed afterwards. It runs on the page's frame
 * path, so each push costs a constant few steps: eviction starts at the oldest kept slot.
 */
import type { FrameData, PageSignal } from '../core/page-signal';

/** Enough for the set-up and life of a couple of calls; older signals are overwritten. */
export const HISTORY_MAX_SIGNALS = 256;
/**
 * And at most this much frame text: the history lives in the page's own heap (quality bar:
 * ≤ 0.5 MB added to the renderer), and 256 SIP frames with SDP bodies came to about 0.7 MB.
 * It is there for a content script that connects late (an update, a tab open before the
 * install) to pick up the calls in progress: their INVITE, answer and re-INVITEs, about 6 kB a
 * call with SDP (test/unit/page/signal-history.test.ts). 32 k characters keep two live calls and
 * the frames of the calls just before them; at 96 k they were most of the strings the hook
 * kept over a shift (heap snapshots, npm run bench).
 */
export const HISTORY_MAX_CHARS = 32 * 1024;

/** A frame's size in chars or bytes. The page hook passes one built on captured natives (bridge.ts). */
export type FrameSize = (data: FrameData) => number;

// No instanceof: page scripts may replace the ArrayBuffer and Blob globals.
const plainFrameSize: FrameSize = (data) => (typeof data === 'string' ? data.length : 'size' in data ? data.size : data.byteLength);

export interface SignalHistory {
  /** Keep `signal`; `countDrops`: whether what this evicts counts as lost (nobody connected yet). */
  push(signal: PageSignal, countDrops: boolean): void;
  /** The kept signals, oldest first. */
  forEach(visit: (signal: PageSignal) => void): void;
  /** Signals evicted before anyone could receive them. */
  readonly dropped: number;
}

export function createSignalHistory(
  maxSignals = HISTORY_MAX_SIGNALS,
  maxChars = HISTORY_MAX_CHARS,
  frameSize: FrameSize = plainFrameSize,
): SignalHistory {
  const sizeOf = (signal: PageSignal | undefined): number =>
    signal === undefined ? 0 : signal.t !== 'ws-frame' ? 64 : frameSize(signal.data);
  const slots: (PageSignal | undefined)[] = [];
  for (let i = 0; i < maxSignals; i++) slots.push(undefined);
  // Kept signals sit in slots oldest … next - 1 (circularly); `count` tells full from empty.
  let oldest = 0;
  let next = 0;
  let count = 0;
  let chars = 0;
  let dropped = 0;

  const evictOldest = (countDrops: boolean) => {
    chars -= sizeOf(slots[oldest]);
    slots[oldest] = undefined;
    oldest = (oldest + 1) % maxSignals;
    count--;
    if (countDrops) dropped++;
  };

  return {
    push(signal, countDrops) {
      if (count === maxSignals) evictOldest(countDrops);
      slots[next] = signal;
      next = (next + 1) % maxSignals;
      count++;
      chars += sizeOf(signal);
      // Over the text budget: the oldest go, never the signal just kept.
      while (chars > maxChars && count > 1) evictOldest(countDrops);
    },
    forEach(visit) {
      for (let i = 0; i < count; i++) visit(slots[(oldest + i) % maxSignals] as PageSignal);
    },
    get dropped() {
      return dropped;
    },
  };
}
