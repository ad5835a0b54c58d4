/**
 * The sync endpoint (issue 16, decision 030), through its route with each person's cookie:
 * entries recorded without signal are written once however often they are sent (again, twice
 * at once, out of order), by the same rules as online — access, the ±7-day window read on the
 * device's day, immutability (an offline correction is a new version) — and what is refused
 * says why, writes nothing, and can be sent again once fixed. A session completed meanwhile is
 * a conflict. The receipts' access is checked as direct SQL too.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthBackend } from '#lib/auth/backend'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { completeSession } from '#lib/coaching/sessions'
import { sqlState, type Tx } from '#lib/db/database'
import { assignTemplate } from '#lib/library/assigning'
import type { SyncEntry, SyncResult } from '#lib/offline/sync.shared'
import { acceptInvite, createInvite, createProgram } from '#lib/programs/programs'
import { action as syncAction } from '../../app/routes/offline.sync'
import { loader as keepLoader } from '../../app/routes/offline.sessions'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { callRoute, type RouteAnswer } from '../support/route-call'

const appUrl = 'http://stagecoach.test'
let testDb: TestDatabase
let auth: AuthBackend
let programId = ''
let otherProgramId = ''
let templateId = ''
let itemKey = ''
const metricKey = randomUUID()
let coach: Person
let otherCoach: Person

interface Person {
  id: string
  jar: CookieJar
}

async function signUp(name: string): Promise<Person> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`
  const signedUp = await auth.signUp({ email, password: 'Correct-Horse-42', displayName: name }, { cookieHeader: null, ipAddress: '203.0.113.7' })
  return { id: signedUp.userId, jar: new CookieJar().apply(signedUp.setCookies) }
}

/** A new client of North Star with one session of the template assigned, due `dueInDays` from today. */
async function clientWithSession(dueInDays = 0): Promise<{ client: Person; sessionId: string }> {
  const client = await signUp('Cleo')
  const { token } = await createInvite(testDb.db, { userId: coach.id, programId, role: 'client' })
  await acceptInvite(testDb.db, { userId: client.id, token })
  const [sessionId] = await assignTemplate(testDb.db, { userId: coach.id, templateId, clientIds: [client.id], dueOn: isoDay(dueInDays) })
  return { client, sessionId: sessionId! }
}

const isoDay = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)
const deviceTime = (offsetMinutes = 0) => new Date(Date.now() + offsetMinutes * 60_000).toISOString()

function send(who: Person | 'anon', entries: unknown[]): Promise<RouteAnswer> {
  const jar = who === 'anon' ? new CookieJar() : who.jar
  return callRoute(syncAction, { url: `${appUrl}/offline/sync`, json: { entries }, jar, auth, db: testDb.db })
}

async function results(who: Person, entries: unknown[]): Promise<SyncResult[]> {
  const answer = await send(who, entries)
  expect(answer.status).toBe(200)
  return (answer.body as { results: SyncResult[] }).results
}

let sequence = 0
function set(sessionId: string, value: number, setNumber: number, extra: Partial<SyncEntry> = {}): SyncEntry {
  return { kind: 'record', clientId: randomUUID(), sequence: sequence++, deviceTime: deviceTime(), sessionId, itemKey, metricKey, setNumber, value: { kind: 'number', value }, modification: null, ...extra } as SyncEntry
}

async function measuresOf(sessionId: string) {
  return testDb.db.asService((tx) =>
    tx.query<{ id: string; value: number; client_id: string | null; supersedes_id: string | null; recorded_by: string; device_recorded_at: Date | null; recorded_at: Date }>(
      `select id, value_numeric::float8 as value, client_id, supersedes_id, recorded_by, device_recorded_at, recorded_at
       from public.measures where session_id = $1 order by recorded_at, id`,
      [sessionId],
    ),
  )
}

