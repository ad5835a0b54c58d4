import type { Database } from '../db/database'

/**
 * What the sign-in server and the app's server see and no table change shows. The database
 * writes every other audit entry itself, by triggers (supabase/migrations/20261203004000_audit_trail.sql).
 */
export const accountEvents = ['login', 'logout', 'register', 'login_failed', 'password_changed', 'password_reset', 'data_export'] as const
export type AccountEvent = (typeof accountEvents)[number]

/**
 * Adds one account event to the audit log, through the one function that may
 * (private.record_account_event, run as the database owner). The request's address and
 * user agent come from the unit of work's settings (withRequestOrigin). Metadata holds ids
 * and states only; a failed sign-in names the account by `subjectEmail`, which is looked up,
 * not stored.
 */
export async function recordAccountEvent(
  db: Database,
  event: {
    action: AccountEvent
    /** Who did it; null when nobody is signed in (a failed sign-in). */
    actorId: string | null
    /** Whose account it is about; defaults to the actor. */
    subjectId?: string | null
    subjectEmail?: string
    metadata?: Record<string, string | number | boolean | null>
  },
): Promise<void> {
  await db.asService((tx) =>
    tx.query('select private.record_account_event($1, $2, $3, $4::jsonb, $5)', [
      event.action,
      event.actorId,
      event.subjectId === undefined ? event.actorId : event.subjectId,
      JSON.stringify(event.metadata ?? {}),
      event.subjectEmail ?? null,
    ]),
  )
}
