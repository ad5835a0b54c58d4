import { digitsForWords } from '../coaching/guided-parsing'
import { readDates } from '../coaching/guided-dates'
import { fieldSpecsOf, stageInfo, type ActionReview, type ActionStep, type AnyStageFields, type StageNumber } from '../coaching/stages.shared'
import type { Summary } from '../coaching/summary-schema'
import type { Message } from '../coaching/turn-protocol.shared'
import { sentencesOf } from './stance'
import { contentTokens, normalisedMatch, supportIn, type TextMatcher } from './text-match'

/**
 * Faithfulness, checked structurally (decision 021): nothing recorded that the client did
 * not say. Every claim an extraction makes — a text, a list item, a SMART part, a step's
 * title, detail and date, a milestone, what got in the way, a rating — is checked against
 * the client's own words in the transcript:
 *
 * - a text is supported when at least half of its content words are the client's, and any
 *   YYYY-MM-DD date in it is one they gave;
 * - a rating when the client said that number (in digits or in words);
 * - a date when it is one the client's words name (read as the app reads dates, on the
 *   session date, in UTC).
 *
 * A summary's claims are checked the same way, against the client's words in every stage of
 * the session. A plan is faithful when it traces to an action step the client agreed in Finish (the
 * golden steps) and ends on the date they gave for it; a milestone date must be one of the
 * client's dates.
 */

export const supportThreshold = 0.5

export interface Claim {
  field: string
  value: string
  supported: boolean
}

export interface TranscriptEvidence {
  tokens: ReadonlySet<string>
  numbers: ReadonlySet<number>
  dates: ReadonlySet<string>
}

/** What the client said, as content words, numbers and dates. */
export function evidenceFrom(transcript: readonly Message[], sessionDate: string): TranscriptEvidence {
  const clientLines = transcript.filter((message) => message.role === 'client').map((message) => message.content)
  const text = clientLines.join('\n')
  const numbers = new Set([...digitsForWords(text).matchAll(/\b\d+\b/g)].map(([digits]) => Number(digits)))
  const reference = new Date(`${sessionDate}T12:00:00Z`)
  const dates = new Set(clientLines.flatMap((line) => readDates(line, { timeZone: 'UTC', reference }).dates.map((found) => found.date)))
  return { tokens: new Set(contentTokens(text)), numbers, dates }
}

/**
 * A text is supported when half its content words are the client's; a date written in it
 * as YYYY-MM-DD is a date claim of its own, which must be one the client gave (its digits
 * are not words the client may happen to have said).
 */
function textClaim(field: string, value: string, evidence: TranscriptEvidence): Claim {
  const isoDates = value.match(/\b\d{4}-\d{2}-\d{2}\b/g) ?? []
  const words = value.replace(/\b\d{4}-\d{2}-\d{2}\b/g, ' ')
  const supported = isoDates.every((date) => evidence.dates.has(date)) && (contentTokens(words).length === 0 && isoDates.length > 0 ? true : supportIn(words, evidence.tokens) >= supportThreshold)
  return { field, value, supported }
}

/** Every claim an extraction makes, each marked supported or not by the client's words. */
export function claimsOf(stage: StageNumber, fields: AnyStageFields, evidence: TranscriptEvidence): Claim[] {
  const record = fields as Record<string, unknown>
  const claims: Claim[] = []
  for (const spec of fieldSpecsOf(stageInfo(stage).slug)) {
    const value = record[spec.key]
    const key = spec.key
    switch (spec.kind) {
      case 'rating':
        if (typeof value === 'number') claims.push({ field: key, value: String(value), supported: evidence.numbers.has(value) })
        break
      case 'text':
        if (typeof value === 'string' && value.trim()) claims.push(textClaim(key, value, evidence))
        break
      case 'list':
        for (const item of value as string[]) claims.push(textClaim(key, item, evidence))
        break
      case 'smart':
        for (const part of spec.parts) {
          const text = (value as Record<string, string | null>)[part.key]
          if (text) claims.push(textClaim(`${key}.${part.key}`, text, evidence))
        }
        break
      case 'actionSteps':
        for (const step of value as ActionStep[]) {
          claims.push(textClaim(`${key}.title`, step.title, evidence))
          if (step.description) claims.push(textClaim(`${key}.description`, step.description, evidence))
          if (step.dueDate) claims.push({ field: `${key}.dueDate`, value: step.dueDate, supported: evidence.dates.has(step.dueDate) })
          for (const milestone of step.milestones) {
            claims.push(textClaim(`${key}.milestones`, milestone.title, evidence))
            if (milestone.dueDate) claims.push({ field: `${key}.milestones.dueDate`, value: milestone.dueDate, supported: evidence.dates.has(milestone.dueDate) })
          }
        }
        break
      case 'actionReviews':
        // The rows themselves are the remembered plans (the app keeps exactly those); what was said about them is a claim.
        for (const review of value as ActionReview[]) {
          if (review.whatGotInTheWay) claims.push(textClaim(`${key}.whatGotInTheWay`, review.whatGotInTheWay, evidence))
        }
        break
    }
  }
  return claims
}

