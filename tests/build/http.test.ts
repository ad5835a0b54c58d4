/**
 * The production server over real HTTP: security headers, caching, health checks and
 * the sign-up → dashboard → sign-out round trip, on the built app and a real database.
 */
import http from 'node:http'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '#lib/db/database'
import { resetCalendarFeed } from '#lib/plans/calendar'
import { createInvite, createProgram } from '#lib/programs/programs'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'
import { allowConsoleError } from '../support/setup'
import { startBuiltServer } from './support/built-server'

let testDb: TestDatabase
let baseUrl: string
let closeServer: () => Promise<void>

function startServer(db: Database) {
  return startBuiltServer(db)
}

function form(values: Record<string, string>) {
  return { method: 'POST', body: new URLSearchParams(values), redirect: 'manual' as const }
}

beforeAll(async () => {
  testDb = await createTestDatabase()
  const server = await startServer(testDb.db)
  baseUrl = server.url
  closeServer = server.close
})

afterAll(async () => {
  await closeServer?.()
  await testDb?.close()
})

describe('every page', () => {
  it.each(['/', '/login', '/signup', '/dashboard', '/no-such-page'])('%s carries the security headers', async (page) => {
    const response = await fetch(baseUrl + page, { redirect: 'manual' })
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).toContain("object-src 'none'")
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    expect(response.headers.get('x-powered-by')).toBeNull()
  })

  it('a route that says how it may be cached replaces the default, not adds a second Cache-Control (bug 9, issue 9)', async () => {
    const userId = await createUser(testDb.db)
    const token = await resetCalendarFeed(testDb.db, { userId })
    const response = await fetch(`${baseUrl}/calendar/${token}.ics`)
    expect(response.status).toBe(200)
    // Headers.get joins repeated headers with ", "; one header reads back exactly.
    expect(response.headers.get('cache-control')).toBe('private, max-age=300')
    expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8')
  })

  it('gets a fresh CSP nonce each time, and the page’s scripts carry it', async () => {
    const [first, second] = await Promise.all([fetch(baseUrl + '/'), fetch(baseUrl + '/')])
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get('content-security-policy') ?? '')?.[1]
    expect(nonceOf(first)).not.toBe(nonceOf(second))
    const html = await first.text()
    const inlineScripts = html.match(/<script(?![^>]*\bsrc=)[^>]*>/g) ?? []
    expect(inlineScripts.length).toBeGreaterThan(0)
    for (const tag of inlineScripts) expect(tag).toContain(`nonce="${nonceOf(first)}"`)
  })

  it('an unknown page answers 404 with the shared error page', async () => {
    const response = await fetch(baseUrl + '/no-such-page')
    expect(response.status).toBe(404)
    expect(await response.text()).toContain('Not found')
  })
})

/** A raw GET (fetch would decompress and hide the encoding): status, headers and body bytes. */
function rawGet(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(url, { headers }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
        response.on('error', reject)
      })
      .on('error', reject)
  })
}

describe('compression, once per response (issue 10)', () => {
  it('a page is gzipped whole, with its length, for a browser that takes gzip; as it is for one that does not', async () => {
    const zipped = await rawGet(baseUrl + '/', { 'accept-encoding': 'gzip, deflate, br' })
    expect(zipped.status).toBe(200)
    expect(zipped.headers['content-encoding']).toBe('gzip')
    expect(zipped.headers.vary).toMatch(/Accept-Encoding/i)
    expect(Number(zipped.headers['content-length'])).toBe(zipped.body.length)
    const html = zlib.gunzipSync(zipped.body).toString('utf8')
    expect(html).toMatch(/^<!DOCTYPE html>/i)
    expect(html).toContain('</html>')

    for (const acceptEncoding of [undefined, 'identity', 'gzip;q=0']) {
      const plain = await rawGet(baseUrl + '/', acceptEncoding ? { 'accept-encoding': acceptEncoding } : {})
      expect(plain.headers['content-encoding'], String(acceptEncoding)).toBeUndefined()
      expect(plain.body.toString('utf8')).toContain('</html>')
    }
  })

  it('a built script is sent gzipped from memory, cached for a year; a missing asset is a 404', async () => {
    const page = await (await fetch(baseUrl + '/')).text()
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1] ?? /href="(\/assets\/[^"]+\.js)"/.exec(page)?.[1]
    expect(script).toBeTruthy()
    const zipped = await rawGet(baseUrl + script, { 'accept-encoding': 'gzip' })
    expect(zipped.status).toBe(200)
    expect(zipped.headers['content-encoding']).toBe('gzip')
    expect(zipped.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    const plain = await rawGet(baseUrl + script)
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(zlib.gunzipSync(zipped.body).equals(plain.body)).toBe(true)
    expect((await rawGet(baseUrl + '/assets/no-such-file.js', { 'accept-encoding': 'gzip' })).status).toBe(404)
  })

  it('with HTTP_COMPRESSION=off nothing is compressed (a proxy does it)', async () => {
    const server = await startBuiltServer(testDb.db, { env: { HTTP_COMPRESSION: 'off' } })
    try {
      const page = await rawGet(server.url + '/', { 'accept-encoding': 'gzip' })
      expect(page.headers['content-encoding']).toBeUndefined()
      expect(page.body.toString('utf8')).toContain('</html>')
    } finally {
      await server.close()
    }
  })
})

