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
 * to pick up a call in progress.
 *
 * A page can forge handshakes (threat model in README.md, "What a page can and cannot do").
 * Slots are first come, first kept: a newcomer never evicts a port, and once all are taken
 * further offers are closed unanswered. The content script's handshake is queued at
 * document_start, before any page script can post one, so it always holds the first slot. A
 * forged port gets copies of the page's own SIP frames, which the page has anyway, and can
 * never write into ours; at most MAX_PORTS ports bound the work per frame.
 */
import { HANDSHAKE_TAG, type FrameData, type PageSignal } from '../core/page-signal';
import { createSignalHistory } from './signal-history';
import {
  addEventListener,
  arrayBufferByteLength,
  blobSize,
  messageEventData,
  messageEventPorts,
  messageEventSource,
  portClose,
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

/** A kept frame's size through captured getters (the page may have replaced Blob.prototype.size). */
function frameSize(data: FrameData): number {
  if (typeof data === 'string') return data.length;
  try {
    return reflectApply(arrayBufferByteLength, data, []) as number;
  } catch {
    return reflectApply(blobSize, data, []) as number;
  }
}
const history = createSignalHistory(undefined, undefined, frameSize);
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

function freeSlot(): number {
  for (let i = 0; i < MAX_PORTS; i++) if (ports[i] === undefined) return i;
  return -1;
}

function onWindowMessage(event: MessageEvent): void {
  try {
    if (reflectApply(messageEventSource, event, []) !== windowRef) return;
    if (reflectApply(messageEventData, event, []) !== HANDSHAKE_TAG) return;
    // Ours: the page must not see it, and must not get the port.
    reflectApply(stopImmediatePropagation, event, []);
    // A FrozenArray of own elements; `length` first, so an empty one never reads Array.prototype[0].
    const offers = reflectApply(messageEventPorts, event, []) as readonly MessagePort[];
    const offered = offers.length > 0 ? offers[0] : undefined;
    if (!offered) return;
    const slot = freeSlot();
    if (slot < 0) {
      // All slots taken: refused, never evicting a port that came first.
      reflectApply(portClose, offered, []);
      return;
    }
    ports[slot] = offered;
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