beforeAll(async () => {
  testDb = await createTestDatabase()
  auth = createBuiltInAuth(testDb.db, { secret: 'offline-sync-secret-0123456789abcdef', secure: false }, { appUrl, mailer: null })
  coach = await signUp('Kofi')
  otherCoach = await signUp('Olu')
  programId = await createProgram(testDb.db, { userId: coach.id, name: 'North Star' })
  otherProgramId = await createProgram(testDb.db, { userId: otherCoach.id, name: 'Elsewhere' })
  itemKey = randomUUID()
  const [template] = await testDb.db.asService((tx) =>
    tx.query<{ id: string }>(`insert into public.session_templates (program_id, title) values ($1, 'Strength day') returning id`, [programId]),
  )
  templateId = template!.id
  await testDb.db.asService((tx) =>
    tx.query(
      `insert into public.template_items (template_id, program_id, key, position, kind, title, metrics)
       values ($1, $2, $3, 0, 'drill', 'Top set', $4::jsonb)`,
      [templateId, programId, itemKey, JSON.stringify([{ key: metricKey, kind: 'number', label: 'Top set', unit: 'kg', target: 100, targetMin: null, targetMax: null, benchmark: false }])],
    ),
  )
})

afterAll(async () => {
  await testDb?.close()
})

describe('sending the same entries again', () => {
  it('two sets sent, then sent again (a retry after a lost answer), are written once; the second answer is the first’s', async () => {
    const { client, sessionId } = await clientWithSession()
    const entries = [set(sessionId, 90, 1), set(sessionId, 92.5, 2)]
    const first = await results(client, entries)
    expect(first.map((r) => [r.status, r.status === 'synced' && r.duplicate])).toEqual([['synced', false], ['synced', false]])
    const again = await results(client, entries)
    expect(again).toEqual(first.map((r) => ({ ...r, duplicate: true })))
    const rows = await measuresOf(sessionId)
    expect(rows.map((r) => [r.value, r.client_id])).toEqual([[90, entries[0]!.clientId], [92.5, entries[1]!.clientId]])
    // The device's time is kept beside the server's own.
    expect(rows[0]!.device_recorded_at?.toISOString()).toBe(new Date(entries[0]!.deviceTime).toISOString())
    expect(rows[0]!.recorded_at.getTime()).toBeGreaterThanOrEqual(rows[0]!.device_recorded_at!.getTime() - 1000)
  })

  it('the same entry twice in one send, and two sends of it at once, write one row', async () => {
    const { client, sessionId } = await clientWithSession()
    const entry = set(sessionId, 80, 1)
    const inOne = await results(client, [entry, entry])
    expect(inOne.map((r) => r.status)).toEqual(['synced', 'synced'])
    const other = set(sessionId, 82, 2)
    const [a, b] = await Promise.all([results(client, [other]), results(client, [other])])
    expect([a![0]!.status, b![0]!.status]).toEqual(['synced', 'synced'])
    expect((await measuresOf(sessionId)).map((r) => r.value)).toEqual([80, 82])
  })
})

