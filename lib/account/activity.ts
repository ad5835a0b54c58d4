import { z } from 'zod'
import type { Database } from '../db/database'

/** One entry of a person's account activity (public.my_account_activity). */
export interface AccountActivityEntry {
  id: number
  action: string
  entityType: string
  entityId: string | null
  /** Ids and states (e.g. `{ from: 'pending', to: 'completed' }`), never text anyone wrote. */
  metadata: Record<string, unknown>
  createdAt: Date
  /** True when the person did it; false when someone else did (a coach) or nobody signed in (a failed sign-in). */
  byMe: boolean
  /** The display name of whoever else did it, when someone did. */
  actorName: string | null
  /** Shown for what the person did and for attempts on their account; null for others' acts. */
  ipAddress: string | null
  userAgent: string | null
}

export interface AccountActivityPage {
  entries: AccountActivityEntry[]
  /** Pass as `before` for the next, older page; null on the last page. */
  olderCursor: string | null
}

const cursorSchema = z.string().regex(/^[^|]{10,40}\|\d{1,19}$/)

/**
 * The signed-in person's account activity, newest first: what they did, and what was done
 * about their account and records (a coach's change to their plan, a failed sign-in with
 * their email). Read as the user (the database function answers only for auth.uid()).
 * `before` is the `olderCursor` of the previous page; `limit` is 1–200.
 */
export async function listAccountActivity(
  db: Database,
  { userId, before, limit = 50 }: { userId: string; before?: string | null; limit?: number },
): Promise<AccountActivityPage> {
  const pageSize = Math.min(Math.max(Math.trunc(limit), 1), 200)
  const cursor = before && cursorSchema.safeParse(before).success ? before.split('|') : null
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{
      id: string
      action: string
      entity_type: string
      entity_id: string | null
      metadata: Record<string, unknown>
      created_at: Date
      created_at_text: string
      by_me: boolean
      actor_name: string | null
      ip_address: string | null
      user_agent: string | null
    }>(
      `select a.id::text as id, a.action, a.entity_type, a.entity_id, a.metadata, a.created_at,
              a.created_at::text as created_at_text, a.by_me, a.actor_name, a.ip_address, a.user_agent
       from public.my_account_activity($1::timestamptz, $2::bigint, $3) a`,
      [cursor?.[0] ?? null, cursor?.[1] ?? null, pageSize + 1],
    ),
  )
  const page = rows.slice(0, pageSize)
  const last = page.at(-1)
  return {
    entries: page.map((row) => ({
      id: Number(row.id),
      action: row.action,
      entityType: row.entity_type,
      entityId: row.entity_id,
      metadata: row.metadata,
      createdAt: row.created_at,
      byMe: row.by_me,
      actorName: row.actor_name,
      ipAddress: row.ip_address,
      userAgent: row.user_agent,
    })),
    olderCursor: rows.length > pageSize && last ? `${last.created_at_text}|${last.id}` : null,
  }
}

export interface RecordHistoryEntry {
  id: number
  action: string
  entityType: string
  entityId: string | null
  createdAt: Date
  /** Who did it, by name; null when nobody signed in did (a job, the database). */
  actorName: string | null
}

/**
 * What happened to a client's records that the signed-in coach may read, newest first: the
 * audit entries about the client (`subject_id`) that the audit log's policy lets through —
 * those of sessions and plans shared with or led by this coach, and what the coach did.
 * Never the client's address or browser (not among the columns an API role may select), and
 * never their sign-ins. One page through the subject's index.
 */
export async function listRecordHistory(
  db: Database,
  { userId, clientId, limit = 20 }: { userId: string; clientId: string; limit?: number },
): Promise<RecordHistoryEntry[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ id: string; action: string; entity_type: string; entity_id: string | null; created_at: Date; actor_name: string | null }>(
      `select a.id::text as id, a.action, a.entity_type, a.entity_id, a.created_at, p.display_name as actor_name
       from public.audit_log a
       left join public.profiles p on p.id = a.actor_id
       where a.subject_id = $1 and a.entity_type in ('coaching_session', 'action_plan', 'milestone')
       order by a.created_at desc, a.id desc
       limit $2`,
      [clientId, Math.min(Math.max(Math.trunc(limit), 1), 100)],
    ),
  )
  return rows.map((row) => ({
    id: Number(row.id),
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    createdAt: row.created_at,
    actorName: row.actor_name,
  }))
}
