/**
 * One unit of work per GET request (docs/decisions/013-one-unit-of-work-per-request.md):
 * the session lookup, the profile and the page's data share one transaction; the claims
 * and role are set with one statement, and only when they change. Statements are counted
 * by observing the driver, so these tests hold on every target.
 */
import { randomUUID } from 'node:crypto'
import type { AppLoadContext } from '@remix-run/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import type { AuthBackend } from '#lib/auth/index'
import { createDatabase, withRequestOrigin, type Database, type Driver, type Tx } from '#lib/db/database'
import { parseEnv } from '#lib/env'
import { runTurn } from '#lib/coaching/conversation'
import { startSession } from '#lib/coaching/sessions'
import { createActionPlan } from '#lib/plans/action-plans'
import { loader as dashboardLoader } from '~/routes/dashboard'
import { loader as plansLoader } from '~/routes/action-plans._index'
import { loader as rootLoader } from '~/root'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, type TestDatabase } from '../support/database'

/**
 * The driver as the server sees it: every statement, and BEGIN and COMMIT/ROLLBACK of each
 * transaction; and for each statement, how many of its transaction's statements had been
 * answered when it was sent (statements sent with the same count went out together).
 */
function countingDriver(driver: Driver) {
  const seen = { transactions: 0, statements: [] as string[], sentAfter: [] as Array<{ text: string; answered: number }> }
  const counted: Driver = {
    target: driver.target,
    exclusively: (name, work) => driver.exclusively(name, work),
    close: () => driver.close(),
    async transaction(work) {
      seen.transactions++
      seen.statements.push('begin')
      let answered = 0
      const wrap = (tx: Tx): Tx => ({
        query<Row extends object>(text: string, params?: readonly unknown[]) {
          seen.statements.push(text)
          seen.sentAfter.push({ text, answered })
          return tx.query<Row>(text, params).finally(() => answered++)
        },
        exec(script) {
          seen.statements.push(script)
          return tx.exec(script)
        },
      })
      try {
        return await driver.transaction((tx) => work(wrap(tx)))
      } finally {
        seen.statements.push('end')
      }
    },
  }
  return { driver: counted, seen }
}

let testDb: TestDatabase
let db: Database
let seen: ReturnType<typeof countingDriver>['seen']
let auth: AuthBackend
const jar = new CookieJar()
let userId: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  const counting = countingDriver(testDb.driver)
  seen = counting.seen
  db = createDatabase(counting.driver)
  auth = createBuiltInAuth(db, { secret: 'test-secret-that-is-long-enough-0123456789', secure: true })
  const signedUp = await auth.signUp(
    { email: 'unit-of-work@example.com', password: 'Correct-Horse-Battery-9', displayName: 'Uma Unit' },
    { cookieHeader: null, ipAddress: '203.0.113.7' },
  )
  jar.apply(signedUp.setCookies)
  userId = signedUp.userId
  for (let i = 1; i <= 3; i++) await createActionPlan(db, { userId, requestKey: randomUUID(), input: { title: `Plan ${i}` } })
})

afterAll(async () => {
  await testDb?.close()
})

/** A context like the server's, for one GET request of `url`, inside a read unit. */
function getRequest(url: string) {
  const unit = db.readUnit()
  const cookieHeader = jar.header()
  let user: Promise<string | null> | undefined
  const context: AppLoadContext = {
    db,
    env: parseEnv({ NODE_ENV: 'test' }),
    auth,
    ai: null,
    ipAddress: '203.0.113.7',
    nonce: 'test-nonce',
    getUserId() {
      user ??= auth.getUserId({ cookieHeader, ipAddress: '203.0.113.7' }, () => {})
      return user
    },
    finishReads: () => unit.finish(),
  }
  const request = new Request(url, { headers: cookieHeader ? { Cookie: cookieHeader } : {} })
  return { unit, context, request }
}

/** Statements that only switch identity (the session lookup that also does it is a real query). */
const identityStatements = (statements: string[]) => statements.filter((s) => s.startsWith("select set_config('request.jwt.claims', $1"))
const realQueries = (statements: string[]) => statements.filter((s) => s !== 'begin' && s !== 'end' && !identityStatements([s]).length)

describe('a GET page is one unit of work', () => {
  for (const [name, url, loader] of [
    ['/dashboard', 'http://localhost/dashboard', dashboardLoader],
    ['/action-plans', 'http://localhost/action-plans', plansLoader],
  ] as const) {
    it(`${name}: the session, the profile and the page's data in one transaction; statements = real queries + 2`, async () => {
      const { unit, context, request } = getRequest(url)
      seen.transactions = 0
      seen.statements.length = 0
      const [root, page] = await unit.enter(() =>
        Promise.all([rootLoader({ request, context, params: {} }), loader({ request, context, params: {} })]),
      )
      await context.finishReads!()

      expect(root.user).toEqual({ id: userId, displayName: 'Uma Unit' })
      expect(page).toBeTruthy()
      expect(seen.transactions).toBe(1)
      // The session lookup becomes the user in the same statement (Database.identifyUser),
      // so no statement only switches identity: BEGIN and COMMIT are the only extra ones.
      expect(identityStatements(seen.statements)).toHaveLength(0)
      expect(seen.statements[1]).toMatch(/private\.login_sessions/)
      const real = realQueries(seen.statements)
      expect(seen.statements.length).toBe(real.length + 2)
    })
  }
})

