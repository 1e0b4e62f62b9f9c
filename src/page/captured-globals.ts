/**
 * Natives captured before any page script runs (this bundle runs at document_start in the
 * MAIN world). Page code may later replace globals or prototype methods; the hook keeps
 * using these originals so a page cannot redirect what the hook does.
 */
export const NativeWebSocket = globalThis.WebSocket;
export const nativeSend = NativeWebSocket.prototype.send;
export const NativeProxy = Proxy;
export const reflectApply = Reflect.apply;
export const reflectConstruct = Reflect.construct;
export const defineProperty = Object.defineProperty;
export const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const dateNow = Date.now;
export const nativeFunctionToString = Function.prototype.toString;
export const addEventListener = EventTarget.prototype.addEventListener;
export const stopImmediatePropagation = Event.prototype.stopImmediatePropagation;
function nativeGetter(proto: object, name: string): () => unknown {
  const get = getOwnPropertyDescriptor(proto, name)?.get;
  if (!get) throw new Error(`no native getter ${name}`);
  return get;
}
export const messageEventData = nativeGetter(MessageEvent.prototype, 'data');
export const messageEventPorts = nativeGetter(MessageEvent.prototype, 'ports');
export const messageEventSource = nativeGetter(MessageEvent.prototype, 'source');
export const portPostMessage = MessagePort.prototype.postMessage;
export const arrayBufferSlice = ArrayBuffer.prototype.slice;
export const isView = ArrayBuffer.isView;
export const NativeArrayBuffer = ArrayBuffer;
export const NativeBlob = Blob;
export const windowRef = window;
