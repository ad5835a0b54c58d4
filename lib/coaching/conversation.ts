import { describeReplyFailure, streamReply, type Usage } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import { isoDateInZone } from '../dates.shared'
import type { Database, Tx } from '../db/database'
import { AppError } from '../errors'
import { nextGuidedMessage } from './guided'
import { turnPrompt } from './prompt-builders'
import { appendMessages, newMessage } from './responses'
import { readClientSettings, type ClientSettings } from '../profiles'
import { assessRisk } from './safety'
import { screenForCrisis } from './safety-check'
import { supportMessageFor } from './support-resources'
import { memoryOf, pauseSession, readSession, requireRunnable, type SessionView } from './sessions'
import type { StageNumber } from './stages.shared'
import { encodeTurnEvent, type Message, type TurnEvent, type TurnInput } from './turn-protocol.shared'

/**
 * One turn of a self-coaching conversation: the client's message is stored first (so a
 * failed or slow model never loses it), then the coach's reply streams back and is stored
 * when complete. A half-streamed reply is never stored, and a reply the person stops (the
 * request's signal aborts) aborts the model call and leaves nothing (decision 023). Without a model, the guided script
 * replies. Language that signals a crisis pauses the session instead of coaching, with
 * support resources for the client's country (decision 020).
 */

export interface TurnDependencies {
  db: Database
  ai: ChatModel | null
}

async function loadRunnableStage(tx: Tx, userId: string, sessionId: string, stage: StageNumber) {
  const session = await readSession(tx, { userId, sessionId, forTurnIn: stage })
  requireRunnable(session)
  if (session.sessionType !== 'self_coaching') {
    throw new AppError('conflict', 'In a coach-led session the coach writes the notes; there is no AI conversation.')
  }
  const stageView = session.stages.find((s) => s.number === stage)
  if (!stageView || stage > session.currentStage) throw new AppError('conflict', 'That stage has not started yet.')
  return { session, stageView }
}

function errorEvent(error: unknown): TurnEvent {
  if (error instanceof AppError) return { type: 'error', message: error.message, retryable: error.kind === 'unavailable', status: error.status }
  throw error
}

const pausedEvent: TurnEvent = { type: 'error', message: 'The session is paused. Choose to carry on when you are ready.', retryable: false, status: 409 }

/** How long a claim on a message lasts before another turn may take it over: longer than any turn can take. */
function claimLifetimeSeconds(ai: ChatModel | null): number {
  return ai ? Math.ceil((ai.timeoutMs * (ai.maxRetries + 1)) / 1000) + 30 : 30
}

/**
 * Claims the right to answer a client message (see the reply_claims migration): true for
 * the one turn that may answer it, false while another turn holds the claim.
 */
async function claimReply(tx: Tx, ai: ChatModel | null, sessionId: string, messageId: string): Promise<boolean> {
  const rows = await tx.query(
    `insert into public.reply_claims (session_id, message_id) values ($1, $2)
     on conflict (session_id, message_id) do update set claimed_at = now()
       where reply_claims.claimed_at < now() - make_interval(secs => $3)
     returning message_id`,
    [sessionId, messageId, claimLifetimeSeconds(ai)],
  )
  return rows.length > 0
}

/** A turn that failed gives its claim back, so the client can retry at once. */
async function releaseReply(deps: TurnDependencies, userId: string, sessionId: string, messageId: string): Promise<void> {
  await deps.db.asUser(userId, (tx) => tx.query('delete from public.reply_claims where session_id = $1 and message_id = $2', [sessionId, messageId]))
}

function replyTo(transcript: Message[], messageId: string): Message | null {
  const index = transcript.findIndex((message) => message.id === messageId)
  const reply = index >= 0 ? transcript[index + 1] : undefined
  return reply?.role === 'assistant' ? reply : null
}

/** What a turn does before the model: events to send and stop, or a claimed message to answer. */
type PreparedTurn =
  /** `answeredElsewhere`: another turn holds the claim on the message (and has not replied yet). */
  | { answer: false; events: TurnEvent[]; answeredElsewhere?: true }
  | { answer: true; session: SessionView; settings: ClientSettings; transcript: Message[]; answering: string; saved: Message | null; screen: boolean }