describe('a GET page sends its statements together', () => {
  it('/dashboard: after the session lookup, every loader’s statements go out in one round trip', async () => {
    const { unit, context, request } = getRequest('http://localhost/dashboard')
    seen.sentAfter.length = 0
    await unit.enter(() =>
      Promise.all([rootLoader({ request, context, params: {} } as Parameters<typeof rootLoader>[0]), dashboardLoader({ request, context, params: {} })]),
    )
    await unit.finish()
    const trips = new Map<number, number>()
    for (const sent of seen.sentAfter) trips.set(sent.answered, (trips.get(sent.answered) ?? 0) + 1)
    // The session lookup (which becomes the user as it finds them), then the profile and the page's ten queries.
    expect([...trips.values()]).toEqual([1, 11])
  })
})

describe('the request’s origin (issue 15): address and user agent as transaction-local settings', () => {
  const origin = { ipAddress: '2001:db8::7', userAgent: 'OriginTest/1.0' }
  const settings = (tx: Tx) =>
    tx
      .query<{ ip: string | null; ua: string | null }>(
        `select nullif(current_setting('request.ip', true), '') as ip, nullif(current_setting('request.user_agent', true), '') as ua`,
      )
      .then((rows) => rows[0]!)

  it('reach every kind of transaction a request opens, and no transaction outside one', async () => {
    const inside = await withRequestOrigin(origin, async () => ({
      user: await db.asUser(userId, settings),
      service: await db.asService(settings),
      anonymous: await db.asAnonymous(settings),
    }))
    expect(inside).toEqual({ user: { ip: origin.ipAddress, ua: origin.userAgent }, service: { ip: origin.ipAddress, ua: origin.userAgent }, anonymous: { ip: origin.ipAddress, ua: origin.userAgent } })
    expect(await db.asService(settings)).toEqual({ ip: null, ua: null })
    // What is not an address is not passed on; the user agent is cut at 512 characters.
    const odd = await withRequestOrigin({ ipAddress: 'unknown', userAgent: 'x'.repeat(600) }, () => db.asUser(userId, settings))
    expect(odd).toEqual({ ip: null, ua: 'x'.repeat(512) })
  })

  it('cost a GET page no statement: the session lookup sets them with the identity', async () => {
    const { unit, context, request } = getRequest('http://localhost/dashboard')
    seen.statements.length = 0
    const read = await withRequestOrigin(origin, () =>
      unit.enter(async () => {
        await dashboardLoader({ request, context, params: {} })
        return db.asUser(userId, settings)
      }),
    )
    await unit.finish()
    expect(read).toEqual({ ip: origin.ipAddress, ua: origin.userAgent })
    expect(identityStatements(seen.statements)).toHaveLength(0)
    expect(seen.statements.length).toBe(realQueries(seen.statements).length + 2)
  })
})

