/**
 * Helpers for bench/ratios.ts that run app code in this process, on the bench's database:
 *
 * - statementsPerPage: the statements one GET of a page sends, counted at the driver, the
 *   way the server runs it (a read unit around the root loader and the route's loader,
 *   with the built-in sign-in), against the real queries among them;
 * - chatPreModel: a chat turn's time from its start to the moment the model is called
 *   (reading the stage, storing the message, claiming the reply, building the prompt),
 *   with a model that answers at once, so only the app's own work is timed.
 */
import { randomUUID } from 'node:crypto'
import type { AppLoadContext } from '@remix-run/node'
import { MockLanguageModelV3 } from 'ai/test'
import { loader as plansLoader } from '../../app/routes/action-plans._index'
import { loader as dashboardLoader } from '../../app/routes/dashboard'
import type { ChatModel } from '../../lib/ai/model'
import { createBuiltInAuth } from '../../lib/auth/built-in-auth'
import { runTurn } from '../../lib/coaching/conversation'
import { cancelSession, startSession } from '../../lib/coaching/sessions'
import { createDatabase, type Database, type Driver, type Tx } from '../../lib/db/database'
import { parseEnv } from '../../lib/env'
import { listActionPlans, parsePlanListQuery } from '../../lib/plans/action-plans'
import { getProfile } from '../../lib/profiles'
import { capturingDatabase, type CapturedQuery } from './plans-data'
import { summarize, type Summary } from './stats'

/** The driver with every statement of every transaction recorded, BEGIN and COMMIT as `begin`/`end`. */
function countingDriver(driver: Driver) {
  const statements: string[] = []
  const counted: Driver = {
    target: driver.target,
    exclusively: (name, work) => driver.exclusively(name, work),
    close: () => driver.close(),
    async transaction(work) {
      statements.push('begin')
      const wrap = (tx: Tx): Tx => ({
        query: (text, params) => (statements.push(text), tx.query(text, params)),
        exec: (script) => (statements.push(script), tx.exec(script)),
      })
      try {
        return await driver.transaction((tx) => work(wrap(tx)))
      } finally {
        statements.push('end')
      }
    },
  }
  return { driver: counted, statements }
}

export interface StatementCount {
  statements: number
  realQueries: number
  transactions: number
}

/**
 * Statements of one GET of /dashboard and /action-plans for a user signed in here with
 * the built-in sign-in. The root loader is mirrored (who is signed in, then their profile), as
 * app/root.tsx imports assets this process cannot load.
 */
export async function statementsPerPage(
  driver: Driver,
  account: { email: string; password: string },
): Promise<Record<'dashboard' | 'plans', StatementCount>> {
  const counting = countingDriver(driver)
  const db = createDatabase(counting.driver)
  const auth = createBuiltInAuth(db, { secret: 'bench-statements-per-page-secret-0123456789', secure: false })
  const env = parseEnv({ NODE_ENV: 'production' })
  const signedIn = await auth.signIn(account, { cookieHeader: null, ipAddress: '127.0.0.1' })
  const cookie = signedIn.setCookies.map((c) => c.split(';')[0]).join('; ')
  const count = async (url: string, loader: typeof dashboardLoader | typeof plansLoader): Promise<StatementCount> => {
    const unit = db.readUnit()
    let user: Promise<string | null> | undefined
    const context: AppLoadContext = {
      db,
      env,
      auth,
      ai: null,
      ipAddress: '127.0.0.1',
      nonce: 'bench',
      getUserId: () => (user ??= auth.getUserId({ cookieHeader: cookie, ipAddress: '127.0.0.1' }, () => {})),
      finishReads: () => unit.finish(),
    }
    const request = new Request(url, { headers: { Cookie: cookie } })
    const root = async () => {
      const userId = await context.getUserId()
      return userId ? getProfile(db, { userId }) : null
    }
    counting.statements.length = 0
    await unit.enter(() => Promise.all([root(), loader({ request, context, params: {} })]))
    await unit.finish()
    const all = [...counting.statements]
    const switches = all.filter((s) => s.startsWith("select set_config('request.jwt.claims', $1")).length
    const transactions = all.filter((s) => s === 'begin').length
    return { statements: all.length, realQueries: all.length - 2 * transactions - switches, transactions }
  }
  return {
    dashboard: await count('http://localhost/dashboard', dashboardLoader),
    plans: await count('http://localhost/action-plans', plansLoader),
  }
}

