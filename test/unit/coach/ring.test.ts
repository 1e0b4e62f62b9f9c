import { describe, expect, it } from 'vitest';
import {
  classifyAnswer,
  RING_CADENCES,
  RING_REGIONS,
  RING_WINDOWS,
  ringNumberAt,
} from '../../../src/core/coach';

describe('ring cadences and windows', () => {
  it('the windows table agrees with the cadences of every region', () => {
    for (const region of RING_REGIONS) {
      const c = RING_CADENCES[region];
      const w = RING_WINDOWS[region];
      expect(c.pattern.reduce((a, b) => a + b, 0)).toBe(c.periodMs);
      expect(c.onMs + c.offMs).toBe(c.periodMs);
      expect(w).toEqual({
        ring1EndsMs: c.onMs,
        ring2StartsMs: c.periodMs,
        ring3StartsMs: 2 * c.periodMs,
        fourRingsOverMs: 3 * c.periodMs + c.onMs,
      });
    }
  });

  it('matches the catalogue: europe 1 s on / 4 s off, north-america 2 / 4, uk 0.4-0.2-0.4 / 2.0', () => {
    expect(RING_CADENCES.europe).toMatchObject({ onMs: 1000, offMs: 4000 });
    expect(RING_CADENCES['north-america']).toMatchObject({ onMs: 2000, offMs: 4000 });
    expect(RING_CADENCES.uk).toMatchObject({ pattern: [400, 200, 400, 2000], onMs: 1000, offMs: 2000 });
    expect(RING_WINDOWS.europe.ring3StartsMs).toBe(10_000);
    expect(RING_WINDOWS['north-america'].ring3StartsMs).toBe(12_000);
    expect(RING_WINDOWS.uk).toEqual({ ring1EndsMs: 1000, ring2StartsMs: 3000, ring3StartsMs: 6000, fourRingsOverMs: 10_000 });
  });

  it('numbers rings from 1, a new ring starting each period', () => {
    expect(ringNumberAt(0, 'europe')).toBe(1);
    expect(ringNumberAt(4999, 'europe')).toBe(1);
    expect(ringNumberAt(5000, 'europe')).toBe(2);
    expect(ringNumberAt(10_000, 'europe')).toBe(3);
    expect(ringNumberAt(11_999, 'north-america')).toBe(2);
    expect(ringNumberAt(12_000, 'north-america')).toBe(3);
    expect(ringNumberAt(6000, 'uk')).toBe(3);
  });

  it('treats a negative or non-finite elapsed time as the first ring', () => {
    expect(ringNumberAt(-500, 'europe')).toBe(1);
    expect(ringNumberAt(Number.NaN, 'europe')).toBe(1);
  });

  it('classifies answers at 0.5 s, 3 s and 10.5 s on europe as too early, on time and late', () => {
    expect(classifyAnswer(500, 'europe')).toBe('too-early');
    expect(classifyAnswer(3000, 'europe')).toBe('on-time');
    expect(classifyAnswer(10_500, 'europe')).toBe('late');
  });

  it('puts the end of ring 1 in "on time" and the start of ring 3 in "late"', () => {
    expect(classifyAnswer(999, 'europe')).toBe('too-early');
    expect(classifyAnswer(1000, 'europe')).toBe('on-time');
    expect(classifyAnswer(9999, 'europe')).toBe('on-time');
    expect(classifyAnswer(10_000, 'europe')).toBe('late');
    expect(classifyAnswer(1999, 'north-america')).toBe('too-early');
    expect(classifyAnswer(11_999, 'north-america')).toBe('on-time');
    expect(classifyAnswer(12_000, 'north-america')).toBe('late');
    expect(classifyAnswer(5999, 'uk')).toBe('on-time');
    expect(classifyAnswer(6000, 'uk')).toBe('late');
  });
});
