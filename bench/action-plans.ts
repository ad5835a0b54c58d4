/**
 * Benchmark: the signed-in user's /action-plans page over a large table, on the embedded
 * database (PGlite) and on a PostgreSQL server.
 *
 *   npx tsx bench/action-plans.ts [--requests 200] [--warmup 20] [--query-runs 200]
 *                                 [--plans 100000] [--measured-plans 1000] [--other-users 999]
 *                                 [--targets pglite,postgres] [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
 *                                 [--rebuild]
 *
 * For each target it:
 *   1. opens a fresh database with the app's own openMigratedDatabase (a temp DATA_DIR; for
 *      `postgres` also a scratch database `stagecoach_bench_*` on the server, dropped at the
 *      end) with the app NOT running, and bulk-loads, as the service, in set-based SQL
 *      (bench/support/plans-data.ts): 1,000 + 10 coach users through auth.users (the
 *      profile trigger makes their profiles), 10 programs with every third user a client,
 *      ~20,000 finished sessions (for clients one in eight coach-led and released, one in
 *      eight shared with their coach), --plans action plans of which --measured-plans
 *      belong to the measured user (60% linked to one of the owner's sessions; statuses,
 *      priorities 1-5, due dates from six months ago to six months ahead, 10% none;
 *      titles, descriptions and themes from a small vocabulary), 2 milestones for 20% of
 *      plans; then `analyze`. The measured user gets a real argon2id password hash;
 *   2. per case (first page, two filters, a search), runs listActionPlans once through a
 *      proxy that captures the exact SQL and parameters, checks its total against an
 *      independent count, prints EXPLAIN (ANALYZE, BUFFERS) of each statement as the user
 *      (inside asUser: role authenticated + JWT claims, so row-level security applies)
 *      and whether it reaches action_plans through an index or a sequential scan, then
 *      times listActionPlans in this process (--warmup, then --query-runs calls);
 *   3. closes the database, starts the real production server on it, signs the user in
 *      (POST /login), and per case GETs /action-plans?… --warmup times, then --requests
 *      times one after another, timing each (status, headers and whole body); each must be
 *      200 and show the expected "N plans" count;
 *   4. stops the server and removes the temp folder and the scratch database (also on
 *      failure or Ctrl-C).
 *
 * Prints the plans, a table, and writes bench/results/action-plans.json. A failed check or
 * request makes the run invalid (exit status 1). A sequential scan over action_plans is
 * reported loudly but does not invalidate the run: it is a finding.
 *
 * The load generator and the server share this machine's CPUs; compare figures between
 * targets and commits on the same machine.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { hashPassword } from '../lib/auth/built-in-auth'
import type { Database } from '../lib/db/database'
import { openMigratedDatabase } from '../lib/db/open'
import { listActionPlans, parsePlanListQuery } from '../lib/plans/action-plans'
import {
  actionPlansIndexNames,
  capturingDatabase,
  describeAccess,
  explainAsUser,
  loadPlansData,
  type ExplainedQuery,
  type LoadedData,
} from './support/plans-data'
import { parseTargets, targetOptions, wholeNumber, type Target } from './support/args'
import { describeMachine, formatTable, lastLines, loadAverage, log, logBuild, machineInfo, writeResults } from './support/report'
import { Cleanup, getPage, prepareTarget, signIn, startServer, timePage, waitForBuild, type RunningServer } from './support/server'
import { summarize, type Summary } from './support/stats'

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    'query-runs': { type: 'string', default: '200' },
    plans: { type: 'string', default: '100000' },
    'measured-plans': { type: 'string', default: '1000' },
    'other-users': { type: 'string', default: '999' },
    ...targetOptions('pglite,postgres'),
  },
})

const positiveInteger = (name: string, text: string) => wholeNumber(name, text, { min: 1 })

const settings = {
  requests: positiveInteger('requests', args.requests),
  warmup: positiveInteger('warmup', args.warmup),
  queryRuns: positiveInteger('query-runs', args['query-runs']),
  totalPlans: positiveInteger('plans', args.plans),
  measuredPlans: positiveInteger('measured-plans', args['measured-plans']),
  otherUsers: positiveInteger('other-users', args['other-users']),
  coaches: 10,
  targets: parseTargets(args.targets),
}
if (settings.measuredPlans >= settings.totalPlans) throw new Error('--measured-plans must be less than --plans')

// ---------------------------------------------------------------------------------------
// The cases: what the page's search form and column headers put in the URL

interface Case {
  key: string
  label: string
  /** The URL's query string (without ?). */
  search: string
  /** An independent count of the plans the case should show, written without listActionPlans' SQL. */
  expectedWhere: string
}

