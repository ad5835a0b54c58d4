/**
 * Measures and benchmarks through lib/measures, on a real Postgres: a first measure starts
 * a session (one, even for two at once), the daily cap under concurrency, the 7-day log
 * window, the time slot every measure inherits, competition pairs that are always whole,
 * logs that never change (a correction is a version), compliance bands computed in SQL that
 * agree with compliance.shared.ts at every edge, adherence, and benchmarks (latest is
 * current, % of 1RM).
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSession } from '#lib/coaching/sessions'
import { sqlState } from '#lib/db/database'
import { assignTemplate } from '#lib/library/assigning'
import { benchmarkHistory, currentBenchmarks, currentOneRepMax, prescribedWeightFor, recordBenchmark } from '#lib/measures/benchmarks'
import { complianceBand, complianceRatio } from '#lib/measures/compliance.shared'
import { clientAdherence, correctMeasure, measureHistory, recordMeasure, sessionCompliance } from '#lib/measures/measures'
import { createProgram } from '#lib/programs/programs'
import { caught } from '../support/app-error'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let coach: string
let programId: string
let squatId: string

const service = <T>(work: Parameters<TestDatabase['db']['asService']>[0]) => testDb.db.asService(work) as Promise<T>

async function newClient(name = 'Client'): Promise<string> {
  const id = await createUser(testDb.db, { displayName: name })
  await testDb.db.asService((tx) =>
    tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [programId, id]),
  )
  return id
}

/** Today in UTC (every test user's time zone), as the database sees it. */
async function today(offsetDays = 0): Promise<string> {
  const [row] = await testDb.db.asService((tx) =>
    tx.query<{ day: string }>(`select ((now() at time zone 'UTC')::date + $1::int)::text as day`, [offsetDays]),
  )
  return row!.day
}

interface PlannedMetric {
  key: string
  kind: 'number' | 'scale' | 'yes_no' | 'text'
  label: string
  unit: string | null
  target: number | null
  targetMin?: number | null
  targetMax?: number | null
  benchmark?: boolean
}

/** A template of one exercise item with these metrics, assigned to the client due on `dueOn`. */
async function assignWith(clientId: string, metrics: PlannedMetric[], dueOn?: string): Promise<{ sessionId: string; itemKey: string }> {
  const itemKey = randomUUID()
  const [template] = await testDb.db.asService((tx) =>
    tx.query<{ id: string }>(`insert into public.session_templates (program_id, title) values ($1, 'Strength day') returning id`, [programId]),
  )
  await testDb.db.asService((tx) =>
    tx.query(
      `insert into public.template_items (template_id, program_id, key, position, kind, title, exercise_id, prescription, metrics)
       values ($1, $2, $3, 0, 'exercise', 'Back squat', $4, '{"type": "strength", "sets": 3, "reps": 5, "intensity": {"kind": "percent_1rm", "value": 75}, "restSeconds": null, "tempo": null}', $5::jsonb)`,
      [
        template!.id,
        programId,
        itemKey,
        squatId,
        JSON.stringify(metrics.map((m) => ({ targetMin: null, targetMax: null, benchmark: false, ...m }))),
      ],
    ),
  )
  const [sessionId] = await assignTemplate(testDb.db, { userId: coach, templateId: template!.id, clientIds: [clientId], dueOn: dueOn ?? (await today()) })
  return { sessionId: sessionId!, itemKey }
}

const set = (value: number, setNumber = 1) => ({
  sessionId: null,
  itemKey: null,
  exerciseId: null,
  metricKey: 'weight',
  setNumber,
  value: { kind: 'number' as const, value },
  unit: null,
  modification: null,
})

beforeAll(async () => {
  testDb = await createTestDatabase()
  coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  programId = await createProgram(testDb.db, { userId: coach, name: 'North Star' })
  const [squat] = await testDb.db.asService((tx) => tx.query<{ id: string }>(`select id from public.exercises where program_id is null and name = 'Back squat'`))
  squatId = squat!.id
})

afterAll(async () => {
  await testDb?.close()
})

