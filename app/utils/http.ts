import { data } from '@remix-run/node'
import { isAppError } from '#lib/errors'

/**
 * Throws a response (rendered by the nearest error boundary) unless `condition` holds.
 * `invariantResponse(plan, 'Not found', { status: 404 })`.
 */
export function invariantResponse(
  condition: unknown,
  message: string,
  init: { status: number } = { status: 400 },
): asserts condition {
  if (!condition) throw data(message, init)
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** A route parameter that must be an id; anything else is a 404, like an unknown id. */
export function requireIdParam(value: string | undefined): string {
  invariantResponse(value && uuidPattern.test(value), 'Not found', { status: 404 })
  return value
}

/**
 * What a loader reads, or a 404 when it does not exist or the user may not see it. Any
 * other failure (the database being down) is not a 404 and goes to the error boundary.
 */
export async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise
  } catch (error) {
    if (isAppError(error) && error.kind === 'not_found') throw data('Not found', { status: 404 })
    throw error
  }
}
