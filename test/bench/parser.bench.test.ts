/**
 * The SIP parser in node (quality-bar.md "Bad input"): throughput on realistic frames (the SIP
 * lab's recorded JsSIP/SIP.js traffic and the builders' dialogs), parse + dialog tracking over
 * a shift in order, and a fuzz run far larger than the unit tests' (which keep > 10⁴ cases).
 */
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { parseSipFrame, type ParseResult } from '../../src/core/sip/parse';
import { createTrackerState, trackSipFrame } from '../../src/core/sip/dialog-tracker';
import { callIdOf, cseqOf, headerValue, tagOf, uriOf } from '../../src/core/sip/headers';
import { audioDirection } from '../../src/core/sip/sdp';
import { figure, scaled, writePart, type Figure } from './lib/results';
import { fuzzFamilies } from './lib/sip-fuzz';
import { capturedFrames, shiftFrames, utf8Bytes } from './lib/sip-traffic';
import { median, quantile, round } from './lib/stats';

const FUZZ_CASES = scaled(100_000, 1_000);
const PASSES = 5;

const nowNs = (): bigint => process.hrtime.bigint();

/** The parser's contract on any input: a result of the right shape, helpers total on it. */
function wellFormed(result: ParseResult): void {
  if (!Array.isArray(result.messages)) throw new Error('messages is not an array');
  if (!Number.isInteger(result.invalid) || result.invalid < 0) throw new Error(`invalid = ${result.invalid}`);
  for (const msg of result.messages) {
    if (!(msg.headers instanceof Map) || typeof msg.body !== 'string') throw new Error('malformed message');
    if (msg.kind === 'response' ? msg.status < 100 || msg.status > 699 : msg.method.length === 0) throw new Error('bad start line accepted');
    callIdOf(msg);
    cseqOf(msg);
    const from = headerValue(msg, 'from');
    tagOf(from);
    uriOf(from);
    audioDirection(msg.body);
  }
}

describe('SIP parser', () => {
  it('parses realistic frames (µs per frame) and tracks a shift in order', () => {
    const started = Date.now();
    const captured = capturedFrames().map((f) => f.text);
    const generated = shiftFrames(100).map((f) => f.text);
    const corpus = [...captured, ...generated];
    let invalid = 0;
    for (const frame of corpus) invalid += parseSipFrame(frame).invalid;

    // Warm-up: let V8 optimise the parser before timing it.
    for (let i = 0; i < 30; i++) for (const frame of corpus) parseSipFrame(frame);
    const perFrame: number[][] = corpus.map(() => []);
    const passTotals: number[] = [];
    for (let pass = 0; pass < PASSES; pass++) {
      const passStart = nowNs();
      corpus.forEach((frame, i) => {
        const reps = 20;
        const t0 = nowNs();
        for (let r = 0; r < reps; r++) parseSipFrame(frame);
        perFrame[i]!.push(Number(nowNs() - t0) / 1000 / reps);
      });
      passTotals.push(Number(nowNs() - passStart) / 1e9);
    }
    const usPerFrame = perFrame.map((xs) => median(xs));
    const bytes = corpus.reduce((s, f) => s + utf8Bytes(f), 0);
    const mbPerS = (bytes * 20) / median(passTotals) / 1e6;

    // Parse + dialog tracking, as the content script does per frame, over 300 calls in order.
    const shift = shiftFrames(300);
    const trackPasses: number[] = [];
    let events = 0;
    for (let pass = 0; pass < PASSES + 1; pass++) {
      let state = createTrackerState();
      events = 0;
      const t0 = nowNs();
      shift.forEach((f, i) => {
        const r = trackSipFrame(state, f.text, f.dir, 1_800_000_000_000 + i * 10);
        state = r.state;
        events += r.events.length;
      });
      if (pass > 0) trackPasses.push(Number(nowNs() - t0) / 1000 / shift.length);
    }

    const figures: Figure[] = [
      figure({ id: 'parser.usPerFrame', label: 'Parser: parseSipFrame per realistic frame (median over frames)', value: round(median(usPerFrame), 2), unit: 'µs', note: `p95 ${round(quantile(usPerFrame, 0.95), 2)} µs, max ${round(Math.max(...usPerFrame), 2)} µs; ${corpus.length} frames (${captured.length} recorded in the SIP lab, ${generated.length} generated), mean ${Math.round(bytes / corpus.length)} B` }),
      figure({ id: 'parser.throughput', label: 'Parser: throughput over the corpus', value: round(mbPerS, 1), unit: 'MB/s' }),
      figure({ id: 'parser.trackUsPerFrame', label: 'Parser + dialog tracker per frame over a shift in order (content-script work)', value: round(median(trackPasses), 2), unit: 'µs', note: `${shift.length} frames of 300 calls → ${events} call events per pass` }),
      figure({ id: 'parser.corpusInvalid', label: 'Parser: realistic frames counted invalid', value: invalid, unit: 'frames', limit: 0 }),
    ];
    writePart({
      bench: 'parser',
      title: `SIP parser in node — ${corpus.length} realistic frames, ${PASSES} timed passes after warm-up`,
      startedAt: new Date(started).toISOString(),
      wallMs: Date.now() - started,
      figures,
      notes: ['µs per frame: 20 back-to-back parses of the same frame timed with process.hrtime, median over 5 passes, then over frames.'],
      details: { usPerFrame: { median: median(usPerFrame), p95: quantile(usPerFrame, 0.95) }, passTotalsS: passTotals, trackPassesUs: trackPasses },
    });
  });

  it(`never throws on ${FUZZ_CASES} fuzzed frames`, () => {
    const started = Date.now();
    const seeds = [...capturedFrames().map((f) => f.text), ...shiftFrames(8).map((f) => f.text)];
    const families = fuzzFamilies(seeds, FUZZ_CASES).map((family) => {
      const t0 = Date.now();
      const details = fc.check(
        fc.property(family.arb, (data) => {
          wellFormed(parseSipFrame(data));
        }),
        { numRuns: family.runs, seed: 0x5ec0d + family.runs },
      );
      return {
        name: family.name,
        runs: details.numRuns,
        failed: details.failed,
        ms: Date.now() - t0,
        counterexample: details.failed ? JSON.stringify(details.counterexample).slice(0, 500) : undefined,
        error: details.failed ? String(details.errorInstance).slice(0, 300) : undefined,
      };
    });
    const cases = families.reduce((s, f) => s + f.runs, 0);
    const failed = families.filter((f) => f.failed);
    writePart({
      bench: 'fuzz',
      title: `SIP parser fuzz — ${cases} cases in ${families.length} families (fast-check, fixed seeds)`,
      startedAt: new Date(started).toISOString(),
      wallMs: Date.now() - started,
      figures: [
        figure({
          id: 'fuzz.failures',
          label: `Fuzz: families where parseSipFrame threw or returned a malformed result (${cases} cases)`,
          value: failed.length,
          unit: 'families',
          limit: 0,
          budget: 'never throws (0)',
          note: failed.length ? failed.map((f) => `${f.name}: ${f.error} on ${f.counterexample}`).join('; ') : families.map((f) => `${f.name} ${f.runs}`).join(', '),
        }),
      ],
      notes: ['Each family runs until its first failure (fast-check shrinks it); a failure is reported with its counterexample.'],
      details: { families },
    });
  });
});
