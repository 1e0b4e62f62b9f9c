/**
 * Content script (ISOLATED world) on a softphone page: connects to the page hook, starts the
 * adapters that match, forwards their call events to the coach, and shows what the coach
 * sends back. Everything hangs off one AbortController, aborted when the extension goes away
 * (update, reload) so an orphaned script stops touching the page.
 *
 * It runs once per frame and version: registered at document_start, or injected by the
 * background into a tab that was already open (background/sites.ts). The mark it leaves in its
 * own isolated world (invisible to the page; a fresh world after an update) stops a second copy.
 */
import { startAdapters } from './adapters';
import { createBackgroundLink } from './background-link';
import { connectPageBridge } from './page-bridge';
import { createUiLoader } from './ui-loader';
import type { BackgroundToContent } from '../core/messages';
import type { CallEvent, CallEventOf } from '../core/call-event';
import type { SoftphoneSite } from '../core/coach/config';
import type { Language } from '../core/coach/types';
import { contentRuntime, extensionId, handleMessages } from '../platform/content-runtime';
import { CONTENT_RUNNING_KEY, PAGE_PROTOCOL } from '../core/page-signal';

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

const world = globalThis as { [CONTENT_RUNNING_KEY]?: string };
if (world[CONTENT_RUNNING_KEY] === undefined) {
  // Read once: getManifest() builds the whole manifest as an object on every call.
  const version = contentRuntime.version();
  world[CONTENT_RUNNING_KEY] = version;
  start(version);
}

function start(version: string): void {
  // Registered scripts start while the document loads; an injected one finds it loaded.
  // (Our own practice page loads this code itself: its reloads are page loads.)
  const openPage = document.readyState !== 'loading' && !location.href.startsWith(contentRuntime.url(''));
  const controller = new AbortController();
  const { signal } = controller;
  const ownId = extensionId();

  const link = createBackgroundLink(signal);
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
  const page = connectPageBridge(signal);
  // The hook's greeting (protocol ≥ 2; a hook of protocol 1, left by the version before an update,
  // sends none and its frames read the same): the background learns this tab is coached.
  // A protocol-1 hook shows itself by the history it replays (its first signal).
  let greeted = false;
  page.subscribe((s) => {
    if (greeted) return;
    greeted = true;
    const hook = s.t === 'hook' ? s : { v: 1, since: 0, late: false };
    if (hook.v < PAGE_PROTOCOL - 1) console.warn(`[Second Ring] page hook protocol ${hook.v} is too old; frames may be missed`);
    void link.send('hookAttached', { v: hook.v, since: hook.since, late: hook.late, at: Date.now() });
  }, signal);

  // The registry starts every adapter that matches this page at once (the page may open its
  // socket any moment); those that follow the site's settings (selectors) restart when a team
  // lead edits them.
  const adapters = startAdapters({ signal, page, emit, location, isTop: window === window.top });
  const applySite = (site: SoftphoneSite | null) => adapters.applySite(site);

  const stopHandling = handleMessages<BackgroundToContent, true>(
    {
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
    },
    // Only our own background (which sends without a tab) may drive this page's UI.
    (sender) => (sender.id === ownId && !sender.tab ? true : undefined),
  );
  signal.addEventListener('abort', stopHandling);

  // A page (re)loaded mid-call gets back what is still open for its tab; a page this script was
  // injected into while open (install, update, a site added) keeps its calls.
  void link.send('hello', { openPage }).then((state) => {
    if (!state) return;
    language = state.language;
    void ifLoaded((view) => view.setLanguage(state.language));
    currentSite = state.site;
    applySite(state.site);
    // The UI loads only when there is something to show.
    for (const ring of state.rings) void ui.withView((view) => view.setRing(ring.callKey, ring));
    for (const card of state.cards) void ui.withView((view) => view.setCard(card));
    for (const nudge of state.nudges) void ui.withView((view) => view.show(nudge));
    keepDeadline(state.wakeAt);
  });

  // The extension was updated or removed: this script is orphaned and must let go of the page.
  const orphanCheck = setInterval(() => {
    if (extensionId() === undefined) {
      clearInterval(orphanCheck);
      controller.abort();
    }
  }, 5_000);
}
