import type { ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { runTurn, turnEventStream } from '#lib/coaching/conversation'
import { stageNumberSchema } from '#lib/coaching/stages.shared'
import { encodeTurnEvent, turnContentType, turnInputSchema, type TurnEvent } from '#lib/coaching/turn-protocol.shared'
import { databaseUnavailableMessage, isDatabaseOutage } from '~/server/database-outage'
import { requireUserId } from '~/utils/auth.server'
import { requireIdParam } from '~/utils/http'

const chatRequest = z.object({ stage: stageNumberSchema }).and(turnInputSchema)

const ndjson = { 'Content-Type': turnContentType, 'Cache-Control': 'no-store' }

function errorLine(message: string, status: number, retryable = false) {
  return new Response(encodeTurnEvent({ type: 'error', message, retryable }), { status, headers: ndjson })
}

/**
 * One conversation turn, streamed as newline-delimited JSON events (saved, delta…, done |
 * paused | error). The client's message is stored before the model is called. Whatever
 * goes wrong before anything is streamed answers with its HTTP status (400, 404, 409,
 * 415, 503; 413 and cross-origin 403 come from the server's request guard).
 */
export async function action(args: ActionFunctionArgs) {
  try {
    return await chatTurn(args)
  } catch (error) {
    // The browser reads error lines; a database outage is one too, wherever it is met.
    if (isDatabaseOutage(error)) return errorLine(databaseUnavailableMessage, 503, true)
    throw error
  }
}

async function chatTurn({ request, params, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return errorLine('Send messages with POST.', 405)
  // Only JSON: a cross-site "simple" request (text/plain, no-cors) can never be a chat turn.
  if (!/^\s*application\/json\s*(;|$)/i.test(request.headers.get('Content-Type') ?? '')) {
    return errorLine('Send chat turns as JSON (Content-Type: application/json).', 415)
  }
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const body: unknown = await request.json().catch(() => undefined)
  if (body === undefined) return errorLine('That message could not be read. Reload the page and send it again.', 400)
  const parsed = chatRequest.safeParse(body)
  if (!parsed.success) return errorLine(parsed.error.issues[0]?.message ?? 'That message could not be read.', 400)
  const { stage, ...input } = parsed.data

  // The browser's Stop aborts its request; the server's signal for it then aborts the model call too.
  const events = runTurn({ db: context.db, ai: context.ai }, { userId, sessionId, stage, input, signal: context.browserGone ?? request.signal })
  let first: TurnEvent | undefined
  try {
    first = (await events.next()).value ?? undefined
  } catch (error) {
    if (isDatabaseOutage(error)) return errorLine(databaseUnavailableMessage, 503, true)
    console.error('chat turn failed', error)
    return errorLine('Something went wrong on our side. Try again.', 500, true)
  }
  if (!first) return errorLine('Something went wrong on our side. Try again.', 500, true)
  if (first.type === 'error' && first.status) return errorLine(first.message, first.status, first.retryable)
  return new Response(
    turnEventStream(first, events, (error) => console.error('chat turn failed', error)),
    { headers: { ...ndjson, 'X-Accel-Buffering': 'no' } },
  )
}
