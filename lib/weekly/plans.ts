import type { Database, Tx } from '../db/database'
import { AppError } from '../errors'
import { dueAtSql } from '../library/assigning'
import { sessionItemSchema, type DueState, dueStateOf } from '../library/library.shared'
import { addDays, prescriptionOfPlanRow, rowOf, weekStartIn, type PlanItemRow, type WeeklyPlanStatus } from './weeks.shared'
import { randomUUID } from 'node:crypto'

/**
 * Weekly plans: a coach plans a client's week as sessions on its days (decision 027). Each
 * planned item is a real coach-assigned session, due at the end of its day in the client's
 * time zone; a plan the client has seen is never edited in place but replaced by a new
 * version that carries the unchanged items' sessions over. Everything runs as the signed-in
 * user, so the database decides who may read and write (policies in the migration).
 */

export interface PlannedSession {
  itemId: string
  key: string
  day: string
  title: string
  instructions: string
  templateId: string | null
  prescription: unknown
  sessionId: string | null
  dueAt: Date | null
  completedAt: Date | null
  cancelledAt: Date | null
  /** done / overdue / due (from the session), or `unknown` when the reader cannot see the session. */
  state: DueState | 'cancelled' | 'unknown'
}

export interface WeeklyPlan {
  id: string
  clientId: string
  programId: string
  coachId: string | null
  weekStart: string
  status: WeeklyPlanStatus
  version: number
  note: string
  seenAt: Date | null
  createdAt: Date
  items: PlannedSession[]
}

export interface WeekView {
  clientId: string
  clientName: string
  timezone: string
  weekStart: string
  /** The week's plan: the active one, else the completed one; null when there is none. */
  plan: WeeklyPlan | null
  /** Every version of this week's plan the reader can see, newest first. */
  versions: { id: string; version: number; status: WeeklyPlanStatus; createdAt: Date }[]
}

type PlanRow = {
  id: string
  client_id: string
  program_id: string
  coach_id: string | null
  week_start: string
  status: WeeklyPlanStatus
  version: number
  note: string
  seen_at: Date | null
  created_at: Date
}

const planColumns = 'p.id, p.client_id, p.program_id, p.coach_id, p.week_start::text, p.status, p.version, p.note, p.seen_at, p.created_at'

async function itemsOf(tx: Tx, planId: string, now: Date): Promise<PlannedSession[]> {
  const rows = await tx.query<{
    id: string
    key: string
    day: string
    title: string
    instructions: string
    session_template_id: string | null
    prescription: unknown
    session_id: string | null
    seen_session: boolean
    due_at: Date | null
    completed_at: Date | null
    cancelled_at: Date | null
  }>(
    `select i.id, i.key, i.day::text, i.title, i.instructions, i.session_template_id, i.prescription, i.session_id,
            s.id is not null as seen_session, s.due_at, s.completed_at, s.cancelled_at
     from public.weekly_plan_items i
     left join public.coaching_sessions s on s.id = i.session_id
     where i.plan_id = $1
     order by i.day, i.position`,
    [planId],
  )
  return rows.map((row) => ({
    itemId: row.id,
    key: row.key,
    day: row.day,
    title: row.title,
    instructions: row.instructions,
    templateId: row.session_template_id,
    prescription: row.prescription,
    sessionId: row.session_id,
    dueAt: row.due_at,
    completedAt: row.completed_at,
    cancelledAt: row.cancelled_at,
    state: !row.seen_session ? 'unknown' : row.cancelled_at ? 'cancelled' : dueStateOf({ completedAt: row.completed_at, dueAt: row.due_at }, now),
  }))
}

const planOf = (row: PlanRow, items: PlannedSession[]): WeeklyPlan => ({
  id: row.id,
  clientId: row.client_id,
  programId: row.program_id,
  coachId: row.coach_id,
  weekStart: row.week_start,
  status: row.status,
  version: row.version,
  note: row.note,
  seenAt: row.seen_at,
  createdAt: row.created_at,
  items,
})

/**
 * A client's week as the signed-in user may see it (the client themself, or a coach of their
 * program): `weekStart`, or the week `now` falls in where the client lives. Null when the
 * reader cannot see the client at all.
 */
export async function getWeek(
  db: Database,
  { userId, clientId, weekStart, now = new Date() }: { userId: string; clientId: string; weekStart?: string | null; now?: Date },
): Promise<WeekView | null> {
  return db.asUser(userId, async (tx) => {
    const [client] = await tx.query<{ display_name: string; timezone: string }>('select display_name, timezone from public.profiles where id = $1', [clientId])
    if (!client) return null
    const week = weekStart ?? weekStartIn(now, client.timezone)
    const versions = await tx.query<PlanRow>(
      `select ${planColumns} from public.weekly_plans p
       where p.client_id = $1 and p.week_start = $2
       order by p.version desc
       limit 20`,
      [clientId, week],
    )
    const shown = versions.find((row) => row.status !== 'archived') ?? null
    return {
      clientId,
      clientName: client.display_name,
      timezone: client.timezone,
      weekStart: week,
      plan: shown ? planOf(shown, await itemsOf(tx, shown.id, now)) : null,
      versions: versions.map((row) => ({ id: row.id, version: row.version, status: row.status, createdAt: row.created_at })),
    }
  })
}

