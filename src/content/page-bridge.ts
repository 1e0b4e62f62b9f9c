/**
 * The content script's side of the private channel to the page hook (see page/bridge.ts).
 * We create the channel and hand the hook one end through a window message that the hook
 * stops before page code sees it; we only ever listen on our own end, which never leaves
 * this isolated world, so the page cannot write into it. Everything read is still validated.
 * A message is a batch of signals (this version's hook) or one signal (the hook of the version
 * before, left in a tab that stayed open over an update): both are read, in order.
 */
import { HANDSHAKE_TAG, readPageMessage, type PageSignal } from '../core/page-signal';

export interface PageSignalSource {
  subscribe(listener: (signal: PageSignal) => void, signal: AbortSignal): void;
  /** Messages from the hook that failed validation (the page is untrusted). */
  readonly rejected: number;
}

export function connectPageBridge(lifetime: AbortSignal): PageSignalSource {
  const listeners = new Set<(signal: PageSignal) => void>();
  let rejected = 0;
  const channel = new MessageChannel();
  const deliver = (signal: PageSignal) => {
    for (const listener of listeners) {
      try {
        listener(signal);
      } catch (error) {
        // One listener's failure must not cost the rest of a batch its signals.
        console.debug('[Second Ring] page signal listener failed:', error);
      }
    }
  };
  channel.port1.onmessage = (event: MessageEvent) => {
    rejected += readPageMessage(event.data, deliver);
  };
  lifetime.addEventListener('abort', () => channel.port1.close(), { once: true });
  // Posted from a microtask: it still runs before any page script (the parser waits for this
  // script and its microtasks), but its stack is this one small function. window.postMessage
  // captures the caller's stack, and posted from inside start-up it made V8 re-parse the whole
  // content script for source positions (about 3 ms at page load, traced). (A MessageEvent
  // dispatched from this world instead connected nothing: no frame reached this script.)
  queueMicrotask(function postHandshake() {
    window.postMessage(HANDSHAKE_TAG, '*', [channel.port2]);
  });
  return {
    subscribe(listener, signal) {
      listeners.add(listener);
      signal.addEventListener('abort', () => listeners.delete(listener), { once: true });
    },
    get rejected() {
      return rejected;
    },
  };
}
