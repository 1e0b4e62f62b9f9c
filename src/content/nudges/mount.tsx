/**
 * Owns the coaching UI on the page: a host element with a shadow root (clicks from page scripts
 * are ignored because they are not trusted events), created on first use so a page that never
 * gets a call is never touched. In it, one column in the corner: the call card on top, the ring
 * counter and nudges below.
 *
 * The shadow root is closed on web pages in the store build: `host.shadowRoot` is null to page
 * scripts, which must not read the caller's name nor what the agent types. It is open in the
 * test build (`__TEST_BUILD__`, `vite build --mode e2e`), so the browser tests, the benchmark and
 * the accessibility checks can read it, and on our own extension pages (the practice softphone),
 * where no foreign script runs. Key, input, composition and clipboard events from inside stop at
 * the shadow root: the page's own listeners (its hotkeys too) never get the agent's typing.
 *
 * It never moves the focus on its own. The agent moves it: Alt+Shift+S goes to the call card
 * (opening it) and back, Escape in the card goes back to where the agent was.
 *
 * One place for each thing: during a call the card is folded to one line unless the agent opens
 * it; while it is open it holds the greeting and closing checklists and their nudges stand aside;
 * at most two nudges are in view (layout.ts). The column sits where it covers none of the page's
 * controls, or where the agent moved it on this site (placement.ts).
 */
import { render } from 'preact';
import type { Language, Nudge, NudgeResponse, RingStatus } from '../../core/coach/types';
import type { CardCall } from '../../core/messages';
import { CallCard, type CardActions } from '../card/call-card';
import type { Clock } from '../card/ticking';
import { memo } from './memo';
import { matchesShortcut } from '../card/keyboard';
import { CARD_CSS } from '../card/styles';
import { cardString } from '../card/strings';
import { layoutNudges, SHOWN_NUDGES_KEPT, withCardItems } from './layout';
import { createAnnouncer, type Announcer } from './announcer';
import { NudgeStack, ringNumber, type ShownNudge } from './nudge-stack';
import { anchorOfRect, clampAnchor, clearPlace, columnBox, DEFAULT_ANCHOR, ITEM_GAP_PX, stackItems, type Anchor, type Rect, type Size } from './placement';
import type { PositionStore } from './position-store';
import { NUDGE_CSS } from './styles';
import { extensionId } from '../../platform/content-runtime';

/** Plain toasts get out of the way by themselves; questions, checklists and urgent ones stay. */
const AUTO_HIDE_MS = { info: 10_000, nudge: 20_000 } as const;
/**
 * Nudge keys remembered to show each at most once: a redelivery comes within seconds of the
 * first, so the last ~20 calls' keys (a call has up to ~5) are plenty. Unpruned they were
 * 0.45 MB over 2,000 calls; at 500 they kept growing for the first 100 calls.
 */
export const SEEN_KEYS_KEPT = 100;
/**
 * A ring counter the coach never cleared (the call's end missed by this page) goes after this:
 * no call rings that long (PBXs give up after a minute or two).
 */
export const RING_KEEP_MS = 10 * 60_000;
/** Events that carry what the agent types; composed, so they would bubble out to the page. */
const CONTAINED_EVENTS = [
  'keydown',
  'keyup',
  'keypress',
  'beforeinput',
  'input',
  'textInput',
  'compositionstart',
  'compositionupdate',
  'compositionend',
  'paste',
  'copy',
  'cut',
] as const;

/** Our own extension page (a chrome-extension: or moz-extension: URL of this extension): no page script there. */
const onOwnExtensionPage = (): boolean => /^(?:chrome|moz)-extension:$/.test(location.protocol) && location.host === extensionId();

/** See the module comment. */
export const defaultShadowMode = (): ShadowRootMode => (__TEST_BUILD__ || onOwnExtensionPage() ? 'open' : 'closed');

/**
 * How often the overlay's clock ticks while a ring counter is up (a ring is seconds long), and
 * while only a card is shown (its timers count seconds). A tick rewrites the timers' text and
 * redraws only when a ring number changed or something expired; see tick().
 */
