import { randomUUID } from 'node:crypto'
import type { Database, Tx } from '../db/database'
import { AppError } from '../errors'
import { dueStateOf, type DueState } from './library.shared'

/**
 * Assigning templates and modules, and what follows from it by query: who has done what,
 * module progress, what is due. There is no enrollment or assignment table: an assignment
 * is a coaching_sessions row (source coach_assigned) whose items the database copies from
 * the template at insert, and everything below reads those rows (decision 018).
 */

/**
 * A due date is the end of that day where the client lives: "due on 12 December" stays
 * due all of the 12th in the client's own time zone. `zone` is an SQL expression for the
 * client's time zone (by default their profile's, joined as `p`). Weekly plans use it too.
 */
export const dueAtSql = (dateParam: string, zone = "coalesce(p.timezone, 'UTC')") =>
  `((${dateParam}::date + 1)::timestamp at time zone ${zone}) - interval '1 second'`

/**
 * Creates one session of the template for each client, due at the end of `dueOn` in each
 * client's time zone, as the signed-in coach. All or nothing: a client who is not in the
 * template's program makes the whole assignment fail, and nothing is created.
 */
export async function assignTemplate(
  db: Database,
  { userId, templateId, clientIds, dueOn }: { userId: string; templateId: string; clientIds: readonly string[]; dueOn: string },
): Promise<string[]> {
  return db.asUser(userId, async (tx) => {
    const template = await templateForAssigning(tx, templateId)
    const clients = await requireClients(tx, template.programId, clientIds)
    const rows = await tx.query<{ id: string }>(
      `insert into public.coaching_sessions
         (user_id, coach_id, program_id, session_type, source, visibility, title, session_template_id, due_at, session_date)
       select c.id, $1, $2, 'self_coaching', 'coach_assigned', 'shared', $3, $4, ${dueAtSql('$5')}, $5::date
       from unnest($6::uuid[]) as c(id)
       left join public.profiles p on p.id = c.id
       returning id`,
      [userId, template.programId, template.title, templateId, dueOn, clients],
    )
    return rows.map((row) => row.id)
  })
}

/**
 * Runs a module for each client: one session per step, all of one client's sharing a
 * module_run_id, each due `dayOffset` days after `startOn`. All or nothing.
 */
export async function assignModule(
  db: Database,
  { userId, moduleId, clientIds, startOn }: { userId: string; moduleId: string; clientIds: readonly string[]; startOn: string },
): Promise<{ runIds: string[]; sessionIds: string[] }> {
  return db.asUser(userId, async (tx) => {
    const [module] = await tx.query<{ program_id: string; step_count: number }>(
      `select m.program_id, (select count(*)::int from public.module_steps s where s.module_id = m.id) as step_count
       from public.modules m where m.id = $1`,
      [moduleId],
    )
    if (!module) throw new AppError('not_found', 'That module does not exist, or you cannot assign it.')
    if (module.step_count === 0) throw new AppError('invalid', 'Add at least one step to the module before assigning it.')
    const clients = await requireClients(tx, module.program_id, clientIds)
    const runs = clients.map((clientId) => ({ client_id: clientId, run_id: randomUUID() }))
    const rows = await tx.query<{ id: string }>(
      `insert into public.coaching_sessions
         (user_id, coach_id, program_id, session_type, source, visibility, title, session_template_id,
          module_id, module_run_id, due_at, session_date)
       select r.client_id, $1, $2, 'self_coaching', 'coach_assigned', 'shared', t.title, t.id,
              $3, r.run_id, ${dueAtSql('($4::date + st.day_offset)')}, $4::date + st.day_offset
       from jsonb_to_recordset($5::jsonb) as r(client_id uuid, run_id uuid)
       cross join public.module_steps st
       join public.session_templates t on t.id = st.template_id
       left join public.profiles p on p.id = r.client_id
       where st.module_id = $3
       order by r.client_id, st.position
       returning id`,
      [userId, module.program_id, moduleId, startOn, JSON.stringify(runs)],
    )
    return { runIds: runs.map((run) => run.run_id), sessionIds: rows.map((row) => row.id) }
  })
}

