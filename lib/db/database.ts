import { AsyncLocalStorage } from 'node:async_hooks'
import { isIP } from 'node:net'
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
  /**
   * Who is signed in: runs `lookup` (a query returning a `user_id` column, at most one row)
   * as the service, and in the same statement becomes that user, so inside a read unit the
   * calls as that user that follow need no statement of their own to switch identity
   * (statements per page = real queries + 2: BEGIN and COMMIT; decision 013). Returns the
   * user id, or null when the lookup finds no row.
   */
  identifyUser(lookup: { text: string; params?: readonly unknown[] }): Promise<string | null>
  /** Succeeds when the database answers a trivial query. */
  ping(): Promise<void>
  /**
   * A unit of work for what one request reads: every asUser/asAnonymous/asService call made
   * inside `enter` (by any code, on this database) shares one transaction, switching the
   * claims and role with one statement only when they change, until `finish` commits it.
   * Calls after `finish` get their own transactions again. Statements are sent as they are
   * issued (a page's loaders go out together). A failed statement rolls the shared
   * transaction back; the statements sent behind it, which the aborted transaction refused,
   * and the calls that follow go on in a new one. For reads (GET requests):
   * writes belong in their own short transaction (see docs/decisions/013-one-unit-of-work-per-request.md).
   */
  readUnit(): ReadUnit
  close(): Promise<void>
}

export interface ReadUnit {
  enter<T>(work: () => T): T
  finish(): Promise<void>
}

type Identity = { role: 'authenticated' | 'anon'; claims: Record<string, string> } | null

/**
 * Where the request a unit of work serves came from: its address and user agent, which the
 * audit log's triggers and account events record (supabase/migrations/20261203004000_audit_trail.sql).
 */
export interface RequestOrigin {
  ipAddress: string | null
  userAgent: string | null
}

const requestOrigins = new AsyncLocalStorage<RequestOrigin>()

/**
 * Runs `work` on behalf of a request from `origin`: every transaction it opens (on any
 * database) carries the address and user agent as the transaction-local settings
 * `request.ip` and `request.user_agent`, set in the statement that sets the identity.
 * The server wraps every request in it (app/server/create-server.ts).
 */
export function withRequestOrigin<T>(origin: RequestOrigin, work: () => T): T {
  return requestOrigins.run(
    { ipAddress: origin.ipAddress && isIP(origin.ipAddress) ? origin.ipAddress : null, userAgent: origin.userAgent?.slice(0, 512) || null },
    work,
  )
}

const originParams = (): [string, string] => {
  const origin = requestOrigins.getStore()
  return [origin?.ipAddress ?? '', origin?.userAgent ?? '']
}

/**
 * Claims, role and the request's origin in one statement; `none` is the connection's own
 * role (the service).
 */
const setIdentitySql = `select set_config('request.jwt.claims', $1, true), set_config('role', $2, true),
  set_config('request.ip', $3, true), set_config('request.user_agent', $4, true)`
const identityParams = (identity: Identity) => [
  ...(identity ? [JSON.stringify(identity.claims), identity.role] : ['', 'none']),
  ...originParams(),
]
const identityKey = (identity: Identity) => (identity ? `${identity.role}:${identity.claims.sub ?? ''}` : 'service')
/** A transaction as the service needs a statement of its own only to carry a request's origin. */
const needsIdentityStatement = (identity: Identity) => identity !== null || requestOrigins.getStore() !== undefined

/**
 * Runs `work` as `identity`: the statement that sets it goes out without waiting for its
 * answer, so the work's first statements follow it in the same round trip (the server runs
 * a transaction's statements in the order they were sent; decision 033). Settles only when
 * both have: a failed identity statement fails the work (whose statements then fail too).
 */
async function withIdentity<T>(tx: Tx, identity: Identity, work: (tx: Tx) => Promise<T>): Promise<T> {
  const [identitySet, worked] = await Promise.allSettled([tx.query(setIdentitySql, identityParams(identity)), work(tx)])
  if (identitySet.status === 'rejected') throw identitySet.reason
  if (worked.status === 'rejected') throw worked.reason
  return worked.value
}

