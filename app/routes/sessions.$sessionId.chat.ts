import type { ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { runTurn, turnEventStream } from '#lib/coaching/conversation'
import { stageNumberSchema } from '#lib/coaching/stages.shared'
import { encodeTurnEvent, turnContentType, turnInputSchema } from '#lib/coaching/turn-protocol.shared'
import { requireUserId } from '~/utils/auth.server'
import { requireIdParam } from '~/utils/http'

const chatRequest = z.object({ stage: stageNumberSchema }).and(turnInputSchema)

function errorLine(message: string, status: number) {
  return new Response(encodeTurnEvent({ type: 'error', message, retryable: false }), { status, headers: { 'Content-Type': turnContentType } })
}

/**
 * One conversation turn, streamed as newline-delimited JSON events (saved, delta…, done |
 * paused | error). The client's message is stored before the model is called.
 */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  if (request.method !== 'POST') return errorLine('Send messages with POST.', 405)
  const body: unknown = await request.json().catch(() => null)
  const parsed = chatRequest.safeParse(body)
  if (!parsed.success) return errorLine(parsed.error.issues[0]?.message ?? 'That message could not be read.', 400)
  const { stage, ...input } = parsed.data
  const events = runTurn(
    { db: context.db, ai: context.ai },
    { userId, sessionId, stage, input },
  )
  return new Response(
    turnEventStream(events, (error) => console.error('chat turn failed', error)),
    { headers: { 'Content-Type': turnContentType, 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' } },
  )
}
