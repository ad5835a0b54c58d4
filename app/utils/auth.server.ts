import { redirect, type AppLoadContext } from '@remix-run/node'

/**
 * The signed-in user's id. Every protected loader and action calls this first: without a
 * user, a page request is sent to sign-in (and back afterwards).
 */
export async function requireUserId(request: Request, context: AppLoadContext): Promise<string> {
  const userId = await context.getUserId()
  if (userId) return userId
  const url = new URL(request.url)
  const redirectTo = `${url.pathname}${url.search}`
  throw redirect(`/login?${new URLSearchParams({ redirectTo })}`)
}

/** Headers that set the given cookies on the response. */
export function cookieHeaders(setCookies: string[]): Headers {
  const headers = new Headers()
  for (const cookie of setCookies) headers.append('Set-Cookie', cookie)
  return headers
}
