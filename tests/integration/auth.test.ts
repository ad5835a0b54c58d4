/**
 * Built-in email + password auth against a real database: accounts, sessions,
 * sign-out, rate limits. (The password rules and the cookie format have unit tests
 * next to their modules.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuthBackend, AuthRequest } from '#lib/auth/backend'
import { attemptLimits, withAttemptLimits } from '#lib/auth/attempt-limits'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { sessionCookieName } from '#lib/auth/session-cookie'
import { caught } from '../support/app-error'
import { createTestDatabase, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let auth: AuthBackend
const password = 'Correct-Horse-42'
let emailCounter = 0

const nextEmail = () => `Person${++emailCounter}@Example.COM`
const fromIp = (ipAddress: string, cookieHeader: string | null = null): AuthRequest => ({ ipAddress, cookieHeader })

/** The Cookie header a browser would send back after these Set-Cookie headers. */
function cookieFrom(setCookies: string[]): string {
  const [first] = setCookies
  if (!first) throw new Error('no cookie was set')
  return first.split(';')[0] ?? ''
}


beforeAll(async () => {
  testDb = await createTestDatabase()
  auth = withAttemptLimits(createBuiltInAuth(testDb.db, { secret: 'test-secret-that-is-long-enough-0123456789', secure: true }), testDb.db)
})

afterAll(async () => {
  await testDb?.close()
})

describe('sign-up', () => {
  it('stores the email in lower case with an argon2id hash, creates a profile and signs the user in', async () => {
    const email = nextEmail()
    const result = await auth.signUp({ email: email.toLowerCase(), password, displayName: 'Ana Lima' }, fromIp('10.0.0.1'))
    const [user] = await testDb.db.asService((tx) =>
      tx.query<{ email: string; encrypted_password: string; display_name: string }>(
        `select u.email, u.encrypted_password, p.display_name
         from auth.users u join public.profiles p on p.id = u.id where u.id = $1`,
        [result.userId],
      ),
    )
    expect(user?.email).toBe(email.toLowerCase())
    expect(user?.encrypted_password).toMatch(/^\$argon2id\$/)
    expect(user?.encrypted_password).not.toContain(password)
    expect(user?.display_name).toBe('Ana Lima')
    expect(await auth.getUserId(fromIp('10.0.0.1', cookieFrom(result.setCookies)), () => {})).toBe(result.userId)
  })

  it('refuses a second account with the same email, whatever its case', async () => {
    const email = nextEmail()
    await auth.signUp({ email: email.toLowerCase(), password, displayName: 'First' }, fromIp('10.0.0.2'))
    const error = await caught(auth.signUp({ email: email.toLowerCase(), password, displayName: 'Second' }, fromIp('10.0.0.2')))
    expect(error.kind).toBe('conflict')
    expect(error.message).toMatch(/already exists/)
    expect(error.fieldErrors.email).toEqual(['An account with that email already exists.'])
  })
})

describe('sign-in and sessions', () => {
  let email: string
  let userId: string

  beforeAll(async () => {
    email = nextEmail().toLowerCase()
    userId = (await auth.signUp({ email, password, displayName: 'Sam' }, fromIp('10.0.1.1'))).userId
  })

  it('signs in with the right password and sets a signed HttpOnly, SameSite=Lax, Secure cookie', async () => {
    const result = await auth.signIn({ email, password }, fromIp('10.0.1.1'))
    expect(result.userId).toBe(userId)
    const [cookie] = result.setCookies
    expect(cookie).toMatch(new RegExp(`^${sessionCookieName}=[\\w-]+\\.[\\w-]+;`))
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    expect(cookie).toContain('Secure')
    expect(cookie).toContain('Path=/')
  })

  it('refuses a wrong password and an unknown email with the same message', async () => {
    const wrongPassword = await caught(auth.signIn({ email, password: 'Wrong-password-1' }, fromIp('10.0.1.2')))
    const unknownEmail = await caught(auth.signIn({ email: 'nobody@example.com', password }, fromIp('10.0.1.2')))
    expect(wrongPassword.kind).toBe('invalid')
    expect(unknownEmail.kind).toBe('invalid')
    expect(wrongPassword.message).toBe(unknownEmail.message)
  })

  it('gives a new session id at every sign-in and ends the one the browser brought', async () => {
    const first = cookieFrom((await auth.signIn({ email, password }, fromIp('10.0.1.3'))).setCookies)
    const second = cookieFrom((await auth.signIn({ email, password }, fromIp('10.0.1.3', first))).setCookies)
    expect(second).not.toBe(first)
    expect(await auth.getUserId(fromIp('10.0.1.3', second), () => {})).toBe(userId)
    expect(await auth.getUserId(fromIp('10.0.1.3', first), () => {})).toBeNull()
  })

  it('after sign-out the same cookie no longer signs anyone in (the session ends on the server)', async () => {
    const cookie = cookieFrom((await auth.signIn({ email, password }, fromIp('10.0.1.4'))).setCookies)
    expect(await auth.getUserId(fromIp('10.0.1.4', cookie), () => {})).toBe(userId)
    const { setCookies } = await auth.signOut(fromIp('10.0.1.4', cookie))
    expect(setCookies[0]).toMatch(/Max-Age=0/)
    expect(await auth.getUserId(fromIp('10.0.1.4', cookie), () => {})).toBeNull()
  })

  it('ignores a cookie whose signature was tampered with, and an expired session', async () => {
    const cookie = cookieFrom((await auth.signIn({ email, password }, fromIp('10.0.1.5'))).setCookies)
    const [name, value] = cookie.split('=') as [string, string]
    const [token] = value.split('.')
    expect(await auth.getUserId(fromIp('10.0.1.5', `${name}=${token}.forged-signature`), () => {})).toBeNull()
    const other = createBuiltInAuth(testDb.db, { secret: 'another-secret-that-is-long-enough-987654', secure: true })
    expect(await other.getUserId(fromIp('10.0.1.5', cookie), () => {})).toBeNull()

    expect(await auth.getUserId(fromIp('10.0.1.5', cookie), () => {})).toBe(userId)
    await testDb.db.asService((tx) =>
      tx.query(`update private.login_sessions set expires_at = now() - interval '1 second' where user_id = $1`, [userId]),
    )
    expect(await auth.getUserId(fromIp('10.0.1.5', cookie), () => {})).toBeNull()
  })
})