describe('starting by doing', () => {
  it('a first measure with no active session starts one of the default type, named “{type} — {date}”, and the next goes in it', async () => {
    const client = await newClient()
    const first = await recordMeasure(testDb.db, { userId: client, ...set(60) })
    const [session] = await service<{ title: string; activity_type: string; started_at: Date | null; has_conversation: boolean; time_slot: string | null }[]>((tx) =>
      tx.query('select title, activity_type, started_at, has_conversation, time_slot from public.coaching_sessions where id = $1', [first.sessionId]),
    )
    expect(session).toMatchObject({ activity_type: 'FUN', has_conversation: false, started_at: expect.any(Date) })
    expect(session!.title).toMatch(/^Fun — \d{1,2} [A-Z][a-z]{2} \d{4}$/)
    expect(['morning', 'midday', 'afternoon', 'evening']).toContain(session!.time_slot)
    expect(first).toMatchObject({ recordedBy: 'client', unit: 'kg', value: { kind: 'number', value: 60 }, timeSlot: session!.time_slot })
    const second = await recordMeasure(testDb.db, { userId: client, ...set(65, 2) })
    expect(second.sessionId).toBe(first.sessionId)
  })

  it('uses the person’s default activity type when they changed it', async () => {
    const client = await newClient()
    await testDb.db.asUser(client, (tx) => tx.query(`update public.profiles set default_activity_type = 'POWER' where id = $1`, [client]))
    const measure = await recordMeasure(testDb.db, { userId: client, ...set(40) })
    expect(measure.sessionTitle).toMatch(/^Power — /)
  })

  it('two simultaneous first measures end in one session holding both', async () => {
    const client = await newClient()
    const [a, b] = await Promise.all([
      recordMeasure(testDb.db, { userId: client, ...set(70, 1) }),
      recordMeasure(testDb.db, { userId: client, ...set(72, 2) }),
    ])
    expect(a!.sessionId).toBe(b!.sessionId)
    const [counts] = await service<{ sessions: number; measures: number }[]>((tx) =>
      tx.query(
        `select (select count(*)::int from public.coaching_sessions where user_id = $1) as sessions,
                (select count(*)::int from public.measures where user_id = $1) as measures`,
        [client],
      ),
    )
    expect(counts).toEqual({ sessions: 1, measures: 2 })
  })

  it('the first measure in an assigned session starts it; one active session at a time', async () => {
    const client = await newClient()
    const { sessionId, itemKey } = await assignWith(client, [{ key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100 }])
    const measure = await recordMeasure(testDb.db, { userId: client, ...set(90), sessionId, itemKey })
    expect(measure).toMatchObject({ sessionId, exerciseId: squatId })
    const other = await assignWith(client, [{ key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100 }])
    const refused = await caught(recordMeasure(testDb.db, { userId: client, ...set(90), sessionId: other.sessionId, itemKey: other.itemKey }))
    expect(refused).toMatchObject({ kind: 'conflict', message: 'Finish or cancel “Strength day” first: one session is active at a time.' })
  })
})

describe('the daily cap', () => {
  const startTrainingSession = (client: string) =>
    testDb.db.asUser(client, (tx) =>
      tx.query(
        `insert into public.coaching_sessions (user_id, session_type, source, visibility, title, has_conversation, started_at, cancelled_at)
         values ($1, 'self_coaching', 'self_assigned', 'private', 'Quick one', false, now(), now()) returning id`,
        [client],
      ),
    )

  it('five starts at once: three succeed (the default cap), two are refused with what to do instead', async () => {
    const client = await newClient()
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => startTrainingSession(client)))
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    expect(refused).toHaveLength(2)
    for (const r of refused) {
      expect(r.reason).toMatchObject({
        kind: 'rate_limited',
        message:
          'You have already started 3 training sessions today, the most allowed in a day. Keep logging in one of today’s sessions, or ask your coach to raise the daily limit.'.replace('’', "'"),
      })
    }
    // A conversation is not a training session: it still starts.
    expect(await startSession(testDb.db, { userId: client, sessionType: 'self_coaching' })).toMatchObject({ started: true })
  })

  it('is the program’s setting: at a cap of 1, a second assigned session does not start the same day', async () => {
    await testDb.db.asUser(coach, (tx) => tx.query('update public.programs set daily_session_cap = 1 where id = $1', [programId]))
    try {
      const client = await newClient()
      const first = await assignWith(client, [{ key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100 }])
      await recordMeasure(testDb.db, { userId: client, ...set(80), sessionId: first.sessionId, itemKey: first.itemKey })
      await testDb.db.asUser(client, (tx) => tx.query('update public.coaching_sessions set completed_at = now() where id = $1', [first.sessionId]))
      const second = await assignWith(client, [{ key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100 }])
      const refused = await caught(recordMeasure(testDb.db, { userId: client, ...set(80), sessionId: second.sessionId, itemKey: second.itemKey }))
      expect(refused).toMatchObject({ kind: 'rate_limited', message: expect.stringContaining('already started 1 training sessions today') })
    } finally {
      await testDb.db.asUser(coach, (tx) => tx.query('update public.programs set daily_session_cap = 3 where id = $1', [programId]))
    }
  })
})

