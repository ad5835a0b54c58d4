import type { LoaderFunctionArgs } from '@remix-run/node'
import { calendarFeed } from '#lib/plans/calendar'

/**
 * The private calendar feed: /calendar/<token>.ics. Calendar apps fetch it without a
 * session; the token in the URL is the credential, and an unknown or reset token is a 404.
 */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = (params.feed ?? '').replace(/\.ics$/, '')
  const body = token ? await calendarFeed(context.db, { token }) : null
  if (body === null) return new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
  return new Response(body, {
    headers: {
      'Content-Type': 'text/calendar; charset=utf-8',
      'Content-Disposition': 'inline; filename="stagecoach.ics"',
      'Cache-Control': 'private, max-age=300',
    },
  })
}