describe('limits on sign-in and sign-up attempts', () => {
  const wrong = 'Guess-number-1'

  it(`30 concurrent wrong passwords for one email from one address: exactly ${attemptLimits.signInPerEmailAndAddress} password checks`, async () => {
    const email = nextEmail().toLowerCase()
    await auth.signUp({ email, password, displayName: 'Target' }, fromIp('10.0.2.1'))
    const outcomes = await Promise.all(Array.from({ length: 30 }, () => caught(auth.signIn({ email, password: wrong }, fromIp('10.0.2.66')))))
    const kinds = outcomes.map((error) => error.kind)
    expect(kinds.filter((kind) => kind === 'invalid')).toHaveLength(attemptLimits.signInPerEmailAndAddress)
    expect(kinds.filter((kind) => kind === 'rate_limited')).toHaveLength(30 - attemptLimits.signInPerEmailAndAddress)
    expect(outcomes.find((error) => error.kind === 'rate_limited')?.message).toMatch(/^Too many sign-in attempts for this account from this address\. Wait 15 minutes/)
  })

  it('wrong guesses from one address do not lock the owner out: the right password from another address works', async () => {
    const email = nextEmail().toLowerCase()
    await auth.signUp({ email, password, displayName: 'Owner' }, fromIp('10.0.4.1'))
    for (let attempt = 0; attempt < attemptLimits.signInPerEmailAndAddress; attempt++) {
      expect((await caught(auth.signIn({ email, password: wrong }, fromIp('10.0.4.66')))).kind).toBe('invalid')
    }
    // The guessing address now waits, even with the right password…
    expect((await caught(auth.signIn({ email, password }, fromIp('10.0.4.66')))).kind).toBe('rate_limited')
    // …but the owner, elsewhere, signs in.
    await expect(auth.signIn({ email, password }, fromIp('10.0.4.2'))).resolves.toMatchObject({ setCookies: [expect.any(String)] })

    // The window passes: the guessing address may try again.
    await testDb.db.asService((tx) => tx.query(`update private.auth_attempts set window_started_at = now() - interval '16 minutes'`))
    await expect(auth.signIn({ email, password }, fromIp('10.0.4.66'))).resolves.toMatchObject({ setCookies: [expect.any(String)] })
  })

  it('a successful sign-in takes its attempts back', async () => {
    const email = nextEmail().toLowerCase()
    await auth.signUp({ email, password, displayName: 'Typo-prone' }, fromIp('10.0.5.1'))
    for (let round = 0; round < 3; round++) {
      for (let attempt = 0; attempt < attemptLimits.signInPerEmailAndAddress - 1; attempt++) {
        await caught(auth.signIn({ email, password: wrong }, fromIp('10.0.5.9')))
      }
      await expect(auth.signIn({ email, password }, fromIp('10.0.5.9'))).resolves.toMatchObject({ setCookies: [expect.any(String)] })
    }
  })

  it(`limits an address to ${attemptLimits.signInPerAddress} sign-in attempts across different emails`, async () => {
    const email = nextEmail().toLowerCase()
    await auth.signUp({ email, password, displayName: 'Bystander' }, fromIp('10.0.3.1'))
    for (let attempt = 0; attempt < attemptLimits.signInPerAddress; attempt++) {
      await caught(auth.signIn({ email: `guess${attempt}@example.com`, password: wrong }, fromIp('10.0.3.66')))
    }
    expect((await caught(auth.signIn({ email, password }, fromIp('10.0.3.66')))).kind).toBe('rate_limited')
    // The same account from another address is unaffected.
    await expect(auth.signIn({ email, password }, fromIp('10.0.3.2'))).resolves.toMatchObject({ setCookies: [expect.any(String)] })
  })

  it(`limits sign-ups to ${attemptLimits.signUpPerAddress} per address, even when they all hit taken emails`, async () => {
    const taken = nextEmail().toLowerCase()
    await auth.signUp({ email: taken, password, displayName: 'First' }, fromIp('10.0.6.1'))
    const outcomes = await Promise.all(
      Array.from({ length: attemptLimits.signUpPerAddress + 5 }, () => caught(auth.signUp({ email: taken, password, displayName: 'Prober' }, fromIp('10.0.6.66')))),
    )
    expect(outcomes.filter((error) => error.kind === 'conflict')).toHaveLength(attemptLimits.signUpPerAddress)
    expect(outcomes.filter((error) => error.kind === 'rate_limited')).toHaveLength(5)
    await expect(auth.signUp({ email: nextEmail().toLowerCase(), password, displayName: 'Elsewhere' }, fromIp('10.0.6.2'))).resolves.toMatchObject({ userId: expect.any(String) })
  })
})
