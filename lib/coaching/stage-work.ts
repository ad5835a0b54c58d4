import { z } from 'zod'
import { generateStructured } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import type { Database } from '../db/database'
import { isoDateInZone } from '../dates.shared'
import { AppError } from '../errors'
import { fieldsFromGuidedAnswers, guidedQuestions } from './guided'
import { reviewRowsFor, saveMemory } from './memory'
import { coachSuggestionsPrompt, fieldExtractionPrompt, type PromptMoment } from './prompt-builders'
import { appendMessages, completeStage, newMessage, openStage, setResponsesKey, type MemoryItem } from './responses'
import type { Message } from './turn-protocol.shared'
import { recordActionReviews } from '../plans/action-plans'
import { readClientSettings } from '../profiles'
import { advanceSession, pauseSession, readSession, requireRunnable, stageOpening, type SessionView } from './sessions'
import { screenForCrisis } from './safety-check'
import { coachSupportMessageFor, supportMessageFor } from './support-resources'
import {
  actionReviewsIn,
  actionReviewsKey,
  emptyFields,
  memoryStage,
  nextStage,
  parseStageFields,
  stageFieldSchemas,
  stageInfo,
  withActionReviews,
  type ActionReview,
  type AnyStageFields,
  type StageNumber,
} from './stages.shared'

/**
 * A stage's reviews of earlier actions are exactly the open plans the client let the coach
 * remember, keyed by their ids, whatever a draft said (bug 3, issue 9); a stage without a
 * review field has none.
 */
function rememberedReviews(stage: StageNumber, memory: MemoryItem[], fields: AnyStageFields): ActionReview[] {
  return actionReviewsKey(stage) ? reviewRowsFor(memory, actionReviewsIn(stage, fields)) : []
}

/**
 * The work on a stage besides its conversation: drafting its fields when the person
 * chooses "Finish stage" (the model, or the guided answers), saving the reviewed fields
 * (which completes the stage and opens the next), a coach's notes in coach-led sessions,
 * the AI's suggested questions for the coach, and edits to what the coach remembers.
 */

export interface StageWorkDependencies {
  db: Database
  ai: ChatModel | null
}

function findStage(session: SessionView, stage: StageNumber) {
  const view = session.stages.find((s) => s.number === stage)
  if (!view) throw new AppError('conflict', `${stageInfo(stage).name} has not started yet.`)
  return view
}

/**
 * The model's draft of a stage's fields from its transcript (or a coach's notes), with
 * Check In's reviews reduced to the remembered plans. What "Finish stage" runs with AI on,
 * and what the eval suite scores (decision 021).
 */
export async function extractStageFields(
  ai: ChatModel,
  { session, stage, transcript, moment = {} }: { session: SessionView; stage: StageNumber; transcript: Message[]; moment?: PromptMoment },
): Promise<AnyStageFields> {
  const { value } = await generateStructured(ai, { ...fieldExtractionPrompt(session, stage, transcript, moment), schema: stageFieldSchemas[stageInfo(stage).slug] })
  return withActionReviews(stage, value, rememberedReviews(stage, session.memory, value))
}

/**
 * Drafts the stage's fields from its conversation (or a coach's notes) and keeps the
 * draft for the person to review. Nothing is completed until they save it.
 */
