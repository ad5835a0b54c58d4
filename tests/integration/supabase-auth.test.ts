/**
 * The app's Supabase Auth path — the real @supabase/supabase-js and @supabase/ssr code,
 * through the app's routes — against a fake of the auth server's HTTP API
 * (tests/mocks/gotrue.ts): sign-up, email confirmation, sign-in, token refresh, sign-out of
 * one device, forged and expired tokens, and the cookies all of that sets; and the settings
 * page's account parts (email, password change, signing out everywhere else).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuthBackend } from '#lib/auth/backend'
import { createSupabaseAuth, unconfirmedEmailMessage } from '#lib/auth/supabase-auth'
import { sessionLifetimeSeconds } from '#lib/auth/session-cookie'
import { action as loginAction } from '../../app/routes/login'
import { action as logoutAction } from '../../app/routes/logout'
import { action as settingsAction } from '../../app/routes/settings'
import { action as signupAction } from '../../app/routes/signup'
import { loader as confirmLoader } from '../../app/routes/auth.confirm'
import { startFakeGoTrue, type FakeGoTrue } from '../mocks/gotrue'
import { caught } from '../support/app-error'
import { CookieJar, parseSetCookie } from '../support/cookie-jar'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { callRoute } from '../support/route-call'
import { allowConsoleError } from '../support/setup'

const appUrl = 'http://stagecoach.test'
const password = 'Correct-Horse-42'
let testDb: TestDatabase
let emailCounter = 0
const nextEmail = () => `supa${++emailCounter}@example.com`

beforeAll(async () => {
  testDb = await createTestDatabase()
})

afterAll(async () => {
  await testDb?.close()
})

const fakes: FakeGoTrue[] = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map((fake) => fake.close()))
})

async function setUp(options: { confirmEmail?: boolean; accessTokenSeconds?: number; secureCookies?: boolean } = {}) {
  const gotrue = await startFakeGoTrue({ ...options, siteUrl: appUrl })
  fakes.push(gotrue)
  const auth = createSupabaseAuth({ url: gotrue.url, anonKey: gotrue.anonKey, appUrl, secureCookies: options.secureCookies ?? false })
  const route = (handler: Parameters<typeof callRoute>[0], url: string, jar: CookieJar, form?: Record<string, string>) =>
    callRoute(handler, { url: `${appUrl}${url}`, form, jar, auth, db: testDb.db })
  return { gotrue, auth, route }
}

const userIdOf = (auth: AuthBackend, jar: CookieJar) => auth.getUserId({ cookieHeader: jar.header(), ipAddress: '203.0.113.7' }, (c) => jar.apply([c]))

/** The session @supabase/ssr keeps in the auth-token cookie (base64url JSON, maybe in chunks). */
function storedSession(jar: CookieJar): { access_token: string; refresh_token: string } {
  const names = jar.names().filter((n) => /-auth-token(\.\d+)?$/.test(n))
  const encoded = names.map((n) => jar.value(n) ?? '').join('')
  return JSON.parse(Buffer.from(encoded.replace(/^base64-/, ''), 'base64url').toString())
}

async function signedUp(route: Awaited<ReturnType<typeof setUp>>['route'], email: string) {
  const jar = new CookieJar()
  const answer = await route(signupAction, '/signup', jar, { email, password, displayName: 'Sam Supa', redirectTo: '/dashboard', inviteToken: '' })
  return { jar, answer }
}

