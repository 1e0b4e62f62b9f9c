/**
 * The SIP parser in node (quality-bar.md "Bad input"): throughput on realistic frames (the SIP
 * lab's recorded JsSIP/SIP.js traffic and the builders' dialogs), parse + dialog tracking over
 * a shift in order, and a fuzz run far larger than the unit tests' (which keep > 10⁴ cases).
 */
import { createRequire } from 'node:module';
import { describe, it } from 'vitest';
import fc from 'fast-check';
import { LoggerFactory, Parser as SipJsParser } from 'sip.js/lib/core/index.js';
import { frameCannotChangeCall, parseSipFrame, type ParseResult } from '../../src/core/sip/parse';
import { createTrackerState, trackSipFrame } from '../../src/core/sip/dialog-tracker';
import { callIdOf, cseqOf, headerValue, tagOf, uriOf } from '../../src/core/sip/headers';
import { audioDirection } from '../../src/core/sip/sdp';
import { figure, scaled, writePart, type Figure } from './lib/results';
import { fuzzFamilies } from './lib/sip-fuzz';
import { capturedFrames, shiftFrames, utf8Bytes } from './lib/sip-traffic';
import { bootstrapInterval, median, quantile, round } from './lib/stats';

const FUZZ_CASES = scaled(100_000, 1_000);
const PASSES = 5;

const nowNs = (): bigint => process.hrtime.bigint();

/** The parser's contract on any input: a result of the right shape, helpers total on it. */
function wellFormed(result: ParseResult): void {
  if (!Array.isArray(result.messages)) throw new Error('messages is not an array');
  if (!Number.isInteger(result.invalid) || result.invalid < 0) throw new Error(`invalid = ${result.invalid}`);
  for (const msg of result.messages) {
    if (typeof msg.headers.get !== 'function' || typeof msg.body !== 'string') throw new Error('malformed message');
    if (msg.kind === 'response' ? msg.status < 100 || msg.status > 699 : msg.method.length === 0) throw new Error('bad start line accepted');
    callIdOf(msg);
    cseqOf(msg);
    const from = headerValue(msg, 'from');
    tagOf(from);
    uriOf(from);
    audioDirection(msg.body);
  }
}

/** JsSIP 3.13's own parser (lib/Parser.js: what JsSIP's transport runs on every frame). */
const jssipParser = createRequire(import.meta.url)('jssip/lib/Parser.js') as { parseMessage(data: string, ua: unknown): object | undefined };
/** SIP.js 0.21's own parser, with its logger silenced (it logs only on errors). */
const sipjsLogger = (() => {
  const factory = new LoggerFactory();
  factory.builtinEnabled = false;
  return factory.getLogger('bench');
})();

/**
 * The limit: read every UTF-16 unit of the frame once, as any parser must, and nothing else.
 * The sum is returned so the loop cannot be optimised away.
 */
function bareScan(frame: string): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum = (sum + frame.charCodeAt(i)) | 0;
  return sum;
}

interface Contender {
  name: string;
  run: (frame: string) => unknown;
}

/**
 * µs per frame of each contender over the whole corpus: PASSES rounds, the contenders in a
 * rotating order within each round, each timed over enough repetitions of the corpus to last
 * ~TARGET_MS. Returns every pass's µs per frame, per contender.
 */
function timeContenders(contenders: readonly Contender[], corpus: readonly string[], passes: number): Map<string, number[]> {
  const TARGET_MS = 25;
  let sink = 0;
  const consume = (x: unknown): void => {
    sink = (sink + (x === undefined ? 0 : 1)) | 0;
  };
  const reps = new Map<string, number>();
  for (const c of contenders) {
    // Warm-up (V8 optimises the hot paths), then the repetitions for ~TARGET_MS.
    const t0 = nowNs();
    let rounds = 0;
    while (rounds < 3 || (Number(nowNs() - t0) < 300e6 && rounds < 200)) {
      for (const frame of corpus) consume(c.run(frame));
      rounds++;
    }
    const msPerCorpus = Number(nowNs() - t0) / 1e6 / rounds;
    reps.set(c.name, Math.max(1, Math.round(TARGET_MS / msPerCorpus)));
  }
  const out = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let pass = 0; pass < passes; pass++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(pass + k) % contenders.length]!;
      const n = reps.get(c.name)!;
      const t0 = nowNs();
      for (let r = 0; r < n; r++) for (const frame of corpus) consume(c.run(frame));
      out.get(c.name)!.push(Number(nowNs() - t0) / 1000 / n / corpus.length);
    }
  }
  if (sink === 0.5) console.log(sink); // never: keeps `sink` alive
  return out;
}

