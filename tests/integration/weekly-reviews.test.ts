/**
 * The weekly review (issue 13, point 3) on a real Postgres: its numbers counted in SQL
 * against a hand-counted week (adherence, strength volume with a corrected set, endurance by
 * modality, average effort, the reasons given), the job written twice and storing one review,
 * a failing model call retried and leaving nothing half-written (also as the real job on the
 * queue: retried, then kept as failed with its error), the words' schema refusing a
 * suggestion without its reasoning, the model writing only the words, what the client said
 * in the week's sessions reaching the model only from sessions the reader may see (bounded,
 * and part of the inputs), and who may read,
 * edit and release a review — the client only once released, their coach always, nobody else.
 */
import { randomUUID } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getChatModel } from '#lib/ai/model'
import { weeklyReviewsJob } from '#lib/jobs/definitions'
import { openJobQueue } from '#lib/jobs/queue'
import { createProgram } from '#lib/programs/programs'
import { editWeeklyReview, getWeeklyReview, releaseWeeklyReview, reviewWordsSchema, saidLimits, weekNumbers, weekSaid, writeDueReviews, writeWeeklyReview } from '#lib/weekly/review'
import { caught } from '../support/app-error'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'
import { allowConsoleError } from '../support/setup'

let testDb: TestDatabase
let coach = ''
let otherCoach = ''
let client = ''
let soloClient = ''
let programId = ''
// Monday 1 February 2027; the week ends Sunday the 7th, and is over from Monday the 8th (UTC).
const week = '2027-02-01'
const afterTheWeek = new Date('2027-02-09T12:00:00Z')
const strengthKey = randomUUID()
const runKey = randomUUID()

const service = <T extends object>(sql: string, params: unknown[]) => testDb.db.asService((tx) => tx.query<T>(sql, params))

async function session(userId: string, { dueOn, completed, items, coachId = null }: { dueOn: string; completed: boolean; items: unknown[]; coachId?: string | null }) {
  const [row] = await service<{ id: string }>(
    `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, items, has_conversation, due_at, session_date, started_at, completed_at)
     values ($1, $2, $3, 'self_coaching', $4, $5, 'Training', $6::jsonb, false, ($7::date + 1)::timestamp at time zone 'UTC' - interval '1 second', $7::date,
             $7::timestamptz, case when $8 then $7::timestamptz + interval '1 hour' end) returning id`,
    [userId, coachId, coachId ? programId : null, coachId ? 'coach_assigned' : 'self_assigned', coachId ? 'shared' : 'private', JSON.stringify(items), dueOn, completed],
  )
  return row!.id
}

/** A session of the week with a conversation and no due date or measures, so the week's numbers stay as counted. */
async function talk(userId: string, { on, shared, said }: { on: string; shared: boolean; said: string[] }) {
  const [row] = await service<{ id: string }>(
    `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, session_date, started_at, completed_at)
     values ($1, $2, $3, 'self_coaching', 'self_assigned', $4, 'Check-in', $5::date, $5::timestamptz, $5::timestamptz + interval '1 hour') returning id`,
    [userId, shared ? coach : null, shared ? programId : null, shared ? 'shared' : 'private', on],
  )
  const transcript = said.flatMap((text, i) => [
    { id: randomUUID(), role: 'assistant', content: 'How did it go?', at: `${on}T08:${String(i).padStart(2, '0')}:00.000Z` },
    { id: randomUUID(), role: 'client', content: text, at: `${on}T08:${String(i).padStart(2, '0')}:30.000Z` },
  ])
  await service(`insert into public.stage_responses (session_id, stage_number, stage_name, responses) values ($1, 1, 'check_in', $2::jsonb)`, [row!.id, JSON.stringify({ transcript })])
  return row!.id
}

async function measure(sessionId: string, userId: string, values: Record<string, unknown>) {
  const [row] = await service<{ id: string }>(
    `insert into public.measures (session_id, user_id, item_key, metric_key, set_number, value_numeric, value_scale, modification, modification_reason, recorded_by, supersedes_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'client', $10) returning id`,
    [sessionId, userId, values.itemKey ?? null, values.metricKey, values.setNumber ?? null, values.numeric ?? null, values.scale ?? null, values.modification ?? null, values.reason ?? null, values.supersedes ?? null],
  )
  return row!.id
}

