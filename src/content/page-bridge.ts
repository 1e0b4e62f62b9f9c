/**
 * The content script's side of the private channel to the page hook (see page/bridge.ts).
 * We create the channel and hand the hook one end through a window `message` event that the hook
 * stops before page code sees it; we only ever listen on our own end, which never leaves
 * this isolated world, so the page cannot write into it. Everything read is still validated.
 */
import { HANDSHAKE_TAG, readPageSignal, type PageSignal } from '../core/page-signal';

export interface PageSignalSource {
  subscribe(listener: (signal: PageSignal) => void, signal: AbortSignal): void;
  /** Messages from the hook that failed validation (the page is untrusted). */
  readonly rejected: number;
}

export function connectPageBridge(lifetime: AbortSignal): PageSignalSource {
  const listeners = new Set<(signal: PageSignal) => void>();
  let rejected = 0;
  const channel = new MessageChannel();
  channel.port1.onmessage = (event: MessageEvent) => {
    const signal = readPageSignal(event.data);
    if (!signal) {
      rejected++;
      return;
    }
    for (const listener of listeners) listener(signal);
  };
  lifetime.addEventListener('abort', () => channel.port1.close(), { once: true });
  // Dispatched, not posted: window.postMessage captures the caller's stack for the console,
  // which made V8 re-parse the whole content script for source positions (about 3 ms at page
  // load, traced). The hook reads the same message (source, data, port) in its capturing
  // listener, synchronously, and stops it there; hooks of earlier versions read it alike.
  window.dispatchEvent(new MessageEvent('message', { data: HANDSHAKE_TAG, source: window, ports: [channel.port2] }));
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