/** A client starts a session from a public template of their program (source self_assigned). */
export async function startFromTemplate(db: Database, { userId, templateId }: { userId: string; templateId: string }): Promise<string> {
  return db.asUser(userId, async (tx) => {
    const [template] = await tx.query<{ program_id: string; title: string }>(
      'select program_id, title from public.session_templates where id = $1 and is_public',
      [templateId],
    )
    if (!template) throw new AppError('not_found', 'That template is not one you can start.')
    const [row] = await tx.query<{ id: string }>(
      `insert into public.coaching_sessions (user_id, program_id, session_type, source, visibility, title, session_template_id)
       values ($1, $2, 'self_coaching', 'self_assigned', 'private', $3, $4)
       returning id`,
      [userId, template.program_id, template.title, templateId],
    )
    return row!.id
  })
}

async function templateForAssigning(tx: Tx, templateId: string): Promise<{ programId: string; title: string }> {
  const [template] = await tx.query<{ program_id: string; title: string }>(
    'select program_id, title from public.session_templates where id = $1',
    [templateId],
  )
  if (!template) throw new AppError('not_found', 'That template does not exist, or you cannot assign it.')
  return { programId: template.program_id, title: template.title }
}

/** The distinct clients, every one a client of the program (the policy would refuse the rest; this names the problem). */
async function requireClients(tx: Tx, programId: string, clientIds: readonly string[]): Promise<string[]> {
  const wanted = [...new Set(clientIds)]
  if (wanted.length === 0) throw new AppError('invalid', 'Choose at least one client.', { clientIds: ['Choose at least one client.'] })
  const found = await tx.query<{ user_id: string }>(
    `select user_id from public.program_members where program_id = $1 and role = 'client' and user_id = any($2::uuid[])`,
    [programId, wanted],
  )
  if (found.length !== wanted.length) {
    throw new AppError('not_found', 'One of those people is not a client of this program any more. Reload the page and choose again.', {
      clientIds: ['Choose clients of this program.'],
    })
  }
  return wanted
}

// ─── progress, by query ──────────────────────────────────────────────────────────────

export interface TemplateStanding {
  clientId: string
  clientName: string
  /** done / overdue / due / not_due (assigned without a date), or never assigned. */
  state: DueState | 'never'
  sessionId: string | null
  completedAt: Date | null
  dueAt: Date | null
}

/**
 * "Has Diego done his assessment?", for every client of the template's program: the
 * client's latest session of that template (done first: any completed one answers yes).
 */
export async function templateStandings(
  db: Database,
  { userId, templateId, now = new Date() }: { userId: string; templateId: string; now?: Date },
): Promise<TemplateStanding[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ client_id: string; client_name: string; session_id: string | null; completed_at: Date | null; due_at: Date | null }>(
      templateStandingsSql,
      [templateId],
    ),
  )
  return rows.map((row) => ({
    clientId: row.client_id,
    clientName: row.client_name,
    sessionId: row.session_id,
    completedAt: row.completed_at,
    dueAt: row.due_at,
    state: row.session_id ? dueStateOf({ completedAt: row.completed_at, dueAt: row.due_at }, now) : 'never',
  }))
}

/** Exported for bench/library.ts, which prints its query plan. */
export const templateStandingsSql = `
  select c.user_id as client_id, coalesce(p.display_name, 'A client') as client_name,
         latest.id as session_id, latest.completed_at, latest.due_at
  from public.session_templates t
  join public.program_members c on c.program_id = t.program_id and c.role = 'client'
  left join public.profiles p on p.id = c.user_id
  left join lateral (
    select s.id, s.completed_at, s.due_at
    from public.coaching_sessions s
    where s.session_template_id = t.id and s.user_id = c.user_id and s.cancelled_at is null
    order by s.completed_at desc nulls last, s.due_at desc nulls last
    limit 1
  ) latest on true
  where t.id = $1
  order by lower(coalesce(p.display_name, '')), c.user_id
  limit 500`