/**
 * The SQL a GET of /dashboard runs for `userId`, captured from a real call: the root
 * loader's profile and the route's loader, each data function as it runs on the page.
 */
export async function dashboardSql(db: Database, userId: string): Promise<CapturedQuery[]> {
  const capture = capturingDatabase(db)
  const context: AppLoadContext = {
    db: capture.db,
    env: parseEnv({ NODE_ENV: 'production' }),
    auth: createBuiltInAuth(db, { secret: 'bench-dashboard-sql-secret-0123456789abcdef', secure: false }),
    ai: null,
    ipAddress: '127.0.0.1',
    nonce: 'bench',
    getUserId: async () => userId,
  }
  await getProfile(capture.db, { userId })
  await dashboardLoader({ request: new Request('http://localhost/dashboard'), context, params: {} })
  return capture.captured
}

/** The SQL of the /action-plans list for `userId` (the first page, default order), captured from a real call. */
export async function planListSql(db: Database, userId: string): Promise<CapturedQuery[]> {
  const capture = capturingDatabase(db)
  await listActionPlans(capture.db, { userId, scope: 'mine', query: parsePlanListQuery(new URLSearchParams()) })
  return capture.captured
}

/** A model that notes when it is called and answers at once with a short reply. */
function instantModel(onCall: () => void): ChatModel {
  const model = new MockLanguageModelV3({
    doStream: async () => {
      onCall()
      const text = 'What would make this week feel like progress to you, in one small step?'
      return {
        stream: new ReadableStream({
          start(controller) {
            controller.enqueue({ type: 'stream-start', warnings: [] })
            controller.enqueue({ type: 'text-start', id: 't' })
            controller.enqueue({ type: 'text-delta', id: 't', delta: text })
            controller.enqueue({ type: 'text-end', id: 't' })
            controller.enqueue({
              type: 'finish',
              finishReason: { unified: 'stop', raw: undefined },
              usage: {
                inputTokens: { total: 100, noCache: 100, cacheRead: undefined, cacheWrite: undefined },
                outputTokens: { total: 20, text: 20, reasoning: undefined },
              },
            })
            controller.close()
          },
        }),
      }
    },
  })
  return { model, id: 'bench:instant', timeoutMs: 30_000, maxRetries: 0 }
}

/**
 * Sequential chat turns in stage 1 of self-coaching sessions (a new session every
 * `turnsPerSession`, spread over `userIds`), timing each from runTurn's start to the
 * model call. Returns p50/p95 of `turns` turns after `warmup`.
 */
export async function chatPreModel(db: Database, userIds: string[], { turns, warmup, turnsPerSession = 20 }: { turns: number; warmup: number; turnsPerSession?: number }): Promise<Summary> {
  let calledAt = 0
  const ai = instantModel(() => (calledAt = performance.now()))
  const samples: number[] = []
  let session: { userId: string; sessionId: string } | null = null
  for (let i = 0; i < warmup + turns; i++) {
    if (!session || i % turnsPerSession === 0) {
      if (session) await cancelSession(db, session)
      const userId = userIds[Math.floor(i / turnsPerSession) % userIds.length]!
      const started = await startSession(db, { userId, sessionType: 'self_coaching' })
      if (!started.started) throw new Error(`user ${userId} already has a session running`)
      session = { userId, sessionId: started.sessionId }
    }
    calledAt = 0
    const startedAt = performance.now()
    let done = false
    for await (const event of runTurn({ db, ai }, { ...session, stage: 1, input: { kind: 'message', messageId: randomUUID(), text: `Turn ${i}: this week I want to get back to running twice.` } })) {
      if (event.type === 'error') throw new Error(`chat turn ${i} failed: ${event.message}`)
      if (event.type === 'done') done = true
    }
    if (!done || calledAt === 0) throw new Error(`chat turn ${i} never reached the model`)
    if (i >= warmup) samples.push(calledAt - startedAt)
  }
  if (session) await cancelSession(db, session)
  return summarize(samples)
}
