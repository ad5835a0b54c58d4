/**
 * Benchmark: a signed-in user's /dashboard under concurrent load, on the embedded
 * database (PGlite) and on a PostgreSQL server.
 *
 *   npx tsx bench/dashboard.ts [--duration 10] [--concurrency 20] [--warmup 50]
 *                              [--targets pglite,postgres] [--admin-url postgres://postgres@127.0.0.1:5432/postgres]
 *                              [--rebuild]
 *
 * For each target it:
 *   1. starts the real production server (build/ + app/server/main.ts) on a free port with a
 *      fresh temp DATA_DIR, and for `postgres` a fresh scratch database `stagecoach_bench_*`;
 *   2. signs a coach up over HTTP and gives them the same data on both targets, through the
 *      app's own routes: 6 programs, 3 clients (invited and signed up) in each of two of them;
 *   3. checks that /dashboard shows that data, sends `--warmup` requests, then runs
 *      `--concurrency` workers, each GETting /dashboard one request after another, for
 *      `--duration` seconds, timing every request (status, headers and whole body) with
 *      performance.now();
 *   4. stops the server (SIGTERM) and removes the temp folder and the scratch database.
 *
 * Prints a table and writes bench/results/dashboard.json. Any non-200 response or network
 * error is counted; a run with errors is invalid and exits with status 1.
 *
 * The load generator and the server share this machine's CPUs, so figures compare targets
 * and commits on the same machine; they are not a capacity estimate for production.
 */
import { parseArgs } from 'node:util'
import { parseTargets, positiveNumber, targetOptions, type Target } from './support/args'
import { describeMachine, errorText, formatTable, lastLines, log, logBuild, machineInfo, writeResults } from './support/report'
import { Cleanup, expectRedirect, getPage, postForm, prepareTarget, signUp, startServer, type RunningServer } from './support/server'
import { round, summarize, type Summary } from './support/stats'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '50' },
    ...targetOptions('pglite,postgres'),
  },
})

const settings = {
  durationMs: Math.round(positiveNumber('duration', args.duration) * 1000),
  concurrency: Math.round(positiveNumber('concurrency', args.concurrency)),
  warmupRequests: Math.round(positiveNumber('warmup', args.warmup)),
  targets: parseTargets(args.targets),
}

// ---------------------------------------------------------------------------------------
// Seed data, identical on both targets, created through the app's routes

const programNames = [
  'Reyes Leadership Coaching',
  'Spring leadership cohort',
  'New managers circle',
  'Career transitions 2026',
  'Founders peer group',
  'Wellbeing at work',
]
const clientsPerProgram = 3
const programsWithClients = 2

async function seed(baseUrl: string) {
  const coach = await signUp(baseUrl, { displayName: 'Morgan Reyes' })

  const programIds: string[] = []
  for (const name of programNames) {
    const response = await postForm(baseUrl, '/programs', { name }, coach.cookie)
    programIds.push(expectRedirect('POST /programs', response, /^\/programs\/([0-9a-f-]{36})$/)[1]!)
  }

  let clients = 0
  for (const programId of programIds.slice(0, programsWithClients)) {
    for (let i = 0; i < clientsPerProgram; i++) {
      const invite = await postForm(
        baseUrl,
        `/programs/${programId}`,
        { intent: 'invite', role: 'client', note: 'Welcome aboard', expiresInDays: '7' },
        coach.cookie,
      )
      const token = /\/invites\/([A-Za-z0-9_-]{20,})/.exec(invite.body)?.[1]
      if (invite.status !== 200 || !token) {
        throw new Error(
          `Creating an invite (POST /programs/${programId}, intent=invite) answered ${invite.status}` +
            `${token ? '' : ' and the page shows no /invites/<token> link'}; body starts: ${invite.body.slice(0, 500)}`,
        )
      }
      const client = await signUp(baseUrl, { displayName: `Client ${clients + 1}`, inviteToken: token })
      if (!client.location.startsWith(`/programs/${programId}`)) {
        throw new Error(`A client signing up with an invite was sent to ${client.location}, not to the program`)
      }
      clients++
    }
  }
  return { coach, programs: programIds.length, clients }
}

/** One GET /dashboard before the run: it must be 200 and show the seeded data. */
async function checkDashboard(baseUrl: string, cookie: string): Promise<number> {
  const { status, body: html, location } = await getPage(baseUrl, '/dashboard', cookie)
  if (status !== 200) {
    throw new Error(`GET /dashboard answered ${status} (Location: ${location}); body starts: ${html.slice(0, 500)}`)
  }
  const missing = programNames.filter((name) => !html.includes(name))
  if (missing.length > 0) throw new Error(`The dashboard does not show the programs ${missing.join(', ')}`)
  if (!html.includes(`${clientsPerProgram} clients`)) throw new Error(`The dashboard does not show "${clientsPerProgram} clients"`)
  return Buffer.byteLength(html)
}

// ---------------------------------------------------------------------------------------
// Load

interface Sample {
  ms: number
  status: number // 0: the request failed (network error)
}

interface ErrorSample {
  status: number
  detail: string
}

async function load(
  baseUrl: string,
  cookie: string,
  { concurrency, until }: { concurrency: number; until: { deadline: number } | { requests: number } },
) {
  const samples: Sample[] = []
  const errorSamples: ErrorSample[] = []
  let issued = 0
  const more = () => ('deadline' in until ? performance.now() < until.deadline : issued < until.requests)

  const worker = async () => {
    while (more()) {
      issued++
      const started = performance.now()
      let status = 0
      let detail = ''
      try {
        const page = await getPage(baseUrl, '/dashboard', cookie)
        status = page.status
        if (status !== 200) detail = `Location: ${page.location}; body starts: ${page.body.slice(0, 300)}`
      } catch (error) {
        detail = errorText(error)
      }
      samples.push({ ms: performance.now() - started, status })
      if (status !== 200 && errorSamples.length < 5) errorSamples.push({ status, detail })
    }
  }

  const started = performance.now()
  await Promise.all(Array.from({ length: concurrency }, worker))
  return { samples, errorSamples, elapsedMs: performance.now() - started }
}

