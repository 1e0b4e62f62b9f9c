/**
 * Text that follows the clock (a call's timer, its hold timer) without redrawing what stands
 * around it: each tick rewrites this one element's text, and only when it changed. On the page
 * the overlay's clock ticks a few times a second; a full render of the card each second was most
 * of the card's cost over a shift. Props only: the clock comes from the host (mount.tsx), or is
 * a stopped one for hosts that redraw with `now` themselves (the popup).
 */
import type { HTMLAttributes } from 'preact';
import { useLayoutEffect, useMemo, useRef } from 'preact/hooks';

export interface Clock {
  now(): number;
  /** Calls `onTick` on every tick until the returned function is called. */
  subscribe(onTick: () => void): () => void;
}

/** A clock that always reads `now` and never ticks. */
export const stoppedClock = (now: number): Clock => ({ now: () => now, subscribe: () => () => undefined });

/** `stoppedClock(now)`, the same object while `now` is. */
export const useStoppedClock = (now: number): Clock => useMemo(() => stoppedClock(now), [now]);

type SpanProps = Omit<HTMLAttributes<HTMLSpanElement>, 'children' | 'ref'> & Record<`data-${string}`, unknown>;

/**
 * A `<span>` whose text is `text(clock.now())`. Preact never renders children into it (it has
 * none as far as Preact knows), so the text node written here is never fought over.
 */
export function Ticking(props: SpanProps & { clock: Clock; text(now: number): string }) {
  const { clock, text, ...span } = props;
  const element = useRef<HTMLSpanElement>(null);
  /** What this render asks for; the tick reads it, so it always writes the latest card's time. */
  const latest = useRef({ clock, text });
  latest.current = { clock, text };
  const written = useRef<string | undefined>(undefined);
  const write = useRef(() => {
    const el = element.current;
    if (!el) return;
    const next = latest.current.text(latest.current.clock.now());
    if (next !== written.current) {
      written.current = next;
      el.textContent = next;
    }
  }).current;
  // Layout effects run as the render is committed: the text is there before anything reads or paints it.
  useLayoutEffect(write);
  useLayoutEffect(() => clock.subscribe(write), [clock]);
  return <span {...span} ref={element} />;
}
