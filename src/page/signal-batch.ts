/**
 * The page hook's pending signals, posted to the content script as one batch per task.
 *
 * The hook's socket listener runs before the page's own (it is added at construction). A port
 * post there, with its structured clone, was most of what the hook added before the page's
 * handler (about 17 of 23 µs a frame, traced). So the listener only records the signal here;
 * the bridge posts the batch from a task of its own (bridge.ts), which runs after every page
 * listener of that event. A microtask would not: one runs after each listener callback, before
 * the page's. Frames arriving in a burst share one post.
 *
 * The pending list is a null-prototype object read by index: filled after page scripts ran, it
 * must never meet an index setter the page put on Array.prototype or Object.prototype.
 */
import { MAX_BATCH_SIGNALS, type FrameData, type PageSignal, type PageSignalBatch } from '../core/page-signal';

/** Captured while this module loads, at document_start, before any page script. */
const objectCreate = Object.create;

/** And at most this much frame text waits for its post (the hook's history keeps as much). */
export const BATCH_MAX_CHARS = 96 * 1024;

export interface SignalBatcher {
  /** Record `signal` for the next post; asks for one post task when none is pending. */
  add(signal: PageSignal): void;
  /** The post task `schedule` asked for: posts what is pending as one batch. */
  runScheduled(): void;
  /** Post what is pending now (before a new port is given the history, which holds these too). */
  flush(): void;
  /** Signals waiting for their post. */
  readonly pending: number;
}

/**
 * `post` sends a batch to every connected port; `schedule` asks for one later task that calls
 * `runScheduled` (never a timer: a softphone tab is often hidden during calls, and timers there are
 * throttled to once a second or less).
 */
export function createSignalBatcher(
  post: (batch: PageSignalBatch) => void,
  schedule: () => void,
  frameSize: (data: FrameData) => number,
  maxSignals = MAX_BATCH_SIGNALS,
  maxChars = BATCH_MAX_CHARS,
): SignalBatcher {
  let signals = objectCreate(null) as Record<number, PageSignal>;
  let count = 0;
  let chars = 0;
  let scheduled = false;

  const flush = () => {
    if (count === 0) return;
    const batch: PageSignalBatch = { t: 'batch', count, signals };
    signals = objectCreate(null) as Record<number, PageSignal>;
    count = 0;
    chars = 0;
    post(batch);
  };

  return {
    add(signal) {
      signals[count++] = signal;
      if (signal.t === 'ws-frame') chars += frameSize(signal.data);
      // Over a cap (a flood within one task): posted now, still in order; the task finds the rest.
      if (count >= maxSignals || chars >= maxChars) {
        flush();
        return;
      }
      if (!scheduled) {
        scheduled = true;
        schedule();
      }
    },
    runScheduled() {
      scheduled = false;
      flush();
    },
    flush,
    get pending() {
      return count;
    },
  };
}