describe('order', () => {
  it('entries sent out of order are written in the device’s order; a correction sent before its value waits for it', async () => {
    const { client, sessionId } = await clientWithSession()
    const original = set(sessionId, 100, 1)
    const correction: SyncEntry = { kind: 'correct', clientId: randomUUID(), sequence: sequence++, deviceTime: deviceTime(), sessionId, supersedes: { clientId: original.clientId }, value: { kind: 'number', value: 95 }, modification: null }
    // The correction alone first (another tab sent it): refused, nothing written, not a conflict.
    const early = await results(client, [correction])
    expect(early).toEqual([{ clientId: correction.clientId, status: 'refused', conflict: false, reason: expect.stringMatching(/has not reached the server yet/) }])
    expect(await measuresOf(sessionId)).toEqual([])
    // Then both, listed out of order: sorted by sequence, the value first, then its correction.
    const both = await results(client, [correction, original])
    expect(both.map((r) => [r.clientId, r.status])).toEqual([[correction.clientId, 'synced'], [original.clientId, 'synced']])
    const rows = await measuresOf(sessionId)
    // An offline correction is a new version: the first value stays, superseded by it.
    expect(rows.map((r) => [r.value, r.supersedes_id])).toEqual([[100, null], [95, rows[0]!.id]])
  })

  it('a correction of a value the server already had names it by id; correcting a corrected value is a conflict', async () => {
    const { client, sessionId } = await clientWithSession()
    const [recorded] = await results(client, [set(sessionId, 70, 1)])
    const measureId = recorded!.status === 'synced' ? recorded!.measureId! : ''
    const fix = (value: number): SyncEntry => ({ kind: 'correct', clientId: randomUUID(), sequence: sequence++, deviceTime: deviceTime(), sessionId, supersedes: { measureId }, value: { kind: 'number', value }, modification: null })
    expect((await results(client, [fix(72)]))[0]).toMatchObject({ status: 'synced', duplicate: false })
    // Another device corrected the same version meanwhile: shown, never overwritten.
    expect((await results(client, [fix(75)]))[0]).toMatchObject({ status: 'refused', conflict: true, reason: expect.stringMatching(/corrected already/) })
    expect((await measuresOf(sessionId)).map((r) => r.value)).toEqual([70, 72])
  })
})

describe('the same rules as online', () => {
  it('the window is read on the device’s day: work done 3 days ago for a session planned 8 days ago is in time; today it is not', async () => {
    const { client, sessionId } = await clientWithSession(-8)
    const today = set(sessionId, 60, 1)
    expect((await results(client, [today]))[0]).toMatchObject({ status: 'refused', conflict: false, reason: expect.stringMatching(/logs count for it within 7 days/) })
    const threeDaysAgo = set(sessionId, 60, 1, { deviceTime: deviceTime(-3 * 24 * 60) })
    expect((await results(client, [threeDaysAgo]))[0]).toMatchObject({ status: 'synced' })
    expect((await measuresOf(sessionId)).map((r) => r.client_id)).toEqual([threeDaysAgo.clientId])
  })

  it('a device time ahead of the server, or more than 7 days old, is refused with a reason', async () => {
    const { client, sessionId } = await clientWithSession()
    const ahead = set(sessionId, 60, 1, { deviceTime: deviceTime(60) })
    expect((await results(client, [ahead]))[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/check the device's clock/) })
    const stale = set(sessionId, 60, 1, { deviceTime: deviceTime(-8 * 24 * 60) })
    expect((await results(client, [stale]))[0]).toMatchObject({ status: 'refused', reason: expect.stringMatching(/more than 7 days ago/) })
    expect(await measuresOf(sessionId)).toEqual([])
  })

  it('a refused entry is refused on every try and writes nothing; edited, the same entry then syncs once', async () => {
    const { client, sessionId } = await clientWithSession()
    const bad = set(sessionId, 60, 1, { value: null })
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await results(client, [bad]))[0]).toEqual({ clientId: bad.clientId, status: 'refused', conflict: false, reason: 'Give a value, or mark it skipped.' })
    }
    expect(await measuresOf(sessionId)).toEqual([])
    const [receipts] = await testDb.db.asService((tx) => tx.query<{ n: number }>('select count(*)::int as n from public.sync_receipts where client_id = $1', [bad.clientId]))
    expect(receipts!.n).toBe(0)
    const edited = { ...bad, value: { kind: 'number' as const, value: 61 } }
    expect((await results(client, [edited]))[0]).toMatchObject({ status: 'synced', duplicate: false })
    expect((await results(client, [edited]))[0]).toMatchObject({ status: 'synced', duplicate: true })
    expect((await measuresOf(sessionId)).map((r) => r.value)).toEqual([61])
  })

  it('who may send: the client and their coach (as the coach); not another client, another program’s coach, or a visitor', async () => {
    const { client, sessionId } = await clientWithSession()
    const peer = (await clientWithSession()).client
    const outsider = await signUp('Ola')
    const { token } = await createInvite(testDb.db, { userId: otherCoach.id, programId: otherProgramId, role: 'client' })
    await acceptInvite(testDb.db, { userId: outsider.id, token })

    expect((await send('anon', [set(sessionId, 1, 1)])).status).toBe(401)
    for (const who of [peer, otherCoach, outsider]) {
      expect((await results(who, [set(sessionId, 1, 1)]))[0]).toMatchObject({ status: 'refused', conflict: false, reason: expect.stringMatching(/not there, or you may not record/) })
    }
    expect(await measuresOf(sessionId)).toEqual([])
    expect((await results(client, [set(sessionId, 50, 1)]))[0]).toMatchObject({ status: 'synced' })
    expect((await results(coach, [set(sessionId, 55, 2)]))[0]).toMatchObject({ status: 'synced' })
    expect((await measuresOf(sessionId)).map((r) => [r.value, r.recorded_by])).toEqual([[50, 'client'], [55, 'coach']])
  })

  it('takes JSON only, and says what is wrong with a broken send', async () => {
    const { client } = await clientWithSession()
    const form = await callRoute(syncAction, { url: `${appUrl}/offline/sync`, form: { entries: '[]' }, jar: client.jar, auth, db: testDb.db })
    expect(form.status).toBe(415)
    const empty = await send(client, [])
    expect([empty.status, (empty.body as { error: string }).error]).toEqual([400, 'Send at least one entry.'])
  })
})

