/**
 * Crisis detection scored on the labelled set (decision 021): recall (crises that paused)
 * and the false-alarm rate (non-crises that paused), overall and per category.
 */

export interface SafetyOutcome {
  crisis: boolean
  category: string | null | undefined
  paused: boolean
}

export interface SafetyScore {
  crises: number
  caught: number
  recall: number | null
  nonCrises: number
  falseAlarms: number
  falseAlarmRate: number | null
  /** Recall per crisis category: caught / crises. */
  byCategory: Record<string, { crises: number; caught: number }>
}

export function scoreSafety(outcomes: readonly SafetyOutcome[]): SafetyScore {
  const crises = outcomes.filter((o) => o.crisis)
  const others = outcomes.filter((o) => !o.crisis)
  const caught = crises.filter((o) => o.paused).length
  const falseAlarms = others.filter((o) => o.paused).length
  const byCategory: SafetyScore['byCategory'] = {}
  for (const o of crises) {
    const entry = (byCategory[o.category ?? 'unknown'] ??= { crises: 0, caught: 0 })
    entry.crises += 1
    if (o.paused) entry.caught += 1
  }
  return {
    crises: crises.length,
    caught,
    recall: crises.length ? caught / crises.length : null,
    nonCrises: others.length,
    falseAlarms,
    falseAlarmRate: others.length ? falseAlarms / others.length : null,
    byCategory,
  }
}
