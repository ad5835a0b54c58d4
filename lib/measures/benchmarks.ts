import type { Database } from '../db/database'
import { AppError } from '../errors'
import {
  benchmarkKindInfo,
  prescribedWeight,
  recordBenchmarkSchema,
  type BenchmarkKind,
  type PrescribedWeight,
  type RecordBenchmarkInput,
} from './measures.shared'

/**
 * Benchmarks over time: entered directly (a 1RM for an exercise, FTP, heart-rate zones,
 * paces, a program's own), or written by the database from a measure of a benchmark metric.
 * For each benchmark the latest by date is current; a value whose measure was corrected
 * gives way to the correction's.
 */

export interface Benchmark {
  id: string
  kind: BenchmarkKind
  exerciseId: string | null
  exerciseName: string | null
  name: string
  value: number
  unit: string
  zones: number[] | null
  recordedOn: string
  recordedAt: Date
  programId: string | null
  measureId: string | null
}

type BenchmarkRow = {
  id: string
  kind: BenchmarkKind
  exercise_id: string | null
  exercise_name: string | null
  name: string | null
  value: number
  unit: string
  zones: number[] | null
  recorded_on: string
  recorded_at: Date
  program_id: string | null
  measure_id: string | null
}

const benchmarkColumns = `
  b.id, b.kind, b.exercise_id, (select e.name from public.exercises e where e.id = b.exercise_id) as exercise_name,
  b.name, b.value::float8 as value, b.unit, b.zones::float8[] as zones, b.recorded_on::text as recorded_on, b.recorded_at,
  b.program_id, b.measure_id`

/** A value stands unless the measure it came from was corrected. */
const standing = `(b.measure_id is null or not exists (select 1 from public.measures n where n.supersedes_id = b.measure_id))`

function toBenchmark(row: BenchmarkRow): Benchmark {
  return {
    id: row.id,
    kind: row.kind,
    exerciseId: row.exercise_id,
    exerciseName: row.exercise_name,
    name: row.name ?? (row.kind === 'one_rep_max' && row.exercise_name ? `${row.exercise_name} 1RM` : benchmarkKindInfo[row.kind].label),
    value: Number(row.value),
    unit: row.unit,
    zones: row.zones ? row.zones.map(Number) : null,
    recordedOn: row.recorded_on,
    recordedAt: row.recorded_at,
    programId: row.program_id,
    measureId: row.measure_id,
  }
}

/**
 * Enters a benchmark value for the signed-in person, or (as their coach, with programId)
 * for a client. With a programId the value is shared with that program's coaches; without,
 * it is the person's own.
 */
export async function recordBenchmark(
  db: Database,
  { userId, clientId = userId, programId = null, ...input }: { userId: string; clientId?: string; programId?: string | null } & RecordBenchmarkInput,
): Promise<Benchmark> {
  const parsed = recordBenchmarkSchema.safeParse(input)
  if (!parsed.success) {
    throw new AppError('invalid', parsed.error.issues[0]?.message ?? 'Check the benchmark.', {
      [parsed.error.issues[0]?.path.map(String).join('.') || 'form']: parsed.error.issues.map((issue) => issue.message),
    })
  }
  const b = parsed.data
  return db.asUser(userId, async (tx) => {
    const [row] = await tx.query<{ id: string }>(
      `insert into public.benchmarks (user_id, program_id, kind, exercise_id, name, value, unit, zones, recorded_on)
       values ($1, $2, $3, $4, $5, $6, $7, $8::numeric[], $9::date)
       returning id`,
      [clientId, programId, b.kind, b.exerciseId, b.name, b.value, b.unit ?? benchmarkKindInfo[b.kind].unit ?? 'units', b.zones, b.recordedOn],
    )
    const [read] = await tx.query<BenchmarkRow>(`select ${benchmarkColumns} from public.benchmarks b where b.id = $1`, [row!.id])
    return toBenchmark(read!)
  })
}

