/**
 * Observe the frames of SIP-over-WebSocket sockets (RFC 7118: subprotocol "sip") without
 * changing anything the page can see.
 *
 * `window.WebSocket` becomes a Proxy of the native constructor: `prototype`, statics, `name`,
 * `length`, `toString()`, `instanceof` and subclassing (`new.target`) all pass through.
 * `send` becomes a Proxy of the native method on the same prototype. Incoming frames are seen
 * by a listener added at construction, before any page listener, which only forwards the frame
 * (no parsing here: that happens in the content script, off the page's path).
 * Sockets that do not offer "sip" are never touched after construction.
 */
import { postSignal } from './bridge';
import {
  NativeArrayBuffer,
  NativeBlob,
  NativeProxy,
  NativeWebSocket,
  addEventListener,
  arrayBufferSlice,
  dateNow,
  defineProperty,
  getOwnPropertyDescriptor,
  isView,
  messageEventData,
  nativeFunctionToString,
  nativeSend,
  reflectApply,
  reflectConstruct,
} from './captured-globals';
import { MAX_FRAME_CHARS, type FrameData } from '../core/page-signal';
import { socketFacts, watchMessageData } from './late-attach';

const socketIds = new WeakMap<WebSocket, number>();
/** Sockets looked at and found not to be SIP (a late hook checks each socket once). */
const notSip = new WeakSet<WebSocket>();
let nextSocketId = 1;

/**
 * A socket the hook did not see constructed (it was opened before a late hook came): watched
 * from now on when it speaks SIP. Returns its id, or undefined.
 */
function adopt(socket: WebSocket): number | undefined {
  const id = socketIds.get(socket);
  if (id !== undefined || notSip.has(socket)) return id;
  const facts = socketFacts(socket);
  if (!facts) return undefined;
  if (!facts.sip) {
    notSip.add(socket);
    return undefined;
  }
  return watch(socket, facts.url, true);
}

function offersSip(protocols: unknown): boolean {
  if (typeof protocols === 'string') return protocols.toLowerCase() === 'sip';
  if (protocols && typeof protocols === 'object' && Symbol.iterator in protocols) {
    for (const p of protocols as Iterable<unknown>) if (typeof p === 'string' && p.toLowerCase() === 'sip') return true;
  }
  return false;
}

/** A copy the page cannot change afterwards, or undefined when too big to be SIP. */
function snapshot(data: unknown): FrameData | undefined {
  if (typeof data === 'string') return data.length <= MAX_FRAME_CHARS ? data : undefined;
  if (data instanceof NativeBlob) return data.size <= MAX_FRAME_CHARS ? data : undefined;
  if (data instanceof NativeArrayBuffer) {
    return data.byteLength <= MAX_FRAME_CHARS ? (reflectApply(arrayBufferSlice, data, [0]) as ArrayBuffer) : undefined;
  }
  if (isView(data)) {
    const view = data as ArrayBufferView;
    if (view.byteLength > MAX_FRAME_CHARS) return undefined;
    const buffer = view.buffer as ArrayBuffer;
    return reflectApply(arrayBufferSlice, buffer, [view.byteOffset, view.byteOffset + view.byteLength]) as ArrayBuffer;
  }
  return undefined;
}

function watch(socket: WebSocket, url: unknown, found = false): number {
  const id = nextSocketId++;
  socketIds.set(socket, id);
  postSignal({ t: found ? 'ws-found' : 'ws-open', socket: id, url: String(url).slice(0, 2000), at: dateNow() });
  reflectApply(addEventListener, socket, [
    'message',
    (event: MessageEvent) => {
      try {
        const data = snapshot(reflectApply(messageEventData, event, []));
        if (data !== undefined) postSignal({ t: 'ws-frame', socket: id, dir: 'received', data, at: dateNow() });
      } catch {
        // Never let a hook failure reach the page.
      }
    },
  ]);
  reflectApply(addEventListener, socket, [
    'close',
    (event: CloseEvent) => {
      try {
        postSignal({ t: 'ws-close', socket: id, code: event.code, at: dateNow() });
      } catch {
        // As above.
      }
    },
  ]);
  return id;
}

/** `late`: the page ran before this hook (injected into an open tab); see late-attach.ts. */
export function hookWebSocket(late: boolean): void {
  const wrappedConstructor = new NativeProxy(NativeWebSocket, {
    construct(target, args, newTarget) {
      const socket = reflectConstruct(target, args, newTarget) as WebSocket;
      try {
        if (offersSip(args[1])) watch(socket, args[0]);
      } catch {
        // The page gets its socket whatever happens here.
      }
      return socket;
    },
  });
  const wrappedSend = new NativeProxy(nativeSend, {
    apply(target, thisArg, args) {
      const result = reflectApply(target, thisArg, args);
      // Only frames the browser accepted (send throws while CONNECTING) are forwarded.
      try {
        // A socket opened before a late hook shows itself here on its next send.
        const id = adopt(thisArg as WebSocket);
        if (id !== undefined) {
          const data = snapshot(args[0]);
          if (data !== undefined) postSignal({ t: 'ws-frame', socket: id, dir: 'sent', data, at: dateNow() });
        }
      } catch {
        // As above.
      }
      return result;
    },
  });
  // A socket that only receives shows itself when the page reads a frame's data.
  const dataGetter = late
    ? watchMessageData((socket, data) => {
        if (socketIds.has(socket) || notSip.has(socket)) return;
        const id = adopt(socket);
        const frame = id === undefined ? undefined : snapshot(data);
        if (frame !== undefined) postSignal({ t: 'ws-frame', socket: id as number, dir: 'received', data: frame, at: dateNow() });
      })
    : undefined;
  // V8 prints a Proxy of a function as "function () { [native code] }", without its name: a
  // page that checks natives would notice. toString answers for our wrappers (and for itself)
  // with the original's text, as DuckDuckGo's content-scope-scripts do.
  const wrappedToString = new NativeProxy(nativeFunctionToString, {
    apply(target, thisArg, args) {
      const original =
        thisArg === wrappedConstructor
          ? NativeWebSocket
          : thisArg === wrappedSend
            ? nativeSend
            : thisArg === wrappedToString
              ? nativeFunctionToString
              : dataGetter && thisArg === dataGetter[0]
                ? dataGetter[1]
                : thisArg;
      return reflectApply(target, original, args);
    },
  });
  const toStringDescriptor = getOwnPropertyDescriptor(Function.prototype, 'toString');
  if (toStringDescriptor) defineProperty(Function.prototype, 'toString', { ...toStringDescriptor, value: wrappedToString });
  // Keep the original property attributes (writable, configurable, not enumerable).
  const ctorDescriptor = getOwnPropertyDescriptor(globalThis, 'WebSocket');
  const sendDescriptor = getOwnPropertyDescriptor(NativeWebSocket.prototype, 'send');
  if (!ctorDescriptor || !sendDescriptor) return;
  defineProperty(NativeWebSocket.prototype, 'send', { ...sendDescriptor, value: wrappedSend });
  defineProperty(globalThis, 'WebSocket', { ...ctorDescriptor, value: wrappedConstructor });
  // `WebSocket.prototype.constructor === WebSocket` holds for pages that check it.
  const protoCtor = getOwnPropertyDescriptor(NativeWebSocket.prototype, 'constructor');
  if (protoCtor) defineProperty(NativeWebSocket.prototype, 'constructor', { ...protoCtor, value: wrappedConstructor });
}
