import { z } from 'zod'
import { isoDateSchema } from '../dates.shared'
import { generateStructured, type Usage } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import { actionPlansPrompt } from '../coaching/prompt-builders'
import { outcomeOf, readSession } from '../coaching/sessions'
import {
  planningStage,
  smartCriteriaSchema,
  smartParts,
  stageInfo,
  type ActionStep,
  type SessionOutcome,
  type SmartCriteria,
  type SmartPartKey,
} from '../coaching/stages.shared'
import { readSummary, type Summary } from '../coaching/summary-schema'
import { withoutDatesOtherThan } from '../coaching/guided-parsing'

/**
 * Action plans from a finished session: one plan per action step the client agreed in
 * Finish, with the step's own title, date and priority. The milestones the client accepted
 * in Finish are the plan's milestones; for a step without any, the model proposes some. The
 * model adds a description and SMART criteria (or, in guided mode, the step alone is used).
 *
 * Dates come only from the client (decision 020): a milestone keeps a date only if the
 * client gave that date in Finish, and any other date the model writes — in a milestone, a
 * title, the description or the SMART criteria — is dropped, not moved or clamped.
 *
 * Idempotent: each plan is keyed by its step (`finish-step-<n>`), unique per session in
 * the database; running again creates nothing new and, when every step already has its
 * plan, calls no model. All plans and milestones of a run are written in one transaction.
 */

export const enrichmentSchema = z.object({
  plans: z
    .array(
      z.object({
        stepNumber: z.number().int().min(1).max(12).describe('Which agreed action step this plan is for (1 = the first).'),
        description: z.string().trim().max(2000).describe('One to three plain sentences: what the step is and how it serves the goal.'),
        smartCriteria: smartCriteriaSchema.describe('SMART criteria for this step.'),
        milestones: z
          .array(z.object({ title: z.string().trim().min(1).max(200), dueDate: isoDateSchema.nullable() }))
          .max(4)
          .describe('One to four checkpoints, in date order, on or before the step’s date.'),
      }),
    )
    .max(12),
})

export interface PlansFromSessionResult {
  created: number
  existing: number
  usage: Usage | null
}

export async function createPlansFromSession(
  deps: { db: Database; ai: ChatModel | null },
  { userId, sessionId }: { userId: string; sessionId: string },
): Promise<PlansFromSessionResult> {
  const session = await deps.db.asUser(userId, (tx) => readSession(tx, { userId, sessionId }))
  if (!session.viewerRuns) throw new AppError('not_found', 'That session does not exist, or you do not have access to it.')
  if (session.status !== 'completed') throw new AppError('conflict', 'Complete the session first; its action plans come from Finish.')
  const outcome = outcomeOf(session)
  const steps = outcome.steps
  if (!steps) throw new AppError('conflict', `The ${stageInfo(planningStage).name} stage has no saved action steps.`)
  // The coaching theme: the topic the client chose.
  const theme = outcome.topic ?? session.title
  const keyOf = (index: number) => `finish-step-${index + 1}`

  const existing = await deps.db.asUser(userId, (tx) =>
    tx.query<{ extraction_key: string }>(
      'select extraction_key from public.action_plans where session_id = $1 and extraction_key is not null',
      [sessionId],
    ),
  )
  const existingKeys = new Set(existing.map((row) => row.extraction_key))
  const missing = steps.map((step, index) => ({ step, index })).filter(({ index }) => !existingKeys.has(keyOf(index)))
  if (missing.length === 0) return { created: 0, existing: existingKeys.size, usage: null }

  const { enrichment, usage } = deps.ai
    ? await proposePlanDetails(deps.ai, { sessionDate: session.sessionDate, outcome, summary: readSummary(session.summary) })
    : { enrichment: [], usage: null }

  const plans = draftPlans({ steps, outcome, sessionDate: session.sessionDate, enrichment })
  const created = await deps.db.asUser(userId, async (tx) => {
    let count = 0
    for (const { index } of missing) {
      const plan = plans[index]!
      const [row] = await tx.query<{ id: string }>(
        `insert into public.action_plans
           (session_id, user_id, title, description, goal_statement, smart_criteria, priority,
            status, timeline_start, timeline_end, extraction_key, theme)
         values ($1, $2, $3, $4, $5, $6::jsonb, $7, 'pending', $8, $9, $10, $11)
         on conflict (session_id, extraction_key) do nothing
         returning id`,
        [sessionId, session.clientId, plan.title, plan.description, plan.goalStatement, JSON.stringify(plan.smartCriteria), plan.priority, plan.timelineStart, plan.timelineEnd, keyOf(index), theme.slice(0, 300)],
      )
      if (!row) continue // another run created it a moment ago
      count += 1
      for (const [position, milestone] of plan.milestones.entries()) {
        await tx.query(
          'insert into public.milestones (action_plan_id, title, due_date, position) values ($1, $2, $3, $4)',
          [row.id, milestone.title, milestone.dueDate, position],
        )
      }
    }
    return count
  })
  return { created, existing: existingKeys.size, usage }
}

