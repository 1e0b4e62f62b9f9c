/**
 * The content script's line to the background worker. Calls go out strictly in order (the
 * coach must see a call's events in the order they happened) and are retried while the
 * worker is starting up: a stopped MV3 worker is woken by the message, but a send during its
 * start can fail with "Receiving end does not exist". Call events that come while the line is
 * busy wait as one message (`callEvents`): the coach steps them in order and saves once, so a
 * call's last event does not wait behind a full round trip for each event before it.
 */
import type { CallEvent } from '../core/call-event';
import { MAX_CALL_EVENTS_PER_MESSAGE, type ContentToBackground } from '../core/messages';
import { extensionId, sendToBackground } from '../platform/content-runtime';

const RETRY_DELAYS_MS = [50, 200, 500, 1000, 2000];

export interface BackgroundLink {
  send<K extends keyof ContentToBackground & string>(
    type: K,
    payload: ContentToBackground[K]['payload'],
  ): Promise<ContentToBackground[K]['response'] | undefined>;
  /** The same, retried alike, but not behind the queue: for what the queue itself may wait on (the UI). */
  sendNow<K extends keyof ContentToBackground & string>(
    type: K,
    payload: ContentToBackground[K]['payload'],
  ): Promise<ContentToBackground[K]['response'] | undefined>;
  /** A call event, in order with everything sent: joins the events waiting to go, if any. */
  sendCallEvent(event: CallEvent, eventKey: string): Promise<void>;
}

export function createBackgroundLink(signal: AbortSignal): BackgroundLink {
  let queue: Promise<unknown> = Promise.resolve();
  const attempt = async <K extends keyof ContentToBackground & string>(
    type: K,
    payload: ContentToBackground[K]['payload'],
  ): Promise<ContentToBackground[K]['response'] | undefined> => {
    for (let i = 0; ; i++) {
      if (signal.aborted || extensionId() === undefined) return undefined;
      try {
        return await sendToBackground<ContentToBackground, K>(type, payload);
      } catch (error) {
        const delay = RETRY_DELAYS_MS[i];
        if (delay === undefined) {
          console.warn(`[Second Ring] ${type} not delivered:`, error);
          return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };
  /** Call events queued and not yet sent (anything else queued after them closes the batch). */
  let waiting: { events: { event: CallEvent; eventKey: string }[]; sent: Promise<void> } | undefined;
  const send: BackgroundLink['send'] = (type, payload) => {
    waiting = undefined;
    const result = queue.then(() => attempt(type, payload));
    queue = result.catch(() => undefined);
    return result;
  };
  return {
    send,
    sendNow: attempt,
    sendCallEvent(event, eventKey) {
      if (waiting && waiting.events.length < MAX_CALL_EVENTS_PER_MESSAGE) {
        waiting.events.push({ event, eventKey });
        return waiting.sent;
      }
      const events = [{ event, eventKey }];
      const batch = {
        events,
        sent: queue.then(async () => {
          if (waiting === batch) waiting = undefined;
          // Retried whole, each event with its own key: the coach applies each key once.
          await attempt('callEvents', { events });
        }),
      };
      waiting = batch;
      queue = batch.sent.catch(() => undefined);
      return batch.sent;
    },
  };
}
