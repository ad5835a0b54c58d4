import { z } from 'zod'
import type { Database, Tx } from '../db/database'
import { cursorColumns, decodeCursor, keysetPage, keysetQuery, type CursorColumns, type KeysetOrder, type KeyType, type PageRequest } from '../db/keyset'
import { AppError } from '../errors'
import { smartCriteriaSchema } from '../coaching/stages.shared'
import { readSummary } from '../coaching/summary-schema'
import { actionPlanStatuses, milestoneInputSchema, planInputSchema, type ActionPlanStatus } from './plan-forms.shared'

/**
 * Action plans as people track them: the table (sort, filter, search, pages), the details
 * page, editing, and plans written by hand. Every function runs as the signed-in user, so a
 * plan they may not see is simply not found.
 */

// ─── the table ───────────────────────────────────────────────────────────────────────

export const planSortColumns = ['theme', 'title', 'description', 'status', 'priority', 'due'] as const
export const dueFilters = ['overdue', 'this_week', 'later', 'none'] as const
export const planPageSize = 25

export const planListQuerySchema = z.object({
  sort: z.enum(planSortColumns).catch('due'),
  dir: z.enum(['asc', 'desc']).catch('asc'),
  status: z.enum(actionPlanStatuses).optional().catch(undefined),
  priority: z.coerce.number().int().min(1).max(5).optional().catch(undefined),
  due: z.enum(dueFilters).optional().catch(undefined),
  session: z.uuid().optional().catch(undefined),
  client: z.uuid().optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  /** Cursors (lib/db/keyset.ts): the page after, or before, the row one names. */
  after: z.string().max(1200).optional().catch(undefined),
  before: z.string().max(1200).optional().catch(undefined),
})
export type PlanListQuery = z.infer<typeof planListQuerySchema>
/** Reads the table's query from URL search params; anything unknown falls back to its default. */
export function parsePlanListQuery(params: URLSearchParams): PlanListQuery {
  const raw = Object.fromEntries([...params].filter(([, value]) => value !== ''))
  return planListQuerySchema.parse(raw)
}

export interface PlanRow {
  id: string
  theme: string
  title: string
  description: string
  status: ActionPlanStatus
  priority: number | null
  timelineEnd: string | null
  sessionId: string | null
  sessionTitle: string | null
  clientId: string
  clientName: string | null
  milestonesDone: number
  milestonesTotal: number
  overdue: boolean
  dueThisWeek: boolean
}

export interface PlanPage {
  rows: PlanRow[]
  /** Cursor of the next page (after this page's last row), when there is one. */
  next: string | null
  /** Cursor of the previous page (before this page's first row), when there is one. */
  previous: string | null
  /** True on the first page: with no `next`, its rows are then every plan that matches. */
  isFirst: boolean
}

const sortKeys: Record<(typeof planSortColumns)[number], { key: string; keyType: KeyType }> = {
  theme: { key: 'lower(a.theme)', keyType: 'text' },
  title: { key: 'lower(a.title)', keyType: 'text' },
  // The first 200 characters decide, so a cursor stays short enough for a URL.
  description: { key: 'lower(left(a.description, 200))', keyType: 'text' },
  status: { key: `array_position(array['blocked','in_progress','pending','completed'], a.status)`, keyType: 'int' },
  priority: { key: 'a.priority', keyType: 'int' }, // nulls sort last (no priority after 5)
  due: { key: 'a.timeline_end', keyType: 'date' },
}

/** The table's order for a query: the chosen column, then newest first, then id. */
function planOrder(query: Pick<PlanListQuery, 'sort' | 'dir'>): KeysetOrder {
  return { ...sortKeys[query.sort], dir: query.dir, createdAt: 'a.created_at', id: 'a.id' }
}

/** The page a query asks for: after or before a cursor (when it is one this order made), or the first. */
function pageRequest(query: PlanListQuery): PageRequest {
  const { keyType } = sortKeys[query.sort]
  const after = decodeCursor(query.after, keyType)
  if (after) return { after }
  const before = decodeCursor(query.before, keyType)
  return before ? { before } : {}
}

