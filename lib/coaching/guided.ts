import { fillTemplate, loadStagePrompt } from '../ai/prompts'
import { isoDateSchema } from '../dates.shared'
import { openActionTitle } from './memory'
import { newMessage, type MemoryItem } from './responses'
import type { Message } from './turn-protocol.shared'
import { actionReviewsKey, stageFieldSchemas, stageInfo, type ActionReview, type ActionStep, type AnyStageFields, type FieldSpec, type StageNumber } from './stages.shared'

/**
 * Guided mode: the whole session without a language model. Each stage asks the scripted
 * questions of its prompt file (## Guided questions) in order, one per field; the answer
 * to each question fills that field when the stage is finished. Check In asks about each
 * open action plan the coach remembers.
 */

/** The guided question for one remembered action is keyed "<review field>:<plan id>". */
function reviewQuestionKey(reviewField: string, item: MemoryItem): string {
  return `${reviewField}:${item.actionPlanId ?? item.id}`
}

interface PlannedQuestion {
  field: string
  question: string
}

/** The questions this stage asks, in order, with Check In's review question once per open action. */
export function guidedQuestions(stage: StageNumber, memory: MemoryItem[]): PlannedQuestion[] {
  const reviewField = actionReviewsKey(stage)
  return loadStagePrompt(stage).guidedQuestions.flatMap(({ field, question }) => {
    if (field !== reviewField) return [{ field, question }]
    return memory
      .filter((item) => item.kind === 'open_action')
      .map((item) => ({
        field: reviewQuestionKey(field, item),
        question: fillTemplate(question, { title: openActionTitle(item) }),
      }))
  })
}


/** The guided coach's next message: the next unasked question, or a prompt to finish the stage. */
export function nextGuidedMessage(stage: StageNumber, transcript: Message[], memory: MemoryItem[]): Message {
  const asked = new Set(transcript.map((message) => message.field).filter(Boolean))
  const next = guidedQuestions(stage, memory).find((question) => !asked.has(question.field))
  if (next) return newMessage('assistant', next.question, { field: next.field })
  return newMessage(
    'assistant',
    `Thank you — that covers ${stageInfo(stage).name}. Add anything else you want to say, or choose “Finish stage” to review your answers.`,
  )
}

/** Each field's answer: the client messages that followed the question asking for it. */
function answersByField(transcript: Message[]): Map<string, string> {
  const answers = new Map<string, string>()
  let currentField: string | undefined
  for (const message of transcript) {
    if (message.role === 'assistant') currentField = message.field
    else if (message.role !== 'coach' && currentField) {
      answers.set(currentField, [answers.get(currentField), message.content].filter(Boolean).join('\n'))
    }
  }
  return answers
}

export function parseRating(answer: string | undefined): number | null {
  const match = /\b(10|[1-9])\b/.exec(answer ?? '')
  return match ? Number(match[1]) : null
}

function parseText(answer: string | undefined, max: number): string | null {
  const text = answer?.trim()
  return text ? text.slice(0, max) : null
}

export function parseList(answer: string | undefined): string[] {
  if (!answer?.trim()) return []
  return answer
    .split(/\r?\n|;/)
    .map((item) => item.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
    .filter(Boolean)
    .slice(0, 20)
    .map((item) => item.slice(0, 500))
}

const isoDatePattern = /\b(\d{4}-\d{2}-\d{2})\b/

export function parseActionSteps(answer: string | undefined): ActionStep[] {
  return (answer ?? '')
    .split(/\r?\n/)
    .map((line) => line.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').trim())
    .filter(Boolean)
    .slice(0, 12)
    .map((line) => {
      const date = isoDatePattern.exec(line)?.[1] ?? null
      const dueDate = date && isoDateSchema.safeParse(date).success ? date : null
      const title = line
        .replace(/\s*(?:by|before|on|due|until)?\s*\d{4}-\d{2}-\d{2}\s*/i, ' ')
        .replace(/[\s,;:–—-]+$/, '')
        .trim()
      return { title: (title || line).slice(0, 200), description: null, dueDate, priority: null }
    })
}

export function parseProgress(answer: string | undefined): ActionReview['progress'] {
  const text = (answer ?? '').toLowerCase()
  if (!text.trim()) return null
  if (/\b(partly|partially|part of it|half|some of it|somewhat|in progress)\b/.test(text)) return 'partly'
  if (/\b(not done|not yet|didn'?t|did not|haven'?t|have not|no)\b/.test(text)) return 'not_done'
  if (/\b(done|finished|completed|did it|yes)\b/.test(text)) return 'done'
  return null
}

/** One field's value from its answer (or, for a SMART goal, its parts' answers), by the field's kind. */
function fieldFromAnswers(spec: FieldSpec, answers: Map<string, string>, memory: MemoryItem[]): unknown {
  const answer = answers.get(spec.key)
  switch (spec.kind) {
    case 'rating':
      return parseRating(answer)
    case 'text':
      return parseText(answer, spec.max)
    case 'list':
      return parseList(answer)
    case 'smart':
      return Object.fromEntries(spec.parts.map((part) => [part.key, parseText(answers.get(`${spec.key}.${part.key}`), 1000)]))
    case 'actionSteps':
      return parseActionSteps(answer)
    case 'actionReviews':
      return memory
        .filter((item) => item.kind === 'open_action')
        .flatMap((item) => {
          const reviewAnswer = answers.get(reviewQuestionKey(spec.key, item))
          if (!reviewAnswer) return []
          return [{ actionPlanId: item.actionPlanId, title: openActionTitle(item), progress: parseProgress(reviewAnswer), whatGotInTheWay: parseText(reviewAnswer, 1000) }]
        })
  }
}

/** The stage's fields, filled from the answers to its guided questions. */
export function fieldsFromGuidedAnswers(stage: StageNumber, transcript: Message[], memory: MemoryItem[]): AnyStageFields {
  const answers = answersByField(transcript)
  const { slug, fieldSpecs } = stageInfo(stage)
  return stageFieldSchemas[slug].parse(Object.fromEntries(fieldSpecs.map((spec) => [spec.key, fieldFromAnswers(spec, answers, memory)])))
}
