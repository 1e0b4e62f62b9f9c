/**
 * Owns the nudge UI on the page: a host element with an open shadow root (so tests and
 * assistive tech can reach it; clicks from page scripts are ignored because they are not
 * trusted events), created on first use so a page that never gets a call is never touched.
 * It never moves focus.
 */
import { render } from 'preact';
import type { Language, Nudge, NudgeResponse, RingStatus } from '../../core/coach/types';
import { NudgeStack, type ShownNudge } from './nudge-stack';
import { NUDGE_CSS } from './styles';

/** Plain toasts get out of the way by themselves; questions, checklists and urgent ones stay. */
const AUTO_HIDE_MS = { info: 10_000, nudge: 20_000 } as const;
/** How often a visible ring counter is redrawn. */
const RING_REDRAW_MS = 250;

export interface NudgeView {
  setLanguage(language: Language): void;
  /** Shows a nudge once per key, ever, in this page; false when it was already shown. */
  show(nudge: Nudge): boolean;
  dismiss(key: string): void;
  setRing(callKey: string, ring: RingStatus | null): void;
}

export function createNudgeView(options: {
  signal: AbortSignal;
  onResponse(key: string, response: NudgeResponse): void;
}): NudgeView {
  const { signal, onResponse } = options;
  let language: Language = 'en';
  let shown: ShownNudge[] = [];
  const seen = new Set<string>();
  const rings = new Map<string, RingStatus>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let ringTimer: ReturnType<typeof setInterval> | undefined;
  let container: HTMLElement | undefined;

  function ensureContainer(): HTMLElement {
    if (container) return container;
    const host = document.createElement('second-ring-coach');
    host.style.setProperty('all', 'initial', 'important');
    const root = host.attachShadow({ mode: 'open' });
    const style = document.createElement('style');
    style.textContent = NUDGE_CSS;
    root.append(style);
    const created = document.createElement('div');
    root.append(created);
    (document.body ?? document.documentElement).append(host);
    signal.addEventListener('abort', () => {
      render(null, created);
      host.remove();
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

  function redraw(): void {
    if (signal.aborted) return;
    if (!container && shown.length === 0 && rings.size === 0) return;
    render(
      <NudgeStack
        language={language}
        nudges={shown}
        rings={[...rings.values()]}
        now={Date.now()}
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
      />,
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
    for (const timer of timers.values()) clearTimeout(timer);
  });

  return {
    setLanguage(next) {
      language = next;
      redraw();
    },
    show(nudge) {
      if (seen.has(nudge.key)) return false;
      seen.add(nudge.key);
      shown = [...shown, { nudge, shownAt: Date.now(), checked: [] }];
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
    },
    dismiss(key) {
      remove(key);
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
