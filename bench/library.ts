/**
 * Benchmark: the coach's library, a template's "who has done it" page and a client page,
 * for a coach with 200 templates, 50 clients and 5,000 sessions assigned from them, on the
 * embedded database (PGlite) and on a PostgreSQL server (issue 11).
 *
 *   npx tsx bench/library.ts [--requests 200] [--warmup 20] [--templates 200] [--clients 50]
 *                            [--sessions-per-client 100] [--targets pglite,postgres]
 *                            [--admin-url postgres://postgres@127.0.0.1:5432/postgres] [--rebuild]
 *
 * For each target it:
 *   1. opens a fresh database with the app's own openMigratedDatabase (a temp DATA_DIR; for
 *      `postgres` also a scratch database, dropped at the end) with the app NOT running, and
 *      loads as the service, in set-based SQL: the measured coach (a real argon2id password)
 *      with one program, --clients clients, 8 tags, --templates templates of 4 items each (a
 *      drill, a catalog exercise with a strength prescription and two metrics, an endurance
 *      exercise, a reflection prompt), two tags per template; --sessions-per-client sessions
 *      per client assigned from those templates (the database's insert trigger snapshots each
 *      one's items, as for a real assignment), due from 300 days ago to 30 days ahead, 70% of
 *      the past ones completed; and a second program with its own coach, 10 clients, 20
 *      templates and 1,000 sessions, which row-level security must keep out of every page;
 *   2. prints EXPLAIN (ANALYZE, BUFFERS) of the "has X done Y" query (templateStandingsSql) as
 *      the coach, checks it answers one row per client and matches an independent count of
 *      done clients, and times it in this process;
 *   3. starts the real production server on that database, signs the coach in, and GETs the
 *      landing page (no database: the baseline), the library, a template's page and a client
 *      page, --warmup times, then --requests times one after another, timing each (status,
 *      headers and whole body); every response must be 200 and show what the data says it
 *      should (25 templates on the library's first page, 50 client rows, the client's name);
 *   4. stops the server and removes the temp folder and the scratch database.
 *
 * Prints p50/p95 per page and each page's p50 as a multiple of the landing page's, measured
 * in the same run, and writes bench/results/library.json. A failed check or request makes the
 * run invalid (exit status 1). The load generator and the server share this machine's CPUs.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import { parseArgs } from 'node:util'
import { hashPassword } from '../lib/auth/built-in-auth'
import type { Database } from '../lib/db/database'
import { openMigratedDatabase } from '../lib/db/open'
import { templateStandings, templateStandingsSql } from '../lib/library/assigning'
import { parseTargets, targetOptions, wholeNumber, type Target } from './support/args'
import { describeMachine, formatTable, lastLines, loadAverage, log, logBuild, machineInfo, writeResults } from './support/report'
import { Cleanup, getPage, prepareTarget, signIn, startServer, timePage, waitForBuild, type RunningServer } from './support/server'
import { round, summarize, type Summary } from './support/stats'

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    templates: { type: 'string', default: '200' },
    clients: { type: 'string', default: '50' },
    'sessions-per-client': { type: 'string', default: '100' },
    ...targetOptions('pglite,postgres'),
  },
})

const positiveInteger = (name: string, text: string) => wholeNumber(name, text, { min: 1 })

const settings = {
  requests: positiveInteger('requests', args.requests),
  warmup: positiveInteger('warmup', args.warmup),
  templates: positiveInteger('templates', args.templates),
  clients: positiveInteger('clients', args.clients),
  sessionsPerClient: positiveInteger('sessions-per-client', args['sessions-per-client']),
  targets: parseTargets(args.targets),
}

// ---------------------------------------------------------------------------------------
// The data, the same on both targets (ids and choices come from md5 of counters)

const userId = (g: string) => `md5('bench-library-user-' || (${g}))::uuid`
const programId = (k: number) => `md5('bench-library-program-${k}')::uuid`
const templateId = (k: number, t: string) => `md5('bench-library-template-${k}-' || (${t}))::uuid`
const tagId = (k: number, t: string) => `md5('bench-library-tag-${k}-' || (${t}))::uuid`

const tagNames = ['Strength', 'Endurance', 'Mobility', 'Assessment', 'Mindset', 'Recovery', 'Nutrition', 'Onboarding']
const templateTitles = ['Initial Assessment', 'Lower body strength', 'Tempo run', 'Vision development', 'Mobility flow', 'Weekly reflection', 'Threshold intervals', 'Training plan review']

interface Program {
  k: number
  /** Users firstUser..firstUser+clients; firstUser - 1 is the coach. */
  coach: number
  firstClient: number
  clients: number
  templates: number
  sessionsPerClient: number
}