/** One version of a plan, archived ones included (the history stays readable). */
export async function getPlanVersion(db: Database, { userId, planId, now = new Date() }: { userId: string; planId: string; now?: Date }): Promise<WeeklyPlan | null> {
  return db.asUser(userId, async (tx) => {
    const [row] = await tx.query<PlanRow>(`select ${planColumns} from public.weekly_plans p where p.id = $1`, [planId])
    return row ? planOf(row, await itemsOf(tx, row.id, now)) : null
  })
}

/** The client opened their plan: from now on the coach's edits make a new version. */
export async function markPlanSeen(db: Database, { userId, planId }: { userId: string; planId: string }): Promise<void> {
  await db.asUser(userId, (tx) => tx.query('select public.mark_weekly_plan_seen($1)', [planId]))
}

// ─── writing a week ──────────────────────────────────────────────────────────────────

/** What an item becomes: a template's session, or one written here with its own snapshot. */
interface ItemContent {
  key: string
  day: string
  title: string
  instructions: string
  templateId: string | null
  prescription: ReturnType<typeof prescriptionOfPlanRow>
}

const sameContent = (a: { templateId: string | null; instructions: string; prescription: unknown }, b: ItemContent) =>
  a.templateId === b.templateId && a.instructions === b.instructions && JSON.stringify(a.prescription ?? null) === JSON.stringify(b.prescription ?? null)


async function createSession(tx: Tx, { coachId, clientId, programId, timezone, item }: { coachId: string; clientId: string; programId: string; timezone: string; item: ItemContent }): Promise<string> {
  // A session written here carries its own one-item snapshot and no conversation; a
  // template's gets the template's items (and whether it has a conversation) from the
  // database's insert trigger.
  const items = item.templateId
    ? []
    : [sessionItemSchema.parse({ key: item.key, kind: 'drill', title: item.title, instructions: item.instructions, exercise: null, prescription: item.prescription, metrics: [] })]
  const [row] = await tx.query<{ id: string }>(
    `insert into public.coaching_sessions
       (user_id, coach_id, program_id, session_type, source, visibility, title, session_template_id, items, has_conversation, due_at, session_date)
     values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', $4, $5, $6::jsonb, false, ${dueAtSql('$7', '$8')}, $7::date)
     returning id`,
    [clientId, coachId, programId, item.title, item.templateId, JSON.stringify(items), item.day, timezone],
  )
  return row!.id
}

/**
 * A session of the plan that the signed-in coach cannot see or change: another coach of the
 * program assigned it (a session is its assigning coach's to change).
 */
function requireOwnSession(item: PlannedSession): void {
  if (item.sessionId && item.state === 'unknown') {
    throw new AppError('not_found', `“${item.title}” was planned by another coach of this program; ask them to change or remove it.`)
  }
}

/** A planned session taken out of the week: cancelled, unless it was done (then it stays). */
async function cancelSession(tx: Tx, sessionId: string | null): Promise<void> {
  if (!sessionId) return
  await tx.query('update public.coaching_sessions set cancelled_at = now() where id = $1 and completed_at is null and cancelled_at is null', [sessionId])
}

async function moveSession(tx: Tx, { sessionId, item, timezone }: { sessionId: string; item: ItemContent; timezone: string }): Promise<void> {
  await tx.query(
    `update public.coaching_sessions set title = $2, session_date = $3::date, due_at = ${dueAtSql('$3', '$4')}
     where id = $1 and completed_at is null and (title <> $2 or session_date <> $3::date)`,
    [sessionId, item.title, item.day, timezone],
  )
}

async function templateTitles(tx: Tx, programId: string, templateIds: string[]): Promise<Map<string, string>> {
  if (templateIds.length === 0) return new Map()
  const rows = await tx.query<{ id: string; title: string }>(
    'select id, title from public.session_templates where program_id = $1 and id = any($2::uuid[])',
    [programId, templateIds],
  )
  const titles = new Map(rows.map((row) => [row.id, row.title]))
  if (titles.size !== new Set(templateIds).size) {
    throw new AppError('not_found', 'One of those templates is not in this program’s library any more. Reload the page and choose again.')
  }
  return titles
}