describe('logging after the fact', () => {
  it('a planned session is logged within 7 days of its planned date; later, the message says what to do', async () => {
    const client = await newClient()
    const late = await assignWith(client, [{ key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100 }], await today(-8))
    const refused = await caught(recordMeasure(testDb.db, { userId: client, ...set(90), sessionId: late.sessionId, itemKey: late.itemKey }))
    expect(refused.kind).toBe('invalid')
    expect(refused.message).toMatch(/^This session is from \d{1,2} [A-Z][a-z]{2} \d{4}: logs count for it within 7 days\. Log today's work in a session of its own\.$/)

    const recent = await assignWith(client, [{ key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100 }], await today(-7))
    await recordMeasure(testDb.db, { userId: client, ...set(90), sessionId: recent.sessionId, itemKey: recent.itemKey })
    const [row] = await service<{ is_retroactive: boolean; planned_date: string; session_date: string }[]>((tx) =>
      tx.query('select is_retroactive, planned_date::text, session_date::text from public.coaching_sessions where id = $1', [recent.sessionId]),
    )
    expect(row).toEqual({ is_retroactive: true, planned_date: await today(-7), session_date: await today(-7) })
  })

  it('a planned session’s date moves within 7 days of the plan, not further; the day it was done marks it retroactive', async () => {
    const client = await newClient()
    const { sessionId } = await assignWith(client, [{ key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100 }], await today(2))
    const move = (day: string) => testDb.db.asUser(client, (tx) => tx.query('update public.coaching_sessions set session_date = $2::date where id = $1 returning is_retroactive', [sessionId, day]))
    expect(await caught(move(await today(-6)))).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^This session was planned for .*: it can be logged for a day within 7 days of that\./) })
    expect(await move(await today(-1))).toEqual([{ is_retroactive: true }])
    expect(await move(await today(0))).toEqual([{ is_retroactive: false }])
  })

  it('a session of one’s own is logged up to 7 days after its date', async () => {
    const client = await newClient()
    const first = await recordMeasure(testDb.db, { userId: client, ...set(50) })
    await testDb.db.asUser(client, (tx) => tx.query('update public.coaching_sessions set session_date = $2::date where id = $1', [first.sessionId, '2000-01-01']))
    expect(await caught(recordMeasure(testDb.db, { userId: client, ...set(55, 2), sessionId: first.sessionId }))).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('This session is from 1 Jan 2000: logs count for it within 7 days.'),
    })
  })
})

describe('the time slot', () => {
  it('is the session’s, chosen once: every measure in it shows it, and shows the new one when the session’s changes', async () => {
    const client = await newClient()
    const first = await recordMeasure(testDb.db, { userId: client, ...set(50) })
    await testDb.db.asUser(client, (tx) => tx.query(`update public.coaching_sessions set time_slot = '06:45' where id = $1`, [first.sessionId]))
    await recordMeasure(testDb.db, { userId: client, ...set(52, 2) })
    const history = await measureHistory(testDb.db, { userId: client, sessionId: first.sessionId })
    expect(history.map((m) => m.timeSlot)).toEqual(['06:45', '06:45'])
    await testDb.db.asUser(client, (tx) => tx.query(`update public.coaching_sessions set time_slot = 'evening' where id = $1`, [first.sessionId]))
    expect((await measureHistory(testDb.db, { userId: client, sessionId: first.sessionId })).map((m) => m.timeSlot)).toEqual(['evening', 'evening'])
    // No measure has a slot of its own to disagree with.
    const [column] = await service<{ n: number }[]>((tx) =>
      tx.query(`select count(*)::int as n from information_schema.columns where table_schema = 'public' and table_name = 'measures' and column_name = 'time_slot'`),
    )
    expect(column!.n).toBe(0)
    await expect(testDb.db.asUser(client, (tx) => tx.query(`update public.coaching_sessions set time_slot = 'teatime' where id = $1`, [first.sessionId]))).rejects.toMatchObject({
      kind: 'invalid',
    })
  })
})

