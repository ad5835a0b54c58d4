/**
 * The weekly review (issue 13, point 3) on a real Postgres: its numbers counted in SQL
 * against a hand-counted week (adherence, strength volume with a corrected set, endurance by
 * modality, average effort, the reasons given), the job written twice and storing one review,
 * a failing model call retried and leaving nothing half-written, the words' schema refusing a
 * suggestion without its reasoning, the model writing only the words, and who may read,
 * edit and release a review — the client only once released, their coach always, nobody else.
 */
import { randomUUID } from 'node:crypto'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getChatModel } from '#lib/ai/model'
import { createProgram } from '#lib/programs/programs'
import { editWeeklyReview, getWeeklyReview, releaseWeeklyReview, reviewWordsSchema, weekNumbers, writeDueReviews, writeWeeklyReview } from '#lib/weekly/review'
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
  let reply: () => Response = () => HttpResponse.json({ error: { message: 'down' } }, { status: 500 })
  beforeAll(() => {
    server.listen({ onUnhandledRequest: 'bypass' })
    server.use(
      http.post(`${baseUrl}/chat/completions`, () => {
        calls += 1
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

  it('refuses words with a suggestion lacking its reasoning; writes only the words, the numbers staying the app’s', async () => {
    expect(reviewWordsSchema.safeParse({ fatigueAnalysis: 'Fine.', patterns: [], suggestions: [{ suggestion: 'Rest', reasoning: '' }] }).success).toBe(false)
    reply = () => completion({ fatigueAnalysis: 'Effort was high on Tuesday.', patterns: ['Strength went well.'], suggestions: [{ suggestion: 'Add an easy day.', reasoning: 'Average effort 8 of 10.' }] })
    expect(await writeWeeklyReview({ db: testDb.db, ai: ai() }, { clientId: client, weekStart: week })).toBe('written')
    const review = await getWeeklyReview(testDb.db, { userId: coach, clientId: client, weekStart: week })
    expect(review).toMatchObject({ writtenBy: 'model', fatigueAnalysis: 'Effort was high on Tuesday.', adherence: 0.5, volume: { strengthKg: 1100 } })
    expect(review?.suggestions).toEqual([{ suggestion: 'Add an easy day.', reasoning: 'Average effort 8 of 10.' }])
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