function contentOf(rows: readonly PlanItemRow[], titles: Map<string, string>): ItemContent[] {
  return rows.map((row, index) => {
    let prescription: ItemContent['prescription']
    try {
      prescription = row.templateId ? null : prescriptionOfPlanRow(row)
    } catch (error) {
      const message = error instanceof Error && 'issues' in error ? String((error as { issues: { message: string }[] }).issues[0]?.message) : 'Check the prescription.'
      throw new AppError('invalid', message, { [`items.${index}.prescriptionType`]: [message] })
    }
    return {
      key: row.key ?? randomUUID(),
      day: row.day,
      title: row.title || (row.templateId ? titles.get(row.templateId)! : ''),
      instructions: row.templateId ? '' : row.instructions,
      templateId: row.templateId,
      prescription,
    }
  })
}

export interface SavedPlan {
  planId: string
  version: number
  /** `created`: the week's first plan; `edited`: changed in place (not seen yet); `versioned`: a new version replaced a seen one. */
  outcome: 'created' | 'edited' | 'versioned'
}

/**
 * Writes a client's week as the signed-in coach: creates the plan, edits it in place while
 * the client has not seen it, or archives it and writes the next version once they have.
 * All or nothing. Items keep their `key` across saves; an item whose template, instructions
 * or prescription changed becomes a new session (the old one is cancelled unless done);
 * one that only moved day or was renamed keeps its session. A done session cannot be taken
 * out of the week or moved.
 */
export async function savePlan(
  db: Database,
  input: { userId: string; clientId: string; programId: string; weekStart: string; note: string; items: readonly PlanItemRow[] },
): Promise<SavedPlan> {
  const { userId, clientId, programId, weekStart, note } = input
  return db.asUser(userId, async (tx) => {
    const timezone = await requireClient(tx, { programId, clientId })
    const titles = await templateTitles(tx, programId, [...new Set(input.items.flatMap((row) => (row.templateId ? [row.templateId] : [])))])
    const wanted = contentOf(input.items, titles)
    const [current] = await tx.query<PlanRow>(
      `select ${planColumns} from public.weekly_plans p
       where p.client_id = $1 and p.week_start = $2 and p.status = 'active'
       for update`,
      [clientId, weekStart],
    )
    if (current && current.program_id !== programId) {
      throw new AppError('conflict', 'This client already has a plan for this week in another program.')
    }
    const existing = current ? await itemsOf(tx, current.id, new Date()) : []
    const byKey = new Map(existing.map((item) => [item.key, item]))
    const wantedKeys = new Set(wanted.map((item) => item.key))

    for (const gone of existing.filter((item) => !wantedKeys.has(item.key))) {
      requireOwnSession(gone)
      if (gone.completedAt) throw new AppError('invalid', `“${gone.title}” is already done, so it stays in the week.`)
      await cancelSession(tx, gone.sessionId)
    }
    // Each wanted item's session: carried over (moved or renamed if need be), or new.
    const sessionFor = new Map<string, string>()
    for (const item of wanted) {
      const before = byKey.get(item.key)
      if (before) requireOwnSession(before)
      if (before?.sessionId && before.state !== 'cancelled' && sameContent(before, item)) {
        if (before.completedAt && before.day !== item.day) throw new AppError('invalid', `“${before.title}” is already done on ${before.day}; it cannot move to another day.`)
        await moveSession(tx, { sessionId: before.sessionId, item, timezone })
        sessionFor.set(item.key, before.sessionId)
        continue
      }
      if (before?.completedAt) throw new AppError('invalid', `“${before.title}” is already done, so it cannot be changed.`)
      if (before) await cancelSession(tx, before.sessionId)
      sessionFor.set(item.key, await createSession(tx, { coachId: userId, clientId, programId, timezone, item }))
    }

    let planId: string
    let version: number
    let outcome: SavedPlan['outcome']
    if (current && !current.seen_at) {
      planId = current.id
      version = current.version
      outcome = 'edited'
      await tx.query('update public.weekly_plans set note = $2 where id = $1', [planId, note])
      await tx.query('delete from public.weekly_plan_items where plan_id = $1', [planId])
    } else {
      if (current) await tx.query(`update public.weekly_plans set status = 'archived' where id = $1`, [current.id])
      version = (current?.version ?? (await lastVersion(tx, clientId, weekStart))) + 1
      const [row] = await tx.query<{ id: string }>(
        `insert into public.weekly_plans (client_id, program_id, coach_id, week_start, version, replaces_id, note)
         values ($1, $2, $3, $4, $5, $6, $7)
         returning id`,
        [clientId, programId, userId, weekStart, version, current?.id ?? null, note],
      )
      planId = row!.id
      outcome = current ? 'versioned' : 'created'
    }
    await tx.query(
      `insert into public.weekly_plan_items (plan_id, client_id, program_id, key, position, day, title, instructions, session_template_id, prescription, session_id)
       select $1, $2, $3, i.key, i.position, i.day, i.title, i.instructions, i.template_id, i.prescription, i.session_id
       from jsonb_to_recordset($4::jsonb) as i(key uuid, position int, day date, title text, instructions text, template_id uuid, prescription jsonb, session_id uuid)`,
      [
        planId,
        clientId,
        programId,
        JSON.stringify(
          wanted.map((item, position) => ({
            key: item.key,
            position,
            day: item.day,
            title: item.title,
            instructions: item.instructions,
            template_id: item.templateId,
            prescription: item.prescription,
            session_id: sessionFor.get(item.key),
          })),
        ),
      ],
    )
    return { planId, version, outcome }
  }).catch((error: unknown) => {
    // The one-active-plan-per-week index: another save of this week won the race.
    if (error instanceof AppError && error.kind === 'conflict' && error.message === 'That already exists.') {
      throw new AppError('conflict', 'Someone saved a plan for this week at the same moment. Reload the page to see it, then make your changes again.')
    }
    throw error
  })
}

