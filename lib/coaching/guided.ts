import { fillTemplate, loadStagePrompt } from '../ai/prompts'
import { isoDateSchema } from '../dates'
import { newMessage, type Message, type MemoryItem } from './responses'
import { emptyFields, stageInfo, type ActionReview, type ActionStep, type AnyStageFields, type StageNumber } from './stages'

/**
 * Guided mode: the whole session without a language model. Each stage asks the scripted
 * questions of its prompt file (## Guided questions) in order, one per field; the answer
 * to each question fills that field when the stage is finished. Check In asks about each
 * open action plan the coach remembers.
 */

const reviewFieldPrefix = 'previousActionsReview:'

interface PlannedQuestion {
  field: string
  question: string
}

/** The questions this stage asks, in order, with Check In's review question once per open action. */
export function guidedQuestions(stage: StageNumber, memory: MemoryItem[]): PlannedQuestion[] {
  return loadStagePrompt(stage).guidedQuestions.flatMap(({ field, question }) => {
    if (field !== 'previousActionsReview') return [{ field, question }]
    return memory
      .filter((item) => item.kind === 'open_action')
      .map((item) => ({
        field: `${reviewFieldPrefix}${item.actionPlanId ?? item.id}`,
        question: fillTemplate(question, { title: titleOf(item) }),
      }))
  })
}

function titleOf(item: MemoryItem): string {
  return item.text.replace(/\s*\([^)]*\)\s*$/, '')
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
        .replace(/\s*(?:by|before|on|due)?\s*\d{4}-\d{2}-\d{2}\s*/i, ' ')
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

/** The stage's fields, filled from the answers to its guided questions. */
export function fieldsFromGuidedAnswers(stage: StageNumber, transcript: Message[], memory: MemoryItem[]): AnyStageFields {
  const answers = answersByField(transcript)
  const slug = stageInfo(stage).slug
  switch (slug) {
    case 'check_in':
      return {
        presenceLevel: parseRating(answers.get('presenceLevel')),
        emotionalState: parseText(answers.get('emotionalState'), 1000),
        previousActionsReview: memory
          .filter((item) => item.kind === 'open_action')
          .flatMap((item) => {
            const answer = answers.get(`${reviewFieldPrefix}${item.actionPlanId ?? item.id}`)
            if (!answer) return []
            return [{ actionPlanId: item.actionPlanId, title: titleOf(item).slice(0, 200), progress: parseProgress(answer), whatGotInTheWay: parseText(answer, 1000) }]
          }),
        readinessScore: parseRating(answers.get('readinessScore')),
      }
    case 'starting_point':
      return {
        topic: parseText(answers.get('topic'), 300),
        problemStatement: parseText(answers.get('problemStatement'), 1000),
        currentStateRating: parseRating(answers.get('currentStateRating')),
        strengths: parseList(answers.get('strengths')),
        obstacles: parseList(answers.get('obstacles')),
        resources: parseList(answers.get('resources')),
      }
    case 'connect':
      return {
        options: parseList(answers.get('options')),
        insights: parseList(answers.get('insights')),
        challenges: parseList(answers.get('challenges')),
        barriers: parseList(answers.get('barriers')),
      }
    case 'finish':
      return {
        goalStatement: parseText(answers.get('goalStatement'), 1000),
        smartCriteria: {
          specific: parseText(answers.get('smartCriteria.specific'), 1000),
          measurable: parseText(answers.get('smartCriteria.measurable'), 1000),
          achievable: parseText(answers.get('smartCriteria.achievable'), 1000),
          relevant: parseText(answers.get('smartCriteria.relevant'), 1000),
          timeBound: parseText(answers.get('smartCriteria.timeBound'), 1000),
        },
        actionSteps: parseActionSteps(answers.get('actionSteps')),
        obstacles: parseList(answers.get('obstacles')),
        contingencyPlans: parseList(answers.get('contingencyPlans')),
      }
    case 'check_out':
      return {
        keyLearnings: parseList(answers.get('keyLearnings')),
        insights: parseList(answers.get('insights')),
        sessionValueRating: parseRating(answers.get('sessionValueRating')),
        clarityLevel: parseRating(answers.get('clarityLevel')),
      }
  }
  return emptyFields(slug)
}

/** Guided mode's suggestions for a coach: the questions for fields the notes have not covered yet. */
export function guidedSuggestions(stage: StageNumber, memory: MemoryItem[], asked: number): string[] {
  return guidedQuestions(stage, memory)
    .slice(asked, asked + 3)
    .map((question) => question.question)
}
