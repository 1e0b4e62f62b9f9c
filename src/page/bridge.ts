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
 *
 * Signals are not posted from the socket listener, which runs before the page's own: they wait
 * in a batch (signal-batch.ts) posted from a task of the hook's own, after the page handled the
 * event: `scheduler.postTask` (Chromium 94+, Firefox 142+), one per batch. Unlike timers
 * (setTimeout, rAF), an immediate postTask task is not throttled in a hidden tab (Chromium gives
 * its queue deferrable traits, throttling only delayed tasks). Without postTask, a private
 * MessageChannel posting to itself does the same; not used where postTask exists: in Firefox the
 * self-post kept the extension's event page from unloading while a call was on hold (seen in
 * test/e2e-firefox/coaching.firefox.test.ts, cause not found).
 */
import { HANDSHAKE_TAG, type FrameData, type PageSignal, type PageSignalBatch } from '../core/page-signal';
import { createSignalHistory } from './signal-history';
import { createSignalBatcher } from './signal-batch';
import {
  NativeMessageChannel,
  addEventListener,
  arrayBufferByteLength,
  blobSize,
  messageEventData,
  messageEventPorts,
  messageEventSource,
  portClose,
  messageChannelPort1,
  messageChannelPort2,
  portPostMessage,
  portStart,
  reflectApply,
  schedulerPostTask,
  schedulerRef,
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

function send(to: MessagePort, message: PageSignal | PageSignalBatch): void {
  try {
    reflectApply(portPostMessage, to, [message]);
  } catch {
    // A Blob the page closed, a port gone with its context: nothing the page should feel.
  }
}

function postBatch(batch: PageSignalBatch): void {
  for (let i = 0; i < MAX_PORTS; i++) {
    const port = ports[i];
    if (port) send(port, batch);
  }
}

// Without postTask: the private channel whose self-post runs the batch's post task (installBridge).
let postTaskPort: MessagePort | undefined;
const runPostTask = () => {
  try {
    batcher.runScheduled();
  } catch {
    // A throw here would reject postTask's promise: an unhandledrejection the page could see.
  }
};
const askForPostTask = () => {
  try {
    if (schedulerPostTask) reflectApply(schedulerPostTask, schedulerRef, [runPostTask]);
    else reflectApply(portPostMessage, postTaskPort, [0]);
  } catch {
    // As in send().
  }
};
const batcher = createSignalBatcher(postBatch, askForPostTask, frameSize);

/** Keep `signal` for late connections and, when a content script listens, for the next batch. */
export function postSignal(signal: PageSignal): void {
  history.push(signal, !connected);
  if (connected) batcher.add(signal);
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
    // What is pending goes to the ports it was meant for; the newcomer gets it in the history.
    batcher.flush();
    ports[slot] = offered;
    replay(offered);
    connected = true;
  } catch {
    // Never let a hook failure reach the page.
  }
}

export function installBridge(hello?: Extract<PageSignal, { t: 'hook' }>): void {
  greeting = hello;
  if (!schedulerPostTask) {
    const channel = new NativeMessageChannel();
    const ownEnd = reflectApply(messageChannelPort1, channel, []) as MessagePort;
    postTaskPort = reflectApply(messageChannelPort2, channel, []) as MessagePort;
    reflectApply(addEventListener, ownEnd, ['message', runPostTask]);
    reflectApply(portStart, ownEnd, []);
  }
  reflectApply(addEventListener, windowRef, ['message', onWindowMessage, { capture: true }]);
}
