import type { AppLoadContext } from '@remix-run/node'
import type { AuthBackend } from '#lib/auth/index'
import type { Database } from '#lib/db/database'
import { parseEnv, type Env } from '#lib/env'
import type { CookieJar } from './cookie-jar'

/**
 * Calls a route's loader or action the way the server does (app/server/create-server.ts
 * builds the same context), with the cookies of a jar, and applies the Set-Cookie headers
 * of the answer back to the jar.
 */
export interface RouteAnswer {
  status: number
  /** Where a redirect goes. */
  location: string | null
  setCookies: string[]
  /** The data a loader or action returned (not for redirects). */
  body: unknown
  /** The Response a route returned, when it returned one (its body still unread unless it was JSON). */
  response: Response | null
}

type RouteFunction = (args: { request: Request; context: AppLoadContext; params: Record<string, string> }) => unknown

export async function callRoute(
  handler: RouteFunction,
  options: {
    url: string
    form?: Record<string, string>
    json?: unknown
    params?: Record<string, string>
    jar: CookieJar
    auth: AuthBackend
    db: Database
    /** The environment the route sees (default: NODE_ENV=test and nothing else). */
    env?: Env
  },
): Promise<RouteAnswer> {
  const cookieHeader = options.jar.header()
  const headers = new Headers(cookieHeader ? { Cookie: cookieHeader } : {})
  if (options.json !== undefined) headers.set('Content-Type', 'application/json')
  const request = options.form
    ? new Request(options.url, { method: 'POST', headers, body: new URLSearchParams(options.form) })
    : options.json !== undefined
      ? new Request(options.url, { method: 'POST', headers, body: JSON.stringify(options.json) })
      : new Request(options.url, { headers })
  const setCookies: string[] = []
  let userId: Promise<string | null> | undefined
  const context: AppLoadContext = {
    db: options.db,
    env: options.env ?? parseEnv({ NODE_ENV: 'test' }),
    auth: options.auth,
    ai: null,
    ipAddress: '203.0.113.7',
    nonce: 'test-nonce',
    getUserId() {
      userId ??= options.auth.getUserId({ cookieHeader, ipAddress: '203.0.113.7' }, (cookie) => setCookies.push(cookie))
      return userId
    },
  }
  let result: unknown
  try {
    result = await handler({ request, context, params: options.params ?? {} })
  } catch (thrown) {
    if (!(thrown instanceof Response)) throw thrown
    result = thrown
  }
  let answer: RouteAnswer
  if (result instanceof Response) {
    answer = {
      status: result.status,
      location: result.headers.get('Location'),
      setCookies: [...setCookies, ...result.headers.getSetCookie()],
      body: result.headers.get('Content-Type')?.includes('json') ? await result.json() : null,
      response: result,
    }
  } else if (isDataWithInit(result)) {
    const init = new Headers(result.init?.headers)
    answer = { status: result.init?.status ?? 200, location: null, setCookies: [...setCookies, ...init.getSetCookie()], body: result.data, response: null }
  } else {
    answer = { status: 200, location: null, setCookies, body: result, response: null }
  }
  options.jar.apply(answer.setCookies)
  return answer
}

function isDataWithInit(value: unknown): value is { data: unknown; init: ResponseInit | null } {
  return typeof value === 'object' && value !== null && 'type' in value && value.type === 'DataWithResponseInit'
}
