/**
 * Attaching to SIP sockets the page opened before this hook existed (the hook injected into a
 * tab that was already open: install, update, a site added, policy arriving late).
 *
 * Verified in Chromium (shared e2e recipe, "Tabs that are already open"): such a socket shows
 * itself either on its next `send` (the `send` wrapper gets it as `this`, see hook-websocket.ts)
 * or, for a socket that only receives, when the page reads `data` of one of its message events.
 * The `MessageEvent.prototype.data` getter is therefore wrapped, only in a late hook: the
 * event's target is the socket, and the frame that revealed it is recorded right there (a
 * listener added during a dispatch does not receive that event).
 *
 * Natives are captured here, at injection time: a page that patched them before cannot be
 * undone, which the README states for late-attached tabs.
 */
import { NativeProxy, defineProperty, getOwnPropertyDescriptor, reflectApply, stringToLowerCase } from './captured-globals';

const NativeWebSocketProto = WebSocket.prototype;
function getter(proto: object, name: string): (() => unknown) | undefined {
  return getOwnPropertyDescriptor(proto, name)?.get;
}
const protocolGetter = getter(NativeWebSocketProto, 'protocol');
const urlGetter = getter(NativeWebSocketProto, 'url');
const targetGetter = getter(Event.prototype, 'target');

/** The socket's subprotocol and URL, or undefined when `value` is not a WebSocket (brand check). */
export function socketFacts(value: unknown): { sip: boolean; url: string } | undefined {
  if (!protocolGetter || !urlGetter) return undefined;
  try {
    const protocol = reflectApply(protocolGetter, value, []) as string;
    // Captured natives only: the page may have replaced toLowerCase (see hook-websocket.ts).
    return { sip: reflectApply(stringToLowerCase, protocol, []) === 'sip', url: reflectApply(urlGetter, value, []) as string };
  } catch {
    return undefined; // not a WebSocket
  }
}

/**
 * Wrap the `data` getter so that every trusted message event on a WebSocket is shown to
 * `seen(socket, data)` (which ignores sockets already watched or not SIP). Returns the wrapper
 * and the original, for `toString`.
 */
export function watchMessageData(seen: (socket: WebSocket, data: unknown) => void): [wrapper: unknown, original: unknown] | undefined {
  const descriptor = getOwnPropertyDescriptor(MessageEvent.prototype, 'data');
  const original = descriptor?.get;
  if (!descriptor || !original || !targetGetter) return undefined;
  const wrapper = new NativeProxy(original, {
    apply(target, thisArg, args) {
      const data: unknown = reflectApply(target, thisArg, args);
      try {
        // `isTrusted` is unforgeable: a page dispatching its own MessageEvent reveals nothing.
        if ((thisArg as Event).isTrusted) {
          const socket = reflectApply(targetGetter, thisArg, []);
          if (socket) seen(socket as WebSocket, data);
        }
      } catch {
        // Never let a hook failure reach the page.
      }
      return data;
    },
  });
  defineProperty(MessageEvent.prototype, 'data', { ...descriptor, get: wrapper });
  return [wrapper, original];
}
