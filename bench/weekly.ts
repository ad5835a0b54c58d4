/**
 * Benchmark: the weekly-reviews job writing 1,000 clients' reviews (issue 13) with a model
 * that takes `--latency-ms` to answer, one client at a time and `--concurrency` at a time.
 *
 *   npx tsx bench/weekly.ts [--clients 1000] [--latency-ms 200] [--concurrency 10] [--sample 50]
 *
 * 1. A fresh embedded database (PGlite, migrated as the app does) in a temporary folder:
 *    `--clients` clients, each with one logged session last week (two strength sets and an
 *    effort rating) and a client turn in its conversation.
 * 2. A fake OpenAI-compatible server in this process (node:http on 127.0.0.1) answers each
 *    chat completion with a valid review after `--latency-ms`; it counts the calls and the
 *    most answered at once.
 * 3. Concurrency 1: `writeWeeklyReview` for the first `--sample` clients one after another
 *    (1,000 would take 1,000 × the latency); the time for all is projected from it.
 * 4. The job's own `writeDueReviews` with `--concurrency` workers for every client, timed;
 *    then once more, which must write nothing and ask the model nothing (inputs unchanged).
 * Prints a table and writes bench/results/weekly.json. The fake model, the database and the
 * job share this machine's CPUs.
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { getChatModel } from '../lib/ai/model'
import { openMigratedDatabase } from '../lib/db/open'
import { writeDueReviews, writeWeeklyReview } from '../lib/weekly/review'
import { wholeNumber } from './support/args'
import { describeMachine, formatTable, loadAverage, log, machineInfo, writeResults } from './support/report'

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '10' },
    sample: { type: 'string', default: '50' },
  },
})
const clients = wholeNumber('clients', args.clients, { min: 1 })
const latencyMs = wholeNumber('latency-ms', args['latency-ms'], { min: 0 })
const concurrency = wholeNumber('concurrency', args.concurrency, { min: 1 })
const sample = Math.min(clients, wholeNumber('sample', args.sample, { min: 1 }))

// ─── the fake model ──────────────────────────────────────────────────────────────────

let calls = 0
let inFlight = 0
let mostInFlight = 0
const words = {
  fatigueAnalysis: 'Effort was steady across the week.',
  patterns: ['Strength work done as planned.'],
  suggestions: [{ suggestion: 'Keep the same rhythm next week.', reasoning: 'You logged the planned session.' }],
}
const fake = http.createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    calls += 1
    inFlight += 1
    mostInFlight = Math.max(mostInFlight, inFlight)
    setTimeout(() => {
      inFlight -= 1
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify({
          id: `c-${calls}`,
          object: 'chat.completion',
          created: 0,
          model: 'bench-review-model',
          choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(words) }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 400, completion_tokens: 80, total_tokens: 480 },
        }),
      )
    }, latencyMs)
  })
})
await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve))
const address = fake.address()
if (!address || typeof address === 'string') throw new Error('The fake model did not get a port')
const ai = getChatModel({ OPENAI_BASE_URL: `http://127.0.0.1:${address.port}/v1`, AI_MODEL: 'bench-review-model', OPENAI_API_KEY: undefined, AI_TIMEOUT_MS: 60_000 })!

// ─── the database ────────────────────────────────────────────────────────────────────

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecoach-bench-weekly-'))
console.log(`weekly reviews: ${clients} clients, model latency ${latencyMs} ms, concurrency 1 (sample of ${sample}) vs ${concurrency}`)
log(`machine: ${describeMachine(machineInfo())}, load ${loadAverage()}`)
const db = await openMigratedDatabase({ DATABASE_URL: undefined, dataDirectory: dataDir })
// Last week, whatever today is: Monday of the week before this one (UTC), and a time after it ended.
const now = new Date()
const thisMonday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7)))
const weekStart = new Date(thisMonday.getTime() - 7 * 86_400_000).toISOString().slice(0, 10)
const day = new Date(thisMonday.getTime() - 5 * 86_400_000).toISOString().slice(0, 10) // that week's Wednesday

try {
  const seeded = performance.now()
  const ids = Array.from({ length: clients }, () => randomUUID())
  await db.asService(async (tx) => {
    for (let from = 0; from < ids.length; from += 500) {
      const batch = ids.slice(from, from + 500)
      await tx.query(
        `insert into auth.users (id, email, encrypted_password, raw_user_meta_data)
         select id, 'bench-' || id || '@example.test', 'not-a-real-hash', jsonb_build_object('display_name', 'Client ' || n)
         from unnest($1::uuid[]) with ordinality as u(id, n)`,
        [`{${batch.join(',')}}`],
      )
      await tx.query(
        `with s as (
           insert into public.coaching_sessions (user_id, session_type, source, visibility, title, has_conversation, session_date, started_at, completed_at)
           select id, 'self_coaching', 'self_assigned', 'private', 'Training', true, $2::date, $2::date + time '08:00', $2::date + time '09:00' from unnest($1::uuid[]) as u(id)
           returning id, user_id
         ), m as (
           insert into public.measures (session_id, user_id, metric_key, set_number, value_numeric, value_scale, recorded_by)
           select s.id, s.user_id, v.metric, v.set_number, v.numeric, v.scale, 'client' from s,
             (values ('weight', 1, 60::numeric, null::int), ('reps', 1, 8, null), ('weight', 2, 60, null), ('reps', 2, 8, null), ('rpe', null, null, 7)) as v(metric, set_number, numeric, scale)
           returning 1
         )
         insert into public.stage_responses (session_id, stage_number, stage_name, responses)
         select s.id, 1, 'check_in', jsonb_build_object('transcript', jsonb_build_array(jsonb_build_object('id', gen_random_uuid(), 'role', 'client', 'content', 'Legs felt heavy but I got it done.', 'at', $2::date || 'T08:05:00Z'))) from s`,
        [`{${batch.join(',')}}`, day],
      )
    }
  })
  log(`seeded ${clients} clients' weeks (${weekStart}) in ${((performance.now() - seeded) / 1000).toFixed(1)} s`)

  // Concurrency 1: a sample, one client after another.
  const oneAtATime = performance.now()
  for (const clientId of ids.slice(0, sample)) await writeWeeklyReview({ db, ai }, { clientId, weekStart })
  const sampleSeconds = (performance.now() - oneAtATime) / 1000
  const sampleCalls = calls
  await db.asService((tx) => tx.query('delete from public.weekly_reviews'))
  log(`concurrency 1: ${sample} reviews in ${sampleSeconds.toFixed(1)} s`)

  // The job, `concurrency` at a time, every client.
  calls = 0
  mostInFlight = 0
  const started = performance.now()
  const counts = await writeDueReviews({ db, ai }, { now, concurrency })
  const jobSeconds = (performance.now() - started) / 1000
  const jobCalls = calls
  const jobMostInFlight = mostInFlight
  log(`concurrency ${concurrency}: ${JSON.stringify(counts)} in ${jobSeconds.toFixed(1)} s`)

  calls = 0
  const againStarted = performance.now()
  const again = await writeDueReviews({ db, ai }, { now, concurrency })
  const againSeconds = (performance.now() - againStarted) / 1000
  log(`again: ${JSON.stringify(again)} in ${againSeconds.toFixed(1)} s, ${calls} model calls`)
  if (counts.written !== clients || again.unchanged !== clients || calls !== 0) {
    throw new Error(`Expected ${clients} written, then ${clients} unchanged and no model call`)
  }

  const perClientOne = (sampleSeconds / sample) * 1000
  const rows = [
    ['1 (sample)', String(sample), sampleSeconds.toFixed(1), perClientOne.toFixed(0), ((perClientOne * clients) / 1000).toFixed(0), String(sampleCalls), '1'],
    [String(concurrency), String(clients), jobSeconds.toFixed(1), ((jobSeconds / clients) * 1000).toFixed(0), jobSeconds.toFixed(0), String(jobCalls), String(jobMostInFlight)],
    [`${concurrency}, again`, String(clients), againSeconds.toFixed(1), ((againSeconds / clients) * 1000).toFixed(0), againSeconds.toFixed(0), '0', '0'],
  ]
  console.log(`\n${formatTable(['concurrency', 'clients', 'seconds', 'ms / client', `s for ${clients}`, 'model calls', 'most at once'], rows)}`)
  console.log(`\nIdeal with ${latencyMs} ms per call: ${((clients * latencyMs) / 1000).toFixed(0)} s one at a time, ${((clients * latencyMs) / 1000 / concurrency).toFixed(0)} s at ${concurrency}.`)
  const file = writeResults('weekly', {
    description: 'The weekly-reviews job for N clients with a fake model of fixed latency: one at a time (a sample, projected) vs the job’s bounded concurrency; then a second run (inputs unchanged).',
    machine: machineInfo(),
    load: loadAverage(),
    clients,
    latencyMs,
    concurrencyOne: { sample, seconds: sampleSeconds, projectedSeconds: (perClientOne * clients) / 1000 },
    concurrent: { concurrency, seconds: jobSeconds, modelCalls: jobCalls, mostAtOnce: jobMostInFlight, counts },
    again: { seconds: againSeconds, counts: again },
  })
  log(`results: ${file}`)
} finally {
  await db.close()
  fake.close()
  fs.rmSync(dataDir, { recursive: true, force: true })
}
