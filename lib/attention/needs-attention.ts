import type { Database, Tx } from '../db/database'
import { AppError } from '../errors'
import { attentionReasons, attentionThresholds, needsAttention, type AttentionReason, type ClientNeedingAttention, type ClientSignals } from './attention.shared'

/**
 * The coach's "needs attention" list (issue 13, point 5; docs/decisions/028). One statement,
 * run as the coach, so it counts only what the coach may see (sessions shared with them,
 * the plans and ratings of those sessions); per client it reads a few index ranges bounded
 * by time (the last 7, 14, 30 or 90 days), so its cost follows the size of the roster, not
 * the length of anyone's history. The rules and thresholds are in attention.shared.ts.
 */

/** How many clients the dashboard lists; the rest are counted. */
export const attentionListLimit = 25

interface SignalRow {
  client_id: string
  client_name: string
  program_id: string
  program_name: string
  time_zone: string
  inactivity_days: number
  joined_at: Date
  due7: number
  done7: number
  due30: number
  done30: number
  last_missed_at: Date | null
  overdue_sessions: number
  overdue_session_title: string | null
  overdue_session_due_at: Date | null
  overdue_plans: number
  overdue_plan_title: string | null
  overdue_plan_due: string | null
  overdue_plan_since: Date | null
  last_session_at: Date | null
  last_measure_at: Date | null
  low_session_id: string | null
  low_title: string | null
  low_field: 'readinessScore' | 'sessionValueRating' | null
  low_value: number | null
  low_at: Date | null
  crisis_session_id: string | null
  crisis_title: string | null
  crisis_paused_at: Date | null
  dismissals: Record<string, string> | null
}