type Enrichment = z.output<typeof enrichmentSchema>['plans'][number]

/** The model's details for the plans (descriptions, SMART criteria, milestones), dates not yet checked. */
export async function proposePlanDetails(
  ai: ChatModel,
  input: { sessionDate: string; outcome: SessionOutcome; summary: Summary | null },
): Promise<{ enrichment: Enrichment[]; usage: Usage }> {
  const result = await generateStructured(ai, { ...actionPlansPrompt(input), schema: enrichmentSchema })
  return { enrichment: result.value.plans, usage: result.usage }
}

export type DraftPlan = ReturnType<typeof planFor>

/**
 * The plan for each agreed step, in order: the step's own title, date and priority, the
 * model's details with every date the client did not give taken out. What is written to
 * the database, and what the eval suite checks for faithfulness (decision 021).
 */
export function draftPlans({ steps, outcome, sessionDate, enrichment }: { steps: ActionStep[]; outcome: SessionOutcome; sessionDate: string; enrichment: Enrichment[] }): DraftPlan[] {
  const clientDates = datesTheClientGave(steps)
  return steps.map((step, index) => {
    const extra = enrichment.find((plan) => plan.stepNumber === index + 1)
    return planFor(step, outcome, sessionDate, extra && withClientDatesOnly(extra, step, clientDates, sessionDate))
  })
}

/** Every date the client gave in Finish: each step's date and its accepted milestones' dates. */
function datesTheClientGave(steps: ActionStep[]): Set<string> {
  return new Set(steps.flatMap((step) => [step.dueDate, ...step.milestones.map((m) => m.dueDate)]).filter((date): date is string => date !== null))
}

/**
 * What the model wrote, with every date the client did not give taken out. A milestone
 * keeps its date only when it is one the client gave for this step (its due date or one of
 * its milestones'); otherwise the milestone stays, undated. Text keeps only the client's dates.
 */
function withClientDatesOnly(extra: Enrichment, step: ActionStep, clientDates: ReadonlySet<string>, sessionDate: string): Enrichment {
  const context = { timeZone: 'UTC', reference: new Date(`${sessionDate}T12:00:00Z`) }
  const stepDates = new Set([step.dueDate, ...step.milestones.map((m) => m.dueDate)].filter((date): date is string => date !== null))
  const clean = (text: string) => withoutDatesOtherThan(text, clientDates, context)
  return {
    ...extra,
    description: clean(extra.description),
    smartCriteria: smartCriteriaSchema.parse(
      Object.fromEntries(Object.entries(extra.smartCriteria).map(([key, value]) => [key, value === null ? null : clean(value) || null])),
    ),
    milestones: extra.milestones
      .map((m) => ({ title: withoutDatesOtherThan(m.title, stepDates, context), dueDate: m.dueDate && stepDates.has(m.dueDate) ? m.dueDate : null }))
      .filter((m) => m.title.length > 0),
  }
}

/**
 * A plan's SMART criteria are the client's own answers in Finish; only a part they left
 * empty is taken from the model's suggestion, and then from the step itself.
 */
function smartCriteriaFor(step: ActionStep, outcome: SessionOutcome, suggested: SmartCriteria | undefined): SmartCriteria {
  const fallback: SmartCriteria = { specific: step.title, measurable: null, achievable: null, relevant: outcome.goal, timeBound: step.dueDate }
  // "By when" is the client's to say: their own answer, or the step's date, never the model's.
  const pick = (part: SmartPartKey) => outcome.smart?.[part] ?? (part === 'timeBound' ? null : suggested?.[part]) ?? fallback[part]
  return smartCriteriaSchema.parse(Object.fromEntries(smartParts.map(({ key }) => [key, pick(key)])))
}

function planFor(
  step: ActionStep,
  outcome: SessionOutcome,
  sessionDate: string,
  extra: Enrichment | undefined,
) {
  const due = step.dueDate
  // The milestones the client accepted in Finish; the model's (dates already checked) only for a step without any.
  const milestones = (step.milestones.length > 0 ? step.milestones : (extra?.milestones ?? [])).slice(0, 4)
  return {
    title: step.title,
    description: step.description ?? extra?.description ?? '',
    goalStatement: (outcome.goal ?? '').slice(0, 2000),
    smartCriteria: smartCriteriaFor(step, outcome, extra?.smartCriteria),
    // The client's own priority, or none: importance is theirs to say (bug 6, issue 9).
    priority: step.priority,
    timelineStart: due && due < sessionDate ? due : sessionDate,
    timelineEnd: due,
    milestones,
  }
}
