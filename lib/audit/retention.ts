import type { Database } from '../db/database'

/**
 * Applies the audit log's retention: removes the entries older than
 * private.audit_settings.retention_days (400 unless changed), through the one function that
 * may remove entries (the log is append-only for every API role). Returns how many went.
 * Run daily by the `audit-retention` job (lib/jobs/definitions.ts).
 */
export async function pruneAuditLog(db: Database): Promise<number> {
  const [row] = await db.asService((tx) => tx.query<{ removed: number }>('select private.prune_audit_log() as removed'))
  return row?.removed ?? 0
}

/** The retention in days. */
export async function auditRetentionDays(db: Database): Promise<number> {
  const [row] = await db.asService((tx) => tx.query<{ days: number }>('select retention_days as days from private.audit_settings'))
  return row?.days ?? 400
}
