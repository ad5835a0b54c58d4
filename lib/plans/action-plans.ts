import type { Database } from '../db/database'

export type ActionPlanStatus = 'pending' | 'in_progress' | 'completed' | 'blocked'

export interface ActionPlanListItem {
  id: string
  title: string
  status: ActionPlanStatus
  priority: number
  timelineEnd: string | null
  milestonesDone: number
  milestonesTotal: number
}

/** A user's own action plans that are not completed, soonest due first. */
export async function listOpenActionPlans(
  db: Database,
  { userId, limit = 20 }: { userId: string; limit?: number },
): Promise<ActionPlanListItem[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{
      id: string
      title: string
      status: ActionPlanStatus
      priority: number
      timeline_end: string | null
      milestones_done: number
      milestones_total: number
    }>(
      `select a.id, a.title, a.status, a.priority, a.timeline_end,
              (select count(*)::int from public.milestones m where m.action_plan_id = a.id and m.completed) as milestones_done,
              (select count(*)::int from public.milestones m where m.action_plan_id = a.id) as milestones_total
       from public.action_plans a
       where a.user_id = $1 and a.status <> 'completed'
       order by a.timeline_end asc nulls last, a.priority asc, a.created_at desc
       limit $2`,
      [userId, limit],
    ),
  )
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    status: row.status,
    priority: row.priority,
    timelineEnd: row.timeline_end,
    milestonesDone: row.milestones_done,
    milestonesTotal: row.milestones_total,
  }))
}
