import { AppError } from '../errors'
import { unsavableCharactersMessage } from '../text'

/** A connection inside a transaction. Parameters are `$1, $2, …`; JSON goes in as text cast to jsonb. */
export interface Tx {
  query<Row extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<Row[]>
  /** Runs a script of several statements with no parameters (migrations). */
  exec(script: string): Promise<void>
}

/** What each database target (embedded PGlite, a Postgres server) provides. */
export interface Driver {
  readonly target: 'embedded' | 'server'
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>
  /** Runs `work` while holding a lock that other processes using this database respect. */
  exclusively<T>(lockName: string, work: () => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * The one way the app talks to Postgres. Every unit of work is a transaction; the role it
 * runs as decides what row-level security lets it see:
 *
 * - `asUser`: the signed-in user, exactly as on Supabase (`role authenticated`, JWT claims
 *   with `sub` = user id). Everything a user can drive goes through here.
 * - `asAnonymous`: a visitor who is not signed in (`role anon`).
 * - `asService`: the connection's own role, which bypasses row-level security. Only for work
 *   no user drives (migrations, seeding, jobs) and for the built-in auth server, which plays
 *   the part Supabase Auth plays on Supabase. See docs/decisions/001-data-access-as-the-user.md.
 */
export interface Database {
  readonly target: 'embedded' | 'server'
  asUser<T>(userId: string, work: (tx: Tx) => Promise<T>): Promise<T>
  asAnonymous<T>(work: (tx: Tx) => Promise<T>): Promise<T>
  asService<T>(work: (tx: Tx) => Promise<T>): Promise<T>
  /** Succeeds when the database answers a trivial query. */
  ping(): Promise<void>
  close(): Promise<void>
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value)
}

export function createDatabase(driver: Driver): Database {
  async function run<T>(
    claims: Record<string, string> | null,
    role: 'authenticated' | 'anon' | null,
    work: (tx: Tx) => Promise<T>,
  ): Promise<T> {
    try {
      return await driver.transaction(async (tx) => {
        if (role) {
          await tx.query(`select set_config('request.jwt.claims', $1, true)`, [
            JSON.stringify(claims ?? { role }),
          ])
          await tx.query(`set local role ${role}`)
        }
        return work(tx)
      })
    } catch (error) {
      throw toAppError(error)
    }
  }

  return {
    target: driver.target,
    asUser(userId, work) {
      if (!isUuid(userId)) throw new Error(`asUser needs a user id (uuid), got ${JSON.stringify(userId)}`)
      return run({ sub: userId, role: 'authenticated' }, 'authenticated', work)
    },
    asAnonymous(work) {
      return run({ role: 'anon' }, 'anon', work)
    },
    asService(work) {
      return run(null, null, work)
    },
    async ping() {
      await run(null, null, (tx) => tx.query('select 1'))
    },
    close() {
      return driver.close()
    },
  }
}

/** The SQLSTATE of a database error, from either driver. */
export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code
  }
  return undefined
}

const connectionFailureCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P03', '08006', '08001', '08003'])

/**
 * Database errors a user can cause become AppErrors with a plain message; the raw error
 * stays in `cause` for the log. Errors that are bugs pass through unchanged.
 */
export function toAppError(error: unknown): unknown {
  if (error instanceof AppError) return error
  const code = sqlState(error)
  if (code === undefined) return error
  // A missing privilege ("permission denied for table …") is a migration that forgot a
  // grant: a bug to see in the log, not a "Not found" that hides it (issue 7). Row-level
  // security's refusals and the functions' own 42501s stay "not found".
  if (code === '42501' && error instanceof Error && error.message.startsWith('permission denied')) return error
  const mapped = ((): AppError | undefined => {
    switch (code) {
      case '23505':
        return new AppError('conflict', 'That already exists.')
      case '23514':
      case '23502':
      case '23503':
      case '22P02':
      case '22001':
      case '22003':
      case '22007':
      case '22008':
        return new AppError('invalid', 'Some of the values given are not allowed.')
      case '22021': // a NUL or an invalid byte sequence in text
      case '22P05': // a NUL (\u0000) in jsonb
        return new AppError('invalid', unsavableCharactersMessage)
      case '42501': // a row-level security refusal, or a function refusing an anonymous caller
      case 'P0002':
        return new AppError('not_found', 'Not found.')
      default:
        return connectionFailureCodes.has(code)
          ? new AppError('unavailable', 'The database is not reachable right now. Try again in a moment.')
          : undefined
    }
  })()
  if (!mapped) return error
  Object.defineProperty(mapped, 'cause', { value: error })
  return mapped
}