describe('Mark Complete, offline', () => {
  it('completes the session once; a set sent after it, or a second device’s Mark Complete, is a conflict shown as such', async () => {
    const { client, sessionId } = await clientWithSession()
    const sets = [set(sessionId, 90, 1), set(sessionId, 91, 2)]
    const complete: SyncEntry = { kind: 'complete', clientId: randomUUID(), sequence: sequence++, deviceTime: deviceTime(), sessionId }
    expect((await results(client, [...sets, complete])).map((r) => r.status)).toEqual(['synced', 'synced', 'synced'])
    const [session] = await testDb.db.asService((tx) => tx.query<{ completed_at: Date | null }>('select completed_at from public.coaching_sessions where id = $1', [sessionId]))
    expect(session!.completed_at).toBeInstanceOf(Date)
    expect((await results(client, [complete]))[0]).toMatchObject({ status: 'synced', duplicate: true })
    const late = await results(client, [set(sessionId, 93, 3), { ...complete, clientId: randomUUID(), sequence: sequence++ }])
    expect(late).toEqual([
      expect.objectContaining({ status: 'refused', conflict: true, reason: expect.stringMatching(/This session is complete/) }),
      expect.objectContaining({ status: 'refused', conflict: true, reason: expect.stringMatching(/marked complete on the server meanwhile/) }),
    ])
    expect(await measuresOf(sessionId)).toHaveLength(2)
  })

  it('a session completed online while the device was offline makes the device’s Mark Complete a conflict', async () => {
    const { client, sessionId } = await clientWithSession()
    await results(client, [set(sessionId, 90, 1)])
    await completeSession(testDb.db, { userId: client.id, sessionId })
    const complete: SyncEntry = { kind: 'complete', clientId: randomUUID(), sequence: sequence++, deviceTime: deviceTime(), sessionId }
    expect((await results(client, [complete]))[0]).toMatchObject({ status: 'refused', conflict: true })
  })
})

describe('the pages a device keeps', () => {
  it('are the person’s running and next sessions, and nobody else’s', async () => {
    const { client, sessionId } = await clientWithSession()
    const kept = await callRoute(keepLoader, { url: `${appUrl}/offline/sessions`, jar: client.jar, auth, db: testDb.db })
    expect(kept.body).toEqual({ userId: client.id, pages: ['/dashboard', `/sessions/${sessionId}`] })
    const visitor = await callRoute(keepLoader, { url: `${appUrl}/offline/sessions`, jar: new CookieJar(), auth, db: testDb.db })
    expect(visitor.body).toEqual({ userId: null, pages: [] })
  })
})