const cases: Case[] = [
  { key: 'first', label: 'first page (sort by due)', search: '', expectedWhere: 'true' },
  {
    key: 'filter',
    label: 'filter status=in_progress&priority=2',
    search: 'status=in_progress&priority=2',
    expectedWhere: `status = 'in_progress' and priority = 2`,
  },
  {
    key: 'overdue',
    label: 'filter due=overdue',
    search: 'due=overdue',
    // The users' profiles are all in UTC.
    expectedWhere: `timeline_end < (now() at time zone 'UTC')::date and status <> 'completed'`,
  },
  {
    key: 'search',
    label: 'search q=running shoes',
    search: 'q=running+shoes',
    // Every word is matched as a prefix, in the title, description or theme.
    expectedWhere: `(title || ' ' || description || ' ' || theme) ~* '\\mrunning' and (title || ' ' || description || ' ' || theme) ~* '\\mshoes'`,
  },
]

// ---------------------------------------------------------------------------------------
// Per target

interface CaseResult {
  key: string
  label: string
  url: string
  expectedTotal: number
  rowsOnPage: number
  /** (b) listActionPlans in this process. */
  queryMs?: Summary
  /** EXPLAIN of the statement listActionPlans ran (the page's rows). */
  plans: (ExplainedQuery & { statement: 'rows' })[]
  /** (a) GET /action-plans?… signed in. */
  httpMs?: Summary
  httpBytes?: number
  httpErrors?: number
  httpErrorSample?: string
}

interface TargetResult {
  target: Target
  ok: boolean
  /** The machine's 1-minute load average when the target started and when it finished. */
  loadAverage?: { start: number; end: number }
  failure?: string
  load?: LoadedData
  cases: CaseResult[]
  serverLogTail?: string
}

const plansText = (total: number) => `${total} plan${total === 1 ? '' : 's'}`
/** React puts <!-- --> between adjacent text pieces ("1000<!-- --> plan<!-- -->s"). */
const visibleText = (html: string) => html.replaceAll('<!-- -->', '')

