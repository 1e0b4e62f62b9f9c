/**
 * Owns the coaching UI on the page: a host element with an open shadow root (so tests and
 * assistive tech can reach it; clicks from page scripts are ignored because they are not
 * trusted events), created on first use so a page that never gets a call is never touched. In
 * it, one column in the corner: the call card on top, the ring counter and nudges below.
 *
 * It never moves the focus on its own. The agent moves it: Alt+Shift+S goes to the call card
 * and back, Escape in the card goes back to where the agent was.
 */
import { render } from 'preact';
import type { Language, Nudge, NudgeResponse, RingStatus } from '../../core/coach/types';
import type { CardCall } from '../../core/messages';
import { CallCard, type CardActions } from '../card/call-card';
import { matchesShortcut } from '../card/keyboard';
import { CARD_CSS } from '../card/styles';
import { NudgeStack, type ShownNudge } from './nudge-stack';
import { NUDGE_CSS } from './styles';

/** Plain toasts get out of the way by themselves; questions, checklists and urgent ones stay. */
const AUTO_HIDE_MS = { info: 10_000, nudge: 20_000 } as const;
/** Nudge keys remembered to show each at most once (bench: unpruned, 0.45 MB over 2,000 calls). */
const SEEN_KEYS_KEPT = 500;
/** How often a visible ring counter is redrawn. */
const RING_REDRAW_MS = 250;
/** How often a call card's timers are redrawn. */
const CARD_REDRAW_MS = 1_000;
/** A finished call's card stays this long (as long as the coach takes notes for it). */
export const CARD_KEEP_MS = 15 * 60_000;

export interface NudgeView {
  setLanguage(language: Language): void;
  /** Shows a nudge once per key, ever, in this page; false when it was already shown. */
  show(nudge: Nudge): boolean;
  dismiss(key: string): void;
  setRing(callKey: string, ring: RingStatus | null): void;
  /** A call's card as it is now (the card shown is the newest live call's, else the newest finished one's). */
  setCard(card: CardCall): void;
  /** A reminder shown like a nudge; whether it was shown, and whether the agent can see this page. */
  remind(nudge: Nudge): { shown: boolean; visible: boolean };
  /** The history was deleted: every card, nudge and ring counter goes (they name callers). */
  clear(): void;
}

/** The card to show: the newest live call's, else the newest finished call's not closed and not expired. */
export function currentCard(cards: Iterable<CardCall>, closed: ReadonlySet<string>, now: number): CardCall | undefined {
  let live: CardCall | undefined;
  let finished: CardCall | undefined;
  for (const card of cards) {
    if (card.endedAt === undefined) {
      if (!live || card.startedAt > live.startedAt) live = card;
    } else if (!closed.has(card.callKey) && now - card.endedAt < CARD_KEEP_MS && (!finished || card.startedAt > finished.startedAt)) {
      finished = card;
    }
  }
  return live ?? finished;
}

