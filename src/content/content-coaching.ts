/**
 * The coaching part of the content script (ISOLATED world): the adapters (SIP parser and dialog
 * tracker, cloud vendors, selectors, practice), the call events to the coach, the coach's short
 * deadlines, and the UI loader. Not part of what runs at page start: the starter
 * (content-script.ts) has the background inject it into a frame on the first evidence of a call,
 * and hands over what it kept (coaching-handoff.ts); our own practice page imports it. Everything
 * hangs off the starter's lifetime, aborted when the extension goes away (update, reload).
 */
import { startAdapters } from './adapters';
import { createUiLoader } from './ui-loader';
import { CONTENT_COACHING_KEY, type CoachingHandoff, type ContentCoaching, type KeptWindowMessage } from './coaching-handoff';
import type { PageSignalSource } from './page-bridge';
import type { WindowMessageSource } from './adapters/adapter';
import type { BackgroundToContent, Handlers } from '../core/messages';
import type { CallEvent, CallEventOf } from '../core/call-event';
import type { SoftphoneSite } from '../core/coach/config';
import type { Language } from '../core/coach/types';
import type { PageSignal } from '../core/page-signal';
import { version as BUILT_VERSION } from '../../manifest.json';

/** The source of the evidence the call card sends (it is no adapter: the call's own source stays in its record). */
const CARD_SOURCE = 'call-card';

/** Evidence from the card, for the call `${tabId}:${callId}` (the background puts the tab back from the sender). */
function cardEvidence(
  emit: (event: CallEvent) => void,
  callKey: string,
  evidence: Omit<CallEventOf<'evidence'>, 'type' | 'callId' | 'at' | 'source'>,
): void {
  const colon = callKey.indexOf(':');
  if (colon < 0) return;
  emit({ type: 'evidence', ...evidence, callId: callKey.slice(colon + 1), at: Date.now(), source: CARD_SOURCE });
}

// The manifest's version, as the starter's (content-script.ts): a part of another build is not used.
const entry: ContentCoaching = { version: BUILT_VERSION, start };
(globalThis as { [CONTENT_COACHING_KEY]?: ContentCoaching })[CONTENT_COACHING_KEY] = entry;

/** One listener list fed by the starter's hand-over: kept items first, in order, then live ones. */
function fanOut<T>(attach: (listener: (item: T) => void) => void) {
  const listeners = new Set<(item: T) => void>();
  return {
    subscribe(listener: (item: T) => void, signal: AbortSignal): void {
      listeners.add(listener);
      signal.addEventListener('abort', () => listeners.delete(listener), { once: true });
    },
    /** Once every adapter subscribed. */
    open(): void {
      attach((item) => {
        for (const listener of listeners) {
          try {
            listener(item);
          } catch (error) {
            // One adapter's failure must cost neither the others this item nor the hand-over the
            // items after it (a throw out of the starter's drain would leave them waiting for good).
            console.debug('[Second Ring] adapter failed on a page signal:', error);
          }
        }
      });
    },
  };
}