async function prepareAndMeasureQueries(
  target: Target,
  db: Database,
  userId: string,
  results: CaseResult[],
): Promise<void> {
  const indexes = await actionPlansIndexNames(db)
  for (const c of cases) {
    const [{ total: expectedTotal }] = (await db.asService((tx) =>
      tx.query<{ total: number }>(`select count(*)::int as total from public.action_plans where user_id = $1 and (${c.expectedWhere})`, [userId]),
    )) as [{ total: number }]
    if (expectedTotal === 0) throw new Error(`${c.label}: the data has no plan for this case; the benchmark needs hits`)
    const query = parsePlanListQuery(new URLSearchParams(c.search))

    // The exact SQL, captured from one real call.
    const capture = capturingDatabase(db)
    const page = await listActionPlans(capture.db, { userId, scope: 'mine', query })
    if ((page.next !== null) !== expectedTotal > 25) {
      throw new Error(`${c.label}: listActionPlans says there is ${page.next ? 'a' : 'no'} next page, an independent count finds ${expectedTotal}`)
    }
    const expectedRows = Math.min(expectedTotal, 25)
    if (page.rows.length !== expectedRows) throw new Error(`${c.label}: listActionPlans returned ${page.rows.length} rows, expected ${expectedRows}`)
    if (capture.captured.length !== 1) throw new Error(`${c.label}: expected listActionPlans to run 1 statement, it ran ${capture.captured.length}`)

    const result: CaseResult = {
      key: c.key,
      label: c.label,
      url: `/action-plans${c.search ? `?${c.search}` : ''}`,
      expectedTotal,
      rowsOnPage: page.rows.length,
      plans: [],
    }
    results.push(result)
    // One statement: the page's rows (the count went with decision 016).
    for (const [index, statement] of (['rows'] as const).entries()) {
      const explained = await explainAsUser(db, userId, capture.captured[index]!, indexes)
      result.plans.push({ statement, ...explained })
      console.log(`\n  ── ${target} · ${c.label} · ${statement} statement ─────────────`)
      console.log(indent(explained.text.replace(/\n\s*\n/g, '\n').trim(), '    │ '))
      console.log(`    params: ${JSON.stringify(explained.params)}`)
      console.log(indent(explained.plan, '    '))
      console.log(`    ⇒ action_plans access: ${describeAccess(explained.summary)}`)
      if (query.q && !explained.summary.actionPlansScans.some((scan) => scan.index === 'action_plans_search_idx')) {
        console.log('    note: the GIN index action_plans_search_idx is not used; `search @@` is checked row by row on the plans read')
      }
      if (explained.summary.seqScan) {
        console.log(`    !!! SEQUENTIAL SCAN over action_plans: ${explained.summary.seqScanRows?.toLocaleString('en')} rows read for ${expectedTotal} matching plans`)
      }
    }

    // (b) The query alone, in this process.
    for (let i = 0; i < settings.warmup; i++) await listActionPlans(db, { userId, scope: 'mine', query })
    const samples: number[] = []
    for (let i = 0; i < settings.queryRuns; i++) {
      const started = performance.now()
      await listActionPlans(db, { userId, scope: 'mine', query })
      samples.push(performance.now() - started)
    }
    result.queryMs = summarize(samples)
    log(`${target} · ${c.label}: listActionPlans in-process p50 ${result.queryMs.p50} ms, p95 ${result.queryMs.p95} ms (${settings.queryRuns} runs)`)
  }
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n')
}

async function measurePage(baseUrl: string, cookie: string, result: CaseResult): Promise<void> {
  // The page counts only the rows it shows (no total since decision 016).
  const expectedText = result.expectedTotal > result.rowsOnPage ? `Showing the first ${plansText(result.rowsOnPage)}` : plansText(result.expectedTotal)

  // A thorough check first: status, the count, and one link per row shown.
  const first = await getPage(baseUrl, result.url, cookie)
  if (first.status !== 200) {
    throw new Error(`GET ${result.url} answered ${first.status} (Location: ${first.location}); body starts: ${first.body.slice(0, 500)}`)
  }
  const html = visibleText(first.body)
  if (!html.includes(expectedText)) throw new Error(`GET ${result.url} does not show "${expectedText}"`)
  const links = new Set([...html.matchAll(/href="\/action-plans\/([0-9a-f-]{36})"/g)].map((match) => match[1]))
  if (links.size !== result.rowsOnPage) throw new Error(`GET ${result.url} links ${links.size} plans, expected ${result.rowsOnPage} rows`)
  result.httpBytes = Buffer.byteLength(first.body)

  const timed = await timePage(baseUrl, result.url, cookie, {
    warmup: settings.warmup,
    requests: settings.requests,
    problem: (response) =>
      response.status === 200 && visibleText(response.body).includes(expectedText) ? null : `status ${response.status}; body starts: ${response.body.slice(0, 300)}`,
  })
  result.httpMs = timed.ms
  result.httpErrors = timed.errors
  if (timed.errorSample) result.httpErrorSample = timed.errorSample
}