interface Loaded {
  coachId: string
  /** The coach signs in with this email and the benchmark's password. */
  email: string
  clientId: string
  clientName: string
  programId: string
  templateId: string
  counts: Record<string, number>
  seconds: number
}

const sqlList = (values: readonly string[]) => `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]::text[]`

async function loadProgram(db: Database, program: Program): Promise<void> {
  const { k, coach, firstClient, clients, templates, sessionsPerClient } = program
  const lastClient = firstClient + clients - 1
  await db.asService(async (tx) => {
    await tx.query(
      `insert into public.programs (id, name, created_by) values (${programId(k)}, 'Bench library program ${k}', ${userId(String(coach))})`,
    )
    await tx.query(
      `insert into public.program_members (program_id, user_id, role)
       select ${programId(k)}, ${userId('g')}, 'client' from generate_series(${firstClient}, ${lastClient}) g`,
    )
    await tx.query(
      `insert into public.tags (id, program_id, name, colour)
       select ${tagId(k, 't')}, ${programId(k)}, (${sqlList(tagNames)})[t], (array['slate','red','amber','green','teal','blue','violet','pink'])[t]
       from generate_series(1, ${tagNames.length}) t`,
    )
    await tx.query(
      `insert into public.session_templates (id, program_id, title, description, includes_conversation, is_public, created_by, created_at)
       select ${templateId(k, 't')}, ${programId(k)},
              (${sqlList(templateTitles)})[1 + t % ${templateTitles.length}] || ' ' || t,
              'Template ' || t || ' of the bench library: work through the items, then record how it went.',
              t % 3 = 0, t % 10 = 0, ${userId(String(coach))}, now() - make_interval(days => ${templates} - t)
       from generate_series(1, ${templates}) t`,
    )
    // Four items per template: a drill, a catalog exercise with a strength prescription and
    // two metrics (one a benchmark), an endurance exercise, and a reflection prompt.
    await tx.query(
      `with catalog as (
         select id, row_number() over (order by lower(name)) as n, count(*) over () as total
         from public.exercises where program_id is null
       )
       insert into public.template_items (template_id, program_id, position, kind, title, instructions, exercise_id, prescription, metrics)
       select ${templateId(k, 't')}, ${programId(k)}, pos,
              case pos when 0 then 'drill' when 3 then 'reflection' else 'exercise' end,
              case pos when 0 then 'Warm-up drill' when 1 then 'Main lift' when 2 then 'Conditioning' else 'What went well?' end,
              'Instructions for item ' || pos || ' of template ' || t || '.',
              case when pos in (1, 2) then (select c.id from catalog c where c.n = 1 + (t * 7 + pos) % c.total) end,
              case pos
                when 1 then jsonb_build_object('type', 'strength', 'sets', 3 + t % 3, 'reps', 5 + t % 6,
                              'intensity', jsonb_build_object('kind', 'percent_1rm', 'value', 70 + t % 15), 'restSeconds', 120, 'tempo', '3010')
                when 2 then jsonb_build_object('type', 'endurance', 'modality', 'run', 'durationMinutes', 20 + t % 20,
                              'distanceKm', null, 'intensity', jsonb_build_object('kind', 'hr_zone', 'value', 2 + t % 3))
              end,
              case pos
                when 1 then jsonb_build_array(
                  jsonb_build_object('key', md5('metric-a-' || t)::uuid, 'kind', 'number', 'label', 'Weight', 'unit', 'kg',
                                     'target', 60 + t % 40, 'targetMin', null, 'targetMax', null, 'benchmark', false),
                  jsonb_build_object('key', md5('metric-b-' || t)::uuid, 'kind', 'number', 'label', 'Estimated 1RM', 'unit', 'kg',
                                     'target', null, 'targetMin', null, 'targetMax', null, 'benchmark', true))
                when 3 then jsonb_build_array(
                  jsonb_build_object('key', md5('metric-c-' || t)::uuid, 'kind', 'scale', 'label', 'Confidence', 'unit', null,
                                     'target', 7, 'targetMin', null, 'targetMax', null, 'benchmark', false))
                else '[]'::jsonb
              end
       from generate_series(1, ${templates}) t cross join generate_series(0, 3) pos`,
    )
    await tx.query(
      `insert into public.template_tags (template_id, tag_id, program_id)
       select ${templateId(k, 't')}, ${tagId(k, 'x.tag')}, ${programId(k)}
       from generate_series(1, ${templates}) t
       cross join lateral (values (1 + t % ${tagNames.length}), (1 + (t + 3) % ${tagNames.length})) x(tag)`,
    )
    // Sessions assigned from the templates, the way assignTemplate inserts them; the
    // snapshot trigger copies each one's items.
    await tx.query(
      `insert into public.coaching_sessions
         (user_id, coach_id, program_id, session_type, source, visibility, title, session_template_id,
          due_at, session_date, started_at, completed_at, created_at)
       select ${userId('g')}, ${userId(String(coach))}, ${programId(k)}, 'self_coaching', 'coach_assigned', 'shared',
              t.title, t.id, due, due::date,
              case when done then due - interval '2 hours' end,
              case when done then due - interval '1 hour' end,
              due - interval '7 days'
       from generate_series(${firstClient}, ${lastClient}) g
       cross join lateral generate_series(1, ${sessionsPerClient}) s
       cross join lateral (select 1 + (g * 13 + s * 7) % ${templates} as template_number) pick
       join public.session_templates t on t.id = ${templateId(k, 'pick.template_number')}
       cross join lateral (select now() + make_interval(days => 30 - (s * 330 / ${sessionsPerClient})::int) as due) d
       cross join lateral (select due < now() and ('x' || substr(md5(g || '-' || s), 1, 7))::bit(28)::int % 10 < 7 as done) c`,
    )
  })
}

