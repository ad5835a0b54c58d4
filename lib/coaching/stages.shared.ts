import { z } from '../zod.shared'
import { isoDateSchema } from '../dates.shared'

/**
 * The stage registry: the five stages of a coaching session (DESIGN §2) and the fields each
 * one draws out, written once. Everything else is derived from it — each stage's Zod schema
 * (what the model's extraction must match and what is saved), the empty fields, the review
 * form and its parsing, guided mode's parsing by field kind, the names on the dashboard and
 * the "last stage" checks. The database's own checks are kept in step by
 * tests/integration/stage-registry.test.ts.
 *
 * A pure module (`*.shared.ts`): the browser imports it too, so it holds no server code
 * (decision 010). A field the conversation did not cover is null or empty, never invented.
 */

const text = (max: number) => z.string().trim().max(max)
const ratingSchema = z.number().int().min(1).max(10)
const listSchema = z.array(text(500)).max(20)

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

export const progressLabels: Record<NonNullable<ActionReview['progress']>, string> = {
  done: 'Done',
  partly: 'Partly done',
  not_done: 'Not done',
}

/** A checkpoint on the way to an action step; its date only if the client gave one. */
export const stepMilestoneSchema = z.object({
  title: text(200).min(1).describe('The checkpoint, in a few words.'),
  dueDate: isoDateSchema.nullable().describe('The date the client gave for it, as YYYY-MM-DD; null if they gave none.'),
})
export type StepMilestone = z.infer<typeof stepMilestoneSchema>

export const actionStepSchema = z.object({
  title: text(200).min(1).describe('The step, as the client agreed it, in a few words.'),
  description: text(1000).nullable().describe('Any detail the client gave about the step; null if none.'),
  dueDate: isoDateSchema.nullable().describe('The date the client gave, as YYYY-MM-DD; null if they gave none.'),
  priority: z.number().int().min(1).max(5).nullable().describe('1 (highest) to 5, if the client said how important it is; null otherwise.'),
  milestones: z
    .array(stepMilestoneSchema)
    .max(4)
    .default([])
    .describe('Checkpoints on the way to the step that the client named or accepted, in order; [] if none.'),
})
export type ActionStep = z.infer<typeof actionStepSchema>

/** The parts of a SMART goal, each a text in the client's words. */
export const smartParts = [
  { key: 'specific', label: 'Specific — what exactly', description: 'What exactly will be achieved, in the client’s words.' },
  { key: 'measurable', label: 'Measurable — how you will know', description: 'How the client will know it is achieved.' },
  { key: 'achievable', label: 'Achievable — why it is within reach', description: 'Why the client believes it is within reach.' },
  { key: 'relevant', label: 'Relevant — why it matters now', description: 'Why it matters to the client now.' },
  { key: 'timeBound', label: 'Time-bound — by when', description: 'By when, as the client said it.' },
] as const
export type SmartPartKey = (typeof smartParts)[number]['key']

export const smartCriteriaSchema = z.object(
  shapeOf(Object.fromEntries(smartParts.map((part) => [part.key, { schema: text(1000).nullable().describe(part.description) }])) as {
    [K in SmartPartKey]: { schema: z.ZodNullable<z.ZodString> }
  }),
)
export type SmartCriteria = z.infer<typeof smartCriteriaSchema>

// ---------------------------------------------------------------------------------------
// Field kinds: how a field is asked, shown, edited, parsed and left empty.

/** What the person sees of a field: its label and an optional line of help. */
interface FieldText {
  label: string
  help?: string
  /**
   * How guided mode's summary reads the field back to the client, `{}` standing for their
   * words (a list joined as "a, b and c", a rating as its number). A field without one is
   * not part of the summary's opening paragraph.
   */
  recap?: string
}