export interface ModuleRun {
  runId: string
  moduleId: string | null
  moduleName: string
  clientId: string
  clientName: string
  completed: number
  total: number
  startedOn: string
  nextDue: Date | null
}

/**
 * Module progress: completed sessions of a run ÷ sessions of the run, for one client's
 * runs (the client themself, or a coach looking at them) or one module's, newest run first.
 */
export async function moduleRuns(
  db: Database,
  { userId, clientId, moduleId }: { userId: string } & ({ clientId: string; moduleId?: undefined } | { moduleId: string; clientId?: undefined }),
): Promise<ModuleRun[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{
      run_id: string
      module_id: string | null
      module_name: string | null
      client_id: string
      client_name: string | null
      completed: number
      total: number
      started_on: string
      next_due: Date | null
    }>(
      `select s.module_run_id as run_id, min(s.module_id::text)::uuid as module_id, min(m.name) as module_name,
              s.user_id as client_id, min(p.display_name) as client_name,
              count(s.completed_at)::int as completed, count(*)::int as total,
              min(s.session_date)::text as started_on,
              min(s.due_at) filter (where s.completed_at is null and s.cancelled_at is null) as next_due
       from public.coaching_sessions s
       left join public.modules m on m.id = s.module_id
       left join public.profiles p on p.id = s.user_id
       where ${clientId ? 's.user_id = $1' : 's.module_id = $1'} and s.module_run_id is not null
       group by s.module_run_id, s.user_id
       order by min(s.session_date) desc
       limit 50`,
      [clientId ?? moduleId],
    ),
  )
  return rows.map((row) => ({
    runId: row.run_id,
    moduleId: row.module_id,
    moduleName: row.module_name ?? 'A module',
    clientId: row.client_id,
    clientName: row.client_name ?? 'A client',
    completed: row.completed,
    total: row.total,
    startedOn: row.started_on,
    nextDue: row.next_due,
  }))
}

export interface DueSession {
  id: string
  title: string
  clientId: string
  clientName: string
  dueAt: Date
  state: 'overdue' | 'due'
}

/**
 * Open assigned sessions due by `until` (overdue ones included), soonest first: for a coach,
 * across the clients they assigned to; for a client, their own. An index range each.
 */
export async function dueSessions(
  db: Database,
  { userId, as, until, now = new Date(), clientId, limit = 50 }: { userId: string; as: 'coach' | 'client'; until: Date; now?: Date; clientId?: string; limit?: number },
): Promise<DueSession[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ id: string; title: string; client_id: string; client_name: string | null; due_at: Date }>(
      `select s.id, s.title, s.user_id as client_id, p.display_name as client_name, s.due_at
       from public.coaching_sessions s
       left join public.profiles p on p.id = s.user_id
       where ${as === 'coach' ? 's.coach_id = $1 and s.user_id <> $1' : 's.user_id = $1'}
         and s.due_at is not null and s.due_at < $2 and s.completed_at is null and s.cancelled_at is null
         and ($3::uuid is null or s.user_id = $3)
       order by s.due_at
       limit $4`,
      [userId, until, clientId ?? null, limit],
    ),
  )
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    clientId: row.client_id,
    clientName: row.client_name ?? 'A client',
    dueAt: row.due_at,
    state: row.due_at.getTime() < now.getTime() ? 'overdue' : 'due',
  }))
}

export interface ClientSession {
  id: string
  title: string
  source: 'self_assigned' | 'coach_assigned'
  sessionType: 'self_coaching' | 'coach_led'
  sessionDate: string
  dueAt: Date | null
  completedAt: Date | null
  state: DueState
}