interface TargetResult {
  target: Target
  ok: boolean
  failure?: string
  seeded?: { programs: number; clients: number }
  dashboardBytes?: number
  requests?: number
  errors?: number
  errorStatuses?: Record<string, number>
  errorSamples?: ErrorSample[]
  durationMs?: number
  throughputRps?: number
  latencyMs?: Summary
  serverLogTail?: string
}

async function benchTarget(target: Target): Promise<TargetResult> {
  const cleanup = new Cleanup()
  let server: RunningServer | undefined
  try {
    const { dataDir, databaseUrl, databaseName } = await prepareTarget(cleanup, target, {
      tempPrefix: `stagecoach-bench-${target}-`,
      adminUrl: args['admin-url'],
    })
    if (databaseName) log(`${target}: scratch database ${databaseName}`)

    const bootStarted = performance.now()
    server = await startServer({ dataDir, databaseUrl })
    cleanup.add('stopping the server', () => server!.stop())
    log(`${target}: server up at ${server.baseUrl} in ${((performance.now() - bootStarted) / 1000).toFixed(1)} s`)

    const { coach, programs, clients } = await seed(server.baseUrl)
    const dashboardBytes = await checkDashboard(server.baseUrl, coach.cookie)
    log(`${target}: seeded ${programs} programs and ${clients} clients; dashboard is ${dashboardBytes} bytes of HTML`)

    const warmup = await load(server.baseUrl, coach.cookie, {
      concurrency: Math.min(settings.concurrency, settings.warmupRequests),
      until: { requests: settings.warmupRequests },
    })
    if (warmup.errorSamples.length > 0) {
      throw new Error(`warm-up got errors, e.g. ${JSON.stringify(warmup.errorSamples[0])}`)
    }

    log(`${target}: ${settings.concurrency} workers for ${settings.durationMs / 1000} s…`)
    const run = await load(server.baseUrl, coach.cookie, {
      concurrency: settings.concurrency,
      until: { deadline: performance.now() + settings.durationMs },
    })

    const errors = run.samples.filter((sample) => sample.status !== 200)
    const errorStatuses: Record<string, number> = {}
    for (const error of errors) {
      const key = error.status === 0 ? 'network error' : String(error.status)
      errorStatuses[key] = (errorStatuses[key] ?? 0) + 1
    }
    return {
      target,
      ok: errors.length === 0,
      seeded: { programs, clients },
      dashboardBytes,
      requests: run.samples.length,
      errors: errors.length,
      errorStatuses,
      errorSamples: run.errorSamples,
      durationMs: round(run.elapsedMs, 1),
      throughputRps: round(run.samples.length / (run.elapsedMs / 1000), 1),
      latencyMs: summarize(run.samples.map((sample) => sample.ms)),
      serverLogTail: errors.length > 0 ? lastLines(server.output()) : undefined,
    }
  } catch (error) {
    return {
      target,
      ok: false,
      failure: error instanceof Error ? error.message : String(error),
      serverLogTail: server && lastLines(server.output()),
    }
  } finally {
    await cleanup.run()
  }
}

// ---------------------------------------------------------------------------------------

function printTable(results: TargetResult[]) {
  const header = ['target', 'requests', 'errors', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms']
  const rows = results.map((result) =>
    result.latencyMs
      ? [
          result.target,
          String(result.requests),
          String(result.errors),
          result.throughputRps!.toFixed(1),
          result.latencyMs.p50.toFixed(1),
          result.latencyMs.p95.toFixed(1),
          result.latencyMs.p99.toFixed(1),
          result.latencyMs.max.toFixed(1),
        ]
      : [result.target, 'FAILED', '', '', '', '', '', ''],
  )
  console.log(formatTable(header, rows))
}

async function main() {
  const machine = machineInfo()
  console.log(
    `Dashboard benchmark: GET /dashboard signed in, ${settings.concurrency} concurrent workers, ` +
      `${settings.durationMs / 1000} s per target after ${settings.warmupRequests} warm-up requests`,
  )
  console.log(`  ${describeMachine(machine)}; load generator and server share the machine`)
  await logBuild({ force: args.rebuild })

  const results: TargetResult[] = []
  for (const target of settings.targets) results.push(await benchTarget(target))

  console.log('')
  printTable(results)
  for (const result of results) {
    if (result.failure) console.log(`\n${result.target}: FAILED: ${result.failure}`)
    if (result.errors) {
      console.log(`\n${result.target}: ${result.errors} errors ${JSON.stringify(result.errorStatuses)}; first: ${JSON.stringify(result.errorSamples?.[0])}`)
    }
    if (!result.ok && result.serverLogTail) console.log(`${result.target}: the server's last lines:\n${result.serverLogTail}`)
  }

  const valid = results.every((result) => result.ok)
  const resultsFile = writeResults('dashboard', {
    description: 'GET /dashboard as a signed-in coach with 6 programs (2 with 3 clients each); latency covers status, headers and the whole body',
    valid,
    machine,
    settings: { ...settings, seed: { programs: programNames.length, programsWithClients, clientsPerProgram } },
    results,
  })
  console.log(`\n${valid ? 'Valid run' : 'INVALID run (errors or failures above)'}; figures written to ${resultsFile}`)
  process.exitCode = valid ? 0 : 1
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
