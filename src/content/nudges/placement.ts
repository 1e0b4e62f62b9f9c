/**
 * Where the overlay sits: a corner anchor (the column grows away from its edges), chosen so it
 * covers none of the page's own controls, or where the agent put it. Pure geometry: the DOM side
 * (measuring, the page's controls) is in mount.tsx.
 */

/** The column's distance from its corner's edges, in CSS px. */
export interface Anchor {
  h: 'left' | 'right';
  x: number;
  v: 'top' | 'bottom';
  y: number;
}

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Away from the window's edges. */
export const MARGIN = 16;
/** The step between candidate places along an edge. */
const STEP = 48;

export const DEFAULT_ANCHOR: Anchor = { h: 'right', x: MARGIN, v: 'bottom', y: MARGIN };

export function rectOf(anchor: Anchor, size: Size, viewport: Size): Rect {
  return {
    left: anchor.h === 'left' ? anchor.x : viewport.width - anchor.x - size.width,
    top: anchor.v === 'top' ? anchor.y : viewport.height - anchor.y - size.height,
    width: size.width,
    height: size.height,
  };
}

/** The area two rectangles share (0 when apart). */
export function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.left + a.width, b.left + b.width) - Math.max(a.left, b.left);
  const h = Math.min(a.top + a.height, b.top + b.height) - Math.max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

const covered = (rect: Rect, obstacles: readonly Rect[]): number => obstacles.reduce((sum, o) => sum + overlap(rect, o), 0);

/** The anchor whose corner is nearest a rectangle (after the agent dragged the column there). */
export function anchorOfRect(rect: Rect, viewport: Size): Anchor {
  const right = viewport.width - rect.left - rect.width;
  const bottom = viewport.height - rect.top - rect.height;
  return {
    h: rect.left <= right ? 'left' : 'right',
    x: Math.round(Math.max(0, Math.min(rect.left, right))),
    v: rect.top <= bottom ? 'top' : 'bottom',
    y: Math.round(Math.max(0, Math.min(rect.top, bottom))),
  };
}

/** Kept inside the window (a saved place on a smaller window, a column that grew). */
export function clampAnchor(anchor: Anchor, size: Size, viewport: Size): Anchor {
  const maxX = Math.max(0, viewport.width - size.width);
  const maxY = Math.max(0, viewport.height - size.height);
  return { ...anchor, x: Math.min(Math.max(0, anchor.x), maxX), y: Math.min(Math.max(0, anchor.y), maxY) };
}

/** Places to try, best first: the bottom-right corner, then up the right edge, then up the left edge. */
export function candidates(size: Size, viewport: Size): Anchor[] {
  const list: Anchor[] = [];
  const free = Math.max(0, viewport.height - size.height - 2 * MARGIN);
  for (const h of ['right', 'left'] as const) {
    for (let up = 0; up <= free; up += STEP) list.push({ h, x: MARGIN, v: 'bottom', y: MARGIN + up });
    list.push({ h, x: MARGIN, v: 'top', y: MARGIN });
  }
  return list;
}

/**
 * Where the column goes so that it covers none of `obstacles` (the page's controls): where it is
 * while that is clear (it does not wander), else the first clear candidate, else the one that
 * covers least.
 */
export function clearPlace(current: Anchor, size: Size, viewport: Size, obstacles: readonly Rect[]): Anchor {
  const here = clampAnchor(current, size, viewport);
  if (covered(rectOf(here, size, viewport), obstacles) === 0) return here;
  let best = here;
  let least = Infinity;
  for (const anchor of candidates(size, viewport)) {
    const area = covered(rectOf(anchor, size, viewport), obstacles);
    if (area === 0) return anchor;
    if (area < least) {
      least = area;
      best = anchor;
    }
  }
  return best;
}

/** The space between the column's items, in CSS px. */
export const ITEM_GAP_PX = 8;

/** Items stacked top to bottom with `gap` between them: each one's offset from the top, and the height of them all. */
export function stackItems(heights: readonly number[], gap: number): { offsets: number[]; height: number } {
  const offsets: number[] = [];
  let y = 0;
  for (const height of heights) {
    offsets.push(y);
    y += height + gap;
  }
  return { offsets, height: Math.max(0, y - gap) };
}

/** The column's box: as wide as it is, as high as its items, at most the window's height less a margin at each edge (its max-height). */
export function columnBox(width: number, itemsHeight: number, viewport: Size): Size {
  return { width, height: Math.min(itemsHeight, Math.max(0, viewport.height - 2 * MARGIN)) };
}

/** A stored anchor, checked: it comes from storage, which another version may have written. */
export function readAnchor(raw: unknown): Anchor | undefined {
  const a = raw as Partial<Anchor> | null | undefined;
  const ok = a && /^(left|right)$/.test(String(a.h)) && /^(top|bottom)$/.test(String(a.v)) && Number.isFinite(a.x) && Number.isFinite(a.y);
  return ok ? (a as Anchor) : undefined;
}