/** A transaction of its own for `work`, as `identity`. */
function transactionAs<T>(driver: Driver, identity: Identity, work: (tx: Tx) => Promise<T>): Promise<T> {
  return driver.transaction((tx) => (needsIdentityStatement(identity) ? withIdentity(tx, identity, work) : work(tx)))
}

/** A lookup that also sets the claims and role of the user it finds (see Database.identifyUser). */
const identifyingSql = (lookup: string, parameterCount: number) =>
  `select found.user_id::text as user_id,
          set_config('request.jwt.claims', json_build_object('sub', found.user_id::text, 'role', 'authenticated')::text, true) as claims,
          set_config('role', 'authenticated', true) as role,
          set_config('request.ip', $${parameterCount + 1}, true) as ip,
          set_config('request.user_agent', $${parameterCount + 2}, true) as user_agent
   from (${lookup}) found limit 1`
const userIdentity = (userId: string): NonNullable<Identity> => ({ role: 'authenticated', claims: { sub: userId, role: 'authenticated' } })

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value)
}

export function createDatabase(driver: Driver): Database {
  const currentUnit = new AsyncLocalStorage<SharedTransaction>()

  async function run<T>(identity: Identity, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      const unit = currentUnit.getStore()
      if (unit && !unit.finished) return await work(unit.as(identity))
      return await transactionAs(driver, identity, work)
    } catch (error) {
      throw toAppError(error)
    }
  }

  return {
    target: driver.target,
    asUser(userId, work) {
      if (!isUuid(userId)) throw new Error(`asUser needs a user id (uuid), got ${JSON.stringify(userId)}`)
      return run(userIdentity(userId), work)
    },
    async identifyUser(lookup) {
      const text = identifyingSql(lookup.text, lookup.params?.length ?? 0)
      const params = [...(lookup.params ?? []), ...originParams()]
      try {
        const unit = currentUnit.getStore()
        if (unit && !unit.finished) return await unit.identify(text, params)
        const [row] = await driver.transaction((tx) => tx.query<{ user_id: string }>(text, params))
        return row?.user_id ?? null
      } catch (error) {
        throw toAppError(error)
      }
    },
    asAnonymous(work) {
      return run({ role: 'anon', claims: { role: 'anon' } }, work)
    },
    asService(work) {
      return run(null, work)
    },
    async ping() {
      await run(null, (tx) => tx.query('select 1'))
    },
    readUnit() {
      const unit = new SharedTransaction(driver)
      return {
        enter: (work) => currentUnit.run(unit, work),
        finish: () => unit.finish(),
      }
    },
    close() {
      return driver.close()
    },
  }
}

/** The shared transaction of a read unit, once open. `identity` is null while unknown (see identify). */
interface OpenTransaction {
  tx: Tx
  identity: string | null
  /** Statements sent so far; `identify` knows from it whether its answer is still the latest identity. */
  sent: number
  /** A statement failed: the transaction is aborted, and statements sent after it fail with 25P02. */
  failed: boolean
  end: (error?: unknown) => void
  ended: Promise<unknown>
}

/** "current transaction is aborted, commands ignored until end of transaction block" */
const abortedTransaction = '25P02'

/**
 * One transaction shared by the calls of a read unit, opened at its first statement.
 * Statements are sent as they are issued, without waiting for the ones before them to be
 * answered — the loaders of a page go out together, in one write (decision 033) — and the
 * database runs them in the order they were sent, each under the identity of the call that
 * issued it. A failed statement aborts the transaction: it is rolled back, and the
 * statements already sent after the failed one (which the aborted transaction refused,
 * having run nothing) go again in a new one, as the statements issued later do.
 */
class SharedTransaction {
  finished = false
  private open: OpenTransaction | null = null
  private opening: Promise<OpenTransaction> | null = null
  private pending = new Set<Promise<unknown>>()

  constructor(private readonly driver: Driver) {}

  as(identity: Identity): Tx {
    return {
      query: <Row extends object>(text: string, params?: readonly unknown[]) =>
        this.enqueue((tx) => tx.query<Row>(text, params), identity),
      exec: (script: string) => this.enqueue((tx) => tx.exec(script), identity),
    }
  }

