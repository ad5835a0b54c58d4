/**
 * The weekly email digest (issue 13, point 6; decision 029), with a real SMTP receiver, on
 * the database under test: people who turned it on get one email on Monday from 07:00 where
 * they live — exactly one per week, however often the job runs, two runs at once included —
 * listing their plan, sessions and action plans due or overdue and last week's released
 * review, and nothing row-level security hides from them; nobody else gets one. A failed
 * send gives its claim back and the retry sends it. The unsubscribe link works without a
 * session (GET only asks; POST and the one-click POST unsubscribe; a forged token is refused
 * with a clear page). The job writes only its own rows. The settings page offers the digest
 * only with SMTP; the export carries it; deleting the account removes it.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readExport } from '#lib/account/export'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import type { AuthBackend } from '#lib/auth/backend'
import { parseEnv } from '#lib/env'
import { emailDigestJob } from '#lib/jobs/definitions'
import { createProgram } from '#lib/programs/programs'
import { digestMailFrom, getDigestSetting, sendDueDigests, setDigestSetting, type DigestMail } from '#lib/reminders/email-digest'
import { unsubscribeToken } from '#lib/reminders/unsubscribe-token'
import { action as settingsAction, loader as settingsLoader } from '../../app/routes/settings'
import { action as unsubscribeAction, loader as unsubscribeLoader } from '../../app/routes/unsubscribe.$token'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, createUser, deleteUser, tableFingerprints, type TestDatabase } from '../support/database'
import { closedPort } from '../support/ports'
import { callRoute } from '../support/route-call'
import { headerOf, startSmtpReceiver, type ReceivedEmail, type SmtpReceiver } from '../support/smtp-receiver'

const appUrl = 'http://stagecoach.test'
const secret = 'digest-test-secret-0123456789abcdef0123'
const mailFrom = 'Stagecoach <coach@stagecoach.test>'
// Monday 8 February 2027, 08:30 UTC: 08:30 in London (digest time has come), 00:30 in Los Angeles (not yet).
const monday = '2027-02-08'
const mondayMorning = new Date('2027-02-08T08:30:00Z')
// 07:30 in Los Angeles.
const mondayAfternoon = new Date('2027-02-08T15:30:00Z')

let testDb: TestDatabase
let smtp: SmtpReceiver
let mail: DigestMail
let auth: AuthBackend
const person: Record<'ana' | 'ben' | 'cai' | 'dee' | 'eve' | 'coach', { id: string; email: string }> = {
  ana: { id: '', email: '' },
  ben: { id: '', email: '' },
  cai: { id: '', email: '' },
  dee: { id: '', email: '' },
  eve: { id: '', email: '' },
  coach: { id: '', email: '' },
}
let programId = ''
const sessions: Record<string, string> = {}
const plans: Record<string, string> = {}

const service = <T extends object>(sql: string, params: unknown[] = []) => testDb.db.asService((tx) => tx.query<T>(sql, params))
const emailsTo = (email: string) => smtp.emails.filter((e) => e.to.includes(email))
const digestRows = (userId: string) =>
  service<{ period_start: string; status: string; item_count: number; sent_at: Date | null }>(
    'select period_start::text as period_start, status, item_count, sent_at from public.email_digests_sent where user_id = $1 order by period_start',
    [userId],
  )
const routeEnv = (smtpUrl: string | undefined) => parseEnv({ NODE_ENV: 'test', SESSION_SECRET: secret, APP_URL: appUrl, ...(smtpUrl ? { SMTP_URL: smtpUrl } : {}) })

async function newPerson(name: string, timezone: string) {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`
  const id = await createUser(testDb.db, { displayName: name, email })
  await service('update public.profiles set timezone = $2 where id = $1', [id, timezone])
  return { id, email }
}

async function session(userId: string, title: string, { dueAt, completed = false, coachLed = false }: { dueAt: string; completed?: boolean; coachLed?: boolean }) {
  const [row] = await service<{ id: string }>(
    `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, due_at, started_at, completed_at)
     values ($1, $2, $3, $4, 'coach_assigned', 'shared', $5, $6::timestamptz, case when $7 then $6::timestamptz - interval '1 hour' end, case when $7 then $6::timestamptz end)
     returning id`,
    [userId, person.coach.id, programId, coachLed ? 'coach_led' : 'self_coaching', title, dueAt, completed],
  )
  return row!.id
}

async function actionPlan(userId: string, title: string, dueOn: string, { status = 'pending', sessionId = null }: { status?: string; sessionId?: string | null } = {}) {
  const [row] = await service<{ id: string }>(
    `insert into public.action_plans (user_id, session_id, title, timeline_end, status) values ($1, $2, $3, $4::date, $5) returning id`,
    [userId, sessionId, title, dueOn, status],
  )
  return row!.id
}

/** The unsubscribe link in a digest (the last line). */
const unsubscribeLinkIn = (email: ReceivedEmail) => /Unsubscribe \(no sign-in needed\): (\S+)/.exec(email.text)?.[1] ?? ''

