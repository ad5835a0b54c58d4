import { stages } from '../coaching/stages.shared'
import type { Database } from '../db/database'
import { benchmarkHistory, currentBenchmarks, type Benchmark } from './benchmarks'
import { clientAdherence, type Adherence } from './measures'

/**
 * A client's progress over time, for the charts of the progress page (issue 12, points 8
 * and 9): benchmarks, a planned metric's actual against its target, weekly adherence, and
 * the ratings the five stages collect. Every series is read as the viewer — the client, or
 * their coach, who sees only what is shared with them — and is a bounded page (the latest
 * sessions or weeks), so the page costs the same after years of history. The numbers are
 * counted here and in SQL, never by a model.
 */

/** The ratings the stages collect, from the stage registry: each rating field, with its stage. */
export const ratingSeries = stages.flatMap((stage) =>
  stage.fieldSpecs.filter((spec) => spec.kind === 'rating').map((spec) => ({ stage: stage.number, stageName: stage.name, key: spec.key, label: spec.label })),
)

export interface RatingPoint {
  sessionId: string
  sessionDate: string
  /** Field key → the 1–10 the client gave, for the ratings this session has. */
  values: Record<string, number>
}

/** How many sessions, weeks and benchmark values a chart shows at most. */
export const progressWindow = { sessions: 20, weeks: 12, benchmarkValues: 52 } as const

export interface MetricPoint {
  sessionId: string
  sessionDate: string
  target: number | null
  actual: number | null
}

export interface WeekAdherence {
  weekStart: string
  due: number
  completed: number
  share: number | null
}

export interface Progress {
  adherence: Adherence[]
  weeks: WeekAdherence[]
  benchmarks: { current: Benchmark; history: Benchmark[] }[]
  ratings: RatingPoint[]
  /** The labels of the planned numeric metrics in the latest sessions, for choosing a chart. */
  metricLabels: string[]
  metric: { label: string; unit: string | null; points: MetricPoint[] } | null
}

export async function clientProgress(
  db: Database,
  { userId, clientId = userId, metricLabel = null, now = new Date() }: { userId: string; clientId?: string; metricLabel?: string | null; now?: Date },
): Promise<Progress> {
  const [adherence, weeks, ratings, metricLabels, current] = await Promise.all([
    clientAdherence(db, { userId, clientId, now }),
    weeklyAdherence(db, { userId, clientId, now }),
    ratingsOverTime(db, { userId, clientId }),
    plannedMetricLabels(db, { userId, clientId }),
    currentBenchmarks(db, { userId, clientId }),
  ])
  const benchmarks = await Promise.all(
    current.map(async (benchmark) => ({
      current: benchmark,
      history: (
        await benchmarkHistory(db, { userId, clientId, kind: benchmark.kind, exerciseId: benchmark.exerciseId, name: benchmark.kind === 'custom' ? benchmark.name : null })
      ).slice(-progressWindow.benchmarkValues),
    })),
  )
  const label = metricLabel && metricLabels.some((known) => known.toLowerCase() === metricLabel.toLowerCase()) ? metricLabel : (metricLabels[0] ?? null)
  const metric = label ? await metricOverSessions(db, { userId, clientId, label }) : null
  return { adherence, weeks, benchmarks, ratings, metricLabels, metric }
}

/** Planned sessions due and completed per week (Monday to Sunday where the client lives), the latest weeks, oldest first. */
export async function weeklyAdherence(db: Database, { userId, clientId, now = new Date() }: { userId: string; clientId: string; now?: Date }): Promise<WeekAdherence[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ week_start: string; due: number; completed: number }>(
      `with zone as (select coalesce((select timezone from public.profiles where id = $1), 'UTC') as name),
       weeks as (
         select (date_trunc('week', ($2::timestamptz at time zone z.name))::date - 7 * g) as week_start, z.name as zone
         from zone z, generate_series(0, $3 - 1) g
       )
       select w.week_start::text, count(s.id)::int as due, count(s.completed_at)::int as completed
       from weeks w
       left join public.coaching_sessions s
         on s.user_id = $1 and s.due_at is not null and s.cancelled_at is null
        and s.due_at >= (w.week_start::timestamp at time zone w.zone)
        and s.due_at < ((w.week_start + 7)::timestamp at time zone w.zone)
        and s.due_at <= $2::timestamptz
       group by w.week_start
       order by w.week_start`,
      [clientId, now.toISOString(), progressWindow.weeks],
    ),
  )
  return rows.map((row) => ({ weekStart: row.week_start, due: row.due, completed: row.completed, share: row.due === 0 ? null : row.completed / row.due }))
}