describe('SIP parser', () => {
  it('against JsSIP’s and SIP.js’s own parsers and a bare scan, on the SIP lab’s recorded frames', () => {
    const started = Date.now();
    const corpus = capturedFrames().map((f) => f.text);
    const bytes = corpus.reduce((s, f) => s + utf8Bytes(f), 0);
    const parsedBy = {
      ours: corpus.filter((f) => parseSipFrame(f).messages.length === 1).length,
      jssip: corpus.filter((f) => jssipParser.parseMessage(f, undefined) !== undefined).length,
      sipjs: corpus.filter((f) => SipJsParser.parseMessage(f, sipjsLogger) !== undefined).length,
    };
    const skipped = corpus.filter((f) => frameCannotChangeCall(f)).length;
    const passes = scaled(15, 5);
    const times = timeContenders(
      [
        { name: 'scan', run: bareScan },
        { name: 'ours', run: parseSipFrame },
        { name: 'prefilter', run: frameCannotChangeCall },
        { name: 'jssip', run: (f) => jssipParser.parseMessage(f, undefined) },
        { name: 'sipjs', run: (f) => SipJsParser.parseMessage(f, sipjsLogger) },
      ],
      corpus,
      passes,
    );
    const us = (name: string) => median(times.get(name)!);
    const ci = (name: string) => bootstrapInterval(times.get(name)!);
    // Ratios pass by pass (the same pass's conditions for both), then the median.
    const ratios = (a: string, b: string) => times.get(a)!.map((x, i) => x / times.get(b)![i]!);
    const ratio = (a: string, b: string) => median(ratios(a, b));
    const ratioCi = (a: string, b: string) => bootstrapInterval(ratios(a, b));
    const r2 = (xs: [number, number]): string => `${round(xs[0], 2)}…${round(xs[1], 2)}`;
    const figures: Figure[] = [
      figure({
        id: 'parser.recordedUsPerFrame',
        label: `Parser: parseSipFrame per recorded frame (SIP lab captures, mean ${Math.round(bytes / corpus.length)} B)`,
        value: round(us('ours'), 3),
        unit: 'µs',
        limit: 2,
        ci: ci('ours'),
        note: `95% CI ${r2(ci('ours'))} µs; bare scan of the same frames ${round(us('scan'), 3)} µs (the limit): ${round(ratio('ours', 'scan'), 1)}× the scan; ${parsedBy.ours}/${corpus.length} frames parsed`,
      }),
      figure({
        id: 'parser.vsJssip',
        label: 'Parser: JsSIP’s own parser ÷ ours, same frames (speed-up)',
        value: round(ratio('jssip', 'ours'), 1),
        unit: '×',
        limit: 50,
        atLeast: true,
        ci: ratioCi('jssip', 'ours'),
        note: `JsSIP 3.13 Parser.parseMessage ${round(us('jssip'), 2)} µs per frame (95% CI ${r2(ci('jssip'))}); ${parsedBy.jssip}/${corpus.length} frames parsed`,
      }),
      figure({
        id: 'parser.vsSipjs',
        label: 'Parser: SIP.js’s own parser ÷ ours, same frames (speed-up)',
        value: round(ratio('sipjs', 'ours'), 0),
        unit: '×',
        note: `SIP.js 0.21 Parser.parseMessage ${round(us('sipjs'), 1)} µs per frame (95% CI ${r2(ci('sipjs'))}); ${parsedBy.sipjs}/${corpus.length} frames parsed`,
      }),
      figure({
        id: 'parser.vsScan',
        label: 'Parser: ours ÷ a bare scan of the same bytes (1 = the limit)',
        value: round(ratio('ours', 'scan'), 2),
        unit: '×',
        note: `bare scan (charCodeAt over every unit) ${round(us('scan'), 3)} µs per frame`,
      }),
      figure({
        id: 'parser.prefilterUsPerFrame',
        label: 'Parser: frameCannotChangeCall pre-filter per recorded frame',
        value: round(us('prefilter'), 3),
        unit: 'µs',
        note: `says "cannot change a call" for ${skipped}/${corpus.length} recorded frames (REGISTER, OPTIONS, 100 Trying, their responses, keep-alives)`,
      }),
    ];
    writePart({
      bench: 'parser-compare',
      title: `SIP parsers side by side — the SIP lab's ${corpus.length} recorded frames (JsSIP 3.13 and SIP.js 0.21 pages behind Kamailio), ${passes} passes`,
      startedAt: new Date(started).toISOString(),
      wallMs: Date.now() - started,
      figures,
      notes: [
        'Side by side: each parser over the whole recorded corpus, repeated for ~25 ms per pass after a warm-up, the parsers in rotating order within each pass; µs per frame = median over passes; ratios per pass, then the median; 95% CIs by bootstrap over passes.',
      ],
      details: Object.fromEntries([...times].map(([k, v]) => [k, { median: median(v), passes: v }])),
    });
  });

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