function rating(label: string, description: string, recap?: string) {
  return { kind: 'rating' as const, label, recap, schema: ratingSchema.nullable().describe(description) }
}
function textField(label: string, description: string, { max = 1000, recap }: { max?: number; recap?: string } = {}) {
  return { kind: 'text' as const, label, max, recap, schema: text(max).nullable().describe(description) }
}
function list(label: string, description: string, recap?: string) {
  return { kind: 'list' as const, label, help: 'One per line.', max: 20, recap, schema: listSchema.describe(description) }
}
function smart(label: string, description: string) {
  return { kind: 'smart' as const, label, parts: smartParts, schema: smartCriteriaSchema.describe(description) }
}
function actionSteps(label: string, description: string, recap?: string) {
  return {
    kind: 'actionSteps' as const,
    label,
    help: 'Only steps you agreed to. Leave a row empty to skip it.',
    max: 12,
    recap,
    schema: z.array(actionStepSchema).max(12).describe(description),
  }
}
function actionReviews(label: string, description: string) {
  return { kind: 'actionReviews' as const, label, max: 20, schema: z.array(actionReviewSchema).max(20).describe(description) }
}

type FieldDefinition =
  | ReturnType<typeof rating>
  | ReturnType<typeof textField>
  | ReturnType<typeof list>
  | ReturnType<typeof smart>
  | ReturnType<typeof actionSteps>
  | ReturnType<typeof actionReviews>
export type FieldKind = FieldDefinition['kind']
/** A field of a stage, with its key: what the forms, guided mode and the views work from. */
export type FieldSpec = FieldDefinition & FieldText & { key: string }

type FieldMap = Record<string, { schema: z.ZodType }>

/** The Zod shape of a set of fields, keeping each field's own schema type. */
function shapeOf<F extends FieldMap>(fields: F): { -readonly [K in keyof F]: F[K]['schema'] } {
  // Object.entries loses the per-key types that the signature restores.
  return Object.fromEntries(Object.entries(fields).map(([key, field]) => [key, field.schema])) as { -readonly [K in keyof F]: F[K]['schema'] }
}

function defineStage<N extends number, S extends string, F extends Record<string, FieldDefinition>>(definition: {
  number: N
  slug: S
  name: string
  /** One line on what the stage is for, shown to the person coached. */
  purpose: string
  /** The stage's prompt under prompts/ (its instructions and guided questions). */
  promptFile: string
  fields: F
}) {
  return {
    ...definition,
    schema: z.object(shapeOf(definition.fields)),
    fieldSpecs: Object.entries(definition.fields).map(([key, field]): FieldSpec => ({ ...field, key })),
  }
}

// ---------------------------------------------------------------------------------------
// The stages

export const stages = [
  defineStage({
    number: 1,
    slug: 'check_in',
    name: 'Check In',
    purpose: 'Arrive, notice how you are, and look back at last time’s actions.',
    promptFile: 'stages/1-check-in.md',
    fields: {
      presenceLevel: rating('How present you feel (1–10)', 'How present the client feels, 1–10, as they rated it; null if not rated.'),
      emotionalState: textField('How you are feeling', 'How the client describes their state or mood, in their words.'),
      previousActionsReview: actionReviews('How last time’s actions went', 'One entry per open action from the context that the client talked about.'),
      readinessScore: rating('How ready you are for today (1–10)', 'How ready the client feels for today’s session, 1–10; null if not rated.'),
    },
  }),
  defineStage({
    number: 2,
    slug: 'starting_point',
    name: 'Starting Point',
    purpose: 'Choose today’s topic and describe where things stand.',
    promptFile: 'stages/2-starting-point.md',
    fields: {
      topic: textField('Today’s topic', 'The topic the client chose for today.', { max: 300, recap: 'You came to talk about {}' }),
      problemStatement: textField('The problem, in one sentence', 'One sentence the client accepts as describing the problem.', { recap: 'In your words: {}' }),
      currentStateRating: rating('Where things stand (1–10)', 'How the client rates where things stand, 1–10.', 'You put where things stand at {} out of 10.'),
      strengths: list('Strengths', 'Strengths the client named.', 'You named your strengths: {}.'),
      obstacles: list('Obstacles', 'Obstacles the client named.', 'What stands in the way: {}.'),
      resources: list('Resources', 'Resources (people, time, tools) the client named.'),
    },
  }),
  defineStage({
    number: 3,
    slug: 'connect',
    name: 'Connect',
    purpose: 'Widen the options, find the insight, name what is in the way.',
    promptFile: 'stages/3-connect.md',
    fields: {
      options: list('Options you came up with', 'Options the client generated (not ones the coach suggested).', 'The options you saw: {}.'),
      insights: list('Insights', 'Insights, in the client’s words.'),
      challenges: list('Challenges', 'Challenges the client named.'),
      barriers: list('What is really in the way', 'What the client says is really in the way.', 'What is really in the way, as you said: {}.'),
    },
  }),
  defineStage({
    number: 4,
    slug: 'finish',
    name: 'Finish',
    purpose: 'Commit to a goal and the steps to it, with dates.',
    promptFile: 'stages/4-finish.md',
    fields: {
      goalStatement: textField('Your goal', 'The goal, as the client stated it.', { recap: 'Your goal: {}' }),
      smartCriteria: smart('Making the goal SMART', 'The goal’s SMART criteria, from what the client said.'),
      actionSteps: actionSteps('Action steps you agreed to', 'Only the steps the client agreed to, with the dates they gave.', 'You agreed to {}.'),
      obstacles: list('Obstacles you expect', 'Obstacles the client expects.'),
      contingencyPlans: list('If an obstacle happens', 'What the client will do if an obstacle happens.'),
    },
  }),
  defineStage({
    number: 5,
    slug: 'check_out',
    name: 'Check Out',
    purpose: 'Put what you learned into your own words.',
    promptFile: 'stages/5-check-out.md',
    fields: {
      keyLearnings: list('Key learnings', 'Key learnings, in the client’s words.'),
      insights: list('Insights you take away', 'Insights the client takes away.'),
      sessionValueRating: rating('How valuable the session was (1–10)', 'How valuable the client found the session, 1–10.', 'You rated the session {} out of 10.'),
      clarityLevel: rating('How clear your next steps are (1–10)', 'How clear the client feels about next steps, 1–10.', 'Your next steps feel {} out of 10 clear.'),
    },
  }),
] as const

