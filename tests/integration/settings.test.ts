/**
 * The settings page (issue 15, point 1), through its loader and action with the person's
 * cookie, on the built-in auth: name, time zone and country saved and refused with a
 * message each; a password change that checks the current password, keeps this browser and
 * ends the others; "sign out everywhere else"; and memory paused, resumed and cleared, with
 * a new session starting without memory while paused. Another person's settings are never
 * touched by one person's form.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthBackend } from '#lib/auth/backend'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { withAttemptLimits } from '#lib/auth/attempt-limits'
import { withAuditTrail } from '#lib/auth/audit-trail'
import { getSession, startSession } from '#lib/coaching/sessions'
import { createActionPlan } from '#lib/plans/action-plans'
import { getProfile } from '#lib/profiles'
import { action, loader } from '../../app/routes/settings'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { callRoute, type RouteAnswer } from '../support/route-call'

const appUrl = 'http://stagecoach.test'
const password = 'Correct-Horse-42'
const request = { cookieHeader: null, ipAddress: '203.0.113.7' }
let testDb: TestDatabase
let auth: AuthBackend

interface Person {
  id: string
  email: string
  jar: CookieJar
}

async function signUp(name: string): Promise<Person> {
  const email = `${name.toLowerCase()}-${randomUUID().slice(0, 8)}@example.test`
  const signedUp = await auth.signUp({ email, password, displayName: name }, request)
  return { id: signedUp.userId, email, jar: new CookieJar().apply(signedUp.setCookies) }
}

/** Another browser of the same person. */
async function signInAgain(person: Person, withPassword = password): Promise<CookieJar> {
  const signedIn = await auth.signIn({ email: person.email, password: withPassword }, request)
  return new CookieJar().apply(signedIn.setCookies)
}

const post = (jar: CookieJar, form: Record<string, string>) => callRoute(action, { url: `${appUrl}/settings`, form, jar, auth, db: testDb.db })
const load = (jar: CookieJar) => callRoute(loader, { url: `${appUrl}/settings`, jar, auth, db: testDb.db })
const isSignedIn = async (jar: CookieJar) => (await auth.getUserId({ cookieHeader: jar.header(), ipAddress: request.ipAddress }, () => {})) !== null

type Reply = { ok: boolean; message?: string; result?: { error?: Record<string, string[] | null> } }
const errors = (answer: RouteAnswer, field: string) => (answer.body as Reply).result?.error?.[field] ?? []
const message = (answer: RouteAnswer) => (answer.body as Reply).message ?? ''

beforeAll(async () => {
  testDb = await createTestDatabase()
  auth = withAuditTrail(withAttemptLimits(createBuiltInAuth(testDb.db, { secret: 'settings-test-secret-0123456789abcdef', secure: false }, { appUrl, mailer: null }), testDb.db), testDb.db)
})

afterAll(async () => {
  await testDb?.close()
})

describe('about you', () => {
  it('saves a name, a time zone and a country for the person only, and refuses bad ones with a message each, keeping what was saved', async () => {
    const ada = await signUp('Ada')
    const bo = await signUp('Bo')
    const saved = await post(ada.jar, { intent: 'profile', displayName: '  Ada Lovelace ', timezone: 'Europe/London', country: 'gb' })
    expect(saved.status).toBe(200)
    expect(message(saved)).toMatch(/Saved/)
    expect(await getProfile(testDb.db, { userId: ada.id })).toMatchObject({ displayName: 'Ada Lovelace', timezone: 'Europe/London', country: 'GB' })
    expect(await getProfile(testDb.db, { userId: bo.id })).toMatchObject({ displayName: 'Bo', timezone: 'UTC', country: null })

    const refused = await post(ada.jar, { intent: 'profile', displayName: '', timezone: 'Mars/Olympus_Mons', country: 'Narnia' })
    expect(refused.status).toBe(400)
    expect(errors(refused, 'displayName')).toEqual(['Enter your name.'])
    expect(errors(refused, 'timezone')).toEqual(['Choose your time zone from the list.'])
    expect(errors(refused, 'country')).toEqual(['Choose your country from the list.'])
    expect(await getProfile(testDb.db, { userId: ada.id })).toMatchObject({ displayName: 'Ada Lovelace', timezone: 'Europe/London', country: 'GB' })

    // An empty country means "not saying": the international list.
    await post(ada.jar, { intent: 'profile', displayName: 'Ada Lovelace', timezone: 'Europe/London', country: '' })
    expect((await getProfile(testDb.db, { userId: ada.id }))?.country).toBeNull()
  })

  it('sends a visitor who is not signed in to sign in', async () => {
    const answer = await post(new CookieJar(), { intent: 'profile', displayName: 'Visitor', timezone: 'UTC', country: '' })
    expect(answer.status).toBe(302)
    expect(answer.location).toMatch(/^\/login\?redirectTo=%2Fsettings/)
  })
})

