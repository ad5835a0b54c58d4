import type { ActionFunctionArgs } from '@remix-run/node'
import { z } from 'zod'
import { runTurn, turnEventStream, turnInputSchema } from '#lib/coaching/conversation'
import { stageNumberSchema } from '#lib/coaching/stages.shared'
import { requireUserId } from '~/utils/auth.server'
import { requireIdParam } from '~/utils/http'

const chatRequest = z.object({ stage: stageNumberSchema }).and(turnInputSchema)

function errorLine(message: string, status: number) {
  return new Response(`${JSON.stringify({ type: 'error', message, retryable: false })}\n`, {
    status,
    headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8' },
  })
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
    { headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' } },
  )
}
