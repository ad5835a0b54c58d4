import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import type { AuthBackend, AuthRequest } from './backend'
import {
  readSessionToken,
  serializeClearedSessionCookie,
  serializeSessionCookie,
  sessionLifetimeSeconds,
  type CookieSettings,
} from './session-cookie'

/**
 * Built-in email + password sign-in, used when Supabase Auth is not configured. Passwords
 * are hashed with argon2id; a sign-in creates a new random session token whose hash is
 * stored server-side, so signing out (deleting the row) ends the session everywhere the
 * cookie might have been copied.
 *
 * This module plays the part Supabase Auth plays on Supabase, so it is the one request
 * handler allowed on the service path (see docs/decisions/003-two-auth-backends.md).
 */
const wrongCredentials = 'That email and password do not match an account. Check both and try again.'

function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

/** An argon2id hash of a password (the library's defaults: 19 MiB, two passes). */
export function hashPassword(password: string): Promise<string> {
  return hash(password)
}

// Verifying against a real hash when the email is unknown keeps the response time the
// same, so timing does not reveal which emails have accounts.
const hashForUnknownEmails = hashPassword('unknown-account-placeholder-Password1')

export function createBuiltInAuth(db: Database, cookies: CookieSettings): AuthBackend {
  async function startSession(userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url')
    await db.asService((tx) =>
      tx.query(
        `insert into private.login_sessions (token_hash, user_id, expires_at)
         values ($1, $2, now() + make_interval(secs => $3))`,
        [sha256Hex(token), userId, sessionLifetimeSeconds],
      ),
    )
    return serializeSessionCookie(token, cookies)
  }

  async function signedInUserId(request: AuthRequest): Promise<string | null> {
    const token = readSessionToken(request.cookieHeader, cookies)
    if (!token) return null
    const rows = await db.asService((tx) =>
      tx.query<{ user_id: string }>(
        'select user_id from private.login_sessions where token_hash = $1 and expires_at > now()',
        [sha256Hex(token)],
      ),
    )
    return rows[0]?.user_id ?? null
  }

  return {
    kind: 'built-in',

    getUserId(request) {
      return signedInUserId(request)
    },

    async signUp(input) {
      const passwordHash = await hashPassword(input.password)
      const rows = await db
        .asService((tx) =>
          tx.query<{ id: string }>(
            `insert into auth.users (email, encrypted_password, raw_user_meta_data)
             values ($1, $2, $3::jsonb)
             returning id`,
            [input.email, passwordHash, JSON.stringify({ display_name: input.displayName })],
          ),
        )
        .catch((error: unknown) => {
          if (error instanceof AppError && error.kind === 'conflict') {
            throw new AppError('conflict', 'An account with that email already exists. Sign in instead.', {
              email: ['An account with that email already exists.'],
            })
          }
          throw error
        })
      const userId = rows[0]?.id
      if (!userId) throw new Error('Creating the account returned no id')
      return { userId, setCookies: [await startSession(userId)] }
    },

    async signIn(input, request) {
      const [user] = await db.asService((tx) =>
        tx.query<{ id: string; encrypted_password: string }>(
          'select id, encrypted_password from auth.users where email = $1',
          [input.email],
        ),
      )
      const passwordMatches = await verify(user?.encrypted_password ?? (await hashForUnknownEmails), input.password)
      // Attempts are counted (and limited) before this, by withAttemptLimits (./attempt-limits).
      if (!user || !passwordMatches) throw new AppError('invalid', wrongCredentials)
      // A fresh session id at every sign-in: any session the browser already had ends, so
      // a session id planted before sign-in is worth nothing afterwards.
      const previousToken = readSessionToken(request.cookieHeader, cookies)
      await db.asService(async (tx) => {
        if (previousToken) {
          await tx.query('delete from private.login_sessions where token_hash = $1', [sha256Hex(previousToken)])
        }
        await tx.query('delete from private.login_sessions where user_id = $1 and expires_at <= now()', [user.id])
      })
      return { userId: user.id, setCookies: [await startSession(user.id)] }
    },

    async signOut(request) {
      const token = readSessionToken(request.cookieHeader, cookies)
      if (token) {
        await db.asService((tx) =>
          tx.query('delete from private.login_sessions where token_hash = $1', [sha256Hex(token)]),
        )
      }
      return { setCookies: [serializeClearedSessionCookie(cookies)] }
    },
  }
}