describe('/healthz', () => {
  it('answers 200 while the database is reachable', async () => {
    const response = await fetch(baseUrl + '/healthz')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', database: 'reachable' })
  })

  it('answers 503 when it is not', async () => {
    const unreachable: Database = { ...testDb.db, ping: () => Promise.reject(new Error('connection refused')) }
    const server = await startServer(unreachable)
    allowConsoleError()
    try {
      const response = await fetch(server.url + '/healthz')
      expect(response.status).toBe(503)
      expect(await response.json()).toEqual({ status: 'unavailable', database: 'unreachable' })
    } finally {
      await server.close()
    }
  })
})

describe('signing up, in and out over HTTP', () => {
  const email = 'http-user@example.com'
  const password = 'Http-Test-Pass-1'

  it('a new user signs up, lands on the dashboard, signs out, and the old cookie stops working', async () => {
    const signUp = await fetch(baseUrl + '/signup', {
      ...form({ displayName: 'Hana', email, password, redirectTo: '/dashboard', inviteToken: '' }),
      headers: { 'User-Agent': 'HttpTest/1.0' },
    })
    expect(signUp.status).toBe(302)
    expect(signUp.headers.get('location')).toBe('/dashboard')
    const setCookie = signUp.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/stagecoach_session=.+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure/)
    const cookie = setCookie.split(';')[0] ?? ''

    const dashboard = await fetch(baseUrl + '/dashboard', { headers: { cookie } })
    expect(dashboard.status).toBe(200)
    const html = await dashboard.text()
    expect(html).toContain('Your dashboard')
    expect(html).toContain('Hana')
    expect(html).toContain('No sessions yet')

    const signOut = await fetch(baseUrl + '/logout', { ...form({}), headers: { cookie } })
    expect(signOut.status).toBe(302)
    expect(signOut.headers.get('set-cookie')).toMatch(/stagecoach_session=;.*Max-Age=0/)

    const afterwards = await fetch(baseUrl + '/dashboard', { headers: { cookie }, redirect: 'manual' })
    expect(afterwards.status).toBe(302)
    expect(afterwards.headers.get('location')).toBe('/login?redirectTo=%2Fdashboard')

    // Each event is in the audit log with the request's address and user agent (issue 15).
    const entries = await testDb.db.asService((tx) =>
      tx.query<{ action: string; ip: string | null; user_agent: string | null }>(
        `select action, host(ip_address) as ip, user_agent from public.audit_log
         where subject_id = (select id from auth.users where email = $1) order by id`,
        [email],
      ),
    )
    expect(entries.map((e) => e.action)).toEqual(['register', 'logout'])
    expect(entries[0]).toEqual({ action: 'register', ip: expect.stringMatching(/127\.0\.0\.1$/), user_agent: 'HttpTest/1.0' })
    expect(entries[1]).toMatchObject({ ip: expect.stringMatching(/127\.0\.0\.1$/), user_agent: expect.any(String) })
  })

  it('a weak password gets every rule’s message and keeps what was typed (except the password)', async () => {
    const response = await fetch(baseUrl + '/signup', form({ displayName: 'Ines', email: 'ines@example.com', password: 'weak', redirectTo: '/dashboard' }))
    expect(response.status).toBe(400)
    const html = await response.text()
    for (const message of ['Use at least 12 characters.', 'Include an upper-case letter.', 'Include a digit.']) {
      expect(html).toContain(message)
    }
    expect(html).toContain('value="ines@example.com"')
    expect(html).toContain('value="Ines"')
    expect(html).not.toContain('value="weak"')
  })

  it('a duplicate email is refused with a way forward', async () => {
    const response = await fetch(baseUrl + '/signup', form({ displayName: 'Again', email: email.toUpperCase(), password, redirectTo: '/dashboard' }))
    expect(response.status).toBe(409)
    expect(await response.text()).toContain('An account with that email already exists. Sign in instead.')
  })

  it('never redirects off-site after sign-in', async () => {
    const response = await fetch(baseUrl + '/login', form({ email, password, redirectTo: '//evil.example/steal' }))
    expect(response.status).toBe(302)
    expect(response.headers.get('location')).toBe('/dashboard')
  })

  it('a wrong password says so and keeps the email', async () => {
    const response = await fetch(baseUrl + '/login', form({ email, password: 'Not-the-password-9', redirectTo: '/dashboard' }))
    expect(response.status).toBe(400)
    const html = await response.text()
    expect(html).toContain('That email and password do not match an account.')
    expect(html).toContain(`value="${email}"`)
  })
})

