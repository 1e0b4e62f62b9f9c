/**
 * The practice phone's ringtone: Web Audio oscillators in the configured region's ring cadence
 * (core/practice/cadence.ts). Silent while muted or while the page is hidden, and silent without
 * error where the browser has no audio (or has not been allowed to start it yet).
 */
import { RING_TONES, ringPeriodMs, toneSegments } from '../../core/practice/cadence';
import type { RingRegion } from '../../core/practice/types';

const VOLUME = 0.08;
/** Rings are scheduled this far ahead of the audio clock. */
const LOOKAHEAD_MS = 200;

export interface Ringtone {
  /** Start ringing; `startedAt` (epoch ms) is when ring 1 began, so ring numbers match the counter. */
  start(region: RingRegion, startedAt: number): void;
  stop(): void;
  setMuted(muted: boolean): void;
  /** Call from a click: browsers start audio only after a user gesture. */
  unlock(): void;
}

export function createRingtone(): Ringtone {
  let context: AudioContext | undefined;
  let output: GainNode | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  let muted = false;
  const sources: OscillatorNode[] = [];

  const audible = () => !muted && document.visibilityState !== 'hidden';
  const applyVolume = () => {
    if (output && context) output.gain.setValueAtTime(audible() ? 1 : 0, context.currentTime);
  };
  document.addEventListener('visibilitychange', applyVolume);

  function ensure(): AudioContext | undefined {
    if (context) return context;
    try {
      context = new AudioContext();
      output = context.createGain();
      output.connect(context.destination);
      applyVolume();
    } catch {
      context = undefined;
    }
    return context;
  }

  /** One ring: each tone segment of the cadence, every frequency mixed. */
  function scheduleRing(region: RingRegion, atAudioTime: number): void {
    if (!context || !output) return;
    for (const segment of toneSegments(region)) {
      const gain = context.createGain();
      gain.gain.value = VOLUME / RING_TONES[region].frequencies.length;
      gain.connect(output);
      for (const frequency of RING_TONES[region].frequencies) {
        const oscillator = context.createOscillator();
        oscillator.frequency.value = frequency;
        oscillator.connect(gain);
        oscillator.start(atAudioTime + segment.startMs / 1000);
        oscillator.stop(atAudioTime + segment.endMs / 1000);
        oscillator.onended = () => {
          const i = sources.indexOf(oscillator);
          if (i >= 0) sources.splice(i, 1);
        };
        sources.push(oscillator);
      }
    }
  }

  const ringtone: Ringtone = {
    unlock() {
      const ctx = ensure();
      if (ctx?.state === 'suspended') void ctx.resume().catch(() => undefined);
    },
    setMuted(next) {
      muted = next;
      applyVolume();
    },
    start(region, startedAt) {
      ringtone.stop();
      const ctx = ensure();
      if (!ctx) return;
      const period = ringPeriodMs(region);
      let next = Math.ceil((Date.now() - startedAt) / period);
      const tick = () => {
        // Schedule the next ring just before it is due, on the page's clock.
        const due = startedAt + next * period;
        if (due - Date.now() > LOOKAHEAD_MS) return;
        scheduleRing(region, ctx.currentTime + Math.max(0, due - Date.now()) / 1000);
        next += 1;
      };
      if (next === 0) {
        scheduleRing(region, ctx.currentTime);
        next = 1;
      }
      timer = setInterval(tick, 50);
    },
    stop() {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      for (const source of sources.splice(0)) {
        try {
          source.stop();
        } catch {
          // Not started yet or already stopped.
        }
      }
    },
  };
  return ringtone;
}
