import { createHash, randomBytes } from 'node:crypto'
import { hash, verify } from '@node-rs/argon2'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import type { Mailer } from '../mail/mailer'
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
/** How long a password-reset link works. */
export const passwordResetLifetimeMinutes = 60

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

export interface BuiltInAuthSettings {
  /** Where links in emails lead, e.g. https://coach.example.com (no trailing slash). */
  appUrl: string
  /** Sends reset links; without one they are written to the server log. */
  mailer: Mailer | null
  /** Where a reset link goes without a mailer (the server log). */
  log?: (line: string) => void
}

export function createBuiltInAuth(
  db: Database,
  cookies: CookieSettings,
  settings: BuiltInAuthSettings = { appUrl: 'http://localhost:3000', mailer: null },
): AuthBackend {
  const log = settings.log ?? ((line: string) => console.log(line))

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
    // In a read unit, the lookup also makes the rest of the request's reads run as this
    // user without a statement of its own (decision 013).
    return db.identifyUser({
      text: 'select user_id from private.login_sessions where token_hash = $1 and expires_at > now()',
      params: [sha256Hex(token)],
    })
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
            // The auth server supplies user ids; auth.users.id has no default (as on Supabase).
            `insert into auth.users (id, email, encrypted_password, raw_user_meta_data)
             values (gen_random_uuid(), $1, $2, $3::jsonb)
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

    async deleteAccount({ password }, request) {
      const userId = await signedInUserId(request)
      if (!userId) throw new AppError('not_found', 'Sign in to delete your account.')
      const [user] = await db.asService((tx) =>
        tx.query<{ encrypted_password: string }>('select encrypted_password from auth.users where id = $1', [userId]),
      )
      if (!user || !(await verify(user.encrypted_password, password))) {
        throw new AppError('invalid', 'That is not your password. Enter the password you sign in with.', {
          password: ['That is not your password.'],
        })
      }
      // As Supabase Auth deletes its user: the row in auth.users, and with it (by the
      // foreign keys' cascades) every session, token and record of the person.
      await db.asService((tx) => tx.query('delete from auth.users where id = $1', [userId]))
      return { userId, setCookies: [serializeClearedSessionCookie(cookies)] }
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

    // The built-in auth signs people in at sign-up; there is no email to confirm.
    async resendConfirmation() {
      return { setCookies: [] }
    },

    async confirmEmailLink() {
      throw new AppError('invalid', 'This sign-in does not use email links. Sign in with your email and password.')
    },

    async requestPasswordReset(email) {
      const delivery = settings.mailer ? 'email' : 'server-log'
      const token = randomBytes(32).toString('base64url')
      // One open link per user: asking again replaces the previous one.
      const [user] = await db.asService(async (tx) => {
        const [found] = await tx.query<{ id: string }>('select id from auth.users where email = $1', [email])
        if (!found) return []
        await tx.query('delete from private.password_reset_tokens where user_id = $1', [found.id])
        await tx.query(
          `insert into private.password_reset_tokens (token_hash, user_id, expires_at)
           values ($1, $2, now() + make_interval(mins => $3))`,
          [sha256Hex(token), found.id, passwordResetLifetimeMinutes],
        )
        return [found]
      })
      // Nothing is said (or timed differently enough to matter) when no account has this email.
      if (!user) return { setCookies: [], delivery }
      const link = `${settings.appUrl}/reset-password?${new URLSearchParams({ token })}`
      if (settings.mailer) {
        await settings.mailer.send({
          to: email,
          subject: 'Reset your Stagecoach password',
          text:
            `Someone (hopefully you) asked to reset the password of your Stagecoach account.\n\n` +
            `Choose a new password here within ${passwordResetLifetimeMinutes} minutes:\n\n${link}\n\n` +
            `If you did not ask for this, ignore this email; your password stays as it is.\n`,
        })
      } else {
        log(`Password reset link for ${email} (no SMTP_URL set, so it was not emailed): ${link}`)
      }
      return { setCookies: [], delivery }
    },

    async resetPassword({ token, password }) {
      const passwordHash = await hashPassword(password)
      const userId = await db.asService(async (tx) => {
        const [used] = await tx.query<{ user_id: string }>(
          `update private.password_reset_tokens set used_at = now()
           where token_hash = $1 and used_at is null and expires_at > now()
           returning user_id`,
          [sha256Hex(token ?? '')],
        )
        if (!used) return null
        await tx.query('update auth.users set encrypted_password = $2, updated_at = now() where id = $1', [used.user_id, passwordHash])
        // Whoever else was signed in as this user (perhaps whoever made the reset necessary) is out.
        await tx.query('delete from private.login_sessions where user_id = $1', [used.user_id])
        await tx.query('delete from private.password_reset_tokens where user_id = $1 and used_at is null', [used.user_id])
        return used.user_id
      })
      if (!userId) {
        throw new AppError('invalid', 'This reset link has expired or was already used. Ask for a new one.')
      }
      return { userId, setCookies: [await startSession(userId)] }
    },

    async accountDetails(userId, request) {
      const token = readSessionToken(request.cookieHeader, cookies)
      const currentHash = token ? sha256Hex(token) : null
      const { email, sessions } = await db.asService(async (tx) => {
        const [user] = await tx.query<{ email: string | null }>('select email from auth.users where id = $1', [userId])
        const rows = await tx.query<{ token_hash: string; created_at: Date; expires_at: Date }>(
          `select token_hash, created_at, expires_at from private.login_sessions
           where user_id = $1 and expires_at > now()
           order by created_at desc
           limit 50`,
          [userId],
        )
        return { email: user?.email ?? null, sessions: rows }
      })
      return {
        email,
        sessions: sessions.map((row) => ({
          // A hash of the hash: enough to tell rows apart, useless for signing in.
          id: sha256Hex(row.token_hash).slice(0, 16),
          startedAt: row.created_at,
          expiresAt: row.expires_at,
          current: row.token_hash === currentHash,
        })),
      }
    },

    async changePassword({ userId, currentPassword, newPassword }, request) {
      const [user] = await db.asService((tx) =>
        tx.query<{ encrypted_password: string }>('select encrypted_password from auth.users where id = $1', [userId]),
      )
      if (!user || !(await verify(user.encrypted_password, currentPassword))) {
        throw new AppError('invalid', 'Your current password is not right. Check it and try again.', {
          currentPassword: ['This is not your current password.'],
        })
      }
      if (await verify(user.encrypted_password, newPassword)) {
        throw new AppError('invalid', 'Choose a password different from your current one.', {
          newPassword: ['Choose a password different from your current one.'],
        })
      }
      const passwordHash = await hashPassword(newPassword)
      const token = readSessionToken(request.cookieHeader, cookies)
      await db.asService(async (tx) => {
        await tx.query('update auth.users set encrypted_password = $2, updated_at = now() where id = $1', [userId, passwordHash])
        await tx.query('delete from private.login_sessions where user_id = $1 and token_hash <> $2', [userId, token ? sha256Hex(token) : ''])
      })
      return { setCookies: [] }
    },

    async signOutOthers(userId, request) {
      const token = readSessionToken(request.cookieHeader, cookies)
      await db.asService((tx) =>
        tx.query('delete from private.login_sessions where user_id = $1 and token_hash <> $2', [userId, token ? sha256Hex(token) : '']),
      )
      return { setCookies: [] }
    },
  }
}