describe('sign-up and cookies', () => {
  it('signs up and in, with session cookies that are HttpOnly, SameSite=Lax, 30 days, and Secure when asked', async () => {
    for (const secureCookies of [false, true]) {
      const { auth, route } = await setUp({ secureCookies })
      const { jar, answer } = await signedUp(route, nextEmail())
      expect(answer.status).toBe(302)
      expect(answer.location).toBe('/dashboard')
      const session = answer.setCookies.map(parseSetCookie).filter((c) => c.name.startsWith('sb-') && c.name.includes('auth-token') && c.value)
      expect(session.length).toBeGreaterThan(0)
      for (const cookie of session) {
        expect([cookie.name, cookie.attributes.has('httponly')]).toEqual([cookie.name, true])
        expect(cookie.attributes.get('samesite')?.toLowerCase()).toBe('lax')
        expect(cookie.attributes.get('max-age')).toBe(String(sessionLifetimeSeconds))
        expect(cookie.attributes.get('path')).toBe('/')
        expect(cookie.attributes.has('secure')).toBe(secureCookies)
      }
      expect(await userIdOf(auth, jar)).toMatch(/^[0-9a-f-]{36}$/)
    }
  })

  it('checks the password rules before the auth server hears of the account', async () => {
    const { gotrue, route } = await setUp()
    const jar = new CookieJar()
    const answer = await route(signupAction, '/signup', jar, { email: nextEmail(), password: 'weak', displayName: 'Sam', redirectTo: '/dashboard', inviteToken: '' })
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ ok: false, result: { error: { password: expect.arrayContaining(['Use at least 12 characters.']) } } })
    expect(gotrue.requests.filter((r) => r.includes('/signup'))).toEqual([])
  })

  it('says an email is taken', async () => {
    const { route } = await setUp()
    const email = nextEmail()
    await signedUp(route, email)
    const { answer } = await signedUp(route, email)
    expect(answer.status).toBe(409)
    expect(answer.body).toMatchObject({ ok: false, result: { error: { email: ['An account with that email already exists.'] } } })
  })
})

describe('with email confirmation on (hosted Supabase’s default)', () => {
  it('sign-up asks to check the inbox; signing in before confirming says so and offers to resend', async () => {
    const { gotrue, route } = await setUp({ confirmEmail: true })
    const email = nextEmail()
    const { jar, answer } = await signedUp(route, email)
    expect(answer.body).toEqual({ ok: true, confirmEmailTo: email })
    // The PKCE code verifier for the link is kept in a cookie as protected as the session's.
    const verifier = answer.setCookies.map(parseSetCookie).find((c) => c.name.endsWith('-code-verifier'))
    expect(verifier?.attributes.has('httponly')).toBe(true)
    expect(verifier?.attributes.get('max-age')).toBe(String(sessionLifetimeSeconds))
    expect(gotrue.emails.map((e) => [e.to, e.type])).toEqual([[email, 'signup']])

    const signIn = await route(loginAction, '/login', jar, { email, password, redirectTo: '/dashboard' })
    expect(signIn.status).toBe(403)
    expect(signIn.body).toMatchObject({ ok: false, result: { error: { '': [unconfirmedEmailMessage] } }, unconfirmedEmail: email })
    expect(unconfirmedEmailMessage).toMatch(/^Check your inbox/)

    const resend = await route(loginAction, '/login', jar, { intent: 'resend-confirmation', email })
    expect(resend.body).toMatchObject({ ok: true, resentTo: email })
    expect(gotrue.emails.map((e) => [e.to, e.type])).toEqual([[email, 'signup'], [email, 'signup']])
  })

  it('the wrong password is still "do not match", not "confirm your email"', async () => {
    const { route } = await setUp({ confirmEmail: true })
    const email = nextEmail()
    const { jar } = await signedUp(route, email)
    const signIn = await route(loginAction, '/login', jar, { email, password: 'Wrong-Horse-42', redirectTo: '/dashboard' })
    expect(signIn.status).toBe(400)
    expect(signIn.body).toMatchObject({ ok: false, result: { error: { '': [expect.stringMatching(/do not match/)] } } })
  })

  it('the PKCE link lands on /auth/confirm, confirms the email and signs in, once', async () => {
    const { gotrue, auth, route } = await setUp({ confirmEmail: true })
    const email = nextEmail()
    const { jar } = await signedUp(route, email)
    const link = new URL(gotrue.emails[0]!.link)
    expect(`${link.origin}${link.pathname}`).toBe(`${appUrl}/auth/confirm`)
    expect(link.searchParams.get('code')).toBeTruthy()

    const confirmed = await route(confirmLoader, `${link.pathname}${link.search}`, jar)
    expect([confirmed.status, confirmed.location]).toEqual([302, '/dashboard'])
    expect(await userIdOf(auth, jar)).toMatch(/^[0-9a-f-]{36}$/)
    expect(jar.names().some((name) => name.endsWith('-code-verifier'))).toBe(false)

    const again = await route(confirmLoader, `${link.pathname}${link.search}`, new CookieJar())
    expect(again.status).toBe(200)
    expect(again.body).toEqual({ problem: expect.stringMatching(/expired or was already used/) })

    // Confirmed: the password now signs in.
    const signIn = await route(loginAction, '/login', new CookieJar(), { email, password, redirectTo: '/dashboard' })
    expect(signIn.status).toBe(302)
  })

  it('a token-hash link (Supabase’s email template with {{ .TokenHash }}) also confirms, once', async () => {
    const { gotrue, auth, route } = await setUp({ confirmEmail: true })
    const email = nextEmail()
    // An account made without a PKCE challenge (another client, the dashboard) gets a token-hash link.
    await fetch(`${gotrue.url}/auth/v1/signup`, {
      method: 'POST',
      headers: { apikey: gotrue.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, data: { display_name: 'Sam' } }),
    })
    const link = new URL(gotrue.emails[0]!.link)
    expect([link.pathname, link.searchParams.get('type')]).toEqual(['/auth/confirm', 'email'])
    const jar = new CookieJar()
    const confirmed = await route(confirmLoader, `${link.pathname}${link.search}`, jar)
    expect([confirmed.status, confirmed.location]).toEqual([302, '/dashboard'])
    expect(await userIdOf(auth, jar)).toMatch(/^[0-9a-f-]{36}$/)
    const again = await route(confirmLoader, `${link.pathname}${link.search}`, new CookieJar())
    expect(again.body).toEqual({ problem: expect.stringMatching(/expired or was already used/) })
  })

  it('an incomplete link gets a page that says so', async () => {
    const { route } = await setUp({ confirmEmail: true })
    const answer = await route(confirmLoader, '/auth/confirm?type=email', new CookieJar())
    expect(answer.body).toEqual({ problem: expect.stringMatching(/incomplete/) })
  })
})

