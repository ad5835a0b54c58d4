/**
 * One benchmark that prints the ratios issue 10 sets targets for, in one run, on the
 * embedded database (PGlite) and on a PostgreSQL server:
 *
 *   npx tsx bench/ratios.ts [--targets pglite,postgres] [--total-plans 100000] [--seconds 5]
 *                           [--rounds 3] [--concurrency 20] [--requests 200] [--query-runs 200]
 *                           [--http-compression on|off]
 *                           [--admin-url postgres://postgres@127.0.0.1:5432/postgres] [--rebuild]
 *
 * Per target:
 *   1. a fresh database (openMigratedDatabase, app not running) bulk-loaded as the service
 *      (bench/support/plans-data.ts): --total-plans plans among 1,000 users, of which three
 *      measured users own 100, 1,000 and 10,000;
 *   2. RLS overhead: the exact SQL of /dashboard (its loader and the root's profile) and of
 *      the /action-plans list (captured from one real call each), run --query-runs times as the user (role
 *      authenticated + claims) and as the table owner (the service), interleaved; ratio of p50s;
 *   3. the production server on that database; throughput with --concurrency workers of
 *      one load generator (node:http, keep-alive) for --seconds per URL, interleaved over
 *      --rounds rounds (median req/s): the landing page (no database), /dashboard and
 *      /action-plans of the 1k-plan user; ratios to the landing page;
 *   4. /action-plans one request at a time (--requests) for the 100, 1k and 10k users:
 *      p50 and the 10k / 100 ratio;
 *   5. statements per page (in this process, counted at the driver while the root loader
 *      and the route's loader run in one read unit, as the server runs them) against the
 *      real queries among them; on Postgres also transactions per page from
 *      pg_stat_database of the scratch database, over HTTP;
 *   6. a chat turn's time before the model call (in this process: runTurn from its start to
 *      the model being called, with a model that answers at once), --chat-turns sequential
 *      turns: p50 and p95;
 *   7. the server's RSS when idle (after sign-in) and after all the load, topped up with
 *      /dashboard requests to at least --rss-requests requests.
 *
 * bench/chat.ts measures the chat turn over HTTP, with a fake OpenAI server.
 * Writes bench/results/ratios.json. Any non-200 makes the run invalid (exit status 1).
 * Load generator and server share the machine: the ratios, not the absolute figures, count.
 */
import fs from 'node:fs'
import http from 'node:http'
import { parseArgs } from 'node:util'
import postgres from 'postgres'
import { hashPassword } from '../lib/auth/built-in-auth'
import type { Database } from '../lib/db/database'
import { chatPreModel, dashboardSql, planListSql, statementsPerPage, type StatementCount } from './support/page-work'
import { createDatabase } from '../lib/db/database'
import { migrateOrExplain, openDriver } from '../lib/db/open'
import { parseTargets, positiveNumber, targetOptions, wholeNumber, type Target } from './support/args'
import { loadPlansData, type CapturedQuery } from './support/plans-data'
import { describeMachine, formatTable, lastLines, log, logBuild, machineInfo, writeResults } from './support/report'
import { Cleanup, prepareTarget, signIn, startServer, waitForBuild, type RunningServer } from './support/server'
import { round, summarize } from './support/stats'

const { values: args } = parseArgs({
  options: {
    'total-plans': { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '20' },
    requests: { type: 'string', default: '200' },
    'query-runs': { type: 'string', default: '200' },
    'http-compression': { type: 'string', default: 'on' },
    'chat-turns': { type: 'string', default: '200' },
    'rss-requests': { type: 'string', default: '10000' },
    ...targetOptions('pglite,postgres'),
  },
})

const settings = {
  totalPlans: wholeNumber('total-plans', args['total-plans'], { min: 20_000 }),
  seconds: positiveNumber('seconds', args.seconds),
  rounds: wholeNumber('rounds', args.rounds, { min: 1 }),
  concurrency: wholeNumber('concurrency', args.concurrency, { min: 1 }),
  requests: wholeNumber('requests', args.requests, { min: 10 }),
  queryRuns: wholeNumber('query-runs', args['query-runs'], { min: 10 }),
  targets: parseTargets(args.targets),
  chatTurns: wholeNumber('chat-turns', args['chat-turns'], { min: 10 }),
  rssRequests: wholeNumber('rss-requests', args['rss-requests'], { min: 0 }),
  /** The app's HTTP_COMPRESSION: run once with on and once with off to compare. */
  httpCompression: args['http-compression'] === 'off' ? 'off' : 'on',
}
const measuredSizes = [100, 1_000, 10_000] as const