export interface ClientOverview {
  clientId: string
  clientName: string
  timezone: string
  sessions: ClientSession[]
  openPlans: { id: string; title: string; status: string; dueOn: string | null }[]
  runs: ModuleRun[]
  overdue: DueSession[]
  timeline: { at: Date; text: string; sessionId: string | null }[]
}

/**
 * A client as their coach sees them in one program: the sessions the coach can see
 * (assigned, led, shared), the plans of those sessions, module progress, what is overdue,
 * and a timeline of what happened. Each list is a page read through an index; none grows
 * with the client's history. Null when the signed-in user does not coach this client here.
 */
export async function clientOverview(
  db: Database,
  { userId, programId, clientId, now = new Date() }: { userId: string; programId: string; clientId: string; now?: Date },
): Promise<ClientOverview | null> {
  const coached = await db.asUser(userId, (tx) =>
    tx.query<{ display_name: string; timezone: string }>(
      `select p.display_name, p.timezone
       from public.program_members c
       join public.program_members me on me.program_id = c.program_id and me.user_id = $3 and me.role = 'coach'
       join public.profiles p on p.id = c.user_id
       where c.program_id = $1 and c.user_id = $2 and c.role = 'client'`,
      [programId, clientId, userId],
    ),
  )
  const client = coached[0]
  if (!client) return null
  const [sessions, openPlans, runs, overdue] = await Promise.all([
    db.asUser(userId, (tx) =>
      tx.query<{
        id: string
        title: string
        source: ClientSession['source']
        session_type: ClientSession['sessionType']
        session_date: string
        due_at: Date | null
        completed_at: Date | null
      }>(
        `select id, title, source, session_type, session_date::text, due_at, completed_at
         from public.coaching_sessions
         where coach_id = $1 and user_id = $2 and program_id = $3 and cancelled_at is null
         order by session_date desc, created_at desc
         limit 30`,
        [userId, clientId, programId],
      ),
    ),
    db.asUser(userId, (tx) =>
      tx.query<{ id: string; title: string; status: string; due_on: string | null }>(
        `select p.id, p.title, p.status, p.timeline_end::text as due_on
         from public.action_plans p
         where p.user_id = $1 and p.status <> 'completed'
           and p.session_id in (select s.id from public.coaching_sessions s where s.coach_id = $2 and s.user_id = $1 and s.program_id = $3)
         order by p.timeline_end asc nulls last, p.created_at desc
         limit 20`,
        [clientId, userId, programId],
      ),
    ),
    moduleRuns(db, { userId, clientId }),
    dueSessions(db, { userId, as: 'coach', until: now, now, clientId }),
  ])
  const sessionList = sessions.map((row) => ({
    id: row.id,
    title: row.title,
    source: row.source,
    sessionType: row.session_type,
    sessionDate: row.session_date,
    dueAt: row.due_at,
    completedAt: row.completed_at,
    state: dueStateOf({ completedAt: row.completed_at, dueAt: row.due_at }, now),
  }))
  const timeline = sessionList
    .flatMap((session) => [
      session.completedAt ? { at: new Date(session.completedAt), text: `Completed “${session.title}”`, sessionId: session.id } : null,
      session.source === 'coach_assigned' && session.dueAt && !session.completedAt
        ? { at: new Date(session.dueAt), text: `“${session.title}” ${session.state === 'overdue' ? 'was due' : 'is due'}`, sessionId: session.id }
        : null,
    ])
    .filter((entry): entry is NonNullable<typeof entry> => entry !== null)
    .sort((a, b) => b.at.getTime() - a.at.getTime())
    .slice(0, 20)
  return {
    clientId,
    clientName: client.display_name,
    timezone: client.timezone,
    sessions: sessionList,
    openPlans: openPlans.map((plan) => ({ id: plan.id, title: plan.title, status: plan.status, dueOn: plan.due_on })),
    runs: runs.filter((run) => run.total > 0),
    overdue,
    timeline,
  }
}