describe('sessions', () => {
  it('refreshes an expiring access token and rotates the refresh token', async () => {
    // Tokens that expire within auth-js's refresh margin are refreshed on the next check.
    const { gotrue, auth, route } = await setUp({ accessTokenSeconds: 20 })
    const { jar } = await signedUp(route, nextEmail())
    const before = storedSession(jar)
    const userId = await userIdOf(auth, jar)
    expect(userId).toMatch(/^[0-9a-f-]{36}$/)
    expect(gotrue.requests.filter((r) => r.includes('grant_type=refresh_token'))).toHaveLength(1)
    const after = storedSession(jar)
    expect(after.refresh_token).not.toBe(before.refresh_token)
    expect(after.access_token).not.toBe(before.access_token)
    // The browser goes on with the new cookies; the old refresh token works no more.
    expect(await userIdOf(auth, jar)).toBe(userId)
    const reuse = await fetch(`${gotrue.url}/auth/v1/token?grant_type=refresh_token`, {
      method: 'POST',
      headers: { apikey: gotrue.anonKey, 'content-type': 'application/json' },
      body: JSON.stringify({ refresh_token: before.refresh_token }),
    })
    expect(reuse.status).toBe(400)
  })

  it('signing out ends this device’s session only', async () => {
    const { gotrue, auth, route } = await setUp()
    const email = nextEmail()
    const { jar: laptop } = await signedUp(route, email)
    const phone = new CookieJar()
    expect((await route(loginAction, '/login', phone, { email, password, redirectTo: '/dashboard' })).status).toBe(302)
    expect(gotrue.sessionCount(email)).toBe(2)

    const out = await route(logoutAction, '/logout', laptop, {})
    expect([out.status, out.location]).toEqual([302, '/login'])
    expect(gotrue.requests).toContain('POST /auth/v1/logout?scope=local')
    expect(laptop.names().filter((n) => n.includes('auth-token'))).toEqual([])
    expect(await userIdOf(auth, laptop)).toBeNull()
    expect(await userIdOf(auth, phone)).toMatch(/^[0-9a-f-]{36}$/)
    expect(gotrue.sessionCount(email)).toBe(1)
  })

  it('refuses a forged token and an expired one', async () => {
    const { gotrue, auth, route } = await setUp()
    const { jar } = await signedUp(route, nextEmail())
    const userId = (await userIdOf(auth, jar))!
    const cookieName = jar.names().find((n) => n.endsWith('-auth-token'))!
    const sessionCookie = (accessToken: string, expiresAt: number) => {
      const session = { access_token: accessToken, refresh_token: 'not-a-real-refresh-token', token_type: 'bearer', expires_in: 3600, expires_at: expiresAt, user: { id: userId } }
      return new CookieJar().apply([`${cookieName}=base64-${Buffer.from(JSON.stringify(session)).toString('base64url')}; Path=/`])
    }
    const inAnHour = Math.floor(Date.now() / 1000) + 3600
    const forged = gotrue.signAccessToken({ sub: userId, session_id: 'made-up', exp: inAnHour }, 'someone-elses-secret')
    expect(await userIdOf(auth, sessionCookie(forged, inAnHour))).toBeNull()
    // auth-js logs the refused refresh of the expired session with console.error.
    const logged = allowConsoleError()
    const anHourAgo = Math.floor(Date.now() / 1000) - 3600
    const expired = gotrue.signAccessToken({ sub: userId, session_id: 'made-up', exp: anHourAgo })
    expect(await userIdOf(auth, sessionCookie(expired, anHourAgo))).toBeNull()
    expect(logged.mock.calls.flat().map(String).join('\n')).toMatch(/Invalid Refresh Token/)
    // The real session still works.
    expect(await userIdOf(auth, jar)).toBe(userId)
  })

  it('a wrong password is refused with the same message as an unknown email', async () => {
    const { auth, route } = await setUp()
    const email = nextEmail()
    await signedUp(route, email)
    const wrong = await caught(auth.signIn({ email, password: 'Wrong-Horse-42' }, { cookieHeader: null, ipAddress: '1.2.3.4' }))
    const unknown = await caught(auth.signIn({ email: nextEmail(), password }, { cookieHeader: null, ipAddress: '1.2.3.4' }))
    expect([wrong.kind, wrong.message]).toEqual([unknown.kind, unknown.message])
  })
})

