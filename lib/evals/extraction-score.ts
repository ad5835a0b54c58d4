import { fieldSpecsOf, stageInfo, type ActionReview, type ActionStep, type AnyStageFields, type FieldSpec, type StageNumber } from '../coaching/stages.shared'
import { normalisedMatch, type TextMatcher } from './text-match'

/**
 * Per-field precision, recall and F1 of an extraction against the golden fields (decision
 * 021). Each field is scored by its kind in the stage registry:
 *
 * - rating, and a step's date or priority, a review's progress: the value must be equal;
 * - text: one value, matched by the text matcher (normalised text match by default);
 * - list: items paired one to one, best match first; unpaired predicted items are false
 *   positives, unpaired expected ones false negatives;
 * - SMART criteria: each part as a text, under `smartCriteria.<part>`;
 * - action steps: paired by title like a list (`actionSteps`); the paired steps' dates,
 *   priorities and milestone titles are scored under `actionSteps.dueDate`,
 *   `actionSteps.priority` and `actionSteps.milestones`;
 * - action reviews: paired by action plan id; their progress and what got in the way are
 *   scored under `previousActionsReview.progress` and `.whatGotInTheWay`.
 *
 * For one value: both empty counts nothing (a gap correctly left), a match is a true
 * positive, a value where none was expected a false positive, a missing value a false
 * negative, and a wrong value both a false positive and a false negative.
 */

export interface Counts {
  tp: number
  fp: number
  fn: number
}

export interface Rates {
  /** null when nothing was predicted (no denominator). */
  precision: number | null
  /** null when nothing was expected. */
  recall: number | null
  /** null when both are null; 0 when either is 0. */
  f1: number | null
}

export const zero = (): Counts => ({ tp: 0, fp: 0, fn: 0 })

export function add(a: Counts, b: Counts): Counts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn }
}

export function rates({ tp, fp, fn }: Counts): Rates {
  const precision = tp + fp === 0 ? null : tp / (tp + fp)
  const recall = tp + fn === 0 ? null : tp / (tp + fn)
  const f1 = precision === null || recall === null ? null : precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { precision, recall, f1 }
}

/** One value: equal (or matching) is a hit; both empty is nothing. */
function scoreValue<T>(expected: T | null | undefined, predicted: T | null | undefined, same: (a: T, b: T) => boolean): Counts {
  const hasExpected = expected !== null && expected !== undefined && expected !== ''
  const hasPredicted = predicted !== null && predicted !== undefined && predicted !== ''
  if (!hasExpected && !hasPredicted) return zero()
  if (hasExpected && hasPredicted) return same(expected, predicted) ? { tp: 1, fp: 0, fn: 0 } : { tp: 0, fp: 1, fn: 1 }
  return hasExpected ? { tp: 0, fp: 0, fn: 1 } : { tp: 0, fp: 1, fn: 0 }
}

const equal = <T>(a: T, b: T) => a === b

/**
 * Pairs expected and predicted items one to one: every matching pair is a candidate, taken
 * in order (expected first, then predicted) so the result does not depend on how the
 * matcher ranks; each item is paired at most once.
 */
export function pairItems<E, P>(expected: readonly E[], predicted: readonly P[], matches: (e: E, p: P) => boolean): { pairs: [E, P][]; counts: Counts } {
  const taken = new Set<number>()
  const pairs: [E, P][] = []
  for (const e of expected) {
    const index = predicted.findIndex((p, i) => !taken.has(i) && matches(e, p))
    if (index < 0) continue
    taken.add(index)
    pairs.push([e, predicted[index]!])
  }
  return { pairs, counts: { tp: pairs.length, fp: predicted.length - pairs.length, fn: expected.length - pairs.length } }
}

export type FieldCounts = Record<string, Counts>

function addTo(into: FieldCounts, key: string, counts: Counts): void {
  into[key] = add(into[key] ?? zero(), counts)
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}
}

function scoreField(spec: FieldSpec, expected: unknown, predicted: unknown, match: TextMatcher, into: FieldCounts): void {
  const key = spec.key
  switch (spec.kind) {
    case 'rating':
      addTo(into, key, scoreValue(expected as number | null, predicted as number | null, equal))
      return
    case 'text':
      addTo(into, key, scoreValue(expected as string | null, predicted as string | null, match))
      return
    case 'list':
      addTo(into, key, pairItems(expected as string[], predicted as string[], match).counts)
      return
    case 'smart': {
      const e = asRecord(expected)
      const p = asRecord(predicted)
      for (const part of spec.parts) addTo(into, `${key}.${part.key}`, scoreValue(e[part.key] as string | null, p[part.key] as string | null, match))
      return
    }
    case 'actionSteps': {
      const { pairs, counts } = pairItems(expected as ActionStep[], predicted as ActionStep[], (e, p) => match(e.title, p.title))
      addTo(into, key, counts)
      // The sub-fields are listed even when no step paired, so every run reports the same rows.
      for (const sub of ['dueDate', 'priority', 'milestones']) addTo(into, `${key}.${sub}`, zero())
      for (const [e, p] of pairs) {
        addTo(into, `${key}.dueDate`, scoreValue(e.dueDate, p.dueDate, equal))
        addTo(into, `${key}.priority`, scoreValue(e.priority, p.priority, equal))
        addTo(into, `${key}.milestones`, pairItems(e.milestones, p.milestones, (a, b) => match(a.title, b.title)).counts)
      }
      return
    }
    case 'actionReviews': {
      const sameReview = (e: ActionReview, p: ActionReview) => (e.actionPlanId ? e.actionPlanId === p.actionPlanId : match(e.title, p.title))
      const { pairs, counts } = pairItems(expected as ActionReview[], predicted as ActionReview[], sameReview)
      addTo(into, key, counts)
      for (const sub of ['progress', 'whatGotInTheWay']) addTo(into, `${key}.${sub}`, zero())
      for (const [e, p] of pairs) {
        addTo(into, `${key}.progress`, scoreValue(e.progress, p.progress, equal))
        addTo(into, `${key}.whatGotInTheWay`, scoreValue(e.whatGotInTheWay, p.whatGotInTheWay, match))
      }
      return
    }
  }
}

/** The counts of one extraction, by field key (`topic`, `smartCriteria.specific`, `actionSteps.dueDate`, …). */
export function scoreExtraction(stage: StageNumber, expected: AnyStageFields, predicted: AnyStageFields, match: TextMatcher = normalisedMatch): FieldCounts {
  const into: FieldCounts = {}
  const e = asRecord(expected)
  const p = asRecord(predicted)
  for (const spec of fieldSpecsOf(stageInfo(stage).slug)) scoreField(spec, e[spec.key], p[spec.key], match, into)
  return into
}

/** Sums the counts of many extractions, field by field, keeping the first-seen order of the keys. */
export function sumFieldCounts(all: readonly FieldCounts[]): FieldCounts {
  const total: FieldCounts = {}
  for (const counts of all) for (const [key, value] of Object.entries(counts)) addTo(total, key, value)
  return total
}

/** Every field's counts added together: the extraction's micro-averaged precision, recall and F1. */
export function overallCounts(fields: FieldCounts): Counts {
  return Object.values(fields).reduce(add, zero())
}
