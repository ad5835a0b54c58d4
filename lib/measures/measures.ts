import type { Database, Tx } from '../db/database'
import { AppError } from '../errors'
import { bandEdges, complianceBandInfo, type ComplianceBand } from './compliance.shared'
import {
  correctMeasureSchema,
  recordMeasureSchema,
  type CorrectMeasureInput,
  type MeasureValue,
  type Modification,
  type RecordMeasureInput,
  type TrainingDetailsFormValue,
} from './measures.shared'

/**
 * Recording what was done, as the person doing it (or their coach), under row-level
 * security. The database holds the rules (supabase/migrations/20261203003000_measures.sql):
 * a measure with no session goes in the active one or starts one; a log is in time within
 * 7 days of the session's date; the session's time slot and competition are the measure's;
 * a measure never changes, and a correction is a new version. Its refusals arrive as
 * AppErrors with the database's own message.
 */

export interface Measure {
  id: string
  sessionId: string
  sessionTitle: string
  sessionDate: string
  /** The session's, inherited: never asked per entry. */
  timeSlot: string | null
  itemKey: string | null
  exerciseId: string | null
  metricKey: string
  setNumber: number | null
  value: MeasureValue | null
  unit: string | null
  modification: Modification | null
  recordedBy: 'client' | 'coach'
  recordedAt: Date
  competition: { type: string; id: string } | null
  supersedesId: string | null
  /** The version that corrects this one; null while this is the current value. */
  supersededById: string | null
  /** The id a device gave it when it was recorded offline (decision 030); null when recorded online. */
  clientId: string | null
}

type MeasureRow = {
  id: string
  session_id: string
  session_title: string
  session_date: string
  time_slot: string | null
  item_key: string | null
  exercise_id: string | null
  metric_key: string
  set_number: number | null
  value_numeric: number | null
  value_scale: number | null
  value_boolean: boolean | null
  value_text: string | null
  unit: string | null
  modification: Modification['kind'] | null
  modification_reason: string | null
  recorded_by: 'client' | 'coach'
  recorded_at: Date
  competition_type: string | null
  competition_id: string | null
  supersedes_id: string | null
  superseded_by_id: string | null
  client_id: string | null
}

const measureColumns = `
  m.id, m.session_id, s.title as session_title, s.session_date::text as session_date, s.time_slot,
  m.item_key, m.exercise_id, m.metric_key, m.set_number, m.value_numeric::float8 as value_numeric, m.value_scale,
  m.value_boolean, m.value_text, m.unit, m.modification, m.modification_reason, m.recorded_by, m.recorded_at,
  m.competition_type, m.competition_id, m.supersedes_id, m.client_id,
  (select n.id from public.measures n where n.supersedes_id = m.id) as superseded_by_id`

function toMeasure(row: MeasureRow): Measure {
  const value: MeasureValue | null =
    row.value_numeric !== null
      ? { kind: 'number', value: Number(row.value_numeric) }
      : row.value_scale !== null
        ? { kind: 'scale', value: row.value_scale }
        : row.value_boolean !== null
          ? { kind: 'yes_no', value: row.value_boolean }
          : row.value_text !== null
            ? { kind: 'text', value: row.value_text }
            : null
  return {
    id: row.id,
    sessionId: row.session_id,
    sessionTitle: row.session_title,
    sessionDate: row.session_date,
    timeSlot: row.time_slot,
    itemKey: row.item_key,
    exerciseId: row.exercise_id,
    metricKey: row.metric_key,
    setNumber: row.set_number,
    value,
    unit: row.unit,
    modification: row.modification && row.modification_reason ? { kind: row.modification, reason: row.modification_reason } : null,
    recordedBy: row.recorded_by,
    recordedAt: row.recorded_at,
    competition: row.competition_type && row.competition_id ? { type: row.competition_type, id: row.competition_id } : null,
    supersedesId: row.supersedes_id,
    supersededById: row.superseded_by_id,
    clientId: row.client_id,
  }
}

function invalid(issues: { path: PropertyKey[]; message: string }[]): AppError {
  const fieldErrors: Record<string, string[]> = {}
  for (const issue of issues) (fieldErrors[issue.path.map(String).join('.') || 'form'] ??= []).push(issue.message)
  return new AppError('invalid', issues[0]?.message ?? 'Check the values given.', fieldErrors)
}

const valueColumns = (value: MeasureValue | null) => [
  value?.kind === 'number' ? value.value : null,
  value?.kind === 'scale' ? value.value : null,
  value?.kind === 'yes_no' ? value.value : null,
  value?.kind === 'text' ? value.value : null,
]

