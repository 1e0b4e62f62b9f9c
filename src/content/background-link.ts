/**
 * The content script's line to the background worker. Calls go out strictly in order (the
 * coach must see a call's events in the order they happened) and are retried while the
 * worker is starting up: a stopped MV3 worker is woken by the message, but a send during its
 * start can fail with "Receiving end does not exist".
 */
import type { ContentToBackground } from '../core/messages';
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
  return {
    send(type, payload) {
      const result = queue.then(() => attempt(type, payload));
      queue = result.catch(() => undefined);
      return result;
    },
    sendNow: attempt,
  };
}
