import { z } from '../zod.shared'
import { isoDateSchema } from '../dates.shared'
import { maxMessageLength } from './turn-protocol.shared'
import { fieldSpecsOf, stageNumberSchema, type FieldSpec, type StageSlug } from './stages.shared'

/**
 * One Zod schema per form of the session pages, shared by the action that parses the
 * submission (Conform's parseWithZod on the server) and the component that validates it in
 * the browser. Conform reads empty inputs as undefined and coerces numbers, so each schema
 * turns an empty input into the null or empty list the stage registry's schemas expect.
 */

const optionalText = (max: number, tooLong: string) =>
  z
    .string()
    .trim()
    .max(max, tooLong)
    .optional()
    .transform((value) => (value ? value : null))

const optionalRating = z
  .number({ error: 'Give a whole number from 1 to 10.' })
  .int('Give a whole number from 1 to 10.')
  .min(1, 'Give a whole number from 1 to 10.')
  .max(10, 'Give a whole number from 1 to 10.')
  .optional()
  .transform((value) => value ?? null)

function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

/** A proposed or typed milestone of a step; a row left blank is an unused slot (decision 020). */
const milestoneRow = z
  .object({
    title: optionalText(200, 'Keep a milestone under 200 characters.'),
    dueDate: isoDateSchema.optional().transform((value) => value ?? null),
  })
  .optional()

const stepRow = z
  .object({
    title: optionalText(200, 'Keep a step under 200 characters.'),
    description: optionalText(1000, 'Keep the detail under 1,000 characters.'),
    dueDate: isoDateSchema.optional().transform((value) => value ?? null),
    priority: z.number().int().min(1).max(5).optional().transform((value) => value ?? null),
    milestones: z
      .array(milestoneRow)
      .optional()
      .superRefine((rows, context) => {
        rows?.forEach((row, index) => {
          if (row && !row.title && row.dueDate) context.addIssue({ code: 'custom', path: [index, 'title'], message: 'Give the milestone a title, or clear its date.' })
        })
      })
      .transform((rows) =>
        (rows ?? [])
          .flatMap((row) => (row?.title ? [{ title: row.title, dueDate: row.dueDate }] : []))
          .slice(0, 4),
      ),
  })
  .optional()

const reviewRow = z.object({
  actionPlanId: z.uuid().optional().transform((value) => value ?? null),
  title: z.string().trim().min(1).max(200),
  // An empty choice is "not discussed".
  progress: z.enum(['done', 'partly', 'not_done']).optional().transform((value) => value ?? null),
  whatGotInTheWay: optionalText(1000, 'Keep this under 1,000 characters.'),
})

/** The form schema of one field, by its kind; its output is what the stage's schema takes. */
function formFieldSchema(spec: FieldSpec) {
  switch (spec.kind) {
    case 'rating':
      return optionalRating
    case 'text':
      return optionalText(spec.max, `Keep this under ${spec.max.toLocaleString('en')} characters.`)
    case 'list':
      return z
        .string()
        .optional()
        .transform(lines)
        .pipe(z.array(z.string().max(500, 'Keep each line under 500 characters.')).max(spec.max, `Write at most ${spec.max} lines.`))
    case 'smart':
      return z
        .object(Object.fromEntries(spec.parts.map((part) => [part.key, optionalText(1000, 'Keep this under 1,000 characters.')])))
        .optional()
        .transform((value) => Object.fromEntries(spec.parts.map((part) => [part.key, value?.[part.key] ?? null])))
    case 'actionSteps':
      return z
        .array(stepRow)
        .optional()
        .superRefine((rows, context) => {
          rows?.forEach((row, index) => {
            if (row && !row.title && (row.description || row.dueDate || row.priority)) {
              context.addIssue({ code: 'custom', path: [index, 'title'], message: 'Give the step a title, or clear the row.' })
            }
          })
        })
        // A row left entirely blank is an unused slot, not a step.
        .transform((rows) => (rows ?? []).filter((row) => row?.title).slice(0, spec.max))
    case 'actionReviews':
      return z
        .array(reviewRow)
        .optional()
        .transform((rows) => rows ?? [])
  }
}

/** The review form of a stage's fields: one input (or fieldset) per field of the registry. */
export function stageReviewForm(slug: StageSlug) {
  const fields: Record<string, z.ZodType> = Object.fromEntries(fieldSpecsOf(slug).map((spec) => [spec.key, formFieldSchema(spec)]))
  return z.object({ ...fields, intent: z.literal('save-fields') })
}

/** Finish stage: draft the fields for review. */
export const finishStageForm = z.object({ intent: z.literal('finish-stage') })

/** A coach's note in a coach-led session; the id makes a double submit store it once. */
export const coachNoteForm = z.object({
  intent: z.literal('note'),
  messageId: z.uuid('Send the note again.'),
  text: z
    .string({ error: 'Write a note first.' })
    .trim()
    .min(1, 'Write a note first.')
    .max(maxMessageLength, `Keep a note under ${maxMessageLength.toLocaleString('en')} characters.`),
})

/** The co-pilot: suggest questions for the coach in a stage. */
export const coPilotForm = z.object({ stage: stageNumberSchema })

/** One remembered item: saved as edited, or removed. */
export const memoryItemForm = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('save'),
    itemId: z.string().min(1),
    text: z
      .string({ error: 'Write between 1 and 2,000 characters, or remove the item.' })
      .trim()
      .min(1, 'Write between 1 and 2,000 characters, or remove the item.')
      .max(2000, 'Write between 1 and 2,000 characters, or remove the item.'),
  }),
  z.object({ intent: z.literal('remove'), itemId: z.string().min(1) }),
])

/** Sharing a self-coaching session with one of the client's coaches, or making it private. */
export const sharingForm = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('share'),
    coach: z.string({ error: 'Choose a coach.' }).regex(/^[0-9a-f-]{36}:[0-9a-f-]{36}$/, 'Choose a coach.'),
  }),
  z.object({ intent: z.literal('unshare') }),
])

export const renameForm = z.object({
  title: z.string({ error: 'Give the session a name.' }).trim().min(1, 'Give the session a name.').max(200, 'Keep the name under 200 characters.'),
})

/** What can happen to the session as a whole. */
export const sessionStatusForm = z.object({ intent: z.enum(['resume', 'complete', 'cancel', 'begin']) })

/** Starting a session (as oneself, as a client's coach, or from a public template of one's program), or cancelling the one in progress first. */
export const startSessionForm = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('start'),
    sessionType: z.enum(['self_coaching', 'coach_led'], { error: 'Choose who leads the session.' }),
    title: z.string().trim().max(200, 'Keep the name under 200 characters.').default(''),
    client: z.string().default(''),
  }),
  z.object({ intent: z.literal('cancel-active'), sessionId: z.uuid() }),
  z.object({ intent: z.literal('from-template'), templateId: z.uuid() }),
])