async function loadData(db: Database, password: string): Promise<Loaded> {
  const started = performance.now()
  const main: Program = { k: 1, coach: 0, firstClient: 1, clients: settings.clients, templates: settings.templates, sessionsPerClient: settings.sessionsPerClient }
  const other: Program = { k: 2, coach: settings.clients + 1, firstClient: settings.clients + 2, clients: 10, templates: 20, sessionsPerClient: 100 }
  const lastUser = other.firstClient + other.clients - 1
  const email = `bench-library-coach-${randomBytes(3).toString('hex')}@example.com`
  const passwordHash = await hashPassword(password)
  await db.asService((tx) =>
    tx.query(
      `insert into auth.users (id, email, encrypted_password, raw_user_meta_data, created_at)
       select ${userId('g')},
              case when g = 0 then $1 else 'bench-library-' || g || '@example.com' end,
              case when g = 0 then $2 else 'bench: this user does not sign in' end,
              jsonb_build_object('display_name', case when g = 0 then 'Morgan Reyes' when g = ${other.coach} then 'Other Coach' else 'Client ' || lpad(g::text, 3, '0') end),
              now() - interval '400 days'
       from generate_series(0, ${lastUser}) g`,
      [email, passwordHash],
    ),
  )
  await loadProgram(db, main)
  await loadProgram(db, other)
  await db.asService((tx) => tx.exec('analyze'))
  const [ids] = await db.asService((tx) =>
    tx.query<{ coach_id: string; client_id: string; program_id: string; template_id: string }>(
      `select ${userId('0')}::text as coach_id, ${userId('1')}::text as client_id, ${programId(1)}::text as program_id,
              ${templateId(1, '1')}::text as template_id`,
    ),
  )
  const [counts] = await db.asService((tx) =>
    tx.query<Record<string, number>>(
      `select (select count(*) from public.session_templates where program_id = $1)::int as templates,
              (select count(*) from public.template_items where program_id = $1)::int as "templateItems",
              (select count(*) from public.program_members where program_id = $1 and role = 'client')::int as clients,
              (select count(*) from public.coaching_sessions where program_id = $1)::int as sessions,
              (select count(*) from public.coaching_sessions where program_id = $1 and completed_at is not null)::int as "completedSessions",
              (select count(*) from public.coaching_sessions where program_id = $1 and jsonb_array_length(items) = 4)::int as "sessionsWithSnapshot",
              (select count(*) from public.coaching_sessions)::int as "allSessions",
              (select count(*) from public.session_templates)::int as "allTemplates"`,
      [ids!.program_id],
    ),
  )
  const expectedSessions = settings.clients * settings.sessionsPerClient
  if (counts!.templates !== settings.templates || counts!.clients !== settings.clients || counts!.sessions !== expectedSessions) {
    throw new Error(`Loaded ${JSON.stringify(counts)}; expected ${settings.templates} templates, ${settings.clients} clients, ${expectedSessions} sessions`)
  }
  if (counts!.sessionsWithSnapshot !== expectedSessions) throw new Error(`Only ${counts!.sessionsWithSnapshot} sessions got their template's 4 items`)
  return {
    coachId: ids!.coach_id,
    clientId: ids!.client_id,
    clientName: 'Client 001',
    programId: ids!.program_id,
    templateId: ids!.template_id,
    email,
    counts: counts!,
    seconds: round((performance.now() - started) / 1000, 1),
  }
}