const RING_TICK_MS = 250;
const CARD_TICK_MS = 1_000;
/** How often the column's place is looked at again while shown (the page's layout may change under it). */
const PLACE_CHECK_MS = 1_000;
/** A finished call's card stays this long (as long as the coach takes notes for it). */
export const CARD_KEEP_MS = 15 * 60_000;
/** Finished calls' cards kept beyond the one shown (see pruneCards). */
export const FINISHED_CARDS_KEPT = 5;
/** The arrow keys on the move handle move the overlay this far. */
const MOVE_STEP_PX = 16;
/** The page's own controls, which the overlay must not cover. */
const PAGE_CONTROLS =
  'a[href],button,input,select,textarea,[role=button],[role=link],[tabindex]:not([tabindex="-1"])';

/** The page's card: rendered again only when its call, the language or its folding changed (its timers tick by themselves). */
const PageCard = memo(CallCard);


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

const sameList = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

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
  /** Default: `defaultShadowMode()`. */
  shadowMode?: ShadowRootMode;
  /** Where the agent put the overlay on this site (none: it is placed automatically, not remembered). */
  positions?: PositionStore;
  /**
   * Updates that are not a new nudge (cards, ring counters, dismissals, the language) are drawn
   * together within this long: a coach step sends its card, ring counter and nudges as separate
   * messages a few ms apart, one render for them all. A new nudge is drawn at once, with whatever
   * waits. Default 0: each update at once (content-ui.ts sets it for softphone pages).
   */
  coalesceMs?: number;
}): NudgeView {
  const { signal, onResponse, cardActions } = options;
  const trusted = options.trusted ?? ((event: Event) => event.isTrusted);
  let language: Language = 'en';
  let shown: ShownNudge[] = [];
  const seen = new Set<string>();
  const rings = new Map<string, RingStatus>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** The overlay's clock: runs while a ring counter or a card is kept (see syncClock). */
  let clockTimer: ReturnType<typeof setInterval> | undefined;
  let clockPeriod = 0;
  const tickListeners = new Set<() => void>();
  const clock: Clock = {
    now: () => Date.now(),
    subscribe(onTick) {
      tickListeners.add(onTick);
      return () => void tickListeners.delete(onTick);
    },
  };
  /** The ring numbers on screen, by call: a tick redraws when one of them would change. */
  const shownRingNumbers = new Map<string, number>();
  /** When the next kept card or ring counter expires (see pruneCards, pruneRings). */
  let nextExpiry = Infinity;
  /** The call whose card is shown now: the card's stable handlers act on it. */
  let shownCardKey: string | undefined;
  let container: HTMLElement | undefined;
  let host: HTMLElement | undefined;
  /** Kept here: with a closed root, `host.shadowRoot` is null to us too. */
  let shadow: ShadowRoot | undefined;
  const cards = new Map<string, CardCall>();
  const closedCards = new Set<string>();
  /** Calls whose card the agent opened; every other card is folded to one line. */
  const openCards = new Set<string>();
  /** The card the shortcut opened: it folds again when the agent leaves it. */
  let openedByShortcut: string | undefined;
  /** The agent opened the older nudges behind the count. */
  let showOlder = false;
  /** Where the agent put the overlay (remembered per site); undefined: placed automatically. */
  let agentAnchor: Anchor | undefined;
  let autoAnchor: Anchor = DEFAULT_ANCHOR;
  let drag: { pointerId: number; x: number; y: number; rect: Rect } | undefined;
  /** Where the focus was when the agent went to the card: Escape goes back there. */
  let returnFocus: HTMLElement | undefined;
  let announcer: Announcer | undefined;

  function ensureContainer(): HTMLElement {
    if (container) return container;
    // A host left by the content script of the version before an update (orphaned, it lets go
    // within seconds): this one takes over what it showed, so nothing is on screen twice.
    for (const stale of document.querySelectorAll('second-ring-coach')) stale.remove();
    host = document.createElement('second-ring-coach');
    host.style.setProperty('all', 'initial', 'important');
    const root = host.attachShadow({ mode: options.shadowMode ?? defaultShadowMode() });
    shadow = root;
    for (const type of CONTAINED_EVENTS) root.addEventListener(type, (event) => event.stopPropagation(), { signal });
    const style = document.createElement('style');
    style.textContent = NUDGE_CSS + CARD_CSS;
    root.append(style);
    // The live regions are in place, empty, before any nudge: a region created with its text is often not read.
    announcer = createAnnouncer(root, signal);
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

  /** Takes the nudge `key` off the stack; false when it was not there (the stack is left as it was). */
  function remove(key: string): boolean {
    const timer = timers.get(key);
    if (timer !== undefined) clearTimeout(timer);
    timers.delete(key);
    if (!shown.some((s) => s.nudge.key === key)) return false;
    shown = shown.filter((s) => s.nudge.key !== key);
    return true;
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
    if (openedByShortcut !== undefined) {
      openCards.delete(openedByShortcut);
      openedByShortcut = undefined;
      redraw();
    }
    if (back?.isConnected && back !== document.body) back.focus();
    else (shadow?.activeElement as HTMLElement | null | undefined)?.blur();
  }

  function goToCard(): boolean {
    const card = currentCard(cards.values(), closedCards, Date.now());
    if (!card) return false;
    const active = document.activeElement;
    if (host && active === host) {
      leaveCard();
      return true;
    }
    returnFocus = active instanceof HTMLElement ? active : undefined;
    if (!openCards.has(card.callKey)) {
      // Its controls are what the agent came for: open it, and fold it again on the way back.
      openCards.add(card.callKey);
      openedByShortcut = card.callKey;
      redraw();
    }
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

  /** The clock ticks fast while a ring counter is up, slowly while only cards are kept, not at all otherwise. */
  function syncClock(): void {
    const period = rings.size > 0 ? RING_TICK_MS : cards.size > 0 ? CARD_TICK_MS : 0;
    if (period === clockPeriod) return;
    if (clockTimer !== undefined) clearInterval(clockTimer);
    clockTimer = period > 0 ? setInterval(tick, period) : undefined;
    clockPeriod = period;
  }

  /** One tick: the timers rewrite their text; a redraw only when a ring number changed or something expired. */
  function tick(): void {
    if (signal.aborted) return;
    const now = Date.now();
    // The page is measured before the timers rewrite their text: a read after a write forces a layout.
    if (now - lastMeasured >= PLACE_CHECK_MS) {
      measurePage();
      place();
    }
    for (const onTick of tickListeners) onTick();
    let changed = now >= nextExpiry;
    for (const [callKey, ring] of rings) if (shownRingNumbers.get(callKey) !== ringNumber(ring, now)) changed = true;
    if (changed) redraw();
  }

  /**
   * Finished calls' cards go after CARD_KEEP_MS, and beyond the newest FINISHED_CARDS_KEPT at
   * once (only the newest is ever shown; a shift of calls must not pile up in the page),
   * unless a nudge of that call is still on screen and reads its checklist from the card.
   */
  function pruneCards(now: number): void {
    // Most redraws have nothing to prune: no array, no sort for them (this runs on every call event).
    let finishedCount = 0;
    let soonest = Infinity;
    for (const card of cards.values()) {
      if (card.endedAt === undefined) continue;
      finishedCount++;
      soonest = Math.min(soonest, card.endedAt + CARD_KEEP_MS);
    }
    if (finishedCount <= FINISHED_CARDS_KEPT && soonest > now) {
      nextExpiry = Math.min(nextExpiry, soonest);
      return;
    }
    const finished = [...cards.values()].filter((card) => card.endedAt !== undefined).sort((a, b) => b.startedAt - a.startedAt);
    const onScreen = new Set(shown.map((s) => s.nudge.callKey));
    for (const [i, card] of finished.entries()) {
      const expired = now - (card.endedAt ?? now) >= CARD_KEEP_MS;
      if (expired || (i >= FINISHED_CARDS_KEPT && !onScreen.has(card.callKey))) {
        cards.delete(card.callKey);
        closedCards.delete(card.callKey);
        openCards.delete(card.callKey);
      } else {
        nextExpiry = Math.min(nextExpiry, (card.endedAt ?? now) + CARD_KEEP_MS);
      }
    }
  }

  /** Ring counters the coach never cleared go after RING_KEEP_MS (see there). */
  function pruneRings(now: number): void {
    for (const [callKey, ring] of rings) {
      if (now - ring.startedAt >= RING_KEEP_MS) rings.delete(callKey);
      else nextExpiry = Math.min(nextExpiry, ring.startedAt + RING_KEEP_MS);
    }
  }

  // The card's handlers, the same functions on every redraw (so an unchanged card is not rendered again).
  function toggleCard(): void {
    const key = shownCardKey;
    if (key === undefined) return;
    if (openCards.has(key)) openCards.delete(key);
    else openCards.add(key);
    openedByShortcut = undefined;
    redraw();
  }

  function closeCard(): void {
    if (shownCardKey === undefined) return;
    closedCards.add(shownCardKey);
    leaveCard();
    redraw();
  }

  // The stack's handlers, likewise the same functions on every redraw.
  const dismissNudge = (key: string) => respond(key, { type: 'dismissed' }, true);
  const answerNudge = (key: string, answer: 'yes' | 'no') => respond(key, { type: 'answered', answer }, true);
  function checkNudgeItem(key: string, itemId: string, checked: boolean): void {
    shown = shown.map((s) =>
      s.nudge.key !== key ? s : { ...s, checked: checked ? [...s.checked, itemId] : s.checked.filter((id) => id !== itemId) },
    );
    respond(key, { type: 'checked', itemId, checked }, false);
  }

  /** withCardItems, the same object while neither the nudge nor its card's greeting changed (see NudgeStack's memo). */
  const withItemsMemo = new WeakMap<ShownNudge, { greeting: unknown; result: ShownNudge }>();
  function withItems(s: ShownNudge): ShownNudge {
    const card = cards.get(s.nudge.callKey);
    // null: a card without its greeting yet (see withCardItems); undefined: no card.
    const greeting = card ? (card.greeting ?? null) : undefined;
    const memoized = withItemsMemo.get(s);
    if (memoized && memoized.greeting === greeting) return memoized.result;
    const result = withCardItems(s, cards);
    withItemsMemo.set(s, { greeting, result });
    return result;
  }

  let pendingRedraw: ReturnType<typeof setTimeout> | undefined;
  /** A redraw within `coalesceMs` (see there), or at once. */
  function redrawSoon(): void {
    const wait = options.coalesceMs ?? 0;
    if (wait <= 0) return redraw();
    pendingRedraw ??= setTimeout(redraw, wait);
  }

  function redraw(): void {
    if (pendingRedraw !== undefined) {
      clearTimeout(pendingRedraw);
      pendingRedraw = undefined;
    }
    if (signal.aborted) return;
    const now = Date.now();
    nextExpiry = Infinity;
    pruneCards(now);
    pruneRings(now);
    syncClock();
    const card = currentCard(cards.values(), closedCards, now);
    shownCardKey = card?.callKey;
    shownRingNumbers.clear();
    for (const [callKey, ring] of rings) shownRingNumbers.set(callKey, ringNumber(ring, now));
    if (!container && shown.length === 0 && rings.size === 0 && !card) return;
    const open = card !== undefined && openCards.has(card.callKey);
    const layout = layoutNudges(shown, open ? card : undefined, showOlder);
    if (layout.folded === 0 && layout.visible.length <= 2) showOlder = false;
    const older = layout.folded > 0 || showOlder ? { folded: layout.folded, open: showOlder, onToggle: toggleOlder } : undefined;
    const empty = !card && layout.visible.length === 0 && rings.size === 0;
    render(
      <div class="column">
        {!empty && (
          <button
            type="button"
            class="grip"
            data-action="move"
            aria-label={cardString(language, 'move')}
            title={cardString(language, 'move')}
            onPointerDown={startDrag}
            onPointerMove={moveDrag}
            onPointerUp={endDrag}
            onKeyDown={moveByKey}
          >
            ⠿
          </button>
        )}
        {card && (
          <PageCard
            key={card.callKey}
            card={card}
            language={language}
            clock={clock}
            actions={cardActions}
            collapsed={!open}
            hint
            trusted={trusted}
            onToggle={toggleCard}
            onClose={closeCard}
            onEscape={leaveCard}
          />
        )}
        <NudgeStack
          language={language}
          nudges={layout.visible.map(withItems)}
          rings={[...rings.values()]}
          now={now}
          onDismiss={dismissNudge}
          onAnswer={answerNudge}
          onCheck={checkNudgeItem}
          {...(older ? { older } : {})}
        />
      </div>,
      ensureContainer(),
    );
    watchItems();
  }

  function toggleOlder(event: Event): void {
    if (!trusted(event)) return;
    showOlder = !showOlder;
    redraw();
  }

  // ─── where the column sits ────────────────────────────────────────────────────────────────
  //
  // Nothing here reads the page's layout as the overlay changes. Each item's size comes from a
  // ResizeObserver, which tells it after the browser's own layout and before it paints; the
  // window's size and the page's controls are measured at most each PLACE_CHECK_MS (after the
  // browser's layout when an item's size changed, else on the clock's tick), on a resize and when
  // the agent moves the column (measurePage); and only what changed is written (transforms, the
  // column's height). Traced before: reading the items' sizes once per frame with changes forced
  // a layout each time, half of the UI's script time in a burst of calls.

  /** The window without its vertical scroll bar: what a right or bottom anchor is measured from. */
  const viewport = (): Size => ({ width: document.documentElement.clientWidth, height: window.innerHeight });

  let column: HTMLElement | null = null;
  /** The column Preact rendered (the same element for the overlay's life; looked up again only if it was replaced). */
  function columnElement(): HTMLElement | null {
    if (!column || column.parentNode !== container) column = container?.querySelector<HTMLElement>('.column') ?? null;
    return column;
  }

  /** The page's controls (those out of view or not rendered cover nothing the column could). */
  const pageControls = (): Rect[] => [...document.querySelectorAll(PAGE_CONTROLS)].map((el) => el.getBoundingClientRect());

  /** The window and its controls as last measured (no controls while the agent's place holds: they are not looked at). */
  let page: { view: Size; controls: readonly Rect[] } | undefined;
  let lastMeasured = 0;
  function measurePage(): void {
    lastMeasured = Date.now();
    page = { view: viewport(), controls: agentAnchor ? [] : pageControls() };
  }

  /** The transform last written, by column (the browser serializes it its own way: not read back). */
  const writtenTransforms = new WeakMap<HTMLElement, string>();
  /**
   * Puts the column at its anchor with a `transform` only (its layout box stays at the window's
   * top-left): moving it, or growing it away from a bottom or right anchor, then moves no box in
   * the page's layout, so none of it counts as a layout shift for the page (its CLS). `100%` is
   * the column's own size, so the browser keeps a bottom anchor as the column grows, in the same
   * frame. Writes only what changed: placed again each second, an unchanged place must not touch
   * the page's style.
   */
  function applyAnchor(column: HTMLElement, anchor: Anchor, view: Size): void {
    const x = anchor.h === 'left' ? `${anchor.x}px` : `calc(${view.width - anchor.x}px - 100%)`;
    const y = anchor.v === 'top' ? `${anchor.y}px` : `calc(${view.height - anchor.y}px - 100%)`;
    const transform = `translate(${x}, ${y})`;
    if (writtenTransforms.get(column) === transform) return;
    writtenTransforms.set(column, transform);
    column.style.transform = transform;
    column.dataset.anchor = `${anchor.h} ${anchor.x} ${anchor.v} ${anchor.y}`;
  }

  /**
   * The column's items, top to bottom: the handle, the card, then the stack's ring counters, count
   * and nudges (walked, not matched by a selector: this runs after every render).
   */
  function itemsOf(column: HTMLElement): { items: HTMLElement[]; stack: Element | null } {
    const found: HTMLElement[] = [];
    let stack: Element | null = null;
    for (const child of column.children) {
      if (child.classList.contains('stack')) {
        stack = child;
        found.push(...(child.children as HTMLCollectionOf<HTMLElement>));
      } else {
        found.push(child as HTMLElement);
      }
    }
    return { items: found, stack };
  }
  /** The items as last rendered, and as arrange() last stacked them. */
  let items: readonly HTMLElement[] = [];
  let arranged: readonly HTMLElement[] = [];
  /**
   * The observed elements (the items and the stack, as wide as the column: styles.ts) and each
   * one's border box in whole pixels as the ResizeObserver last told it; undefined until it has.
   */
  const sizes = new Map<Element, Size | undefined>();
  let stackElement: Element | null = null;
  /** The transform written on each item (not read back). */
  const itemTransforms = new WeakMap<HTMLElement, string>();
  /** The items' height as stacked (the column's height as written), -1 before the first. */
  let columnHeight = -1;

  /**
   * Stacks the items by transforms: each sits at the column's top-left in the page's layout
   * (styles.ts), so a nudge coming, going or growing moves no other item's layout box (nor a ring
   * counter's longer text its own), and no item's move counts as a layout shift for the page.
   * What the agent sees is the flex column it was: right-aligned, ITEM_GAP_PX apart. Waits while
   * an item's size is not told yet (a new item's comes before the frame is painted).
   */
  function arrange(column: HTMLElement): void {
    const width = stackElement ? sizes.get(stackElement)?.width : undefined;
    const known = items.map((item) => sizes.get(item));
    if (width === undefined || !known.every((size): size is Size => size !== undefined)) return;
    // Whole pixels: with fractional sizes (and so a fractional column height and translations)
    // the layout-shift test saw boxes of ours shift again, by a pixel's snapping.
    const stacked = stackItems(known.map((size) => size.height), ITEM_GAP_PX);
    items.forEach((item, i) => {
      // At the column's right edge (the card and nudges are as wide as the column): a ring counter
      // whose text grows keeps its left edge in the layout too.
      const transform = `translate(${width - (known[i]?.width ?? 0)}px, ${stacked.offsets[i] ?? 0}px)`;
      if (itemTransforms.get(item) === transform) return;
      itemTransforms.set(item, transform);
      item.style.transform = transform;
    });
    arranged = items;
    if (stacked.height !== columnHeight) {
      columnHeight = stacked.height;
      column.style.height = `${stacked.height}px`;
    }
  }

  /** Where the agent put it, else clear of the page's controls (as last measured). */
  function place(): void {
    const column = columnElement();
    if (!column || !page) return;
    const { view, controls } = page;
    const size = columnBox(stackElement ? (sizes.get(stackElement)?.width ?? 0) : 0, Math.max(0, columnHeight), view);
    if (agentAnchor) return applyAnchor(column, clampAnchor(agentAnchor, size, view), view);
    if (size.width > 0) autoAnchor = clearPlace(autoAnchor, size, view, controls);
    applyAnchor(column, autoAnchor, view);
  }

  /** The items' sizes as the browser laid them out: stacked and placed again before the frame is painted. */
  function resized(entries: readonly ResizeObserverEntry[]): void {
    if (signal.aborted) return;
    for (const entry of entries) {
      const box = entry.borderBoxSize[0];
      if (box && sizes.has(entry.target)) sizes.set(entry.target, { width: Math.round(box.inlineSize), height: Math.round(box.blockSize) });
    }
    // Read before anything is written: the layout is up to date here, so it costs nothing (the
    // check each second happens here while the overlay changes, else in tick()).
    if (!page || Date.now() - lastMeasured >= PLACE_CHECK_MS) measurePage();
    const column = columnElement();
    if (!column) return;
    arrange(column);
    place();
  }

  let resizes: ResizeObserver | undefined;
  /**
   * After each render: the items and the stack are observed (a new one's size comes after the
   * browser's layout, before it paints: stacked then), those gone no longer; when one went or
   * the order changed, the others are stacked again at once, from their known sizes.
   */
  function watchItems(): void {
    const column = columnElement();
    if (!column) return;
    ({ items, stack: stackElement } = itemsOf(column));
    const wanted: readonly Element[] = stackElement ? [...items, stackElement] : items;
    resizes ??= new ResizeObserver(resized);
    for (const element of wanted) {
      if (sizes.has(element)) continue;
      resizes.observe(element, { box: 'border-box' });
      sizes.set(element, undefined);
    }
    for (const element of sizes.keys()) {
      if (wanted.includes(element)) continue;
      resizes.unobserve(element);
      sizes.delete(element);
    }
    if (items.length !== arranged.length || items.some((item, i) => item !== arranged[i])) {
      arrange(column);
      place();
    }
  }

  /** The agent put the column at `rect`: kept there (nearest corner), and remembered for this site. */
  function moveTo(rect: Rect, save: boolean): void {
    // Kept inside the window by place() (clampAnchor).
    measurePage();
    agentAnchor = anchorOfRect(rect, page?.view ?? viewport());
    place();
    if (save) options.positions?.save(agentAnchor);
  }

  function columnRect(): Rect | undefined {
    const r = columnElement()?.getBoundingClientRect();
    return r ? { left: r.left, top: r.top, width: r.width, height: r.height } : undefined;
  }

  function startDrag(event: PointerEvent): void {
    const rect = columnRect();
    if (!trusted(event) || event.button !== 0 || !rect) return;
    event.preventDefault();
    (event.currentTarget as HTMLElement).setPointerCapture?.(event.pointerId);
    drag = { pointerId: event.pointerId, x: event.clientX, y: event.clientY, rect };
  }

  function moveDrag(event: PointerEvent): void {
    if (!drag || event.pointerId !== drag.pointerId || !trusted(event)) return;
    moveTo({ ...drag.rect, left: drag.rect.left + event.clientX - drag.x, top: drag.rect.top + event.clientY - drag.y }, false);
  }

  function endDrag(event: PointerEvent): void {
    if (!drag || event.pointerId !== drag.pointerId) return;
    drag = undefined;
    if (agentAnchor) options.positions?.save(agentAnchor);
  }

  function moveByKey(event: KeyboardEvent): void {
    if (!trusted(event)) return;
    const rect = columnRect();
    if (!rect) return;
    const delta = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    if (delta) {
      moveTo({ ...rect, left: rect.left + (delta[0] ?? 0) * MOVE_STEP_PX, top: rect.top + (delta[1] ?? 0) * MOVE_STEP_PX }, true);
    } else if (event.key === 'Home') {
      // Back to the automatic place, clear of the page's controls; forgotten for this site.
      agentAnchor = undefined;
      options.positions?.save(undefined);
      measurePage();
      place();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  window.addEventListener(
    'resize',
    () => {
      measurePage();
      place();
    },
    { signal },
  );
  void options.positions?.load().then(
    (anchor) => {
      if (anchor && !agentAnchor) {
        agentAnchor = anchor;
        measurePage();
        place();
      }
    },
    () => undefined,
  );

  signal.addEventListener('abort', () => {
    if (clockTimer !== undefined) clearInterval(clockTimer);
    if (pendingRedraw !== undefined) clearTimeout(pendingRedraw);
    resizes?.disconnect();
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
    // The oldest beyond the cap go quietly (the coach keeps its own record of what was shown).
    for (const old of shown.slice(0, Math.max(0, shown.length - SHOWN_NUDGES_KEPT))) remove(old.nudge.key);
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
    announcer?.announce(nudge.text, nudge.severity === 'urgent');
    return true;
  }

  return {
    setLanguage(next) {
      language = next;
      redrawSoon();
    },
    show,
    setCard(card) {
      cards.set(card.callKey, card);
      // One list with the checklist nudges of the call: ticks on the card show there too.
      // Unchanged ticks keep the nudge's object, so it is not rendered again.
      const withChecked = (s: ShownNudge, checked: readonly string[]) => (sameList(s.checked, checked) ? s : { ...s, checked });
      shown = shown.map((s) => {
        if (s.nudge.callKey !== card.callKey || s.nudge.kind !== 'checklist') return s;
        if (s.nudge.ruleId === 'greeting' && card.greeting) return withChecked(s, card.greeting.checked);
        if (card.closing && s.nudge.key === card.closing.key) return withChecked(s, card.closing.checked);
        return s;
      });
      redrawSoon();
    },
    remind(nudge) {
      return { shown: show(nudge), visible: document.visibilityState === 'visible' };
    },
    dismiss(key) {
      // The coach dismisses every nudge a step made moot, shown here or not (one it never sent,
      // one already closed): nothing to draw again for those.
      if (remove(key)) redrawSoon();
    },
    clear() {
      for (const key of [...timers.keys()]) remove(key);
      shown = [];
      rings.clear();
      cards.clear();
      closedCards.clear();
      openCards.clear();
      openedByShortcut = undefined;
      redraw();
    },
    setRing(callKey, ring) {
      if (ring) rings.set(callKey, ring);
      else rings.delete(callKey);
      redrawSoon();
    },
  };
}