/**
 * Everything a turn does before the model is called, in one transaction (issue 10): read
 * the stage, store the client's message and claim the reply to it — so a message is never
 * stored without being claimed, and the turn pays for one BEGIN/COMMIT, not three. A
 * message the safety rules call a crisis pauses the session here; one they find ambiguous
 * is marked for the model's check (`screen`), which runs after this transaction.
 */
function prepareTurn(deps: TurnDependencies, { userId, sessionId, stage, input }: TurnRequest): Promise<PreparedTurn> {
  return deps.db.asUser(userId, async (tx): Promise<PreparedTurn> => {
    // Sent together: a turn runs only in a self-coaching session, whose client is the one who runs it.
    const [{ session, stageView }, settings] = await Promise.all([
      loadRunnableStage(tx, userId, sessionId, stage),
      readClientSettings(tx, { clientId: userId }),
    ])
    let transcript = stageView.responses.transcript
    let saved: Message | null = null
    let screen = false
    /** Whether this turn holds the claim on the message it answers, once asked. */
    let claimed: boolean | undefined
    if (input.kind === 'message') {
      const existing = transcript.findIndex((message) => message.id === input.messageId)
      if (existing >= 0) {
        // A double submit: the message is already stored. Answer with its reply if there is one.
        const reply = replyTo(transcript, input.messageId)
        if (reply) return { answer: false, events: [{ type: 'done', message: reply, usage: null }] }
      } else {
        if (session.pausedAt) return { answer: false, events: [pausedEvent] }
        const clientMessage = newMessage('client', input.text, { id: input.messageId })
        const risk = assessRisk(input.text)
        if (risk.level === 'crisis') {
          const support = newMessage('assistant', supportMessageFor(settings.country), { kind: 'support' })
          await appendMessages(tx, { sessionId, stage, messages: [clientMessage, support] })
          await pauseSession(tx, { sessionId })
          return { answer: false, events: [{ type: 'saved', message: clientMessage }, { type: 'paused', message: support }] }
        }
        // The message and the claim to answer it, sent together (the claim needs no answer from the first).
        ;[, claimed] = await Promise.all([
          appendMessages(tx, { sessionId, stage, messages: [clientMessage] }),
          claimReply(tx, deps.ai, sessionId, input.messageId),
        ])
        transcript = [...transcript, clientMessage]
        saved = clientMessage
        screen = risk.level === 'ambiguous' && deps.ai !== null
      }
    } else if (transcript.at(-1)?.role !== 'client') {
      return { answer: false, events: [{ type: 'error', message: 'There is no unanswered message to retry.', retryable: false, status: 409 }] }
    }
    if (session.pausedAt) return { answer: false, events: [pausedEvent] }

    const answering = input.kind === 'message' ? input.messageId : transcript.at(-1)?.id
    if (!answering) throw new Error('A turn with no client message to answer')
    claimed ??= await claimReply(tx, deps.ai, sessionId, answering)
    if (!claimed) {
      // Another request is answering this message (or just has): never a second reply.
      const { stageView } = await loadRunnableStage(tx, userId, sessionId, stage)
      const reply = replyTo(stageView.responses.transcript, answering)
      if (reply) return { answer: false, events: saved ? [{ type: 'saved', message: saved }, { type: 'done', message: reply, usage: null }] : [{ type: 'done', message: reply, usage: null }] }
      const busy: TurnEvent = { type: 'error', message: 'This message is already being answered. Wait a moment for the reply.', retryable: false, status: 409 }
      return { answer: false, events: saved ? [{ type: 'saved', message: saved }, busy] : [busy], answeredElsewhere: true }
    }
    return { answer: true, session, settings, transcript, answering, saved, screen }
  })
}

interface TurnRequest {
  userId: string
  sessionId: string
  stage: StageNumber
  input: TurnInput
  /** Aborts when the person stops the reply (the browser aborts its request): the model call is aborted and nothing of the reply is kept. */
  signal?: AbortSignal
}

/**
 * A retry sent just after Stop can reach the server before the stopped turn has given its
 * claim back (it does so as soon as its model call is aborted): how long a retry waits for
 * that before it answers "already being answered".
 */
