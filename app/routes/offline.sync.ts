import type { ActionFunctionArgs } from '@remix-run/node'
import { syncEntries } from '#lib/offline/sync'
import { syncRequestSchema, type SyncResponse } from '#lib/offline/sync.shared'

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } })

/**
 * The one endpoint a device syncs through (decision 030): what was recorded without signal,
 * in the device's order, each entry idempotent by its client id. Same-origin JSON only (the
 * server's request guard checked the origin and the size; here, that it is JSON). Answers
 * each entry's result; a visitor gets 401 (a fetch has no page to be sent to).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return json({ error: 'Send entries with POST.' }, 405)
  if (!/^\s*application\/json\s*(;|$)/i.test(request.headers.get('Content-Type') ?? '')) {
    return json({ error: 'Send entries as JSON (Content-Type: application/json).' }, 415)
  }
  const userId = await context.getUserId()
  if (!userId) return json({ error: 'Sign in again to sync what you recorded offline.' }, 401)
  const body: unknown = await request.json().catch(() => undefined)
  const parsed = syncRequestSchema.safeParse(body)
  if (!parsed.success) return json({ error: parsed.error.issues[0]?.message ?? 'Those entries could not be read.' }, 400)
  const results = await syncEntries(context.db, { userId, entries: parsed.data.entries })
  return json({ results } satisfies SyncResponse)
}