export interface PlanToCheck {
  title: string
  timelineEnd: string | null
  milestones: { title: string; dueDate: string | null }[]
}

/**
 * What a plan adds beyond its step's title and date, as claims: each sentence of its
 * description, each SMART part and each milestone's title. (Its title and dates are checked
 * by `checkPlans`.)
 */
export function planClaims(plan: PlanToCheck & { description: string; smartCriteria: Record<string, string | null> }, evidence: TranscriptEvidence): Claim[] {
  return [
    ...sentencesOf(plan.description).map((sentence) => textClaim('plan.description', sentence, evidence)),
    ...Object.entries(plan.smartCriteria).flatMap(([part, text]) => (text ? [textClaim(`plan.smartCriteria.${part}`, text, evidence)] : [])),
    ...plan.milestones.map((milestone) => textClaim('plan.milestones', milestone.title, evidence)),
  ]
}

export interface PlanCheck {
  title: string
  /** The agreed step it traces to, by title; null when it traces to none. */
  tracesTo: string | null
  /** Whether it ends on the date the client gave that step (both none counts as right). */
  dateAsGiven: boolean
  /** How many of its milestones carry a date. */
  milestoneDates: number
  /** Milestone dates the client never gave. */
  ungivenMilestoneDates: string[]
}

/** Each plan against the steps the client agreed in Finish and the dates they gave. */
export function checkPlans(plans: readonly PlanToCheck[], agreed: readonly ActionStep[], clientDates: ReadonlySet<string>, match: TextMatcher = normalisedMatch): PlanCheck[] {
  const taken = new Set<number>()
  return plans.map((plan) => {
    const index = agreed.findIndex((step, i) => !taken.has(i) && match(step.title, plan.title))
    if (index >= 0) taken.add(index)
    const step = index >= 0 ? agreed[index]! : null
    return {
      title: plan.title,
      tracesTo: step?.title ?? null,
      dateAsGiven: step !== null && step.dueDate === plan.timelineEnd,
      milestoneDates: plan.milestones.filter((m) => m.dueDate !== null).length,
      ungivenMilestoneDates: plan.milestones.flatMap((m) => (m.dueDate && !clientDates.has(m.dueDate) ? [m.dueDate] : [])),
    }
  })
}

/**
 * Every claim of a session summary: each sentence of its prose, each insight, success
 * metric and action (with its date), and the goal, against the client's words across the
 * session's stages.
 */
export function summaryClaims(summary: Summary, evidence: TranscriptEvidence): Claim[] {
  const claims: Claim[] = []
  for (const sentence of sentencesOf(summary.executiveSummary)) claims.push(textClaim('executiveSummary', sentence, evidence))
  for (const insight of summary.keyInsights) claims.push(textClaim('keyInsights', insight, evidence))
  if (summary.goalStatement.trim()) claims.push(textClaim('goalStatement', summary.goalStatement, evidence))
  for (const action of summary.actionPlan) {
    claims.push(textClaim('actionPlan.title', action.title, evidence))
    if (action.dueDate) claims.push({ field: 'actionPlan.dueDate', value: action.dueDate, supported: evidence.dates.has(action.dueDate) })
  }
  for (const metric of summary.successMetrics) claims.push(textClaim('successMetrics', metric, evidence))
  for (const sentence of sentencesOf(summary.supportAndAccountability)) claims.push(textClaim('supportAndAccountability', sentence, evidence))
  return claims
}