beforeAll(async () => {
  testDb = await createTestDatabase()
  coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  otherCoach = await createUser(testDb.db, { displayName: 'Coach Olu' })
  client = await createUser(testDb.db, { displayName: 'Diego' })
  soloClient = await createUser(testDb.db, { displayName: 'Sol' })
  programId = await createProgram(testDb.db, { userId: coach, name: 'North Star' })
  await createProgram(testDb.db, { userId: otherCoach, name: 'Elsewhere' })
  await service(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [programId, client])

  const strength = [{ key: strengthKey, kind: 'drill', title: 'Squats', instructions: '', exercise: null, prescription: { type: 'strength', sets: 2, reps: 5, intensity: null, restSeconds: null, tempo: null }, metrics: [] }]
  const run = [{ key: runKey, kind: 'drill', title: 'Tempo run', instructions: '', exercise: null, prescription: { type: 'endurance', modality: 'run', durationMinutes: 40, distanceKm: null, intensity: null }, metrics: [] }]
  // Done on Tuesday: two sets of 100 kg, 5 then 5 corrected to 6; effort 8.
  const tuesday = await session(client, { dueOn: '2027-02-02', completed: true, items: strength, coachId: coach })
  await measure(tuesday, client, { itemKey: strengthKey, metricKey: 'weight', setNumber: 1, numeric: 100 })
  await measure(tuesday, client, { itemKey: strengthKey, metricKey: 'reps', setNumber: 1, numeric: 5 })
  await measure(tuesday, client, { itemKey: strengthKey, metricKey: 'weight', setNumber: 2, numeric: 100 })
  const five = await measure(tuesday, client, { itemKey: strengthKey, metricKey: 'reps', setNumber: 2, numeric: 5 })
  await measure(tuesday, client, { itemKey: strengthKey, metricKey: 'reps', setNumber: 2, numeric: 6, supersedes: five })
  await measure(tuesday, client, { itemKey: strengthKey, metricKey: 'rpe', scale: 8 })
  // Planned for Thursday, not completed: 40 minutes and 8 km of running, the strides skipped.
  const thursday = await session(client, { dueOn: '2027-02-04', completed: false, items: run, coachId: coach })
  await measure(thursday, client, { itemKey: runKey, metricKey: 'duration', numeric: 40 })
  await measure(thursday, client, { itemKey: runKey, metricKey: 'distance', numeric: 8 })
  await measure(thursday, client, { itemKey: runKey, metricKey: 'avg_power', modification: 'skipped', reason: 'Knee felt sore' })
  // A client with no program, coaching themself.
  const solo = await session(soloClient, { dueOn: '2027-02-03', completed: true, items: strength })
  await measure(solo, soloClient, { itemKey: strengthKey, metricKey: 'rpe', scale: 5 })
})

afterAll(async () => {
  await testDb?.close()
})

describe('the numbers, in SQL', () => {
  it('counts adherence, strength volume (the corrected set counting), endurance by modality, effort and the reasons given', async () => {
    const numbers = await testDb.db.asService((tx) => weekNumbers(tx, { clientId: client, weekStart: week }))
    expect(numbers).toEqual({
      weekStart: week,
      due: 2,
      completed: 1,
      adherence: 0.5,
      loggedSessions: 2,
      strengthKg: 1100,
      sets: 2,
      endurance: [{ modality: 'run', minutes: 40, distanceKm: 8 }],
      averageRpe: 8,
      reasons: ['Knee felt sore'],
    })
  })
})

describe('the job', () => {
  it('writes one review per client and week however often it runs, from the numbers alone without a model', async () => {
    expect(await writeDueReviews({ db: testDb.db, ai: null }, { now: afterTheWeek })).toMatchObject({ written: 2 })
    expect(await writeDueReviews({ db: testDb.db, ai: null }, { now: afterTheWeek })).toMatchObject({ written: 0, unchanged: 2 })
    const [{ count }] = (await service<{ count: number }>(`select count(*)::int as count from public.weekly_reviews where week_start = $1`, [week])) as [{ count: number }]
    expect(count).toBe(2)
    const review = await getWeeklyReview(testDb.db, { userId: coach, clientId: client, weekStart: week })
    expect(review).toMatchObject({ adherence: 0.5, writtenBy: 'numbers', programId, volume: { strengthKg: 1100, sets: 2, loggedSessions: 2, averageRpe: 8 } })
    expect(review?.patterns).toContain('You did 1 of 2 planned sessions.')
    expect(review?.suggestions[0]?.reasoning).toContain('Knee felt sore')
  })

  it('a week not over yet gets no review', async () => {
    const during = new Date('2027-02-05T12:00:00Z')
    await service(`delete from public.weekly_reviews where week_start = $1`, [week])
    expect(await writeDueReviews({ db: testDb.db, ai: null }, { now: during })).toEqual({ written: 0, unchanged: 0, kept: 0, 'no-logs': 0 })
    expect(await writeDueReviews({ db: testDb.db, ai: null }, { now: afterTheWeek })).toMatchObject({ written: 2 })
  })
})

