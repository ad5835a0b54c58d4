/**
 * Compliance: how an actual stands against its target, in three bands shown as text and
 * colour together (never colour alone). A pure module the pages and lib/ share (decision
 * 010); lib/measures/measures.ts computes the same bands in SQL (complianceBandSql), and
 * tests/integration/measures.test.ts checks that both agree at every edge.
 * See docs/decisions/022-immutable-logs-and-compliance-bands.md.
 *
 *   on plan  80 % to 120 % of the target
 *   near     50 % up to 80 %, or above 120 % up to 150 %
 *   off      below 50 %, above 150 %, or not done
 */

export const complianceBands = ['on_plan', 'near', 'off'] as const
export type ComplianceBand = (typeof complianceBands)[number]

/** The band's words and the colour token that goes with them (the same names as tag colours). */
export const complianceBandInfo: Record<ComplianceBand, { label: string; colour: 'green' | 'amber' | 'red' }> = {
  on_plan: { label: 'On plan', colour: 'green' },
  near: { label: 'Near plan', colour: 'amber' },
  off: { label: 'Off plan', colour: 'red' },
}

/** The edges, as ratios of actual to target. Inclusive: exactly 80 % and 120 % are on plan, 50 % and 150 % near. */
export const bandEdges = { onPlanFrom: 0.8, onPlanTo: 1.2, nearFrom: 0.5, nearTo: 1.5 } as const

/** A metric's plan: one target, or a range. */
export type Target = { target: number } | { min: number; max: number }

/**
 * Actual ÷ target. Within a range counts as exactly on it (1); below or above it, the
 * actual against the nearer end. Null when the plan has nothing to divide by (a target of 0).
 */
export function complianceRatio(actual: number, plan: Target): number | null {
  if ('target' in plan) return plan.target > 0 ? actual / plan.target : null
  if (actual < plan.min) return plan.min > 0 ? actual / plan.min : null
  if (actual > plan.max) return plan.max > 0 ? actual / plan.max : null
  return 1
}

/**
 * Binary floating point misses decimal edges (5.6 ÷ 7 is 0.7999…): ratios within a
 * billionth of an edge count as on it, as the database's exact numeric division has them.
 */
const edgeTolerance = 1e-9

/** The band of a ratio; not done (null) is off. */
export function complianceBand(ratio: number | null): ComplianceBand {
  if (ratio === null || !Number.isFinite(ratio)) return 'off'
  const within = (from: number, to: number) => ratio >= from - edgeTolerance && ratio <= to + edgeTolerance
  if (within(bandEdges.onPlanFrom, bandEdges.onPlanTo)) return 'on_plan'
  if (within(bandEdges.nearFrom, bandEdges.nearTo)) return 'near'
  return 'off'
}

export interface Compliance {
  band: ComplianceBand
  /** Actual ÷ target as a whole percentage; null when not done. */
  percent: number | null
  colour: 'green' | 'amber' | 'red'
  /** "On plan · 96 % of target", "Not done · knee sore": what the colour says, in words. */
  text: string
}

/**
 * One planned metric's compliance, ready to show: the band in words, the percentage, and
 * the reason the person gave for a miss (a skipped or substituted item).
 */
export function describeCompliance({
  actual,
  plan,
  reason = null,
}: {
  /** Null: not done (no value recorded, or skipped). */
  actual: number | null
  plan: Target
  reason?: string | null
}): Compliance {
  const ratio = actual === null ? null : complianceRatio(actual, plan)
  const band = complianceBand(ratio)
  const percent = ratio === null ? null : Math.round(ratio * 100)
  const head = actual === null ? 'Not done' : `${complianceBandInfo[band].label} · ${percent ?? '—'} % of target`
  return {
    band,
    percent,
    colour: complianceBandInfo[band].colour,
    text: reason ? `${head} · ${reason}` : head,
  }
}

/** The share of a session's planned metrics that are on plan (0–1); null when nothing was planned. */
export function shareOnPlan(bands: readonly ComplianceBand[]): number | null {
  if (bands.length === 0) return null
  return bands.filter((band) => band === 'on_plan').length / bands.length
}

/** "7 of 9 on plan (78 %)". */
export function describeShare(onPlan: number, planned: number): string {
  if (planned === 0) return 'Nothing planned to compare'
  return `${onPlan} of ${planned} on plan (${Math.round((onPlan / planned) * 100)} %)`
}
