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
  NativeProxy,
  NativeWeakMap,
  NativeWebSocket,
  addEventListener,
  arrayBufferByteLength,
  arrayBufferSlice,
  blobSize,
  captureStackTrace,
  closeEventCode,
  dataViewBuffer,
  dataViewByteLength,
  dataViewByteOffset,
  dateNow,
  defineProperty,
  getOwnPropertyDescriptor,
  isArray,
  isView,
  messageEventData,
  nativeFunctionToString,
  nativeSend,
  reflectApply,
  reflectConstruct,
  stringSlice,
  stringToLowerCase,
  typedArrayBuffer,
  typedArrayByteLength,
  typedArrayByteOffset,
  typedArrayTag,
  weakMapGet,
  weakMapSet,
  webSocketUrl,
} from './captured-globals';
import { MAX_FRAME_CHARS, type FrameData } from '../core/page-signal';
import { socketFacts, watchMessageData } from './late-attach';

// Everything below that runs on the page's path uses captured natives only (captured-globals.ts):
// a page that replaced `toLowerCase`, `Blob[Symbol.hasInstance]`, a getter or WeakMap's methods
// must not get its code run inside the hook (it could drop frames or read the hook's stack).
const socketIds: WeakMap<WebSocket, number> = new NativeWeakMap();
/** Sockets looked at and found not to be SIP (a late hook checks each socket once). */
const notSip: WeakMap<WebSocket, true> = new NativeWeakMap();
let nextSocketId = 1;

/**
 * A socket the hook did not see constructed (it was opened before a late hook came): watched
 * from now on when it speaks SIP. Returns its id, or undefined.
 */
function adopt(socket: WebSocket): number | undefined {
  const id = reflectApply(weakMapGet, socketIds, [socket]) as number | undefined;
  if (id !== undefined || reflectApply(weakMapGet, notSip, [socket]) === true) return id;
  const facts = socketFacts(socket);
  if (!facts) return undefined;
  if (!facts.sip) {
    reflectApply(weakMapSet, notSip, [socket, true]);
    return undefined;
  }
  return watch(socket, true);
}

const isSip = (p: unknown): boolean => typeof p === 'string' && reflectApply(stringToLowerCase, p, []) === 'sip';

/**
 * Whether the page offered "sip". A string, or an array read by index (own elements, no page
 * iterator). Other iterables are not looked at: iterating them again would run page code twice.
 */
function offersSip(protocols: unknown): boolean {
  if (isSip(protocols)) return true;
  if (!isArray(protocols)) return false;
  const list = protocols as readonly unknown[];
  for (let i = 0; i < list.length; i++) if (isSip(list[i])) return true;
  return false;
}

/** The byte length when `data` is a real ArrayBuffer, else undefined (a brand check, not instanceof). */
function bufferLength(data: unknown): number | undefined {
  try {
    return reflectApply(arrayBufferByteLength, data, []) as number;
  } catch {
    return undefined;
  }
}

function blobLength(data: unknown): number | undefined {
  try {
    return reflectApply(blobSize, data, []) as number;
  } catch {
    return undefined;
  }
}

/** A copy the page cannot change afterwards, or undefined when too big to be SIP. */
function snapshot(data: unknown): FrameData | undefined {
  if (typeof data === 'string') return data.length <= MAX_FRAME_CHARS ? data : undefined;
  if (typeof data !== 'object' || data === null) return undefined;
  if (isView(data)) {
    const typed = reflectApply(typedArrayTag, data, []) !== undefined;
    const length = reflectApply(typed ? typedArrayByteLength : dataViewByteLength, data, []) as number;
    if (length > MAX_FRAME_CHARS) return undefined;
    const offset = reflectApply(typed ? typedArrayByteOffset : dataViewByteOffset, data, []) as number;
    const buffer = reflectApply(typed ? typedArrayBuffer : dataViewBuffer, data, []);
    return reflectApply(arrayBufferSlice, buffer, [offset, offset + length]) as ArrayBuffer;
  }
  const bytes = bufferLength(data);
  if (bytes !== undefined) return bytes <= MAX_FRAME_CHARS ? (reflectApply(arrayBufferSlice, data, [0]) as ArrayBuffer) : undefined;
  const size = blobLength(data);
  if (size !== undefined) return size <= MAX_FRAME_CHARS ? (data as Blob) : undefined;
  return undefined;
}