// ---------------------------------------------------------------------------------------
// "Has X done Y": the plan, a correctness check, and its time in-process

interface StandingsResult {
  plan: string
  executionMs: number
  planningMs: number
  seqScanOnSessions: boolean
  rows: number
  done: number
  queryMs: Summary
}

async function measureStandings(db: Database, loaded: Loaded): Promise<StandingsResult> {
  const explain = (format: string) =>
    db.asUser(loaded.coachId, (tx) => tx.query<{ 'QUERY PLAN': unknown }>(`explain (analyze, buffers${format}) ${templateStandingsSql}`, [loaded.templateId]))
  const text = (await explain('')).map((row) => String(row['QUERY PLAN'])).join('\n')
  const raw = (await explain(', format json'))[0]?.['QUERY PLAN']
  const [root] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as [{ Plan: PlanNode; 'Planning Time': number; 'Execution Time': number }]
  const seqScans: string[] = []
  const walk = (node: PlanNode) => {
    if (node['Node Type'] === 'Seq Scan') seqScans.push(node['Relation Name'] ?? '?')
    for (const child of node.Plans ?? []) walk(child)
  }
  walk(root.Plan)

  const standings = await templateStandings(db, { userId: loaded.coachId, templateId: loaded.templateId })
  const [independent] = await db.asService((tx) =>
    tx.query<{ done: number }>(
      `select count(distinct user_id)::int as done from public.coaching_sessions
       where session_template_id = $1 and completed_at is not null and cancelled_at is null`,
      [loaded.templateId],
    ),
  )
  const done = standings.filter((row) => row.state === 'done').length
  if (standings.length !== settings.clients) throw new Error(`templateStandings answered ${standings.length} rows for ${settings.clients} clients`)
  if (done !== independent!.done) throw new Error(`templateStandings says ${done} clients are done, an independent count says ${independent!.done}`)

  for (let i = 0; i < settings.warmup; i++) await templateStandings(db, { userId: loaded.coachId, templateId: loaded.templateId })
  const samples: number[] = []
  for (let i = 0; i < settings.requests; i++) {
    const started = performance.now()
    await templateStandings(db, { userId: loaded.coachId, templateId: loaded.templateId })
    samples.push(performance.now() - started)
  }
  return {
    plan: text,
    executionMs: round(root['Execution Time']),
    planningMs: round(root['Planning Time']),
    seqScanOnSessions: seqScans.includes('coaching_sessions'),
    rows: standings.length,
    done,
    queryMs: summarize(samples),
  }
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  Plans?: PlanNode[]
}

// ---------------------------------------------------------------------------------------
// The pages over HTTP

interface PageCase {
  key: 'landing' | 'library' | 'template' | 'client'
  label: string
  url: string
  /** What the page must show for the response to count. */
  check: (html: string) => string | null
}

const visibleText = (html: string) => html.replaceAll('<!-- -->', '')

