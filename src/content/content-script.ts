/**
 * The content script's starter: all that runs in the ISOLATED world at document_start on a
 * softphone page. It takes the page hook's port, keeps the cloud vendors' messages, says hello to
 * the background once (with the hook's greeting) and listens for the background's messages. The
 * coaching part (SIP parser, dialog tracker, adapters, UI loader: content-coaching.ts) is asked
 * of the background only on evidence of a call: a SIP frame that can change one, a vendor's call
 * message, something still open for this tab, a site watched by selectors, or a message about a
 * call. Until then what may matter is kept in order, bounded (page-start.ts), and handed over once.
 *
 * It runs once per frame and version: registered at document_start, or injected by the
 * background into a tab that was already open (background/sites.ts). The mark it leaves in its
 * own isolated world (invisible to the page; a fresh world after an update) stops a second copy.
 * Our own practice page imports the coaching part itself (browsers never inject into it).
 */
import { createBackgroundLink } from './background-link';
import { connectPageBridge } from './page-bridge';
import { CONTENT_COACHING_KEY, type CoachingHandoff, type ContentCoaching, type HelloState, type KeptWindowMessage } from './coaching-handoff';
import {
  createHandoverQueue,
  isVendorOrigin,
  MAX_KEPT_CHARS,
  MAX_KEPT_SIGNALS,
  MAX_KEPT_VENDOR_MESSAGES,
  signalMayChangeCall,
  signalSize,
  vendorMessageMayStartCall,
} from './page-start';
import { answerSeveral, type BackgroundToContent, type BackgroundToTab, type Handlers } from '../core/messages';
import type { Language } from '../core/coach/types';
import type { SoftphoneSite } from '../core/coach/config';
import { extensionId, handleMessages } from '../platform/content-runtime';
import { CONTENT_RUNNING_KEY, PAGE_PROTOCOL, type PageSignal } from '../core/page-signal';
// The version this script was built with, which is the manifest's: runtime.getManifest() would
// build the whole manifest as an object in the page's time, at every page start.
import { version as BUILT_VERSION } from '../../manifest.json';

/**
 * The hello goes by then at the latest: without a greeting from a hook (none in this frame, or one
 * of protocol 1 on a quiet page), or with one on a page still loading.
 */
const HELLO_WITHOUT_HOOK_MS = 2_000;

const world = globalThis as { [CONTENT_RUNNING_KEY]?: string };
if (world[CONTENT_RUNNING_KEY] === undefined) {
  world[CONTENT_RUNNING_KEY] = BUILT_VERSION;
  start(BUILT_VERSION);
}

