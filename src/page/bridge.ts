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

/** Enough for the set-up and life of a couple of calls; older signals are overwritten. */
const HISTORY_MAX_SIGNALS = 256;
/**
 * And at most this much frame text: the history lives in the page's own heap (quality bar:
 * ≤ 2 MB added), and 256 SIP frames with SDP bodies came to about 0.7 MB (npm run bench).
 */
const HISTORY_MAX_CHARS = 96 * 1024;
const MAX_PORTS = 4;

// Page scripts run after this module and may patch Array.prototype (push, iterators, even
// index setters). Both arrays are filled with own slots now and only ever indexed afterwards,
// so nothing the page patched can see a port.
const ports: (MessagePort | undefined)[] = [];
for (let i = 0; i < MAX_PORTS; i++) ports.push(undefined);
let nextPort = 0;
const history: (PageSignal | undefined)[] = [];
for (let i = 0; i < HISTORY_MAX_SIGNALS; i++) history.push(undefined);
let historyNext = 0;
let historyChars = 0;
let connected = false;

const sizeOf = (signal: PageSignal | undefined): number =>
  signal === undefined ? 0 : signal.t === 'ws-frame' ? (typeof signal.data === 'string' ? signal.data.length : 'byteLength' in signal.data ? signal.data.byteLength : signal.data.size) : 64;
let overwritten = 0;

function send(to: MessagePort, signal: PageSignal): void {
  try {
    reflectApply(portPostMessage, to, [signal]);
  } catch {
    // A Blob the page closed, a port gone with its context: nothing the page should feel.
  }
}

export function postSignal(signal: PageSignal): void {
  if (history[historyNext] !== undefined && !connected) overwritten++;
  historyChars += sizeOf(signal) - sizeOf(history[historyNext]);
  history[historyNext] = signal;
  historyNext = (historyNext + 1) % HISTORY_MAX_SIGNALS;
  // Over the text budget: drop the oldest kept signals (the slot after the newest is the oldest).
  for (let i = 0; historyChars > HISTORY_MAX_CHARS && i < HISTORY_MAX_SIGNALS - 1; i++) {
    const oldest = (historyNext + i) % HISTORY_MAX_SIGNALS;
    const dropped = history[oldest];
    if (dropped === undefined) continue;
    historyChars -= sizeOf(dropped);
    history[oldest] = undefined;
    if (!connected) overwritten++;
  }
  for (let i = 0; i < MAX_PORTS; i++) {
    const port = ports[i];
    if (port) send(port, signal);
  }
}

function replay(to: MessagePort): void {
  if (overwritten > 0) send(to, { t: 'dropped', count: overwritten });
  for (let i = 0; i < HISTORY_MAX_SIGNALS; i++) {
    const signal = history[(historyNext + i) % HISTORY_MAX_SIGNALS];
    if (signal !== undefined) send(to, signal);
  }
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

export function installBridge(): void {
  reflectApply(addEventListener, windowRef, ['message', onWindowMessage, { capture: true }]);
}