export async function draftStageFields(
  deps: StageWorkDependencies,
  { userId, sessionId, stage }: { userId: string; sessionId: string; stage: StageNumber },
): Promise<AnyStageFields> {
  // "By next Friday" means the client's next Friday: dates are read in their time zone.
  const { session, timeZone } = await deps.db.asUser(userId, async (tx) => {
    const session = await readSession(tx, { userId, sessionId })
    const { timeZone } = await readClientSettings(tx, { clientId: session.clientId })
    return { session, timeZone }
  })
  requireRunnable(session)
  const stageView = findStage(session, stage)
  const { transcript } = stageView.responses
  const memory = session.memory
  const slug = stageInfo(stage).slug

  let draft: AnyStageFields
  const noteTaking = session.sessionType === 'coach_led'
  if (!deps.ai) {
    // Guided mode answers its own questions; a coach's free notes cannot be parsed without a model.
    // The coach then fills the fields in by hand, starting from what was saved before.
    const saved = parseStageFields(slug, stageView.responses.fields)
    draft = noteTaking ? (saved.success ? saved.data : emptyFields(slug)) : fieldsFromGuidedAnswers(stage, transcript, memory, { timeZone })
    draft = withActionReviews(stage, draft, rememberedReviews(stage, memory, draft))
  } else {
    if (!transcript.some((message) => message.role !== 'assistant')) {
      throw new AppError('conflict', noteTaking ? 'Add some notes for this stage first.' : 'Say something in this stage first.')
    }
    draft = await extractStageFields(deps.ai, { session, stage, transcript, moment: { today: isoDateInZone(new Date(), timeZone) } })
  }
  await deps.db.asUser(userId, async (tx) => {
    const saved = await setResponsesKey(tx, { sessionId, stage, key: 'fieldsDraft', value: draft })
    if (!saved) throw new AppError('not_found', 'That session does not exist, or you do not have access to it.')
  })
  return draft
}

/**
 * Saves a stage's reviewed fields: validates them, marks the stage complete, opens the
 * next stage and moves the session on (a revisited earlier stage keeps the session where
 * it was). In Check In, an action the client reports done is marked completed.
 * All in one transaction: either everything is saved or nothing is.
 */
export async function saveStageFields(
  deps: StageWorkDependencies,
  { userId, sessionId, stage, fields }: { userId: string; sessionId: string; stage: StageNumber; fields: unknown },
): Promise<{ nextStage: StageNumber | null }> {
  const slug = stageInfo(stage).slug
  const parsed = parseStageFields(slug, fields)
  if (!parsed.success) throw new AppError('invalid', 'Some answers need fixing before this stage can be saved.', parsed.problems)
  return deps.db.asUser(userId, async (tx) => {
    const session = await readSession(tx, { userId, sessionId })
    requireRunnable(session)
    findStage(session, stage)
    const reviews = rememberedReviews(stage, session.memory, parsed.data)
    await completeStage(tx, { sessionId, stage, fields: withActionReviews(stage, parsed.data, reviews) })
    await recordActionReviews(tx, reviews)
    const next = nextStage(stage)
    if (next) {
      await openStage(tx, { sessionId, stage: next, opening: stageOpening(next, session.sessionType) })
      await advanceSession(tx, { sessionId, toStage: next })
    }
    return { nextStage: next }
  })
}

export const coachNoteSchema = z.object({
  messageId: z.uuid(),
  text: z.string().trim().min(1, 'Write a note first.').max(4000, 'Keep a note under 4,000 characters.'),
})

/**
 * A coach's note in a coach-led session: what the client said, or what the coach noticed.
 * A note that signals a crisis (the same rules as a client's message, and the model for an
 * ambiguous one when AI is on) pauses the session, and the coach is shown what to do and the
 * client's support resources (decision 020). The note itself is kept either way.
 */
export async function addCoachNote(
  deps: StageWorkDependencies,
  { userId, sessionId, stage, messageId, text }: { userId: string; sessionId: string; stage: StageNumber; messageId: string; text: string },
): Promise<{ paused: boolean }> {
  const { clientId, alreadyPaused } = await deps.db.asUser(userId, async (tx) => {
    const session = await readSession(tx, { userId, sessionId })
    requireRunnable(session)
    if (session.sessionType !== 'coach_led') throw new AppError('conflict', 'Notes are for coach-led sessions.')
    findStage(session, stage)
    await appendMessages(tx, { sessionId, stage, messages: [newMessage('coach', text, { id: messageId })] })
    return { clientId: session.clientId, alreadyPaused: Boolean(session.pausedAt) }
  })
  if (alreadyPaused || !(await screenForCrisis(deps.ai, text, { about: 'client' })).pause) return { paused: alreadyPaused }
  await deps.db.asUser(userId, async (tx) => {
    const { country } = await readClientSettings(tx, { clientId })
    await appendMessages(tx, { sessionId, stage, messages: [newMessage('assistant', coachSupportMessageFor(country), { kind: 'support' })] })
    await pauseSession(tx, { sessionId })
  })
  return { paused: true }
}