async function benchTarget(target: Target): Promise<TargetResult> {
  const cleanup = new Cleanup()
  const result: TargetResult = { target, ok: false, cases: [] }
  const loadAtStart = loadAverage()
  let server: RunningServer | undefined
  try {
    console.log(`\n━━ ${target} ━━`)
    const { dataDir, databaseUrl, databaseName } = await prepareTarget(cleanup, target, {
      tempPrefix: `stagecoach-bench-plans-${target}-`,
      adminUrl: args['admin-url'],
    })
    if (databaseName) log(`scratch database ${databaseName}`)

    // 1. Load, with the app not running.
    const email = `measured-${randomBytes(4).toString('hex')}@example.com`
    const password = `Bench-${randomBytes(9).toString('base64url')}9aZ`
    const opened = performance.now()
    const db = await openMigratedDatabase({ DATABASE_URL: databaseUrl, dataDirectory: dataDir })
    let closed = false
    const closeDb = async () => {
      if (closed) return
      closed = true
      await db.close()
    }
    cleanup.add('closing the database', closeDb)
    log(`database opened and migrated in ${((performance.now() - opened) / 1000).toFixed(1)} s; loading…`)
    const load = await loadPlansData(
      db,
      {
        totalPlans: settings.totalPlans,
        measuredPlans: settings.measuredPlans,
        otherUsers: settings.otherUsers,
        coaches: settings.coaches,
        measured: { email, passwordHash: await hashPassword(password), displayName: 'Measured Client' },
      },
      (line) => log(`  ${line}`),
    )
    result.load = load
    const c = load.counts
    log(
      `loaded ${c.users} users (${c.profiles} profiles), ${c.clientMemberships} client memberships, ` +
        `${c.sessions} sessions (${c.sharedSessions} shared with a coach), ${c.plans} plans (${c.plansWithSession} with a session), ` +
        `${c.milestones} milestones, ${c.auditLogRows} audit rows; action_plans takes ${(load.actionPlansBytes / 1024 / 1024).toFixed(1)} MB`,
    )
    log(`the measured user owns ${c.measuredUserPlans} plans (${c.measuredUserPlansWithSession} with a session)`)

    // 2. Plans and the query alone.
    await prepareAndMeasureQueries(target, db, load.measuredUserId, result.cases)
    await closeDb()

    // 3. The page over HTTP. Others may rebuild the app in this working tree meanwhile (e.g.
    // the browser tests), which empties build/ for a while: let their build land first.
    await waitForBuild()
    const bootStarted = performance.now()
    server = await startServer({ dataDir, databaseUrl })
    cleanup.add('stopping the server', () => server!.stop())
    log(`server up at ${server.baseUrl} in ${((performance.now() - bootStarted) / 1000).toFixed(1)} s`)
    const cookie = await signIn(server.baseUrl, email, password)
    for (const caseResult of result.cases) {
      await measurePage(server.baseUrl, cookie, caseResult)
      const ms = caseResult.httpMs!
      log(`${target} · ${caseResult.label}: GET p50 ${ms.p50} ms, p95 ${ms.p95} ms, p99 ${ms.p99} ms, max ${ms.max} ms; ${caseResult.httpErrors} errors`)
    }
    result.ok = result.cases.every((caseResult) => caseResult.httpErrors === 0)
    if (!result.ok) result.serverLogTail = lastLines(server.output())
  } catch (error) {
    result.ok = false
    result.failure = error instanceof Error ? (error.stack ?? error.message) : String(error)
    result.serverLogTail = server && lastLines(server.output())
  } finally {
    await cleanup.run()
    result.loadAverage = { start: loadAtStart, end: loadAverage() }
  }
  return result
}

// ---------------------------------------------------------------------------------------
// Report