describe('identities inside one unit', () => {
  const whoAmI = (tx: Tx) =>
    tx.query<{ role: string; sub: string | null }>(`select current_user::text as role, auth.uid()::text as sub`).then((rows) => rows[0]!)

  it('identifyUser becomes the user it finds for the calls that follow, and stays the service when it finds none', async () => {
    const unit = db.readUnit()
    seen.statements.length = 0
    const lookup = (id: string) => ({ text: 'select id as user_id from auth.users where id = $1', params: [id] })
    const [found, asFound, missing, afterMissing] = await unit.enter(async () => [
      await db.identifyUser(lookup(userId)),
      await db.asUser(userId, whoAmI),
      await db.identifyUser(lookup('00000000-0000-4000-8000-000000000002')),
      await db.asService(whoAmI),
    ])
    await unit.finish()
    expect(found).toBe(userId)
    expect(asFound).toEqual({ role: 'authenticated', sub: userId })
    expect(missing).toBeNull()
    expect(afterMissing.role).not.toBe('authenticated')
    // begin, lookup, whoami, (back to the service) switch, lookup, whoami, end: asUser after a
    // lookup that found its user needed no switch.
    expect(identityStatements(seen.statements)).toHaveLength(1)
    // Outside a unit it is a lookup in a transaction of its own.
    expect(await db.identifyUser(lookup(userId))).toBe(userId)
  })

  it('each call runs as its own identity, also when calls interleave', async () => {
    const unit = db.readUnit()
    const other = '00000000-0000-4000-8000-000000000001'
    const results = await unit.enter(() =>
      Promise.all([
        db.asService(whoAmI),
        db.asUser(userId, whoAmI),
        db.asAnonymous(whoAmI),
        db.asUser(other, whoAmI),
        db.asService(whoAmI),
        db.asUser(userId, async (tx) => [await whoAmI(tx), await db.asService(whoAmI), await whoAmI(tx)]),
      ]),
    )
    await unit.finish()
    const service = results[0]
    expect(service.role).not.toBe('authenticated')
    expect(service.sub).toBeNull()
    expect(results[1]).toEqual({ role: 'authenticated', sub: userId })
    expect(results[2]).toEqual({ role: 'anon', sub: null })
    expect(results[3]).toEqual({ role: 'authenticated', sub: other })
    expect(results[4]).toEqual(service)
    expect(results[5]).toEqual([{ role: 'authenticated', sub: userId }, service, { role: 'authenticated', sub: userId }])
  })

  it('a failed statement rolls the shared transaction back and the next call goes on in a new one', async () => {
    const unit = db.readUnit()
    seen.transactions = 0
    const [failure, after] = await unit.enter(async () => [
      await db.asUser(userId, (tx) => tx.query('select 1 / 0')).catch((error: unknown) => error),
      await db.asUser(userId, whoAmI),
    ])
    await unit.finish()
    expect(String(failure)).toMatch(/division by zero/)
    expect(after).toEqual({ role: 'authenticated', sub: userId })
    expect(seen.transactions).toBe(2)
  })

  it('statements sent together behind a failed one are run again in a new transaction, each with its own result', async () => {
    const unit = db.readUnit()
    seen.transactions = 0
    seen.sentAfter.length = 0
    const [failure, ...after] = await unit.enter(() =>
      Promise.all([
        db.asUser(userId, (tx) => tx.query('select 1 / 0')).catch((error: unknown) => error),
        db.asUser(userId, whoAmI),
        db.asAnonymous(whoAmI),
        db.asService(async (tx) => (await tx.query<{ n: number }>('select 2 as n'))[0]?.n),
      ]),
    )
    await unit.finish()
    expect(String(failure)).toMatch(/division by zero/)
    expect(after).toEqual([{ role: 'authenticated', sub: userId }, { role: 'anon', sub: null }, 2])
    // All were sent before the failure was known; the three behind it went again, together.
    expect(seen.transactions).toBe(2)
    expect(seen.sentAfter.filter((sent) => sent.answered === 0 && !identityStatements([sent.text]).length)).toHaveLength(4 + 3)
  })

  it('calls after finish get their own transactions, and a write in a unit is committed by finish', async () => {
    const unit = db.readUnit()
    const planId = await unit.enter(() => createActionPlan(db, { userId, requestKey: randomUUID(), input: { title: 'Written inside a unit' } }))
    await unit.finish()
    const late = await unit.enter(() => db.asUser(userId, (tx) => tx.query<{ title: string }>('select title from public.action_plans where id = $1', [planId])))
    expect(late).toEqual([{ title: 'Written inside a unit' }])
  })
})

describe('a chat turn before the model', () => {
  it('reads the stage, stores the client message and claims its reply in one transaction', async () => {
    const started = await startSession(db, { userId, sessionType: 'self_coaching' })
    if (!started.started) throw new Error('expected a new session')
    const messageId = randomUUID()
    seen.transactions = 0
    seen.statements.length = 0
    seen.sentAfter.length = 0
    const events = runTurn({ db, ai: null }, { userId, sessionId: started.sessionId, stage: 1, input: { kind: 'message', messageId, text: 'I am here.' } })
    const first = await events.next()
    expect(first.value).toMatchObject({ type: 'saved', message: { id: messageId } })
    // Everything up to the reply: one transaction, its statements in order.
    expect(seen.transactions).toBe(1)
    const inOrder = seen.statements.filter((s) => /stage_responses|reply_claims/.test(s) && /^\s*(update|insert)/.test(s))
    expect(inOrder.map((s) => (s.includes('reply_claims') ? 'claim' : 'store'))).toEqual(['store', 'claim'])
    expect(seen.statements.at(-1)).toBe('end')
    // In two round trips (decision 033): the identity with the reads (the session and the
    // client's settings), then the message with its claim.
    const what = (text: string) =>
      identityStatements([text]).length ? 'identity'
      : /^\s*select timezone/.test(text) ? 'settings'
      : /^\s*select s\.id/.test(text) ? 'session'
      : /^\s*update public\.stage_responses/.test(text) ? 'message'
      : /^\s*insert into public\.reply_claims/.test(text) ? 'claim'
      : text
    const trips: string[][] = []
    for (const sent of seen.sentAfter) (trips[sent.answered] ??= []).push(what(sent.text))
    expect(trips.filter(Boolean)).toEqual([
      ['identity', 'session', 'settings'],
      ['message', 'claim'],
    ])
    const [claim] = await db.asService((tx) => tx.query('select 1 from public.reply_claims where session_id = $1 and message_id = $2', [started.sessionId, messageId]))
    expect(claim).toBeTruthy()

    // The guided reply, stored in a transaction of its own.
    seen.transactions = 0
    const rest: string[] = []
    for await (const event of events) rest.push(event.type)
    expect(rest).toEqual(['delta', 'done'])
    expect(seen.transactions).toBe(1)
  })
})
