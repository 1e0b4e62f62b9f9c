/**
 * Typed messaging over `runtime.sendMessage` / `tabs.sendMessage`, with sender checks.
 * Message shapes come from core/messages.ts; a handler never runs for a sender it does not trust.
 */
import { browser, type Runtime } from './browser';
import { isEnvelope, type Handlers, type MessageMap } from '../core/messages';

export function sendToBackground<M extends MessageMap<M>, K extends keyof M & string>(
  type: K,
  payload: M[K]['payload'],
): Promise<M[K]['response']> {
  return browser.runtime.sendMessage({ type, payload }) as Promise<M[K]['response']>;
}

export function sendToTab<M extends MessageMap<M>, K extends keyof M & string>(
  tabId: number,
  type: K,
  payload: M[K]['payload'],
): Promise<M[K]['response']> {
  return browser.tabs.sendMessage(tabId, { type, payload }) as Promise<M[K]['response']>;
}

/**
 * Route messages of map M to `handlers`. `accept` decides from the sender whether to act at all
 * and what context the handler gets; an untrusted sender gets no answer and no effect.
 * Register this synchronously at the top level of a service worker (it may be woken by the message).
 */
export function handleMessages<M extends MessageMap<M>, Ctx>(
  handlers: Handlers<M, Ctx>,
  accept: (sender: Runtime.MessageSender) => Ctx | undefined,
): () => void {
  const listener = (raw: unknown, sender: Runtime.MessageSender): Promise<unknown> | undefined => {
    if (!isEnvelope<M>(raw, handlers)) return undefined;
    const ctx = accept(sender);
    if (ctx === undefined) return undefined;
    const handler = handlers[raw.type] as (payload: unknown, ctx: Ctx) => unknown;
    return Promise.resolve().then(() => handler(raw.payload, ctx));
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

/** Our own extension id; undefined once the extension was reloaded or removed (orphaned script). */
export function extensionId(): string | undefined {
  try {
    return browser.runtime.id;
  } catch {
    return undefined;
  }
}