/** Words of a search, each matched as a prefix: "run sho" finds "Running shoes". */
export function searchQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []
  return words.length > 0 ? words.slice(0, 8).map((word) => `${word}:*`).join(' & ') : null
}

/** The user's local "today", from their profile's timezone. */
const todaySql = `(now() at time zone coalesce((select timezone from public.profiles where id = $1), 'UTC'))::date`

function planRow(row: {
  id: string
  theme: string
  title: string
  description: string
  status: ActionPlanStatus
  priority: number | null
  timeline_end: string | null
  session_id: string | null
  session_title: string | null
  user_id: string
  client_name: string | null
  milestones_done: number
  milestones_total: number
  overdue: boolean
  due_this_week: boolean
}): PlanRow {
  return {
    id: row.id,
    theme: row.theme,
    title: row.title,
    description: row.description,
    status: row.status,
    priority: row.priority,
    timelineEnd: row.timeline_end,
    sessionId: row.session_id,
    sessionTitle: row.session_title,
    clientId: row.user_id,
    clientName: row.client_name,
    milestonesDone: row.milestones_done,
    milestonesTotal: row.milestones_total,
    overdue: row.overdue,
    dueThisWeek: row.due_this_week,
  }
}

/**
 * One page of the action-plan table. `scope: 'mine'` is the user's own plans;
 * `scope: 'clients'` is a coach's view of the plans their clients' sessions share with
 * them (row-level security decides which). The explicit owner filter lets Postgres use
 * the indexes instead of evaluating the policies over every plan. Pages are keyset pages
 * (lib/db/keyset.ts) and nothing is counted: a page reads at most `limit + 1` rows,
 * however long the history (docs/decisions/016-keyset-pages-and-search-under-rls.md).
 */
export async function listActionPlans(
  db: Database,
  {
    userId,
    scope,
    query,
    openOnly = false,
    limit = planPageSize,
  }: { userId: string; scope: 'mine' | 'clients'; query: PlanListQuery; openOnly?: boolean; limit?: number },
): Promise<PlanPage> {
  const params: unknown[] = [userId]
  const param = (value: unknown) => `$${params.push(value)}`
  const where: string[] = []
  if (scope === 'mine') where.push('a.user_id = $1')
  else {
    where.push(`a.user_id in (
      select client.user_id from public.program_members me
      join public.program_members client on client.program_id = me.program_id and client.role = 'client'
      where me.user_id = $1 and me.role = 'coach')`)
    where.push('a.session_id is not null')
    if (query.client) where.push(`a.user_id = ${param(query.client)}`)
  }
  if (openOnly) where.push(`a.status <> 'completed'`)
  if (query.status) where.push(`a.status = ${param(query.status)}`)
  if (query.priority) where.push(`a.priority = ${param(query.priority)}`)
  if (query.session) where.push(`a.session_id = ${param(query.session)}`)
  const search = query.q ? searchQuery(query.q) : null
  if (search) {
    // Under row-level security `@@` cannot use the GIN index (it is not leakproof), so the
    // user's own plans are searched by a function that filters by owner first (migration
    // 20261203000100). A coach's view is the small set shared with them: matched directly.
    where.push(
      scope === 'mine'
        ? `a.id in (select private.my_action_plans_matching(${param(search)}))`
        : `a.search @@ to_tsquery('simple', ${param(search)})`,
    )
  }
  if (query.due === 'overdue') where.push(`a.timeline_end < ${todaySql} and a.status <> 'completed'`)
  if (query.due === 'this_week') where.push(`a.timeline_end between ${todaySql} and ${todaySql} + 6`)
  if (query.due === 'later') where.push(`a.timeline_end > ${todaySql} + 6`)
  if (query.due === 'none') where.push('a.timeline_end is null')

  const order = planOrder(query)
  const readPage = (request: PageRequest) => {
    const pageParams = [...params]
    const keyset = keysetQuery(order, request, (value) => `$${pageParams.push(value)}`)
    const conditions = keyset.where ? [...where, keyset.where] : where
    return db.asUser(userId, (tx) =>
      tx.query<Parameters<typeof planRow>[0] & CursorColumns>(
        `select a.id, a.theme, a.title, left(a.description, 300) as description, a.status, a.priority, a.timeline_end,
                a.session_id, a.user_id,
                -- Probes per row shown (not joins the planner may build from every session
                -- or profile the user can read; decision 016).
                (select s.title from public.coaching_sessions s where s.id = a.session_id) as session_title,
                case when a.user_id = $1 then null else (select p.display_name from public.profiles p where p.id = a.user_id) end as client_name,
                (select count(*)::int from public.milestones m where m.action_plan_id = a.id and m.completed) as milestones_done,
                (select count(*)::int from public.milestones m where m.action_plan_id = a.id) as milestones_total,
                coalesce(a.timeline_end < ${todaySql} and a.status <> 'completed', false) as overdue,
                coalesce(a.timeline_end between ${todaySql} and ${todaySql} + 6 and a.status <> 'completed', false) as due_this_week,
                ${cursorColumns(order)}
         from public.action_plans a
         where ${conditions.join(' and ')}
         order by ${keyset.orderBy}
         limit ${limit + 1}`,
        pageParams,
      ),
    ).then((fetched) => keysetPage(fetched, request, limit))
  }

  let request = pageRequest(query)
  let page = await readPage(request)
  // Back past the start or forward past the end (plans were added or removed meanwhile):
  // the first page, rather than a short or empty one with nowhere to go.
  const pastTheStart = 'before' in request && page.previous === null && page.rows.length < limit
  const pastTheEnd = 'after' in request && page.rows.length === 0
  if (pastTheStart || pastTheEnd) page = await readPage((request = {}))
  const isFirst = !('after' in request) && page.previous === null
  return { rows: page.rows.map(planRow), next: page.next, previous: page.previous, isFirst }
}