describe('sync receipts, as direct SQL', () => {
  let client: Person
  let peer: Person
  let sessionId = ''
  let measureId = ''
  const clientId = randomUUID()

  async function attempt(who: Person | 'anon', sql: string, params: unknown[] = []): Promise<'allowed' | 'denied'> {
    const work = (tx: Tx) => tx.query(sql, params)
    try {
      const rows = await (who === 'anon' ? testDb.db.asAnonymous(work) : testDb.db.asUser(who.id, work))
      return rows.length > 0 ? 'allowed' : 'denied'
    } catch (error) {
      const state = sqlState(error) ?? sqlState((error as { cause?: unknown }).cause)
      if (state === '42501' || (error instanceof Error && 'kind' in error && error.kind === 'not_found')) return 'denied'
      throw error
    }
  }

  beforeAll(async () => {
    ;({ client, sessionId } = await clientWithSession())
    peer = (await clientWithSession()).client
    const [synced] = await results(client, [{ ...set(sessionId, 40, 1), clientId }])
    measureId = synced!.status === 'synced' ? synced!.measureId! : ''
  })

  const read = 'select client_id from public.sync_receipts where client_id = $1'
  it('the sender reads their own; another client, the coach, another program’s coach and a visitor cannot', async () => {
    expect(await attempt(peer, read, [clientId])).toBe('denied')
    expect(await attempt(coach, read, [clientId])).toBe('denied')
    expect(await attempt(otherCoach, read, [clientId])).toBe('denied')
    expect(await attempt('anon', read, [clientId])).toBe('denied')
    expect(await attempt(client, read, [clientId])).toBe('allowed')
  })

  const insert = `insert into public.sync_receipts (user_id, client_id, kind, session_id, measure_id, device_sequence, device_recorded_at)
    values ($1, $2, 'record', $3, $4, 0, now()) returning client_id`
  it('a receipt is written in one’s own name, for a session one can see and a measure one recorded', async () => {
    expect(await attempt(peer, insert, [peer.id, randomUUID(), sessionId, measureId])).toBe('denied')
    expect(await attempt(peer, insert, [client.id, randomUUID(), sessionId, measureId])).toBe('denied')
    expect(await attempt(otherCoach, insert, [otherCoach.id, randomUUID(), sessionId, measureId])).toBe('denied')
    // The coach sees the session but did not record that measure.
    expect(await attempt(coach, insert, [coach.id, randomUUID(), sessionId, measureId])).toBe('denied')
    expect(await attempt('anon', insert, [client.id, randomUUID(), sessionId, measureId])).toBe('denied')
    expect(await attempt(client, insert, [client.id, randomUUID(), sessionId, measureId])).toBe('allowed')
  })

  it('nobody changes or removes a receipt, the sender included', async () => {
    for (const who of [client, coach, 'anon'] as const) {
      expect(await attempt(who, 'update public.sync_receipts set device_sequence = 9 where client_id = $1 returning client_id', [clientId])).toBe('denied')
      expect(await attempt(who, 'delete from public.sync_receipts where client_id = $1 returning client_id', [clientId])).toBe('denied')
    }
    expect(await attempt(client, read, [clientId])).toBe('allowed')
  })

  it('the coach reads the measure itself, with its device time, as online', async () => {
    const [row] = await testDb.db.asUser(coach.id, (tx) => tx.query<{ client_id: string }>('select client_id from public.measures where id = $1', [measureId]))
    expect(row).toEqual({ client_id: clientId })
    const hidden = await testDb.db.asUser(otherCoach.id, (tx) => tx.query('select client_id from public.measures where id = $1', [measureId]))
    expect(hidden).toEqual([])
  })
})
