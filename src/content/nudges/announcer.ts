/**
 * How a screen reader hears a nudge: two visually hidden live regions in the overlay's shadow
 * root (polite, and assertive for urgent nudges), present and empty from the start. Each nudge's
 * text is added once, when it is first shown, and taken out a little later (removals are not
 * read), so redraws of the stack, the ring counter or the card's timer never repeat it and the
 * nudges themselves need not be live regions (that would read their buttons too). Nothing here
 * moves the focus.
 */

/** A screen reader picks up the addition well before this; the text then leaves quietly. */
const KEEP_MS = 10_000;
/** A region that has just been attached is given its text a moment later, so it is read. */
const SETTLE_MS = 100;

export interface Announcer {
  announce(text: string, urgent: boolean): void;
}

export function createAnnouncer(root: ShadowRoot, signal: AbortSignal): Announcer {
  const region = (live: 'polite' | 'assertive') => {
    const el = document.createElement('div');
    el.className = 'announcer';
    el.setAttribute('aria-live', live);
    el.setAttribute('aria-relevant', 'additions');
    if (live === 'polite') el.setAttribute('role', 'status');
    root.append(el);
    return el;
  };
  const polite = region('polite');
  const assertive = region('assertive');
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
  };
  signal.addEventListener('abort', () => timers.forEach(clearTimeout));
  return {
    announce(text, urgent) {
      if (signal.aborted || text.trim() === '') return;
      later(() => {
        const line = document.createElement('p');
        line.textContent = text;
        (urgent ? assertive : polite).append(line);
        later(() => line.remove(), KEEP_MS);
      }, SETTLE_MS);
    },
  };
}
