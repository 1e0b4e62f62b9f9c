/**
 * What the page hook (MAIN world) hands the content script (ISOLATED world) over their
 * private MessageChannel. The page world is untrusted: the content script validates every
 * message with `readPageSignal` before use and caps sizes.
 */

/**
 * The content script's handshake, posted once to the window with the channel port attached.
 * Unchanged since protocol 1: after an update the old hook (still running in the page) must
 * answer the new content script.
 */
export const HANDSHAKE_TAG = 'second-ring:connect/v1';

/**
 * Version of the hook ↔ content-script protocol. Protocol 2 added the hook's greeting (`hook`)
 * and late attachment; a content script speaks with hooks of its own protocol and of the one
 * before (protocol 1 sends no greeting: its frames are read the same way).
 */
export const PAGE_PROTOCOL = 2;

/**
 * The mark a running content script leaves on its isolated world's global (the page never sees
 * it): the background asks for it before injecting into an open tab, so no frame gets a second copy.
 */
export const CONTENT_RUNNING_KEY = 'secondRingContent';

/** Frames over this size are not SIP a softphone would send; they are dropped and counted. */
export const MAX_FRAME_CHARS = 64 * 1024;

export type FrameData = string | ArrayBuffer | Blob;

export type PageSignal =
  /** A SIP WebSocket was opened by the page (only sockets offering the "sip" subprotocol). */
  | { t: 'ws-open'; socket: number; url: string; at: number }
  | { t: 'ws-frame'; socket: number; dir: 'sent' | 'received'; data: FrameData; at: number }
  | { t: 'ws-close'; socket: number; code: number; at: number }
  /** The hook's buffer overflowed before the content script connected. */
  | { t: 'dropped'; count: number }
  /**
   * The hook's greeting, first on every port (protocol ≥ 2): its protocol, when it was
   * installed, and whether it came after the page (injected into an open tab).
   */
  | { t: 'hook'; v: number; since: number; late: boolean }
  /** A SIP socket the page had opened before a late hook came, found on its first frame. */
  | { t: 'ws-found'; socket: number; url: string; at: number };

/**
 * Several signals in one message, oldest first: what a hook of this version posts (page/signal-batch.ts),
 * one post per task instead of one per frame. `signals` holds `count` entries under the keys 0 … count - 1.
 * A content script also reads the one-signal-per-message form: after an extension update the hook
 * of the version before stays in an open tab and talks to the new content script.
 */
export interface PageSignalBatch {
  t: 'batch';
  count: number;
  signals: Readonly<Record<number, PageSignal>>;
}

/** A batch holds at most this many signals; the hook posts at once when it reaches it. */
export const MAX_BATCH_SIGNALS = 256;

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validate one untrusted message from the page world; undefined when it is not a PageSignal. */
export function readPageSignal(raw: unknown): PageSignal | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.t) {
    case 'ws-open':
      return isFiniteNumber(m.socket) && typeof m.url === 'string' && m.url.length < 2048 && isFiniteNumber(m.at)
        ? { t: 'ws-open', socket: m.socket, url: m.url, at: m.at }
        : undefined;
    case 'ws-frame': {
      if (!isFiniteNumber(m.socket) || !isFiniteNumber(m.at)) return undefined;
      if (m.dir !== 'sent' && m.dir !== 'received') return undefined;
      const d = m.data;
      const ok =
        (typeof d === 'string' && d.length <= MAX_FRAME_CHARS) ||
        (d instanceof ArrayBuffer && d.byteLength <= MAX_FRAME_CHARS) ||
        (typeof Blob !== 'undefined' && d instanceof Blob && d.size <= MAX_FRAME_CHARS);
      // The checked message itself, not a copy: it is a structured clone made for this port alone
      // (no getters, nobody else holds it), and this runs for every frame on the page's thread.
      return ok ? (m as unknown as PageSignal) : undefined;
    }
    case 'ws-close':
      return isFiniteNumber(m.socket) && isFiniteNumber(m.code) && isFiniteNumber(m.at)
        ? { t: 'ws-close', socket: m.socket, code: m.code, at: m.at }
        : undefined;
    case 'dropped':
      return isFiniteNumber(m.count) ? { t: 'dropped', count: m.count } : undefined;
    case 'hook':
      return isFiniteNumber(m.v) && isFiniteNumber(m.since) && typeof m.late === 'boolean'
        ? { t: 'hook', v: m.v, since: m.since, late: m.late }
        : undefined;
    case 'ws-found':
      return isFiniteNumber(m.socket) && typeof m.url === 'string' && m.url.length < 2048 && isFiniteNumber(m.at)
        ? { t: 'ws-found', socket: m.socket, url: m.url, at: m.at }
        : undefined;
    default:
      return undefined;
  }
}

/**
 * Visit every valid signal of one untrusted message from the page world, a batch or a single
 * signal, in order. Returns how many it rejected (an invalid message counts one; so does each
 * invalid entry of a batch, whose valid entries are still visited).
 */
export function readPageMessage(raw: unknown, visit: (signal: PageSignal) => void): number {
  if (typeof raw !== 'object' || raw === null) return 1;
  const m = raw as Record<string, unknown>;
  if (m.t !== 'batch') {
    const signal = readPageSignal(raw);
    if (!signal) return 1;
    visit(signal);
    return 0;
  }
  const { count, signals } = m;
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_BATCH_SIGNALS) return 1;
  if (typeof signals !== 'object' || signals === null) return 1;
  let rejected = 0;
  for (let i = 0; i < (count as number); i++) {
    const signal = readPageSignal((signals as Record<number, unknown>)[i]);
    if (signal) visit(signal);
    else rejected++;
  }
  return rejected;
}
