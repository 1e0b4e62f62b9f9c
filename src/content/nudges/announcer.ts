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
/**
 * Lines kept in a region (the oldest leave first, quietly): a line is there only for its
 * addition to be read, and a coach step brings at most a couple of nudges (two are in view at
 * once, layout.ts). Bounded by time alone, a busy stretch of calls kept every line of its last
 * 10 s, each with its text and its timer: 500 lines at the memory bench's pace (heap snapshots).
 */
export const ANNOUNCER_LINES_KEPT = 4;

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
    return { el, lines: [] as { line: HTMLElement; timer: ReturnType<typeof setTimeout> }[] };
  };
  type Region = ReturnType<typeof region>;
  const polite = region('polite');
  const assertive = region('assertive');
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (fn: () => void, ms: number): ReturnType<typeof setTimeout> => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    return timer;
  };
  const takeOut = (region: Region, entry: Region['lines'][number]) => {
    clearTimeout(entry.timer);
    timers.delete(entry.timer);
    entry.line.remove();
    region.lines.splice(region.lines.indexOf(entry), 1);
  };
  signal.addEventListener('abort', () => timers.forEach(clearTimeout));
  return {
    announce(text, urgent) {
      if (signal.aborted || text.trim() === '') return;
      later(() => {
        const to = urgent ? assertive : polite;
        const line = document.createElement('p');
        line.textContent = text;
        to.el.append(line);
        const entry: Region['lines'][number] = { line, timer: later(() => takeOut(to, entry), KEEP_MS) };
        to.lines.push(entry);
        for (let oldest = to.lines[0]; oldest && to.lines.length > ANNOUNCER_LINES_KEPT; oldest = to.lines[0]) takeOut(to, oldest);
      }, SETTLE_MS);
    },
  };
}
