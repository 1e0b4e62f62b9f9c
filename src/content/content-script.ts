/**
 * Content script (ISOLATED world) on a softphone page: connects to the page hook, starts the
 * adapters that match, forwards their call events to the coach, and shows what the coach
 * sends back. Everything hangs off one AbortController, aborted when the extension goes away
 * (update, reload) so an orphaned script stops touching the page.
 */
import { startAdapters } from './adapters';
import { createBackgroundLink } from './background-link';
import { connectPageBridge } from './page-bridge';
import { createNudgeView } from './nudges/mount';
import type { BackgroundToContent } from '../core/messages';
import type { CallEvent } from '../core/call-event';
import type { SoftphoneSite } from '../core/coach/config';
import type { GreetingPart } from '../core/coach/types';
import { extensionId, handleMessages } from '../platform/messaging';

const controller = new AbortController();
const { signal } = controller;
const ownId = extensionId();

const link = createBackgroundLink(signal);
const view = createNudgeView({
  signal,
  onResponse: (key, response) => void link.send('nudgeResponse', { key, response, at: Date.now() }),
  // The card's notes and ticks are recorded with the call, through the coach.
  cardActions: {
    callerName: (callKey, name) => void link.send('agentNote', { callKey, note: { type: 'caller-name', name }, at: Date.now() }),
    greeting: (callKey, part, checked) =>
      void link.send('agentNote', { callKey, note: { type: 'greeting-part', part: part as GreetingPart, checked }, at: Date.now() }),
    closing: (key, itemId, checked) => void link.send('nudgeResponse', { key, response: { type: 'checked', itemId, checked }, at: Date.now() }),
    saveMessage: (callKey, input) => link.send('takeMessage', { input, callKey }),
    delivered: (id) => void link.send('markMessageDelivered', { id }),
  },
});

let currentSite: SoftphoneSite | null = null;
let wakeTimer: ReturnType<typeof setTimeout> | undefined;
function keepDeadline(at: number | null): void {
  if (wakeTimer !== undefined) clearTimeout(wakeTimer);
  wakeTimer = undefined;
  if (at === null) return;
  wakeTimer = setTimeout(() => void link.send('tick', {}), Math.max(0, at - Date.now()));
}
signal.addEventListener('abort', () => keepDeadline(null));

const emit = (event: CallEvent) => void link.send('callEvent', { event });
const page = connectPageBridge(signal);

// The registry starts every adapter that matches this page; those that follow the site's
// settings (selectors) restart when a team lead edits them.
const adapters = startAdapters({ signal, page, emit, location, isTop: window === window.top });
const applySite = (site: SoftphoneSite | null) => adapters.applySite(site);

const stopHandling = handleMessages<BackgroundToContent, true>(
  {
    showNudge: ({ nudge }) => ({ shown: view.show(nudge) }),
    dismissNudge: ({ key }) => view.dismiss(key),
    ringStatus: ({ callKey, ring }) => view.setRing(callKey, ring),
    wakeAt: ({ at }) => keepDeadline(at),
    card: ({ card }) => view.setCard(card),
    reminder: ({ nudge }) => view.remind(nudge),
    settings: ({ language, site }) => {
      view.setLanguage(language);
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

// A page (re)loaded mid-call gets back what is still open for its tab.
void link.send('hello', {}).then((state) => {
  if (!state) return;
  view.setLanguage(state.language);
  currentSite = state.site;
  applySite(state.site);
  for (const ring of state.rings) view.setRing(ring.callKey, ring);
  for (const card of state.cards) view.setCard(card);
  for (const nudge of state.nudges) view.show(nudge);
  keepDeadline(state.wakeAt);
});

// The extension was updated or removed: this script is orphaned and must let go of the page.
const orphanCheck = setInterval(() => {
  if (extensionId() === undefined) {
    clearInterval(orphanCheck);
    controller.abort();
  }
}, 5_000);
