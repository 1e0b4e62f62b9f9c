import { describe, expect, it } from 'vitest';
import { anchorOfRect, candidates, clampAnchor, clearPlace, DEFAULT_ANCHOR, MARGIN, overlap, readAnchor, rectOf, stackItems, type Rect } from '../../../src/content/nudges/placement';

const viewport = { width: 1280, height: 900 };
const size = { width: 320, height: 200 };
/** A 120 × 40 call button in each corner of the window, 8 px from its edges. */
const cornerButtons: Rect[] = [
  { left: 8, top: 8, width: 120, height: 40 },
  { left: 1280 - 128, top: 8, width: 120, height: 40 },
  { left: 8, top: 900 - 48, width: 120, height: 40 },
  { left: 1280 - 128, top: 900 - 48, width: 120, height: 40 },
];
const covers = (rect: Rect, obstacles: readonly Rect[]) => obstacles.some((o) => overlap(rect, o) > 0);

describe('where the overlay sits', () => {
  it('measures rectangles from a corner anchor', () => {
    expect(rectOf(DEFAULT_ANCHOR, size, viewport)).toEqual({ left: 1280 - 16 - 320, top: 900 - 16 - 200, width: 320, height: 200 });
    expect(rectOf({ h: 'left', x: 10, v: 'top', y: 20 }, size, viewport)).toEqual({ left: 10, top: 20, width: 320, height: 200 });
    expect(overlap({ left: 0, top: 0, width: 10, height: 10 }, { left: 5, top: 5, width: 10, height: 10 })).toBe(25);
    expect(overlap({ left: 0, top: 0, width: 10, height: 10 }, { left: 10, top: 0, width: 10, height: 10 })).toBe(0);
  });

  it('stays in the bottom-right corner while nothing of the page is under it', () => {
    expect(clearPlace(DEFAULT_ANCHOR, size, viewport, [{ left: 10, top: 10, width: 100, height: 30 }])).toEqual(DEFAULT_ANCHOR);
  });

  it('covers none of the call buttons in the four corners', () => {
    const place = clearPlace(DEFAULT_ANCHOR, size, viewport, cornerButtons);
    expect(covers(rectOf(place, size, viewport), cornerButtons)).toBe(false);
    // The nearest clear place: up the right edge, just above the bottom-right button.
    expect(place).toEqual({ h: 'right', x: MARGIN, v: 'bottom', y: MARGIN + 48 });
  });

  it('does not wander: a clear place is kept, even when another would be preferred', () => {
    const here = { h: 'left', x: MARGIN, v: 'top', y: 300 } as const;
    expect(clearPlace(here, size, viewport, cornerButtons)).toEqual(here);
  });

  it('covers as little as it can when no place is clear', () => {
    const wall: Rect[] = [{ left: 0, top: 0, width: 1280, height: 900 }];
    const place = clearPlace(DEFAULT_ANCHOR, size, viewport, wall);
    expect(candidates(size, viewport)).toContainEqual(place);
    const grid: Rect[] = [{ left: 0, top: 0, width: 1280, height: 500 }];
    expect(covers(rectOf(clearPlace(DEFAULT_ANCHOR, size, viewport, grid), size, viewport), grid)).toBe(false);
  });

  it('keeps a place the agent dragged to by its nearest corner, inside the window', () => {
    expect(anchorOfRect({ left: 100, top: 50, width: 320, height: 200 }, viewport)).toEqual({ h: 'left', x: 100, v: 'top', y: 50 });
    expect(anchorOfRect({ left: 900, top: 600, width: 320, height: 200 }, viewport)).toEqual({ h: 'right', x: 60, v: 'bottom', y: 100 });
    expect(clampAnchor({ h: 'left', x: 2000, v: 'top', y: -5 }, size, viewport)).toEqual({ h: 'left', x: 960, v: 'top', y: 0 });
  });

  it('reads back only a well-formed stored place', () => {
    expect(readAnchor({ h: 'left', x: 1, v: 'bottom', y: 2 })).toEqual({ h: 'left', x: 1, v: 'bottom', y: 2 });
    expect(readAnchor({ h: 'middle', x: 1, v: 'bottom', y: 2 })).toBeUndefined();
    expect(readAnchor({ h: 'left', x: Number.NaN, v: 'bottom', y: 2 })).toBeUndefined();
    expect(readAnchor('left')).toBeUndefined();
  });

  it("stacks the column's items top to bottom with the gap between them, and nothing to stack is 0 high", () => {
    expect(stackItems([30, 120, 60], 8)).toEqual({ offsets: [0, 38, 166], height: 226 });
    expect(stackItems([40], 8)).toEqual({ offsets: [0], height: 40 });
    expect(stackItems([], 8)).toEqual({ offsets: [], height: 0 });
  });
});
