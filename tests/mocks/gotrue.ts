import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import nodemailer from 'nodemailer'

/**
 * A small fake of Supabase Auth (GoTrue): the HTTP endpoints @supabase/supabase-js calls for
 * email + password accounts, answering in GoTrue's shapes (API version 2024-01-01 error
 * bodies `{ code, msg }`), so the app's real Supabase code runs unchanged against it.
 *
 * Access tokens are HS256 JWTs with `sub`, `exp` and `session_id`; refresh tokens rotate
 * and work once; signing out with scope local / global / others ends this session, all of
 * the user's sessions, or all but this one. With `confirmEmail` on (hosted Supabase's
 * default) sign-up sends a confirmation email and signing in before confirming answers
 * `email_not_confirmed`. The admin API deletes a user (with the service-role key). Emails (confirmation, recovery) go through SMTP when `smtpUrl` is
 * given — as Supabase sends them through the project's SMTP server — and are also kept in
 * `emails`.
 */
export interface FakeGoTrueOptions {
  confirmEmail?: boolean
  /** Lifetime of access tokens, in seconds. */
  accessTokenSeconds?: number
  smtpUrl?: string
  /** Where links in emails lead when the request named no redirect (GoTrue's Site URL). */
  siteUrl?: string
  /** Called for each new user, to write it to the database's auth.users as GoTrue does. */
  onUserCreated?: (user: { id: string; email: string; displayName: string }) => Promise<void>
  /** Called when the admin API deletes a user, to delete it from the database's auth.users as GoTrue does. */
  onUserDeleted?: (userId: string) => Promise<void>
}

export interface FakeEmail {
  to: string
  type: 'signup' | 'recovery'
  /** The link in the email, as the app's /auth/confirm route receives it. */
  link: string
}

interface User {
  id: string
  email: string
  password: string
  confirmedAt: string | null
  metadata: Record<string, unknown>
  createdAt: string
}

interface PendingToken {
  userId: string
  type: 'signup' | 'recovery'
  used: boolean
}

export interface FakeGoTrue {
  url: string
  anonKey: string
  /** The service-role key the admin API (DELETE /admin/users/:id) accepts. */
  serviceRoleKey: string
  /** The JWT secret, for tests that forge or expire tokens. */
  jwtSecret: string
  emails: FakeEmail[]
  /** Every request, as `METHOD /path?query`. */
  requests: string[]
  /** Open sessions of a user, by email. */
  sessionCount(email: string): number
  /** Signs an access token for a user as GoTrue would (with the given expiry). */
  signAccessToken(claims: { sub: string; session_id: string; exp: number }, secret?: string): string
  close(): Promise<void>
}

const apiVersion = '2024-01-01'

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url')
}

