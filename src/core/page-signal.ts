/**
 * What the page hook (MAIN world) hands the content script (ISOLATED world) over their
 * private MessageChannel. The page world is untrusted: the content script validates every
 * message with `readPageSignal` before use and caps sizes.
 */

/** The content script's handshake, posted once to the window with the channel port attached. */
export const HANDSHAKE_TAG = 'second-ring:connect/v1';

/** Frames over this size are not SIP a softphone would send; they are dropped and counted. */
export const MAX_FRAME_CHARS = 64 * 1024;

export type FrameData = string | ArrayBuffer | Blob;

export type PageSignal =
  /** A SIP WebSocket was opened by the page (only sockets offering the "sip" subprotocol). */
  | { t: 'ws-open'; socket: number; url: string; at: number }
  | { t: 'ws-frame'; socket: number; dir: 'sent' | 'received'; data: FrameData; at: number }
  | { t: 'ws-close'; socket: number; code: number; at: number }
  /** The hook's buffer overflowed before the content script connected. */
  | { t: 'dropped'; count: number };

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
      return ok ? { t: 'ws-frame', socket: m.socket, dir: m.dir, data: d as FrameData, at: m.at } : undefined;
    }
    case 'ws-close':
      return isFiniteNumber(m.socket) && isFiniteNumber(m.code) && isFiniteNumber(m.at)
        ? { t: 'ws-close', socket: m.socket, code: m.code, at: m.at }
        : undefined;
    case 'dropped':
      return isFiniteNumber(m.count) ? { t: 'dropped', count: m.count } : undefined;
    default:
      return undefined;
  }
}
