/**
 * Forgot password, on both sign-in backends, through the app's routes, with the email
 * received by a real SMTP server: the built-in auth's one-use, expiring, hashed token
 * (or the server log when no SMTP is set), and Supabase Auth's recovery flow through
 * /auth/confirm against the fake auth server. Resetting ends every other session.
 */
import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AuthBackend } from '#lib/auth/backend'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { createSupabaseAuth } from '#lib/auth/supabase-auth'
import { createMailer } from '#lib/mail/mailer'
import { loader as confirmLoader } from '../../app/routes/auth.confirm'
import { action as forgotPasswordAction } from '../../app/routes/forgot-password'
import { action as loginAction } from '../../app/routes/login'
import { action as resetPasswordAction, loader as resetPasswordLoader } from '../../app/routes/reset-password'
import { startFakeGoTrue, type FakeGoTrue } from '../mocks/gotrue'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { callRoute } from '../support/route-call'
import { linkIn, startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver'

const appUrl = 'http://stagecoach.test'
const oldPassword = 'Correct-Horse-42'
const newPassword = 'Brand-New-Horse-77'
const mailFrom = 'Stagecoach <coach@stagecoach.test>'
let testDb: TestDatabase
let smtp: SmtpReceiver
let emailCounter = 0
const nextEmail = () => `reset${++emailCounter}@example.com`

beforeAll(async () => {
  testDb = await createTestDatabase()
  smtp = await startSmtpReceiver()
})

afterAll(async () => {
  await smtp?.close()
  await testDb?.close()
})

const userIdOf = (auth: AuthBackend, jar: CookieJar) => auth.getUserId({ cookieHeader: jar.header(), ipAddress: '203.0.113.7' }, (c) => jar.apply([c]))
const emailsTo = (email: string) => smtp.emails.filter((e) => e.to.includes(email))

function routes(auth: AuthBackend) {
  return (handler: Parameters<typeof callRoute>[0], url: string, jar: CookieJar, form?: Record<string, string>) =>
    callRoute(handler, { url: `${appUrl}${url}`, form, jar, auth, db: testDb.db })
}

describe('built-in sign-in', () => {
  const cookies = { secret: 'reset-test-secret-0123456789abcdef0123', secure: false }
  const auth = () => createBuiltInAuth(testDb.db, cookies, { appUrl, mailer: createMailer({ SMTP_URL: smtp.url, MAIL_FROM: mailFrom }) })

  async function accountOnTwoDevices(backend: AuthBackend, email: string) {
    const route = routes(backend)
    const laptop = new CookieJar().apply((await backend.signUp({ email, password: oldPassword, displayName: 'Rita' }, { cookieHeader: null, ipAddress: '1.1.1.1' })).setCookies)
    const phone = new CookieJar()
    expect((await route(loginAction, '/login', phone, { email, password: oldPassword, redirectTo: '/dashboard' })).status).toBe(302)
    return { laptop, phone }
  }

  it('emails a one-use link; resetting signs this browser in and every other session out', async () => {
    const backend = auth()
    const route = routes(backend)
    const email = nextEmail()
    const { laptop, phone } = await accountOnTwoDevices(backend, email)

    const before = smtp.emails.length
    const asked = await route(forgotPasswordAction, '/forgot-password', new CookieJar(), { email: email.toUpperCase() })
    expect(asked.body).toEqual({ ok: true, email, delivery: 'email' })
    await smtp.waitFor(before + 1)
    const [received] = emailsTo(email)
    expect(received).toMatchObject({ from: 'coach@stagecoach.test', subject: 'Reset your Stagecoach password' })
    const link = new URL(linkIn(received!.text))
    expect(`${link.origin}${link.pathname}`).toBe(`${appUrl}/reset-password`)
    const token = link.searchParams.get('token')!

    // Only the token's hash is stored.
    const stored = await testDb.db.asService((tx) => tx.query<{ token_hash: string }>('select token_hash from private.password_reset_tokens'))
    expect(stored.map((r) => r.token_hash)).toContain(createHash('sha256').update(token).digest('hex'))
    expect(JSON.stringify(stored)).not.toContain(token)

    const browser = new CookieJar()
    expect((await route(resetPasswordLoader, `${link.pathname}${link.search}`, browser)).body).toEqual({ token, canReset: true })
    // A password that breaks the rules is refused and the link keeps working.
    const weak = await route(resetPasswordAction, '/reset-password', browser, { token, password: 'weak' })
    expect(weak.status).toBe(400)
    const reset = await route(resetPasswordAction, '/reset-password', browser, { token, password: newPassword })
    expect([reset.status, reset.location]).toEqual([302, '/dashboard'])

    const userId = await userIdOf(backend, browser)
    expect(userId).toMatch(/^[0-9a-f-]{36}$/)
    expect(await userIdOf(backend, laptop)).toBeNull()
    expect(await userIdOf(backend, phone)).toBeNull()
    const signIn = (password: string) => route(loginAction, '/login', new CookieJar(), { email, password, redirectTo: '/dashboard' })
    expect((await signIn(oldPassword)).status).toBe(400)
    expect((await signIn(newPassword)).status).toBe(302)

    const again = await route(resetPasswordAction, '/reset-password', new CookieJar(), { token, password: 'Another-Horse-88' })
    expect(again.status).toBe(400)
    expect(again.body).toMatchObject({ ok: false, result: { error: { '': [expect.stringMatching(/expired or was already used/)] } } })
  })

  it('refuses an expired link, and a link replaced by a newer one', async () => {
    const backend = auth()
    const route = routes(backend)
    const email = nextEmail()
    await accountOnTwoDevices(backend, email)
    const before = smtp.emails.length
    await route(forgotPasswordAction, '/forgot-password', new CookieJar(), { email })
    await route(forgotPasswordAction, '/forgot-password', new CookieJar(), { email })
    await smtp.waitFor(before + 2)
    const first = new URL(linkIn(emailsTo(email)[0]!.text)).searchParams.get('token')!
    const second = new URL(linkIn(emailsTo(email)[1]!.text)).searchParams.get('token')!
    expect((await route(resetPasswordAction, '/reset-password', new CookieJar(), { token: first, password: newPassword })).status).toBe(400)

    await testDb.db.asService((tx) =>
      tx.query(`update private.password_reset_tokens set expires_at = now() - interval '1 second' where token_hash = $1`, [
        createHash('sha256').update(second).digest('hex'),
      ]),
    )
    const expired = await route(resetPasswordAction, '/reset-password', new CookieJar(), { token: second, password: newPassword })
    expect(expired.status).toBe(400)
    expect((await route(loginAction, '/login', new CookieJar(), { email, password: oldPassword, redirectTo: '/dashboard' })).status).toBe(302)
  })

  it('answers an unknown email exactly like a known one, and sends nothing', async () => {
    const route = routes(auth())
    const before = smtp.emails.length
    const email = nextEmail()
    const answer = await route(forgotPasswordAction, '/forgot-password', new CookieJar(), { email })
    expect(answer.body).toEqual({ ok: true, email, delivery: 'email' })
    expect(smtp.emails.length).toBe(before)
  })

  it('without SMTP, writes the link to the server log, and the page says so', async () => {
    const logged: string[] = []
    const backend = createBuiltInAuth(testDb.db, cookies, { appUrl, mailer: null, log: (line) => logged.push(line) })
    const route = routes(backend)
    const email = nextEmail()
    await backend.signUp({ email, password: oldPassword, displayName: 'Lou' }, { cookieHeader: null, ipAddress: '1.1.1.1' })
    const before = smtp.emails.length
    const answer = await route(forgotPasswordAction, '/forgot-password', new CookieJar(), { email })
    expect(answer.body).toEqual({ ok: true, email, delivery: 'server-log' })
    expect(smtp.emails.length).toBe(before)
    expect(logged).toHaveLength(1)
    const token = new URL(linkIn(logged[0]!)).searchParams.get('token')!
    expect((await route(resetPasswordAction, '/reset-password', new CookieJar(), { token, password: newPassword })).status).toBe(302)
  })

  it('a reset page without a token asks for the email link', async () => {
    const answer = await routes(auth())(resetPasswordLoader, '/reset-password', new CookieJar())
    expect(answer.body).toEqual({ token: '', canReset: false })
  })
})

describe('Supabase Auth', () => {
  let gotrue: FakeGoTrue
  afterEach(async () => {
    await gotrue?.close()
  })

  it('sends the recovery email; its link through /auth/confirm lets this browser set a password and ends other sessions', async () => {
    gotrue = await startFakeGoTrue({ smtpUrl: smtp.url, siteUrl: appUrl })
    const backend = createSupabaseAuth({ url: gotrue.url, anonKey: gotrue.anonKey, appUrl, secureCookies: false })
    const route = routes(backend)
    const email = nextEmail()
    const laptop = new CookieJar().apply((await backend.signUp({ email, password: oldPassword, displayName: 'Sol' }, { cookieHeader: null, ipAddress: '1.1.1.1' })).setCookies)
    expect(await userIdOf(backend, laptop)).toMatch(/^[0-9a-f-]{36}$/)

    const browser = new CookieJar()
    const before = smtp.emails.length
    const asked = await route(forgotPasswordAction, '/forgot-password', browser, { email })
    expect(asked.body).toEqual({ ok: true, email, delivery: 'email' })
    await smtp.waitFor(before + 1)
    const [received] = emailsTo(email)
    const link = new URL(linkIn(received!.text))
    expect([`${link.origin}${link.pathname}`, link.searchParams.get('next')]).toEqual([`${appUrl}/auth/confirm`, '/reset-password'])

    const confirmed = await route(confirmLoader, `${link.pathname}${link.search}`, browser)
    expect([confirmed.status, confirmed.location]).toEqual([302, '/reset-password'])
    expect((await route(resetPasswordLoader, '/reset-password', browser)).body).toEqual({ token: '', canReset: true })

    const putsBefore = gotrue.requests.filter((r) => r === 'PUT /auth/v1/user').length
    expect((await route(resetPasswordAction, '/reset-password', browser, { password: 'weak' })).status).toBe(400)
    expect(gotrue.requests.filter((r) => r === 'PUT /auth/v1/user').length).toBe(putsBefore)

    const reset = await route(resetPasswordAction, '/reset-password', browser, { password: newPassword })
    expect([reset.status, reset.location]).toEqual([302, '/dashboard'])
    expect(gotrue.requests).toContain('POST /auth/v1/logout?scope=others')
    expect(await userIdOf(backend, browser)).toMatch(/^[0-9a-f-]{36}$/)
    expect(await userIdOf(backend, laptop)).toBeNull()
    expect(gotrue.sessionCount(email)).toBe(1)

    const signIn = (password: string) => route(loginAction, '/login', new CookieJar(), { email, password, redirectTo: '/dashboard' })
    expect((await signIn(oldPassword)).status).toBe(400)
    expect((await signIn(newPassword)).status).toBe(302)
  })

  it('a reset page without a recovery session asks for the email link', async () => {
    gotrue = await startFakeGoTrue({ siteUrl: appUrl })
    const backend = createSupabaseAuth({ url: gotrue.url, anonKey: gotrue.anonKey, appUrl, secureCookies: false })
    const answer = await routes(backend)(resetPasswordLoader, '/reset-password', new CookieJar())
    expect(answer.body).toEqual({ token: '', canReset: false })
  })
})