describe('with a model', () => {
  const server = setupServer()
  const baseUrl = 'http://review-model.test/v1'
  let calls = 0
  /** Every request body the fake model received, in order. */
  const bodies: string[] = []
  let reply: () => Response = () => HttpResponse.json({ error: { message: 'down' } }, { status: 500 })
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'bypass' })
    server.use(
      http.post(`${baseUrl}/chat/completions`, async ({ request }) => {
        calls += 1
        bodies.push(await request.text())
        return reply()
      }),
    )
  })
  afterAll(() => server.close())
  const ai = () => getChatModel({ OPENAI_BASE_URL: baseUrl, AI_MODEL: 'review-model', OPENAI_API_KEY: undefined, AI_TIMEOUT_MS: 5000 })!
  const completion = (content: unknown) =>
    HttpResponse.json({
      id: 'c1',
      object: 'chat.completion',
      created: 0,
      model: 'review-model',
      choices: [{ index: 0, message: { role: 'assistant', content: JSON.stringify(content) }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
    })

  it('a failing model call writes nothing: the job fails, to be retried', async () => {
    await service(`delete from public.weekly_reviews where client_id = $1`, [client])
    allowConsoleError()
    reply = () => HttpResponse.json({ error: { message: 'down' } }, { status: 500 })
    await expect(writeWeeklyReview({ db: testDb.db, ai: ai() }, { clientId: client, weekStart: week })).rejects.toThrow()
    expect(calls).toBeGreaterThan(0)
    expect(await service(`select 1 from public.weekly_reviews where client_id = $1`, [client])).toEqual([])
  })

  it('as the real job on the queue: a failing model is retried, then the job is kept as failed with its error, and no review is half-written; once the model answers, a new run writes them', async () => {
    await service(`delete from public.weekly_reviews where week_start = $1`, [week])
    allowConsoleError()
    reply = () => HttpResponse.json({ error: { message: 'down' } }, { status: 500 })
    // The job as defined, retried sooner than its two minutes so the test does not wait, and not scheduled.
    const { schedule: _hourly, ...asDefined } = weeklyReviewsJob
    const job = { ...asDefined, retry: { limit: 1, delaySeconds: 1 } }
    const queue = openJobQueue(testDb.db, { jobs: [job], ai: ai() })
    const rows = () => service<{ id: string; state: string; retry_count: number }>(`select id, state::text as state, retry_count from pgboss.job where name = 'weekly-reviews' order by created_on`, [])
    const until = async (done: (all: { id: string; state: string; retry_count: number }[]) => boolean) => {
      for (let attempt = 0; attempt < 600; attempt++) {
        const all = await rows()
        if (done(all)) return all
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      throw new Error('Gave up waiting for the weekly-reviews job')
    }
    try {
      await queue.startWorker({ pollingIntervalSeconds: 0.5 })
      const callsBefore = calls
      const failing = await queue.send(job, { now: afterTheWeek.toISOString() })
      const [failed] = (await until((all) => all.some((r) => r.id === failing && r.state === 'failed'))).filter((r) => r.id === failing)
      expect(failed).toMatchObject({ state: 'failed', retry_count: 1 })
      // Both tries asked the model (each try's SDK call retries on its own too).
      expect(calls - callsBefore).toBeGreaterThanOrEqual(2)
      const status = await queue.status()
      expect(status.recentFailures).toContainEqual(expect.objectContaining({ id: failing, name: 'weekly-reviews', retries: 1, error: expect.stringMatching(/\S/) }))
      expect(await service(`select id from public.weekly_reviews where week_start = $1`, [week])).toEqual([])

      // A model answer with a suggestion and no reasoning is refused by the schema: nothing written either.
      reply = () => completion({ fatigueAnalysis: 'A steady week.', patterns: [], suggestions: [{ suggestion: 'Rest more.', reasoning: '' }] })
      await expect(writeWeeklyReview({ db: testDb.db, ai: ai() }, { clientId: client, weekStart: week })).rejects.toThrow()
      expect(await service(`select id from public.weekly_reviews where week_start = $1`, [week])).toEqual([])

      reply = () => completion({ fatigueAnalysis: 'A steady week.', patterns: ['Strength went well.'], suggestions: [{ suggestion: 'Keep it up.', reasoning: 'You did the strength work.' }] })
      const answered = await queue.send(job, { now: afterTheWeek.toISOString() })
      await until((all) => all.some((r) => r.id === answered && r.state === 'completed'))
      expect((await service<{ client_id: string }>(`select client_id from public.weekly_reviews where week_start = $1 order by client_id`, [week])).map((r) => r.client_id)).toEqual([client, soloClient].sort())
      // The next test writes the client's review itself.
      await service(`delete from public.weekly_reviews where client_id = $1`, [client])
    } finally {
      await queue.stop()
    }
  })

  it('refuses words with a suggestion lacking its reasoning; writes only the words, the numbers staying the app’s', async () => {
    expect(reviewWordsSchema.safeParse({ fatigueAnalysis: 'Fine.', patterns: [], suggestions: [{ suggestion: 'Rest', reasoning: '' }] }).success).toBe(false)
    reply = () => completion({ fatigueAnalysis: 'Effort was high on Tuesday.', patterns: ['Strength went well.'], suggestions: [{ suggestion: 'Add an easy day.', reasoning: 'Average effort 8 of 10.' }] })
    expect(await writeWeeklyReview({ db: testDb.db, ai: ai() }, { clientId: client, weekStart: week })).toBe('written')
    const review = await getWeeklyReview(testDb.db, { userId: coach, clientId: client, weekStart: week })
    expect(review).toMatchObject({ writtenBy: 'model', fatigueAnalysis: 'Effort was high on Tuesday.', adherence: 0.5, volume: { strengthKg: 1100 } })
    expect(review?.suggestions).toEqual([{ suggestion: 'Add an easy day.', reasoning: 'Average effort 8 of 10.' }])
  })

  it('gives the model what the client said in the week’s sessions shared with the program, never a private session’s words; the same words again ask nothing, new words write it again', async () => {
    reply = () => completion({ fatigueAnalysis: 'Your calves took the hills hard.', patterns: ['Hills were tough.'], suggestions: [{ suggestion: 'Stretch after hills.', reasoning: 'You said your calves burned.' }] })
    const shared = await talk(client, { on: '2027-02-03', shared: true, said: ['The hill repeats left my calves burning'] })
    await talk(client, { on: '2027-02-05', shared: false, said: ['I am worried about the divorce papers'] })
    // Words from another week are not this week's.
    await talk(client, { on: '2027-02-08', shared: true, said: ['Next week I start swimming'] })

    expect(await writeWeeklyReview({ db: testDb.db, ai: ai() }, { clientId: client, weekStart: week })).toBe('written')
    const sent = bodies.at(-1)!
    expect(sent).toContain('The hill repeats left my calves burning')
    expect(sent).not.toContain('divorce')
    expect(sent).not.toContain('swimming')
    expect((await getWeeklyReview(testDb.db, { userId: coach, clientId: client, weekStart: week }))?.fatigueAnalysis).toBe('Your calves took the hills hard.')

    // Same inputs: nothing asked, nothing written.
    const asked = calls
    expect(await writeWeeklyReview({ db: testDb.db, ai: ai() }, { clientId: client, weekStart: week })).toBe('unchanged')
    expect(calls).toBe(asked)
    // A new turn in the shared session changes the inputs: asked again, with it.
    await service(
      `update public.stage_responses set responses = jsonb_set(responses, '{transcript}', (responses -> 'transcript') || $2::jsonb) where session_id = $1`,
      [shared, JSON.stringify([{ id: randomUUID(), role: 'client', content: 'Also my left shin ached on Friday', at: '2027-02-03T09:00:00.000Z' }])],
    )
    expect(await writeWeeklyReview({ db: testDb.db, ai: ai() }, { clientId: client, weekStart: week })).toBe('written')
    expect(calls).toBe(asked + 1)
    expect(bodies.at(-1)).toContain('Also my left shin ached on Friday')
    expect(bodies.at(-1)).not.toContain('divorce')
  })

  it('a client with no program is the reader of their own review, so their private sessions’ words count', async () => {
    reply = () => completion({ fatigueAnalysis: 'Sleep matters.', patterns: ['Short nights.'], suggestions: [{ suggestion: 'Go to bed earlier.', reasoning: 'You said you slept badly.' }] })
    await talk(soloClient, { on: '2027-02-04', shared: false, said: ['I slept badly all week'] })
    expect(await writeWeeklyReview({ db: testDb.db, ai: ai() }, { clientId: soloClient, weekStart: week })).toBe('written')
    expect(bodies.at(-1)).toContain('I slept badly all week')
  })
})

describe('what the client said, bounded', () => {
  it('keeps the last turns within the turn and character caps, oldest first, each turn cut to its cap', async () => {
    const talker = await createUser(testDb.db, { displayName: 'Talker' })
    const long = (n: number) => `Turn ${String(n).padStart(2, '0')} ${'x'.repeat(292)}`
    await talk(talker, { on: '2027-02-02', shared: false, said: Array.from({ length: 30 }, (_, i) => long(i + 1)) })
    await talk(talker, { on: '2027-02-06', shared: false, said: [`Saturday ${'y'.repeat(900)}`] })
    const said = await testDb.db.asService((tx) => weekSaid(tx, { clientId: talker, weekStart: week, programId: null }))
    expect(said.length).toBeLessThanOrEqual(saidLimits.turns)
    expect(said.reduce((sum, turn) => sum + turn.text.length, 0)).toBeLessThanOrEqual(saidLimits.chars)
    // The newest turn (Saturday's, cut to 400 characters) is last; before it Tuesday's latest ones, in order.
    expect(said.at(-1)).toEqual({ day: '2027-02-06', text: `Saturday ${'y'.repeat(saidLimits.charsPerTurn - 9)}` })
    expect(said.at(-2)?.text.startsWith('Turn 30')).toBe(true)
    expect(said.at(-3)?.text.startsWith('Turn 29')).toBe(true)
    // 400 + 12 × 300 = 4,000 characters: Saturday's turn and Tuesday's last twelve.
    expect(said.map((turn) => turn.text.slice(0, 7))).toEqual([...Array.from({ length: 12 }, (_, i) => `Turn ${i + 19}`), 'Saturda'])
  })
})

describe('who reads, edits and releases a review', () => {
  it('a coached client reads it only once their coach released it; the coach edits first; another coach never sees it; a client with no program reads theirs at once', async () => {
    const review = (await getWeeklyReview(testDb.db, { userId: coach, clientId: client, weekStart: week }))!
    expect(await getWeeklyReview(testDb.db, { userId: client, clientId: client, weekStart: week })).toBeNull()
    expect(await getWeeklyReview(testDb.db, { userId: otherCoach, clientId: client, weekStart: week })).toBeNull()
    const words = { fatigueAnalysis: 'A solid week, Diego.', patterns: ['Strength went well.'], suggestions: [{ suggestion: 'Rest the knee.', reasoning: 'You noted it felt sore.' }] }
    expect((await caught(editWeeklyReview(testDb.db, { userId: client, reviewId: review.id, words }))).kind).toBe('not_found')
    expect((await caught(editWeeklyReview(testDb.db, { userId: otherCoach, reviewId: review.id, words }))).kind).toBe('not_found')
    await editWeeklyReview(testDb.db, { userId: coach, reviewId: review.id, words })
    // An edited review is never regenerated over.
    expect(await writeWeeklyReview({ db: testDb.db, ai: null }, { clientId: client, weekStart: week })).toBe('kept')
    expect((await caught(releaseWeeklyReview(testDb.db, { userId: client, reviewId: review.id }))).kind).toBe('not_found')
    await releaseWeeklyReview(testDb.db, { userId: coach, reviewId: review.id })
    expect(await getWeeklyReview(testDb.db, { userId: client, clientId: client, weekStart: week })).toMatchObject({ fatigueAnalysis: 'A solid week, Diego.' })
    expect(await getWeeklyReview(testDb.db, { userId: soloClient, clientId: soloClient, weekStart: week })).toMatchObject({ programId: null })
    // Nobody writes a review as direct SQL, and the numbers are not anyone's to change.
    const forged = await testDb.db
      .asUser(client, (tx) => tx.query(`insert into public.weekly_reviews (client_id, week_start, volume, fatigue_analysis, disclaimer, written_by, inputs_hash) values ($1, '2027-03-01', '{}', 'x', 'x', 'numbers', repeat('a', 64))`, [client]))
      .then(() => 'inserted', () => 'refused')
    expect(forged).toBe('refused')
    const numbers = await testDb.db.asUser(coach, (tx) => tx.query(`update public.weekly_reviews set adherence = 1 where id = $1 returning id`, [review.id])).then(() => 'changed', () => 'refused')
    expect(numbers).toBe('refused')
  })
})
