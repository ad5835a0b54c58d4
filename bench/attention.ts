/**
 * Benchmark: the coach's "needs attention" list (issue 13, point 5) for a coach with
 * `--clients` clients, with a short and a long history each — the list must cost the same
 * after years of history (it reads index ranges bounded by time), growing only with the
 * roster. In process, through lib/attention, as the coach under row-level security.
 *
 *   npx tsx bench/attention.ts [--clients 200] [--short 30] [--long 400] [--reads 20]
 *                              [--targets pglite,postgres] [--admin-url …]
 *
 * For each target and history length: a fresh migrated database; one coach, `--clients`
 * clients in their program, each with that many assigned sessions (about one every other
 * day going back, four in five done, two measures each), a check-in rating and a few paused
 * sessions. Prints p50/p95 of `listNeedsAttention` and the long/short ratio, and writes
 * bench/results/attention.json.
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { listNeedsAttention } from '../lib/attention/needs-attention'
import type { Database } from '../lib/db/database'
import { openBenchDatabase } from './support/database'
import { parseTargets, targetOptions, wholeNumber, type Target } from './support/args'
import { describeMachine, formatTable, loadAverage, log, machineInfo, writeResults } from './support/report'
import { summarize, type Summary } from './support/stats'

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '200' },
    short: { type: 'string', default: '30' },
    long: { type: 'string', default: '400' },
    reads: { type: 'string', default: '20' },
    ...targetOptions('pglite,postgres'),
  },
})

const settings = {
  clients: wholeNumber('clients', args.clients, { min: 1 }),
  short: wholeNumber('short', args.short, { min: 1 }),
  long: wholeNumber('long', args.long, { min: 1 }),
  reads: wholeNumber('reads', args.reads, { min: 1 }),
  targets: parseTargets(args.targets),
  adminUrl: args['admin-url'],
}

async function seed(db: Database, sessionsPerClient: number) {
  const coach = randomUUID()
  return db.asService(async (tx) => {
    await tx.query(
      `insert into auth.users (id, email, encrypted_password, raw_user_meta_data)
       select id, id::text || '@example.test', 'x', jsonb_build_object('display_name', name)
       from (values ($1::uuid, 'Bench Coach')) v(id, name)
       union all
       select gen_random_uuid(), gen_random_uuid()::text || '@example.test', 'x', jsonb_build_object('display_name', 'Client ' || n)
       from generate_series(1, $2::int) n`,
      [coach, settings.clients],
    )
    const [program] = await tx.query<{ id: string }>(`insert into public.programs (name, created_by) values ('Bench', $1) returning id`, [coach])
    await tx.query(
      `insert into public.program_members (program_id, user_id, role, created_at)
       select $1, id, 'client', now() - interval '3 years' from auth.users where id <> $2`,
      [program!.id, coach],
    )
    await tx.query(
      `insert into public.coaching_sessions
         (user_id, coach_id, program_id, session_type, source, visibility, title, has_conversation, due_at, session_date, started_at, completed_at)
       select m.user_id, $2, $1, 'self_coaching', 'coach_assigned', 'shared', 'Training ' || n, false,
              d, d::date, case when n % 5 <> 0 then d - interval '1 hour' end, case when n % 5 <> 0 then d end
       from public.program_members m
       cross join generate_series(1, $3::int) n
       cross join lateral (select now() - make_interval(days => 2 * n - 1) as d) day
       where m.program_id = $1 and m.role = 'client'`,
      [program!.id, coach, sessionsPerClient],
    )
    await tx.query(
      `insert into public.measures (session_id, user_id, metric_key, value_numeric, recorded_by, recorder_id, recorded_at)
       select s.id, s.user_id, k, 5, 'client', s.user_id, s.started_at
       from public.coaching_sessions s cross join (values ('reps'), ('weight')) v(k)
       where s.program_id = $1 and s.started_at is not null`,
      [program!.id],
    )
    // Every tenth client: a check-in in the last week with a readiness of 2, paused.
    await tx.query(
      `with picked as (
         select m.user_id from public.program_members m where m.program_id = $1 and m.role = 'client' order by m.user_id
       ), numbered as (select user_id, row_number() over () r from picked)
       insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, started_at, paused_at)
       select user_id, $2, $1, 'self_coaching', 'coach_assigned', 'shared', 'Check-in', now() - interval '3 days', now() - interval '3 days'
       from numbered where r % 10 = 0`,
      [program!.id, coach],
    )
    await tx.query(
      `insert into public.stage_responses (session_id, stage_number, stage_name, responses, completed_at)
       select id, 1, 'check_in', '{"fields": {"readinessScore": 2}}', started_at from public.coaching_sessions where title = 'Check-in' and program_id = $1`,
      [program!.id],
    )
    const [counts] = await tx.query<{ sessions: number; measures: number }>(
      `select (select count(*)::int from public.coaching_sessions) as sessions, (select count(*)::int from public.measures) as measures`,
    )
    return { coach, counts: counts! }
  })
}

interface Run {
  history: number
  seeded: { sessions: number; measures: number }
  listed: number
  summary: Summary
}

async function runOnce(target: Target, history: number): Promise<Run> {
  const { db, close: cleanup } = await openBenchDatabase(target, settings.adminUrl)
  try {
    const started = performance.now()
    const { coach, counts } = await seed(db, history)
    await db.asService((tx) => tx.query('analyze'))
    log(`${target}: ${counts.sessions} sessions, ${counts.measures} measures seeded in ${Math.round(performance.now() - started)} ms`)
    const first = await listNeedsAttention(db, { userId: coach })
    if (first.clients.length === 0) throw new Error('the list is empty: the seed should make clients need attention')
    const samples: number[] = []
    for (let i = 0; i < settings.reads; i++) {
      const t = performance.now()
      await listNeedsAttention(db, { userId: coach })
      samples.push(performance.now() - t)
    }
    return { history, seeded: counts, listed: first.clients.length + first.more, summary: summarize(samples) }
  } finally {
    await cleanup()
  }
}

console.log(`Needs attention for a coach with ${settings.clients} clients, as the coach under RLS (${describeMachine(machineInfo())}, load ${loadAverage()})`)
const results: { target: Target; short: Run; long: Run; ratio: number }[] = []
for (const target of settings.targets) {
  const short = await runOnce(target, settings.short)
  const long = await runOnce(target, settings.long)
  results.push({ target, short, long, ratio: Math.round((long.summary.p50 / short.summary.p50) * 100) / 100 })
}
console.log(`load after: ${loadAverage()}\n`)
console.log(
  formatTable(
    ['target', 'sessions per client', 'sessions in all', 'clients listed', 'p50 ms', 'p95 ms'],
    results.flatMap((r) =>
      [r.short, r.long].map((run) => [r.target, String(run.history), String(run.seeded.sessions), String(run.listed), String(run.summary.p50), String(run.summary.p95)]),
    ),
  ),
)
for (const r of results) console.log(`${r.target}: p50 with ${settings.long} sessions per client ÷ with ${settings.short} = ${r.ratio}`)
console.log(`\nwrote ${writeResults('attention', { description: 'the needs-attention list for a coach with many clients (bench/attention.ts)', settings, results })}`)