beforeAll(async () => {
  testDb = await createTestDatabase()
  smtp = await startSmtpReceiver()
  mail = digestMailFrom({ SMTP_URL: smtp.url, MAIL_FROM: mailFrom, appUrl }, secret)!
  auth = createBuiltInAuth(testDb.db, { secret, secure: false }, { appUrl, mailer: null })

  person.coach = await newPerson('Cleo', 'Europe/London')
  person.ana = await newPerson('Ana', 'Europe/London')
  person.ben = await newPerson('Ben', 'Europe/London')
  person.cai = await newPerson('Cai', 'Europe/London')
  person.dee = await newPerson('Dee', 'Europe/London')
  person.eve = await newPerson('Eve', 'America/Los_Angeles')
  programId = await createProgram(testDb.db, { userId: person.coach.id, name: 'North Star' })
  await service(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [programId, person.ana.id])

  // Ana's week: a plan with a session on Monday and an ad hoc item on Wednesday, another
  // session due on Thursday, one overdue from last week, one already done (not listed).
  sessions.planned = await session(person.ana.id, 'Easy run', { dueAt: '2027-02-08T23:59:59Z' })
  sessions.thursday = await session(person.ana.id, 'Mobility check', { dueAt: '2027-02-11T23:59:59Z' })
  sessions.overdue = await session(person.ana.id, 'Assessment', { dueAt: '2027-02-03T23:59:59Z' })
  sessions.done = await session(person.ana.id, 'Done already', { dueAt: '2027-02-09T23:59:59Z', completed: true })
  // A coach-led session the coach has not released: its plan is not Ana's to read yet.
  sessions.unreleased = await session(person.ana.id, 'Coach-led, unreleased', { dueAt: '2027-01-20T23:59:59Z', completed: true, coachLed: true })
  const [plan] = await service<{ id: string }>(
    `insert into public.weekly_plans (client_id, program_id, coach_id, week_start, note) values ($1, $2, $3, $4, 'Go easy on Monday.') returning id`,
    [person.ana.id, programId, person.coach.id, monday],
  )
  await service(
    `insert into public.weekly_plan_items (plan_id, client_id, program_id, position, day, title, session_id)
     values ($1, $2, $3, 0, '2027-02-08', 'Easy run', $4), ($1, $2, $3, 1, '2027-02-10', 'Squats', null)`,
    [plan!.id, person.ana.id, programId, sessions.planned],
  )
  plans.due = await actionPlan(person.ana.id, 'Book physio', '2027-02-10')
  plans.overdue = await actionPlan(person.ana.id, 'Stretch daily', '2027-02-01', { status: 'in_progress' })
  plans.completed = await actionPlan(person.ana.id, 'Finished plan', '2027-02-09', { status: 'completed' })
  plans.hidden = await actionPlan(person.ana.id, 'Coach draft plan', '2027-02-09', { sessionId: sessions.unreleased })
  plans.later = await actionPlan(person.ana.id, 'Next month', '2027-03-01')
  // Last week's review, released by the coach.
  await service(
    `insert into public.weekly_reviews (client_id, program_id, week_start, adherence, volume, fatigue_analysis, disclaimer, written_by, inputs_hash, released_at)
     values ($1, $2, '2027-02-01', 0.5, '{}'::jsonb, 'Steady.', 'General information.', 'numbers', repeat('a', 64), now())`,
    [person.ana.id, programId],
  )
  // Eve (Los Angeles) has a plan due on Friday.
  plans.eve = await actionPlan(person.eve.id, 'Plan the race', '2027-02-12')
  // Another person's due things never reach Ana's digest, nor Ana's the coach's.
  await actionPlan(person.ben.id, 'Ben’s own plan', '2027-02-10')

  // Who asked for the digest: Ana, Dee (nothing due), Eve, the coach; Ben turned it on then off; Cai never chose.
  for (const who of ['ana', 'dee', 'eve', 'coach', 'ben'] as const) await setDigestSetting(testDb.db, { userId: person[who].id, weekly: true })
  await setDigestSetting(testDb.db, { userId: person.ben.id, weekly: false })
})