describe('competitions', () => {
  it('a competition session names its type and id together; its measures carry the same pair', async () => {
    const client = await newClient()
    const first = await recordMeasure(testDb.db, { userId: client, ...set(50) })
    const mark = (values: string) => testDb.db.asUser(client, (tx) => tx.query(`update public.coaching_sessions set ${values} where id = $1 returning id`, [first.sessionId]))
    // Half a pair, or a competition without one, is refused.
    const start = (values: string) =>
      testDb.db.asUser(client, (tx) =>
        tx.query(
          `insert into public.coaching_sessions (user_id, session_type, source, visibility, title, has_conversation, is_competition, competition_type, competition_id)
           values ($1, 'self_coaching', 'self_assigned', 'private', 'League', false, ${values}) returning id`,
          [client],
        ),
      )
    expect(await caught(start(`true, 'Bouldering league', null`))).toMatchObject({ kind: 'invalid' })
    expect(await caught(start(`true, null, null`))).toMatchObject({ kind: 'invalid' })
    expect(await caught(start(`false, 'Bouldering league', 'round-3'`))).toMatchObject({ kind: 'invalid' })
    // Once measures carry the session's (lack of a) competition, it stays.
    expect(await caught(mark(`is_competition = true, competition_type = 'Bouldering league', competition_id = 'round-3'`))).toMatchObject({
      kind: 'conflict',
      message: expect.stringContaining('Its measures already carry this session'),
    })

    await testDb.db.asUser(client, (tx) => tx.query('update public.coaching_sessions set completed_at = now() where id = $1', [first.sessionId]))
    const [competition] = await testDb.db.asUser(client, (tx) =>
      tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, session_type, source, visibility, title, has_conversation, activity_type, is_competition, competition_type, competition_id)
         values ($1, 'self_coaching', 'self_assigned', 'private', 'League round 3', false, 'COMPETITION', true, 'Bouldering league', 'round-3') returning id`,
        [client],
      ),
    )
    const logged = await recordMeasure(testDb.db, { userId: client, ...set(55), sessionId: competition!.id })
    expect(logged.competition).toEqual({ type: 'Bouldering league', id: 'round-3' })
    // A measure cannot claim another competition, nor half of one.
    const claim = (type: string | null, id: string | null, sessionId: string) =>
      testDb.db.asUser(client, (tx) =>
        tx.query(
          `insert into public.measures (session_id, metric_key, value_numeric, recorded_by, recorder_id, competition_type, competition_id)
           values ($1, 'weight', 60, 'client', $2, $3, $4) returning id`,
          [sessionId, client, type, id],
        ),
      )
    expect(await caught(claim('Bouldering league', 'round-4', competition!.id))).toMatchObject({ kind: 'invalid' })
    expect(await caught(claim('Bouldering league', null, competition!.id))).toMatchObject({ kind: 'invalid' })
    expect(await claim('Bouldering league', 'round-3', competition!.id)).toHaveLength(1)
    // Even the service cannot write half a pair.
    const half = await service<unknown>((tx) =>
      tx.query(
        `insert into public.measures (session_id, user_id, metric_key, value_numeric, recorded_by, competition_type) values ($1, $2, 'weight', 1, 'client', 'x')`,
        [competition!.id, client],
      ),
    ).catch((error: unknown) => error)
    expect(half).toMatchObject({ kind: 'invalid' })
  })
})

describe('logs are immutable', () => {
  it('no API role updates or deletes a measure (no privilege), and the database owner cannot either', async () => {
    const client = await newClient()
    const { sessionId, itemKey } = await assignWith(client, [{ key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100 }])
    const measure = await recordMeasure(testDb.db, { userId: client, ...set(90), sessionId, itemKey })
    for (const userId of [client, coach]) {
      for (const sql of ['update public.measures set value_numeric = 1 where id = $1', 'delete from public.measures where id = $1']) {
        const error = await testDb.db.asUser(userId, (tx) => tx.query(sql, [measure.id])).catch((e: unknown) => e)
        expect([sql, sqlState(error)]).toEqual([sql, '42501'])
      }
    }
    expect(await service<unknown>((tx) => tx.query('update public.measures set value_numeric = 1 where id = $1', [measure.id])).catch((e: unknown) => e)).toMatchObject({
      kind: 'conflict',
      message: 'A recorded measure never changes: record a correction instead.',
    })
    expect(await service<unknown>((tx) => tx.query('delete from public.measures where id = $1', [measure.id])).catch((e: unknown) => e)).toMatchObject({
      kind: 'conflict',
      message: 'A recorded measure is never deleted: record a correction instead.',
    })
    const [kept] = await service<{ value: number }[]>((tx) => tx.query('select value_numeric::float8 as value from public.measures where id = $1', [measure.id]))
    expect(kept).toEqual({ value: 90 })
  })

  it('a correction is a new version: the history shows both, the newest is current; a corrected version is not corrected twice', async () => {
    const client = await newClient()
    const { sessionId, itemKey } = await assignWith(client, [{ key: randomUUID(), kind: 'number', label: 'Top set', unit: 'kg', target: 100 }])
    const original = await recordMeasure(testDb.db, { userId: client, ...set(900), sessionId, itemKey })
    const corrected = await correctMeasure(testDb.db, { userId: client, measureId: original.id, value: { kind: 'number', value: 90 }, unit: null, modification: null })
    expect(corrected).toMatchObject({ sessionId, itemKey, metricKey: 'weight', setNumber: 1, supersedesId: original.id, value: { kind: 'number', value: 90 } })
    // The coach corrects the client's correction.
    const byCoach = await correctMeasure(testDb.db, { userId: coach, measureId: corrected.id, value: { kind: 'number', value: 92.5 }, unit: null, modification: null })
    expect(byCoach.recordedBy).toBe('coach')
    const history = await measureHistory(testDb.db, { userId: client, sessionId })
    expect(history.map((m) => [m.value, m.supersededById])).toEqual([
      [{ kind: 'number', value: 92.5 }, null],
      [{ kind: 'number', value: 90 }, byCoach.id],
      [{ kind: 'number', value: 900 }, corrected.id],
    ])
    expect((await measureHistory(testDb.db, { userId: client, sessionId, currentOnly: true })).map((m) => m.id)).toEqual([byCoach.id])
    expect(await caught(correctMeasure(testDb.db, { userId: client, measureId: original.id, value: { kind: 'number', value: 91 }, unit: null, modification: null }))).toMatchObject({
      kind: 'conflict',
      message: 'That value has been corrected already: correct its latest version.',
    })
  })

  it('measures go only with their session', async () => {
    const client = await newClient()
    const measure = await recordMeasure(testDb.db, { userId: client, ...set(50) })
    await testDb.db.asUser(client, (tx) => tx.query('delete from public.coaching_sessions where id = $1', [measure.sessionId]))
    const [left] = await service<{ n: number }[]>((tx) => tx.query('select count(*)::int as n from public.measures where id = $1', [measure.id]))
    expect(left!.n).toBe(0)
  })
})

describe('compliance', () => {
  it('bands at their edges, computed in SQL, agree with compliance.shared.ts: 49 off, 50 near, 79 near, 80 on, 120 on, 121 near, 150 near, 151 off', async () => {
    const client = await newClient()
    const percents = [49, 50, 79, 80, 120, 121, 150, 151]
    const metrics: PlannedMetric[] = percents.map((p) => ({ key: randomUUID(), kind: 'number', label: `At ${p}`, unit: 'kg', target: 80 }))
    const skipped: PlannedMetric = { key: randomUUID(), kind: 'number', label: 'Skipped', unit: 'reps', target: 5 }
    const notDone: PlannedMetric = { key: randomUUID(), kind: 'number', label: 'Not done', unit: 'reps', target: 5 }
    const ranged: PlannedMetric = { key: randomUUID(), kind: 'scale', label: 'Effort', unit: null, target: null, targetMin: 6, targetMax: 8 }
    const { sessionId, itemKey } = await assignWith(client, [...metrics, skipped, notDone, ranged])
    for (const [i, p] of percents.entries()) {
      await recordMeasure(testDb.db, { userId: client, ...set((80 * p) / 100), sessionId, itemKey, metricKey: metrics[i]!.key })
    }
    await recordMeasure(testDb.db, { userId: client, ...set(0), value: null, sessionId, itemKey, metricKey: skipped.key, modification: { kind: 'skipped', reason: 'Knee sore' } })
    await recordMeasure(testDb.db, { userId: client, ...set(0), value: { kind: 'scale', value: 9 }, sessionId, itemKey, metricKey: ranged.key })

    const result = await sessionCompliance(testDb.db, { userId: client, sessionId })
    const expected = ['off', 'near', 'near', 'on_plan', 'on_plan', 'near', 'near', 'off']
    expect(result.metrics.slice(0, 8).map((m) => [m.label, m.band, m.percent])).toEqual(percents.map((p, i) => [`At ${p}`, expected[i], p]))
    expect(percents.map((p) => complianceBand(complianceRatio((80 * p) / 100, { target: 80 })))).toEqual(expected)
    expect(result.metrics[8]).toMatchObject({ label: 'Skipped', band: 'off', actual: null, reason: 'Knee sore', colour: 'red' })
    expect(result.metrics[9]).toMatchObject({ label: 'Not done', band: 'off', actual: null, reason: null })
    // 9 against a range of 6–8 is 9 ÷ 8 = 112.5 %: on plan, as the shared module says.
    expect(result.metrics[10]).toMatchObject({ label: 'Effort', band: 'on_plan', percent: 113 })
    expect(complianceBand(complianceRatio(9, { min: 6, max: 8 }))).toBe('on_plan')
    expect(result).toMatchObject({ onPlan: 3, planned: 11, shareOnPlan: 3 / 11 })
    // The coach sees the same, reasons beside the colours.
    expect((await sessionCompliance(testDb.db, { userId: coach, sessionId })).metrics[8]).toMatchObject({ band: 'off', reason: 'Knee sore' })
  })

  it('sets are averaged, and only current versions count', async () => {
    const client = await newClient()
    const reps: PlannedMetric = { key: randomUUID(), kind: 'number', label: 'Reps', unit: 'reps', target: 8 }
    const { sessionId, itemKey } = await assignWith(client, [reps])
    await recordMeasure(testDb.db, { userId: client, ...set(8, 1), sessionId, itemKey, metricKey: reps.key })
    const wrong = await recordMeasure(testDb.db, { userId: client, ...set(1, 2), sessionId, itemKey, metricKey: reps.key })
    expect((await sessionCompliance(testDb.db, { userId: client, sessionId })).metrics[0]).toMatchObject({ actual: 4.5, band: 'near' })
    await correctMeasure(testDb.db, { userId: client, measureId: wrong.id, value: { kind: 'number', value: 6 }, unit: null, modification: null })
    expect((await sessionCompliance(testDb.db, { userId: client, sessionId })).metrics[0]).toMatchObject({ actual: 7, band: 'on_plan', percent: 88 })
  })

  it('adherence over 7, 30 and 90 days: completed planned sessions ÷ planned sessions due', async () => {
    const client = await newClient()
    const planned = async (daysAgo: number, { completed = false, cancelled = false } = {}) => {
      await testDb.db.asService((tx) =>
        tx.query(
          `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, has_conversation, due_at, session_date, completed_at, cancelled_at)
           values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'Planned', false, now() - make_interval(days => $4), (now() - make_interval(days => $4))::date,
                   case when $5 then now() end, case when $6 then now() end)`,
          [client, coach, programId, daysAgo, completed, cancelled],
        ),
      )
    }
    await planned(3, { completed: true })
    await planned(5, { cancelled: true })
    await planned(10)
    await planned(40, { completed: true })
    await planned(-2)
    const expected = [
      { days: 7, due: 1, completed: 1, share: 1 },
      { days: 30, due: 2, completed: 1, share: 0.5 },
      { days: 90, due: 3, completed: 2, share: 2 / 3 },
    ]
    expect(await clientAdherence(testDb.db, { userId: client })).toEqual(expected)
    expect(await clientAdherence(testDb.db, { userId: coach, clientId: client })).toEqual(expected)
  })
})

describe('benchmarks', () => {
  it('the latest by date is current, whatever order they were entered in', async () => {
    const client = await newClient()
    const oneRm = (value: number, recordedOn: string) =>
      recordBenchmark(testDb.db, { userId: client, kind: 'one_rep_max', exerciseId: squatId, name: null, value, unit: null, zones: null, recordedOn })
    await oneRm(100, '2026-11-01')
    await oneRm(110, '2026-11-20')
    await oneRm(105, '2026-11-10')
    expect(await currentOneRepMax(testDb.db, { userId: client, exerciseId: squatId })).toBe(110)
    expect((await benchmarkHistory(testDb.db, { userId: client, kind: 'one_rep_max', exerciseId: squatId })).map((b) => [b.recordedOn, b.value])).toEqual([
      ['2026-11-01', 100],
      ['2026-11-10', 105],
      ['2026-11-20', 110],
    ])
    await recordBenchmark(testDb.db, { userId: client, kind: 'ftp', exerciseId: null, name: null, value: 250, unit: null, zones: null, recordedOn: '2026-11-05' })
    expect((await currentBenchmarks(testDb.db, { userId: client })).map((b) => [b.kind, b.name, b.value, b.unit])).toEqual([
      ['ftp', 'FTP', 250, 'W'],
      ['one_rep_max', 'Back squat 1RM', 110, 'kg'],
    ])
  })

  it('a value is above 0 and a 1RM names an exercise, in Zod and in the database', async () => {
    const client = await newClient()
    expect(await caught(recordBenchmark(testDb.db, { userId: client, kind: 'one_rep_max', exerciseId: null, name: null, value: 100, unit: null, zones: null, recordedOn: '2026-11-01' }))).toMatchObject({
      kind: 'invalid',
      message: 'A 1RM is for an exercise: choose one.',
    })
    expect(await caught(recordBenchmark(testDb.db, { userId: client, kind: 'ftp', exerciseId: null, name: null, value: 0, unit: null, zones: null, recordedOn: '2026-11-01' }))).toMatchObject({
      kind: 'invalid',
      message: 'A benchmark is above 0.',
    })
    const direct = (sql: string) => testDb.db.asUser(client, (tx) => tx.query(sql, [client]))
    expect(await caught(direct(`insert into public.benchmarks (user_id, kind, value, unit) values ($1, 'one_rep_max', 100, 'kg')`))).toMatchObject({ kind: 'invalid' })
    expect(await caught(direct(`insert into public.benchmarks (user_id, kind, value, unit) values ($1, 'ftp', 0, 'W')`))).toMatchObject({ kind: 'invalid' })
    expect(await direct(`insert into public.benchmarks (user_id, kind, value, unit) values ($1, 'ftp', 240, 'W') returning id`)).toHaveLength(1)
  })

  it('“75 % of 1RM” shows the weight from the current 1RM, and says so when there is none', async () => {
    const client = await newClient()
    const ask = () => prescribedWeightFor(testDb.db, { userId: client, exerciseId: squatId, exerciseName: 'Back squat', percent: 75 })
    expect(await ask()).toEqual({ known: false, text: '75 % of 1RM — no 1RM for Back squat yet: record one to see the weight.' })
    await recordBenchmark(testDb.db, { userId: client, kind: 'one_rep_max', exerciseId: squatId, name: null, value: 110, unit: null, zones: null, recordedOn: await today() })
    expect(await ask()).toEqual({ known: true, kilograms: 82.5, oneRepMax: 110, text: '75 % of 1RM = 82.5 kg (1RM 110 kg)' })
  })

  it('a measure of a benchmark metric joins the benchmarks, and its correction replaces it', async () => {
    const client = await newClient()
    const metric: PlannedMetric = { key: randomUUID(), kind: 'number', label: 'Tested 1RM', unit: 'kg', target: null, benchmark: true }
    const { sessionId, itemKey } = await assignWith(client, [metric])
    const tested = await recordMeasure(testDb.db, { userId: client, ...set(120), sessionId, itemKey, metricKey: metric.key })
    expect(await currentOneRepMax(testDb.db, { userId: client, exerciseId: squatId })).toBe(120)
    await correctMeasure(testDb.db, { userId: coach, measureId: tested.id, value: { kind: 'number', value: 115 }, unit: null, modification: null })
    expect(await currentOneRepMax(testDb.db, { userId: client, exerciseId: squatId })).toBe(115)
    expect(await currentOneRepMax(testDb.db, { userId: coach, clientId: client, exerciseId: squatId })).toBe(115)
  })
})