/** The user's own open plans due soonest: the dashboard's list, with overdue and this-week marks. */
export async function listOpenActionPlans(db: Database, { userId, limit = 10 }: { userId: string; limit?: number }): Promise<PlanRow[]> {
  const page = await listActionPlans(db, {
    userId,
    scope: 'mine',
    query: planListQuerySchema.parse({ sort: 'due' }),
    openOnly: true,
    limit,
  })
  return page.rows
}

export interface ClientOverdue {
  clientId: string
  clientName: string
  overdue: number
  open: number
}

/** A coach's at-a-glance view: for each client, their shared open and overdue plans. */
export async function listClientsWithOverdue(db: Database, { userId }: { userId: string }): Promise<ClientOverdue[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ client_id: string; client_name: string | null; overdue: number; open: number }>(
      `select client.user_id as client_id, min(p.display_name) as client_name,
              count(a.id) filter (where a.status <> 'completed' and a.timeline_end < ${todaySql})::int as overdue,
              count(a.id) filter (where a.status <> 'completed')::int as open
       from public.program_members me
       join public.program_members client on client.program_id = me.program_id and client.role = 'client'
       left join public.profiles p on p.id = client.user_id
       left join public.action_plans a on a.user_id = client.user_id and a.session_id is not null
       where me.user_id = $1 and me.role = 'coach'
       group by client.user_id
       order by 3 desc, 2`,
      [userId],
    ),
  )
  return rows.map((r) => ({ clientId: r.client_id, clientName: r.client_name ?? 'Client', overdue: r.overdue, open: r.open }))
}

// ─── one plan ────────────────────────────────────────────────────────────────────────

export interface Milestone {
  id: string
  title: string
  description: string
  dueDate: string | null
  position: number
  completed: boolean
  completedAt: Date | null
}

export interface StatusChange {
  from: string | null
  to: string
  byName: string | null
  at: Date
}

