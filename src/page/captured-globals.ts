/**
 * Natives captured before any page script runs (this bundle runs at document_start in the
 * MAIN world). Page code may later replace globals, prototype methods, getters and
 * `Symbol.hasInstance`; the hook keeps using these originals, always through `reflectApply`,
 * so a page cannot redirect what the hook does nor run its own code inside the hook.
 */
export const NativeWebSocket = globalThis.WebSocket;
export const nativeSend = NativeWebSocket.prototype.send;
export const NativeProxy = Proxy;
export const reflectApply = Reflect.apply;
export const reflectConstruct = Reflect.construct;
export const defineProperty = Object.defineProperty;
export const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const getPrototypeOf = Object.getPrototypeOf;
export const isArray = Array.isArray;
export const dateNow = Date.now;
export const nativeFunctionToString = Function.prototype.toString;
export const addEventListener = EventTarget.prototype.addEventListener;
export const stopImmediatePropagation = Event.prototype.stopImmediatePropagation;
/** V8 only; re-captures an error's stack without the hook's frames (see hook-websocket.ts). */
export const captureStackTrace = (Error as { captureStackTrace?: (target: object, above?: unknown) => void }).captureStackTrace;
function nativeGetter(proto: object, name: string | symbol): () => unknown {
  const get = getOwnPropertyDescriptor(proto, name)?.get;
  if (!get) throw new Error(`no native getter ${String(name)}`);
  return get;
}
export const messageEventData = nativeGetter(MessageEvent.prototype, 'data');
export const messageEventPorts = nativeGetter(MessageEvent.prototype, 'ports');
export const messageEventSource = nativeGetter(MessageEvent.prototype, 'source');
export const closeEventCode = nativeGetter(CloseEvent.prototype, 'code');
export const webSocketUrl = nativeGetter(NativeWebSocket.prototype, 'url');
export const portPostMessage = MessagePort.prototype.postMessage;
export const portClose = MessagePort.prototype.close;
export const portStart = MessagePort.prototype.start;
export const NativeMessageChannel = MessageChannel;
/** `scheduler.postTask` (Chromium 94+, Firefox 142+), or undefined where there is none. */
export const schedulerRef = (globalThis as { scheduler?: object }).scheduler;
export const schedulerPostTask = (schedulerRef as { postTask?: (callback: () => void) => Promise<unknown> } | undefined)?.postTask;
export const messageChannelPort1 = nativeGetter(MessageChannel.prototype, 'port1');
export const messageChannelPort2 = nativeGetter(MessageChannel.prototype, 'port2');
export const stringToLowerCase = String.prototype.toLowerCase;
export const stringSlice = String.prototype.slice;
export const weakMapGet = WeakMap.prototype.get;
export const weakMapSet = WeakMap.prototype.set;
export const NativeWeakMap = WeakMap;
export const arrayBufferSlice = ArrayBuffer.prototype.slice;
/** Brand checks that cannot be faked (unlike `instanceof`): these getters throw on anything else. */
export const arrayBufferByteLength = nativeGetter(ArrayBuffer.prototype, 'byteLength');
export const blobSize = nativeGetter(Blob.prototype, 'size');
const TypedArrayPrototype = getPrototypeOf(Uint8Array.prototype) as object;
/** The typed array's name, or undefined for anything else (a DataView included); never throws. */
export const typedArrayTag = nativeGetter(TypedArrayPrototype, Symbol.toStringTag);
export const typedArrayBuffer = nativeGetter(TypedArrayPrototype, 'buffer');
export const typedArrayByteOffset = nativeGetter(TypedArrayPrototype, 'byteOffset');
export const typedArrayByteLength = nativeGetter(TypedArrayPrototype, 'byteLength');
export const dataViewBuffer = nativeGetter(DataView.prototype, 'buffer');
export const dataViewByteOffset = nativeGetter(DataView.prototype, 'byteOffset');
export const dataViewByteLength = nativeGetter(DataView.prototype, 'byteLength');
export const isView = ArrayBuffer.isView;
export const windowRef = window;
