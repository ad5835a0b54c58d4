import { z } from 'zod'
import { isoDateSchema } from '../dates'

/**
 * The five stages of a coaching session and the fields each one draws out (DESIGN §2).
 * Each stage's fields are a Zod schema: the model's structured extraction must match it,
 * the review form is built from it, and what is saved is validated by it. A field the
 * conversation did not cover is null, never invented.
 */

export const stageNumbers = [1, 2, 3, 4, 5] as const
export type StageNumber = (typeof stageNumbers)[number]

export const stageSlugs = ['check_in', 'starting_point', 'connect', 'finish', 'check_out'] as const
export type StageSlug = (typeof stageSlugs)[number]

export interface StageInfo {
  number: StageNumber
  slug: StageSlug
  name: string
  /** One line on what the stage is for, shown to the person coached. */
  purpose: string
}

export const stages: readonly StageInfo[] = [
  { number: 1, slug: 'check_in', name: 'Check In', purpose: 'Arrive, notice how you are, and look back at last time’s actions.' },
  { number: 2, slug: 'starting_point', name: 'Starting Point', purpose: 'Choose today’s topic and describe where things stand.' },
  { number: 3, slug: 'connect', name: 'Connect', purpose: 'Widen the options, find the insight, name what is in the way.' },
  { number: 4, slug: 'finish', name: 'Finish', purpose: 'Commit to a goal and the steps to it, with dates.' },
  { number: 5, slug: 'check_out', name: 'Check Out', purpose: 'Put what you learned into your own words.' },
]

export function stageInfo(number: number): StageInfo {
  const info = stages.find((stage) => stage.number === number)
  if (!info) throw new Error(`There is no stage ${number}`)
  return info
}

export const stageNumberSchema = z.coerce.number().pipe(z.literal(stageNumbers, 'There are five stages, 1 to 5.'))

const text = (max: number) => z.string().trim().max(max)
const rating = z.number().int().min(1).max(10)
const list = z.array(text(500)).max(20)

export const actionReviewSchema = z.object({
  actionPlanId: z.uuid().nullable().describe('The id of the open action plan reviewed, as given in the context; null if not one of them.'),
  title: text(200).min(1).describe('The action being reviewed, as named in the context.'),
  progress: z
    .enum(['done', 'partly', 'not_done'])
    .nullable()
    .describe('How far the client says they got: done, partly or not_done; null if they did not say.'),
  whatGotInTheWay: text(1000).nullable().describe('What the client says got in the way, in their words; null if nothing was said.'),
})
export type ActionReview = z.infer<typeof actionReviewSchema>

export const actionStepSchema = z.object({
  title: text(200).min(1).describe('The step, as the client agreed it, in a few words.'),
  description: text(1000).nullable().describe('Any detail the client gave about the step; null if none.'),
  dueDate: isoDateSchema.nullable().describe('The date the client gave, as YYYY-MM-DD; null if they gave none.'),
  priority: z.number().int().min(1).max(5).nullable().describe('1 (highest) to 5, if the client said how important it is; null otherwise.'),
})
export type ActionStep = z.infer<typeof actionStepSchema>

export const smartCriteriaSchema = z.object({
  specific: text(1000).nullable().describe('What exactly will be achieved, in the client’s words.'),
  measurable: text(1000).nullable().describe('How the client will know it is achieved.'),
  achievable: text(1000).nullable().describe('Why the client believes it is within reach.'),
  relevant: text(1000).nullable().describe('Why it matters to the client now.'),
  timeBound: text(1000).nullable().describe('By when, as the client said it.'),
})
export type SmartCriteria = z.infer<typeof smartCriteriaSchema>

export const stageFieldSchemas = {
  check_in: z.object({
    presenceLevel: rating.nullable().describe('How present the client feels, 1–10, as they rated it; null if not rated.'),
    emotionalState: text(1000).nullable().describe('How the client describes their state or mood, in their words.'),
    previousActionsReview: z
      .array(actionReviewSchema)
      .max(20)
      .describe('One entry per open action from the context that the client talked about.'),
    readinessScore: rating.nullable().describe('How ready the client feels for today’s session, 1–10; null if not rated.'),
  }),
  starting_point: z.object({
    topic: text(300).nullable().describe('The topic the client chose for today.'),
    problemStatement: text(1000).nullable().describe('One sentence the client accepts as describing the problem.'),
    currentStateRating: rating.nullable().describe('How the client rates where things stand, 1–10.'),
    strengths: list.describe('Strengths the client named.'),
    obstacles: list.describe('Obstacles the client named.'),
    resources: list.describe('Resources (people, time, tools) the client named.'),
  }),
  connect: z.object({
    options: list.describe('Options the client generated (not ones the coach suggested).'),
    insights: list.describe('Insights, in the client’s words.'),
    challenges: list.describe('Challenges the client named.'),
    barriers: list.describe('What the client says is really in the way.'),
  }),
  finish: z.object({
    goalStatement: text(1000).nullable().describe('The goal, as the client stated it.'),
    smartCriteria: smartCriteriaSchema.describe('The goal’s SMART criteria, from what the client said.'),
    actionSteps: z.array(actionStepSchema).max(12).describe('Only the steps the client agreed to, with the dates they gave.'),
    obstacles: list.describe('Obstacles the client expects.'),
    contingencyPlans: list.describe('What the client will do if an obstacle happens.'),
  }),
  check_out: z.object({
    keyLearnings: list.describe('Key learnings, in the client’s words.'),
    insights: list.describe('Insights the client takes away.'),
    sessionValueRating: rating.nullable().describe('How valuable the client found the session, 1–10.'),
    clarityLevel: rating.nullable().describe('How clear the client feels about next steps, 1–10.'),
  }),
} as const

export type StageFields = { [Slug in StageSlug]: z.infer<(typeof stageFieldSchemas)[Slug]> }
export type AnyStageFields = StageFields[StageSlug]

/** The fields of a stage before anything is known: nulls and empty lists. */
export function emptyFields<Slug extends StageSlug>(slug: Slug): StageFields[Slug] {
  const empty: { [S in StageSlug]: StageFields[S] } = {
    check_in: { presenceLevel: null, emotionalState: null, previousActionsReview: [], readinessScore: null },
    starting_point: { topic: null, problemStatement: null, currentStateRating: null, strengths: [], obstacles: [], resources: [] },
    connect: { options: [], insights: [], challenges: [], barriers: [] },
    finish: {
      goalStatement: null,
      smartCriteria: { specific: null, measurable: null, achievable: null, relevant: null, timeBound: null },
      actionSteps: [],
      obstacles: [],
      contingencyPlans: [],
    },
    check_out: { keyLearnings: [], insights: [], sessionValueRating: null, clarityLevel: null },
  }
  return empty[slug]
}

/** Validates a stage's fields; the error lists each problem with its field path. */
export function parseStageFields(slug: StageSlug, value: unknown): { success: true; data: AnyStageFields } | { success: false; problems: Record<string, string[]> } {
  const result = stageFieldSchemas[slug].safeParse(value)
  if (result.success) return { success: true, data: result.data }
  const problems: Record<string, string[]> = {}
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_form'
    ;(problems[key] ??= []).push(issue.message)
  }
  return { success: false, problems }
}