export interface ActionPlanDetails {
  id: string
  theme: string
  title: string
  description: string
  goalStatement: string
  smartCriteria: z.infer<typeof smartCriteriaSchema> | null
  successMetrics: string[]
  status: ActionPlanStatus
  priority: number | null
  timelineStart: string | null
  timelineEnd: string | null
  sessionId: string | null
  sessionTitle: string | null
  clientName: string | null
  isOwner: boolean
  canEdit: boolean
  overdue: boolean
  milestones: Milestone[]
  history: StatusChange[]
}

export async function getActionPlan(db: Database, { userId, id }: { userId: string; id: string }): Promise<ActionPlanDetails> {
  return db.asUser(userId, async (tx) => {
    const [plan] = await tx.query<{
      id: string
      theme: string
      title: string
      description: string
      goal_statement: string
      smart_criteria: unknown
      status: ActionPlanStatus
      priority: number | null
      timeline_start: string | null
      timeline_end: string | null
      session_id: string | null
      session_title: string | null
      summary: unknown
      user_id: string
      client_name: string | null
      can_edit: boolean
      overdue: boolean
    }>(
      `select a.id, a.theme, a.title, a.description, a.goal_statement, a.smart_criteria, a.status, a.priority,
              a.timeline_start, a.timeline_end, a.session_id, s.title as session_title, s.summary, a.user_id,
              p.display_name as client_name, a.id in (select private.editable_action_plan_ids()) as can_edit,
              coalesce(a.timeline_end < ${todaySql} and a.status <> 'completed', false) as overdue
       from public.action_plans a
       left join public.coaching_sessions s on s.id = a.session_id
       left join public.profiles p on p.id = a.user_id
       where a.id = $2`,
      [userId, id],
    )
    if (!plan) throw new AppError('not_found', 'That action plan does not exist, or you do not have access to it.')
    const milestones = await tx.query<{
      id: string
      title: string
      description: string
      due_date: string | null
      position: number
      completed: boolean
      completed_at: Date | null
    }>(
      `select id, title, description, due_date, position, completed, completed_at
       from public.milestones where action_plan_id = $1 order by position, created_at`,
      [id],
    )
    const history = await tx.query<{ from_status: string | null; to_status: string; by_name: string | null; created_at: Date }>(
      `select l.metadata ->> 'from' as from_status, l.metadata ->> 'to' as to_status,
              pr.display_name as by_name, l.created_at
       from public.audit_log l
       left join public.profiles pr on pr.id = l.actor_id
       where l.entity_type = 'action_plan' and l.entity_id = $1
         and l.action in ('action_plan.created', 'action_plan.status_changed')
       order by l.created_at desc, l.id desc
       limit 20`,
      [id],
    )
    const smart = smartCriteriaSchema.safeParse(plan.smart_criteria)
    return {
      id: plan.id,
      theme: plan.theme,
      title: plan.title,
      description: plan.description,
      goalStatement: plan.goal_statement,
      smartCriteria: smart.success ? smart.data : null,
      successMetrics: readSummary(plan.summary)?.successMetrics ?? [],
      status: plan.status,
      priority: plan.priority,
      timelineStart: plan.timeline_start,
      timelineEnd: plan.timeline_end,
      sessionId: plan.session_id,
      sessionTitle: plan.session_title,
      clientName: plan.client_name,
      isOwner: plan.user_id === userId,
      canEdit: plan.can_edit,
      overdue: plan.overdue,
      milestones: milestones.map((m) => ({
        id: m.id,
        title: m.title,
        description: m.description,
        dueDate: m.due_date,
        position: m.position,
        completed: m.completed,
        completedAt: m.completed_at,
      })),
      history: history.map((h) => ({ from: h.from_status, to: h.to_status, byName: h.by_name, at: h.created_at })),
    }
  })
}

function invalid(error: z.ZodError): AppError {
  const fieldErrors: Record<string, string[]> = {}
  for (const issue of error.issues) (fieldErrors[String(issue.path[0] ?? '_form')] ??= []).push(issue.message)
  return new AppError('invalid', 'Please fix the marked fields.', fieldErrors)
}