afterAll(async () => {
  await smtp?.close()
  await testDb?.close()
})

describe('the digest job', () => {
  it('does nothing without SMTP', async () => {
    expect(await emailDigestJob.perform({ db: testDb.db, ai: null, mail: null, log: () => {} }, {})).toEqual({ sent: 0, empty: 0, alreadyClaimed: 0, failed: 0, noMail: true })
    expect(await service('select 1 from public.email_digests_sent')).toEqual([])
  })

  it('sends one digest to each person who turned it on and has something due, once their Monday 07:00 has come; writing only its own rows', async () => {
    const before = await tableFingerprints(testDb.db)
    const first = await sendDueDigests({ db: testDb.db, mail }, { now: mondayMorning })
    // Ana is sent one; Dee and the coach have nothing of their own due (the coach's clients' work is not theirs); Eve's morning has not come.
    expect(first).toEqual({ sent: 1, empty: 2, alreadyClaimed: 0, failed: 0 })
    const after = await tableFingerprints(testDb.db)
    const changed = Object.keys(after).filter((table) => after[table] !== before[table])
    expect(changed).toEqual(['public.email_digests_sent'])

    expect(emailsTo(person.ana.email)).toHaveLength(1)
    for (const who of ['ben', 'cai', 'dee', 'eve', 'coach'] as const) expect([who, emailsTo(person[who].email)]).toEqual([who, []])
    expect(await digestRows(person.ana.id)).toEqual([{ period_start: monday, status: 'sent', item_count: 7, sent_at: expect.any(Date) }])
    expect(await digestRows(person.dee.id)).toEqual([{ period_start: monday, status: 'empty', item_count: 0, sent_at: null }])
    expect(await digestRows(person.ben.id)).toEqual([])
    expect(await digestRows(person.cai.id)).toEqual([])
    expect(await digestRows(person.eve.id)).toEqual([])
  })

  it('sends nothing more when it runs again in the same week, nor when two runs race', async () => {
    // 14:30 in London, still 06:30 in Los Angeles.
    const again = await sendDueDigests({ db: testDb.db, mail }, { now: new Date('2027-02-08T14:30:00Z') })
    expect(again).toEqual({ sent: 0, empty: 0, alreadyClaimed: 0, failed: 0 })
    // Eve's morning comes: two runs at once (two workers, or a retry overlapping the schedule) send her one.
    const runs = await Promise.all([sendDueDigests({ db: testDb.db, mail }, { now: mondayAfternoon }), sendDueDigests({ db: testDb.db, mail }, { now: mondayAfternoon })])
    expect(runs.map((r) => r.sent).reduce((a, b) => a + b)).toBe(1)
    expect(runs.map((r) => r.failed)).toEqual([0, 0])
    expect(emailsTo(person.eve.email)).toHaveLength(1)
    expect(emailsTo(person.ana.email)).toHaveLength(1)
    expect(await digestRows(person.eve.id)).toEqual([{ period_start: monday, status: 'sent', item_count: 1, sent_at: expect.any(Date) }])
    // Tuesday: not the digest's day, nothing is sent.
    expect(await sendDueDigests({ db: testDb.db, mail }, { now: new Date('2027-02-09T09:00:00Z') })).toMatchObject({ sent: 0, empty: 0 })
  })

  it('lists what is due for the person — plan, sessions, action plans, last week’s review — with links, and nothing they may not read', async () => {
    const [email] = emailsTo(person.ana.email)
    expect(email).toMatchObject({ from: 'coach@stagecoach.test', to: [person.ana.email], subject: 'Your week on Stagecoach: 7 things from Mon 8 Feb' })
    const text = email!.text.replace(/\r\n/g, '\n')
    expect(text).toContain('Hello Ana,')
    expect(text).toContain('Here is your week on Stagecoach, from Monday, 8 February 2027.')
    expect(text).toContain(`YOUR PLAN FOR THE WEEK\n  Mon 8 Feb  Easy run  ${appUrl}/sessions/${sessions.planned}\n  Wed 10 Feb  Squats\n  Note from your coach: Go easy on Monday.\n  The whole week: ${appUrl}/week`)
    expect(text).toContain(`SESSIONS DUE\n  Wed 3 Feb  Assessment (overdue)  ${appUrl}/sessions/${sessions.overdue}\n  Thu 11 Feb  Mobility check  ${appUrl}/sessions/${sessions.thursday}`)
    expect(text).toContain(`ACTION PLANS DUE OR OVERDUE\n  Mon 1 Feb  Stretch daily (overdue)  ${appUrl}/action-plans/${plans.overdue}\n  Wed 10 Feb  Book physio  ${appUrl}/action-plans/${plans.due}`)
    expect(text).toContain(`Your review of the week from Mon 1 Feb is ready. You did 50% of what was planned.\n  Read it: ${appUrl}/week?start=2027-02-01`)
    for (const absent of ['Done already', 'Finished plan', 'Coach draft plan', 'Next month', 'Ben’s own plan', 'Coach-led, unreleased']) expect([absent, text.includes(absent)]).toEqual([absent, false])
    // The planned session is listed once, in the plan.
    expect(text.split(sessions.planned!).length - 1).toBe(1)
    expect(text).toContain(`Your settings: ${appUrl}/settings`)

    const link = unsubscribeLinkIn(email!)
    expect(link).toBe(`${appUrl}/unsubscribe/${unsubscribeToken(secret, person.ana.id)}`)
    expect(headerOf(email!, 'List-Unsubscribe')).toBe(`<${link}>`)
    expect(headerOf(email!, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click')
  })

  it('gives the claim back when the send fails, fails the job, and the retry sends the digest once', async () => {
    const fay = await newPerson('Fay', 'Asia/Tokyo') // 17:30 on Monday at mondayMorning
    await actionPlan(fay.id, 'Fay’s plan', '2027-02-09')
    await setDigestSetting(testDb.db, { userId: fay.id, weekly: true })
    const broken = digestMailFrom({ SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`, MAIL_FROM: mailFrom, appUrl }, secret)!
    await expect(sendDueDigests({ db: testDb.db, mail: broken }, { now: mondayMorning })).rejects.toThrow(/could not be sent to 1 person \(sent 0\)/)
    expect(await digestRows(fay.id)).toEqual([])
    expect(emailsTo(fay.email)).toEqual([])

    expect(await sendDueDigests({ db: testDb.db, mail }, { now: mondayMorning })).toEqual({ sent: 1, empty: 0, alreadyClaimed: 0, failed: 0 })
    expect(await sendDueDigests({ db: testDb.db, mail }, { now: mondayMorning })).toEqual({ sent: 0, empty: 0, alreadyClaimed: 0, failed: 0 })
    expect(emailsTo(fay.email)).toHaveLength(1)
    expect(await digestRows(fay.id)).toEqual([{ period_start: monday, status: 'sent', item_count: 1, sent_at: expect.any(Date) }])
  })

  it('sends the next week’s digest the next Monday', async () => {
    const next = await sendDueDigests({ db: testDb.db, mail }, { now: new Date('2027-02-15T08:30:00Z') })
    // Ana still has overdue work; Eve's plan is overdue too but her Monday has not come yet in Los Angeles.
    expect(next.sent).toBeGreaterThanOrEqual(1)
    expect(emailsTo(person.ana.email)).toHaveLength(2)
    expect((await digestRows(person.ana.id)).map((r) => r.period_start)).toEqual([monday, '2027-02-15'])
  })
})

describe('the unsubscribe link, without signing in', () => {
  const call = (handler: Parameters<typeof callRoute>[0], token: string, form?: Record<string, string>) =>
    callRoute(handler, { url: `${appUrl}/unsubscribe/${token}`, params: { token }, form, jar: new CookieJar(), auth, db: testDb.db, env: routeEnv(smtp.url) })

  it('GET shows the question and changes nothing (mail clients fetch links); POST unsubscribes', async () => {
    const token = unsubscribeLinkIn(emailsTo(person.ana.email)[0]!).split('/').at(-1)!
    const asked = await call(unsubscribeLoader, token)
    expect([asked.status, asked.body]).toEqual([200, { valid: true }])
    expect(await call(unsubscribeLoader, token)).toMatchObject({ status: 200 })
    expect(await getDigestSetting(testDb.db, { userId: person.ana.id })).toEqual({ weekly: true })

    const done = await call(unsubscribeAction, token, {})
    expect([done.status, done.body]).toEqual([200, { ok: true }])
    expect(await getDigestSetting(testDb.db, { userId: person.ana.id })).toEqual({ weekly: false })
    // Pressing it again is harmless.
    expect((await call(unsubscribeAction, token, {})).body).toEqual({ ok: true })
    // Unsubscribed, Ana gets no digest the next Monday.
    await sendDueDigests({ db: testDb.db, mail }, { now: new Date('2027-02-22T08:30:00Z') })
    expect(emailsTo(person.ana.email)).toHaveLength(2)
  })

  it('takes the mail provider’s one-click POST (RFC 8058)', async () => {
    const token = unsubscribeLinkIn(emailsTo(person.eve.email)[0]!).split('/').at(-1)!
    const done = await call(unsubscribeAction, token, { 'List-Unsubscribe': 'One-Click' })
    expect([done.status, done.body]).toEqual([200, { ok: true }])
    expect(await getDigestSetting(testDb.db, { userId: person.eve.id })).toEqual({ weekly: false })
  })

  it('refuses a forged or altered token with a clear page, and changes nothing', async () => {
    expect(await getDigestSetting(testDb.db, { userId: person.dee.id })).toEqual({ weekly: true })
    const [, signature] = unsubscribeToken(secret, person.ana.id).split('.')
    const altered = unsubscribeToken(secret, person.dee.id).replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))
    for (const bad of [`${person.dee.id}.${signature}`, altered, unsubscribeToken('someone-elses-secret-0123456789abcdef', person.dee.id), 'garbage']) {
      expect([bad, (await call(unsubscribeLoader, bad)).body]).toEqual([bad, { valid: false }])
      expect((await call(unsubscribeLoader, bad)).status).toBe(400)
      const refused = await call(unsubscribeAction, bad, { 'List-Unsubscribe': 'One-Click' })
      expect([bad, refused.status, refused.body]).toEqual([bad, 400, { ok: false }])
    }
    expect(await getDigestSetting(testDb.db, { userId: person.dee.id })).toEqual({ weekly: true })
  })
})

describe('the settings page', () => {
  const password = 'Correct-Horse-42'
  let jar: CookieJar
  let userId = ''
  const load = (smtpUrl?: string) => callRoute(settingsLoader, { url: `${appUrl}/settings`, jar, auth, db: testDb.db, env: routeEnv(smtpUrl) })
  const post = (intent: string, smtpUrl?: string) =>
    callRoute(settingsAction, { url: `${appUrl}/settings`, form: { intent }, jar, auth, db: testDb.db, env: routeEnv(smtpUrl) })

  beforeAll(async () => {
    const signedUp = await auth.signUp({ email: `gil-${randomUUID().slice(0, 8)}@example.test`, password, displayName: 'Gil' }, { cookieHeader: null, ipAddress: '203.0.113.7' })
    userId = signedUp.userId
    jar = new CookieJar().apply(signedUp.setCookies)
  })

  it('offers the digest, off by default, when SMTP is set; turns it on and off for the person only', async () => {
    expect((await load(smtp.url)).body).toMatchObject({ digest: { weekly: false, offered: true } })
    const on = await post('digest-on', smtp.url)
    expect(on.body).toMatchObject({ ok: true, message: expect.stringContaining('every Monday from 7:00 in your time zone') })
    expect((await load(smtp.url)).body).toMatchObject({ digest: { weekly: true, offered: true } })
    expect(await getDigestSetting(testDb.db, { userId: person.cai.id })).toEqual({ weekly: false })
    expect((await post('digest-off', smtp.url)).body).toMatchObject({ ok: true, message: expect.stringContaining('off') })
    expect(await getDigestSetting(testDb.db, { userId })).toEqual({ weekly: false })
  })

  it('without SMTP, says there is no digest and refuses to turn it on', async () => {
    expect((await load()).body).toMatchObject({ digest: { weekly: false, offered: false } })
    const refused = await post('digest-on')
    expect(refused.status).toBe(409)
    expect(refused.body).toMatchObject({ ok: false, result: { error: { '': [expect.stringContaining('cannot send email')] } } })
    expect(await getDigestSetting(testDb.db, { userId })).toEqual({ weekly: false })
  })
})

describe('the person’s data', () => {
  it('the export carries the setting and the weeks sent, the person’s own only', async () => {
    const ana = await readExport(testDb.db, { userId: person.ana.id })
    expect(ana['email-digest-settings.json']).toEqual([{ user_id: person.ana.id, weekly: false, updated_at: expect.any(String) }])
    expect(ana['email-digests-sent.json']).toEqual([
      { period_start: monday, status: 'sent', item_count: 7, claimed_at: expect.any(String), sent_at: expect.any(String) },
      { period_start: '2027-02-15', status: 'sent', item_count: expect.any(Number), claimed_at: expect.any(String), sent_at: expect.any(String) },
    ])
    const cai = await readExport(testDb.db, { userId: person.cai.id })
    expect([cai['email-digest-settings.json'], cai['email-digests-sent.json']]).toEqual([[], []])
    const coach = await readExport(testDb.db, { userId: person.coach.id })
    expect(coach['email-digest-settings.json'].map((s) => s.user_id)).toEqual([person.coach.id])
    expect(coach['email-digests-sent.json'].map((s) => s.status)).toEqual(['empty', 'empty', 'empty'])
  })

  it('deleting the account removes the setting and the record of digests sent', async () => {
    const count = async (userId: string) =>
      (await service<{ n: number }>(
        `select (select count(*) from public.email_digest_settings where user_id = $1) + (select count(*) from public.email_digests_sent where user_id = $1) as n`,
        [userId],
      ))[0]!.n
    expect(Number(await count(person.dee.id))).toBe(4) // the setting, and three Mondays claimed with nothing due
    await deleteUser(testDb.db, person.dee.id)
    expect(Number(await count(person.dee.id))).toBe(0)
    expect(Number(await count(person.eve.id))).toBeGreaterThan(0)
  })
})