function pageCases(loaded: Loaded): PageCase[] {
  const base = `/programs/${loaded.programId}`
  return [
    { key: 'landing', label: 'landing page (no database)', url: '/', check: () => null },
    {
      key: 'library',
      label: `library (${settings.templates} templates, first page)`,
      url: `${base}/library`,
      check: (html) => {
        const links = new Set([...html.matchAll(/href="\/programs\/[0-9a-f-]{36}\/library\/templates\/([0-9a-f-]{36})"/g)].map((m) => m[1]))
        return links.size === 25 ? null : `links ${links.size} templates, expected 25`
      },
    },
    {
      key: 'template',
      label: `template page ("has X done Y" for ${settings.clients} clients)`,
      url: `${base}/library/templates/${loaded.templateId}`,
      check: (html) => {
        const clients = new Set([...html.matchAll(/Client (\d{3})/g)].map((m) => m[1]))
        return clients.size >= settings.clients ? null : `names ${clients.size} clients, expected ${settings.clients}`
      },
    },
    {
      key: 'client',
      label: `client page (${settings.sessionsPerClient} sessions of theirs)`,
      url: `${base}/clients/${loaded.clientId}`,
      check: (html) => (html.includes(loaded.clientName) && html.includes('Overdue') ? null : `does not show ${loaded.clientName} and the overdue list`),
    },
  ]
}

interface PageResult {
  key: PageCase['key']
  label: string
  url: string
  bytes?: number
  httpMs?: Summary
  errors?: number
  errorSample?: string
}

async function measurePage(baseUrl: string, cookie: string, page: PageCase): Promise<PageResult> {
  const result: PageResult = { key: page.key, label: page.label, url: page.url }
  const first = await getPage(baseUrl, page.url, cookie)
  if (first.status !== 200) throw new Error(`GET ${page.url} answered ${first.status} (Location: ${first.location}); body starts: ${first.body.slice(0, 300)}`)
  const problem = page.check(visibleText(first.body))
  if (problem) throw new Error(`GET ${page.url} ${problem}`)
  result.bytes = Buffer.byteLength(first.body)
  const timed = await timePage(baseUrl, page.url, cookie, {
    warmup: settings.warmup,
    requests: settings.requests,
    problem: (response) => (response.status !== 200 ? `status ${response.status}` : page.check(visibleText(response.body))),
  })
  result.httpMs = timed.ms
  result.errors = timed.errors
  if (timed.errorSample) result.errorSample = timed.errorSample
  return result
}

// ---------------------------------------------------------------------------------------
// Per target

interface TargetResult {
  target: Target
  ok: boolean
  loadAverage?: { start: number; end: number }
  counts?: Record<string, number>
  loadSeconds?: number
  standings?: StandingsResult
  pages: PageResult[]
  failure?: string
  serverLogTail?: string
}

