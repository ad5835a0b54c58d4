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

export interface SessionPlan {
  id: string
  title: string
  description: string
  status: ActionPlanStatus
  priority: number
  timelineStart: string | null
  timelineEnd: string | null
  milestones: { id: string; title: string; dueDate: string | null; completed: boolean }[]
}

/** The action plans of one session, as far as the viewer may see them, in the order agreed. */
export async function listPlansForSession(
  db: Database,
  { userId, sessionId }: { userId: string; sessionId: string },
): Promise<SessionPlan[]> {
  return db.asUser(userId, async (tx) => {
    const plans = await tx.query<{
      id: string
      title: string
      description: string
      status: ActionPlanStatus
      priority: number
      timeline_start: string | null
      timeline_end: string | null
    }>(
      `select id, title, description, status, priority, timeline_start, timeline_end
       from public.action_plans where session_id = $1
       order by nullif(regexp_replace(coalesce(extraction_key, ''), '[^0-9]', '', 'g'), '')::int nulls last, created_at`,
      [sessionId],
    )
    const milestones = plans.length
      ? await tx.query<{ id: string; action_plan_id: string; title: string; due_date: string | null; completed: boolean }>(
          `select id, action_plan_id, title, due_date, completed from public.milestones
           where action_plan_id = any($1::uuid[]) order by position, due_date nulls last`,
          [plans.map((p) => p.id)],
        )
      : []
    return plans.map((plan) => ({
      id: plan.id,
      title: plan.title,
      description: plan.description,
      status: plan.status,
      priority: plan.priority,
      timelineStart: plan.timeline_start,
      timelineEnd: plan.timeline_end,
      milestones: milestones
        .filter((m) => m.action_plan_id === plan.id)
        .map((m) => ({ id: m.id, title: m.title, dueDate: m.due_date, completed: m.completed })),
    }))
  })
}
