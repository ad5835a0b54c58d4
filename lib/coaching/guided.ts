import { fillTemplate, loadStagePrompt } from '../ai/prompts'
import { readDates } from './guided-dates'
import { isAffirmation, parseList, readActionSteps, readProgress, readRating, spokenStep, type ReadStep } from './guided-parsing'
import { openActionTitle } from './memory'
import { newMessage, type MemoryItem } from './responses'
import type { Message } from './turn-protocol.shared'
import { actionReviewsKey, progressLabels, stageFieldSchemas, stageInfo, type ActionStep, type AnyStageFields, type FieldSpec, type StageNumber } from './stages.shared'

/**
 * Guided mode: the whole session without a language model. Each stage asks the scripted
 * questions of its prompt file (## Guided questions) in order, one per field; the answer
 * to each question fills that field when the stage is finished. Check In asks about each
 * open action plan the coach remembers. When an answer leaves a field unsure — a range
 * for a rating, no way to tell how an action went, a step whose day is vague — the coach
 * asks once more about the same field before moving on; the later answer wins, and a plain
 * "yes" keeps what was read back (decision 020).
 */

/** What reading answers needs to know about the client: their time zone, for "next Friday". */
export interface GuidedContext {
  timeZone: string
}

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


/** The guided coach's next message: a confirming question if the last answer left its field unsure, else the next unasked question, or a prompt to finish the stage. */
export function nextGuidedMessage(stage: StageNumber, transcript: Message[], memory: MemoryItem[], context: GuidedContext): Message {
  const lastAsked = [...transcript].reverse().find((message) => message.role === 'assistant' && message.field)
  if (lastAsked?.field) {
    const timesAsked = transcript.filter((message) => message.role === 'assistant' && message.field === lastAsked.field).length
    const answers = answersByField(transcript).get(lastAsked.field) ?? []
    if (timesAsked === 1 && answers.length > 0) {
      const confirming = confirmingQuestion(stage, lastAsked.field, answers, memory, context)
      if (confirming) return newMessage('assistant', confirming, { field: lastAsked.field })
    }
  }
  const asked = new Set(transcript.map((message) => message.field).filter(Boolean))
  const next = guidedQuestions(stage, memory).find((question) => !asked.has(question.field))
  if (next) return newMessage('assistant', next.question, { field: next.field })
  return newMessage(
    'assistant',
    `Thank you — that covers ${stageInfo(stage).name}. Add anything else you want to say, or choose “Finish stage” to review your answers.`,
  )
}

/** Each field's answers: the client messages that followed the question (or questions) asking for it, in order. */
function answersByField(transcript: Message[]): Map<string, Message[]> {
  const answers = new Map<string, Message[]>()
  let currentField: string | undefined
  for (const message of transcript) {
    if (message.role === 'assistant') currentField = message.field
    else if (message.role !== 'coach' && currentField && message.content.trim()) {
      answers.set(currentField, [...(answers.get(currentField) ?? []), message])
    }
  }
  return answers
}

function joined(answers: Message[] | undefined): string | undefined {
  const text = (answers ?? []).map((message) => message.content).join('\n')
  return text.trim() ? text : undefined
}

function dateContext(message: Message, context: GuidedContext) {
  const at = new Date(message.at)
  return { timeZone: context.timeZone, reference: Number.isNaN(at.getTime()) ? new Date() : at }
}

/** The field (and, for a review, the remembered action) a guided question key stands for. */
function questionTarget(stage: StageNumber, field: string, memory: MemoryItem[]): { spec: FieldSpec; item?: MemoryItem } | null {
  const specs = stageInfo(stage).fieldSpecs
  const reviewField = actionReviewsKey(stage)
  if (reviewField && field.startsWith(`${reviewField}:`)) {
    const spec = specs.find((s) => s.key === reviewField)
    const item = memory.find((m) => reviewQuestionKey(reviewField, m) === field)
    return spec && item ? { spec, item } : null
  }
  const spec = specs.find((s) => s.key === field)
  return spec ? { spec } : null
}

/** The question that settles an unsure answer, or null when the answer is clear enough to move on. */
function confirmingQuestion(stage: StageNumber, field: string, answers: Message[], memory: MemoryItem[], context: GuidedContext): string | null {
  const target = questionTarget(stage, field, memory)
  if (!target) return null
  const answer = answers.at(-1)?.content ?? ''
  switch (target.spec.kind) {
    case 'rating': {
      const reading = readRating(answer)
      if (reading.kind === 'range') return `You said somewhere between ${reading.low} and ${reading.high}. Which one fits better: ${reading.low} or ${reading.high}?`
      if (reading.kind === 'choice') return `I heard ${reading.options.join(' and ')}. Which number is it, from 1 to 10?`
      if (reading.kind === 'out_of_range') return `On a scale of 1 to 10, what number would that be?`
      if (reading.kind === 'none') return `What number would you give it, from 1 to 10? If you would rather not say, just say “skip”.`
      return null
    }
    case 'actionReviews': {
      if (!target.item) return null
      const reading = readProgress(answer)
      if (reading.kind === 'value') return null
      const title = openActionTitle(target.item)
      return `Thanks. So would you call “${title}” ${progressLabels.done.toLowerCase()}, ${progressLabels.partly.toLowerCase()} or ${progressLabels.not_done.toLowerCase()}?`
    }
    case 'actionSteps': {
      const steps = readActionSteps(answer, dateContext(answers.at(-1)!, context))
      const vague = steps.filter((step) => step.vagueDate)
      if (vague.length === 0) return null
      const readBack = steps.map((step, index) => `${index + 1}. ${spokenStep(step)}${step.vagueDate ? ` (you said “${step.vagueDate}”)` : ''}`).join('\n')
      return `Here is what I have:\n${readBack}\nBy which day will you do “${vague[0]!.title}”? Say a day, like “Friday 18 December” or “the 20th”, or “no date”. Or say “yes” to keep the steps as they are.`
    }
    default:
      return null
  }
}