function start(version: string): void {
  // Browsers inject content scripts into no extension's pages: one is ours (the practice page
  // imports this code). Read without the extension API, which is first touched after load.
  const ownPage = location.protocol === 'chrome-extension:' || location.protocol === 'moz-extension:';
  // Registered scripts start while the document loads; an injected one finds it loaded.
  // (Our own practice page loads this code itself: its reloads are page loads.)
  const openPage = document.readyState !== 'loading' && !ownPage;
  const controller = new AbortController();
  const { signal } = controller;
  const link = createBackgroundLink(signal);

  let decoder: TextDecoder | undefined; // only for a frame sent as bytes
  const pageSignals = createHandoverQueue<PageSignal>(MAX_KEPT_SIGNALS, MAX_KEPT_CHARS, signalSize);
  const vendorMessages = createHandoverQueue<KeptWindowMessage>(MAX_KEPT_VENDOR_MESSAGES);
  let coaching: Promise<Handlers<BackgroundToContent, true> | undefined> | undefined;
  let started: Handlers<BackgroundToContent, true> | undefined;

  // The hook's greeting (protocol ≥ 2; a hook of protocol 1, left by the version before an update,
  // sends none, and shows itself by its first signal) goes with the hello: one message at page start.
  // A page (re)loaded mid-call gets back what is still open for its tab; a page this script was
  // injected into while open (install, update, a site added) keeps its calls. Sent first of all
  // on the line, so everything the coaching part sends comes after it.
  let answerHello: (answer: Promise<HelloState | undefined>) => void = () => undefined;
  const hello = new Promise<HelloState | undefined>((resolve) => (answerHello = resolve));
  let helloSent = false;
  let greeted: { v: number; since: number; late: boolean; at: number } | undefined;
  const sayHello = () => {
    if (helloSent) return;
    helloSent = true;
    clearTimeout(helloTimer);
    // Listening from now on: what the background sent before is in its answer to the hello.
    listen();
    answerHello(link.send('hello', { openPage, ...(greeted ? { hook: greeted } : {}) }));
  };
  // The hello wakes the worker, whose answer (the coach's resync, the tab's coverage, settings)
  // would compete with the page's own start for the agent's CPU (the JsSIP page's scripts ran
  // 0.5–3.9 ms slower: test/bench/diag/page-load-trace.diag.test.ts): once the hook has greeted, it
  // waits for the page's load event, or the timer, whichever comes first. Evidence of a call does
  // not wait (loadCoaching says hello). The extension API is first touched then too (its bindings
  // are made on first use).
  const helloTimer = setTimeout(sayHello, ownPage ? 0 : HELLO_WITHOUT_HOOK_MS);
  signal.addEventListener('abort', () => clearTimeout(helloTimer));
  const helloOnceLoaded = () => {
    if (document.readyState === 'complete') sayHello();
    else window.addEventListener('load', sayHello, { once: true, signal });
  };

  const page = connectPageBridge(signal);
  page.subscribe((s) => {
    if (!helloSent && !greeted) {
      const hook = s.t === 'hook' ? s : { v: 1, since: 0, late: false };
      if (hook.v < PAGE_PROTOCOL - 1) console.warn(`[Second Ring] page hook protocol ${hook.v} is too old; frames may be missed`);
      greeted = { v: hook.v, since: hook.since, late: hook.late, at: Date.now() };
      helloOnceLoaded();
    }
    // Before the coaching part is asked for, only what may start a call is kept (and asks for it);
    // REGISTER, OPTIONS, keep-alives and their answers cannot, and go (the tracker skips them too).
    if (coaching) pageSignals.push(s);
    else if (s.t !== 'ws-frame') pageSignals.push(s);
    else if (signalMayChangeCall(s, (bytes) => (decoder ??= new TextDecoder('utf-8', { fatal: false })).decode(bytes))) {
      pageSignals.push(s);
      void loadCoaching(startsCall(s));
    }
  }, signal);
  // Cloud softphones post from their vendor's frame: one cheap listener keeps those that may be
  // about a call (the adapters check the sender when they read them).
  window.addEventListener(
    'message',
    (event) => {
      if (!isVendorOrigin(event.origin)) return;
      if (!coaching && !vendorMessageMayStartCall(event.data)) return;
      vendorMessages.push({ event, at: Date.now() });
      void loadCoaching(true);
    },
    { signal },
  );

  let latest: { language?: Language; site?: SoftphoneSite | null; wakeAt: number | null } = { wakeAt: null };
  void hello.then((state) => {
    if (!state) return;
    latest = { language: state.language, site: state.site, wakeAt: state.wakeAt };
    if (stillOpen(state)) void loadCoaching(true);
    else if (state.site?.adapter === 'selectors') void loadCoaching();
  });

  const handoff: CoachingHandoff = {
    version,
    signal,
    link,
    attachPage: (listener) => pageSignals.attach(listener),
    attachWindowMessages: (listener) => vendorMessages.attach(listener),
    hello,
    latest: () => latest,
    openPage,
  };
  const found = () => {
    const entry = (globalThis as { [CONTENT_COACHING_KEY]?: ContentCoaching })[CONTENT_COACHING_KEY];
    return entry?.version === version ? entry : undefined;
  };
  /** `withUi`: a call is starting; the UI comes in the same injection (else when a call first needs it). */
  function loadCoaching(withUi = false): Promise<Handlers<BackgroundToContent, true> | undefined> {
    // The hello goes first, also when no hook greeted (yet).
    sayHello();
    coaching ??= (async () => {
      // Our own practice page imports it; a softphone frame asks the background to inject it.
      let entry = found();
      if (!entry && (await link.sendNow('loadCoaching', withUi ? { withUi } : {}).catch(() => false))) entry = found();
      if (!entry || signal.aborted) {
        if (!signal.aborted) console.warn('[Second Ring] coaching could not be loaded');
        coaching = undefined; // the next evidence tries again
        return undefined;
      }
      started = entry.start(handoff);
      return started;
    })();
    return coaching;
  }

  // The background speaks to this tab about its calls, reminders and settings. Settings and the
  // coach's next deadline (sent to every tab; those with a call keep it) are kept for the coaching
  // part (a site watched by selectors needs it now); what clears the screen has nothing to clear
  // before it; anything else needs the coaching part.
  const forward =
    <K extends keyof BackgroundToContent>(type: K) =>
    async (payload: BackgroundToContent[K]['payload']): Promise<BackgroundToContent[K]['response']> => {
      // All of these show something: the UI comes along.
      const handlers = started ?? (await loadCoaching(true));
      if (!handlers) throw new Error('coaching not loaded');
      return (handlers[type] as (p: typeof payload, ctx: true) => BackgroundToContent[K]['response'])(payload, true);
    };
  const messageHandlers: Handlers<BackgroundToContent, true> = {
    showNudge: forward('showNudge'),
    ringStatus: forward('ringStatus'),
    wakeAt: (payload) => {
      if (started) return started.wakeAt(payload, true);
      latest = { ...latest, wakeAt: payload.at };
    },
    card: forward('card'),
    // A tab that cannot show it says so (the background then notifies the desktop).
    reminder: (payload) =>
      forward('reminder')(payload).catch(() => ({ shown: false, visible: document.visibilityState === 'visible' })),
    dismissNudge: (payload) => void started?.dismissNudge(payload, true),
    wiped: (payload) => void started?.wiped(payload, true),
    settings: (payload) => {
      latest = { ...latest, language: payload.language, site: payload.site === undefined ? latest.site : payload.site };
      if (started) return started.settings(payload, true);
      if (payload.site?.adapter === 'selectors') void loadCoaching();
    },
  };
  let stopHandling: (() => void) | undefined;
  function listen(): void {
    if (stopHandling || signal.aborted) return;
    stopHandling = handleMessages<BackgroundToTab, true>(
      // What the worker has for this tab in one turn comes as one message (background/tab-mail.ts).
      { ...messageHandlers, several: (payload) => answerSeveral(payload, messageHandlers, true) },
      // Only our own background (which sends without a tab) may drive this page.
      (sender) => (sender.id === extensionId() && !sender.tab ? true : undefined),
    );
  }
  signal.addEventListener('abort', () => stopHandling?.());
  if (ownPage) void loadCoaching();

  // The extension was updated or removed: this script is orphaned and must let go of the page.
  const orphanCheck = setInterval(() => {
    if (extensionId() === undefined) {
      clearInterval(orphanCheck);
      controller.abort();
    }
  }, 5_000);
}

/** A frame that starts a call (an INVITE request, after any keep-alive line breaks): the UI will be needed at once. */
function startsCall(signal: PageSignal): boolean {
  return signal.t === 'ws-frame' && typeof signal.data === 'string' && signal.data.trimStart().startsWith('INVITE ');
}

/**
 * Whether the coach still holds something for this tab (a page reloaded mid-call, or one injected
 * while open). Not the next deadline alone: it is the coach's, for whichever tab has a call.
 */
function stillOpen(state: HelloState): boolean {
  return state.rings.length > 0 || state.cards.length > 0 || state.nudges.length > 0;
}