function start(handoff: CoachingHandoff): Handlers<BackgroundToContent, true> {
  const { version, signal, link } = handoff;

  // The UI (nudges, card, Preact) is loaded when a call first needs it, not at page start.
  let language: Language | undefined;
  const ui = createUiLoader({
    version,
    inject: () => link.sendNow('loadUi', {}),
    create: ({ createNudgeView, positionStore }) => {
      const view = createNudgeView({
        signal,
        onResponse: (key, response) => void link.send('nudgeResponse', { key, response, at: Date.now() }),
        // The card's notes and ticks are evidence of what the agent did: call events, decided on by the coach.
        cardActions: {
          callerName: (callKey, name) => cardEvidence(emit, callKey, { act: 'caller-name', how: 'noted', name }),
          greeting: (callKey, part, checked) =>
            cardEvidence(emit, callKey, { act: 'greeting-part', how: 'ticked', item: part, ...(checked ? {} : { undone: true }) }),
          closing: (callKey, itemId, checked) =>
            cardEvidence(emit, callKey, { act: 'closing-item', how: 'ticked', item: itemId, ...(checked ? {} : { undone: true }) }),
          // One id per save, kept by the link's retries: a save retried after a worker stop is taken once.
          saveMessage: (callKey, input) => link.send('takeMessage', { input, callKey, requestId: `${pageRun}:m${++saveCount}` }),
          delivered: (id) => void link.send('markMessageDelivered', { id }),
        },
        // Where the agent moved the overlay is remembered per site.
        positions: positionStore(location.origin),
      });
      if (language !== undefined) view.setLanguage(language);
      return view;
    },
  });
  /** Applies to the UI only if it is there or on its way: nothing to undo on a page that has none. */
  const ifLoaded = (apply: Parameters<typeof ui.withView>[0]) => (ui.requested ? ui.withView(apply) : undefined);

  let currentSite: SoftphoneSite | null = null;
  let wakeTimer: ReturnType<typeof setTimeout> | undefined;
  function keepDeadline(at: number | null): void {
    if (wakeTimer !== undefined) clearTimeout(wakeTimer);
    wakeTimer = undefined;
    if (at === null) return;
    wakeTimer = setTimeout(() => void link.send('tick', {}), Math.max(0, at - Date.now()));
  }
  signal.addEventListener('abort', () => keepDeadline(null));

  /** Event keys: this page run's id and a counter, so a retried event is recognised as the same one. */
  // getRandomValues, not randomUUID: a softphone on plain http is no secure context.
  const pageRun = Array.from(crypto.getRandomValues(new Uint32Array(2)), (n) => n.toString(36)).join('');
  let eventCount = 0;
  let saveCount = 0;
  const emit = (event: CallEvent) => {
    // A call starts: the UI loads while the coach decides (the ring counter comes first).
    if (event.type === 'ringing' || event.type === 'outbound-dialing' || event.type === 'answered') ui.preload();
    void link.sendCallEvent(event, `${pageRun}:${++eventCount}`);
  };
  // The page's signals and vendor messages the starter kept, then live; the adapters subscribe below.
  const signals = fanOut<PageSignal>(handoff.attachPage);
  const page: Pick<PageSignalSource, 'subscribe'> = signals;
  const windowMessages = fanOut<KeptWindowMessage>(handoff.attachWindowMessages);

  // The registry starts every adapter that matches this page at once (the page may open its
  // socket any moment); those that follow the site's settings (selectors) restart when a team
  // lead edits them.
  const adapters = startAdapters({ signal, page, windowMessages: windowMessages satisfies WindowMessageSource, emit, location, isTop: window === window.top });
  const applySite = (site: SoftphoneSite | null) => adapters.applySite(site);

  const handlers: Handlers<BackgroundToContent, true> = {
    // Not acknowledged while the UI could not load: the nudge stays in the coach's outbox.
    showNudge: async ({ nudge }) => {
      const shown = await ui.withView((view) => view.show(nudge));
      if (shown === undefined) throw new Error('coaching UI not loaded');
      return { shown };
    },
    dismissNudge: ({ key }) => void ifLoaded((view) => view.dismiss(key)),
    ringStatus: ({ callKey, ring }) => void (ring === null ? ifLoaded((view) => view.setRing(callKey, null)) : ui.withView((view) => view.setRing(callKey, ring))),
    wakeAt: ({ at }) => keepDeadline(at),
    card: ({ card }) => void ui.withView((view) => view.setCard(card)),
    reminder: async ({ nudge }) => (await ui.withView((view) => view.remind(nudge))) ?? { shown: false, visible: document.visibilityState === 'visible' },
    wiped: () => void ifLoaded((view) => view.clear()),
    settings: ({ language: next, site }) => {
      language = next;
      void ifLoaded((view) => view.setLanguage(next));
      if (site !== undefined && JSON.stringify(site) !== JSON.stringify(currentSite)) {
        currentSite = site;
        applySite(site);
      }
    },
  };

  // What the page's hello brought back (a page reloaded mid-call, or injected into while open),
  // then the settings that came since. The UI loads only when there is something to show.
  void handoff.hello.then((state) => {
    if (signal.aborted) return;
    if (state) {
      for (const ring of state.rings) void ui.withView((view) => view.setRing(ring.callKey, ring));
      for (const card of state.cards) void ui.withView((view) => view.setCard(card));
      for (const nudge of state.nudges) void ui.withView((view) => view.show(nudge));
    }
    const { language: next, site, wakeAt } = handoff.latest();
    keepDeadline(wakeAt);
    if (next !== undefined) handlers.settings({ language: next, ...(site !== undefined ? { site } : {}) }, true);
  });

  // Now that the adapters listen: what the starter kept, in order, then live.
  signals.open();
  windowMessages.open();
  return handlers;
}