/** A rating from the answers: the last one that names a single number ("between 3 and 4", then "4" → 4). */
function ratingFrom(answers: Message[] | undefined): number | null {
  for (const message of [...(answers ?? [])].reverse()) {
    if (/^\W*skip\W*$/i.test(message.content)) return null
    const reading = readRating(message.content)
    if (reading.kind === 'value') return reading.value
  }
  return null
}

function withoutVague(step: ReadStep): ActionStep {
  const { vagueDate: _vague, ...rest } = step
  return rest
}

/**
 * The action steps from the answers. The first answer gives the steps; a reply to the
 * read-back either keeps them ("yes"), gives the vague step its day ("the 20th", "no date"),
 * or writes the steps again.
 */
function stepsFrom(answers: Message[] | undefined, context: GuidedContext): ActionStep[] {
  const [first, ...replies] = answers ?? []
  if (!first) return []
  let steps = readActionSteps(first.content, dateContext(first, context))
  for (const reply of replies) {
    if (isAffirmation(reply.content)) continue
    const vague = steps.find((step) => step.vagueDate)
    const onlyADate = /^\W*(?:no date|none|no|not sure|don'?t know|skip)\W*$/i.test(reply.content) ? null : readDates(reply.content, dateContext(reply, context)).dates
    if (vague && (onlyADate === null || (onlyADate.length > 0 && readActionSteps(reply.content, dateContext(reply, context)).every((step) => step.title.split(/\s+/).length <= 2)))) {
      const date = onlyADate?.at(-1)?.date ?? null
      steps = steps.map((step) => (step === vague ? { ...step, dueDate: date, vagueDate: null, title: step.title.replace(new RegExp(`\\s*(?:in|by|around|before)?\\s*${escapeRegExp(step.vagueDate ?? '')}\\s*`, 'i'), ' ').trim() || step.title } : step))
      continue
    }
    steps = readActionSteps(reply.content, dateContext(reply, context))
  }
  return steps.map(withoutVague)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** How an earlier action went: the last answer that says it, and what got in the way in the client's words. */
function reviewFrom(answers: Message[] | undefined) {
  let progress: ReturnType<typeof readProgress> = { kind: 'none' }
  for (const message of [...(answers ?? [])].reverse()) {
    const reading = readProgress(message.content)
    if (reading.kind === 'value') {
      progress = reading
      break
    }
  }
  // A reply that only names the progress ("partly") adds nothing to what got in the way.
  const told = (answers ?? []).filter((message, index) => index === 0 || !/^\W*(?:done|partly(?: done)?|not done|partially|half|yes|no)\W*$/i.test(message.content))
  return { progress: progress.kind === 'value' ? progress.value : null, whatGotInTheWay: parseText(joined(told), 1000) }
}

function parseText(answer: string | undefined, max: number): string | null {
  const text = answer?.trim()
  return text ? text.slice(0, max) : null
}

/** One field's value from its answers (or, for a SMART goal, its parts' answers), by the field's kind. */
function fieldFromAnswers(spec: FieldSpec, answers: Map<string, Message[]>, memory: MemoryItem[], context: GuidedContext): unknown {
  const given = answers.get(spec.key)
  switch (spec.kind) {
    case 'rating':
      return ratingFrom(given)
    case 'text':
      return parseText(joined(given), spec.max)
    case 'list':
      return parseList(joined(given))
    case 'smart':
      return Object.fromEntries(spec.parts.map((part) => [part.key, parseText(joined(answers.get(`${spec.key}.${part.key}`)), 1000)]))
    case 'actionSteps':
      return stepsFrom(given, context)
    case 'actionReviews':
      return memory
        .filter((item) => item.kind === 'open_action')
        .flatMap((item) => {
          const reviewAnswers = answers.get(reviewQuestionKey(spec.key, item))
          if (!reviewAnswers?.length) return []
          return [{ actionPlanId: item.actionPlanId, title: openActionTitle(item), ...reviewFrom(reviewAnswers) }]
        })
  }
}

/** The stage's fields, filled from the answers to its guided questions, dates read in the client's time zone. */
export function fieldsFromGuidedAnswers(stage: StageNumber, transcript: Message[], memory: MemoryItem[], context: GuidedContext): AnyStageFields {
  const answers = answersByField(transcript)
  const { slug, fieldSpecs } = stageInfo(stage)
  return stageFieldSchemas[slug].parse(Object.fromEntries(fieldSpecs.map((spec) => [spec.key, fieldFromAnswers(spec, answers, memory, context)])))
}
