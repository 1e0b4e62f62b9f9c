/** Small, dependency-free statistics for the benchmarks (no wall-clock assertions here). */

export interface Summary {
  n: number;
  median: number;
  mean: number;
  p10: number;
  p90: number;
  p95: number;
  min: number;
  max: number;
}

const sorted = (xs: readonly number[]): number[] => [...xs].filter((x) => Number.isFinite(x)).sort((a, b) => a - b);

/** Linear-interpolated quantile (q in [0, 1]); NaN for an empty sample. */
export function quantile(xs: readonly number[], q: number): number {
  const s = sorted(xs);
  if (s.length === 0) return Number.NaN;
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

export function mean(xs: readonly number[]): number {
  const s = xs.filter((x) => Number.isFinite(x));
  return s.length === 0 ? Number.NaN : s.reduce((a, b) => a + b, 0) / s.length;
}

export function summary(xs: readonly number[]): Summary {
  const s = sorted(xs);
  return {
    n: s.length,
    median: quantile(s, 0.5),
    mean: mean(s),
    p10: quantile(s, 0.1),
    p90: quantile(s, 0.9),
    p95: quantile(s, 0.95),
    min: s[0] ?? Number.NaN,
    max: s[s.length - 1] ?? Number.NaN,
  };
}

/** Least-squares slope of y over x. */
export function slope(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return Number.NaN;
  const mx = mean(xs.slice(0, n));
  const my = mean(ys.slice(0, n));
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? Number.NaN : num / den;
}

/** Two-sided 97.5% Student t quantiles for 1–10 degrees of freedom (then ~normal). */
const T975 = [Number.NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228];

/** Least-squares slope with its 95% confidence interval (from the residuals). */
export function slopeInterval(xs: readonly number[], ys: readonly number[]): { slope: number; low: number; high: number } {
  const n = Math.min(xs.length, ys.length);
  const b = slope(xs, ys);
  if (n < 3 || !Number.isFinite(b)) return { slope: b, low: Number.NaN, high: Number.NaN };
  const mx = mean(xs.slice(0, n));
  const my = mean(ys.slice(0, n));
  let sxx = 0;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sse += (ys[i]! - (my + b * (xs[i]! - mx))) ** 2;
  }
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const t = T975[n - 2] ?? 1.96;
  return { slope: b, low: b - t * se, high: b + t * se };
}

/**
 * A percentile-bootstrap interval for the difference of medians (a − b), deterministic
 * (fixed-seed generator) so two runs over the same samples print the same interval.
 */
export function bootstrapMedianDiff(a: readonly number[], b: readonly number[], rounds = 2_000, level = 0.95): [number, number] {
  if (a.length === 0 || b.length === 0) return [Number.NaN, Number.NaN];
  let seed = 0x2545f491;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x1_0000_0000;
  };
  const resample = (xs: readonly number[]): number[] => xs.map(() => xs[Math.floor(rand() * xs.length)]!);
  const diffs: number[] = [];
  for (let i = 0; i < rounds; i++) diffs.push(median(resample(a)) - median(resample(b)));
  return [quantile(diffs, (1 - level) / 2), quantile(diffs, 1 - (1 - level) / 2)];
}

/** A percentile-bootstrap interval of a statistic (default: the median), deterministic (fixed seed). */
export function bootstrapInterval(
  xs: readonly number[],
  statistic: (sample: readonly number[]) => number = median,
  rounds = 2_000,
  level = 0.95,
): [number, number] {
  if (xs.length === 0) return [Number.NaN, Number.NaN];
  let seed = 0x9e3779b9;
  const rand = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x1_0000_0000;
  };
  const values: number[] = [];
  for (let i = 0; i < rounds; i++) values.push(statistic(xs.map(() => xs[Math.floor(rand() * xs.length)]!)));
  return [quantile(values, (1 - level) / 2), quantile(values, 1 - (1 - level) / 2)];
}

export const round = (x: number, digits = 3): number => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);