async function lastVersion(tx: Tx, clientId: string, weekStart: string): Promise<number> {
  const [row] = await tx.query<{ version: number | null }>(
    'select max(version)::int as version from public.weekly_plans where client_id = $1 and week_start = $2',
    [clientId, weekStart],
  )
  return row?.version ?? 0
}

/** The client's time zone, when the signed-in user coaches them in the program; otherwise not found. */
async function requireClient(tx: Tx, { programId, clientId }: { programId: string; clientId: string }): Promise<string> {
  const [row] = await tx.query<{ timezone: string }>(
    `select coalesce(p.timezone, 'UTC') as timezone
     from private.my_clients() c
     left join public.profiles p on p.id = c.client_id
     where c.client_id = $1 and c.program_id = $2`,
    [clientId, programId],
  )
  if (!row) throw new AppError('not_found', 'That person is not a client of yours in this program.')
  return row.timezone
}

/**
 * Copies a week's plan (its active or completed version) into the next week, each session a
 * week later, as new sessions. Refused when the next week already has a plan.
 */
export async function copyWeekForward(
  db: Database,
  { userId, clientId, programId, fromWeek }: { userId: string; clientId: string; programId: string; fromWeek: string },
): Promise<SavedPlan> {
  const source = await db.asUser(userId, async (tx) => {
    const [row] = await tx.query<PlanRow>(
      `select ${planColumns} from public.weekly_plans p
       where p.client_id = $1 and p.program_id = $2 and p.week_start = $3 and p.status <> 'archived'
       order by p.version desc limit 1`,
      [clientId, programId, fromWeek],
    )
    return row ? planOf(row, await itemsOf(tx, row.id, new Date())) : null
  })
  if (!source) throw new AppError('not_found', 'That week has no plan to copy.')
  const nextWeek = addDays(fromWeek, 7)
  const taken = await db.asUser(userId, (tx) =>
    tx.query(`select 1 from public.weekly_plans where client_id = $1 and week_start = $2 and status = 'active'`, [clientId, nextWeek]),
  )
  if (taken.length > 0) throw new AppError('conflict', 'The next week already has a plan. Open it to change it.')
  return savePlan(db, {
    userId,
    clientId,
    programId,
    weekStart: nextWeek,
    note: source.note,
    items: source.items
      .filter((item) => item.state !== 'cancelled')
      .map((item) => rowOf({ ...item, day: addDays(item.day, 7) })),
  })
}

/** Deleting a plan is archiving it: its sessions not yet done are cancelled; the history stays. */
export async function archivePlan(db: Database, { userId, planId }: { userId: string; planId: string }): Promise<void> {
  await db.asUser(userId, async (tx) => {
    const [plan] = await tx.query<{ id: string }>(`update public.weekly_plans set status = 'archived' where id = $1 and status = 'active' returning id`, [planId])
    if (!plan) throw new AppError('not_found', 'That plan does not exist, is already replaced, or is not yours to change.')
    const items = await tx.query<{ session_id: string | null }>('select session_id from public.weekly_plan_items where plan_id = $1', [planId])
    for (const item of items) await cancelSession(tx, item.session_id)
  })
}

/**
 * The job: every active plan whose week is over where its client lives (the Monday after
 * has begun there) becomes completed. Safe to run twice. Runs as the service: it sees every
 * client's plans and writes only their status.
 */
export async function completePastWeeks(db: Database, { now = new Date() }: { now?: Date } = {}): Promise<{ completed: number }> {
  const rows = await db.asService((tx) =>
    tx.query(
      `update public.weekly_plans p set status = 'completed'
       from public.profiles pr
       where pr.id = p.client_id and p.status = 'active'
         and p.week_start + 7 <= ($1::timestamptz at time zone coalesce(pr.timezone, 'UTC'))::date
       returning p.id`,
      [now],
    ),
  )
  return { completed: rows.length }
}
