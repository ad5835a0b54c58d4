import type { ModelMessage } from 'ai'
import { z } from 'zod'
import { delimit, describeReplyFailure, streamReply, type Usage } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import { loadPrompt, loadStagePrompt } from '../ai/prompts'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import { nextGuidedMessage } from './guided'
import { appendMessages, newMessage, type Message, type MemoryItem } from './responses'
import { signalsCrisis, supportMessage } from './safety'
import { readSession, requireRunnable, type SessionView, type StageView } from './sessions'
import { stageInfo, type StageNumber } from './stages'

/**
 * One turn of a self-coaching conversation: the client's message is stored first (so a
 * failed or slow model never loses it), then the coach's reply streams back and is stored
 * when complete. A half-streamed reply is never stored. Without a model, the guided script
 * replies. Language that signals a crisis pauses the session instead of coaching.
 */

export const maxMessageLength = 4000

export const turnInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    messageId: z.uuid('Send the message again.'),
    text: z
      .string()
      .trim()
      .min(1, 'Write something first.')
      .max(maxMessageLength, `Keep a message under ${maxMessageLength.toLocaleString('en')} characters.`),
  }),
  z.object({ kind: z.literal('retry') }),
])
export type TurnInput = z.infer<typeof turnInputSchema>

export type TurnEvent =
  | { type: 'saved'; message: Message }
  | { type: 'delta'; text: string }
  | { type: 'done'; message: Message; usage: Usage | null }
  | { type: 'paused'; message: Message }
  | { type: 'error'; message: string; retryable: boolean }

export interface TurnDependencies {
  db: Database
  ai: ChatModel | null
}

/** What the model is told about the client beyond this stage's conversation: all of it shown to the client. */
export function contextBlock(session: SessionView, stage: StageNumber, memory: MemoryItem[]): string {
  const parts: string[] = [`Today is ${new Date().toISOString().slice(0, 10)}.`]
  if (stage === 1 && memory.length > 0) {
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

/** The system prompt for a conversation turn: stance, stage guide, then the context as untrusted data. */
export function buildTurnSystemPrompt(session: SessionView, stage: StageNumber): string {
  const memory = session.stages.find((s) => s.number === 1)?.responses.memory ?? []
  return [
    loadPrompt('system.md').body,
    `You are in stage ${stage} of 5: ${stageInfo(stage).name}.`,
    loadStagePrompt(stage).body,
    contextBlock(session, stage, memory),
  ]
    .filter(Boolean)
    .join('\n\n')
}

export function toModelMessages(transcript: Message[]): ModelMessage[] {
  return transcript
    .filter((message) => message.kind !== 'support')
    .map((message) =>
      message.role === 'assistant'
        ? { role: 'assistant', content: message.content }
        : { role: 'user', content: delimit('client_message', message.content) },
    )
}

async function loadRunnableStage(deps: TurnDependencies, userId: string, sessionId: string, stage: StageNumber) {
  return deps.db.asUser(userId, async (tx) => {
    const session = await readSession(tx, { userId, sessionId, forTurnIn: stage })
    requireRunnable(session)
    if (session.sessionType !== 'self_coaching') {
      throw new AppError('conflict', 'In a coach-led session the coach writes the notes; there is no AI conversation.')
    }
    const stageView = session.stages.find((s) => s.number === stage)
    if (!stageView || stage > session.currentStage) throw new AppError('conflict', 'That stage has not started yet.')
    return { session, stageView }
  })
}

function errorEvent(error: unknown): TurnEvent {
  if (error instanceof AppError) return { type: 'error', message: error.message, retryable: error.kind === 'unavailable' }
  throw error
}

export async function* runTurn(
  deps: TurnDependencies,
  request: { userId: string; sessionId: string; stage: StageNumber; input: TurnInput },
): AsyncGenerator<TurnEvent> {
  const { userId, sessionId, stage, input } = request
  let loaded: { session: SessionView; stageView: StageView }
  try {
    loaded = await loadRunnableStage(deps, userId, sessionId, stage)
  } catch (error) {
    yield errorEvent(error)
    return
  }
  const { session } = loaded
  let transcript = loaded.stageView.responses.transcript

  if (input.kind === 'message') {
    const existing = transcript.findIndex((message) => message.id === input.messageId)
    if (existing >= 0) {
      // A double submit: the message is already stored. Answer with its reply if there is one.
      const reply = transcript[existing + 1]
      if (reply?.role === 'assistant') {
        yield { type: 'done', message: reply, usage: null }
        return
      }
    } else {
      if (session.pausedAt) {
        yield { type: 'error', message: 'The session is paused. Choose to carry on when you are ready.', retryable: false }
        return
      }
      const clientMessage = newMessage('client', input.text, { id: input.messageId })
      if (signalsCrisis(input.text)) {
        const support = newMessage('assistant', supportMessage, { kind: 'support' })
        await deps.db.asUser(userId, async (tx) => {
          await appendMessages(tx, { sessionId, stage, messages: [clientMessage, support] })
          await tx.query('update public.coaching_sessions set paused_at = now() where id = $1', [sessionId])
        })
        yield { type: 'saved', message: clientMessage }
        yield { type: 'paused', message: support }
        return
      }
      await deps.db.asUser(userId, (tx) => appendMessages(tx, { sessionId, stage, messages: [clientMessage] }))
      transcript = [...transcript, clientMessage]
      yield { type: 'saved', message: clientMessage }
    }
  } else if (transcript.at(-1)?.role !== 'client') {
    yield { type: 'error', message: 'There is no unanswered message to retry.', retryable: false }
    return
  }
  if (session.pausedAt) {
    yield { type: 'error', message: 'The session is paused. Choose to carry on when you are ready.', retryable: false }
    return
  }

  let reply: Message
  let usage: Usage | null = null
  if (!deps.ai) {
    const memory = session.stages.find((s) => s.number === 1)?.responses.memory ?? []
    reply = nextGuidedMessage(stage, transcript, memory)
    yield { type: 'delta', text: reply.content }
  } else {
    let finished: { text: string; usage: Usage } | null = null
    try {
      for await (const event of streamReply(deps.ai, {
        system: buildTurnSystemPrompt(session, stage),
        messages: toModelMessages(transcript),
      })) {
        if (event.type === 'delta') yield event
        else finished = event
      }
    } catch (error) {
      yield { type: 'error', ...describeReplyFailure(error) }
      return
    }
    if (!finished) {
      yield { type: 'error', message: 'The reply was cut off. What you wrote is saved; try again.', retryable: true }
      return
    }
    reply = newMessage('assistant', finished.text.trim())
    usage = finished.usage
  }
  await deps.db.asUser(userId, (tx) => appendMessages(tx, { sessionId, stage, messages: [reply] }))
  yield { type: 'done', message: reply, usage }
}

/** A turn as newline-delimited JSON, one event per line: what the browser reads as it streams. */
export function turnEventStream(events: AsyncGenerator<TurnEvent>, onUnexpectedError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await events.next()
        if (done) {
          controller.close()
          return
        }
        controller.enqueue(encoder.encode(`${JSON.stringify(value)}\n`))
      } catch (error) {
        onUnexpectedError(error)
        const event: TurnEvent = { type: 'error', message: 'Something went wrong on our side. What you wrote is saved; try again.', retryable: true }
        controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`))
        controller.close()
      }
    },
    async cancel() {
      await events.return(undefined)
    },
  })
}
