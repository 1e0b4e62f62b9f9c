/**
 * How the practice phone rings: the ringback cadence and tones of each ring region, and the
 * ring windows the score card measures the answer against. The practice page keeps no copy of
 * the coach (it is coached through the same path as any softphone), so these are its own;
 * test/unit/practice/cadence.test.ts checks they agree with the coach's table
 * (core/coach/ring.ts, rules-catalogue.md).
 *
 * Sources: ITU-T E.180 supplement as collected in Asterisk's indications.conf.sample
 * (europe 425 Hz 1 s on / 4 s off; uk 400+450 Hz 0.4-0.2-0.4 on / 2.0 off; north-america
 * 440+480 Hz 2 s on / 4 s off).
 */
import type { RingRegion } from './types';

export interface RingTone {
  /** Alternating on/off durations (ms) of one ring, starting with "on". */
  pattern: readonly number[];
  /** Tone frequencies (Hz), mixed. */
  frequencies: readonly number[];
}

export const RING_TONES: Readonly<Record<RingRegion, RingTone>> = {
  europe: { pattern: [1000, 4000], frequencies: [425] },
  uk: { pattern: [400, 200, 400, 2000], frequencies: [400, 450] },
  'north-america': { pattern: [2000, 4000], frequencies: [440, 480] },
};

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** One ring, on and off (ms). */
export const ringPeriodMs = (region: RingRegion): number => sum(RING_TONES[region].pattern);

/** From the start of a ring to the end of its last tone (uk's double ring counts as one). */
export const ringOnMs = (region: RingRegion): number => sum(RING_TONES[region].pattern.slice(0, -1));

/** The 1-based ring sounding (or just sounded) `elapsedMs` after the phone began to ring. */
export function ringAt(elapsedMs: number, region: RingRegion): number {
  return Math.floor(Math.max(0, elapsedMs) / ringPeriodMs(region)) + 1;
}

/** The answer window of `answer-window`: from the end of ring 1 to the start of ring 3. */
export function answerWindow(region: RingRegion): { fromMs: number; untilMs: number } {
  return { fromMs: ringOnMs(region), untilMs: 2 * ringPeriodMs(region) };
}

/** When a caller who gives up after `rings` rings puts the phone down: that ring's tone is over. */
export function abandonAtMs(region: RingRegion, rings: number): number {
  return (rings - 1) * ringPeriodMs(region) + ringOnMs(region);
}

/** The tone segments (start, end in ms from the ring's start) of one ring. */
export function toneSegments(region: RingRegion): { startMs: number; endMs: number }[] {
  const segments: { startMs: number; endMs: number }[] = [];
  let t = 0;
  RING_TONES[region].pattern.forEach((duration, i) => {
    if (i % 2 === 0) segments.push({ startMs: t, endMs: t + duration });
    t += duration;
  });
  return segments;
}
