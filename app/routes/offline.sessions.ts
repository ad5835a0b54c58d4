import type { LoaderFunctionArgs } from '@remix-run/node'
import { sessionsToKeepOffline } from '#lib/offline/sync'

/**
 * The pages the service worker keeps for the signed-in person (public/sw.js): their running
 * and next sessions, with whose they are, so a page kept for one person is never shown to
 * another. Never stored by a shared cache (the server's default Cache-Control).
 */
export async function loader({ context }: LoaderFunctionArgs) {
  const userId = await context.getUserId()
  if (!userId) return Response.json({ userId: null, pages: [] })
  const sessions = await sessionsToKeepOffline(context.db, { userId })
  return Response.json({ userId, pages: ['/dashboard', ...sessions.map((s) => `/sessions/${s.id}`)] })
}
