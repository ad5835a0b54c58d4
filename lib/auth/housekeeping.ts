import type { Database } from '../db/database'
import { attemptLimits } from './attempt-limits'

export interface SignInStatePruned {
  loginSessions: number
  passwordResetTokens: number
  authAttempts: number
}

/**
 * Removes the built-in sign-in's state that can no longer do anything: sessions past their
 * expiry, reset tokens that are used or expired, and attempt counts whose window has closed.
 * Runs as the service (these tables are the auth server's own), in one transaction, on the
 * job queue (the `auth-housekeeping` job, lib/jobs/definitions.ts). Nothing that still
 * counts is touched: a live session, an unused token before its expiry, an open window.
 */
export async function pruneSignInState(db: Database): Promise<SignInStatePruned> {
  return db.asService(async (tx) => {
    const count = async (sql: string, params: unknown[] = []) => (await tx.query(sql, params)).length
    return {
      loginSessions: await count('delete from private.login_sessions where expires_at <= now() returning 1'),
      passwordResetTokens: await count('delete from private.password_reset_tokens where used_at is not null or expires_at <= now() returning 1'),
      authAttempts: await count('delete from private.auth_attempts where window_started_at <= now() - make_interval(mins => $1) returning 1', [
        attemptLimits.windowMinutes,
      ]),
    }
  })
}
