// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { options } from 'preact';
import {
  createNudgeView,
  currentCard,
  defaultShadowMode,
  CARD_KEEP_MS,
  FINISHED_CARDS_KEPT,
  RING_KEEP_MS,
  SEEN_KEYS_KEPT,
} from '../../../src/content/nudges/mount';
import { SHOWN_NUDGES_KEPT } from '../../../src/content/nudges/layout';
import { matchesShortcut } from '../../../src/content/card/keyboard';
import type { CardActions } from '../../../src/content/card/call-card';
import type { CardCall } from '../../../src/core/messages';
import type { Nudge } from '../../../src/core/coach/types';
import type { Anchor } from '../../../src/content/nudges/placement';
import type { PositionStore } from '../../../src/content/nudges/position-store';

const T0 = Date.now();
let controller: AbortController;

afterEach(() => {
  controller?.abort();
  document.body.innerHTML = '';
});

function card(extra: Partial<CardCall> = {}): CardCall {
  return {
    callKey: '7:c1',
    tabId: 7,
    direction: 'inbound',
    state: 'connected',
    startedAt: T0 - 10_000,
    answeredAt: T0 - 5_000,
    language: 'en',
    greeting: { items: [{ id: 'greeting', text: 'Hello,' }, { id: 'ownName', text: 'this is Anna' }], checked: [] },
    messages: [],
    ...extra,
  };
}

const noActions: CardActions = {
  callerName: () => undefined,
  greeting: () => undefined,
  closing: () => undefined,
  saveMessage: async () => undefined,
  delivered: () => undefined,
};

function view(positions?: PositionStore, coalesceMs?: number) {
  controller = new AbortController();
  const responses: unknown[] = [];
  const v = createNudgeView({
    signal: controller.signal,
    onResponse: (key, r) => responses.push([key, r]),
    cardActions: noActions,
    trusted: () => true,
    ...(positions ? { positions } : {}),
    ...(coalesceMs !== undefined ? { coalesceMs } : {}),
  });
  const root = () => document.querySelector('second-ring-coach')?.shadowRoot;
  return { v, root, responses };
}

const shortcut = () => new KeyboardEvent('keydown', { code: 'KeyS', key: 'S', altKey: true, shiftKey: true, bubbles: true, cancelable: true });