async function readMeasure(tx: Tx, id: string): Promise<Measure> {
  const [row] = await tx.query<MeasureRow>(
    `select ${measureColumns} from public.measures m join public.coaching_sessions s on s.id = m.session_id where m.id = $1`,
    [id],
  )
  if (!row) throw new Error('A measure just recorded could not be read back')
  return toMeasure(row)
}

/**
 * Records one actual. With no session, it goes in the person's active session, or starts
 * one of their default type named "{type} — {date}" (two at once end in the same one).
 */
export async function recordMeasure(db: Database, { userId, ...input }: { userId: string } & RecordMeasureInput): Promise<Measure> {
  const parsed = recordMeasureSchema.safeParse(input)
  if (!parsed.success) throw invalid(parsed.error.issues)
  const m = parsed.data
  return db.asUser(userId, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into public.measures
         (session_id, item_key, exercise_id, metric_key, set_number, value_numeric, value_scale, value_boolean, value_text,
          unit, modification, modification_reason, recorded_by, recorder_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'client', $13)
       returning id`,
      [
        m.sessionId, m.itemKey, m.exerciseId, m.metricKey, m.setNumber, ...valueColumns(m.value),
        m.unit, m.modification?.kind ?? null, m.modification?.reason ?? null, userId,
      ],
    )
    return readMeasure(tx, row!.id)
  })
}

/** Corrects a measure: a new version superseding it (the old one stays in the history). */
export async function correctMeasure(db: Database, { userId, ...input }: { userId: string } & CorrectMeasureInput): Promise<Measure> {
  const parsed = correctMeasureSchema.safeParse(input)
  if (!parsed.success) throw invalid(parsed.error.issues)
  const c = parsed.data
  return db.asUser(userId, async (tx) => {
    const [prior] = await tx.query<{ metric_key: string }>('select metric_key from public.measures where id = $1', [c.measureId])
    if (!prior) throw new AppError('not_found', 'That measure does not exist, or you cannot correct it.')
    const [row] = await tx.query<{ id: string }>(
      `insert into public.measures
         (supersedes_id, metric_key, value_numeric, value_scale, value_boolean, value_text, unit, modification, modification_reason, recorded_by, recorder_id)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'client', $10)
       returning id`,
      [c.measureId, prior.metric_key, ...valueColumns(c.value), c.unit, c.modification?.kind ?? null, c.modification?.reason ?? null, userId],
    )
    return readMeasure(tx, row!.id)
  })
}

/**
 * A person's measures, newest first, every version (a corrected value and its correction
 * both appear; supersededById says which is current), optionally of one session, metric
 * or exercise. The viewer is the person or their coach; each sees what the policies allow.
 */
export async function measureHistory(
  db: Database,
  {
    userId,
    clientId = userId,
    sessionId = null,
    metricKey = null,
    exerciseId = null,
    currentOnly = false,
    limit = 200,
  }: {
    userId: string
    /** Whose measures; null with a sessionId: whoever's that session is. */
    clientId?: string | null
    sessionId?: string | null
    metricKey?: string | null
    exerciseId?: string | null
    currentOnly?: boolean
    limit?: number
  },
): Promise<Measure[]> {
  if (clientId === null && sessionId === null) throw new Error('measureHistory needs a client or a session')
  // Only the filters given, so the planner reads the person's metric (or the session) through
  // its index in recorded order, a page's worth, however long the history.
  const params: unknown[] = []
  const where: string[] = []
  const filter = (sql: (param: string) => string, value: unknown) => {
    params.push(value)
    where.push(sql(`$${params.length}`))
  }
  if (clientId !== null) filter((p) => `m.user_id = ${p}::uuid`, clientId)
  if (sessionId !== null) filter((p) => `m.session_id = ${p}::uuid`, sessionId)
  if (metricKey !== null) filter((p) => `m.metric_key = ${p}`, metricKey.toLowerCase())
  if (exerciseId !== null) filter((p) => `m.exercise_id = ${p}::uuid`, exerciseId)
  if (currentOnly) where.push('not exists (select 1 from public.measures n where n.supersedes_id = m.id)')
  params.push(Math.min(Math.max(limit, 1), 1000))
  const rows = await db.asUser(userId, (tx) =>
    tx.query<MeasureRow>(
      `select ${measureColumns}
       from public.measures m
       join public.coaching_sessions s on s.id = m.session_id
       where ${where.join(' and ')}
       order by m.recorded_at desc, m.id
       limit $${params.length}`,
      params,
    ),
  )
  return rows.map(toMeasure)
}

// ─── compliance, in SQL ──────────────────────────────────────────────────────────────

/** The band of a ratio column, with the edges of compliance.shared.ts. */
export const complianceBandSql = (ratio: string) => `case
    when ${ratio} between ${bandEdges.onPlanFrom} and ${bandEdges.onPlanTo} then 'on_plan'
    when ${ratio} between ${bandEdges.nearFrom} and ${bandEdges.nearTo} then 'near'
    else 'off' end`

export interface MetricCompliance {
  itemKey: string
  itemTitle: string
  metricKey: string
  label: string
  unit: string | null
  target: number | null
  targetMin: number | null
  targetMax: number | null
  /** The mean of the current values (sets are averaged); null when not done or skipped. */
  actual: number | null
  band: ComplianceBand
  percent: number | null
  colour: 'green' | 'amber' | 'red'
  /** The reason given for a skipped or substituted item, beside the colour. */
  reason: string | null
}

export interface SessionCompliance {
  metrics: MetricCompliance[]
  onPlan: number
  planned: number
  /** onPlan ÷ planned; null when the session planned no numeric target. */
  shareOnPlan: number | null
}

/**
 * A session's planned numeric metrics (those with a target or a range in its snapshot)
 * against their current actuals: each one's band, and the share on plan.
 */
export async function sessionCompliance(db: Database, { userId, sessionId }: { userId: string; sessionId: string }): Promise<SessionCompliance> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{
      item_key: string
      item_title: string
      metric_key: string
      label: string
      unit: string | null
      target: number | null
      target_min: number | null
      target_max: number | null
      actual: number | null
      ratio: number | null
      band: ComplianceBand
      reason: string | null
    }>(
      `with planned as (
         select (i.item ->> 'key')::uuid as item_key, i.item ->> 'title' as item_title,
                lower(x.metric ->> 'key') as metric_key, x.metric ->> 'label' as label, x.metric ->> 'unit' as unit,
                (x.metric ->> 'target')::numeric as target, (x.metric ->> 'targetMin')::numeric as target_min,
                (x.metric ->> 'targetMax')::numeric as target_max, i.n as item_n, x.n as metric_n
         from public.coaching_sessions s,
              jsonb_array_elements(s.items) with ordinality i(item, n),
              jsonb_array_elements(i.item -> 'metrics') with ordinality x(metric, n)
         where s.id = $1 and x.metric ->> 'kind' in ('number', 'scale')
           and (jsonb_typeof(x.metric -> 'target') = 'number' or jsonb_typeof(x.metric -> 'targetMin') = 'number')
       ),
       actuals as (
         select m.item_key, m.metric_key, avg(coalesce(m.value_numeric, m.value_scale)) as actual,
                string_agg(distinct m.modification_reason, '; ') as reason
         from public.measures m
         where m.session_id = $1 and not exists (select 1 from public.measures n where n.supersedes_id = m.id)
         group by m.item_key, m.metric_key
       ),
       rated as (
         select p.*, a.actual, a.reason,
                case
                  when a.actual is null then null
                  when p.target is not null then case when p.target > 0 then a.actual / p.target end
                  when a.actual < p.target_min then case when p.target_min > 0 then a.actual / p.target_min end
                  when a.actual > p.target_max then case when p.target_max > 0 then a.actual / p.target_max end
                  else 1
                end as ratio
         from planned p
         left join actuals a on a.item_key = p.item_key and a.metric_key = p.metric_key
       )
       select item_key, item_title, metric_key, label, unit, target::float8 as target, target_min::float8 as target_min,
              target_max::float8 as target_max, actual::float8 as actual, ratio::float8 as ratio, reason,
              ${complianceBandSql('ratio')} as band
       from rated
       order by item_n, metric_n`,
      [sessionId],
    ),
  )
  const metrics = rows.map((row) => ({
    itemKey: row.item_key,
    itemTitle: row.item_title,
    metricKey: row.metric_key,
    label: row.label,
    unit: row.unit,
    target: row.target,
    targetMin: row.target_min,
    targetMax: row.target_max,
    actual: row.actual,
    band: row.band,
    percent: row.ratio === null ? null : Math.round(row.ratio * 100),
    colour: complianceBandInfo[row.band].colour,
    reason: row.reason,
  }))
  const onPlan = metrics.filter((metric) => metric.band === 'on_plan').length
  return { metrics, onPlan, planned: metrics.length, shareOnPlan: metrics.length === 0 ? null : onPlan / metrics.length }
}

export interface Adherence {
  days: 7 | 30 | 90
  /** Planned sessions (with a due date) that fell due in the window, not cancelled. */
  due: number
  completed: number
  /** completed ÷ due; null when nothing fell due. */
  share: number | null
}

/**
 * A client's adherence over the last 7, 30 and 90 days: completed planned sessions ÷
 * planned sessions due, counted in SQL through the due-date index. The viewer (the client,
 * or a coach who sees the sessions shared with them) counts what the policies let them see.
 */
export async function clientAdherence(
  db: Database,
  { userId, clientId = userId, now = new Date() }: { userId: string; clientId?: string; now?: Date },
): Promise<Adherence[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ days: number; due: number; completed: number }>(
      `select d.days, count(s.id)::int as due, count(s.completed_at)::int as completed
       from (values (7), (30), (90)) d(days)
       left join public.coaching_sessions s
         on s.user_id = $1 and s.due_at is not null and s.cancelled_at is null
        and s.due_at <= $2::timestamptz and s.due_at > $2::timestamptz - make_interval(days => d.days)
       group by d.days
       order by d.days`,
      [clientId, now.toISOString()],
    ),
  )
  return rows.map((row) => ({
    days: row.days as Adherence['days'],
    due: row.due,
    completed: row.completed,
    share: row.due === 0 ? null : row.completed / row.due,
  }))
}

// ─── a training session's details ────────────────────────────────────────────────────

export interface TrainingDetails {
  activityType: string
  activityLabel: string | null
  sessionDate: string
  plannedDate: string | null
  isRetroactive: boolean
  timeSlot: string | null
  isCompetition: boolean
  competitionType: string | null
  competitionId: string | null
  /** The activity types the person may choose: the system's and their programs'. */
  types: { code: string; label: string }[]
}

/** A session's training details and the activity types to choose from, as the viewer sees them. */
export async function trainingDetails(db: Database, { userId, sessionId }: { userId: string; sessionId: string }): Promise<TrainingDetails | null> {
  return db.asUser(userId, async (tx) => {
    const [row] = await tx.query<{
      activity_type: string
      activity_label: string | null
      session_date: string
      planned_date: string | null
      is_retroactive: boolean
      time_slot: string | null
      is_competition: boolean
      competition_type: string | null
      competition_id: string | null
      program_id: string | null
    }>(
      `select activity_type, activity_label, session_date::text, planned_date::text, is_retroactive, time_slot,
              is_competition, competition_type, competition_id, program_id
       from public.coaching_sessions where id = $1`,
      [sessionId],
    )
    if (!row) return null
    const types = await tx.query<{ code: string; label: string }>(
      `select distinct on (code) code, label from public.session_types
       where program_id is null or program_id = $1
       order by code, program_id nulls last
       limit 100`,
      [row.program_id],
    )
    return {
      activityType: row.activity_type,
      activityLabel: row.activity_label,
      sessionDate: row.session_date,
      plannedDate: row.planned_date,
      isRetroactive: row.is_retroactive,
      timeSlot: row.time_slot,
      isCompetition: row.is_competition,
      competitionType: row.competition_type,
      competitionId: row.competition_id,
      types,
    }
  })
}

/**
 * Changes a session's training details as the signed-in person (row-level security decides
 * who: the client in their own sessions, the coach in those they assigned). The database
 * checks the rest and says what is wrong: a day outside the retro window, a competition
 * changed once measures carry it, a completed session.
 */
export async function updateTrainingDetails(
  db: Database,
  { userId, sessionId, details }: { userId: string; sessionId: string; details: Omit<TrainingDetailsFormValue, 'intent'> },
): Promise<void> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query(
      `update public.coaching_sessions
       set activity_type = $2, activity_label = $3, session_date = $4::date, time_slot = $5,
           is_competition = $6, competition_type = $7, competition_id = $8
       where id = $1 and completed_at is null
       returning id`,
      [
        sessionId,
        details.activityType,
        details.activityType === 'CUSTOM' ? details.activityLabel : null,
        details.sessionDate,
        details.timeSlot,
        details.isCompetition,
        details.isCompetition ? details.competitionType : null,
        details.isCompetition ? details.competitionId : null,
      ],
    ),
  )
  if (rows.length === 0) throw new AppError('not_found', 'This session is complete, or not yours to change.')
}