export async function startFakeGoTrue(options: FakeGoTrueOptions = {}): Promise<FakeGoTrue> {
  const jwtSecret = randomBytes(32).toString('hex')
  const serviceRoleKey = 'fake-service-role-key'
  const accessTokenSeconds = options.accessTokenSeconds ?? 3600
  const users = new Map<string, User>() // by email
  const sessions = new Map<string, { userId: string; refreshToken: string }>() // by session id
  const tokens = new Map<string, PendingToken>() // by token hash
  const codes = new Map<string, { userId: string; challenge: string; type: 'signup' | 'recovery' }>()
  const emails: FakeEmail[] = []
  const requests: string[] = []
  const mailer = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : null

  function sign(claims: Record<string, unknown>, secret = jwtSecret): string {
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
    const payload = base64url(JSON.stringify(claims))
    const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url')
    return `${header}.${payload}.${signature}`
  }

  function verify(token: string): { sub: string; session_id: string; exp: number } | null {
    const [header, payload, signature] = token.split('.')
    if (!header || !payload || !signature) return null
    const expected = createHmac('sha256', jwtSecret).update(`${header}.${payload}`).digest()
    const given = Buffer.from(signature, 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string; session_id: string; exp: number }
    if (claims.exp * 1000 <= Date.now()) return null
    return claims
  }

  function userJson(user: User) {
    return {
      id: user.id,
      aud: 'authenticated',
      role: 'authenticated',
      email: user.email,
      email_confirmed_at: user.confirmedAt,
      confirmed_at: user.confirmedAt,
      app_metadata: { provider: 'email', providers: ['email'] },
      user_metadata: user.metadata,
      identities: [],
      created_at: user.createdAt,
      updated_at: user.createdAt,
    }
  }

  function startSession(user: User) {
    const sessionId = randomUUID()
    const refreshToken = randomBytes(16).toString('hex')
    sessions.set(sessionId, { userId: user.id, refreshToken })
    return sessionJson(user, sessionId, refreshToken)
  }

  function sessionJson(user: User, sessionId: string, refreshToken: string) {
    const exp = Math.floor(Date.now() / 1000) + accessTokenSeconds
    return {
      access_token: sign({ sub: user.id, session_id: sessionId, exp, jti: randomUUID(), role: 'authenticated', aud: 'authenticated', email: user.email }),
      token_type: 'bearer',
      expires_in: accessTokenSeconds,
      expires_at: exp,
      refresh_token: refreshToken,
      user: userJson(user),
    }
  }

  const userById = (id: string) => [...users.values()].find((u) => u.id === id)

  async function sendEmail(user: User, type: 'signup' | 'recovery', redirectTo: string | null, challenge: string | null) {
    const token = randomBytes(16).toString('hex')
    const tokenHash = createHash('sha256').update(token).digest('hex')
    tokens.set(tokenHash, { userId: user.id, type, used: false })
    const base = redirectTo ?? `${options.siteUrl ?? 'http://localhost:3000'}/auth/confirm`
    let link: string
    if (challenge) {
      // PKCE: GoTrue verifies the email's token itself, then redirects with a code that
      // only the browser holding the code verifier can exchange.
      const code = randomUUID()
      codes.set(code, { userId: user.id, challenge, type })
      const url = new URL(base)
      url.searchParams.set('code', code)
      link = url.toString()
    } else {
      const url = new URL(base)
      url.searchParams.set('token_hash', tokenHash)
      url.searchParams.set('type', type === 'signup' ? 'email' : 'recovery')
      link = url.toString()
    }
    emails.push({ to: user.email, type, link })
    await mailer?.sendMail({
      from: 'Supabase Auth <noreply@mail.app.supabase.io>',
      to: user.email,
      subject: type === 'signup' ? 'Confirm your signup' : 'Reset your password',
      text: `${type === 'signup' ? 'Follow this link to confirm your user:' : 'Follow this link to reset the password for your user:'}\n\n${link}\n`,
    })
  }

  function bearer(req: http.IncomingMessage) {
    const header = req.headers.authorization ?? ''
    const claims = verify(header.replace(/^Bearer /, ''))
    if (!claims) return null
    const session = sessions.get(claims.session_id)
    const user = userById(claims.sub)
    if (!session || !user) return null
    return { claims, user }
  }

  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => {
      void handle(req, body ? (JSON.parse(body) as Record<string, unknown>) : {}).then(
        ({ status, json }) => {
          res.writeHead(status, { 'content-type': 'application/json', 'x-supabase-api-version': apiVersion })
          res.end(json === undefined ? '' : JSON.stringify(json))
        },
        (error: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ code: 'unexpected_failure', msg: String(error) }))
        },
      )
    })
  })

  const fail = (status: number, code: string, msg: string) => ({ status, json: { code, error_code: code, msg } })

  async function handle(req: http.IncomingMessage, body: Record<string, unknown>): Promise<{ status: number; json?: unknown }> {
    const url = new URL(req.url ?? '/', 'http://fake')
    requests.push(`${req.method} ${url.pathname}${url.search}`)
    if (req.headers.apikey !== 'fake-anon-key' && req.headers.apikey !== serviceRoleKey) return fail(401, 'no_api_key', 'Invalid API key')
    const route = `${req.method} ${url.pathname.replace(/^\/auth\/v1/, '')}`
    // The admin API: only with the service-role key, as a bearer token.
    const adminUser = /^DELETE \/admin\/users\/([0-9a-f-]{36})$/.exec(route)
    if (adminUser) {
      if (req.headers.authorization !== `Bearer ${serviceRoleKey}`) return fail(403, 'not_admin', 'User not allowed')
      const user = userById(adminUser[1]!)
      if (!user) return fail(404, 'user_not_found', 'User not found')
      await options.onUserDeleted?.(user.id)
      users.delete(user.email)
      for (const [id, session] of sessions) if (session.userId === user.id) sessions.delete(id)
      return { status: 200, json: userJson(user) }
    }
    const redirectTo = url.searchParams.get('redirect_to')
    const email = typeof body.email === 'string' ? body.email.toLowerCase() : ''
    const challenge = typeof body.code_challenge === 'string' ? body.code_challenge : null

    switch (route) {
      case 'POST /signup': {
        if (users.has(email)) return fail(422, 'user_already_exists', 'User already registered')
        if (typeof body.password !== 'string' || body.password.length < 6) {
          return fail(422, 'weak_password', 'Password should be at least 6 characters.')
        }
        const user: User = {
          id: randomUUID(),
          email,
          password: body.password,
          confirmedAt: options.confirmEmail ? null : new Date().toISOString(),
          metadata: typeof body.data === 'object' && body.data !== null ? { ...body.data } : {},
          createdAt: new Date().toISOString(),
        }
        users.set(email, user)
        const displayName = typeof user.metadata.display_name === 'string' ? user.metadata.display_name : email
        await options.onUserCreated?.({ id: user.id, email, displayName })
        if (options.confirmEmail) {
          await sendEmail(user, 'signup', redirectTo, challenge)
          return { status: 200, json: userJson(user) }
        }
        return { status: 200, json: startSession(user) }
      }
      case 'POST /token': {
        const grant = url.searchParams.get('grant_type')
        if (grant === 'password') {
          const user = users.get(email)
          if (!user || user.password !== body.password) return fail(400, 'invalid_credentials', 'Invalid login credentials')
          if (!user.confirmedAt) return fail(400, 'email_not_confirmed', 'Email not confirmed')
          return { status: 200, json: startSession(user) }
        }
        if (grant === 'refresh_token') {
          const entry = [...sessions.entries()].find(([, s]) => s.refreshToken === body.refresh_token)
          if (!entry) return fail(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found')
          const [sessionId, session] = entry
          const user = userById(session.userId)!
          session.refreshToken = randomBytes(16).toString('hex')
          return { status: 200, json: sessionJson(user, sessionId, session.refreshToken) }
        }
        if (grant === 'pkce') {
          const pending = codes.get(String(body.auth_code))
          const verifier = String(body.code_verifier ?? '')
          const expected = pending && createHash('sha256').update(verifier).digest('base64url')
          if (!pending || pending.challenge !== expected) {
            return fail(403, 'flow_state_not_found', 'invalid flow state, no valid flow state found')
          }
          codes.delete(String(body.auth_code))
          const user = userById(pending.userId)!
          if (pending.type === 'signup') user.confirmedAt ??= new Date().toISOString()
          return { status: 200, json: startSession(user) }
        }
        return fail(400, 'unsupported_grant_type', 'Unsupported grant type')
      }
      case 'POST /verify': {
        const pending = tokens.get(String(body.token_hash))
        const type = body.type === 'recovery' ? 'recovery' : 'signup'
        if (!pending || pending.used || pending.type !== type) {
          return fail(403, 'otp_expired', 'Email link is invalid or has expired')
        }
        pending.used = true
        const user = userById(pending.userId)!
        if (type === 'signup') user.confirmedAt ??= new Date().toISOString()
        return { status: 200, json: startSession(user) }
      }
      case 'POST /resend': {
        const user = users.get(email)
        if (user && !user.confirmedAt) await sendEmail(user, 'signup', redirectTo, challenge)
        return { status: 200, json: {} }
      }
      case 'POST /recover': {
        const user = users.get(email)
        if (user) await sendEmail(user, 'recovery', redirectTo, challenge)
        return { status: 200, json: {} }
      }
      case 'GET /user': {
        const found = bearer(req)
        if (!found) return fail(403, 'bad_jwt', 'invalid JWT: unable to parse or verify signature, token is expired')
        return { status: 200, json: userJson(found.user) }
      }
      case 'PUT /user': {
        const found = bearer(req)
        if (!found) return fail(403, 'bad_jwt', 'invalid JWT')
        if (typeof body.password === 'string') {
          if (body.password === found.user.password) {
            return fail(422, 'same_password', 'New password should be different from the old password.')
          }
          found.user.password = body.password
        }
        return { status: 200, json: userJson(found.user) }
      }
      case 'POST /logout': {
        const found = bearer(req)
        if (!found) return fail(403, 'bad_jwt', 'invalid JWT')
        const scope = url.searchParams.get('scope') ?? 'global'
        for (const [id, session] of sessions) {
          if (session.userId !== found.user.id) continue
          const isThis = id === found.claims.session_id
          if (scope === 'global' || (scope === 'local' && isThis) || (scope === 'others' && !isThis)) sessions.delete(id)
        }
        return { status: 204 }
      }
      default:
        return fail(404, 'not_found', `The fake GoTrue does not implement ${route}`)
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('The fake GoTrue has no TCP port')
  const { port } = address

  return {
    url: `http://127.0.0.1:${port}`,
    anonKey: 'fake-anon-key',
    serviceRoleKey,
    jwtSecret,
    emails,
    requests,
    sessionCount(email) {
      const user = users.get(email.toLowerCase())
      return user ? [...sessions.values()].filter((s) => s.userId === user.id).length : 0
    },
    signAccessToken(claims, secret) {
      return sign({ ...claims, role: 'authenticated', aud: 'authenticated' }, secret)
    },
    close() {
      mailer?.close()
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