type Stage = (typeof stages)[number]
export type StageNumber = Stage['number']
export type StageSlug = Stage['slug']
export type StageInfo = Stage

export const stageNumbers: readonly StageNumber[] = stages.map((stage) => stage.number)
export const stageSlugs: readonly StageSlug[] = stages.map((stage) => stage.slug)
export const firstStage: StageNumber = stages[0].number
export const lastStage: StageNumber = stages[stages.length - 1]!.number
/** Check In reviews what the coach remembers from before; the memory lives on it. */
export const memoryStage: StageNumber = firstStage

export const stageNumberSchema = z.coerce
  .number()
  .pipe(z.literal(stageNumbers, `There are ${stages.length} stages, ${firstStage} to ${lastStage}.`))

export function stageInfo(number: number): StageInfo {
  const info = stages.find((stage) => stage.number === number)
  if (!info) throw new Error(`There is no stage ${number}`)
  return info
}

export function stageNumberOf(slug: StageSlug): StageNumber {
  const info = stages.find((stage) => stage.slug === slug)
  if (!info) throw new Error(`There is no stage ${slug}`)
  return info.number
}

export function isLastStage(number: number): boolean {
  return number === lastStage
}

/** The stage after this one, or null after the last. */
export function nextStage(number: StageNumber): StageNumber | null {
  return stages.find((stage) => stage.number === number + 1)?.number ?? null
}

export function fieldSpecsOf(slug: string): readonly FieldSpec[] {
  return stages.find((stage) => stage.slug === slug)?.fieldSpecs ?? []
}

export const stageFieldSchemas = Object.fromEntries(stages.map((stage) => [stage.slug, stage.schema])) as {
  [S in Stage as S['slug']]: S['schema']
}

export type StageFields = { [S in Stage as S['slug']]: z.infer<S['schema']> }
export type AnyStageFields = StageFields[StageSlug]

function emptyValue(spec: FieldSpec): unknown {
  switch (spec.kind) {
    case 'rating':
    case 'text':
      return null
    case 'smart':
      return Object.fromEntries(spec.parts.map((part) => [part.key, null]))
    case 'list':
    case 'actionSteps':
    case 'actionReviews':
      return []
  }
}

