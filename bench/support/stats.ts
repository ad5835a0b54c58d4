/**
 * Figures for benchmarks: a nearest-rank percentile, rounding, and a summary of samples
 * (usually milliseconds).
 */

/** The nearest-rank `p`th percentile (0–100) of `sorted` (ascending); NaN when it is empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** `value` rounded to `digits` decimals. */
export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits

export interface Summary {
  /** How many samples. */
  n: number
  min: number
  mean: number
  p50: number
  p95: number
  p99: number
  max: number
}

/** Count, min, mean, nearest-rank p50/p95/p99 and max of `samples` (any order), each rounded to 2 decimals; NaN when there are none. */
export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    n: sorted.length,
    min: round(sorted[0] ?? NaN),
    mean: round(sorted.reduce((sum, value) => sum + value, 0) / sorted.length),
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1] ?? NaN),
  }
}
