/**
 * The errors the core raises on purpose. Routes turn them into HTTP statuses and show the
 * message; anything else is a bug, logged in full and shown as a generic 500.
 */
export type AppErrorKind =
  | 'invalid' // the input breaks a rule; the message says which
  | 'not_found' // does not exist, or the user may not see it (never said apart)
  | 'conflict' // clashes with what is already there (duplicate, already used)
  | 'rate_limited' // too many attempts; try again later
  | 'unavailable' // a dependency (database, model) is down or too slow
  | 'unconfirmed' // the account exists but its email address is not confirmed yet

const statusByKind: Record<AppErrorKind, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
  unconfirmed: 403,
}

// The server (app/server/main.ts, run by tsx) and the Remix build each hold their own copy
// of lib/: an AppError thrown by the database or auth created in one is caught by routes in
// the other. A shared brand makes `instanceof` work across both copies.
const appErrorBrand = Symbol.for('stagecoach.AppError')

export class AppError extends Error {
  readonly [appErrorBrand] = true
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && appErrorBrand in value
  }
  readonly status: number
  constructor(
    readonly kind: AppErrorKind,
    message: string,
    /** Per-field messages for forms, keyed by field name. */
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message)
    this.name = 'AppError'
    this.status = statusByKind[kind]
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError
}

/**
 * A reason the app cannot start that the person starting it can fix (a bad setting, a
 * database folder in use). Start-up prints its message alone, without a stack trace.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'StartupError'
  }
}