export const suggestionsSchema = z.object({
  questions: z.array(z.string().trim().min(1).max(300)).min(1).max(3).describe('Three short, open questions the coach could ask next.'),
  missing: z.array(z.string().trim().min(1).max(300)).max(6).describe('What the stage still needs before it is done.'),
})
export type CoachSuggestions = z.infer<typeof suggestionsSchema> & { source: 'ai' | 'guided' }

/** The co-pilot: questions the coach could ask next, and what the stage still lacks. */
export async function suggestForCoach(
  deps: StageWorkDependencies,
  { userId, sessionId, stage }: { userId: string; sessionId: string; stage: StageNumber },
): Promise<CoachSuggestions> {
  const session = await deps.db.asUser(userId, (tx) => readSession(tx, { userId, sessionId }))
  requireRunnable(session)
  if (session.sessionType !== 'coach_led') throw new AppError('conflict', 'Suggestions are for coach-led sessions.')
  const stageView = findStage(session, stage)
  const memory = session.memory
  if (!deps.ai) {
    return {
      source: 'guided',
      questions: guidedQuestions(stage, memory).map((q) => q.question),
      missing: [],
    }
  }
  const { value } = await generateStructured(deps.ai, { ...coachSuggestionsPrompt(session, stage, stageView.responses.transcript), schema: suggestionsSchema })
  return { ...value, source: 'ai' }
}

/**
 * Edits one remembered item's text, or removes it (text null), before the AI sees it. An
 * edit that signals a crisis is saved, and pauses the session with support resources, as a
 * message would (decision 020); pass the model to have it read an ambiguous one.
 */
export async function updateMemoryItem(
  db: Database,
  { userId, sessionId, itemId, text, ai = null }: { userId: string; sessionId: string; itemId: string; text: string | null; ai?: ChatModel | null },
): Promise<{ paused: boolean }> {
  const trimmed = text?.trim() ?? null
  if (trimmed !== null && (trimmed.length === 0 || trimmed.length > 2000)) {
    throw new AppError('invalid', 'Write between 1 and 2,000 characters, or remove the item.', { text: ['Write between 1 and 2,000 characters, or remove the item.'] })
  }
  const saved = await db.asUser(userId, async (tx) => {
    const session = await readSession(tx, { userId, sessionId })
    requireRunnable(session)
    const memory = session.memory
    if (!memory.some((item) => item.id === itemId)) throw new AppError('not_found', 'That remembered item is not there any more.')
    const next = trimmed === null ? memory.filter((item) => item.id !== itemId) : memory.map((item) => (item.id === itemId ? { ...item, text: trimmed } : item))
    await saveMemory(tx, { sessionId, items: next })
    return { clientId: session.clientId, coachWrites: session.viewerRole === 'coach', alreadyPaused: Boolean(session.pausedAt) }
  })
  if (trimmed === null || saved.alreadyPaused || !(await screenForCrisis(ai, trimmed, { about: saved.coachWrites ? 'client' : 'self' })).pause) return { paused: saved.alreadyPaused }
  await db.asUser(userId, async (tx) => {
    const { country } = await readClientSettings(tx, { clientId: saved.clientId })
    const support = saved.coachWrites ? coachSupportMessageFor(country) : supportMessageFor(country)
    await appendMessages(tx, { sessionId, stage: memoryStage, messages: [newMessage('assistant', support, { kind: 'support' })] })
    await pauseSession(tx, { sessionId })
  })
  return { paused: true }
}