/** A plan written by hand, with no session. A repeated request key returns the plan already made. */
export async function createActionPlan(
  db: Database,
  { userId, requestKey, input }: { userId: string; requestKey: string; input: unknown },
): Promise<string> {
  const parsed = planInputSchema.safeParse(input)
  if (!parsed.success) throw invalid(parsed.error)
  const plan = parsed.data
  return db.asUser(userId, async (tx) => {
    const [created] = await tx.query<{ id: string }>(
      `insert into public.action_plans (user_id, title, description, theme, status, priority, timeline_start, timeline_end, request_key)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       on conflict (user_id, request_key) where request_key is not null do nothing
       returning id`,
      [userId, plan.title, plan.description, plan.theme, plan.status, plan.priority, plan.timelineStart, plan.timelineEnd, requestKey],
    )
    if (created) return created.id
    const [existing] = await tx.query<{ id: string }>('select id from public.action_plans where user_id = $1 and request_key = $2', [userId, requestKey])
    if (!existing) throw new Error('A plan with that request key should exist')
    return existing.id
  })
}

export async function updateActionPlan(
  db: Database,
  { userId, id, input }: { userId: string; id: string; input: unknown },
): Promise<void> {
  const parsed = planInputSchema.safeParse(input)
  if (!parsed.success) throw invalid(parsed.error)
  const plan = parsed.data
  const rows = await db.asUser(userId, (tx) =>
    tx.query(
      `update public.action_plans
       set title = $2, description = $3, theme = $4, status = $5, priority = $6, timeline_start = $7, timeline_end = $8
       where id = $1
       returning id`,
      [id, plan.title, plan.description, plan.theme, plan.status, plan.priority, plan.timelineStart, plan.timelineEnd],
    ),
  )
  if (rows.length === 0) throw new AppError('not_found', 'That action plan does not exist, or you cannot change it.')
}

export async function setActionPlanStatus(
  db: Database,
  { userId, id, status }: { userId: string; id: string; status: string },
): Promise<void> {
  const parsed = z.enum(actionPlanStatuses).safeParse(status)
  if (!parsed.success) throw new AppError('invalid', 'Choose one of: not started, in progress, done, blocked.', { status: ['Choose a status from the list.'] })
  const rows = await db.asUser(userId, (tx) =>
    tx.query('update public.action_plans set status = $2 where id = $1 returning id', [id, parsed.data]),
  )
  if (rows.length === 0) throw new AppError('not_found', 'That action plan does not exist, or you cannot change it.')
}

/**
 * What Check In's review of last time's actions means for the plans: done completes a plan,
 * partly starts one that was not started. Runs in the caller's unit of work (the stage save),
 * as the user, so row-level security decides which plans can change.
 */
export async function recordActionReviews(tx: Tx, reviews: { actionPlanId: string | null; progress: string | null }[]): Promise<void> {
  for (const review of reviews) {
    if (!review.actionPlanId) continue
    if (review.progress === 'done') {
      await tx.query(`update public.action_plans set status = 'completed' where id = $1 and status <> 'completed'`, [review.actionPlanId])
    } else if (review.progress === 'partly') {
      await tx.query(`update public.action_plans set status = 'in_progress' where id = $1 and status = 'pending'`, [review.actionPlanId])
    }
  }
}

export async function deleteActionPlan(db: Database, { userId, id }: { userId: string; id: string }): Promise<void> {
  const rows = await db.asUser(userId, (tx) => tx.query('delete from public.action_plans where id = $1 and user_id = $2 returning id', [id, userId]))
  if (rows.length === 0) throw new AppError('not_found', 'That action plan does not exist, or you cannot delete it.')
}

// ─── milestones ──────────────────────────────────────────────────────────────────────

async function requireEditablePlan(tx: Tx, planId: string): Promise<void> {
  const [plan] = await tx.query<{ can_edit: boolean }>(
    'select id in (select private.editable_action_plan_ids()) as can_edit from public.action_plans where id = $1',
    [planId],
  )
  if (!plan?.can_edit) throw new AppError('not_found', 'That action plan does not exist, or you cannot change it.')
}

