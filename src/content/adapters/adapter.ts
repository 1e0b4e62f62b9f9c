/**
 * The contract every softphone adapter implements: one file per signal source, listed in the
 * registry (./index.ts), which is the only place adapters are started from. Each declares where
 * it runs, which world its signals come from, how much authority they carry and what it can
 * observe of a call (the coach honours `observes`; core/call-event.ts).
 */
import type { CallEvent, Observability } from '../../core/call-event';
import type { SoftphoneSite } from '../../core/coach/config';
import type { PageSignalSource } from '../page-bridge';

export interface WindowMessageSource {
  /** `at`: when the message reached this frame. */
  subscribe(listener: (message: { event: MessageEvent; at: number }) => void, signal: AbortSignal): void;
}

export interface AdapterContext {
  signal: AbortSignal;
  emit(event: CallEvent): void;
  /** Raw signals from the page hook (WebSocket frames, …). */
  page: Pick<PageSignalSource, 'subscribe'>;
  /**
   * Window messages from cloud vendors' origins (content-script.ts keeps those that come before
   * the coaching part is loaded): the sender is still to be checked.
   */
  windowMessages: WindowMessageSource;
  /** The configured site this page belongs to (settings of adapters that need them). */
  site?: SoftphoneSite | null;
}

/**
 * Where an adapter's signals come from:
 * - `window-message`: a passive `message` listener in the content script's isolated world
 *   (a vendor frame posting to the page that embeds it); never the vendor SDK's own handlers.
 * - `websocket-frames`: frames of the page's WebSockets, through the existing main-world hook.
 * - `dom`: the page's DOM, watched from the isolated world.
 * - `extension-page`: an in-page event of the extension's own pages.
 */
export type AdapterWorld = 'window-message' | 'websocket-frames' | 'dom' | 'extension-page';

/**
 * How far an adapter's word goes when two adapters report the same call (./merge.ts): the
 * platform's own API over what is seen on the wire over what is inferred from the page.
 */
export type SignalAuthority = 'platform-api' | 'wire' | 'inference';

export interface SoftphoneAdapter {
  /** Stable id, also the `source` of the events it emits. */
  id: string;
  /** The name people know it by (a product or protocol name: not translated). */
  label: string;
  world: AdapterWorld;
  authority: SignalAuthority;
  /** What it can observe of a call; stamped as `observes` on the events that start a call. */
  observes: Observability;
  /** `top`: only the top-level page; `all`: every frame the content script runs in. */
  frames: 'top' | 'all';
  /**
   * The `SoftphoneSite.adapter` value that names it on the options page (the choices there are
   * the adapters that have one). Adapters without one are passive until their own source speaks.
   */
  siteChoice?: SoftphoneSite['adapter'];
  /** Runs only on sites whose setting is its `siteChoice` (it needs that site's settings). */
  needsSite?: boolean;
  /** The vendor's own origins, offered as a one-click site preset (optional host permissions). */
  preset?: { origins: readonly string[] };
  /** Whether this adapter should run on this page. */
  matches(location: Location): boolean;
  start(context: AdapterContext): void;
}