  /** A lookup as the service that becomes the user it finds (Database.identifyUser). */
  identify(text: string, params: readonly unknown[] | undefined): Promise<string | null> {
    return this.enqueue(async (tx, open) => {
      // Until the answer, nobody knows who the connection is; statements sent meanwhile set it.
      const before = open?.identity ?? null
      if (open) open.identity = null
      const mark = open?.sent
      const [row] = await tx.query<{ user_id: string }>(text, params)
      if (open && open.sent === mark) open.identity = row ? identityKey(userIdentity(row.user_id)) : before
      return row?.user_id ?? null
    }, null)
  }

  private enqueue<T>(statement: (tx: Tx, open?: OpenTransaction) => Promise<T>, identity: Identity): Promise<T> {
    // Statements issued while the transaction opens are sent in the order they were issued.
    const result = this.finished ? this.alone(statement, identity) : (this.opening ??= this.begin()).then((open) => this.send(open, statement, identity))
    this.pending.add(result)
    void result.then(
      () => this.pending.delete(result),
      () => this.pending.delete(result),
    )
    return result
  }

  private async send<T>(open: OpenTransaction, statement: (tx: Tx, open?: OpenTransaction) => Promise<T>, identity: Identity): Promise<T> {
    // Behind a failed statement: the next transaction (or one of its own once finished).
    // A statement issued before finish runs in this one: finish waits for it.
    if (open.failed) return this.enqueue(statement, identity)
    const key = identityKey(identity)
    open.sent++
    let sent: Promise<T>
    if (open.identity === key) sent = statement(open.tx, open)
    else {
      open.identity = key
      sent = withIdentity(open.tx, identity, (tx) => statement(tx, open))
    }
    try {
      return await sent
    } catch (error) {
      this.abandon(open, error)
      // Refused because a statement sent before it failed (whose answer may not have been
      // read yet): it ran nothing, so it goes again in the next transaction.
      if (sqlState(error) === abortedTransaction) return this.enqueue(statement, identity)
      await open.ended
      throw error
    }
  }

  /** Rolls back a transaction a statement failed in (once); what comes next starts a new one. */
  private abandon(open: OpenTransaction, error: unknown) {
    if (open.failed) return
    open.failed = true
    if (this.open === open) {
      this.open = null
      this.opening = null
    }
    open.end(error)
  }

  /** Late work (a statement issued after the response was started): a transaction of its own. */
  private alone<T>(statement: (tx: Tx) => Promise<T>, identity: Identity): Promise<T> {
    return transactionAs(this.driver, identity, statement)
  }

  private begin(): Promise<OpenTransaction> {
    const opening = new Promise<OpenTransaction>((resolve, reject) => {
      let opened = false
      const ended: Promise<unknown> = this.driver
        .transaction(
          (tx) =>
            new Promise<void>((commit, rollback) => {
              opened = true
              this.open = { tx, identity: 'service', sent: 0, failed: false, end: (error) => (error ? rollback(error) : commit()), ended }
              resolve(this.open)
            }),
        )
        .then(
          () => undefined,
          (error: unknown) => {
            if (!opened) reject(error)
            return error
          },
        )
    })
    // A transaction that could not open: the next statement tries again.
    opening.catch(() => {
      if (this.opening === opening) this.opening = null
    })
    return opening
  }

  private finishing: Promise<void> | undefined

  /** Commits the shared transaction (once; later calls wait for the same commit). */
  finish(): Promise<void> {
    this.finishing ??= this.commit()
    return this.finishing
  }

  private async commit(): Promise<void> {
    this.finished = true
    while (this.pending.size > 0) await Promise.allSettled([...this.pending])
    const open = this.open
    this.open = null
    this.opening = null
    if (open && !open.failed) {
      open.end()
      const failure = await open.ended
      if (failure) throw toAppError(failure)
    }
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

const ownErrorKinds: Record<string, AppError['kind'] | undefined> = { SC409: 'conflict', SC422: 'invalid', SC429: 'rate_limited' }

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
  // Our own SQLSTATEs (SC409, SC422, SC429): a rule the database holds, raised with a
  // message written for the person (supabase/migrations/20261203003000_measures.sql).
  const own = ownErrorKinds[code]
  if (own && error instanceof Error) {
    const mapped = new AppError(own, error.message)
    Object.defineProperty(mapped, 'cause', { value: error })
    return mapped
  }
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
