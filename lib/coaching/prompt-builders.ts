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

/** What the model is told about the client beyond this stage's conversation: all of it shown to the client. */
function contextBlock(session: SessionView, stage: StageNumber): string {
  const parts: string[] = [`Today is ${new Date().toISOString().slice(0, 10)}.`]
  const memory = memoryOf(session)
  if (stage === memoryStage && memory.length > 0) {
    parts.push('What the client agreed you may remember from before:')
    for (const item of memory) {
      parts.push(item.actionPlanId ? `- Open action plan ${item.actionPlanId}: ${item.text}` : `- ${item.text}`)
    }
  }
  for (const earlier of session.stages) {
    if (earlier.number >= stage || !earlier.responses.fields) continue
    parts.push(`${earlier.name} (finished): ${JSON.stringify(earlier.responses.fields)}`)
  }
  return delimit('context', parts.join('\n'))
}

function transcriptText(transcript: Message[]): string {
  return transcript
    .filter((message) => message.kind !== 'support')
    .map((message) => `${message.role === 'assistant' ? 'Coach' : message.role === 'coach' ? 'Coach’s note' : 'Client'}: ${message.content}`)
    .join('\n')
}

/** A task prompt about one stage: the task, then that stage's guide. */
function stageTaskSystem(taskPrompt: string, stage: StageNumber): string {
  return `${loadPrompt(taskPrompt).body}\n\nThe stage: ${stageInfo(stage).name}.\n\n${loadStagePrompt(stage).body}`
}

/** A conversation turn: stance, stage guide and context as untrusted data; the transcript as messages. */
export function turnPrompt(session: SessionView, stage: StageNumber, transcript: Message[]): { system: string; messages: ModelMessage[] } {
  const system = [
    loadPrompt('system.md').body,
    `You are in stage ${stage} of ${stages.length}: ${stageInfo(stage).name}.`,
    loadStagePrompt(stage).body,
    contextBlock(session, stage),
  ].join('\n\n')
  const messages: ModelMessage[] = transcript
    .filter((message) => message.kind !== 'support')
    .map((message) =>
      message.role === 'assistant'
        ? { role: 'assistant', content: message.content }
        : { role: 'user', content: delimit('client_message', message.content) },
    )
  return { system, messages }
}

/** Drafting a stage's fields from its conversation, or from a coach's notes in a coach-led session. */
export function fieldExtractionPrompt(session: SessionView, stage: StageNumber, transcript: Message[]): { system: string; prompt: string } {
  const source = session.sessionType === 'coach_led' ? 'coach_notes' : 'transcript'
  return {
    system: stageTaskSystem('extract-fields.md', stage),
    prompt: [contextBlock(session, stage), delimit(source, transcriptText(transcript))].join('\n\n'),
  }
}

/** The co-pilot: the next questions a coach could ask, from their notes so far. */
export function coachSuggestionsPrompt(session: SessionView, stage: StageNumber, notes: Message[]): { system: string; prompt: string } {
  return {
    system: stageTaskSystem('coach-suggestions.md', stage),
    prompt: [contextBlock(session, stage), delimit('coach_notes', transcriptText(notes) || '(no notes yet)')].join('\n\n'),
  }
}

/** The summary, from every stage's saved fields. */
export function summaryPrompt(session: SessionView): { system: string; prompt: string } {
  const stagesText = session.stages.map((stage) => `${stage.name}: ${JSON.stringify(stage.responses.fields ?? {})}`).join('\n')
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
      delimit('stages', `${stageInfo(planningStage).name}: ${JSON.stringify({ goal, smart, steps, expectedObstacles, contingencies })}`),
      summary ? delimit('summary', JSON.stringify(summary)) : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
  }
}