const retryWaitsForStoppedTurn = { attempts: 20, everyMs: 100 }

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function* runTurn(deps: TurnDependencies, request: TurnRequest): AsyncGenerator<TurnEvent> {
  const { userId, sessionId, stage, signal } = request
  let prepared: PreparedTurn
  try {
    prepared = await prepareTurn(deps, request)
    for (let attempt = 1; !prepared.answer && prepared.answeredElsewhere && request.input.kind === 'retry' && attempt <= retryWaitsForStoppedTurn.attempts; attempt++) {
      if (signal?.aborted) return
      await pause(retryWaitsForStoppedTurn.everyMs)
      prepared = await prepareTurn(deps, request)
    }
  } catch (error) {
    yield errorEvent(error)
    return
  }
  if (!prepared.answer) {
    yield* prepared.events
    return
  }
  const { session, settings, transcript, answering, saved, screen } = prepared
  if (saved) yield { type: 'saved', message: saved }

  // What the rules find ambiguous, the model reads too (AI on), once the message is safe.
  if (screen && deps.ai && (await screenForCrisis(deps.ai, transcript.at(-1)?.content ?? '')).pause) {
    const support = newMessage('assistant', supportMessageFor(settings.country), { kind: 'support' })
    await deps.db.asUser(userId, async (tx) => {
      await appendMessages(tx, { sessionId, stage, messages: [support] })
      await pauseSession(tx, { sessionId })
      await tx.query('delete from public.reply_claims where session_id = $1 and message_id = $2', [sessionId, answering])
    })
    yield { type: 'paused', message: support }
    return
  }

  // Until the reply is stored, the claim is given back whichever way the turn ends: a
  // model failure, or the browser going away mid-stream (the generator is returned).
  let stored = false
  try {
    let reply: Message
    let usage: Usage | null = null
    if (!deps.ai) {
      reply = nextGuidedMessage(stage, transcript, memoryOf(session), { timeZone: settings.timeZone })
      yield { type: 'delta', text: reply.content }
    } else {
      let finished: { text: string; usage: Usage } | null = null
      try {
        const prompt = turnPrompt(session, stage, transcript, { today: isoDateInZone(new Date(), settings.timeZone) })
        for await (const event of streamReply(deps.ai, { ...prompt, signal })) {
          if (event.type === 'delta') yield event
          else finished = event
        }
      } catch (error) {
        // Stopped by the person: nobody is listening, and the claim is given back below.
        if (signal?.aborted) return
        yield { type: 'error', ...describeReplyFailure(error) }
        return
      }
      if (!finished) {
        yield { type: 'error', message: 'The reply was cut off. What you wrote is saved; try again.', retryable: true }
        return
      }
      // Stopped after the last word arrived: Stop still means no reply.
      if (signal?.aborted) return
      reply = newMessage('assistant', finished.text.trim())
      usage = finished.usage
    }
    await deps.db.asUser(userId, (tx) => appendMessages(tx, { sessionId, stage, messages: [reply] }))
    stored = true
    yield { type: 'done', message: reply, usage }
  } finally {
    if (!stored) await releaseReply(deps, userId, sessionId, answering)
  }
}

/**
 * A turn as newline-delimited JSON, one event per line: what the browser reads as it
 * streams. `first` is the event the route already read (to choose the HTTP status). An
 * unexpected failure ends the stream with an error that promises only what is true.
 */
export function turnEventStream(
  first: TurnEvent,
  events: AsyncGenerator<TurnEvent>,
  onUnexpectedError: (error: unknown) => void,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  let saved = first.type === 'saved'
  let pending: TurnEvent | null = first
  return new ReadableStream({
    async pull(controller) {
      try {
        const next = pending ?? (await events.next()).value
        pending = null
        if (!next) {
          controller.close()
          return
        }
        if (next.type === 'saved') saved = true
        controller.enqueue(encoder.encode(encodeTurnEvent(next)))
      } catch (error) {
        onUnexpectedError(error)
        const event: TurnEvent = {
          type: 'error',
          message: saved ? 'Something went wrong on our side. What you wrote is saved; try again.' : 'Something went wrong on our side. Try again.',
          retryable: true,
        }
        controller.enqueue(encoder.encode(encodeTurnEvent(event)))
        controller.close()
      }
    },
    async cancel() {
      await events.return(undefined)
    },
  })
}
