/**
 * Weekly plans (issue 13, point 1) through lib/weekly on a real Postgres: one active plan per
 * client and week (also under two simultaneous saves, and as direct SQL), Mondays only,
 * editing in place until the client has seen the plan and a new version after (the old one
 * stays readable, unchanged items keep their sessions), copying a week forward, archiving,
 * the job that completes past weeks, and who may read and write plans — the client, their
 * coach, another client, another program's coach, a visitor — through lib and as direct SQL.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthBackend } from '#lib/auth/backend'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { completeSession, getSession } from '#lib/coaching/sessions'
import { sqlState } from '#lib/db/database'
import { createTemplate } from '#lib/library/templates'
import { calendarFeed, resetCalendarFeed } from '#lib/plans/calendar'
import { createProgram } from '#lib/programs/programs'
import { archivePlan, completePastWeeks, copyWeekForward, getPlanVersion, getWeek, markPlanSeen, savePlan } from '#lib/weekly/plans'
import type { PlanItemRow } from '#lib/weekly/weeks.shared'
import { action as coachWeekAction, loader as coachWeekLoader } from '../../app/routes/programs.$programId_.clients.$clientId_.week'
import { action as clientWeekAction, loader as clientWeekLoader } from '../../app/routes/week'
import { caught } from '../support/app-error'
import { CookieJar } from '../support/cookie-jar'
import { callRoute, type RouteAnswer } from '../support/route-call'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let coach: string
let coCoach: string
let otherCoach: string
let client: string
let otherClient: string
let programId: string
let otherProgramId: string
let templateId: string

async function join(userId: string, program: string, role: 'client' | 'coach' = 'client') {
  await testDb.db.asService((tx) => tx.query('insert into public.program_members (program_id, user_id, role) values ($1, $2, $3)', [program, userId, role]))
}

const row = (day: string, title: string, extra: Partial<PlanItemRow> = {}): PlanItemRow => ({
  day,
  title,
  templateId: null,
  instructions: '',
  prescriptionType: 'none',
  sets: null,
  reps: null,
  durationMinutes: null,
  modality: '',
  ...extra,
})

/** Weeks far apart so tests do not share a client's week. */
let weekCounter = 0
const nextWeek = () => {
  weekCounter += 1
  const monday = new Date(Date.UTC(2027, 0, 4 + 7 * weekCounter))
  return monday.toISOString().slice(0, 10)
}
const day = (weekStart: string, offset: number) => {
  const date = new Date(`${weekStart}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + offset)
  return date.toISOString().slice(0, 10)
}

const sessionRow = (sessionId: string) =>
  testDb.db.asService(async (tx) => {
    const [found] = await tx.query<{ cancelled_at: Date | null; session_date: string; title: string; due_at: Date; items: unknown[] }>(
      'select cancelled_at, session_date::text, title, due_at, items from public.coaching_sessions where id = $1',
      [sessionId],
    )
    return found!
  })

beforeAll(async () => {
  testDb = await createTestDatabase()
  coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  coCoach = await createUser(testDb.db, { displayName: 'Coach Kofi' })
  otherCoach = await createUser(testDb.db, { displayName: 'Coach Olu' })
  client = await createUser(testDb.db, { displayName: 'Diego' })
  otherClient = await createUser(testDb.db, { displayName: 'Amara' })
  programId = await createProgram(testDb.db, { userId: coach, name: 'North Star' })
  await join(coCoach, programId, 'coach')
  await join(client, programId)
  await join(otherClient, programId)
  otherProgramId = await createProgram(testDb.db, { userId: otherCoach, name: 'Elsewhere' })
  await testDb.db.asService((tx) => tx.query(`update public.profiles set timezone = 'America/New_York' where id = $1`, [client]))
  templateId = await createTemplate(testDb.db, { userId: coach, programId, title: 'Tempo run' })
})

afterAll(async () => {
  await testDb?.close()
})

describe('writing a week', () => {
  it('makes each planned item a session due at the end of its day in the client’s zone, from a template or written with a prescription', async () => {
    const week = nextWeek()
    const saved = await savePlan(testDb.db, {
      userId: coach,
      clientId: client,
      programId,
      weekStart: week,
      note: 'Easy week',
      items: [row(day(week, 0), '', { templateId }), row(day(week, 2), 'Squats', { instructions: 'Brace.', prescriptionType: 'strength', sets: 3, reps: 5 })],
    })
    expect(saved).toMatchObject({ version: 1, outcome: 'created' })
    const view = await getWeek(testDb.db, { userId: client, clientId: client, weekStart: week })
    expect(view?.plan?.items.map((item) => [item.day, item.title, item.state])).toEqual([
      [day(week, 0), 'Tempo run', 'due'],
      [day(week, 2), 'Squats', 'due'],
    ])
    const squats = await sessionRow(view!.plan!.items[1]!.sessionId!)
    // 23:59:59 on the day in New York (EST, UTC-5 in January) is 04:59:59 UTC the next day.
    expect(squats.due_at.toISOString()).toBe(`${day(week, 3)}T04:59:59.000Z`)
    expect(squats.items).toEqual([expect.objectContaining({ kind: 'drill', title: 'Squats', instructions: 'Brace.', prescription: expect.objectContaining({ type: 'strength', sets: 3, reps: 5 }) })])
  })

  it('across a daylight-saving change, each day is due at its own end of day where the client lives, and the week still starts on the Monday', async () => {
    // New York leaves summer time on Sunday 7 November 2027: Saturday is UTC-4, Sunday UTC-5.
    const week = '2027-11-01'
    await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: '', items: [row('2027-11-06', 'Long run'), row('2027-11-07', 'Recovery swim')] })
    const items = (await getWeek(testDb.db, { userId: client, clientId: client, weekStart: week }))!.plan!.items
    const due = await Promise.all(items.map(async (item) => (await sessionRow(item.sessionId!)).due_at.toISOString()))
    expect(due).toEqual(['2027-11-07T03:59:59.000Z', '2027-11-08T04:59:59.000Z'])
    // The Sunday of the change is not a week's start, whatever the zone.
    expect(await caught(savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: '2027-11-07', note: '', items: [] }))).toMatchObject({ kind: 'invalid' })
  })

  it('refuses a week that does not start on a Monday, and a day outside the week, in the database too', async () => {
    const week = nextWeek()
    const notMonday = await testDb.db
      .asUser(coach, (tx) => tx.query(`insert into public.weekly_plans (client_id, program_id, coach_id, week_start) values ($1, $2, $3, $4)`, [client, programId, coach, day(week, 1)]))
      .then(() => 'inserted', (error: unknown) => (error as { kind?: string }).kind)
    expect(notMonday).toBe('invalid')
    const outside = await caught(savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: '', items: [row(day(week, 7), 'Next Monday')] }))
    expect(outside.kind).toBe('invalid')
    expect((await getWeek(testDb.db, { userId: coach, clientId: client, weekStart: week }))?.plan).toBeNull()
  })

  it('keeps one active plan per client and week when the same week is saved twice at the same moment, and as direct SQL', async () => {
    const week = nextWeek()
    const save = (title: string) =>
      savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: title, items: [row(day(week, 1), title)] }).then(
        (saved) => saved.outcome,
        (error: unknown) => (error as { kind?: string }).kind,
      )
    const outcomes = await Promise.all([save('First tab'), save('Second tab')])
    // Either the second waited and edited the first's plan (its item replacing the first's), or it lost the race and was told so.
    expect(outcomes.sort()).toSatisfy((both: string[]) => JSON.stringify(both) === '["conflict","created"]' || JSON.stringify(both) === '["created","edited"]')
    const [{ active, sessions }] = (await testDb.db.asService((tx) =>
      tx.query<{ active: number; sessions: number }>(
        `select (select count(*)::int from public.weekly_plans where client_id = $1 and week_start = $2 and status = 'active') as active,
                (select count(*)::int from public.coaching_sessions where user_id = $1 and session_date = $3::date and cancelled_at is null) as sessions`,
        [client, week, day(week, 1)],
      ),
    )) as [{ active: number; sessions: number }]
    expect([active, sessions]).toEqual([1, 1])
    const second = await testDb.db
      .asUser(coach, (tx) => tx.query(`insert into public.weekly_plans (client_id, program_id, coach_id, week_start) values ($1, $2, $3, $4)`, [client, programId, coach, week]))
      .then(() => 'inserted', (error: unknown) => (error as { kind?: string }).kind)
    expect(second).toBe('conflict')
  })
})

describe('versions', () => {
  it('edits in place until the client has seen the plan; then an edit archives it and writes version 2, which keeps the unchanged sessions', async () => {
    const week = nextWeek()
    const first = await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: 'v1', items: [row(day(week, 0), 'Run'), row(day(week, 3), 'Swim')] })
    let plan = (await getWeek(testDb.db, { userId: coach, clientId: client, weekStart: week }))!.plan!
    const [run, swim] = plan.items
    // Not seen yet: in place, same plan, same version.
    const edited = await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: 'v1 edited', items: [row(day(week, 0), 'Run', { key: run!.key }), row(day(week, 3), 'Swim', { key: swim!.key })] })
    expect(edited).toEqual({ planId: first.planId, version: 1, outcome: 'edited' })

    // The client opens it; another client's "seen" changes nothing.
    await markPlanSeen(testDb.db, { userId: otherClient, planId: first.planId })
    expect((await getPlanVersion(testDb.db, { userId: coach, planId: first.planId }))?.seenAt).toBeNull()
    await markPlanSeen(testDb.db, { userId: client, planId: first.planId })

    // Run moves to Tuesday, Swim is dropped, Bike is new.
    const versioned = await savePlan(testDb.db, {
      userId: coach,
      clientId: client,
      programId,
      weekStart: week,
      note: 'v2',
      items: [row(day(week, 1), 'Run', { key: run!.key }), row(day(week, 4), 'Bike')],
    })
    expect(versioned).toMatchObject({ version: 2, outcome: 'versioned' })
    expect(versioned.planId).not.toBe(first.planId)
    plan = (await getWeek(testDb.db, { userId: client, clientId: client, weekStart: week }))!.plan!
    expect(plan.items.map((item) => [item.title, item.day])).toEqual([
      ['Run', day(week, 1)],
      ['Bike', day(week, 4)],
    ])
    expect(plan.items[0]!.sessionId).toBe(run!.sessionId)
    expect((await sessionRow(run!.sessionId!)).session_date).toBe(day(week, 1))
    expect((await sessionRow(swim!.sessionId!)).cancelled_at).not.toBeNull()

    // Version 1 stays readable, as it was, to both.
    for (const reader of [client, coach]) {
      const old = await getPlanVersion(testDb.db, { userId: reader, planId: first.planId })
      expect(old).toMatchObject({ status: 'archived', version: 1, note: 'v1 edited' })
      expect(old?.items.map((item) => item.title)).toEqual(['Run', 'Swim'])
    }
    const view = await getWeek(testDb.db, { userId: client, clientId: client, weekStart: week })
    expect(view?.versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'active'],
      [1, 'archived'],
    ])
  })

  it('keeps a done session in the week: it cannot be removed or moved', async () => {
    const week = nextWeek()
    await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: '', items: [row(day(week, 0), 'Assessment')] })
    const [item] = (await getWeek(testDb.db, { userId: coach, clientId: client, weekStart: week }))!.plan!.items
    await completeSession(testDb.db, { userId: client, sessionId: item!.sessionId! })
    expect((await caught(savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: '', items: [] }))).message).toMatch(/already done/)
    expect((await caught(savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: '', items: [row(day(week, 2), 'Assessment', { key: item!.key })] }))).message).toMatch(/cannot move/)
    expect((await getSession(testDb.db, { userId: client, sessionId: item!.sessionId! })).completedAt).not.toBeNull()
  })

  it('copies a week forward a week later as new sessions, once', async () => {
    const week = nextWeek()
    await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: 'Base', items: [row(day(week, 0), 'Run'), row(day(week, 5), 'Long ride', { prescriptionType: 'endurance', modality: 'bike', durationMinutes: 90 })] })
    const copied = await copyWeekForward(testDb.db, { userId: coach, clientId: client, programId, fromWeek: week })
    expect(copied.outcome).toBe('created')
    const source = (await getWeek(testDb.db, { userId: coach, clientId: client, weekStart: week }))!.plan!
    const next = (await getWeek(testDb.db, { userId: coach, clientId: client, weekStart: day(week, 7) }))!.plan!
    expect(next.note).toBe('Base')
    expect(next.items.map((item) => [item.title, item.day, item.prescription])).toEqual(source.items.map((item) => [item.title, day(item.day, 7), item.prescription]))
    expect(next.items.map((item) => item.sessionId)).not.toContain(source.items[0]!.sessionId)
    expect((await caught(copyWeekForward(testDb.db, { userId: coach, clientId: client, programId, fromWeek: week }))).kind).toBe('conflict')
  })

  it('archives a plan instead of deleting it; its open sessions are cancelled and no API role can delete a plan', async () => {
    const week = nextWeek()
    const { planId } = await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: '', items: [row(day(week, 0), 'Run')] })
    const deleted = await testDb.db.asUser(coach, (tx) => tx.query('delete from public.weekly_plans where id = $1 returning id', [planId])).then(
      (rows) => rows.length,
      (error: unknown) => sqlState(error) ?? (error as { kind?: string }).kind,
    )
    expect(deleted).not.toBe(1)
    await archivePlan(testDb.db, { userId: coach, planId })
    const view = await getWeek(testDb.db, { userId: client, clientId: client, weekStart: week })
    expect(view?.plan).toBeNull()
    expect(view?.versions.map((v) => v.status)).toEqual(['archived'])
    const old = await getPlanVersion(testDb.db, { userId: client, planId })
    expect((await sessionRow(old!.items[0]!.sessionId!)).cancelled_at).not.toBeNull()
  })
})

describe('reminders in the calendar feed', () => {
  it('lists the client’s planned sessions on their days and the week itself, not cancelled sessions, and nothing of another client', async () => {
    const week = nextWeek()
    await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: 'Feed week', items: [row(day(week, 2), 'Hill repeats'), row(day(week, 4), 'Dropped later')] })
    const [hills] = (await getWeek(testDb.db, { userId: coach, clientId: client, weekStart: week }))!.plan!.items
    await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: 'Feed week', items: [row(day(week, 2), 'Hill repeats', { key: hills!.key })] })
    await savePlan(testDb.db, { userId: coach, clientId: otherClient, programId, weekStart: week, note: 'Not yours', items: [row(day(week, 3), 'Amara’s swim')] })
    const token = await resetCalendarFeed(testDb.db, { userId: client })
    const feed = (await calendarFeed(testDb.db, { token }))!
    expect(feed).toContain(`SUMMARY:Session: Hill repeats`)
    expect(feed).toContain(`DTSTART;VALUE=DATE:${day(week, 2).replaceAll('-', '')}`)
    expect(feed).toContain('SUMMARY:Week planned by your coach')
    expect(feed).not.toContain('Dropped later')
    expect(feed).not.toContain('Amara’s swim')
  })
})

describe('the week ends', () => {
  it('completes active plans whose week is over where the client lives, once', async () => {
    const week = nextWeek()
    const { planId } = await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: '', items: [row(day(week, 6), 'Rest day walk')] })
    // Monday 03:30 UTC after the week is still Sunday evening in New York (22:30 EST or 23:30 EDT): not over yet.
    // (Earlier tests' weeks, all before this one, complete on the way.)
    const sundayNight = new Date(`${day(week, 7)}T03:30:00Z`)
    await completePastWeeks(testDb.db, { now: sundayNight })
    expect((await getPlanVersion(testDb.db, { userId: client, planId }))?.status).toBe('active')
    const mondayMorning = new Date(`${day(week, 7)}T05:30:00Z`)
    expect((await completePastWeeks(testDb.db, { now: mondayMorning })).completed).toBe(1)
    expect((await getPlanVersion(testDb.db, { userId: client, planId }))?.status).toBe('completed')
    expect((await completePastWeeks(testDb.db, { now: mondayMorning })).completed).toBe(0)
  })
})

describe('who can see and write plans', () => {
  let week: string
  let planId: string
  beforeAll(async () => {
    week = nextWeek()
    ;({ planId } = await savePlan(testDb.db, { userId: coach, clientId: client, programId, weekStart: week, note: 'Private to us', items: [row(day(week, 0), 'Run')] }))
  })

  it('the client and both coaches of the program read it; another client and another program’s coach do not', async () => {
    for (const reader of [client, coach, coCoach]) {
      expect((await getPlanVersion(testDb.db, { userId: reader, planId }))?.note).toBe('Private to us')
    }
    for (const stranger of [otherClient, otherCoach]) {
      expect(await getPlanVersion(testDb.db, { userId: stranger, planId })).toBeNull()
      const items = await testDb.db.asUser(stranger, (tx) => tx.query('select id from public.weekly_plan_items where plan_id = $1', [planId]))
      expect(items).toEqual([])
    }
    const anon = await testDb.db.asAnonymous((tx) => tx.query('select id from public.weekly_plans where id = $1', [planId])).catch(() => 'refused')
    expect(anon === 'refused' || (Array.isArray(anon) && anon.length === 0)).toBe(true)
  })

  it('a co-coach of the program reads the plan but cannot take out a session another coach assigned, and is told who can', async () => {
    const refused = await caught(savePlan(testDb.db, { userId: coCoach, clientId: client, programId, weekStart: week, note: '', items: [] }))
    expect(refused.message).toMatch(/planned by another coach/)
    expect((await getPlanVersion(testDb.db, { userId: coach, planId }))?.items).toHaveLength(1)
  })

  it('another program’s coach cannot write a week for the client; the client cannot write or change their plan as direct SQL', async () => {
    const other = await caught(savePlan(testDb.db, { userId: otherCoach, clientId: client, programId: otherProgramId, weekStart: nextWeek(), note: '', items: [] }))
    expect(other.kind).toBe('not_found')
    const inserted = await testDb.db
      .asUser(client, (tx) => tx.query(`insert into public.weekly_plans (client_id, program_id, coach_id, week_start) values ($1, $2, $1, $3) returning id`, [client, programId, nextWeek()]))
      .then(() => 'inserted', (error: unknown) => (error as { kind?: string }).kind)
    expect(inserted).toBe('not_found')
    const updated = await testDb.db.asUser(client, (tx) => tx.query(`update public.weekly_plans set note = 'mine now' where id = $1 returning id`, [planId]))
    expect(updated).toEqual([])
    const movedItem = await testDb.db.asUser(client, (tx) => tx.query(`update public.weekly_plan_items set title = 'Nap' where plan_id = $1 returning id`, [planId]))
    expect(movedItem).toEqual([])
    // The coach can (the paired "can").
    const byCoach = await testDb.db.asUser(coach, (tx) => tx.query(`update public.weekly_plans set note = 'Edited' where id = $1 returning id`, [planId]))
    expect(byCoach).toHaveLength(1)
  })
})

describe('through the pages', () => {
  const appUrl = 'http://stagecoach.test'
  let auth: AuthBackend
  const people = {} as Record<'coach' | 'client' | 'stranger', { id: string; jar: CookieJar }>
  let pageProgram: string

  beforeAll(async () => {
    auth = createBuiltInAuth(testDb.db, { secret: 'weekly-pages-secret-0123456789abcdef', secure: false }, { appUrl, mailer: null })
    for (const who of ['coach', 'client', 'stranger'] as const) {
      const signedUp = await auth.signUp({ email: `${who}-${randomUUID().slice(0, 8)}@example.test`, password: 'Correct-Horse-42', displayName: who }, { cookieHeader: null, ipAddress: '203.0.113.7' })
      people[who] = { id: signedUp.userId, jar: new CookieJar().apply(signedUp.setCookies) }
    }
    pageProgram = await createProgram(testDb.db, { userId: people.coach.id, name: 'Pages' })
    await join(people.client.id, pageProgram)
    await createProgram(testDb.db, { userId: people.stranger.id, name: 'Stranger’s' })
  })

  const coachPage = (who: 'coach' | 'client' | 'stranger' | 'anon', form?: Record<string, string>, search = '') =>
    callRoute(form ? coachWeekAction : coachWeekLoader, {
      url: `${appUrl}/programs/${pageProgram}/clients/${people.client.id}/week${search}`,
      form,
      params: { programId: pageProgram, clientId: people.client.id },
      jar: who === 'anon' ? new CookieJar() : people[who].jar,
      auth,
      db: testDb.db,
    })

  it('the coach plans a week with the form; the client sees it on their week page and cannot change it there', async () => {
    const week = nextWeek()
    const saved = await coachPage('coach', {
      intent: 'save-plan',
      weekStart: week,
      note: 'Build up',
      'items[0].day': day(week, 1),
      'items[0].title': 'Intervals',
      'items[0].prescriptionType': 'endurance',
      'items[0].modality': 'run',
      'items[0].durationMinutes': '40',
    })
    expect(saved.status).toBe(200)
    expect((saved.body as { message: string }).message).toMatch(/week is planned/)

    const clientView = await callRoute(clientWeekLoader, { url: `${appUrl}/week?start=${week}`, jar: people.client.jar, auth, db: testDb.db })
    const plan = (clientView.body as { week: { plan: { note: string; items: { title: string; day: string }[] } } }).week.plan
    expect(plan.note).toBe('Build up')
    expect(plan.items.map((item) => [item.title, item.day])).toEqual([['Intervals', day(week, 1)]])

    const tampered = await caughtResponse(callRoute(clientWeekAction, { url: `${appUrl}/week`, form: { intent: 'save-plan', weekStart: week, note: 'Rest all week' }, jar: people.client.jar, auth, db: testDb.db }))
    expect(tampered.status).toBe(403)
    const asCoachRoute = await coachPage('client', { intent: 'save-plan', weekStart: week, note: 'Rest all week' })
    expect(asCoachRoute.status).toBe(404)
    expect((await getWeek(testDb.db, { userId: people.coach.id, clientId: people.client.id, weekStart: week }))?.plan?.note).toBe('Build up')
  })

  it('refuses a bad week with a message and keeps what was typed; another program’s coach and a visitor get nothing', async () => {
    const badWeek = await coachPage('coach', { intent: 'save-plan', weekStart: '2027-03-03', note: 'Typed note' })
    expect(badWeek.status).toBe(400)
    const reply = badWeek.body as { result: { error: Record<string, string[]>; initialValue: Record<string, string> } }
    expect(reply.result.error.weekStart).toEqual(['A week starts on a Monday.'])
    expect(reply.result.initialValue.note).toBe('Typed note')

    expect((await caughtResponse(coachPage('stranger'))).status).toBe(404)
    const visitor = await coachPage('anon')
    expect([visitor.status, visitor.location?.startsWith('/login?')]).toEqual([302, true])
    const badStart = await caughtResponse(coachPage('coach', undefined, '?start=2027-03-03'))
    expect(badStart.status).toBe(400)
  })
})

describe('the weekly review through the pages', () => {
  it('the coach edits the words (a suggestion without its reasoning refused on its field) and releases it; only then the client’s week page shows it', async () => {
    const appUrl = 'http://stagecoach.test'
    const auth = createBuiltInAuth(testDb.db, { secret: 'weekly-review-pages-secret-0123456789', secure: false }, { appUrl, mailer: null })
    const jars = {} as Record<'coach' | 'client', { id: string; jar: CookieJar }>
    for (const who of ['coach', 'client'] as const) {
      const signedUp = await auth.signUp({ email: `review-${who}-${randomUUID().slice(0, 8)}@example.test`, password: 'Correct-Horse-42', displayName: who }, { cookieHeader: null, ipAddress: '203.0.113.7' })
      jars[who] = { id: signedUp.userId, jar: new CookieJar().apply(signedUp.setCookies) }
    }
    const reviewProgram = await createProgram(testDb.db, { userId: jars.coach.id, name: 'Reviews' })
    await join(jars.client.id, reviewProgram)
    const week = nextWeek()
    const [review] = await testDb.db.asService((tx) =>
      tx.query<{ id: string }>(
        `insert into public.weekly_reviews (client_id, program_id, week_start, adherence, volume, fatigue_analysis, suggestions, disclaimer, written_by, inputs_hash)
         values ($1, $2, $3, 0.5, '{"strengthKg": 1100, "sets": 2, "endurance": [], "loggedSessions": 2, "averageRpe": 8}', 'Drafted.', '[{"suggestion": "Rest", "reasoning": "Effort 8"}]', 'General information.', 'numbers', repeat('b', 64))
         returning id`,
        [jars.client.id, reviewProgram, week],
      ),
    )
    const coachPost = (form: Record<string, string>) =>
      callRoute(coachWeekAction, { url: `${appUrl}/programs/${reviewProgram}/clients/${jars.client.id}/week?start=${week}`, form, params: { programId: reviewProgram, clientId: jars.client.id }, jar: jars.coach.jar, auth, db: testDb.db })
    const clientWeek = async () => ((await callRoute(clientWeekLoader, { url: `${appUrl}/week?start=${week}`, jar: jars.client.jar, auth, db: testDb.db })).body as { review: { fatigueAnalysis: string } | null }).review

    expect(await clientWeek()).toBeNull()
    const missing = await coachPost({ intent: 'edit-review', reviewId: review!.id, fatigueAnalysis: 'A solid week.', 'suggestions[0].suggestion': 'Rest the knee', 'suggestions[0].reasoning': '' })
    expect(missing.status).toBe(400)
    expect((missing.body as { result: { error: Record<string, string[]> } }).result.error['suggestions[0].reasoning']).toEqual(['Every suggestion needs its reasoning.'])
    const edited = await coachPost({ intent: 'edit-review', reviewId: review!.id, fatigueAnalysis: 'A solid week.', patterns: 'Strength went well\nThe knee needs rest', 'suggestions[0].suggestion': 'Rest the knee', 'suggestions[0].reasoning': 'You said it was sore.' })
    expect(edited.status).toBe(200)
    expect(await clientWeek()).toBeNull()
    expect((await coachPost({ intent: 'release-review', reviewId: review!.id })).status).toBe(200)
    expect(await clientWeek()).toMatchObject({ fatigueAnalysis: 'A solid week.', patterns: ['Strength went well', 'The knee needs rest'] })
  })
})

/** A loader's thrown data()/Response as a status, for pages that answer 4xx by throwing. */
async function caughtResponse(answer: Promise<RouteAnswer>): Promise<{ status: number }> {
  try {
    return await answer
  } catch (thrown) {
    const init = (thrown as { init?: { status?: number } }).init
    if (init?.status) return { status: init.status }
    throw thrown
  }
}