describe('the settings page on Supabase Auth', () => {
  it('shows the email (and says Supabase does not list sign-ins), and signs out every other device only', async () => {
    const { gotrue, auth, route } = await setUp()
    const email = nextEmail()
    const { jar: laptop } = await signedUp(route, email)
    const phone = new CookieJar()
    await route(loginAction, '/login', phone, { email, password, redirectTo: '/dashboard' })
    // (The settings page's loader also reads the profile, which this fake's users do not have in the database.)
    const userId = (await userIdOf(auth, laptop))!
    expect(await auth.accountDetails(userId, { cookieHeader: laptop.header(), ipAddress: '203.0.113.7' })).toEqual({ email, sessions: null })

    const out = await route(settingsAction, '/settings', laptop, { intent: 'sign-out-others' })
    expect(out.status).toBe(200)
    expect(gotrue.requests).toContain('POST /auth/v1/logout?scope=others')
    expect(await userIdOf(auth, phone)).toBeNull()
    expect(await userIdOf(auth, laptop)).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('checks the current password, then changes it and ends the other sessions; the new password signs in', async () => {
    const { gotrue, auth, route } = await setUp()
    const email = nextEmail()
    const { jar: laptop } = await signedUp(route, email)
    const phone = new CookieJar()
    await route(loginAction, '/login', phone, { email, password, redirectTo: '/dashboard' })

    const wrong = await route(settingsAction, '/settings', laptop, { intent: 'password', currentPassword: 'Wrong-Horse-42', newPassword: 'Brand-New-Horse-77' })
    expect(wrong.status).toBe(400)
    expect((wrong.body as { result: { error: Record<string, string[]> } }).result.error.currentPassword).toEqual(['This is not your current password.'])
    expect(gotrue.requests.filter((line) => line.startsWith('PUT /auth/v1/user'))).toEqual([])

    const changed = await route(settingsAction, '/settings', laptop, { intent: 'password', currentPassword: password, newPassword: 'Brand-New-Horse-77' })
    expect(changed.status).toBe(200)
    expect(await userIdOf(auth, laptop)).toMatch(/^[0-9a-f-]{36}$/)
    expect(await userIdOf(auth, phone)).toBeNull()
    expect((await caught(auth.signIn({ email, password }, { cookieHeader: null, ipAddress: '1.2.3.4' }))).kind).toBe('invalid')
    expect((await auth.signIn({ email, password: 'Brand-New-Horse-77' }, { cookieHeader: null, ipAddress: '1.2.3.4' })).userId).toMatch(/^[0-9a-f-]{36}$/)
  })
})
