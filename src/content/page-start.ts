/**
 * The pure parts of the content script's starter (content-script.ts): what it keeps for the
 * coaching part until that is loaded, and which signals are evidence of a call. No browser API
 * at module level: tested in node.
 *
 * The starter runs at document_start on every softphone page; the coaching part (parser,
 * tracker, adapters, UI loader: content-coaching.ts) is injected only once something shows that
 * a call can start here. Until then the starter keeps what may matter, in arrival order and
 * bounded, and hands it over once: nothing is lost, nothing overtakes.
 */
import { frameCannotChangeCall } from '../core/sip/parse';
import type { PageSignal } from '../core/page-signal';
import { isConnectOrigin } from './adapters/amazon-connect';
import { isAircallOrigin } from './adapters/aircall';

/** Items kept until the coaching part takes over, then passed straight through. */
export interface HandoverQueue<T> {
  push(item: T): void;
  /** Hands every kept item to `listener` in order, then each new one as it comes; once only. */
  attach(listener: (item: T) => void): void;
  /** Items pushed out before the hand-over (the oldest go first). */
  readonly dropped: number;
  readonly kept: number;
}

/**
 * A bounded FIFO until `attach`, a pass-through after. Bounded by count and by `sizeOf` (e.g.
 * frame text): over either, the oldest go and are counted, never the item just pushed.
 */
export function createHandoverQueue<T>(maxItems: number, maxSize = Infinity, sizeOf: (item: T) => number = () => 0): HandoverQueue<T> {
  let items: T[] = [];
  let head = 0;
  let size = 0;
  let dropped = 0;
  let listener: ((item: T) => void) | undefined;
  const dropOldest = () => {
    size -= sizeOf(items[head] as T);
    items[head] = undefined as T;
    head++;
    dropped++;
  };
  return {
    push(item) {
      if (listener) return listener(item);
      items.push(item);
      size += sizeOf(item);
      while (items.length - head > 1 && (items.length - head > maxItems || size > maxSize)) dropOldest();
      // Compact once the dropped head is half the array.
      if (head > 64 && head * 2 > items.length) {
        items = items.slice(head);
        head = 0;
      }
    },
    attach(next) {
      if (listener) throw new Error('already handed over');
      // Items pushed while draining (a listener may cause more) wait behind those kept.
      const kept = items;
      let at = head;
      items = [];
      head = 0;
      size = 0;
      const pending: T[] = [];
      listener = (item) => void pending.push(item);
      // A listener that throws on one item must not leave the rest (and every later one) waiting.
      const give = (item: T) => {
        try {
          next(item);
        } catch (error) {
          console.debug('[Second Ring] a kept page signal failed:', error);
        }
      };
      for (; at < kept.length; at++) give(kept[at] as T);
      for (let i = 0; i < pending.length; i++) give(pending[i] as T);
      listener = next;
    },
    get dropped() {
      return dropped;
    },
    get kept() {
      return items.length - head;
    },
  };
}

/** Kept page signals until the hand-over: enough for a call's set-up under a burst. */
export const MAX_KEPT_SIGNALS = 1024;
/** And at most this much frame text (the page hook keeps 32 k characters of history, src/page/signal-history.ts). */
export const MAX_KEPT_CHARS = 512 * 1024;
/** Vendor frame messages kept until the hand-over. */
export const MAX_KEPT_VENDOR_MESSAGES = 128;

/** A page signal's weight in the queue (frame text or bytes; other signals a little). */
export function signalSize(signal: PageSignal): number {
  if (signal.t !== 'ws-frame') return 64;
  const { data } = signal;
  return typeof data === 'string' ? data.length : 'size' in data ? data.size : data.byteLength;
}

/**
 * Whether a page signal is evidence that a call may start or change: a SIP frame that is not a
 * keep-alive, REGISTER, OPTIONS, 100 Trying or a response to those (core/sip/parse.ts), also
 * when bytes (decoded by `decode`), and any Blob frame (it can only be read later). Sockets
 * opening and closing, the hook's greeting, and frames that cannot change a call are not.
 */
export function signalMayChangeCall(signal: PageSignal, decode: (bytes: ArrayBuffer) => string): boolean {
  if (signal.t !== 'ws-frame') return false;
  const { data } = signal;
  if (typeof data === 'string') return !frameCannotChangeCall(data);
  if (data instanceof ArrayBuffer) return !frameCannotChangeCall(decode(data));
  return true;
}

/** Whether a window message comes from a cloud softphone vendor's origin (Amazon Connect's CCP, Aircall's workspace). */
export const isVendorOrigin = (origin: string): boolean => isConnectOrigin(origin) || isAircallOrigin(origin);

const record = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/**
 * Whether a vendor frame's message may be about a call (what the cloud adapters act on):
 * Amazon Connect's `agent::update` with a contact in its snapshot, or any of Aircall's
 * `apm_phone_*` events. The CCP's many other messages (and snapshots with no contact) are not.
 */
export function vendorMessageMayStartCall(data: unknown): boolean {
  const message = record(data);
  if (!message) return false;
  if (message.event === 'agent::update') {
    const contacts = record(record(message.data)?.snapshot)?.contacts;
    return Array.isArray(contacts) && contacts.length > 0;
  }
  return typeof message.name === 'string' && message.name.startsWith('apm_phone_');
}
