/**
 * Benchmark: "Download my data" for a heavy client (issue 15): two years of weekly
 * sessions, each with all five stages (a transcript of `--messages` messages per stage and
 * its fields), a summary, two plans with three milestones each, and a coach who led some of
 * them — the export as the app makes it (exportAccount: read as the client under row-level
 * security in one transaction, every file checked by its schema, zipped, recorded in the
 * audit log).
 *
 *   npx tsx bench/export.ts [--weeks 104] [--messages 12] [--runs 5] [--targets pglite,postgres] [--admin-url …]
 *
 * Prints, per target, the export's time (p50 and max of `--runs`, after one warm-up), its
 * size and what it held, and writes bench/results/export.json.
 */
import { randomUUID } from 'node:crypto'
import { parseArgs } from 'node:util'
import { exportAccount, readExport } from '../lib/account/export'
import { openMigratedDatabase } from '../lib/db/open'
import { parseTargets, targetOptions, wholeNumber } from './support/args'
import { describeMachine, formatTable, log, machineInfo, writeResults } from './support/report'
import { Cleanup, prepareTarget } from './support/server'
import { round, summarize } from './support/stats'

const { values: args } = parseArgs({
  options: {
    weeks: { type: 'string', default: '104' },
    messages: { type: 'string', default: '12' },
    runs: { type: 'string', default: '5' },
    ...targetOptions('pglite,postgres'),
  },
})

const settings = {
  weeks: wholeNumber('weeks', args.weeks, { min: 1 }),
  messages: wholeNumber('messages', args.messages, { min: 1 }),
  runs: wholeNumber('runs', args.runs, { min: 1 }),
  targets: parseTargets(args.targets),
}

const stageNames = ['check_in', 'starting_point', 'connect', 'finish', 'check_out']

interface TargetResult {
  target: string
  sessions: number
  stageResponses: number
  actionPlans: number
  milestones: number
  zipBytes: number
  p50Ms: number
  maxMs: number
}

const cleanup = new Cleanup()
const results: TargetResult[] = []
console.log(`Export of a client with ${settings.weeks} weekly sessions (${settings.messages} messages per stage), ${describeMachine(machineInfo())}`)

try {
  for (const target of settings.targets) {
    console.log(`\n━━ ${target} ━━`)
    const { dataDir, databaseUrl } = await prepareTarget(cleanup, target, { tempPrefix: `stagecoach-bench-export-${target}-`, adminUrl: args['admin-url'] })
    const db = await openMigratedDatabase({ DATABASE_URL: databaseUrl, dataDirectory: dataDir })
    cleanup.add('closing the database', () => db.close())
    const client = randomUUID()
    const coach = randomUUID()
    const loaded = performance.now()
    await db.asService(async (tx) => {
      await tx.query(
        `insert into auth.users (id, email, encrypted_password, raw_user_meta_data)
         values ($1, 'heavy@example.com', 'x', '{"display_name": "Heavy Client"}'), ($2, 'coach@example.com', 'x', '{"display_name": "Their Coach"}')`,
        [client, coach],
      )
      const [program] = await tx.query<{ id: string }>(`insert into public.programs (name, created_by) values ('Weekly', $1) returning id`, [coach])
      await tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [program!.id, client])
      // One session a week, every fourth one led by the coach (and released), all completed.
      await tx.query(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, current_stage,
                                               summary, session_date, started_at, completed_at, released_at)
         select $1, case when w % 4 = 0 then $2::uuid end, case when w % 4 = 0 then $3::uuid end,
                case when w % 4 = 0 then 'coach_led' else 'self_coaching' end,
                case when w % 4 = 0 then 'coach_assigned' else 'self_assigned' end,
                case when w % 4 = 0 then 'shared' else 'private' end,
                'Week ' || w || ': ' || (array['work', 'sleep', 'running', 'family', 'money'])[1 + w % 5], 5,
                jsonb_build_object('topic', 'Week ' || w, 'insights', jsonb_build_array(repeat('An insight about the week. ', 8)), 'goal', repeat('A goal. ', 10)),
                current_date - (($4 - w) * 7), now() - (($4 - w) * interval '7 days'), now() - (($4 - w) * interval '7 days') + interval '1 hour',
                case when w % 4 = 0 then now() - (($4 - w) * interval '7 days') + interval '2 hours' end
         from generate_series(1, $4) w`,
        [client, coach, program!.id, settings.weeks],
      )
      await tx.query(
        `insert into public.stage_responses (session_id, stage_number, stage_name, responses, completed_at)
         select s.id, n, ($2::text[])[n],
                jsonb_build_object(
                  'transcript', (select jsonb_agg(jsonb_build_object('id', 'm' || m, 'role', case when m % 2 = 0 then 'client' else 'assistant' end,
                                                                     'content', repeat('Something said in this stage of the conversation. ', 4), 'at', now()))
                                 from generate_series(1, $1) m),
                  'fields', jsonb_build_object('note', repeat('A field. ', 12)), 'fieldsDraft', null),
                s.completed_at
         from public.coaching_sessions s cross join generate_series(1, 5) n`,
        [settings.messages, stageNames],
      )
      await tx.query(
        `insert into public.action_plans (session_id, user_id, title, description, status, timeline_end)
         select s.id, s.user_id, 'Plan ' || p || ' of ' || s.title, repeat('What the plan is for. ', 6),
                (array['pending', 'in_progress', 'completed', 'blocked'])[1 + p % 4], s.session_date + 14
         from public.coaching_sessions s cross join generate_series(1, 2) p`,
      )
      await tx.query(
        `insert into public.milestones (action_plan_id, title, position, completed)
         select a.id, 'Step ' || k, k, k = 1 from public.action_plans a cross join generate_series(1, 3) k`,
      )
    })
    log(`loaded in ${((performance.now() - loaded) / 1000).toFixed(1)} s`)

    const counts = await readExport(db, { userId: client }) // warm-up, and what it holds
    const samples: number[] = []
    let zipBytes = 0
    for (let run = 0; run < settings.runs; run++) {
      const started = performance.now()
      const { zip } = await exportAccount(db, { userId: client })
      samples.push(performance.now() - started)
      zipBytes = zip.byteLength
    }
    const summary = summarize(samples)
    results.push({
      target,
      sessions: counts['sessions.json'].length,
      stageResponses: counts['stage-responses.json'].length,
      actionPlans: counts['action-plans.json'].length,
      milestones: counts['milestones.json'].length,
      zipBytes,
      p50Ms: round(summary.p50, 1),
      maxMs: round(summary.max, 1),
    })
  }
} finally {
  await cleanup.run()
}

console.log(
  '\n' +
    formatTable(
      ['target', 'sessions', 'stages', 'plans', 'milestones', 'ZIP (KB)', 'export p50 (ms)', 'max (ms)'],
      results.map((r) => [r.target, String(r.sessions), String(r.stageResponses), String(r.actionPlans), String(r.milestones), String(Math.round(r.zipBytes / 1024)), String(r.p50Ms), String(r.maxMs)]),
    ),
)
console.log(`\nwrote ${writeResults('export', { description: 'Download my data for a client with two years of weekly sessions', settings, results })}`)