// ---------------------------------------------------------------------------------------
// HTTP with one keep-alive agent: a light load generator

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 })

function get(baseUrl: string, path: string, cookie?: string): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const request = http.get(new URL(path, baseUrl), { agent, headers: cookie ? { cookie, 'accept-encoding': 'gzip' } : { 'accept-encoding': 'gzip' } }, (response) => {
      let bytes = 0
      response.on('data', (chunk: Buffer) => (bytes += chunk.length))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes }))
      response.on('error', reject)
    })
    request.on('error', reject)
  })
}

let requestsSent = 0
let badResponses = 0
let firstBad = ''

async function throughput(baseUrl: string, path: string, cookie: string | undefined): Promise<number> {
  const deadline = performance.now() + settings.seconds * 1000
  let done = 0
  const worker = async () => {
    while (performance.now() < deadline) {
      const { status } = await get(baseUrl, path, cookie).catch((error: unknown) => ({ status: 0, bytes: String(error).length }))
      requestsSent++
      if (status !== 200) {
        badResponses++
        firstBad ||= `${path}: ${status}`
      }
      done++
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: settings.concurrency }, worker))
  return done / ((performance.now() - started) / 1000)
}

async function sequentialP50(baseUrl: string, path: string, cookie: string): Promise<number> {
  for (let i = 0; i < 20; i++) await get(baseUrl, path, cookie)
  const samples: number[] = []
  for (let i = 0; i < settings.requests; i++) {
    const started = performance.now()
    const { status } = await get(baseUrl, path, cookie)
    samples.push(performance.now() - started)
    requestsSent++
    if (status !== 200) {
      badResponses++
      firstBad ||= `${path}: ${status}`
    }
  }
  return summarize(samples).p50
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024)
}

// ---------------------------------------------------------------------------------------
// RLS overhead: the pages' exact SQL as the user and as the owner

async function rlsOverhead(db: Database, userId: string, statements: CapturedQuery[]) {
  const run = (as: 'user' | 'owner') => {
    const work = async (tx: { query: (text: string, params?: readonly unknown[]) => Promise<unknown[]> }) => {
      for (const statement of statements) await tx.query(statement.text, statement.params)
    }
    return as === 'user' ? db.asUser(userId, work) : db.asService(work)
  }
  for (let i = 0; i < 20; i++) {
    await run('user')
    await run('owner')
  }
  const user: number[] = []
  const owner: number[] = []
  for (let i = 0; i < settings.queryRuns; i++) {
    for (const [as, samples] of [['user', user], ['owner', owner]] as const) {
      const started = performance.now()
      await run(as)
      samples.push(performance.now() - started)
    }
  }
  const userP50 = summarize(user).p50
  const ownerP50 = summarize(owner).p50
  return { statements: statements.length, userP50, ownerP50, ratio: round(userP50 / ownerP50) }
}

// ---------------------------------------------------------------------------------------

interface TargetResult {
  target: Target
  ok: boolean
  failure?: string
  rls?: { dashboard: Awaited<ReturnType<typeof rlsOverhead>>; plans: Awaited<ReturnType<typeof rlsOverhead>> }
  reqPerSecond?: { landing: number; dashboard: number; plans: number }
  plansP50?: Record<string, number>
  transactionsPerPage?: { dashboard: number; plans: number }
  statementsPerPage?: Record<'dashboard' | 'plans', StatementCount>
  chatBeforeModel?: { p50: number; p95: number; n: number }
  rss?: { idle: number; after: number; requests: number }
  serverLogTail?: string
}

async function transactionCount(adminUrl: string, databaseName: string): Promise<number> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    // Backends report their counts about once a second when idle.
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    const [row] = await admin<{ n: number }[]>`select (xact_commit + xact_rollback)::int as n from pg_stat_database where datname = ${databaseName}`
    return row!.n
  } finally {
    await admin.end()
  }
}