/** The fields of a stage before anything is known: nulls and empty lists. */
export function emptyFields<Slug extends StageSlug>(slug: Slug): StageFields[Slug] {
  const empty = Object.fromEntries(fieldSpecsOf(slug).map((spec) => [spec.key, emptyValue(spec)]))
  // The schema checks what the kinds produced, so the type below is earned, not asserted.
  return stageFieldSchemas[slug].parse(empty) as StageFields[Slug]
}

/** Validates a stage's fields; the error lists each problem with its field path. */
export function parseStageFields(
  slug: StageSlug,
  value: unknown,
): { success: true; data: AnyStageFields } | { success: false; problems: Record<string, string[]> } {
  const result = stageFieldSchemas[slug].safeParse(value)
  if (result.success) return { success: true, data: result.data }
  const problems: Record<string, string[]> = {}
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '_form'
    ;(problems[key] ??= []).push(issue.message)
  }
  return { success: false, problems }
}

// ---------------------------------------------------------------------------------------
// What a session produced, by meaning

/** The stage whose agreed action steps become action plans: the one with an action-steps field (Finish). */
export const planningStage: StageNumber = (() => {
  const stage = stages.find((s) => s.fieldSpecs.some((spec) => spec.kind === 'actionSteps'))
  if (!stage) throw new Error('No stage agrees action steps')
  return stage.number
})()

/**
 * What later work takes from a session — the guided summary, the action plans, the next
 * Check In — named by what it means rather than by the stage and field that hold it, so
 * that only this registry knows which stage asks for what.
 */
export interface SessionOutcome {
  arrivedFeeling: string | null
  topic: string | null
  resources: string[]
  /** Insights and learnings from every stage, in stage order (may repeat; readers de-duplicate). */
  insights: string[]
  goal: string | null
  smart: SmartCriteria | null
  /** The action steps the client agreed to; null when the planning stage has no saved fields. */
  steps: ActionStep[] | null
  expectedObstacles: string[]
  /** What the client will do if an obstacle happens, in the order of the obstacles. */
  contingencies: string[]
}

export function sessionOutcome(savedFieldsOf: (slug: StageSlug) => unknown): SessionOutcome {
  const checkIn = savedFields('check_in', savedFieldsOf)
  const startingPoint = savedFields('starting_point', savedFieldsOf)
  const connect = savedFields('connect', savedFieldsOf)
  const finish = savedFields('finish', savedFieldsOf)
  const checkOut = savedFields('check_out', savedFieldsOf)
  return {
    arrivedFeeling: checkIn?.emotionalState ?? null,
    topic: startingPoint?.topic ?? null,
    resources: startingPoint?.resources ?? [],
    insights: [...(connect?.insights ?? []), ...(checkOut?.insights ?? []), ...(checkOut?.keyLearnings ?? [])],
    goal: finish?.goalStatement ?? null,
    smart: finish?.smartCriteria ?? null,
    steps: finish ? finish.actionSteps : null,
    expectedObstacles: finish?.obstacles ?? [],
    contingencies: finish?.contingencyPlans ?? [],
  }
}

/** A stage's saved fields, validated by its schema; null if it has none (or they no longer fit). */
export function savedFields<S extends StageSlug>(slug: S, savedFieldsOf: (slug: StageSlug) => unknown): StageFields[S] | null {
  const parsed = stageFieldSchemas[slug].safeParse(savedFieldsOf(slug))
  // The schema for this slug produced it, so it is this stage's fields type.
  return parsed.success ? (parsed.data as StageFields[S]) : null
}

/** The key of the field in which a stage reviews earlier actions (Check In's), if it has one. */
export function actionReviewsKey(number: number): string | null {
  return stageInfo(number).fieldSpecs.find((spec) => spec.kind === 'actionReviews')?.key ?? null
}

/** The action reviews in a stage's fields ([] for a stage without them). */
export function actionReviewsIn(number: number, fields: AnyStageFields): ActionReview[] {
  const key = actionReviewsKey(number)
  return key ? z.array(actionReviewSchema).parse((fields as Record<string, unknown>)[key]) : []
}

/** The stage's fields with its action reviews replaced (unchanged for a stage without them). */
export function withActionReviews<F extends AnyStageFields>(number: number, fields: F, reviews: ActionReview[]): F {
  const key = actionReviewsKey(number)
  return key ? { ...fields, [key]: reviews } : fields
}
