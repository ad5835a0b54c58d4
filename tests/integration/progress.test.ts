/**
 * The progress page's numbers (issue 12, points 6–9) against hand-counted fixtures: weekly
 * adherence in the client's weeks, a planned metric's actual against its target over
 * sessions (corrections count as their latest version), benchmarks over time with the
 * latest current, and the stage ratings over sessions — as the client, and as their coach,
 * who sees only what is shared with them; another program's coach sees none of it, through
 * the page too.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientProgress, ratingSeries, weeklyAdherence } from '#lib/measures/progress'
import { createProgram } from '#lib/programs/programs'
import { loader as coachProgressLoader } from '../../app/routes/programs.$programId_.clients.$clientId_.progress'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { callRoute } from '../support/route-call'

let testDb: TestDatabase
const appUrl = 'http://stagecoach.test'
let auth: ReturnType<typeof createBuiltInAuth>
const people = {} as Record<'coach' | 'client' | 'otherCoach', { id: string; jar: CookieJar }>
let programId = ''
const metricKey = randomUUID()
const itemKey = randomUUID()
// Wednesday 16 December 2026, noon UTC: this week starts Monday 14 December.
const now = new Date('2026-12-16T12:00:00Z')

const service = <T,>(sql: string, params: unknown[]) => testDb.db.asService((tx) => tx.query<T & object>(sql, params))

async function assigned(dueAt: string, { completed, target, actual, corrected }: { completed: boolean; target?: number; actual?: number; corrected?: number }) {
  const items = [
    {
      key: itemKey,
      kind: 'drill',
      title: 'Top set',
      instructions: '',
      exercise: null,
      prescription: null,
      metrics: target === undefined ? [] : [{ key: metricKey, kind: 'number', label: 'Top set', unit: 'kg', target, targetMin: null, targetMax: null, benchmark: false }],
    },
  ]
  const [row] = await service<{ id: string }>(
    `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, items, has_conversation, due_at, session_date, started_at, completed_at)
     values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'Strength', $4::jsonb, false, $5, ($5::timestamptz)::date, $6, $7) returning id`,
    [people.client.id, people.coach.id, programId, JSON.stringify(items), dueAt, completed ? dueAt : null, completed ? dueAt : null],
  )
  if (actual !== undefined) {
    const [first] = await service<{ id: string }>(
      `insert into public.measures (session_id, user_id, item_key, metric_key, value_numeric, unit, recorded_by, recorded_at)
       values ($1, $2, $3, $4, $5, 'kg', 'client', $6) returning id`,
      [row!.id, people.client.id, itemKey, metricKey, actual, dueAt],
    )
    if (corrected !== undefined) {
      await service(
        `insert into public.measures (session_id, user_id, item_key, metric_key, value_numeric, unit, recorded_by, recorded_at, supersedes_id)
         values ($1, $2, $3, $4, $5, 'kg', 'client', $6::timestamptz + interval '1 minute', $7)`,
        [row!.id, people.client.id, itemKey, metricKey, corrected, dueAt, first!.id],
      )
    }
  }
  return row!.id
}

async function conversation(visibility: 'private' | 'shared', date: string, ratings: Record<number, Record<string, number>>) {
  const shared = visibility === 'shared'
  const [row] = await service<{ id: string }>(
    `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, session_date, created_at)
     values ($1, $2, $3, 'self_coaching', 'self_assigned', $4, 'Talk', $5::date, $5::timestamptz) returning id`,
    [people.client.id, shared ? people.coach.id : null, shared ? programId : null, visibility, date],
  )
  for (const [stage, fields] of Object.entries(ratings)) {
    await service(`insert into public.stage_responses (session_id, stage_number, stage_name, responses) values ($1, $2, $3, $4::jsonb)`, [
      row!.id,
      Number(stage),
      ['check_in', 'starting_point', 'connect', 'finish', 'check_out'][Number(stage) - 1],
      JSON.stringify({ transcript: [], fields, fieldsDraft: null }),
    ])
  }
  return row!.id
}

beforeAll(async () => {
  testDb = await createTestDatabase()
  auth = createBuiltInAuth(testDb.db, { secret: 'progress-test-secret-0123456789abcdef', secure: false }, { appUrl, mailer: null })
  for (const who of ['coach', 'client', 'otherCoach'] as const) {
    const signedUp = await auth.signUp({ email: `${who.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`, password: 'Correct-Horse-42', displayName: who === 'client' ? 'Diego' : who }, { cookieHeader: null, ipAddress: '203.0.113.7' })
    people[who] = { id: signedUp.userId, jar: new CookieJar().apply(signedUp.setCookies) }
  }
  programId = await createProgram(testDb.db, { userId: people.coach.id, name: 'North Star' })
  await createProgram(testDb.db, { userId: people.otherCoach.id, name: 'Elsewhere' })
  await service(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [programId, people.client.id])

  // This week (from 14 Dec): one due and done, one due later this week (not yet due at `now`).
  await assigned('2026-12-15T18:00:00Z', { completed: true, target: 100, actual: 90, corrected: 100 })
  await assigned('2026-12-18T18:00:00Z', { completed: false, target: 105 })
  // Last week (7–13 Dec): two due, one done.
  await assigned('2026-12-08T18:00:00Z', { completed: true, target: 95, actual: 80 })
  await assigned('2026-12-10T18:00:00Z', { completed: false, target: 95 })

  await service(`insert into public.benchmarks (user_id, kind, value, unit, recorded_on) values ($1, 'ftp', 230, 'W', '2026-10-01'), ($1, 'ftp', 250, 'W', '2026-12-01')`, [people.client.id])

  await conversation('shared', '2026-12-01T09:00:00Z', { 1: { presenceLevel: 6, readinessScore: 7 }, 5: { sessionValueRating: 8, clarityLevel: 9 } })
  await conversation('private', '2026-12-05T09:00:00Z', { 1: { presenceLevel: 3, readinessScore: 4 }, 2: { currentStateRating: 5 } })
})

afterAll(async () => {
  await testDb?.close()
})

describe('the numbers', () => {
  it('counts planned sessions due and done per week, in the client’s weeks, only those already due', async () => {
    const weeks = await weeklyAdherence(testDb.db, { userId: people.client.id, clientId: people.client.id, now })
    expect(weeks).toHaveLength(12)
    expect(weeks.slice(-2)).toEqual([
      { weekStart: '2026-12-07', due: 2, completed: 1, share: 0.5 },
      { weekStart: '2026-12-14', due: 1, completed: 1, share: 1 },
    ])
    expect(weeks.slice(0, -2).every((week) => week.due === 0 && week.share === null)).toBe(true)
  })

  it('draws a planned metric against its target, the corrected value counting, a session not recorded as not done', async () => {
    const progress = await clientProgress(testDb.db, { userId: people.client.id, now })
    expect(progress.metricLabels).toEqual(['Top set'])
    expect(progress.metric?.unit).toBe('kg')
    expect(progress.metric?.points.map((point) => [point.sessionDate, point.target, point.actual])).toEqual([
      ['2026-12-08', 95, 80],
      ['2026-12-10', 95, null],
      ['2026-12-15', 100, 100],
      ['2026-12-18', 105, null],
    ])
  })

  it('keeps each benchmark over time with the latest by date as current', async () => {
    const progress = await clientProgress(testDb.db, { userId: people.client.id, now })
    expect(progress.benchmarks.map(({ current, history }) => [current.value, history.map((value) => value.value)])).toEqual([[250, [230, 250]]])
  })

  it('reads the stage ratings of the client’s sessions from the stage registry’s rating fields', async () => {
    expect(ratingSeries.map((series) => series.key)).toEqual(['presenceLevel', 'readinessScore', 'currentStateRating', 'sessionValueRating', 'clarityLevel'])
    const progress = await clientProgress(testDb.db, { userId: people.client.id, now })
    expect(progress.ratings.map((point) => [point.sessionDate, point.values])).toEqual([
      ['2026-12-01', { presenceLevel: 6, readinessScore: 7, sessionValueRating: 8, clarityLevel: 9 }],
      ['2026-12-05', { presenceLevel: 3, readinessScore: 4, currentStateRating: 5 }],
    ])
  })
})

describe('who sees it', () => {
  it('the coach sees the shared sessions’ numbers and ratings, not the private session’s, and no benchmark the client kept to themself', async () => {
    const progress = await clientProgress(testDb.db, { userId: people.coach.id, clientId: people.client.id, now })
    expect(progress.weeks.slice(-2).map((week) => [week.due, week.completed])).toEqual([
      [2, 1],
      [1, 1],
    ])
    expect(progress.metric?.points).toHaveLength(4)
    expect(progress.ratings.map((point) => point.sessionDate)).toEqual(['2026-12-01'])
    expect(progress.benchmarks).toEqual([])
  })

  it('another program’s coach gets nothing, as a query and through the page; the client’s coach gets the page', async () => {
    const progress = await clientProgress(testDb.db, { userId: people.otherCoach.id, clientId: people.client.id, now })
    expect([progress.metric, progress.ratings, progress.benchmarks, progress.weeks.every((week) => week.due === 0)]).toEqual([null, [], [], true])
    const page = (who: 'coach' | 'otherCoach') =>
      callRoute(coachProgressLoader, {
        url: `${appUrl}/programs/${programId}/clients/${people.client.id}/progress`,
        params: { programId, clientId: people.client.id },
        jar: people[who].jar,
        auth,
        db: testDb.db,
      }).catch((thrown: { init?: { status?: number } }) => ({ status: thrown.init?.status ?? 500, body: null }))
    expect((await page('otherCoach')).status).toBe(404)
    const allowed = await page('coach')
    expect(allowed.status).toBe(200)
    expect((allowed.body as { clientName: string }).clientName).toBe('Diego')
  })
})
