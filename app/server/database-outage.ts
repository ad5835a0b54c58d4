import type { AuthBackend } from '#lib/auth/index'
import type { Database } from '#lib/db/database'
import { isAppError } from '#lib/errors'

/**
 * While the database is unreachable, every page and action answers 503 with a page that
 * says so and to try again, instead of a generic 500. The database and auth handed to
 * routes are wrapped here, so no route has to remember: an 'unavailable' error from the
 * database becomes a thrown 503 response, which Remix renders with the error boundary
 * (resource routes such as the chat turn it into their own error line). Nothing is kept
 * between requests, so the app recovers by itself as soon as the database answers again.
 */
export const databaseUnavailableMessage = 'The database is not reachable right now. Nothing was changed; try again in a moment.'

export function databaseUnavailableResponse(): Response {
  return new Response(databaseUnavailableMessage, { status: 503, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' } })
}

export function isDatabaseOutage(error: unknown): boolean {
  if (error instanceof Response) return error.status === 503
  return isAppError(error) && error.kind === 'unavailable'
}

async function outagesAs503<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    if (isAppError(error) && error.kind === 'unavailable') {
      console.error('database unreachable:', error.cause ?? error)
      throw databaseUnavailableResponse()
    }
    throw error
  }
}

export function withOutagesAs503(db: Database): Database {
  return {
    target: db.target,
    asUser: (userId, work) => outagesAs503(() => db.asUser(userId, work)),
    asAnonymous: (work) => outagesAs503(() => db.asAnonymous(work)),
    asService: (work) => outagesAs503(() => db.asService(work)),
    identifyUser: (lookup) => outagesAs503(() => db.identifyUser(lookup)),
    // The health check reports the outage itself.
    ping: () => db.ping(),
    readUnit: () => db.readUnit(),
    close: () => db.close(),
  }
}

/** Every method of the auth backend (whatever methods it has) with outages as 503s. */
export function authWithOutagesAs503(auth: AuthBackend): AuthBackend {
  return new Proxy(auth, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => outagesAs503(async () => value.apply(target, args))
    },
  })
}
