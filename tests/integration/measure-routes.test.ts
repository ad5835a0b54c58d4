/**
 * Recording on the session page through its routes, with the person's cookie: the measures
 * action records a value (one field per metric) and corrects it (a new version, the old one
 * kept), refuses whoever may not record there, and says what is wrong; the session page
 * loads every version and the compliance, and a training session started by recording opens
 * on its work rather than on a conversation it does not have.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthBackend } from '#lib/auth/backend'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { assignTemplate } from '#lib/library/assigning'
import type { Measure, SessionCompliance } from '#lib/measures/measures'
import { recordMeasure } from '#lib/measures/measures'
import { acceptInvite, createInvite, createProgram } from '#lib/programs/programs'
import { loader as sessionPageLoader } from '../../app/routes/sessions.$sessionId._index'
import { action as measuresAction } from '../../app/routes/sessions.$sessionId.measures'
import { action as logAction } from '../../app/routes/log'
import { action as trainingAction } from '../../app/routes/sessions.$sessionId.training'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { callRoute, type RouteAnswer } from '../support/route-call'

type Person = 'client' | 'peer' | 'coach'
const appUrl = 'http://stagecoach.test'
let testDb: TestDatabase
let auth: AuthBackend
const person = {} as Record<Person, { id: string; jar: CookieJar }>
let sessionId = ''
let itemKey = ''
const metricKey = randomUUID()

function post(who: Person | 'anon', form: Record<string, string>, session = sessionId): Promise<RouteAnswer> {
  const jar = who === 'anon' ? new CookieJar() : person[who].jar
  return callRoute(measuresAction, { url: `${appUrl}/sessions/${session}/measures`, form, params: { sessionId: session }, jar, auth, db: testDb.db })
}

function page(who: Person, session = sessionId): Promise<RouteAnswer> {
  return callRoute(sessionPageLoader, { url: `${appUrl}/sessions/${session}`, params: { sessionId: session }, jar: person[who].jar, auth, db: testDb.db })
}

function formError(answer: RouteAnswer): string {
  const body = answer.body as { result?: { error?: Record<string, string[] | null> } }
  return [...new Set(Object.values(body.result?.error ?? {}).flatMap((m) => m ?? []))].join(' ')
}

const recordTopSet = (value: string) => ({ intent: 'record', itemKey, metricKey, kind: 'number', setNumber: '1', numberValue: value })

beforeAll(async () => {
  testDb = await createTestDatabase()
  auth = createBuiltInAuth(testDb.db, { secret: 'measure-routes-secret-0123456789abcdef', secure: false }, { appUrl, mailer: null })
  for (const [who, name] of [['client', 'Cleo'], ['peer', 'Pia'], ['coach', 'Kofi']] as const) {
    const email = `${who}-${randomUUID().slice(0, 8)}@example.test`
    const signedUp = await auth.signUp({ email, password: 'Correct-Horse-42', displayName: name }, { cookieHeader: null, ipAddress: '203.0.113.7' })
    person[who] = { id: signedUp.userId, jar: new CookieJar().apply(signedUp.setCookies) }
  }
  const programId = await createProgram(testDb.db, { userId: person.coach.id, name: 'North Star' })
  for (const who of ['client', 'peer'] as const) {
    const { token } = await createInvite(testDb.db, { userId: person.coach.id, programId, role: 'client' })
    await acceptInvite(testDb.db, { userId: person[who].id, token })
  }
  itemKey = randomUUID()
  const [template] = await testDb.db.asService((tx) =>
    tx.query<{ id: string }>(`insert into public.session_templates (program_id, title) values ($1, 'Strength day') returning id`, [programId]),
  )
  await testDb.db.asService((tx) =>
    tx.query(
      `insert into public.template_items (template_id, program_id, key, position, kind, title, metrics)
       values ($1, $2, $3, 0, 'drill', 'Top set', $4::jsonb)`,
      [template!.id, programId, itemKey, JSON.stringify([{ key: metricKey, kind: 'number', label: 'Top set', unit: 'kg', target: 100, targetMin: null, targetMax: null, benchmark: false }])],
    ),
  )
  const [assigned] = await assignTemplate(testDb.db, { userId: person.coach.id, templateId: template!.id, clientIds: [person.client.id], dueOn: new Date().toISOString().slice(0, 10) })
  sessionId = assigned!
})

afterAll(async () => {
  await testDb?.close()
})

describe('the measures action', () => {
  it('sends a visitor to sign in, and refuses another client; nothing is recorded', async () => {
    const visitor = await post('anon', recordTopSet('90'))
    expect([visitor.status, visitor.location]).toEqual([302, expect.stringMatching(/^\/login\?redirectTo=/)])
    const peer = await post('peer', recordTopSet('90'))
    expect(peer.status).toBe(404)
    const [count] = await testDb.db.asService((tx) => tx.query<{ n: number }>('select count(*)::int as n from public.measures where session_id = $1', [sessionId]))
    expect(count!.n).toBe(0)
  })

  it('records the client’s value, then a correction as a new version; the page shows both and the band', async () => {
    const recorded = await post('client', recordTopSet('900'))
    expect(recorded.status).toBe(200)
    const first = (recorded.body as { measureId: string }).measureId
    const corrected = await post('client', { intent: 'correct', measureId: first, kind: 'number', numberValue: '96' })
    expect(corrected.status).toBe(200)
    const loaded = (await page('client')).body as { measures: Measure[]; compliance: SessionCompliance }
    expect(loaded.measures.map((m) => [m.value, m.supersededById === null])).toEqual([
      [{ kind: 'number', value: 96 }, true],
      [{ kind: 'number', value: 900 }, false],
    ])
    expect(loaded.compliance.metrics[0]).toMatchObject({ label: 'Top set', band: 'on_plan', percent: 96 })
    // The coach sees the same.
    expect(((await page('coach')).body as { measures: Measure[] }).measures).toHaveLength(2)
  })

  it('the coach records too, as the coach', async () => {
    const answer = await post('coach', { ...recordTopSet('95'), setNumber: '2' })
    expect(answer.status).toBe(200)
    const [row] = await testDb.db.asService((tx) =>
      tx.query<{ recorded_by: string }>('select recorded_by from public.measures where id = $1', [(answer.body as { measureId: string }).measureId]),
    )
    expect(row).toEqual({ recorded_by: 'coach' })
  })

  it('says what is wrong: a skip needs a reason, a value needs to be there', async () => {
    const noReason = await post('client', { intent: 'record', itemKey, metricKey, kind: 'number', skipped: 'on' })
    expect([noReason.status, formError(noReason)]).toEqual([400, 'Say why, so your coach knows.'])
    const noValue = await post('client', { intent: 'record', itemKey, metricKey, kind: 'number' })
    expect([noValue.status, formError(noValue)]).toEqual([400, 'Give a value, or mark it skipped.'])
  })
})

describe('a training session started by recording', () => {
  it('opens on its work (no conversation to redirect to), with its measures', async () => {
    const measure = await recordMeasure(testDb.db, {
      userId: person.peer.id,
      sessionId: null,
      itemKey: null,
      exerciseId: null,
      metricKey: 'weight',
      setNumber: 1,
      value: { kind: 'number', value: 40 },
      unit: null,
      modification: null,
    })
    const answer = await page('peer', measure.sessionId)
    expect(answer.status).toBe(200)
    expect((answer.body as { measures: Measure[] }).measures.map((m) => m.value)).toEqual([{ kind: 'number', value: 40 }])
    const next = await post('peer', { intent: 'record', metricKey: 'reps', kind: 'number', setNumber: '1', numberValue: '8' }, measure.sessionId)
    expect(next.status).toBe(200)
  })
})

describe('logging training from the dashboard', () => {
  it('a first value with no session running starts one and opens it; RPE goes in as a 1–10 value', async () => {
    const answer = await callRoute(logAction, {
      url: `${appUrl}/log`,
      form: { intent: 'record', metricKey: 'rpe', kind: 'number', setNumber: '1', numberValue: '8' },
      jar: person.coach.jar,
      auth,
      db: testDb.db,
    })
    expect(answer.status).toBe(302)
    const started = /^\/sessions\/([0-9a-f-]{36})\?mode=live$/.exec(answer.location ?? '')
    expect(started).not.toBeNull()
    const [row] = await testDb.db.asService((tx) =>
      tx.query<{ value_scale: number; title: string }>(
        'select m.value_scale, s.title from public.measures m join public.coaching_sessions s on s.id = m.session_id where m.session_id = $1',
        [started![1]],
      ),
    )
    expect(row).toEqual({ value_scale: 8, title: expect.stringMatching(/^Fun — /) })
  })
})

describe('a training session’s details', () => {
  const postDetails = (who: Person, form: Record<string, string>) =>
    callRoute(trainingAction, { url: `${appUrl}/sessions/${sessionId}/training`, form: { intent: 'training-details', ...form }, params: { sessionId }, jar: person[who].jar, auth, db: testDb.db })
  const today = () => new Date().toISOString().slice(0, 10)
  const details = async () => ((await page('client')).body as { training: { activityType: string; activityLabel: string | null; timeSlot: string | null; isCompetition: boolean; competitionType: string | null; competitionId: string | null } }).training

  it('refuses a custom activity without a name and half a competition, each on its field, and changes nothing', async () => {
    const custom = await postDetails('client', { activityType: 'CUSTOM', sessionDate: today() })
    expect(custom.status).toBe(400)
    expect(formError(custom)).toContain('Name your custom activity.')
    const half = await postDetails('client', { activityType: 'POWER', sessionDate: today(), isCompetition: 'on', competitionType: 'Regional bouldering' })
    expect(half.status).toBe(400)
    expect(formError(half)).toMatch(/both its type and its id/)
    expect((await details()).activityType).toBe('FUN')
  })

  it('another client cannot change them; the client sets the activity and the time of day, but not a competition once measures carry the session’s', async () => {
    const peer = await postDetails('peer', { activityType: 'POWER', sessionDate: today(), timeSlot: 'morning' })
    expect(peer.status).toBe(404)
    // The tests above recorded measures here: they carry the session's (no) competition.
    const competition = await postDetails('client', { activityType: 'POWER', sessionDate: today(), isCompetition: 'on', competitionType: 'Regional bouldering', competitionId: 'RB-2026-12' })
    expect([competition.status, formError(competition)]).toEqual([409, expect.stringMatching(/measures already carry this session's competition/)])
    const saved = await postDetails('client', { activityType: 'POWER', sessionDate: today(), timeSlot: 'evening' })
    expect([saved.status, formError(saved)]).toEqual([200, ''])
    expect(await details()).toMatchObject({ activityType: 'POWER', timeSlot: 'evening', isCompetition: false, competitionType: null })
  })
})

describe('a prescription as a % of 1RM', () => {
  it('shows the client the weight from their current 1RM, and says so when there is none yet', async () => {
    const [setup] = await testDb.db.asService((tx) =>
      tx.query<{ program_id: string; exercise_id: string; exercise_name: string }>(
        `select (select program_id from public.coaching_sessions where id = $1) as program_id, e.id as exercise_id, e.name as exercise_name
         from public.exercises e where e.program_id is null order by lower(e.name) limit 1`,
        [sessionId],
      ),
    )
    const key = randomUUID()
    const [template] = await testDb.db.asService((tx) =>
      tx.query<{ id: string }>(`insert into public.session_templates (program_id, title) values ($1, 'Heavy day') returning id`, [setup!.program_id]),
    )
    await testDb.db.asService((tx) =>
      tx.query(
        `insert into public.template_items (template_id, program_id, key, position, kind, title, exercise_id, prescription)
         values ($1, $2, $3, 0, 'exercise', 'Main lift', $4, $5::jsonb)`,
        [template!.id, setup!.program_id, key, setup!.exercise_id, JSON.stringify({ type: 'strength', sets: 3, reps: 5, intensity: { kind: 'percent_1rm', value: 75 }, restSeconds: null, tempo: null })],
      ),
    )
    const [heavy] = await assignTemplate(testDb.db, { userId: person.coach.id, templateId: template!.id, clientIds: [person.client.id], dueOn: new Date().toISOString().slice(0, 10) })
    const weights = async (who: Person) => ((await page(who, heavy)).body as { weights: Record<string, string> }).weights
    expect(await weights('client')).toEqual({ [key]: `75 % of 1RM — no 1RM for ${setup!.exercise_name} yet: record one to see the weight.` })
    await testDb.db.asService((tx) =>
      tx.query(`insert into public.benchmarks (user_id, kind, exercise_id, value, unit) values ($1, 'one_rep_max', $2, 101, 'kg')`, [person.client.id, setup!.exercise_id]),
    )
    // 75 % of 101 kg is 75.75 kg: to the nearest 0.5 kg, what plates make.
    expect(await weights('client')).toEqual({ [key]: '75 % of 1RM = 76 kg (1RM 101 kg)' })
  })
})