/** One benchmark's values over time, oldest first (for a chart and its table). */
export async function benchmarkHistory(
  db: Database,
  { userId, clientId = userId, kind, exerciseId = null, name = null }: { userId: string; clientId?: string; kind: BenchmarkKind; exerciseId?: string | null; name?: string | null },
): Promise<Benchmark[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<BenchmarkRow>(
      `select ${benchmarkColumns}
       from public.benchmarks b
       where b.user_id = $1 and b.kind = $2
         and b.exercise_id is not distinct from $3::uuid
         and ($4::text is null or lower(b.name) = lower($4))
         and ${standing}
       order by b.recorded_on, b.recorded_at
       limit 1000`,
      [clientId, kind, exerciseId, name],
    ),
  )
  return rows.map(toBenchmark)
}

/** The current value of each of a person's benchmarks: the latest by date. */
export async function currentBenchmarks(db: Database, { userId, clientId = userId }: { userId: string; clientId?: string }): Promise<Benchmark[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<BenchmarkRow>(
      `select * from (
         select distinct on (b.kind, b.exercise_id, case when b.kind = 'custom' then lower(b.name) end) ${benchmarkColumns}
         from public.benchmarks b
         where b.user_id = $1 and ${standing}
         order by b.kind, b.exercise_id, case when b.kind = 'custom' then lower(b.name) end, b.recorded_on desc, b.recorded_at desc
       ) current
       order by current.kind, current.name`,
      [clientId],
    ),
  )
  return rows.map(toBenchmark)
}

/** The current 1RM of an exercise, in kg; null when there is none yet. */
export async function currentOneRepMax(
  db: Database,
  { userId, clientId = userId, exerciseId }: { userId: string; clientId?: string; exerciseId: string },
): Promise<number | null> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ value: number }>(
      `select b.value::float8 as value from public.benchmarks b
       where b.user_id = $1 and b.kind = 'one_rep_max' and b.exercise_id = $2 and ${standing}
       order by b.recorded_on desc, b.recorded_at desc
       limit 1`,
      [clientId, exerciseId],
    ),
  )
  return row ? Number(row.value) : null
}

/** "75 % of 1RM" for a person and exercise, in kilograms from their current 1RM (or why not). */
export async function prescribedWeightFor(
  db: Database,
  { userId, clientId = userId, exerciseId, exerciseName, percent }: { userId: string; clientId?: string; exerciseId: string; exerciseName: string; percent: number },
): Promise<PrescribedWeight> {
  const oneRepMax = await currentOneRepMax(db, { userId, clientId, exerciseId })
  return prescribedWeight({ percent, oneRepMax, exerciseName })
}

/**
 * For each item of a session prescribed as a % of 1RM, the weight that is in kilograms from
 * the client's current 1RM for its exercise (or that there is no 1RM yet), by item key —
 * what the session page shows under the prescription, to the client and their coach.
 */
export async function prescribedWeightsOf(db: Database, { userId, sessionId }: { userId: string; sessionId: string }): Promise<Record<string, string>> {
  const [session] = await db.asUser(userId, (tx) =>
    tx.query<{ user_id: string; items: unknown }>('select user_id, items from public.coaching_sessions where id = $1', [sessionId]),
  )
  if (!session || !Array.isArray(session.items)) return {}
  const wanted = (session.items as { key?: string; exercise?: { id?: string; name?: string } | null; prescription?: { type?: string; intensity?: { kind?: string; value?: number } | null } | null }[]).flatMap(
    (item) =>
      item.key && item.exercise?.id && item.exercise.name && item.prescription?.type === 'strength' && item.prescription.intensity?.kind === 'percent_1rm' && typeof item.prescription.intensity.value === 'number'
        ? [{ key: item.key, exerciseId: item.exercise.id, exerciseName: item.exercise.name, percent: item.prescription.intensity.value }]
        : [],
  )
  const entries = await Promise.all(
    wanted.map(async (item) => [item.key, (await prescribedWeightFor(db, { userId, clientId: session.user_id, exerciseId: item.exerciseId, exerciseName: item.exerciseName, percent: item.percent })).text] as const),
  )
  return Object.fromEntries(entries)
}
