import { describe, expect, it } from 'vitest';
import { RING_CADENCES, RING_REGIONS, RING_WINDOWS, ringNumberAt } from '../../../src/core/coach/ring';
import { abandonAtMs, answerWindow, ringAt, ringOnMs, ringPeriodMs, toneSegments } from '../../../src/core/practice/cadence';

describe('the practice phone rings like the coach counts', () => {
  it.each(RING_REGIONS)('has the %s cadence of the coach (pattern, period, ring length)', (region) => {
    expect(ringPeriodMs(region)).toBe(RING_CADENCES[region].periodMs);
    expect(ringOnMs(region)).toBe(RING_CADENCES[region].onMs);
    const tones = toneSegments(region);
    expect(tones.at(-1)!.endMs).toBe(RING_CADENCES[region].onMs);
    expect(tones.reduce((sum, t) => sum + (t.endMs - t.startMs), 0)).toBe(
      RING_CADENCES[region].pattern.filter((_, i) => i % 2 === 0).reduce((a, b) => a + b, 0),
    );
  });

  it.each(RING_REGIONS)('has the catalogue’s %s answer window and counts rings as the coach does', (region) => {
    expect(answerWindow(region)).toEqual({ fromMs: RING_WINDOWS[region].ring1EndsMs, untilMs: RING_WINDOWS[region].ring3StartsMs });
    expect(abandonAtMs(region, 4)).toBe(RING_WINDOWS[region].fourRingsOverMs);
    for (const ms of [0, 999, 1_000, 2_999, 3_000, 5_000, 9_999, 10_000, 12_000, 15_999]) expect(ringAt(ms, region)).toBe(ringNumberAt(ms, region));
  });
});