describe('the call card on the page', () => {
  it('shows in the nudges\' shadow root, above them, without taking the focus', () => {
    const button = document.createElement('button');
    document.body.append(button);
    button.focus();
    const { v, root } = view();
    v.setCard(card());
    const column = root()?.querySelector('.column');
    // The move handle, then the card, then the nudges.
    expect([...(column?.children ?? [])].map((el) => el.className.split(' ')[0])).toEqual(['grip', 'card', 'stack']);
    expect(document.activeElement).toBe(button);
  });

  it('goes to the card with Alt+Shift+S and back where the agent was with Escape or the shortcut again', () => {
    const input = document.createElement('input');
    document.body.append(input);
    input.focus();
    const { v, root } = view();
    // No card: the key is the page's.
    const early = shortcut();
    window.dispatchEvent(early);
    expect(early.defaultPrevented).toBe(false);

    v.setCard(card());
    const event = shortcut();
    input.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    expect(root()?.activeElement?.classList.contains('card')).toBe(true);
    root()?.querySelector('.card')?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(document.activeElement).toBe(input);

    input.dispatchEvent(shortcut());
    expect(root()?.activeElement?.classList.contains('card')).toBe(true);
    window.dispatchEvent(shortcut());
    expect(document.activeElement).toBe(input);
  });

  it('matches the shortcut on the physical key, with exactly Alt and Shift', () => {
    const k = (o: Partial<KeyboardEvent>) => ({ code: 'KeyS', altKey: true, shiftKey: true, ctrlKey: false, metaKey: false, ...o });
    expect(matchesShortcut(k({}))).toBe(true);
    expect(matchesShortcut(k({ ctrlKey: true }))).toBe(false);
    expect(matchesShortcut(k({ shiftKey: false }))).toBe(false);
    expect(matchesShortcut(k({ code: 'KeyD' }))).toBe(false);
  });

  it('shows the newest live call, else the newest finished one not closed and not older than its keep time', () => {
    const live = card({ callKey: '7:live', startedAt: T0 });
    const ended = card({ callKey: '7:old', startedAt: T0 - 60_000, endedAt: T0 - 30_000, state: 'ended' });
    const newerEnded = card({ callKey: '7:new', startedAt: T0 - 20_000, endedAt: T0 - 1_000, state: 'ended' });
    expect(currentCard([ended, live, newerEnded], new Set(), T0)?.callKey).toBe('7:live');
    expect(currentCard([ended, newerEnded], new Set(), T0)?.callKey).toBe('7:new');
    expect(currentCard([ended, newerEnded], new Set(['7:new']), T0)?.callKey).toBe('7:old');
    expect(currentCard([ended], new Set(), T0 - 30_000 + CARD_KEEP_MS)).toBeUndefined();
  });

  it("keeps the greeting checklist nudge and the card's greeting one list", () => {
    const { v, root } = view();
    const nudge: Nudge = {
      key: '7:c1|greeting|1',
      callKey: '7:c1',
      tabId: 7,
      ruleId: 'greeting',
      occurrence: 1,
      severity: 'info',
      kind: 'checklist',
      text: 'Greet the caller',
      items: [{ id: 'greeting', text: 'Hello,' }, { id: 'ownName', text: 'this is Anna' }],
      firedAt: T0,
    };
    v.setCard(card({ greeting: { items: nudge.items!.slice(), checked: ['greeting'] } }));
    v.show(nudge);
    const inNudge = (id: string) => root()?.querySelector(`.nudge input[data-item="${id}"]`) as HTMLInputElement;
    expect(inNudge('greeting').checked).toBe(true);
    v.setCard(card({ greeting: { items: nudge.items!.slice(), checked: ['greeting', 'ownName'] } }));
    expect(inNudge('ownName').checked).toBe(true);
  });

  it('closes a finished call\'s card on request, and redraws its timer every second while live', () => {
    vi.useFakeTimers({ now: T0 });
    try {
      const { v, root } = view();
      v.setCard(card());
      const timer = () => root()?.querySelector('[data-timer]')?.textContent;
      expect(timer()).toBe('0:05');
      vi.advanceTimersByTime(3_000);
      expect(timer()).toBe('0:08');
      v.setCard(card({ state: 'ended', endedAt: T0 + 3_000 }));
      (root()?.querySelector('[data-action="close"]') as HTMLButtonElement).click();
      expect(root()?.querySelector('.card')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps no more than a few finished cards over a shift: closing the newest ones never brings back a call from long ago', () => {
    vi.useFakeTimers({ now: T0 });
    try {
      const { v, root } = view();
      // 40 finished calls, a minute apart, all within the keep time.
      for (let i = 0; i < 40; i++) {
        v.setCard(card({ callKey: `7:c${i}`, remote: { displayName: `Caller ${i}` }, startedAt: T0 - (40 - i) * 60_000, answeredAt: T0 - (40 - i) * 60_000 + 5_000, state: 'ended', endedAt: T0 - (40 - i) * 60_000 + 30_000 }));
      }
      const shownKey = () => /Caller (\d+)/.exec(root()?.querySelector('.card')?.textContent ?? '')?.[1];
      const closed: string[] = [];
      while (root()?.querySelector('.card')) {
        closed.push(shownKey() ?? '?');
        (root()?.querySelector('[data-action="close"]') as HTMLButtonElement).click();
        if (closed.length > 40) break;
      }
      expect(closed).toEqual(['39', '38', '37', '36', '35']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('shows a reminder like a nudge, once, and says whether the page is visible', () => {
    const { v, root } = view();
    const nudge: Nudge = { key: 'message:m1|take-message|reminder', callKey: '', tabId: 7, ruleId: 'take-message', occurrence: 1, severity: 'nudge', kind: 'toast', text: 'Deliver it', firedAt: T0 };
    expect(v.remind(nudge)).toEqual({ shown: true, visible: true });
    expect(v.remind(nudge)).toEqual({ shown: false, visible: true });
    expect(root()?.querySelector('.nudge[data-rule="take-message"]')?.textContent).toContain('Deliver it');
  });
});

describe('the coach UI against the page', () => {
  it('keeps a closed shadow root (the store build on a web page) and still works', () => {
    expect(defaultShadowMode()).toBe('open'); // the unit tests run as the test build
    controller = new AbortController();
    const v = createNudgeView({ signal: controller.signal, onResponse: () => undefined, cardActions: noActions, trusted: () => true, shadowMode: 'closed' });
    v.setCard(card());
    const host = document.querySelector('second-ring-coach')!;
    expect(host).not.toBeNull();
    expect(host.shadowRoot).toBeNull();
  });

  it("stops the agent's key, input and clipboard events at the shadow boundary", () => {
    const { v, root } = view();
    v.setCard(card());
    // The card is folded to one line during a call: open it, as the agent does, to type.
    (root()?.querySelector('[data-action="toggle"]') as HTMLButtonElement).click();
    const seenByPage: string[] = [];
    for (const type of ['keydown', 'keyup', 'keypress', 'beforeinput', 'input', 'compositionend', 'paste']) {
      document.addEventListener(type, () => seenByPage.push(type));
      window.addEventListener(type, () => seenByPage.push(`window ${type}`));
    }
    const field = root()!.querySelector<HTMLInputElement>('[data-field="caller-name"]')!;
    const seenInside: string[] = [];
    field.addEventListener('keydown', () => seenInside.push('keydown'));
    field.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true, composed: true }));
    field.dispatchEvent(new KeyboardEvent('keyup', { key: 'a', bubbles: true, composed: true }));
    field.dispatchEvent(new KeyboardEvent('keypress', { key: 'a', bubbles: true, composed: true }));
    field.dispatchEvent(new InputEvent('beforeinput', { data: 'a', bubbles: true, composed: true }));
    field.dispatchEvent(new InputEvent('input', { data: 'a', bubbles: true, composed: true }));
    field.dispatchEvent(new Event('compositionend', { bubbles: true, composed: true }));
    field.dispatchEvent(new Event('paste', { bubbles: true, composed: true }));
    expect(seenInside).toEqual(['keydown']);
    expect(seenByPage).toEqual([]);
    // The page's own typing is not ours to stop.
    const pageInput = document.createElement('input');
    document.body.append(pageInput);
    pageInput.dispatchEvent(new KeyboardEvent('keydown', { key: 'b', bubbles: true, composed: true }));
    expect(seenByPage).toEqual(['keydown', 'window keydown']);
  });
});

function greetingNudge(extra: Partial<Nudge> = {}): Nudge {
  return {
    key: '7:c1|greeting|1',
    callKey: '7:c1',
    tabId: 7,
    ruleId: 'greeting',
    occurrence: 1,
    severity: 'info',
    kind: 'checklist',
    text: 'Greet the caller:',
    items: [{ id: 'greeting', text: 'Hello,' }, { id: 'ownName', text: 'this is Anna' }],
    firedAt: T0,
    ...extra,
  };
}

const toast = (n: number): Nudge => ({
  key: `7:c1|hold-check-back|${n}`,
  callKey: '7:c1',
  tabId: 7,
  ruleId: 'hold-check-back',
  occurrence: n,
  severity: 'urgent',
  kind: 'toast',
  text: `Check back ${n}`,
  firedAt: T0 + n,
});

describe('one place for each thing on screen', () => {
  it('folds the card to one line during a call; open, it holds the greeting and the greeting nudge stands aside', () => {
    const { v, root } = view();
    v.setCard(card({ callerName: 'Jānis' }));
    v.show(greetingNudge());
    const cardEl = () => root()?.querySelector('.card') as HTMLElement;
    const greetingNudges = () => root()?.querySelectorAll('.nudge[data-rule="greeting"]').length;
    expect(cardEl().classList.contains('card--folded')).toBe(true);
    expect(cardEl().querySelector('[data-list="greeting"]')).toBeNull();
    expect(cardEl().querySelector('.card__head')?.textContent).toContain('Jānis');
    expect(cardEl().querySelectorAll('p').length).toBe(1); // one line
    expect(greetingNudges()).toBe(1); // folded: the nudge carries the list

    (cardEl().querySelector('[data-action="toggle"]') as HTMLButtonElement).click();
    expect(cardEl().classList.contains('card--folded')).toBe(false);
    expect(cardEl().querySelector('[data-list="greeting"]')).not.toBeNull();
    expect(greetingNudges()).toBe(0); // open: the card holds it, once

    v.setCard(card({ callerName: 'Jānis', greeting: { items: greetingNudge().items!.slice(), checked: ['ownName'] } }));
    (cardEl().querySelector('[data-action="toggle"]') as HTMLButtonElement).click();
    expect(greetingNudges()).toBe(1);
    expect((root()?.querySelector('.nudge input[data-item="ownName"]') as HTMLInputElement).checked).toBe(true);
  });

  it('lets the closing checklist live in the open card only, and in the nudge while the card is folded or closed', () => {
    const { v, root } = view();
    const closing: Nudge = { ...greetingNudge(), key: '7:c1|closing|1', ruleId: 'closing', text: 'Closing the call — tick what you did:', items: [{ id: 'recap', text: 'Recap' }] };
    const ended = card({ state: 'ended', endedAt: T0, closing: { key: closing.key, items: closing.items!.slice(), checked: [] } });
    v.setCard(ended);
    v.show(closing);
    const closingNudges = () => root()?.querySelectorAll('.nudge[data-rule="closing"]').length;
    expect(closingNudges()).toBe(1);
    (root()?.querySelector('[data-action="toggle"]') as HTMLButtonElement).click();
    expect(root()?.querySelector('.card [data-list="closing"]')).not.toBeNull();
    expect(closingNudges()).toBe(0);
    (root()?.querySelector('[data-action="close"]') as HTMLButtonElement).click();
    expect(root()?.querySelector('.card')).toBeNull();
    expect(closingNudges()).toBe(1);
  });

  it('opens the card for the keyboard shortcut and folds it again when the agent goes back', () => {
    const input = document.createElement('input');
    document.body.append(input);
    input.focus();
    const { v, root } = view();
    v.setCard(card());
    input.dispatchEvent(shortcut());
    expect(root()?.querySelector('.card')?.classList.contains('card--folded')).toBe(false);
    expect(root()?.activeElement?.classList.contains('card')).toBe(true);
    root()?.querySelector('.card')?.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(document.activeElement).toBe(input);
    expect(root()?.querySelector('.card')?.classList.contains('card--folded')).toBe(true);
  });

  it('shows at most two nudges; the older ones wait behind a count the agent can open and fold again', () => {
    const { v, root } = view();
    for (const n of [1, 2, 3, 4]) v.show(toast(n));
    const texts = () => [...(root()?.querySelectorAll('.nudge .nudge__text') ?? [])].map((el) => el.textContent);
    const older = () => root()?.querySelector('[data-action="older-nudges"]') as HTMLButtonElement | null;
    expect(texts()).toEqual(['Check back 3', 'Check back 4']);
    expect(older()?.textContent).toBe('2 more');
    expect(older()?.getAttribute('aria-expanded')).toBe('false');
    // Announced once by the overlay's live regions (nudges/announcer.ts), not by the nudges themselves.
    expect(root()?.querySelectorAll('.announcer[aria-live]').length).toBe(2);
    for (const el of root()?.querySelectorAll('.nudge') ?? []) expect(el.getAttribute('aria-live')).toBeNull();
    older()?.click();
    expect(texts()).toEqual(['Check back 1', 'Check back 2', 'Check back 3', 'Check back 4']);
    expect(older()?.getAttribute('aria-expanded')).toBe('true');
    older()?.click();
    expect(texts()).toHaveLength(2);
    // Two dismissed: nothing left behind the count, and no count.
    v.dismiss(toast(4).key);
    v.dismiss(toast(3).key);
    expect(texts()).toEqual(['Check back 1', 'Check back 2']);
    expect(older()).toBeNull();
  });

  it('draws nothing again when the coach dismisses a nudge it does not show (one never sent, or closed already)', async () => {
    const { v, root } = view();
    v.show(toast(1));
    v.show(toast(2));
    v.dismiss(toast(2).key);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Every component diffed from here on (Preact's public hook, called after each vnode's diff).
    let diffed = 0;
    const before = options.diffed;
    options.diffed = (vnode) => {
      diffed++;
      before?.(vnode);
    };
    try {
      v.dismiss('7:c1|no-such-nudge');
      v.dismiss(toast(2).key);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      options.diffed = before;
    }
    expect(diffed).toBe(0);
    expect([...(root()?.querySelectorAll('.nudge .nudge__text') ?? [])].map((el) => el.textContent)).toEqual(['Check back 1']);
  });

  it("lists in the greeting nudge the card's parts: what is not set up is left out, never a stand-in", () => {
    const { v, root } = view();
    v.setCard(card({ greeting: { items: [{ id: 'greeting', text: 'Hello,' }, { id: 'offer', text: 'How can I help?' }], checked: [], missing: ['agent-name', 'organization'], setupNote: 'Add your name and organization in the options.' } }));
    v.show(greetingNudge({ items: [{ id: 'greeting', text: 'Hello,' }, { id: 'ownName', text: 'this is (your name)' }, { id: 'offer', text: 'How can I help?' }] }));
    const nudge = root()?.querySelector('.nudge[data-rule="greeting"]');
    expect([...(nudge?.querySelectorAll('input[data-item]') ?? [])].map((el) => (el as HTMLElement).dataset.item)).toEqual(['greeting', 'offer']);
    expect(nudge?.textContent).not.toContain('(your name)');
    (root()?.querySelector('[data-action="toggle"]') as HTMLButtonElement).click();
    expect(root()?.querySelector('.card [data-setup]')?.textContent).toMatch(/Add your name and organization in the options/);
  });

  it("shows no items in a greeting nudge that came before its card's greeting, then the card's (never the coach's stand-ins first)", () => {
    const { v, root } = view();
    const items = () => [...(root()?.querySelectorAll('.nudge[data-rule="greeting"] input[data-item]') ?? [])].map((el) => (el as HTMLElement).dataset.item);
    v.setCard(card({ state: 'ringing', greeting: undefined }));
    v.show(greetingNudge({ items: [{ id: 'greeting', text: 'Hello,' }, { id: 'ownName', text: 'this is (your name)' }, { id: 'offer', text: 'How can I help?' }] }));
    expect(root()?.querySelector('.nudge[data-rule="greeting"] .nudge__text')?.textContent).toBe('Greet the caller:');
    expect(items()).toEqual([]);
    v.setCard(card({ greeting: { items: [{ id: 'greeting', text: 'Hello,' }, { id: 'offer', text: 'How can I help?' }], checked: [], missing: ['agent-name'] } }));
    expect(items()).toEqual(['greeting', 'offer']);
  });

  it('shows its own items in a greeting nudge whose call has no card', () => {
    const { v, root } = view();
    v.show(greetingNudge());
    expect([...(root()?.querySelectorAll('.nudge[data-rule="greeting"] input[data-item]') ?? [])].map((el) => (el as HTMLElement).dataset.item)).toEqual(['greeting', 'ownName']);
  });

  it('goes where the agent put it on this site, moves with the arrow keys on its handle, and Home forgets it', async () => {
    const saved: (Anchor | undefined)[] = [];
    const stored: Anchor = { h: 'left', x: 40, v: 'top', y: 30 };
    // happy-dom lays nothing out: the window is 1024 × 768 without scroll bars.
    Object.defineProperty(document.documentElement, 'clientWidth', { value: 1024, configurable: true });
    const { v, root } = view({ load: async () => stored, save: (a) => void saved.push(a) });
    v.setCard(card());
    await new Promise((r) => setTimeout(r, 0));
    const column = () => root()?.querySelector('.column') as HTMLElement;
    // Placed by a transform only (its layout box never moves: no layout shift for the page).
    const place = () => [column().dataset.anchor, column().style.transform];
    await vi.waitFor(() => expect(column().dataset.anchor).toBe('left 40 top 30'));
    expect(place()).toEqual(['left 40 top 30', 'translate(40px, 30px)']);
    expect([column().style.left, column().style.top, column().style.right, column().style.bottom]).toEqual(['', '', '', '']);
    const grip = root()?.querySelector('[data-action="move"]') as HTMLButtonElement;
    expect(grip.getAttribute('aria-label')).toMatch(/arrow keys/);
    grip.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown', bubbles: true, cancelable: true }));
    expect(saved).toHaveLength(1);
    grip.dispatchEvent(new KeyboardEvent('keydown', { key: 'Home', bubbles: true, cancelable: true }));
    expect(saved.at(-1)).toBeUndefined();
    // The bottom-right corner: 16 px from the window's right and bottom edges, whatever the column's size.
    expect(place()).toEqual(['right 16 bottom 16', 'translate(calc(1008px - 100%), calc(752px - 100%))']);
  });
});

/** A call's closing checklist: it stays until the agent or the coach closes it. */
const closing = (call: number): Nudge => ({
  key: `7:call${call}|closing|1`,
  callKey: `7:call${call}`,
  tabId: 7,
  ruleId: 'closing',
  occurrence: 1,
  severity: 'nudge',
  kind: 'checklist',
  text: `Close call ${call}`,
  items: [{ id: 'thanks', text: 'Thank them' }],
  firedAt: T0 + call,
});

describe('what the page keeps over a shift (bounded by count and by time)', () => {
  const finishedCard = (call: number, endedAt: number): CardCall =>
    card({ callKey: `7:call${call}`, remote: { displayName: `Caller ${call}` }, startedAt: endedAt - 60_000, answeredAt: endedAt - 55_000, state: 'ended', endedAt });

  it('keeps the newest nudges the coach never closed, up to a count, and drops the oldest', () => {
    const { v, root } = view();
    for (let call = 0; call < 40; call++) v.show(closing(call));
    const older = root()?.querySelector('[data-action="older-nudges"]') as HTMLButtonElement;
    expect(older.textContent).toBe(`${SHOWN_NUDGES_KEPT - 2} more`);
    older.click();
    const texts = [...(root()?.querySelectorAll('.nudge .nudge__text') ?? [])].map((el) => el.textContent);
    expect(texts).toEqual(Array.from({ length: SHOWN_NUDGES_KEPT }, (_, i) => `Close call ${40 - SHOWN_NUDGES_KEPT + i}`));
  });

  it('refuses a redelivered nudge, remembering only the last keys: an old key is no longer kept', () => {
    const { v } = view();
    const toastOf = (n: number): Nudge => ({ ...closing(n), kind: 'toast', severity: 'info', key: `7:call${n}|missed-call|1` });
    expect(v.show(toastOf(0))).toBe(true);
    expect(v.show(toastOf(0))).toBe(false);
    for (let n = 1; n <= SEEN_KEYS_KEPT; n++) v.show(toastOf(n));
    // The newest keys are still refused; the first one was forgotten.
    expect(v.show(toastOf(SEEN_KEYS_KEPT))).toBe(false);
    expect(v.show(toastOf(1))).toBe(false);
    expect(v.show(toastOf(0))).toBe(true);
  });

  it("lets a finished call's card go after its keep time, and then runs no timer at all", () => {
    vi.useFakeTimers({ now: T0 });
    try {
      const { v, root } = view();
      v.setCard(finishedCard(1, T0));
      expect(root()?.querySelector('.card')?.textContent).toContain('Caller 1');
      vi.advanceTimersByTime(CARD_KEEP_MS - 1_000);
      expect(root()?.querySelector('.card')?.textContent).toContain('Caller 1');
      vi.advanceTimersByTime(2_000);
      expect(root()?.querySelector('.card')).toBeNull();
      // The card's redraw timer stopped with it: nothing of the call is kept alive by a timer.
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps the finished cards a nudge on screen reads, but no more than the nudges kept', () => {
    vi.useFakeTimers({ now: T0 });
    try {
      const { v, root } = view();
      // 40 calls end, each leaving its closing checklist open (nobody closes them).
      for (let call = 0; call < 40; call++) {
        v.setCard(finishedCard(call, T0 + call * 1_000));
        v.show(closing(call));
      }
      (root()?.querySelector('[data-action="older-nudges"]') as HTMLButtonElement).click();
      // Only the kept nudges' calls may still have a card: close cards one by one and count them.
      const seen = new Set<string>();
      while (root()?.querySelector('.card') && seen.size <= 40) {
        seen.add(/Caller (\d+)/.exec(root()?.querySelector('.card')?.textContent ?? '')?.[1] ?? '?');
        (root()?.querySelector('[data-action="close"]') as HTMLButtonElement).click();
      }
      expect(seen.size).toBeLessThanOrEqual(Math.max(SHOWN_NUDGES_KEPT, FINISHED_CARDS_KEPT));
      expect([...seen].every((n) => Number(n) >= 40 - SHOWN_NUDGES_KEPT)).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops a ring counter the coach never cleared after its keep time, and its redraw timer with it', () => {
    vi.useFakeTimers({ now: T0 });
    try {
      const { v, root } = view();
      v.setRing('7:c9', { callKey: '7:c9', startedAt: T0, onMs: 2_000, offMs: 4_000, answerNowFromRing: 1 });
      expect(root()?.querySelector('.ring[data-call="7:c9"]')).not.toBeNull();
      vi.advanceTimersByTime(RING_KEEP_MS - 1_000);
      expect(root()?.querySelector('.ring[data-call="7:c9"]')).not.toBeNull();
      vi.advanceTimersByTime(2_000);
      expect(root()?.querySelector('.ring')).toBeNull();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('what the overlay draws per update (its cost on the page over a shift)', () => {
  /** Which elements Preact or a timer touched since the last call, as `tag.class` of the changed node or its parent. */
  function watch(root: ShadowRoot) {
    const observer = new MutationObserver(() => undefined);
    observer.observe(root, { subtree: true, childList: true, characterData: true, attributes: true });
    const where = (node: Node) => {
      const el = node instanceof Element ? node : node.parentElement;
      return el ? `${el.tagName.toLowerCase()}.${el.className || '-'}` : '?';
    };
    return () => [...new Set(observer.takeRecords().map((r) => where(r.target)))].sort();
  }

  it('redraws a nudge or the card only when it changed, and a clock tick rewrites only the timers', () => {
    vi.useFakeTimers({ now: T0 });
    try {
      const { v, root } = view();
      v.setCard(card());
      v.show(greetingNudge());
      // The announcer's line for the nudge (nudges/announcer.ts) and the column's first place (happy-dom has no layout to observe).
      vi.advanceTimersByTime(1_200);
      const changed = watch(root()!);
      // The same card again (the coach resends it with every step): nothing on screen changes.
      v.setCard(card());
      expect(changed()).toEqual([]);
      // A second passes: the card's timer text, nothing else.
      vi.advanceTimersByTime(1_000);
      expect(changed()).toEqual(['span.card__timer']);
      expect(root()?.querySelector('[data-timer]')?.textContent).toBe('0:07');
      // A tick on the card shows on its greeting nudge too; the card's state line does not change.
      v.setCard(card({ greeting: { items: [{ id: 'greeting', text: 'Hello,' }, { id: 'ownName', text: 'this is Anna' }], checked: ['greeting'] } }));
      expect(changed().every((where) => !where.startsWith('span.card__'))).toBe(true);
      expect((root()?.querySelector('.nudge[data-rule="greeting"] input[data-item="greeting"]') as HTMLInputElement).checked).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it("draws a coach step's card and ring counter updates together, and a new nudge at once with whatever waits", () => {
    vi.useFakeTimers({ now: T0 });
    try {
      const { v, root } = view(undefined, 12);
      v.setRing('7:c1', { callKey: '7:c1', startedAt: T0, onMs: 2_000, offMs: 4_000, answerNowFromRing: 1 });
      v.setCard(card({ state: 'ringing', answeredAt: undefined }));
      expect(root()?.querySelector('.card')).toBeFalsy();
      vi.advanceTimersByTime(12);
      expect(root()?.querySelector('.card')?.getAttribute('data-state')).toBe('ringing');
      expect(root()?.querySelector('.ring[data-call="7:c1"]')).not.toBeNull();
      // Answered: the ring counter goes, the card changes, then the greeting nudge comes, all drawn with the nudge.
      v.setRing('7:c1', null);
      v.setCard(card());
      expect(root()?.querySelector('.card')?.getAttribute('data-state')).toBe('ringing');
      v.show(greetingNudge());
      expect(root()?.querySelector('.card')?.getAttribute('data-state')).toBe('connected');
      expect(root()?.querySelector('.ring')).toBeNull();
      expect(root()?.querySelector('.nudge[data-rule="greeting"]')).not.toBeNull();
      // Nothing left waiting: no render timer once it is drawn.
      v.dismiss(greetingNudge().key);
      vi.advanceTimersByTime(12);
      expect(root()?.querySelector('.nudge[data-rule="greeting"]')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("stacking the column's items (sizes told by the browser, never read from the layout)", () => {
  /** Stands in for the browser's ResizeObserver (happy-dom's tells nothing): the test says when layout happened and what it gave. */
  class FakeResizeObserver {
    static last: FakeResizeObserver | undefined;
    readonly observed = new Set<Element>();
    constructor(readonly callback: (entries: ResizeObserverEntry[]) => void) {
      FakeResizeObserver.last = this;
    }
    observe(target: Element) {
      this.observed.add(target);
    }
    unobserve(target: Element) {
      this.observed.delete(target);
    }
    disconnect() {
      this.observed.clear();
    }
    /** The browser laid these elements out with these border boxes. */
    tell(sizes: [Element, number, number][]) {
      this.callback(sizes.map(([target, inlineSize, blockSize]) => ({ target, borderBoxSize: [{ inlineSize, blockSize }] }) as unknown as ResizeObserverEntry));
    }
  }

  /** Layout reads of our elements (each would force the page's layout after a change). */
  function countLayoutReads(): { reads: () => number; restore: () => void } {
    let reads = 0;
    const spied: [object, string, PropertyDescriptor][] = [];
    const ours = (el: unknown) => el instanceof Node && el.getRootNode() instanceof ShadowRoot;
    for (const name of ['offsetHeight', 'offsetWidth', 'clientWidth', 'clientHeight'] as const) {
      const proto = HTMLElement.prototype;
      const own = Object.getOwnPropertyDescriptor(proto, name);
      if (!own?.get) throw new Error(`no ${name} getter to watch`);
      const get = own.get;
      spied.push([proto, name, own]);
      Object.defineProperty(proto, name, { ...own, get(this: Element) { if (ours(this)) reads++; return get.call(this); } });
    }
    const rect = Element.prototype.getBoundingClientRect;
    Element.prototype.getBoundingClientRect = function (this: Element) {
      if (ours(this)) reads++;
      return rect.call(this);
    };
    return {
      reads: () => reads,
      restore: () => {
        for (const [proto, name, own] of spied) Object.defineProperty(proto, name, own);
        Element.prototype.getBoundingClientRect = rect;
      },
    };
  }

  it('stacks them right-aligned, 8 px apart, in whole pixels, from their border boxes; a new one once its size is told, the rest at once when one goes', () => {
    const real = globalThis.ResizeObserver;
    globalThis.ResizeObserver = FakeResizeObserver as unknown as typeof ResizeObserver;
    const layout = countLayoutReads();
    try {
      const { v, root } = view();
      v.setCard(card());
      v.show(greetingNudge());
      const observer = FakeResizeObserver.last!;
      const column = root()!.querySelector('.column') as HTMLElement;
      const el = (selector: string) => root()!.querySelector(selector) as HTMLElement;
      const [grip, cardItem, stack, greeting] = ['.grip', '.card', '.stack', '.nudge[data-rule="greeting"]'].map(el) as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
      expect([...observer.observed]).toEqual(expect.arrayContaining([grip, cardItem, stack, greeting]));
      // Not laid out yet: nothing is moved.
      expect(greeting.style.transform).toBe('');
      observer.tell([
        [grip, 26.8, 18],
        [cardItem, 320, 26.9],
        [stack, 320, 0],
        [greeting, 320, 76.67],
      ]);
      expect([grip, cardItem, greeting].map((item) => item.style.transform)).toEqual(['translate(293px, 0px)', 'translate(0px, 26px)', 'translate(0px, 61px)']);
      expect(column.style.height).toBe('138px');

      // A second nudge: placed once the browser told its size.
      v.show(toast(1));
      const check = el('.nudge[data-rule="hold-check-back"]');
      expect(observer.observed.has(check)).toBe(true);
      expect(check.style.transform).toBe('');
      observer.tell([[check, 320, 40.2]]);
      expect(check.style.transform).toBe('translate(0px, 146px)');
      expect(column.style.height).toBe('186px');

      // The greeting goes: the toast moves up at once, from the sizes already known.
      v.dismiss(greetingNudge().key);
      expect(observer.observed.has(greeting)).toBe(false);
      expect(check.style.transform).toBe('translate(0px, 61px)');
      expect(column.style.height).toBe('101px');
      // None of this read our elements' layout.
      expect(layout.reads()).toBe(0);
    } finally {
      layout.restore();
      globalThis.ResizeObserver = real;
    }
  });
});
