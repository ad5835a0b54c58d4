import { describeReplyFailure, streamReply, type Usage } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import { nextGuidedMessage } from './guided'
import { turnPrompt } from './prompt-builders'
import { appendMessages, newMessage } from './responses'
import { signalsCrisis, supportMessage } from './safety'
import { memoryOf, pauseSession, readSession, requireRunnable, type SessionView, type StageView } from './sessions'
import type { StageNumber } from './stages.shared'
import { encodeTurnEvent, type Message, type TurnEvent, type TurnInput } from './turn-protocol.shared'

/**
 * One turn of a self-coaching conversation: the client's message is stored first (so a
 * failed or slow model never loses it), then the coach's reply streams back and is stored
 * when complete. A half-streamed reply is never stored. Without a model, the guided script
 * replies. Language that signals a crisis pauses the session instead of coaching.
 */

export interface TurnDependencies {
  db: Database
  ai: ChatModel | null
}

async function loadRunnableStage(deps: TurnDependencies, userId: string, sessionId: string, stage: StageNumber) {
  return deps.db.asUser(userId, async (tx) => {
    const session = await readSession(tx, { userId, sessionId })
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
          await pauseSession(tx, { sessionId })
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
    reply = nextGuidedMessage(stage, transcript, memoryOf(session))
    yield { type: 'delta', text: reply.content }
  } else {
    let finished: { text: string; usage: Usage } | null = null
    try {
      for await (const event of streamReply(deps.ai, turnPrompt(session, stage, transcript))) {
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
        controller.enqueue(encoder.encode(encodeTurnEvent(value)))
      } catch (error) {
        onUnexpectedError(error)
        const event: TurnEvent = { type: 'error', message: 'Something went wrong on our side. What you wrote is saved; try again.', retryable: true }
        controller.enqueue(encoder.encode(encodeTurnEvent(event)))
        controller.close()
      }
    },
    async cancel() {
      await events.return(undefined)
    },
  })
}
