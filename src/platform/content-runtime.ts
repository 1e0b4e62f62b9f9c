/**
 * The extension API as the content script uses it at page start (runtime: id, manifest, URLs,
 * messages), without webextension-polyfill: the polyfill is 3 kB gzip of the 15 kB page-start
 * budget. Firefox's own `browser` is promise-based already; on Chromium, MV3's
 * `chrome.runtime.sendMessage` returns a promise, and a listener's promise is answered through
 * `sendResponse` exactly as the polyfill does (a rejection in its reject envelope, which the
 * background's polyfill turns back into an error). The coaching UI, loaded later, uses it too,
 * and its `storage.local` (where the agent put the overlay) below.
 */
import type { Runtime } from './browser';
import { isEnvelope, type Handlers, type MessageMap } from '../core/messages';

interface NativeRuntime {
  readonly id?: string;
  getManifest(): { version: string };
  getURL(path: string): string;
  sendMessage(message: unknown): Promise<unknown>;
  onMessage: {
    addListener(listener: NativeListener): void;
    removeListener(listener: NativeListener): void;
  };
}
type NativeListener = (message: unknown, sender: Runtime.MessageSender, sendResponse: (response: unknown) => void) => unknown;

/** The polyfill's envelope for a listener's rejection (webextension-polyfill, both directions). */
const REJECT = '__mozWebExtensionPolyfillReject__';

/** `storage.local` as the coaching UI uses it: promise-based in MV3 Chromium and in Firefox alike. */
export interface LocalStorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

interface NativeNamespace {
  runtime?: NativeRuntime;
  storage?: { local?: LocalStorageArea };
}
const world = globalThis as { browser?: NativeNamespace; chrome?: NativeNamespace };
/** Firefox's promise-based API where there is one (its `browser.runtime.id` is set), else Chromium's. */
const promiseBased = world.browser?.runtime?.id !== undefined;
const namespace = (): NativeNamespace | undefined => (promiseBased ? world.browser : world.chrome);
function runtime(): NativeRuntime {
  const found = namespace()?.runtime;
  if (!found) throw new Error('no extension runtime here');
  return found;
}

/** The extension's `storage.local`; undefined outside an extension. */
export const localStorageArea = (): LocalStorageArea | undefined => namespace()?.storage?.local;

export const contentRuntime = {
  version: (): string => runtime().getManifest().version,
  url: (path: string): string => runtime().getURL(path),
};

/** Our own extension id; undefined once the extension was reloaded or removed (orphaned script). */
export function extensionId(): string | undefined {
  try {
    return runtime().id;
  } catch {
    return undefined;
  }
}

export async function sendToBackground<M extends MessageMap<M>, K extends keyof M & string>(type: K, payload: M[K]['payload']): Promise<M[K]['response']> {
  const reply = (await runtime().sendMessage({ type, payload })) as Record<string, unknown> | undefined;
  if (reply && typeof reply === 'object' && reply[REJECT] === true) throw new Error(String(reply.message));
  return reply as M[K]['response'];
}

/** As platform/messaging.ts's handleMessages: an untrusted sender gets no answer and no effect. */
export function handleMessages<M extends MessageMap<M>, Ctx>(handlers: Handlers<M, Ctx>, accept: (sender: Runtime.MessageSender) => Ctx | undefined): () => void {
  const answer = (raw: unknown, sender: Runtime.MessageSender): Promise<unknown> | undefined => {
    if (!isEnvelope<M>(raw, handlers)) return undefined;
    const ctx = accept(sender);
    if (ctx === undefined) return undefined;
    const handler = handlers[raw.type] as (payload: unknown, ctx: Ctx) => unknown;
    return Promise.resolve().then(() => handler(raw.payload, ctx));
  };
  const listener: NativeListener = promiseBased
    ? (raw, sender) => answer(raw, sender)
    : (raw, sender, sendResponse) => {
        const result = answer(raw, sender);
        if (!result) return false;
        result.then(sendResponse, (error: unknown) =>
          sendResponse({ [REJECT]: true, message: error instanceof Error ? error.message : 'An unexpected error occurred' }),
        );
        return true; // answered asynchronously
      };
  runtime().onMessage.addListener(listener);
  return () => runtime().onMessage.removeListener(listener);
}