function printReport(results: TargetResult[]) {
  for (const result of results) {
    const load = result.load
    console.log(
      `\n${result.target}: ${load ? `${load.counts.plans?.toLocaleString('en')} plans, the user's ${load.counts.measuredUserPlans?.toLocaleString('en')}; loaded in ${Object.values(load.seconds).reduce((a, b) => a + b, 0).toFixed(1)} s` : 'not loaded'}`,
    )
    const fixed = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(1))
    console.log(
      formatTable(
        ['case', 'total', 'rows', 'HTTP p50', 'p95', 'p99', 'max', 'errors', 'query p50', 'p95', 'rows stmt'],
        result.cases.map((c) => [
          c.label,
          String(c.expectedTotal),
          String(c.rowsOnPage),
          fixed(c.httpMs?.p50),
          fixed(c.httpMs?.p95),
          fixed(c.httpMs?.p99),
          fixed(c.httpMs?.max),
          c.httpErrors === undefined ? '—' : String(c.httpErrors),
          fixed(c.queryMs?.p50),
          fixed(c.queryMs?.p95),
          ...c.plans.map((p) => `${p.summary.seqScan ? 'SEQ SCAN' : p.summary.usesIndex ? 'index' : 'no index'} ${p.summary.executionMs.toFixed(1)} ms`),
        ]),
      ),
    )
    console.log('  (ms; HTTP: GET /action-plans signed in, whole body; query: listActionPlans in-process; stmt: EXPLAIN ANALYZE execution time)')
    if (result.loadAverage) {
      // This benchmark's own client, server and database keep about two CPUs busy while it runs.
      console.log(`  1-minute load average: ${result.loadAverage.start} at the start, ${result.loadAverage.end} at the end (${os.cpus().length} CPUs)`)
    }
    for (const c of result.cases) {
      for (const p of c.plans) console.log(`  ${c.label} · ${p.statement}: ${describeAccess(p.summary)}`)
    }
    if (result.failure) console.log(`\n${result.target}: FAILED: ${result.failure}`)
    for (const c of result.cases) {
      if (c.httpErrors) console.log(`${result.target} · ${c.label}: ${c.httpErrors} bad responses, e.g. ${c.httpErrorSample}`)
    }
    if (!result.ok && result.serverLogTail) console.log(`${result.target}: the server's last lines:\n${result.serverLogTail}`)
  }
  const seqScans = results.flatMap((r) => r.cases.flatMap((c) => c.plans.filter((p) => p.summary.seqScan).map((p) => `${r.target} · ${c.label} · ${p.statement}`)))
  console.log(
    seqScans.length > 0
      ? `\n!!! Sequential scans over action_plans (all ${settings.totalPlans.toLocaleString('en')} plans) in: ${seqScans.join('; ')}`
      : `\nNo plan scans action_plans sequentially: every statement reaches it through an index.`,
  )
}

async function main() {
  const machine = machineInfo()
  console.log(
    `Action plans benchmark: ${settings.totalPlans.toLocaleString('en')} plans, ${settings.measuredPlans.toLocaleString('en')} of them the measured user's; ` +
      `per case ${settings.warmup} warm-up then ${settings.requests} sequential GETs, and ${settings.queryRuns} in-process queries`,
  )
  console.log(`  ${describeMachine(machine)}; load generator and server share the machine`)
  await logBuild({ force: args.rebuild })

  const results: TargetResult[] = []
  for (const target of settings.targets) results.push(await benchTarget(target))

  printReport(results)

  const valid = results.every((result) => result.ok)
  const resultsFile = writeResults('action-plans', {
    description:
      "The signed-in user's /action-plans page with 100,000 plans in the database: GET latency over HTTP (whole body), " +
      'listActionPlans in-process, and EXPLAIN (ANALYZE, BUFFERS) of its statements as the user',
    valid,
    seqScanOverActionPlans: results.some((r) => r.cases.some((c) => c.plans.some((p) => p.summary.seqScan))),
    machine,
    settings: { ...settings, cases: cases.map(({ key, label, search }) => ({ key, label, search })) },
    results,
  })
  console.log(`\n${valid ? 'Valid run' : 'INVALID run (errors or failures above)'}; figures written to ${resultsFile}`)
  process.exitCode = valid ? 0 : 1
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