export async function addMilestone(
  db: Database,
  { userId, planId, requestKey, input }: { userId: string; planId: string; requestKey: string; input: z.input<typeof milestoneInputSchema> },
): Promise<void> {
  const parsed = milestoneInputSchema.safeParse(input)
  if (!parsed.success) throw invalid(parsed.error)
  await db.asUser(userId, async (tx) => {
    await requireEditablePlan(tx, planId)
    await tx.query(
      `insert into public.milestones (action_plan_id, title, due_date, position, request_key)
       values ($1, $2, $3, coalesce((select max(position) + 1 from public.milestones where action_plan_id = $1), 0), $4)
       on conflict (action_plan_id, request_key) where request_key is not null do nothing`,
      [planId, parsed.data.title, parsed.data.dueDate, requestKey],
    )
  })
}

/** Milestone changes name their plan too: a milestone of another plan is not found. */
async function changeMilestone(db: Database, userId: string, planId: string, milestoneId: string, sql: string, params: unknown[]): Promise<void> {
  const rows = await db.asUser(userId, async (tx) => {
    await requireEditablePlan(tx, planId)
    return tx.query(sql, [milestoneId, planId, ...params])
  })
  if (rows.length === 0) throw new AppError('not_found', 'That milestone is not part of this plan.')
}

export async function updateMilestone(
  db: Database,
  { userId, planId, milestoneId, input }: { userId: string; planId: string; milestoneId: string; input: z.input<typeof milestoneInputSchema> },
): Promise<void> {
  const parsed = milestoneInputSchema.safeParse(input)
  if (!parsed.success) throw invalid(parsed.error)
  await changeMilestone(db, userId, planId, milestoneId, 'update public.milestones set title = $3, due_date = $4 where id = $1 and action_plan_id = $2 returning id', [
    parsed.data.title,
    parsed.data.dueDate,
  ])
}

/** Completes or reopens a milestone; completed_at follows (set once on completing, cleared on reopening). */
export async function setMilestoneCompleted(
  db: Database,
  { userId, planId, milestoneId, completed }: { userId: string; planId: string; milestoneId: string; completed: boolean },
): Promise<void> {
  await changeMilestone(db, userId, planId, milestoneId, 'update public.milestones set completed = $3 where id = $1 and action_plan_id = $2 returning id', [completed])
}

export async function deleteMilestone(db: Database, { userId, planId, milestoneId }: { userId: string; planId: string; milestoneId: string }): Promise<void> {
  await changeMilestone(db, userId, planId, milestoneId, 'delete from public.milestones where id = $1 and action_plan_id = $2 returning id', [])
}

/** Moves a milestone one place up or down, renumbering the plan's milestones 0, 1, 2… */
export async function moveMilestone(
  db: Database,
  { userId, planId, milestoneId, direction }: { userId: string; planId: string; milestoneId: string; direction: 'up' | 'down' },
): Promise<void> {
  await db.asUser(userId, async (tx) => {
    await requireEditablePlan(tx, planId)
    const ids = (await tx.query<{ id: string }>('select id from public.milestones where action_plan_id = $1 order by position, created_at', [planId])).map((r) => r.id)
    const index = ids.indexOf(milestoneId)
    if (index < 0) throw new AppError('not_found', 'That milestone is not part of this plan.')
    const target = direction === 'up' ? index - 1 : index + 1
    if (target < 0 || target >= ids.length) return
    ;[ids[index], ids[target]] = [ids[target]!, ids[index]!]
    await tx.query(
      `update public.milestones m set position = o.position
       from unnest($1::uuid[]) with ordinality as o(id, position)
       where m.id = o.id and m.action_plan_id = $2`,
      [ids, planId],
    )
  })
}

// ─── from a session ──────────────────────────────────────────────────────────────────

export interface SessionPlan {
  id: string
  title: string
  description: string
  status: ActionPlanStatus
  priority: number | null
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
      priority: number | null
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
