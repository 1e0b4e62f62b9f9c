/**
 * Ring cadences and the answer window of `answer-window` (shared/rules-catalogue.md).
 *
 * All times are milliseconds from the moment the agent's phone starts alerting. A "ring" is
 * one period of the cadence (on + off), so ring n starts at (n - 1) × period.
 */
import type { AnswerClass } from './types';

export type RingRegion = 'north-america' | 'uk' | 'europe';

export const RING_REGIONS: readonly RingRegion[] = ['north-america', 'uk', 'europe'];

/** Latvia has no entry of its own in ITU-T E.180; it follows the European cadence. */
export const DEFAULT_RING_REGION: RingRegion = 'europe';

export interface RingCadence {
  /**
   * Alternating on/off durations of one ring, starting with "on" (uk rings twice per period:
   * 0.4 on, 0.2 off, 0.4 on, 2.0 off).
   */
  pattern: readonly number[];
  /**
   * Time from the start of the ring to the end of its last "on" part. For uk that is the whole
   * double ring (0.4 + 0.2 + 0.4 = 1.0 s): the page's counter treats it as one tone.
   */
  onMs: number;
  /** The silence after the ring; onMs + offMs = periodMs. */
  offMs: number;
  periodMs: number;
}

/** The catalogue's windows, in ms from the start of alerting. */
export interface RingWindows {
  /** Answering before this is "too early" (it can startle the caller). */
  ring1EndsMs: number;
  /** The counter says "answer now" from here. */
  ring2StartsMs: number;
  /** Answering from here is "late"; the answer-window nudge fires here. */
  ring3StartsMs: number;
  fourRingsOverMs: number;
}

/** Sources: ITU-T E.180 supplement as collected in Asterisk's indications.conf.sample. */
export const RING_CADENCES: Readonly<Record<RingRegion, RingCadence>> = {
  'north-america': { pattern: [2000, 4000], onMs: 2000, offMs: 4000, periodMs: 6000 },
  uk: { pattern: [400, 200, 400, 2000], onMs: 1000, offMs: 2000, periodMs: 3000 },
  europe: { pattern: [1000, 4000], onMs: 1000, offMs: 4000, periodMs: 5000 },
};

/**
 * The windows table of the catalogue, written out rather than computed so that it can be read
 * against the catalogue line by line; a test checks it agrees with the cadences.
 */
export const RING_WINDOWS: Readonly<Record<RingRegion, RingWindows>> = {
  'north-america': { ring1EndsMs: 2000, ring2StartsMs: 6000, ring3StartsMs: 12000, fourRingsOverMs: 20000 },
  uk: { ring1EndsMs: 1000, ring2StartsMs: 3000, ring3StartsMs: 6000, fourRingsOverMs: 10000 },
  europe: { ring1EndsMs: 1000, ring2StartsMs: 5000, ring3StartsMs: 10000, fourRingsOverMs: 16000 },
};

/** The ring (1-based) that is sounding or has just sounded `elapsedMs` after alerting began. */
export function ringNumberAt(elapsedMs: number, region: RingRegion): number {
  const elapsed = Number.isFinite(elapsedMs) ? Math.max(0, elapsedMs) : 0;
  return Math.floor(elapsed / RING_CADENCES[region].periodMs) + 1;
}

/**
 * too-early: before ring 1 ends; on-time: from the end of ring 1 up to the start of ring 3;
 * late: from the start of ring 3 on.
 */
export function classifyAnswer(elapsedMs: number, region: RingRegion): AnswerClass {
  const w = RING_WINDOWS[region];
  if (elapsedMs < w.ring1EndsMs) return 'too-early';
  if (elapsedMs < w.ring3StartsMs) return 'on-time';
  return 'late';
}