/**
 * An error the native threw while the page called through one of our traps: its stack would
 * name the hook's script (the extension's URL). Captured again from here, without the frames
 * from `trap` up, it reads exactly as the native's own error would.
 */
function withoutHookFrames(error: unknown, trap: unknown): unknown {
  try {
    if (captureStackTrace && typeof error === 'object' && error !== null) captureStackTrace(error, trap);
  } catch {
    // A frozen error keeps its stack; the page still gets the very error the native threw.
  }
  return error;
}

/** `found`: a socket opened before a late hook, seen now (see late-attach.ts). */
function watch(socket: WebSocket, found = false): number {
  const id = nextSocketId++;
  reflectApply(weakMapSet, socketIds, [socket, id]);
  // The URL as the native resolved it (String(url) would run the page's toString a second time).
  const resolved = reflectApply(webSocketUrl, socket, []) as string;
  postSignal({ t: found ? 'ws-found' : 'ws-open', socket: id, url: reflectApply(stringSlice, resolved, [0, 2000]) as string, at: dateNow() });
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
        postSignal({ t: 'ws-close', socket: id, code: reflectApply(closeEventCode, event, []) as number, at: dateNow() });
      } catch {
        // As above.
      }
    },
  ]);
  return id;
}

/** `late`: the page ran before this hook (injected into an open tab); see late-attach.ts. */
export function hookWebSocket(late: boolean): void {
  const constructorTraps: ProxyHandler<typeof WebSocket> = {
    construct(target, args, newTarget) {
      let socket: WebSocket;
      try {
        socket = reflectConstruct(target, args, newTarget) as WebSocket;
      } catch (error) {
        throw withoutHookFrames(error, constructorTraps.construct);
      }
      try {
        if (offersSip(args[1])) watch(socket);
      } catch {
        // The page gets its socket whatever happens here.
      }
      return socket;
    },
  };
  const wrappedConstructor = new NativeProxy(NativeWebSocket, constructorTraps);
  const sendTraps: ProxyHandler<typeof nativeSend> = {
    apply(target, thisArg, args) {
      let result: unknown;
      try {
        result = reflectApply(target, thisArg, args);
      } catch (error) {
        throw withoutHookFrames(error, sendTraps.apply);
      }
      // Only frames the browser accepted (send throws while CONNECTING) are forwarded.
      try {
        // A socket opened before a late hook shows itself here on its next send.
        const id = late ? adopt(thisArg as WebSocket) : (reflectApply(weakMapGet, socketIds, [thisArg]) as number | undefined);
        if (id !== undefined) {
          const data = snapshot(args[0]);
          if (data !== undefined) postSignal({ t: 'ws-frame', socket: id, dir: 'sent', data, at: dateNow() });
        }
      } catch {
        // As above.
      }
      return result;
    },
  };
  const wrappedSend = new NativeProxy(nativeSend, sendTraps);
  // A socket that only receives shows itself when the page reads a frame's data.
  const dataGetter = late
    ? watchMessageData((socket, data) => {
        if (reflectApply(weakMapGet, socketIds, [socket]) !== undefined || reflectApply(weakMapGet, notSip, [socket]) === true) return;
        const id = adopt(socket);
        const frame = id === undefined ? undefined : snapshot(data);
        if (id !== undefined && frame !== undefined) postSignal({ t: 'ws-frame', socket: id, dir: 'received', data: frame, at: dateNow() });
      })
    : undefined;
  // V8 prints a Proxy of a function as "function () { [native code] }", without its name: a
  // page that checks natives would notice. toString answers for our wrappers (and for itself)
  // with the original's text, as DuckDuckGo's content-scope-scripts do.
  const toStringTraps: ProxyHandler<typeof nativeFunctionToString> = {
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
      try {
        return reflectApply(target, original, args);
      } catch (error) {
        throw withoutHookFrames(error, toStringTraps.apply);
      }
    },
  };
  const wrappedToString = new NativeProxy(nativeFunctionToString, toStringTraps);
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
