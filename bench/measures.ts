/**
 * Benchmark: recording a measure and reading a client's progress with two years of history
 * (issue 12). In process, through lib/measures, as the signed-in user under row-level
 * security — the database work a request does, without HTTP.
 *
 *   npx tsx bench/measures.ts [--sessions 700] [--measures 20000] [--records 200] [--reads 30]
 *                             [--targets pglite,postgres] [--admin-url …]
 *
 * For each target: a fresh migrated database; one client in a coach's program with
 * `--sessions` assigned training sessions over the last two years (a strength item with a
 * weight and a reps target), `--measures` measures across them (sets of weight, reps and
 * RPE, as the service imports history) and a monthly 1RM. Then, as the client:
 *   - record `--records` measures one after another (the first starts today's session);
 *   - `--reads` times each read of a progress page: the weight history (the last 200
 *     values), the session's compliance, 7/30/90-day adherence, current benchmarks, the 1RM
 *     over time, and everything the progress page reads together (clientProgress: weekly
 *     adherence, benchmarks, a metric against its target, ratings); and the same as the coach.
 * Prints p50/p95 per step and writes bench/results/measures.json.
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { benchmarkHistory, currentBenchmarks } from '../lib/measures/benchmarks'
import { clientAdherence, measureHistory, recordMeasure, sessionCompliance } from '../lib/measures/measures'
import { clientProgress } from '../lib/measures/progress'
import type { Database } from '../lib/db/database'
import { openBenchDatabase } from './support/database'
import { parseTargets, targetOptions, wholeNumber, type Target } from './support/args'
import { describeMachine, formatTable, loadAverage, log, machineInfo, writeResults } from './support/report'
import { summarize, type Summary } from './support/stats'

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '700' },
    measures: { type: 'string', default: '20000' },
    records: { type: 'string', default: '200' },
    reads: { type: 'string', default: '30' },
    ...targetOptions('pglite,postgres'),
  },
})

const settings = {
  sessions: wholeNumber('sessions', args.sessions, { min: 1 }),
  measures: wholeNumber('measures', args.measures, { min: 1 }),
  records: wholeNumber('records', args.records, { min: 1 }),
  reads: wholeNumber('reads', args.reads, { min: 1 }),
  targets: parseTargets(args.targets),
  adminUrl: args['admin-url'],
}

async function timed<T>(samples: number[], work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await work()
  samples.push(performance.now() - started)
  return result
}

async function seed(db: Database) {
  const ids = { client: randomUUID(), coach: randomUUID() }
  return db.asService(async (tx) => {
    for (const [id, name] of [[ids.client, 'Bench Client'], [ids.coach, 'Bench Coach']] as const) {
      await tx.query(`insert into auth.users (id, email, encrypted_password, raw_user_meta_data) values ($1, $2, 'x', $3::jsonb)`, [
        id,
        `${id}@example.test`,
        JSON.stringify({ display_name: name }),
      ])
    }
    const [program] = await tx.query<{ id: string }>(`insert into public.programs (name, created_by) values ('Bench', $1) returning id`, [ids.coach])
    // (The program's creator is its coach already.)
    await tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [program!.id, ids.client])
    const [squat] = await tx.query<{ id: string }>(`select id from public.exercises where program_id is null and name = 'Back squat'`)
    const [template] = await tx.query<{ id: string }>(`insert into public.session_templates (program_id, title) values ($1, 'Squat day') returning id`, [program!.id])
    const itemKey = randomUUID()
    const metrics = [
      { key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100, targetMin: null, targetMax: null, benchmark: false },
      { key: randomUUID(), kind: 'number', label: 'Reps', unit: 'reps', target: 5, targetMin: null, targetMax: null, benchmark: false },
    ]
    await tx.query(
      `insert into public.template_items (template_id, program_id, key, position, kind, title, exercise_id, prescription, metrics)
       values ($1, $2, $3, 0, 'exercise', 'Back squat', $4, '{"type": "strength", "sets": 5, "reps": 5, "intensity": {"kind": "percent_1rm", "value": 80}, "restSeconds": 180, "tempo": null}', $5::jsonb)`,
      [template!.id, program!.id, itemKey, squat!.id, JSON.stringify(metrics)],
    )
    // Two years of assigned sessions, about one a day; nine in ten done (the rest never started).
    await tx.query(
      `insert into public.coaching_sessions
         (user_id, coach_id, program_id, session_type, source, visibility, title, session_template_id, has_conversation,
          due_at, session_date, started_at, completed_at)
       select $1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'Squat day', $4, false,
              d + interval '20 hours', d::date,
              case when n % 10 <> 0 then d + interval '18 hours' end, case when n % 10 <> 0 then d + interval '19 hours' end
       from generate_series(1, $5::int) n, lateral (select now() - make_interval(days => (730 * n / $5::int)::int + 1) as d) day`,
      [ids.client, ids.coach, program!.id, template!.id, settings.sessions],
    )
    const perSession = Math.max(1, Math.ceil(settings.measures / settings.sessions))
    await tx.query(
      `insert into public.measures (session_id, user_id, item_key, metric_key, set_number, value_numeric, value_scale, recorded_by, recorder_id, recorded_at)
       select s.id, $1, $2::uuid, k.key, (i - 1) / 3 + 1,
              case when k.key = 'rpe' then null when k.key = 'reps' then 5 else 80 + (i % 7) * 2.5 end,
              case when k.key = 'rpe' then 7 + i % 3 end,
              'client', $1, coalesce(s.started_at, s.due_at) + make_interval(mins => i)
       from (select id, started_at, due_at, row_number() over (order by due_at) r from public.coaching_sessions where user_id = $1) s
       cross join generate_series(1, $3::int) i
       cross join lateral (select case i % 3 when 1 then $4 when 2 then $5 else 'rpe' end as key) k
       where (s.r - 1) * $3::int + i <= $6::int`,
      [ids.client, itemKey, perSession, metrics[0]!.key, metrics[1]!.key, settings.measures],
    )
    await tx.query(
      `insert into public.benchmarks (user_id, program_id, kind, exercise_id, value, unit, recorded_on)
       select $1, $2, 'one_rep_max', $3, 100 + m * 1.25, 'kg', (now() - make_interval(months => 24 - m))::date from generate_series(0, 23) m`,
      [ids.client, program!.id, squat!.id],
    )
    const [latest] = await tx.query<{ id: string }>(`select id from public.coaching_sessions where user_id = $1 and completed_at is not null order by due_at desc limit 1`, [ids.client])
    const [counts] = await tx.query<{ sessions: number; measures: number }>(
      `select (select count(*)::int from public.coaching_sessions where user_id = $1) as sessions, (select count(*)::int from public.measures where user_id = $1) as measures`,
      [ids.client],
    )
    return { ...ids, squatId: squat!.id, weightKey: metrics[0]!.key, latestSession: latest!.id, counts: counts! }
  })
}

async function runTarget(target: Target): Promise<{ target: Target; seeded: { sessions: number; measures: number }; steps: Record<string, Summary> }> {
  const { db, close: cleanup } = await openBenchDatabase(target, settings.adminUrl)
  try {
    const seedStarted = performance.now()
    const s = await seed(db)
    // Statistics for the new rows, as autovacuum would gather them after a bulk load.
    await db.asService((tx) => tx.query('analyze'))
    log(`${target}: seeded ${s.counts.sessions} sessions and ${s.counts.measures} measures in ${Math.round(performance.now() - seedStarted)} ms`)

    const record: number[] = []
    for (let i = 0; i < settings.records; i++) {
      await timed(record, () =>
        recordMeasure(db, {
          userId: s.client,
          sessionId: null,
          itemKey: null,
          exerciseId: s.squatId,
          metricKey: i % 2 === 0 ? 'weight' : 'reps',
          setNumber: Math.floor(i / 2) % 50 + 1,
          value: { kind: 'number', value: i % 2 === 0 ? 100 : 5 },
          unit: null,
          modification: null,
        }),
      )
    }

    const steps: Record<string, number[]> = { 'record a measure': record }
    const reads = (viewer: 'client' | 'coach'): Record<string, () => Promise<unknown>> => {
      const userId = viewer === 'client' ? s.client : s.coach
      return {
        [`${viewer}: weight history (200)`]: () => measureHistory(db, { userId, clientId: s.client, metricKey: s.weightKey, limit: 200 }),
        [`${viewer}: session compliance`]: () => sessionCompliance(db, { userId, sessionId: s.latestSession }),
        [`${viewer}: adherence 7/30/90`]: () => clientAdherence(db, { userId, clientId: s.client }),
        [`${viewer}: current benchmarks`]: () => currentBenchmarks(db, { userId, clientId: s.client }),
        [`${viewer}: 1RM over time`]: () => benchmarkHistory(db, { userId, clientId: s.client, kind: 'one_rep_max', exerciseId: s.squatId }),
        // Everything the progress page reads (lib/measures/progress.ts), together.
        [`${viewer}: whole progress page`]: () => clientProgress(db, { userId, clientId: s.client }),
      }
    }
    for (const [name, read] of Object.entries({ ...reads('client'), ...reads('coach') })) {
      const rows = await read()
      if (Array.isArray(rows) && rows.length === 0) throw new Error(`${name} read nothing`)
      const samples: number[] = []
      for (let i = 0; i < settings.reads; i++) await timed(samples, read)
      steps[name] = samples
    }
    return { target, seeded: s.counts, steps: Object.fromEntries(Object.entries(steps).map(([name, samples]) => [name, summarize(samples)])) }
  } finally {
    await cleanup()
  }
}

console.log(`Measures: recording and a progress page's reads, as the user under RLS (${describeMachine(machineInfo())}, load ${loadAverage()})`)
const results = []
for (const target of settings.targets) results.push(await runTarget(target))
console.log(`load after: ${loadAverage()}`)
for (const result of results) {
  console.log(`\n${result.target} — ${result.seeded.sessions} sessions, ${result.seeded.measures} measures`)
  console.log(
    formatTable(
      ['step', 'n', 'p50 ms', 'p95 ms', 'max ms'],
      Object.entries(result.steps).map(([name, summary]) => [name, String(summary.n), String(summary.p50), String(summary.p95), String(summary.max)]),
    ),
  )
}
console.log(`\nwrote ${writeResults('measures', { description: 'recording a measure and a progress page’s reads (bench/measures.ts)', settings, results })}`)