async function benchTarget(target: Target): Promise<TargetResult> {
  const cleanup = new Cleanup()
  const result: TargetResult = { target, ok: false }
  requestsSent = 0
  badResponses = 0
  firstBad = ''
  let server: RunningServer | undefined
  try {
    console.log(`\n━━ ${target} ━━`)
    const { dataDir, databaseUrl, databaseName } = await prepareTarget(cleanup, target, {
      tempPrefix: `stagecoach-bench-ratios-${target}-`,
      adminUrl: args['admin-url'],
    })
    const settingsForDb = { DATABASE_URL: databaseUrl, dataDirectory: dataDir }
    const driver = await openDriver(settingsForDb)
    await migrateOrExplain(driver, settingsForDb)
    const db = createDatabase(driver)
    let closed = false
    const closeDb = async () => {
      if (!closed) await db.close()
      closed = true
    }
    cleanup.add('closing the database', closeDb)
    const password = 'Bench-ratios-Passw0rd'
    await loadPlansData(
      db,
      {
        totalPlans: settings.totalPlans,
        measuredPlans: measuredSizes[0],
        alsoMeasuredPlans: [measuredSizes[1], measuredSizes[2]],
        otherUsers: 999,
        coaches: 10,
        measured: { email: 'bench-measured-0@example.com', passwordHash: await hashPassword(password), displayName: 'Measured 0' },
      },
      (line) => log(`  ${line}`),
    )
    const ids = await db.asService((tx) =>
      tx.query<{ id: string; email: string }>(`select id::text, email from auth.users where email like 'bench-measured-%' order by email`),
    )
    const thousandUser = ids[1]!.id
    log('RLS overhead…')
    result.rls = {
      dashboard: await rlsOverhead(db, thousandUser, await dashboardSql(db, thousandUser)),
      plans: await rlsOverhead(db, thousandUser, await planListSql(db, thousandUser)),
    }
    log('statements per page…')
    result.statementsPerPage = await statementsPerPage(driver, { email: ids[1]!.email, password })
    log(`chat turns before the model, ${settings.chatTurns} one after another…`)
    const chatUsers = await db.asService((tx) =>
      tx.query<{ id: string }>(`select id::text from auth.users where email not like 'bench-measured-%' order by email limit 20`),
    )
    const chat = await chatPreModel(db, chatUsers.map((u) => u.id), { turns: settings.chatTurns, warmup: 20 })
    result.chatBeforeModel = { p50: chat.p50, p95: chat.p95, n: chat.n }
    await closeDb()

    await waitForBuild()
    server = await startServer({ dataDir, databaseUrl, env: { HTTP_COMPRESSION: settings.httpCompression } })
    cleanup.add('stopping the server', () => server!.stop())
    const cookies = await Promise.all(ids.map((user) => signIn(server!.baseUrl, user.email, password)))
    const cookie1k = cookies[1]!
    for (const path of ['/', '/dashboard', '/action-plans']) {
      const { status } = await get(server.baseUrl, path, path === '/' ? undefined : cookie1k)
      if (status !== 200) throw new Error(`GET ${path} answered ${status}`)
    }
    const rssIdle = rssMb(server.pid)

    if (target === 'postgres' && databaseName) {
      const count = async (path: string) => {
        const before = await transactionCount(args['admin-url'], databaseName)
        for (let i = 0; i < 20; i++) await get(server!.baseUrl, path, cookie1k)
        return round((await transactionCount(args['admin-url'], databaseName) - before) / 20, 1)
      }
      result.transactionsPerPage = { dashboard: await count('/dashboard'), plans: await count('/action-plans') }
    }

    log(`throughput, ${settings.rounds} rounds of ${settings.seconds} s per URL…`)
    const rates = { landing: [] as number[], dashboard: [] as number[], plans: [] as number[] }
    for (let r = 0; r < settings.rounds; r++) {
      rates.landing.push(await throughput(server.baseUrl, '/', undefined))
      rates.dashboard.push(await throughput(server.baseUrl, '/dashboard', cookie1k))
      rates.plans.push(await throughput(server.baseUrl, '/action-plans', cookie1k))
    }
    result.reqPerSecond = { landing: round(median(rates.landing), 1), dashboard: round(median(rates.dashboard), 1), plans: round(median(rates.plans), 1) }

    log('/action-plans one at a time…')
    result.plansP50 = {}
    for (const [i, size] of measuredSizes.entries()) {
      result.plansP50[String(size)] = await sequentialP50(server.baseUrl, '/action-plans', cookies[i]!)
    }
    if (requestsSent < settings.rssRequests) {
      log(`/dashboard until ${settings.rssRequests} requests in all, for the RSS…`)
      const rest = async () => {
        while (requestsSent < settings.rssRequests) {
          const { status } = await get(server!.baseUrl, '/dashboard', cookie1k)
          requestsSent++
          if (status !== 200) {
            badResponses++
            firstBad ||= `/dashboard: ${status}`
          }
        }
      }
      await Promise.all(Array.from({ length: settings.concurrency }, rest))
    }
    result.rss = { idle: rssIdle, after: rssMb(server.pid), requests: requestsSent }
    result.ok = badResponses === 0
    if (!result.ok) result.failure = `${badResponses} bad responses, first ${firstBad}`
    result.serverLogTail = result.ok ? undefined : lastLines(server.output())
  } catch (error) {
    result.failure = error instanceof Error ? (error.stack ?? error.message) : String(error)
    result.serverLogTail = server && lastLines(server.output())
  } finally {
    await cleanup.run()
  }
  return result
}