describe('joining a program through an invite link', () => {
  it('a visitor sees where the link leads, signs up through it and lands in the program; the link then reads as used', async () => {
    const coach = await createUser(testDb.db, { displayName: 'Coach Rui' })
    const programId = await createProgram(testDb.db, { userId: coach, name: 'Rui Coaching' })
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })

    const page = await fetch(`${baseUrl}/invites/${token}`)
    expect(page.status).toBe(200)
    // React separates adjacent text with empty comments; read the text as a person would.
    const html = (await page.text()).replaceAll('<!-- -->', '')
    expect(html).toContain('Coach Rui invited you to join')
    expect(html).toContain('Rui Coaching')

    const signUp = await fetch(
      baseUrl + '/signup',
      form({ displayName: 'Newcomer', email: 'newcomer@example.com', password: 'Joining-Pass-42', redirectTo: `/invites/${token}`, inviteToken: token }),
    )
    expect(signUp.status).toBe(302)
    expect(signUp.headers.get('location')).toBe(`/programs/${programId}?joined=1`)
    const cookie = (signUp.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const program = await fetch(`${baseUrl}/programs/${programId}?joined=1`, { headers: { cookie } })
    expect((await program.text()).replaceAll('<!-- -->', '')).toContain('Welcome! You joined Rui Coaching.')

    expect(await (await fetch(`${baseUrl}/invites/${token}`)).text()).toContain('This invite link has already been used.')
    expect((await fetch(`${baseUrl}/invites/not-a-real-token`)).status).toBe(404)
  })
})

describe('memory after a page is sent (issue 10)', () => {
  /** One page over a connection of its own, read to the end, the connection closed. */
  const loadPage = (page: string, userAgent: string) =>
    new Promise<number>((resolve, reject) => {
      http
        .get(baseUrl + page, { agent: false, headers: { 'user-agent': userAgent, connection: 'close' } }, (response) => {
          response.resume()
          response.on('end', () => resolve(response.statusCode ?? 0))
        })
        .on('error', reject)
    })
  const pendingTimers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length

  it.each([
    ['a browser (streamed)', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36'],
    ['a bot (the whole page at once)', 'Googlebot/2.1 (+http://www.google.com/bot.html)'],
  ])('leaves no timer behind for %s: a pending one would hold the whole render for seconds', async (_, userAgent) => {
    await loadPage('/', userAgent)
    const before = pendingTimers()
    for (let i = 0; i < 30; i++) expect(await loadPage('/', userAgent)).toBe(200)
    // Timers of the server's own (the job queue's, the database's) may come and go; one per page would be 30.
    expect(pendingTimers() - before).toBeLessThan(5)
  })
})
