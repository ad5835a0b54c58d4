/**
 * What the attack run of issue 8 broke, over real HTTP against the production build:
 * open redirects, unbounded bodies, cross-origin posts, unreadable input and database
 * outages. Each test failed before the fix. See docs/security.md.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { attemptLimits } from '#lib/auth/attempt-limits'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { getSession, startSession } from '#lib/coaching/sessions'
import { createDatabase } from '#lib/db/database'
import { openPostgresDriver } from '#lib/db/postgres-driver'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { closedPort } from '../support/ports'
import { allowConsoleError } from '../support/setup'
import { startBuiltServer, type BuiltServer } from './support/built-server'

let testDb: TestDatabase
let server: BuiltServer
let auth: ReturnType<typeof createBuiltInAuth>
const password = 'Security-Test-Pass-1'
const cookieSecret = 'security-test-secret-0123456789abcdef'

beforeAll(async () => {
  testDb = await createTestDatabase()
  auth = createBuiltInAuth(testDb.db, { secret: cookieSecret, secure: true })
  server = await startBuiltServer(testDb.db, { auth })
})

afterAll(async () => {
  await server?.close()
  await testDb?.close()
})

let accounts = 0
async function signedUp(): Promise<{ userId: string; cookie: string }> {
  accounts += 1
  const { userId, setCookies } = await auth.signUp(
    { email: `security-${accounts}-${randomUUID().slice(0, 8)}@example.com`, password, displayName: `Person ${accounts}` },
    { cookieHeader: null, ipAddress: `192.0.2.${accounts}` },
  )
  return { userId, cookie: setCookies[0]?.split(';')[0] ?? '' }
}

const sameOrigin = () => ({ Origin: server.url })
const otherOrigin = () => ({ Origin: server.url.replace('127.0.0.1', 'evil.localhost') })

function post(path: string, init: { headers?: Record<string, string>; body?: BodyInit; cookie?: string } = {}) {
  return fetch(server.url + path, {
    method: 'POST',
    redirect: 'manual',
    body: init.body,
    headers: { ...(init.cookie ? { Cookie: init.cookie } : {}), ...init.headers },
  })
}

const formBody = (values: Record<string, string>) => new URLSearchParams(values)

async function selfCoachingSession(userId: string): Promise<string> {
  const started = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
  if (!started.started) throw new Error('expected a new session')
  return started.sessionId
}

async function transcript(userId: string, sessionId: string) {
  return (await getSession(testDb.db, { userId, sessionId })).stages[0]?.responses.transcript ?? []
}

describe('redirects after sign-in stay on this site (finding 2)', () => {
  it.each(['%2F%09%2Fevil.example', '%2F%09%5Cevil.example', '%2F%0A%2Fevil.example', '%2F%0D%0A%2Fevil.example', '%2F%2Fevil.example', 'https%3A%2F%2Fevil.example'])(
    'a signed-in visit to /login?redirectTo=%s goes to the dashboard',
    async (target) => {
      const { cookie } = await signedUp()
      const response = await fetch(`${server.url}/login?redirectTo=${target}`, { headers: { Cookie: cookie }, redirect: 'manual' })
      expect(response.status).toBe(302)
      expect(response.headers.get('location')).toBe('/dashboard')
    },
  )

  it('signing in with a hostile redirectTo lands on the dashboard; a same-site one is followed', async () => {
    accounts += 1
    const email = `redirect-${accounts}@example.com`
    await auth.signUp({ email, password, displayName: 'R' }, { cookieHeader: null, ipAddress: '192.0.2.200' })
    const hostile = await post('/login', { body: formBody({ email, password, redirectTo: '/\t/evil.example' }), headers: sameOrigin() })
    expect(hostile.headers.get('location')).toBe('/dashboard')
    const fine = await post('/login', { body: formBody({ email, password, redirectTo: '/programs?tab=1' }), headers: sameOrigin() })
    expect(fine.headers.get('location')).toBe('/programs?tab=1')
  })
})

describe('request bodies have limits, checked before they are read (finding 3)', () => {
  it('a 5 MB sign-in form is refused with 413', async () => {
    const response = await post('/login', { body: formBody({ email: 'a@example.com', password: 'x'.repeat(5 * 1024 * 1024) }) })
    expect(response.status).toBe(413)
    expect(await response.text()).toContain('more than Stagecoach accepts at once')
  })

  it('a body without Content-Length is cut off as soon as it passes the limit', async () => {
    const chunk = new TextEncoder().encode(`password=${'x'.repeat(64 * 1024)}`)
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1
        if (sent > 200) controller.close()
        else controller.enqueue(chunk)
      },
    })
    const response = await fetch(`${server.url}/login`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }).catch(() => null)
    // The server answers 413 (or closes the connection) long before 200 chunks are sent.
    if (response) expect(response.status).toBe(413)
    expect(sent).toBeLessThan(200)
  })

  it('a signed-in chat turn over 64 KB is refused before the JSON is parsed', async () => {
    const { userId, cookie } = await signedUp()
    const sessionId = await selfCoachingSession(userId)
    const body = JSON.stringify({ stage: 1, kind: 'message', messageId: randomUUID(), text: 'x'.repeat(100_000) })
    const response = await post(`/sessions/${sessionId}/chat`, { cookie, body, headers: { ...sameOrigin(), 'Content-Type': 'application/json' } })
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toContain('application/x-ndjson')
    expect(await response.json()).toMatchObject({ type: 'error', retryable: false })
    expect(await transcript(userId, sessionId)).toHaveLength(1)
  })
})

describe('requests from other origins are refused (finding 5)', () => {
  it('a cross-origin text/plain chat post (no-cors) stores nothing and calls no model', async () => {
    const { userId, cookie } = await signedUp()
    const sessionId = await selfCoachingSession(userId)
    const body = JSON.stringify({ stage: 1, kind: 'message', messageId: randomUUID(), text: 'forged' })
    const response = await post(`/sessions/${sessionId}/chat`, { cookie, body, headers: { ...otherOrigin(), 'Content-Type': 'text/plain' } })
    expect(response.status).toBe(403)
    expect(JSON.stringify(await transcript(userId, sessionId))).not.toContain('forged')
  })

  it('a same-origin chat turn that is not JSON is refused with 415; as JSON it is answered', async () => {
    const { userId, cookie } = await signedUp()
    const sessionId = await selfCoachingSession(userId)
    const turn = (contentType: string) =>
      post(`/sessions/${sessionId}/chat`, {
        cookie,
        body: JSON.stringify({ stage: 1, kind: 'message', messageId: randomUUID(), text: '7' }),
        headers: { ...sameOrigin(), 'Content-Type': contentType },
      })
    const plain = await turn('text/plain')
    expect(plain.status).toBe(415)
    const json = await turn('application/json')
    expect(json.status).toBe(200)
    expect((await json.text()).trim().split('\n').map((line) => JSON.parse(line).type)).toEqual(['saved', 'delta', 'done'])
  })

  it('a cross-origin sign-out form does not sign the person out', async () => {
    const { cookie } = await signedUp()
    const response = await post('/logout', { cookie, body: formBody({}), headers: otherOrigin() })
    expect(response.status).toBe(403)
    expect((await fetch(`${server.url}/dashboard`, { headers: { Cookie: cookie }, redirect: 'manual' })).status).toBe(200)
    const mine = await post('/logout', { cookie, body: formBody({}), headers: sameOrigin() })
    expect(mine.status).toBe(302)
  })

  it('a cross-origin form action gets a plain 403 page, not a 500', async () => {
    const { cookie } = await signedUp()
    const response = await post('/programs', { cookie, body: formBody({ name: 'Forged program' }), headers: otherOrigin() })
    expect(response.status).toBe(403)
    expect(response.headers.get('content-type')).toContain('text/html')
    expect(await response.text()).toContain('came from another site')
  })

  it('without Origin, Fetch Metadata saying cross-site is refused too; a same-origin post goes through', async () => {
    const { cookie } = await signedUp()
    const crossSite = await post('/programs', { cookie, body: formBody({ name: 'Forged' }), headers: { 'Sec-Fetch-Site': 'cross-site' } })
    expect(crossSite.status).toBe(403)
    const mine = await post('/programs', { cookie, body: formBody({ name: 'Mine' }), headers: sameOrigin() })
    expect(mine.status).toBe(302)
  })
})

describe('unreadable input gets a 400 or 415 with a message, never a 500 or a false promise (finding 10)', () => {
  it.each([
    ['a program name', '/programs', { name: 'Bad\u0000name' }],
    ['a session name', '/sessions/new', { intent: 'start', sessionType: 'self_coaching', title: 'Bad\u0000name' }],
    ['a plan title', '/action-plans/new', { title: 'Bad\u0000title', status: 'pending', priority: '3', requestKey: randomUUID() }],
  ])('a NUL byte in %s', async (_what, path, values) => {
    const { cookie } = await signedUp()
    const response = await post(path, { cookie, body: formBody(values), headers: sameOrigin() })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('cannot be saved')
  })

  it('a NUL byte in a sign-up name', async () => {
    const response = await post('/signup', { body: formBody({ displayName: 'Bad\u0000', email: 'nul@example.com', password, redirectTo: '/dashboard' }), headers: sameOrigin() })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('cannot be saved')
  })

  it.each([
    ['JSON', 'application/json', '{"email":"a@example.com"}', 415],
    ['text/plain', 'text/plain', 'email=a@example.com', 415],
    ['broken multipart', 'multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\nno end', 400],
  ])('a %s body on a form action', async (_what, contentType, body, status) => {
    const response = await post('/login', { body, headers: { ...sameOrigin(), 'Content-Type': contentType } })
    expect(response.status).toBe(status)
    expect((await response.text()).length).toBeGreaterThan(0)
  })

  it.each([
    ['a NUL byte', 'before\u0000after'],
    ['a lone surrogate', 'before\ud800after'],
  ])('%s in a chat message: 400, and nothing claims to be saved', async (_what, text) => {
    const { userId, cookie } = await signedUp()
    const sessionId = await selfCoachingSession(userId)
    const response = await post(`/sessions/${sessionId}/chat`, {
      cookie,
      body: JSON.stringify({ stage: 1, kind: 'message', messageId: randomUUID(), text }),
      headers: { ...sameOrigin(), 'Content-Type': 'application/json' },
    })
    expect(response.status).toBe(400)
    const event = await response.json()
    expect(event.message).toContain('cannot be saved')
    expect(event.message).not.toContain('saved;')
    expect(await transcript(userId, sessionId)).toHaveLength(1)
  })

  it('the chat answers errors with their HTTP status: 404, 409', async () => {
    const { userId, cookie } = await signedUp()
    const chat = (sessionId: string, body: object) =>
      post(`/sessions/${sessionId}/chat`, { cookie, body: JSON.stringify({ stage: 1, ...body }), headers: { ...sameOrigin(), 'Content-Type': 'application/json' } })
    expect((await chat(randomUUID(), { kind: 'message', messageId: randomUUID(), text: 'hi' })).status).toBe(404)
    const sessionId = await selfCoachingSession(userId)
    expect((await chat(sessionId, { kind: 'retry' })).status).toBe(409)
    await testDb.db.asUser(userId, (tx) => tx.query('update public.coaching_sessions set cancelled_at = now() where id = $1', [sessionId]))
    expect((await chat(sessionId, { kind: 'message', messageId: randomUUID(), text: 'hi' })).status).toBe(409)
  })
})

describe('a database outage answers 503 and says so (finding 11)', () => {
  it('signed-in pages, form actions and the chat', async () => {
    const { userId, cookie } = await signedUp()
    const sessionId = await selfCoachingSession(userId)
    // A real Postgres driver pointed at a port where nothing listens: what an outage looks like.
    const unreachable = createDatabase(openPostgresDriver(`postgres://postgres@127.0.0.1:${await closedPort()}/stagecoach`))
    const outage = await startBuiltServer(unreachable, { auth: createBuiltInAuth(unreachable, { secret: cookieSecret, secure: true }) })
    allowConsoleError()
    try {
      const page = await fetch(`${outage.url}/dashboard`, { headers: { Cookie: cookie }, redirect: 'manual' })
      expect(page.status).toBe(503)
      expect(await page.text()).toContain('The database is not reachable right now')
      const signIn = await fetch(`${outage.url}/login`, { method: 'POST', body: formBody({ email: 'a@example.com', password }), headers: { Origin: outage.url } })
      expect(signIn.status).toBe(503)
      const chat = await fetch(`${outage.url}/sessions/${sessionId}/chat`, {
        method: 'POST',
        body: JSON.stringify({ stage: 1, kind: 'message', messageId: randomUUID(), text: 'hi' }),
        headers: { Cookie: cookie, Origin: outage.url, 'Content-Type': 'application/json' },
      })
      expect(chat.status).toBe(503)
      expect(await chat.json()).toMatchObject({ type: 'error', retryable: true, message: expect.stringContaining('not reachable') })
    } finally {
      await outage.close()
      await unreachable.close()
    }
    // The same database, reachable again: the app answers normally with no restart.
    expect((await fetch(`${server.url}/dashboard`, { headers: { Cookie: cookie } })).status).toBe(200)
  })
})

describe('X-Forwarded-For is believed only from a proxy TRUST_PROXY names (finding 4)', () => {
  /** Wrong passwords for a different email each time, each claiming another address. */
  async function sprayedSignIns(url: string, prefix: string, count: number): Promise<number[]> {
    // Start from no attempts: earlier tests in this file also signed in from 127.0.0.1.
    await testDb.db.asService((tx) => tx.query('delete from private.auth_attempts'))
    const statuses: number[] = []
    for (let attempt = 0; attempt < count; attempt++) {
      const response = await fetch(`${url}/login`, {
        method: 'POST',
        redirect: 'manual',
        body: formBody({ email: `${prefix}-${attempt}@example.com`, password: 'Wrong-Password-99' }),
        headers: { Origin: url, 'X-Forwarded-For': `203.0.113.${attempt + 1}` },
      })
      statuses.push(response.status)
    }
    return statuses
  }
  const limit = attemptLimits.signInPerAddress

  it('by default, rotating X-Forwarded-For does not buy more attempts: they all count against the real address', async () => {
    const spoofer = await startBuiltServer(testDb.db)
    try {
      expect(await sprayedSignIns(spoofer.url, 'spray', limit + 5)).toEqual([...Array(limit).fill(400), ...Array(5).fill(429)])
    } finally {
      await spoofer.close()
    }
  })

  it('with TRUST_PROXY=loopback, the address the local proxy reports is the one counted', async () => {
    const behindProxy = await startBuiltServer(testDb.db, { env: { TRUST_PROXY: 'loopback' } })
    try {
      expect(await sprayedSignIns(behindProxy.url, 'proxied', limit + 5)).toEqual(Array(limit + 5).fill(400))
    } finally {
      await behindProxy.close()
    }
  })
})