const signalsSql = `
with my_clients as (
  select c.client_id, c.program_id, p.name as program_name, p.inactivity_days, m.created_at as joined_at,
         coalesce(pr.display_name, 'Your client') as client_name, coalesce(pr.timezone, 'UTC') as time_zone
  from private.my_clients() c
  join public.programs p on p.id = c.program_id
  join public.program_members m on m.program_id = c.program_id and m.user_id = c.client_id
  left join public.profiles pr on pr.id = c.client_id
  where $2::uuid is null or c.program_id = $2::uuid
)
select mc.client_id, mc.client_name, mc.program_id, mc.program_name, mc.time_zone, mc.inactivity_days, mc.joined_at,
       planned.due7, planned.done7, planned.due30, planned.done30, planned.last_missed_at,
       planned.overdue_sessions, planned.overdue_session_title, planned.overdue_session_due_at,
       plans.overdue_plans, plans.overdue_plan_title, plans.overdue_plan_due, plans.overdue_plan_since,
       activity.last_session_at, measure.last_measure_at,
       low.session_id as low_session_id, low.title as low_title, low.field as low_field, low.value as low_value, low.at as low_at,
       crisis.id as crisis_session_id, crisis.title as crisis_title, crisis.paused_at as crisis_paused_at,
       dismissed.dismissals
from my_clients mc
-- Planned sessions due in the last 30 days (the client's due-date index): done or not, and the overdue ones.
cross join lateral (
  select count(*) filter (where s.due_at > $3::timestamptz - interval '7 days')::int as due7,
         count(s.completed_at) filter (where s.due_at > $3::timestamptz - interval '7 days')::int as done7,
         count(*)::int as due30,
         count(s.completed_at)::int as done30,
         max(s.due_at) filter (where s.completed_at is null and s.due_at > $3::timestamptz - interval '7 days') as last_missed_at,
         count(*) filter (where s.completed_at is null)::int as overdue_sessions,
         (array_agg(s.title order by s.due_at desc) filter (where s.completed_at is null))[1] as overdue_session_title,
         max(s.due_at) filter (where s.completed_at is null) as overdue_session_due_at
  from public.coaching_sessions s
  where s.user_id = mc.client_id and s.program_id = mc.program_id
    and s.due_at <= $3::timestamptz and s.due_at > $3::timestamptz - interval '30 days'
    and s.cancelled_at is null
) planned
-- Action plans of the program's sessions past their end date where the client lives, not completed.
cross join lateral (
  select count(*)::int as overdue_plans,
         (array_agg(a.title order by a.timeline_end desc))[1] as overdue_plan_title,
         max(a.timeline_end)::text as overdue_plan_due,
         ((max(a.timeline_end) + 1)::timestamp at time zone mc.time_zone) as overdue_plan_since
  from public.action_plans a
  where a.user_id = mc.client_id and a.status <> 'completed'
    and a.timeline_end < ($3::timestamptz at time zone mc.time_zone)::date
    and a.timeline_end >= ($3::timestamptz at time zone mc.time_zone)::date - 30
    and exists (select 1 from public.coaching_sessions s where s.id = a.session_id and s.program_id = mc.program_id)
) plans
-- The latest session started in the last 90 days (and when it was completed, if it was):
-- walks the client's newest sessions until one is visible.
left join lateral (
  select greatest(s.started_at, s.completed_at) as last_session_at
  from public.coaching_sessions s
  where s.user_id = mc.client_id and s.started_at is not null
    and s.started_at > $3::timestamptz - interval '90 days' and s.started_at <= $3::timestamptz
  order by s.started_at desc
  limit 1
) activity on true
-- The latest measure the coach can see (walks the client's newest measures until one is visible).
left join lateral (
  select m.recorded_at as last_measure_at
  from public.measures m
  where m.user_id = mc.client_id and m.recorded_at > $3::timestamptz - interval '90 days' and m.recorded_at <= $3::timestamptz
  order by m.recorded_at desc
  limit 1
) measure on true
-- The lowest low rating (readiness at Check In, session value at Check Out) of the last 14 days.
left join lateral (
  select s.id as session_id, s.title, r.field, r.value, coalesce(sr.completed_at, sr.updated_at) as at
  from public.coaching_sessions s
  join public.stage_responses sr on sr.session_id = s.id and sr.stage_number in (1, 5)
  cross join lateral (
    select case sr.stage_number when 1 then 'readinessScore' else 'sessionValueRating' end as field,
           (sr.responses -> 'fields' ->> case sr.stage_number when 1 then 'readinessScore' else 'sessionValueRating' end)::numeric as value
  ) r
  where s.user_id = mc.client_id and s.program_id = mc.program_id and s.visibility = 'shared'
    and s.started_at > $3::timestamptz - interval '14 days'
    and r.value <= $4
  order by r.value, at desc
  limit 1
) low on true
-- A shared session paused by a crisis signal, still paused.
left join lateral (
  select s.id, s.title, s.paused_at
  from public.coaching_sessions s
  where s.user_id = mc.client_id and s.program_id = mc.program_id and s.visibility = 'shared' and s.paused_at is not null
  order by s.paused_at desc
  limit 1
) crisis on true
left join lateral (
  select jsonb_object_agg(d.reason, d.dismissed_at) as dismissals
  from public.attention_dismissals d
  where d.coach_id = $1 and d.client_id = mc.client_id and d.program_id = mc.program_id
) dismissed on true
order by mc.client_name, mc.client_id, mc.program_id`

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString())