async function benchTarget(target: Target): Promise<TargetResult> {
  const cleanup = new Cleanup()
  const result: TargetResult = { target, ok: false, pages: [] }
  const loadAtStart = loadAverage()
  let server: RunningServer | undefined
  try {
    console.log(`\n━━ ${target} ━━`)
    const { dataDir, databaseUrl, databaseName } = await prepareTarget(cleanup, target, {
      tempPrefix: `stagecoach-bench-library-${target}-`,
      adminUrl: args['admin-url'],
    })
    if (databaseName) log(`scratch database ${databaseName}`)

    const password = `Bench-${randomBytes(9).toString('base64url')}9aZ`
    const db = await openMigratedDatabase({ DATABASE_URL: databaseUrl, dataDirectory: dataDir })
    let closed = false
    const closeDb = async () => {
      if (closed) return
      closed = true
      await db.close()
    }
    cleanup.add('closing the database', closeDb)
    const loaded = await loadData(db, password)
    result.counts = loaded.counts
    result.loadSeconds = loaded.seconds
    const c = loaded.counts
    log(
      `loaded in ${loaded.seconds} s: ${c.templates} templates (${c.templateItems} items), ${c.clients} clients, ${c.sessions} sessions ` +
        `(${c.completedSessions} completed, each with its snapshot); in all ${c.allSessions} sessions and ${c.allTemplates} templates with the other program`,
    )

    result.standings = await measureStandings(db, loaded)
    console.log(`\n  ── ${target} · "has X done Y" (templateStandingsSql) as the coach ─────────────`)
    console.log(result.standings.plan.split('\n').map((line) => `    ${line}`).join('\n'))
    log(
      `${result.standings.rows} clients, ${result.standings.done} done; in-process p50 ${result.standings.queryMs.p50} ms, p95 ${result.standings.queryMs.p95} ms` +
        (result.standings.seqScanOnSessions ? '; !!! SEQ SCAN over coaching_sessions' : '; coaching_sessions read by index'),
    )
    await closeDb()

    await waitForBuild()
    server = await startServer({ dataDir, databaseUrl })
    cleanup.add('stopping the server', () => server!.stop())
    const cookie = await signIn(server.baseUrl, loaded.email, password)
    for (const page of pageCases(loaded)) {
      const measured = await measurePage(server.baseUrl, cookie, page)
      result.pages.push(measured)
      log(`${target} · ${page.label}: GET p50 ${measured.httpMs!.p50} ms, p95 ${measured.httpMs!.p95} ms; ${measured.errors} errors`)
    }
    result.ok = result.pages.every((page) => page.errors === 0)
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

function printReport(results: TargetResult[]) {
  for (const result of results) {
    console.log(`\n${result.target}:`)
    const landing = result.pages.find((page) => page.key === 'landing')?.httpMs?.p50
    const fixed = (value: number | undefined) => (value === undefined ? '—' : value.toFixed(1))
    console.log(
      formatTable(
        ['page', 'p50 ms', 'p95 ms', 'p99 ms', 'KB', 'errors', 'p50 ÷ landing'],
        result.pages.map((page) => [
          page.label,
          fixed(page.httpMs?.p50),
          fixed(page.httpMs?.p95),
          fixed(page.httpMs?.p99),
          page.bytes === undefined ? '—' : (page.bytes / 1024).toFixed(1),
          String(page.errors ?? '—'),
          landing && page.httpMs ? (page.httpMs.p50 / landing).toFixed(2) : '—',
        ]),
      ),
    )
    const s = result.standings
    if (s) {
      console.log(
        `  "has X done Y": EXPLAIN ANALYZE ${s.executionMs} ms (planning ${s.planningMs} ms); in-process p50 ${s.queryMs.p50} ms, p95 ${s.queryMs.p95} ms; ` +
          `${s.seqScanOnSessions ? 'SEQ SCAN over coaching_sessions' : 'coaching_sessions by index'}`,
      )
    }
    if (result.loadAverage) console.log(`  1-minute load average: ${result.loadAverage.start} at the start, ${result.loadAverage.end} at the end (${os.cpus().length} CPUs)`)
    if (result.failure) console.log(`\n${result.target}: FAILED: ${result.failure}`)
    for (const page of result.pages) if (page.errors) console.log(`${result.target} · ${page.label}: ${page.errors} bad responses, e.g. ${page.errorSample}`)
    if (!result.ok && result.serverLogTail) console.log(`${result.target}: the server's last lines:\n${result.serverLogTail}`)
  }
}

async function main() {
  const machine = machineInfo()
  console.log(
    `Library benchmark: a coach with ${settings.templates} templates, ${settings.clients} clients and ${(settings.clients * settings.sessionsPerClient).toLocaleString('en')} sessions; ` +
      `per page ${settings.warmup} warm-up then ${settings.requests} sequential GETs`,
  )
  console.log(`  ${describeMachine(machine)}; load generator and server share the machine`)
  await logBuild({ force: args.rebuild })
  const results: TargetResult[] = []
  for (const target of settings.targets) results.push(await benchTarget(target))
  printReport(results)
  const valid = results.every((result) => result.ok)
  const file = writeResults('library', {
    description: 'The library, a template page ("has X done Y") and a client page for a coach with 200 templates, 50 clients and 5,000 sessions; GET latency over HTTP and the standings query plan as the coach',
    valid,
    machine,
    settings,
    results,
  })
  console.log(`\n${valid ? 'Valid run' : 'INVALID run (errors or failures above)'}; figures written to ${file}`)
  process.exitCode = valid ? 0 : 1
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