describe('signing in', () => {
  it('shows the email and every browser signed in, this one marked', async () => {
    const cy = await signUp('Cy')
    await signInAgain(cy)
    const page = (await load(cy.jar)).body as { account: { email: string; sessions: { current: boolean }[] } }
    expect(page.account.email).toBe(cy.email)
    expect(page.account.sessions).toHaveLength(2)
    expect(page.account.sessions.filter((session) => session.current)).toHaveLength(1)
  })

  it('refuses a wrong current password and a password that breaks the rules, and changes nothing', async () => {
    const di = await signUp('Di')
    const wrong = await post(di.jar, { intent: 'password', currentPassword: 'Not-my-password-1', newPassword: 'Another-Horse-43' })
    expect(wrong.status).toBe(400)
    expect(errors(wrong, 'currentPassword')).toEqual(['This is not your current password.'])
    const weak = await post(di.jar, { intent: 'password', currentPassword: password, newPassword: 'short' })
    expect(weak.status).toBe(400)
    expect(errors(weak, 'newPassword')).toContain('Use at least 12 characters.')
    const same = await post(di.jar, { intent: 'password', currentPassword: password, newPassword: password })
    expect(errors(same, 'newPassword')).toEqual(['Choose a password different from your current one.'])
    // The old password still signs in.
    expect(await isSignedIn(await signInAgain(di))).toBe(true)
  })

  it('changes the password, keeps this browser signed in and signs every other one out; only the new password works', async () => {
    const ed = await signUp('Ed')
    const laptop = await signInAgain(ed)
    const changed = await post(ed.jar, { intent: 'password', currentPassword: password, newPassword: 'Brand-New-Horse-77' })
    expect(changed.status).toBe(200)
    expect(message(changed)).toMatch(/Every other device was signed out/)
    expect(await isSignedIn(ed.jar)).toBe(true)
    expect(await isSignedIn(laptop)).toBe(false)
    await expect(signInAgain(ed)).rejects.toThrow(/do not match/)
    expect(await isSignedIn(await signInAgain(ed, 'Brand-New-Horse-77'))).toBe(true)
    // One audit entry for the change, none for the refused attempts of others.
    const changes = await testDb.db.asService((tx) =>
      tx.query(`select 1 from public.audit_log where action = 'password_changed' and actor_id = $1`, [ed.id]),
    )
    expect(changes).toHaveLength(1)
  })

  it('signs out everywhere else, and only that person’s other browsers', async () => {
    const flo = await signUp('Flo')
    const gus = await signUp('Gus')
    const phone = await signInAgain(flo)
    const answer = await post(flo.jar, { intent: 'sign-out-others' })
    expect(answer.status).toBe(200)
    expect(await isSignedIn(phone)).toBe(false)
    expect(await isSignedIn(flo.jar)).toBe(true)
    expect(await isSignedIn(gus.jar)).toBe(true)
  })
})

describe('what the coach remembers', () => {
  it('shows what a new session would start with, pauses it (a new session starts with nothing), resumes it, and clears what sessions hold', async () => {
    const hal = await signUp('Hal')
    await createActionPlan(testDb.db, { userId: hal.id, requestKey: randomUUID(), input: { title: 'Walk at lunch', status: 'pending' } })
    type Page = { memory: { next: { text: string }[]; sessions: { sessionId: string; items: number }[] }; profile: { memoryPaused: boolean } }
    let page = (await load(hal.jar)).body as Page
    expect(page.memory.next.map((item) => item.text)).toEqual([expect.stringMatching(/^Walk at lunch/)])
    expect(page.memory.sessions).toEqual([])

    const first = await startSession(testDb.db, { userId: hal.id, sessionType: 'self_coaching', title: 'Remembering' })
    if (!first.started) throw new Error('expected the session to start')
    expect((await getSession(testDb.db, { userId: hal.id, sessionId: first.sessionId })).memory).toHaveLength(1)
    page = (await load(hal.jar)).body as Page
    expect(page.memory.sessions).toEqual([{ sessionId: first.sessionId, title: 'Remembering', items: 1, ledByCoach: false }])

    expect(message(await post(hal.jar, { intent: 'memory-pause' }))).toMatch(/Memory paused/)
    page = (await load(hal.jar)).body as Page
    expect(page.profile.memoryPaused).toBe(true)
    expect(page.memory.next).toEqual([])
    await testDb.db.asUser(hal.id, (tx) => tx.query('update public.coaching_sessions set cancelled_at = now() where id = $1', [first.sessionId]))
    const paused = await startSession(testDb.db, { userId: hal.id, sessionType: 'self_coaching', title: 'While paused' })
    if (!paused.started) throw new Error('expected the session to start')
    expect((await getSession(testDb.db, { userId: hal.id, sessionId: paused.sessionId })).memory).toEqual([])

    expect(message(await post(hal.jar, { intent: 'memory-resume' }))).toMatch(/on again/)
    expect(((await load(hal.jar)).body as Page).memory.next).toHaveLength(1)

    expect(message(await post(hal.jar, { intent: 'memory-clear' }))).toBe('Cleared what was remembered in 1 session.')
    expect((await getSession(testDb.db, { userId: hal.id, sessionId: first.sessionId })).memory).toEqual([])
    expect(((await load(hal.jar)).body as Page).memory.sessions).toEqual([])
  })

  it('refuses an intent it does not know, and changes nothing', async () => {
    const ivy = await signUp('Ivy')
    const answer = await post(ivy.jar, { intent: 'memory-forget-everyone' })
    expect(answer.status).toBe(400)
    expect((await getProfile(testDb.db, { userId: ivy.id }))?.memoryPaused).toBe(false)
  })
})