function toSignals(row: SignalRow): ClientSignals {
  return {
    clientId: row.client_id,
    clientName: row.client_name,
    programId: row.program_id,
    programName: row.program_name,
    timeZone: row.time_zone,
    inactivityDays: row.inactivity_days,
    joinedAt: iso(row.joined_at)!,
    due7: row.due7,
    done7: row.done7,
    due30: row.due30,
    done30: row.done30,
    lastMissedAt: iso(row.last_missed_at),
    overdueSessions: { count: row.overdue_sessions, latestTitle: row.overdue_session_title, latestDueAt: iso(row.overdue_session_due_at) },
    overduePlans: { count: row.overdue_plans, latestTitle: row.overdue_plan_title, latestDueDate: row.overdue_plan_due, overdueSince: iso(row.overdue_plan_since) },
    lastActivityAt: [iso(row.last_session_at), iso(row.last_measure_at)].filter((v): v is string => v !== null).sort().at(-1) ?? null,
    lowRating:
      row.low_session_id && row.low_field && row.low_value !== null && row.low_at
        ? { sessionId: row.low_session_id, title: row.low_title ?? 'A session', field: row.low_field, value: Number(row.low_value), at: iso(row.low_at)! }
        : null,
    crisis: row.crisis_session_id && row.crisis_paused_at ? { sessionId: row.crisis_session_id, title: row.crisis_title ?? 'A session', pausedAt: iso(row.crisis_paused_at)! } : null,
    dismissedAt: Object.fromEntries(Object.entries(row.dismissals ?? {}).map(([reason, at]) => [reason, iso(at)!])),
  }
}

/** What SQL counts about each client the coach coaches (in one program, or all of theirs), as the coach sees it. */
export async function clientSignals(
  db: Database,
  { userId, programId = null, now = new Date() }: { userId: string; programId?: string | null; now?: Date },
): Promise<ClientSignals[]> {
  const rows = await db.asUser(userId, (tx) => tx.query<SignalRow>(signalsSql, [userId, programId, now.toISOString(), attentionThresholds.lowRating]))
  return rows.map(toSignals)
}

export interface AttentionList {
  clients: ClientNeedingAttention[]
  /** Clients needing attention beyond the first `attentionListLimit`. */
  more: number
}

const urgency = (client: ClientNeedingAttention) => Math.min(...client.items.map((item) => attentionReasons.indexOf(item.reason)))

/** The coach's clients who need attention, the most urgent first (a crisis pause before a low rating, and so on). */
export async function listNeedsAttention(
  db: Database,
  { userId, programId = null, now = new Date() }: { userId: string; programId?: string | null; now?: Date },
): Promise<AttentionList> {
  const signals = await clientSignals(db, { userId, programId, now })
  const clients = signals
    .map((client) => needsAttention(client, now))
    .filter((client): client is ClientNeedingAttention => client !== null)
    .sort((a, b) => urgency(a) - urgency(b) || b.items.length - a.items.length || a.clientName.localeCompare(b.clientName))
  return { clients: clients.slice(0, attentionListLimit), more: Math.max(0, clients.length - attentionListLimit) }
}

/**
 * Dismisses reasons for a client: each stays hidden until it has evidence newer than now.
 * Only a coach of the client in that program can (the policy says so; nothing is written otherwise).
 */
export async function dismissAttention(
  db: Database,
  { userId, clientId, programId, reasons }: { userId: string; clientId: string; programId: string; reasons: readonly AttentionReason[] },
): Promise<void> {
  await db.asUser(userId, async (tx) => {
    for (const reason of reasons) await upsertDismissal(tx, { userId, clientId, programId, reason })
  })
}

/** Within a coach's transaction: dismisses one reason (sending a follow-up does this too). */
export async function upsertDismissal(tx: Tx, { userId, clientId, programId, reason }: { userId: string; clientId: string; programId: string; reason: AttentionReason }) {
  const [coaches] = await tx.query<{ ok: boolean }>(
    'select exists (select 1 from private.my_clients() c where c.client_id = $1 and c.program_id = $2) as ok',
    [clientId, programId],
  )
  if (!coaches?.ok) throw new AppError('not_found', 'That person is not a client you coach in this program.')
  await tx.query(
    `insert into public.attention_dismissals (coach_id, client_id, program_id, reason) values ($1, $2, $3, $4)
     on conflict (coach_id, client_id, program_id, reason) do update set dismissed_at = now()`,
    [userId, clientId, programId, reason],
  )
}
