/**
 * The page hook's side of the private channel to the content script.
 *
 * The content script creates a MessageChannel and posts one port to the window with
 * HANDSHAKE_TAG. This hook registered its capturing `message` listener at document_start,
 * before any page script could, and stops that event there: page code never sees the port,
 * so it can neither read the frames we forward nor post into the content script's end.
 *
 * Recent signals are kept in a capped ring and replayed to every port that connects:
 * crxjs starts the isolated-world script through an async import(), which can run after the
 * page opened its socket, and a content script restarted by an extension update must be able
 * to pick up a call in progress. More than one port is accepted (a page that forges a
 * handshake only gets its own frames back; it can never write into ours).
 */
import { HANDSHAKE_TAG, type PageSignal } from '../core/page-signal';
import { createSignalHistory } from './signal-history';
import {
  addEventListener,
  messageEventData,
  messageEventPorts,
  messageEventSource,
  portPostMessage,
  reflectApply,
  stopImmediatePropagation,
  windowRef,
} from './captured-globals';

const MAX_PORTS = 4;

// Page scripts run after this module and may patch Array.prototype (push, iterators, even
// index setters). The array is filled with own slots now and only ever indexed afterwards,
// so nothing the page patched can see a port.
const ports: (MessagePort | undefined)[] = [];
for (let i = 0; i < MAX_PORTS; i++) ports.push(undefined);
let nextPort = 0;
const history = createSignalHistory();
let connected = false;

function send(to: MessagePort, signal: PageSignal): void {
  try {
    reflectApply(portPostMessage, to, [signal]);
  } catch {
    // A Blob the page closed, a port gone with its context: nothing the page should feel.
  }
}

export function postSignal(signal: PageSignal): void {
  history.push(signal, !connected);
  for (let i = 0; i < MAX_PORTS; i++) {
    const port = ports[i];
    if (port) send(port, signal);
  }
}

// Protocol ≥ 2: the first thing on every port says which hook answers (see core/page-signal.ts).
let greeting: PageSignal | undefined;

function replay(to: MessagePort): void {
  if (greeting) send(to, greeting);
  if (history.dropped > 0) send(to, { t: 'dropped', count: history.dropped });
  history.forEach((signal) => send(to, signal));
}

function onWindowMessage(event: MessageEvent): void {
  try {
    if (reflectApply(messageEventSource, event, []) !== windowRef) return;
    if (reflectApply(messageEventData, event, []) !== HANDSHAKE_TAG) return;
    // Ours: the page must not see it, and must not get the port.
    reflectApply(stopImmediatePropagation, event, []);
    const offered = (reflectApply(messageEventPorts, event, []) as readonly MessagePort[])[0];
    if (!offered) return;
    // The oldest port goes first: its content script is the likeliest to be gone (extension update).
    ports[nextPort] = offered;
    nextPort = (nextPort + 1) % MAX_PORTS;
    replay(offered);
    connected = true;
  } catch {
    // Never let a hook failure reach the page.
  }
}

export function installBridge(hello?: Extract<PageSignal, { t: 'hook' }>): void {
  greeting = hello;
  reflectApply(addEventListener, windowRef, ['message', onWindowMessage, { capture: true }]);
}
