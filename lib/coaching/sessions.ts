import type { Database } from '../db/database'

export type SessionType = 'self_coaching' | 'coach_led'

export interface SessionListItem {
  id: string
  title: string
  sessionType: SessionType
  currentStage: number
  sessionDate: string
  dueAt: Date | null
  startedAt: Date | null
  completedAt: Date | null
  cancelledAt: Date | null
  /** The client's name when the viewer is the coach; null for the viewer's own sessions. */
  clientName: string | null
}

/** The sessions a user has as a client, and the ones they coach, newest first. */
export async function listSessions(
  db: Database,
  { userId, limit = 20 }: { userId: string; limit?: number },
): Promise<SessionListItem[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{
      id: string
      title: string
      session_type: SessionType
      current_stage: number
      session_date: string
      due_at: Date | null
      started_at: Date | null
      completed_at: Date | null
      cancelled_at: Date | null
      client_name: string | null
    }>(
      `select s.id, s.title, s.session_type, s.current_stage, s.session_date, s.due_at,
              s.started_at, s.completed_at, s.cancelled_at,
              case when s.user_id = $1 then null else coalesce(p.display_name, 'A client') end as client_name
       from public.coaching_sessions s
       left join public.profiles p on p.id = s.user_id
       order by s.session_date desc, s.created_at desc
       limit $2`,
      [userId, limit],
    ),
  )
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    sessionType: row.session_type,
    currentStage: row.current_stage,
    sessionDate: row.session_date,
    dueAt: row.due_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    cancelledAt: row.cancelled_at,
    clientName: row.client_name,
  }))
}