/** The stage ratings of the client's latest sessions that have any, oldest first. */
export async function ratingsOverTime(db: Database, { userId, clientId }: { userId: string; clientId: string }): Promise<RatingPoint[]> {
  const stageNumbers = [...new Set(ratingSeries.map((series) => series.stage))]
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ session_id: string; session_date: string; stage_number: number; fields: Record<string, unknown> | null }>(
      `with recent as (
         select s.id, s.session_date from public.coaching_sessions s
         where s.user_id = $1 and s.cancelled_at is null and s.has_conversation
         order by s.created_at desc
         limit $3
       )
       select r.id as session_id, r.session_date::text, sr.stage_number, sr.responses -> 'fields' as fields
       from recent r
       join public.stage_responses sr on sr.session_id = r.id and sr.stage_number = any($2::smallint[])
       order by r.session_date, r.id, sr.stage_number`,
      [clientId, stageNumbers, progressWindow.sessions],
    ),
  )
  const points = new Map<string, RatingPoint>()
  for (const row of rows) {
    for (const series of ratingSeries.filter((s) => s.stage === row.stage_number)) {
      const value = row.fields?.[series.key]
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 10) continue
      const point = points.get(row.session_id) ?? { sessionId: row.session_id, sessionDate: row.session_date, values: {} }
      point.values[series.key] = value
      points.set(row.session_id, point)
    }
  }
  return [...points.values()]
}

const recentPlanned = `
  with recent as (
    select s.id, s.session_date, s.created_at, s.items from public.coaching_sessions s
    where s.user_id = $1 and s.cancelled_at is null and s.items <> '[]'::jsonb
    order by s.created_at desc
    limit ${progressWindow.sessions}
  ),
  planned as (
    select r.id as session_id, r.session_date, r.created_at, (i.item ->> 'key')::uuid as item_key,
           lower(x.metric ->> 'key') as metric_key, x.metric ->> 'label' as label, x.metric ->> 'unit' as unit,
           coalesce((x.metric ->> 'target')::numeric, ((x.metric ->> 'targetMin')::numeric + (x.metric ->> 'targetMax')::numeric) / 2) as target
    from recent r,
         jsonb_array_elements(r.items) i(item),
         jsonb_array_elements(i.item -> 'metrics') x(metric)
    where x.metric ->> 'kind' in ('number', 'scale')
  )`

/** The numeric metrics planned in the client's latest sessions, by label. */
export async function plannedMetricLabels(db: Database, { userId, clientId }: { userId: string; clientId: string }): Promise<string[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ label: string }>(`${recentPlanned} select min(label) as label from planned group by lower(label) order by lower(min(label))`, [clientId]),
  )
  return rows.map((row) => row.label)
}

/**
 * A planned metric (by label) over the client's latest sessions that planned it: its target
 * (a range's middle) and the mean of the current recorded values, oldest first.
 */
export async function metricOverSessions(
  db: Database,
  { userId, clientId, label }: { userId: string; clientId: string; label: string },
): Promise<{ label: string; unit: string | null; points: MetricPoint[] }> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ session_id: string; session_date: string; unit: string | null; target: number | null; actual: number | null }>(
      `${recentPlanned}
       select p.session_id, p.session_date::text, min(p.unit) as unit, avg(p.target)::float8 as target,
              (select avg(coalesce(m.value_numeric, m.value_scale))::float8
               from public.measures m
               where m.session_id = p.session_id and m.metric_key = min(p.metric_key)
                 and not exists (select 1 from public.measures n where n.supersedes_id = m.id)) as actual
       from planned p
       where lower(p.label) = lower($2)
       group by p.session_id, p.session_date, p.created_at
       order by p.session_date, p.created_at`,
      [clientId, label],
    ),
  )
  return {
    label,
    unit: rows.find((row) => row.unit)?.unit ?? null,
    points: rows.map((row) => ({ sessionId: row.session_id, sessionDate: row.session_date, target: row.target, actual: row.actual })),
  }
}
