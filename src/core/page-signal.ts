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
 * and late attachment; protocol 3 the event channel (below). A content script speaks with hooks
 * of its own protocol and of the one before (protocol 1 sends no greeting: its frames are read
 * the same way; protocol 2 never answers the event channel's name: everything stays on the port).
 */
export const PAGE_PROTOCOL = 3;

/**
 * The event channel (protocol 3). A port carries every message through a structured clone and
 * a task of its own; an event dispatched on the window reaches the content script's listener in
 * the same task, and a string `detail` crosses worlds without a copy. So, after the handshake,
 * the content script posts on its private port the name of the events it listens for: this
 * prefix and 32 random hex digits, which only the port ever carries. The hook answers on that
 * port with EVENTS_START_TAG (everything the port carried before comes first) and from then on
 * delivers each batch as one CustomEvent of that name on the window, its `detail` the batch
 * encoded as one string (encodeSignalText). A batch holding a binary frame still goes on the
 * port, announced in its place in the event stream by EVENT_TAKE_PORT_BATCH.
 */
export const EVENT_NAME_PREFIX = 'second-ring:frames/';
/** Prefix + 32 lower-case hex digits: what the hook accepts as an event name. */
export const EVENT_NAME_LENGTH = EVENT_NAME_PREFIX.length + 32;
/** The hook's answer on the port: batches come as events from now on. */
export const EVENTS_START_TAG = 'second-ring:events/v3';
/** An event's whole detail when the batch in its place comes on the port (it holds a binary frame). */
export const EVENT_TAKE_PORT_BATCH = 'P';

/**
 * Whether `name` is an event name as the content script makes them (the hook accepts nothing
 * else). Also runs in the page hook: indexing and comparisons only, no String.prototype method.
 */
export function isEventChannelName(name: unknown): name is string {
  if (typeof name !== 'string' || name.length !== EVENT_NAME_LENGTH) return false;
  for (let i = 0; i < EVENT_NAME_PREFIX.length; i++) if (name[i] !== EVENT_NAME_PREFIX[i]) return false;
  for (let i = EVENT_NAME_PREFIX.length; i < EVENT_NAME_LENGTH; i++) {
    const c = name[i] ?? '';
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

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

/**
 * One signal as text for the event channel, or undefined for what goes on the port (a binary frame).
 * `kind` then comma-separated numbers, the last the payload's length, ':' and the payload (a frame's
 * text or a socket's URL). Runs in the page hook: only string concatenation and own fields of the
 * hook's own signal for its kind (an absent field would be looked up on Object.prototype, where
 * the page may have put a getter), nothing a page script could have patched.
 */
export function encodeSignalText(signal: PageSignal): string | undefined {
  switch (signal.t) {
    case 'ws-frame': {
      const data = signal.data;
      if (typeof data !== 'string') return undefined;
      return 'f' + signal.socket + ',' + (signal.dir === 'sent' ? 0 : 1) + ',' + signal.at + ',' + data.length + ':' + data;
    }
    case 'ws-open':
    case 'ws-found':
      return (signal.t === 'ws-open' ? 'o' : 'u') + signal.socket + ',' + signal.at + ',' + signal.url.length + ':' + signal.url;
    case 'ws-close':
      return 'c' + signal.socket + ',' + signal.code + ',' + signal.at + ',0:';
    default:
      // The greeting and `dropped` only ever go on the port, when it connects.
      return undefined;
  }
}

/** How many comma-separated numbers each kind's header holds (the payload's length last). */
function fieldCount(kind: string): number | undefined {
  return kind === 'f' || kind === 'c' ? 4 : kind === 'o' || kind === 'u' ? 3 : undefined;
}

/** The fields of one encoded signal as an untrusted object for readPageSignal, or undefined. */
function decodedSignal(kind: string, n: readonly number[], payload: string): unknown {
  switch (kind) {
    case 'f':
      return { t: 'ws-frame', socket: n[0], dir: n[1] === 0 ? 'sent' : n[1] === 1 ? 'received' : undefined, at: n[2], data: payload };
    case 'o':
      return { t: 'ws-open', socket: n[0], at: n[1], url: payload };
    case 'u':
      return { t: 'ws-found', socket: n[0], at: n[1], url: payload };
    case 'c':
      return { t: 'ws-close', socket: n[0], code: n[1], at: n[2] };
    default:
      return undefined;
  }
}

/**
 * Visit every valid signal of one event channel detail (encodeSignalText's, concatenated), in
 * order. Returns how many it rejected; a malformed header ends the read (what follows cannot be
 * told apart) and counts one.
 */
export function readSignalText(text: string, visit: (signal: PageSignal) => void): number {
  let rejected = 0;
  let at = 0;
  while (at < text.length) {
    const colon = text.indexOf(':', at);
    const kind = text[at] ?? '';
    const fields = fieldCount(kind);
    if (colon < 0 || colon - at > 80 || fields === undefined) return rejected + 1;
    const parts = text.slice(at + 1, colon).split(',');
    if (parts.length !== fields) return rejected + 1;
    const n = parts.map((p) => (p === '' ? NaN : Number(p)));
    const length = n[fields - 1] ?? NaN;
    if (!Number.isInteger(length) || length < 0 || colon + 1 + length > text.length) return rejected + 1;
    const payload = text.slice(colon + 1, colon + 1 + length);
    at = colon + 1 + length;
    const signal = readPageSignal(decodedSignal(kind, n, payload));
    if (signal) visit(signal);
    else rejected++;
  }
  return rejected;
}

/**
 * The content script's reading of the hook's two streams in the order the hook sent them
 * (protocol 3): port messages as they come until the hook's EVENTS_START_TAG; events held until
 * that answer is read (a port message posted before an event is read after it); after it, each
 * EVENT_TAKE_PORT_BATCH holds the events behind it until the port brings its batch.
 */
export interface PageMessageOrder {
  /** A message from our port, as read from `event.data`. */
  port(data: unknown): void;
  /** The `detail` of one of our events. */
  event(detail: unknown): void;
  /** Messages and entries that failed validation. */
  readonly rejected: number;
}

export function createPageMessageOrder(visit: (signal: PageSignal) => void): PageMessageOrder {
  let rejected = 0;
  let started = false;
  /** Binary batches the event stream announced and the port has not brought yet. */
  let portBatchesOwed = 0;
  const held: string[] = [];
  let next = 0;
  const readHeld = () => {
    while (started && portBatchesOwed === 0 && next < held.length) {
      const detail = held[next++] ?? '';
      if (detail === EVENT_TAKE_PORT_BATCH) portBatchesOwed++;
      else rejected += readSignalText(detail, visit);
    }
    if (next === held.length) {
      held.length = 0;
      next = 0;
    }
  };
  return {
    port(data) {
      if (data === EVENTS_START_TAG) started = true;
      else {
        rejected += readPageMessage(data, visit);
        if (started && portBatchesOwed > 0) portBatchesOwed--;
      }
      readHeld();
    },
    event(detail) {
      if (typeof detail !== 'string') {
        rejected++;
        return;
      }
      held.push(detail);
      readHeld();
    },
    get rejected() {
      return rejected;
    },
  };
}
