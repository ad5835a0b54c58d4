import type { ModelMessage } from 'ai'
import { delimit } from '../ai/calls'
import { loadPrompt, loadStagePrompt } from '../ai/prompts'
import { memoryOf, type SessionView } from './sessions'
import { memoryStage, planningStage, stageInfo, stages, type SessionOutcome, type StageNumber } from './stages.shared'
import type { Summary } from './summary-schema'
import type { Message } from './turn-protocol.shared'

/**
 * Prompt assembly, one builder per model call: the conversation turn, drafting a stage's
 * fields, the coach's co-pilot, the summary and the action plans. Each takes what the call
 * is about and returns exactly what is sent; untrusted text (anything a person wrote) is
 * always inside its delimiter (lib/ai/calls.ts `delimit`), which the system prompt names.
 */

/**
 * Every prompt is a stable part first, then what changes (decision 023): the instructions and
 * the stage's guide are the same bytes for every client, day and turn, so a provider's prompt
 * cache can reuse them; today's date, the client's name, memory, earlier stages and the
 * conversation come after. Nothing per call may go into the stable part.
 */

/** Options a builder takes about the moment of the call; `today` is the client's date (YYYY-MM-DD). */
export interface PromptMoment {
  today?: string
}

const utcToday = () => new Date().toISOString().slice(0, 10)

/** A stage's guide from its prompt file: its title and the named sections, in that order. */
function stageGuide(stage: StageNumber, sections: readonly string[]): string {
  const prompt = loadStagePrompt(stage)
  const parts = sections.map((heading) => {
    const section = prompt.sections.get(heading)
    if (!section) throw new Error(`prompts/${prompt.name} has no "## ${heading}" section`)
    return section
  })
  return [prompt.title, ...parts].join('\n\n')
}

/**
 * What the coach needs in a conversation: what the stage is for, how to coach it, good
 * questions and when it is done — not the field list, which is the extraction's (the "done"
 * criteria name everything the stage must cover, in words).
 */
const coachingSections = ['Purpose', 'How to coach it', 'Good questions', 'When to move on'] as const
/** What drafting the fields needs: the stage's fields and how to read them. */
const extractionSections = ['Fields to draw out', 'Extraction notes'] as const

/**
 * Fields as compact JSON: empty values (null, "", [], {}) left out, since "not said" is what
 * a missing key means too. Earlier stages reach the model this way, as the fields the client
 * reviewed and saved, never as their transcripts.
 */
export function compactFields(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(compactFields).filter((item) => item !== undefined)
    return items.length > 0 ? items : undefined
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, compactFields(item)] as const)
      .filter(([, item]) => item !== undefined)
    return entries.length > 0 ? Object.fromEntries(entries) : undefined
  }
  if (value === null || value === '') return undefined
  return value
}

function fieldsText(fields: unknown): string {
  return JSON.stringify(compactFields(fields) ?? {})
}

/**
 * What the model is told about the client beyond this stage's conversation: all of it shown
 * to the client. Earlier stages' fields are left out when drafting a stage's fields, which
 * come from this stage's words alone.
 */
function contextBlock(
  session: SessionView,
  stage: StageNumber,
  { today = utcToday() }: PromptMoment,
  { earlierStages = true, earlierTurns = [] }: { earlierStages?: boolean; earlierTurns?: string[] } = {},
): string {
  const parts: string[] = [`Today is ${today}.`, `The client's name: ${session.clientName}.`]
  const memory = memoryOf(session)
  if (stage === memoryStage && memory.length > 0) {
    parts.push('What the client agreed you may remember from before:')
    for (const item of memory) {
      parts.push(item.actionPlanId ? `- Open action plan ${item.actionPlanId}: ${item.text}` : `- ${item.text}`)
    }
  }
  for (const earlier of earlierStages ? session.stages : []) {
    // The reviewed fields only (a draft the client has not saved is not theirs yet).
    if (earlier.number >= stage || !earlier.responses.fields) continue
    parts.push(`${earlier.name} (finished): ${fieldsText(earlier.responses.fields)}`)
  }
  if (earlierTurns.length > 0) {
    parts.push('Earlier in this stage, condensed (the latest turns follow in full):', ...earlierTurns)
  }
  return delimit('context', parts.join('\n'))
}

const speakerOf = (message: Message) => (message.role === 'assistant' ? 'Coach' : message.role === 'coach' ? 'Coach’s note' : 'Client')

function transcriptText(transcript: Message[]): string {
  return transcript
    .filter((message) => message.kind !== 'support')
    .map((message) => `${speakerOf(message)}: ${message.content}`)
    .join('\n')
}