function printReport(results: TargetResult[]) {
  const rows: string[][] = []
  const add = (measure: string, target: string) => (ratio: number | undefined, figures: string, goal: string) =>
    rows.push([measure, target, figures, ratio === undefined ? '—' : ratio.toFixed(2), goal])
  for (const r of results) {
    if (r.reqPerSecond) {
      const { landing, dashboard, plans } = r.reqPerSecond
      add('/dashboard req/s ÷ landing', r.target)(dashboard / landing, `${dashboard} / ${landing}`, '≥ 0.75')
      add('/action-plans (1k) req/s ÷ landing', r.target)(plans / landing, `${plans} / ${landing}`, '≥ 0.75')
    }
    if (r.rls) {
      add('dashboard SQL, user ÷ owner p50', r.target)(r.rls.dashboard.ratio, `${r.rls.dashboard.userP50} / ${r.rls.dashboard.ownerP50} ms (${r.rls.dashboard.statements} stmts)`, '≤ 1.2')
      add('plans list SQL (1k), user ÷ owner p50', r.target)(r.rls.plans.ratio, `${r.rls.plans.userP50} / ${r.rls.plans.ownerP50} ms (${r.rls.plans.statements} stmts)`, '≤ 1.2')
    }
    if (r.plansP50) {
      const p = r.plansP50
      add('/action-plans p50 10k ÷ 100', r.target)(p['10000']! / p['100']!, `${p['100']} → ${p['1000']} → ${p['10000']} ms`, '≤ 1.3')
    }
    if (r.rss) add('server RSS after ÷ idle', r.target)(r.rss.after / r.rss.idle, `${r.rss.idle} → ${r.rss.after} MB after ${r.rss.requests} requests`, '≤ 1.3')
    if (r.statementsPerPage) {
      for (const [page, c] of Object.entries(r.statementsPerPage)) {
        add(`statements per page, /${page === 'plans' ? 'action-plans' : page}`, r.target)(
          undefined,
          `${c.statements} statements for ${c.realQueries} real queries, ${c.transactions} transaction${c.transactions === 1 ? '' : 's'}`,
          '≤ real + 2',
        )
      }
    }
    if (r.chatBeforeModel) {
      add('chat turn before the model', r.target)(undefined, `p50 ${r.chatBeforeModel.p50} ms, p95 ${r.chatBeforeModel.p95} ms (${r.chatBeforeModel.n} turns)`, 'p95 ≤ 5 ms (Postgres)')
    }
    if (r.transactionsPerPage) {
      add('transactions per page', r.target)(undefined, `dashboard ${r.transactionsPerPage.dashboard}, action-plans ${r.transactionsPerPage.plans}`, '1')
    }
  }
  console.log(formatTable(['measure', 'target', 'figures', 'ratio', 'goal'], rows, 3))
  for (const r of results) {
    if (r.failure) console.log(`\n${r.target}: FAILED: ${r.failure}`)
    if (r.serverLogTail) console.log(`${r.target}: the server's last lines:\n${r.serverLogTail}`)
  }
}

async function main() {
  const machine = machineInfo()
  console.log(
    `Ratios benchmark (issue 10): ${settings.totalPlans.toLocaleString('en')} plans, measured users with ${measuredSizes.join(', ')}; ` +
      `HTTP_COMPRESSION=${settings.httpCompression}`,
  )
  console.log(`  ${describeMachine(machine)}; load generator and server share the machine`)
  await logBuild({ force: args.rebuild })
  const results: TargetResult[] = []
  for (const target of settings.targets) results.push(await benchTarget(target))
  console.log('')
  printReport(results)
  const valid = results.every((r) => r.ok)
  const file = writeResults('ratios', { description: 'Issue 10 ratios: throughput vs the landing page, RLS overhead, plans p50 vs history, RSS', valid, machine, settings, results })
  console.log(`\n${valid ? 'Valid run' : 'INVALID run'}; figures written to ${file}`)
  agent.destroy()
  process.exitCode = valid ? 0 : 1
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
