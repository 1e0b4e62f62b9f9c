/**
 * How a benchmark hands its figures to scripts/bench.mjs: one JSON file per benchmark in
 * BENCH_OUT (a temp dir the orchestrator creates), merged into test-results/bench.json.
 * Verdicts are decided here, where the figures are typed; nothing in test/bench asserts a
 * wall-clock number.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export type Status = 'ok' | 'over' | 'info';

export interface Figure {
  /** Stable id, e.g. "load.scriptAdded". */
  id: string;
  label: string;
  value: number | null;
  unit: string;
  /** Target as shown in the table, e.g. "≤ 10". */
  budget?: string;
  limit?: number;
  /** True for "at least" targets (e.g. a speed-up ratio); otherwise the target is "at most". */
  atLeast?: boolean;
  /** 95 % confidence interval of the value, when the bench has one. */
  ci?: [number, number];
  /** 'over' when the value is past the target; 'info' for figures without a target. */
  status: Status;
  /**
   * Past the target beyond doubt: the whole confidence interval is past it (without an
   * interval, the value is). Only this fails the bench.
   */
  clearlyOver: boolean;
  /** Counted for the exit code (some targets are only reported: decided by another test run). */
  gating: boolean;
  note?: string;
}

export interface BenchPart {
  bench: string;
  title: string;
  startedAt: string;
  wallMs: number;
  figures: Figure[];
  /** Method notes printed under the table. */
  notes: string[];
  /** Raw samples and intermediate values, for bench.json. */
  details: unknown;
}

export const OUT_DIR = process.env.BENCH_OUT ?? path.join(os.tmpdir(), 'second-ring-bench');

export function figure(f: {
  id: string;
  label: string;
  value: number | null;
  unit: string;
  /** Past when value > limit (or value < limit with `atLeast`). */
  limit?: number;
  atLeast?: boolean;
  ci?: [number, number];
  /** A target of "no difference within noise": met while the interval still reaches the limit. */
  withinNoise?: boolean;
  budget?: string;
  gating?: boolean;
  note?: string;
}): Figure {
  const gating = f.limit !== undefined && (f.gating ?? true);
  const past = (x: number | null): boolean =>
    f.limit !== undefined && (x === null || !Number.isFinite(x) || (f.atLeast ? x < f.limit : x > f.limit));
  const ci = f.ci && f.ci.every((x) => Number.isFinite(x)) ? f.ci : undefined;
  const over = f.withinNoise && ci ? past(f.atLeast ? ci[1] : ci[0]) : past(f.value);
  // The interval bound nearest the target decides "clearly".
  const clearlyOver = over && (ci === undefined || past(f.atLeast ? ci[1] : ci[0]));
  const budget = f.budget ?? (f.limit === undefined ? undefined : `${f.atLeast ? '≥' : '≤'} ${f.limit}`);
  return {
    id: f.id,
    label: f.label,
    value: f.value === null || Number.isFinite(f.value) ? f.value : null,
    unit: f.unit,
    ...(budget === undefined ? {} : { budget }),
    ...(f.limit === undefined ? {} : { limit: f.limit }),
    ...(f.atLeast ? { atLeast: true } : {}),
    ...(ci ? { ci } : {}),
    status: f.limit === undefined ? 'info' : over ? 'over' : 'ok',
    clearlyOver,
    gating,
    ...(f.note ? { note: f.note } : {}),
  };
}

export function writePart(part: BenchPart): string {
  fs.mkdirSync(OUT_DIR, { recursive: true });
  const file = path.join(OUT_DIR, `${part.bench}.json`);
  fs.writeFileSync(file, JSON.stringify(part, null, 2));
  return file;
}

/** Sample counts can be lowered for a quick look: BENCH_SCALE=0.3 npm run bench. */
export function scaled(n: number, min = 3): number {
  const scale = Number(process.env.BENCH_SCALE ?? '1');
  return Math.max(min, Math.round(n * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