/**
 * The cap on a long stage's history in a conversation turn: the latest messages go to the
 * model verbatim, older ones as one condensed line each. The condensed part grows a block
 * at a time, so between blocks the prompt only grows at its end (and stays cacheable).
 */
export const historyCap = { verbatimMessages: 12, condenseBlock: 6, clientChars: 240, coachChars: 160 } as const

function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`
}

/** One older message as a line: the client's words (clipped), the coach's last question (or its opening). */
function condensed(message: Message): string {
  if (message.role !== 'assistant') return `- ${speakerOf(message)}: ${clip(message.content, historyCap.clientChars)}`
  const questions = message.content.match(/[^.!?\n]*\?/g)
  const asked = questions?.at(-1)?.trim()
  return asked ? `- Coach asked: ${clip(asked, historyCap.coachChars)}` : `- Coach: ${clip(message.content, historyCap.coachChars)}`
}

/** The history split by the cap: the messages condensed, and those sent in full. */
export function cappedHistory(transcript: Message[]): { condensed: string[]; verbatim: Message[] } {
  const said = transcript.filter((message) => message.kind !== 'support')
  const older = Math.max(0, said.length - historyCap.verbatimMessages)
  const cut = older - (older % historyCap.condenseBlock)
  return { condensed: said.slice(0, cut).map(condensed), verbatim: said.slice(cut) }
}

/** A task prompt about one stage: the task, then that stage's guide for the task. */
function stageTaskSystem(taskPrompt: string, stage: StageNumber, sections: readonly string[]): string {
  return `${loadPrompt(taskPrompt).body}\n\n${stageGuide(stage, sections)}`
}

/**
 * A conversation turn. The system prompt is the coach's stance and the stage's guide (the
 * stable prefix), then the context; the transcript, capped, as messages.
 */
export function turnPrompt(
  session: SessionView,
  stage: StageNumber,
  transcript: Message[],
  moment: PromptMoment = {},
): { system: string; messages: ModelMessage[] } {
  const history = cappedHistory(transcript)
  const system = [
    loadPrompt('system.md').body,
    `You are in stage ${stage} of ${stages.length}: ${stageInfo(stage).name}.`,
    stageGuide(stage, coachingSections),
    contextBlock(session, stage, moment, { earlierTurns: history.condensed }),
  ].join('\n\n')
  const messages: ModelMessage[] = history.verbatim.map((message) =>
    message.role === 'assistant'
      ? { role: 'assistant', content: message.content }
      : { role: 'user', content: delimit('client_message', message.content) },
  )
  return { system, messages }
}

/** Drafting a stage's fields from its conversation, or from a coach's notes in a coach-led session. */
export function fieldExtractionPrompt(
  session: SessionView,
  stage: StageNumber,
  transcript: Message[],
  moment: PromptMoment = {},
): { system: string; prompt: string } {
  const source = session.sessionType === 'coach_led' ? 'coach_notes' : 'transcript'
  return {
    system: stageTaskSystem('extract-fields.md', stage, extractionSections),
    // The whole stage, never capped: every field must come from the client's own words.
    prompt: [contextBlock(session, stage, moment, { earlierStages: false }), delimit(source, transcriptText(transcript))].join('\n\n'),
  }
}

/** The co-pilot: the next questions a coach could ask, from their notes so far. */
export function coachSuggestionsPrompt(
  session: SessionView,
  stage: StageNumber,
  notes: Message[],
  moment: PromptMoment = {},
): { system: string; prompt: string } {
  return {
    system: stageTaskSystem('coach-suggestions.md', stage, coachingSections),
    prompt: [contextBlock(session, stage, moment), delimit('coach_notes', transcriptText(notes) || '(no notes yet)')].join('\n\n'),
  }
}

/** The summary, from every stage's saved fields. */
export function summaryPrompt(session: SessionView): { system: string; prompt: string } {
  const stagesText = session.stages.map((stage) => `${stage.name}: ${fieldsText(stage.responses.fields)}`).join('\n')
  return { system: loadPrompt('summary.md').body, prompt: delimit('stages', stagesText) }
}

/** Details for the action plans made from the agreed steps (Finish), with the summary for context. */
export function actionPlansPrompt({
  sessionDate,
  outcome,
  summary,
}: {
  sessionDate: string
  outcome: SessionOutcome
  summary: Summary | null
}): { system: string; prompt: string } {
  const { goal, smart, steps, expectedObstacles, contingencies } = outcome
  return {
    system: loadPrompt('action-plans.md').body,
    prompt: [
      delimit('context', `Session date: ${sessionDate}.`),
      delimit('stages', `${stageInfo(planningStage).name}: ${fieldsText({ goal, smart, steps, expectedObstacles, contingencies })}`),
      summary ? delimit('summary', JSON.stringify(summary)) : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
  }
}