export function createNudgeView(options: {
  signal: AbortSignal;
  onResponse(key: string, response: NudgeResponse): void;
  cardActions: CardActions;
  /** Whether an event comes from the agent (tests stand in for the browser's `isTrusted`). */
  trusted?(event: Event): boolean;
}): NudgeView {
  const { signal, onResponse, cardActions } = options;
  const trusted = options.trusted ?? ((event: Event) => event.isTrusted);
  let language: Language = 'en';
  let shown: ShownNudge[] = [];
  const seen = new Set<string>();
  const rings = new Map<string, RingStatus>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let ringTimer: ReturnType<typeof setInterval> | undefined;
  let container: HTMLElement | undefined;
  let host: HTMLElement | undefined;
  const cards = new Map<string, CardCall>();
  const closedCards = new Set<string>();
  let collapsed = false;
  let cardTimer: ReturnType<typeof setInterval> | undefined;
  /** Where the focus was when the agent went to the card: Escape goes back there. */
  let returnFocus: HTMLElement | undefined;

  function ensureContainer(): HTMLElement {
    if (container) return container;
    // A host left by the content script of the version before an update (orphaned, it lets go
    // within seconds): this one takes over what it showed, so nothing is on screen twice.
    for (const stale of document.querySelectorAll('second-ring-coach')) stale.remove();
    host = document.createElement('second-ring-coach');
    host.style.setProperty('all', 'initial', 'important');
    const root = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = NUDGE_CSS + CARD_CSS;
    root.append(style);
    const created = document.createElement('div');
    root.append(created);
    (document.body ?? document.documentElement).append(host);
    const own = host;
    signal.addEventListener('abort', () => {
      render(null, created);
      own.remove();
    });
    container = created;
    return created;
  }

  function remove(key: string): void {
    const timer = timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    timers.delete(key);
    shown = shown.filter((s) => s.nudge.key !== key);
  }

  const respond = (key: string, response: NudgeResponse, close: boolean): void => {
    if (close) remove(key);
    onResponse(key, response);
    redraw();
  };

  function cardElement(): HTMLElement | null {
    return container?.querySelector<HTMLElement>('.card') ?? null;
  }

  /** Back to where the agent was before going to the card (or just out of the card). */
  function leaveCard(): void {
    const back = returnFocus;
    returnFocus = undefined;
    if (back?.isConnected && back !== document.body) back.focus();
    else (host?.shadowRoot?.activeElement as HTMLElement | null)?.blur();
  }

  function goToCard(): boolean {
    const now = Date.now();
    if (!currentCard(cards.values(), closedCards, now)) return false;
    const active = document.activeElement;
    if (host && active === host) {
      leaveCard();
      return true;
    }
    returnFocus = active instanceof HTMLElement ? active : undefined;
    cardElement()?.focus();
    return true;
  }

  window.addEventListener(
    'keydown',
    (event) => {
      if (!trusted(event) || !matchesShortcut(event)) return;
      if (goToCard()) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    { capture: true, signal },
  );

  function syncCardTimer(): void {
    if (cards.size > 0 && cardTimer === undefined) cardTimer = setInterval(redraw, CARD_REDRAW_MS);
    if (cards.size === 0 && cardTimer !== undefined) {
      clearInterval(cardTimer);
      cardTimer = undefined;
    }
  }

  function redraw(): void {
    if (signal.aborted) return;
    const now = Date.now();
    for (const [key, card] of cards) {
      if (card.endedAt !== undefined && now - card.endedAt >= CARD_KEEP_MS) {
        cards.delete(key);
        closedCards.delete(key);
      }
    }
    syncCardTimer();
    const card = currentCard(cards.values(), closedCards, now);
    if (!container && shown.length === 0 && rings.size === 0 && !card) return;
    render(
      <div class="column">
        {card && (
          <CallCard
            key={card.callKey}
            card={card}
            language={language}
            now={now}
            actions={cardActions}
            collapsed={collapsed}
            hint
            trusted={trusted}
            onToggle={() => {
              collapsed = !collapsed;
              redraw();
            }}
            onClose={() => {
              closedCards.add(card.callKey);
              leaveCard();
              redraw();
            }}
            onEscape={leaveCard}
          />
        )}
        <NudgeStack
          language={language}
          nudges={shown}
          rings={[...rings.values()]}
          now={now}
          onDismiss={(key) => respond(key, { type: 'dismissed' }, true)}
          onAnswer={(key, answer) => respond(key, { type: 'answered', answer }, true)}
          onCheck={(key, itemId, checked) => {
            shown = shown.map((s) =>
              s.nudge.key !== key
                ? s
                : { ...s, checked: checked ? [...s.checked, itemId] : s.checked.filter((id) => id !== itemId) },
            );
            respond(key, { type: 'checked', itemId, checked }, false);
          }}
        />
      </div>,
      ensureContainer(),
    );
  }

  function syncRingTimer(): void {
    if (rings.size > 0 && ringTimer === undefined) ringTimer = setInterval(redraw, RING_REDRAW_MS);
    if (rings.size === 0 && ringTimer !== undefined) {
      clearInterval(ringTimer);
      ringTimer = undefined;
    }
  }
  signal.addEventListener('abort', () => {
    if (ringTimer !== undefined) clearInterval(ringTimer);
    if (cardTimer !== undefined) clearInterval(cardTimer);
    for (const timer of timers.values()) clearTimeout(timer);
  });

  /** A checklist nudge starts with what the call's card already has ticked. */
  function checkedOf(nudge: Nudge): readonly string[] {
    const card = cards.get(nudge.callKey);
    if (!card || nudge.kind !== 'checklist') return [];
    if (nudge.ruleId === 'greeting') return card.greeting?.checked ?? [];
    return card.closing?.key === nudge.key ? card.closing.checked : [];
  }

  function show(nudge: Nudge): boolean {
    if (seen.has(nudge.key)) return false;
    seen.add(nudge.key);
    // Remember enough keys to refuse any redelivery (they come within seconds of the first),
    // not a whole shift's: a Set keeps insertion order, so the oldest go first.
    if (seen.size > SEEN_KEYS_KEPT) {
      for (const old of seen) {
        seen.delete(old);
        if (seen.size <= SEEN_KEYS_KEPT) break;
      }
    }
    shown = [...shown, { nudge, shownAt: Date.now(), checked: checkedOf(nudge) }];
    if (nudge.kind === 'toast' && nudge.severity !== 'urgent') {
      timers.set(
        nudge.key,
        setTimeout(() => {
          remove(nudge.key);
          redraw();
        }, AUTO_HIDE_MS[nudge.severity]),
      );
    }
    redraw();
    return true;
  }

  return {
    setLanguage(next) {
      language = next;
      redraw();
    },
    show,
    setCard(card) {
      cards.set(card.callKey, card);
      // One list with the checklist nudges of the call: ticks on the card show there too.
      shown = shown.map((s) => {
        if (s.nudge.callKey !== card.callKey || s.nudge.kind !== 'checklist') return s;
        if (s.nudge.ruleId === 'greeting' && card.greeting) return { ...s, checked: card.greeting.checked };
        if (card.closing && s.nudge.key === card.closing.key) return { ...s, checked: card.closing.checked };
        return s;
      });
      redraw();
    },
    remind(nudge) {
      return { shown: show(nudge), visible: document.visibilityState === 'visible' };
    },
    dismiss(key) {
      remove(key);
      redraw();
    },
    clear() {
      for (const key of [...timers.keys()]) remove(key);
      shown = [];
      rings.clear();
      cards.clear();
      closedCards.clear();
      syncRingTimer();
      syncCardTimer();
      redraw();
    },
    setRing(callKey, ring) {
      if (ring) rings.set(callKey, ring);
      else rings.delete(callKey);
      syncRingTimer();
      redraw();
    },
  };
}
