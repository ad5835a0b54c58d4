import { createHash } from 'node:crypto'
import { z } from 'zod'
import { delimit, generateStructured } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import { loadPrompt } from '../ai/prompts'
import type { Database, Tx } from '../db/database'
import { AppError } from '../errors'
import { addDays } from './weeks.shared'

/**
 * The weekly review (issue 13, point 3; decision 027): after a client's week ends, for every
 * client with a logged session that week, one review. The numbers — adherence and volume —
 * are counted in SQL here, never by a model. A model (through lib/ai, structured output
 * checked by `reviewWordsSchema`) writes only the fatigue analysis, patterns and suggestions,
 * from those numbers, what the client noted and what they said in the week's sessions that
 * the review's reader may see (`weekSaid`); without one, they are composed from the numbers
 * alone. Written by the job as the service, once per inputs: a second run with the
 * same inputs writes nothing, and a review a coach edited or released is never overwritten.
 */

export interface WeekNumbers {
  weekStart: string
  /** Planned sessions due that week, and done. */
  due: number
  completed: number
  adherence: number | null
  loggedSessions: number
  /** Strength: Σ weight × reps over the week's sets (current values only). */
  strengthKg: number
  sets: number
  endurance: { modality: string; minutes: number; distanceKm: number }[]
  averageRpe: number | null
  /** Reasons the client gave for skipped or substituted work, in their words. */
  reasons: string[]
}

export const reviewDisclaimer =
  'This review is general information drawn from what was logged, not medical advice. If something hurts or you feel unwell, talk to a qualified professional.'

/** What the model may write: the words only, each suggestion with its reasoning. */
export const reviewWordsSchema = z.object({
  fatigueAnalysis: z.string().trim().min(1).max(1500).describe('Two or three sentences on effort and fatigue, from the numbers and the client’s notes only.'),
  patterns: z.array(z.string().trim().min(1).max(300)).max(5).describe('What stands out in the week, one short sentence each.'),
  suggestions: z
    .array(
      z.object({
        suggestion: z.string().trim().min(1).max(300).describe('One concrete suggestion for next week.'),
        reasoning: z.string().trim().min(1, 'Every suggestion needs its reasoning.').max(500).describe('Why, from the numbers or the client’s notes.'),
      }),
    )
    .min(1)
    .max(3),
})
export type ReviewWords = z.infer<typeof reviewWordsSchema>

/** The week's numbers for a client, in SQL, as the service (the job) or as a reader. */
export async function weekNumbers(tx: Tx, { clientId, weekStart }: { clientId: string; weekStart: string }): Promise<WeekNumbers> {
  const [row] = await tx.query<{
    due: number
    completed: number
    logged_sessions: number
    strength_kg: number
    sets: number
    endurance: { modality: string; minutes: number; distance_km: number }[] | null
    average_rpe: number | null
    reasons: string[] | null
  }>(
    `with zone as (select coalesce((select timezone from public.profiles where id = $1), 'UTC') as name),
     bounds as (
       select ($2::date)::timestamp at time zone z.name as from_at, ($2::date + 7)::timestamp at time zone z.name as to_at from zone z
     ),
     planned as (
       select count(*)::int as due, count(s.completed_at)::int as completed
       from public.coaching_sessions s, bounds b
       where s.user_id = $1 and s.due_at >= b.from_at and s.due_at < b.to_at and s.cancelled_at is null
     ),
     week_measures as (
       select m.*, s.items from public.measures m
       join public.coaching_sessions s on s.id = m.session_id
       where m.user_id = $1 and s.session_date between $2::date and $2::date + 6 and s.cancelled_at is null
         and not exists (select 1 from public.measures n where n.supersedes_id = m.id)
     ),
     sets as (
       select max(value_numeric) filter (where metric_key = 'weight') as weight, max(value_numeric) filter (where metric_key = 'reps') as reps
       from week_measures where set_number is not null and metric_key in ('weight', 'reps')
       group by session_id, item_key, set_number
     ),
     efforts as (
       select coalesce((select i -> 'prescription' ->> 'modality' from jsonb_array_elements(w.items) i where (i ->> 'key')::uuid = w.item_key), 'other') as modality,
              w.metric_key, w.value_numeric
       from week_measures w where w.metric_key in ('duration', 'distance') and w.value_numeric is not null
     ),
     endurance as (
       select modality, sum(value_numeric) filter (where metric_key = 'duration')::float8 as minutes,
              sum(value_numeric) filter (where metric_key = 'distance')::float8 as distance_km
       from efforts group by modality
     )
     select p.due, p.completed,
            (select count(distinct session_id)::int from week_measures) as logged_sessions,
            coalesce((select sum(weight * reps) from sets where weight is not null and reps is not null), 0)::float8 as strength_kg,
            (select count(*)::int from sets where weight is not null and reps is not null) as sets,
            (select jsonb_agg(jsonb_build_object('modality', modality, 'minutes', coalesce(minutes, 0), 'distance_km', coalesce(distance_km, 0)) order by modality) from endurance) as endurance,
            (select round(avg(coalesce(value_scale, value_numeric)), 1)::float8 from week_measures where metric_key = 'rpe') as average_rpe,
            (select array_agg(distinct modification_reason) from week_measures where modification_reason is not null) as reasons
     from planned p`,
    [clientId, weekStart],
  )
  const numbers = row!
  return {
    weekStart,
    due: numbers.due,
    completed: numbers.completed,
    adherence: numbers.due === 0 ? null : Math.round((numbers.completed / numbers.due) * 1000) / 1000,
    loggedSessions: numbers.logged_sessions,
    strengthKg: numbers.strength_kg,
    sets: numbers.sets,
    endurance: (numbers.endurance ?? []).map((e) => ({ modality: e.modality, minutes: e.minutes, distanceKm: e.distance_km })),
    averageRpe: numbers.average_rpe,
    reasons: (numbers.reasons ?? []).sort(),
  }
}

/** What the client said in the week's sessions, bounded so a review's cost does not grow with how much they talk. */
export const saidLimits = { turns: 20, charsPerTurn: 400, chars: 4000 } as const

export interface SaidTurn {
  /** The session's day, so the model can tell the week's days apart. */
  day: string
  text: string
}

/**
 * The client's own turns in the conversations of the week's sessions, as far as the review's
 * reader may see them: in a coached program (programId given) only sessions shared in that
 * program — what its coaches read — never a private one; with no program the reader is the
 * client, who reads all of theirs. The last `saidLimits.turns` turns, each cut to
 * `charsPerTurn`, the oldest dropped first past `chars` in all; in the order they were said.
 */
export async function weekSaid(tx: Tx, { clientId, weekStart, programId }: { clientId: string; weekStart: string; programId: string | null }): Promise<SaidTurn[]> {
  const rows = await tx.query<{ day: string; text: string }>(
    `select t.day, t.text from (
       select s.session_date::text as day, left(btrim(e.msg ->> 'content'), $4) as text, e.msg ->> 'at' as said_at, r.stage_number, e.ord
       from public.coaching_sessions s
       join public.stage_responses r on r.session_id = s.id
       cross join lateral jsonb_array_elements(coalesce(r.responses -> 'transcript', '[]'::jsonb)) with ordinality as e(msg, ord)
       where s.user_id = $1 and s.session_date between $2::date and $2::date + 6 and s.cancelled_at is null
         and ($3::uuid is null or (s.visibility = 'shared' and s.program_id = $3::uuid))
         and e.msg ->> 'role' = 'client' and btrim(coalesce(e.msg ->> 'content', '')) <> ''
       order by said_at desc, s.session_date desc, r.stage_number desc, e.ord desc
       limit $5
     ) t`,
    [clientId, weekStart, programId, saidLimits.charsPerTurn, saidLimits.turns],
  )
  // Newest first from the query: keep turns while they fit, then give them back oldest first.
  const kept: SaidTurn[] = []
  let total = 0
  for (const row of rows) {
    if (total + row.text.length > saidLimits.chars) break
    total += row.text.length
    kept.push({ day: row.day, text: row.text })
  }
  return kept.reverse()
}

const kg = (value: number) => `${Math.round(value).toLocaleString('en')} kg`

/** The words without a model: what the numbers say, and one suggestion with its reasoning. */
export function reviewFromNumbers(numbers: WeekNumbers): ReviewWords {
  const patterns = [
    numbers.due > 0 ? `You did ${numbers.completed} of ${numbers.due} planned sessions.` : 'Nothing was planned this week; you logged on your own.',
    `${numbers.loggedSessions} session${numbers.loggedSessions === 1 ? '' : 's'} logged.`,
    ...(numbers.sets > 0 ? [`Strength: ${kg(numbers.strengthKg)} lifted over ${numbers.sets} sets.`] : []),
    ...numbers.endurance.map((e) => `${e.modality[0]!.toUpperCase()}${e.modality.slice(1)}: ${Math.round(e.minutes)} min${e.distanceKm > 0 ? `, ${e.distanceKm} km` : ''}.`),
  ]
  const fatigueAnalysis =
    numbers.averageRpe === null
      ? 'No effort ratings were recorded this week, so there is nothing to say about fatigue yet. Rating each session’s effort (RPE) makes next week’s review more useful.'
      : `Your average effort was ${numbers.averageRpe} out of 10. ${numbers.averageRpe >= 8 ? 'That is hard going: make sure next week has easier days too.' : 'That leaves room to build.'}`
  const missed = numbers.due - numbers.completed
  const suggestion =
    numbers.due > 0 && missed > 0
      ? {
          suggestion: 'Plan one session fewer next week, or move one to a day that worked this week.',
          reasoning: `${missed} of ${numbers.due} planned sessions were not done${numbers.reasons.length > 0 ? `; you noted: ${numbers.reasons.join('; ')}` : ''}.`,
        }
      : { suggestion: 'Keep the same rhythm next week.', reasoning: numbers.due > 0 ? `You did all ${numbers.due} planned sessions.` : `You logged ${numbers.loggedSessions} session${numbers.loggedSessions === 1 ? '' : 's'} without a plan.` }
  return { fatigueAnalysis, patterns, suggestions: [suggestion] }
}

/** The model's input: the numbers as context, and the client's words, each in the tags the model is told never to obey. */
export function reviewPrompt(numbers: WeekNumbers, said: SaidTurn[]): string {
  const words = said.length === 0 ? 'Nothing said in sessions this week.' : said.map((turn) => `[${turn.day}] ${turn.text}`).join('\n')
  return `${delimit('context', JSON.stringify(numbers))}\n\n${delimit('transcript', words)}`
}

export type ReviewOutcome = 'written' | 'unchanged' | 'kept' | 'no-logs'

/**
 * Writes (or rewrites, when its inputs changed) one client's review of one week, as the
 * service. The model is asked before anything is written; if it fails, nothing is, and the
 * job's retry asks again.
 */
export async function writeWeeklyReview(
  { db, ai }: { db: Database; ai: ChatModel | null },
  { clientId, weekStart }: { clientId: string; weekStart: string },
): Promise<ReviewOutcome> {
  const { numbers, said, programId, planId, existing } = await db.asService(async (tx) => {
    const numbers = await weekNumbers(tx, { clientId, weekStart })
    const [plan] = await tx.query<{ id: string; program_id: string }>(
      `select id, program_id from public.weekly_plans where client_id = $1 and week_start = $2 and status <> 'archived' order by version desc limit 1`,
      [clientId, weekStart],
    )
    // A coached client's review goes to their coach first: the plan's program, else the first they joined.
    const [membership] = plan
      ? [{ program_id: plan.program_id }]
      : await tx.query<{ program_id: string }>(`select program_id from public.program_members where user_id = $1 and role = 'client' order by created_at limit 1`, [clientId])
    const [existing] = await tx.query<{ inputs_hash: string; edited_at: Date | null; released_at: Date | null }>(
      'select inputs_hash, edited_at, released_at from public.weekly_reviews where client_id = $1 and week_start = $2',
      [clientId, weekStart],
    )
    const programId = membership?.program_id ?? null
    const said = await weekSaid(tx, { clientId, weekStart, programId })
    return { numbers, said, programId, planId: plan?.id ?? null, existing }
  })
  if (numbers.loggedSessions === 0) return 'no-logs'
  const prompt = loadPrompt('weekly-review.md')
  const writtenBy = ai ? 'model' : 'numbers'
  const inputsHash = createHash('sha256').update(JSON.stringify({ numbers, said: ai ? said : [], programId, prompt: prompt.version, writtenBy })).digest('hex')
  if (existing && (existing.edited_at || existing.released_at)) return 'kept'
  if (existing?.inputs_hash === inputsHash) return 'unchanged'

  const words = ai
    ? (await generateStructured(ai, { system: prompt.body, prompt: reviewPrompt(numbers, said), schema: reviewWordsSchema })).value
    : reviewFromNumbers(numbers)
  await db.asService((tx) =>
    tx.query(
      `insert into public.weekly_reviews
         (client_id, program_id, plan_id, week_start, adherence, volume, fatigue_analysis, patterns, suggestions, disclaimer, written_by, inputs_hash)
       values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9::jsonb, $10, $11, $12)
       on conflict (client_id, week_start) do update set
         program_id = excluded.program_id, plan_id = excluded.plan_id, adherence = excluded.adherence, volume = excluded.volume,
         fatigue_analysis = excluded.fatigue_analysis, patterns = excluded.patterns, suggestions = excluded.suggestions,
         disclaimer = excluded.disclaimer, written_by = excluded.written_by, inputs_hash = excluded.inputs_hash, generated_at = now()
       where weekly_reviews.edited_at is null and weekly_reviews.released_at is null`,
      [
        clientId,
        programId,
        planId,
        weekStart,
        numbers.adherence,
        JSON.stringify({ strengthKg: numbers.strengthKg, sets: numbers.sets, endurance: numbers.endurance, loggedSessions: numbers.loggedSessions, averageRpe: numbers.averageRpe }),
        words.fatigueAnalysis,
        JSON.stringify(words.patterns),
        JSON.stringify(words.suggestions),
        reviewDisclaimer,
        writtenBy,
        inputsHash,
      ],
    ),
  )
  return 'written'
}

/** How many clients' reviews the job writes at once: each waits mostly on the model, so one at a time would take 1,000 × its latency. */
export const reviewConcurrency = 10

/**
 * The job's work: every client with a logged session in a week that ended (in their own
 * zone) within the last fortnight gets that week's review, `concurrency` clients at a time
 * (bench/weekly.ts measures it). Safe to run again. `now` is when the job counts as running —
 * the real time on the schedule; a run asked for another time (a late rerun) passes it.
 */
export async function writeDueReviews(
  deps: { db: Database; ai: ChatModel | null },
  { now = new Date(), concurrency = reviewConcurrency }: { now?: Date; concurrency?: number } = {},
): Promise<Record<ReviewOutcome, number>> {
  const weeks = await deps.db.asService((tx) =>
    tx.query<{ client_id: string; week_start: string }>(
      `select distinct s.user_id as client_id, date_trunc('week', s.session_date)::date::text as week_start
       from public.coaching_sessions s
       join public.profiles p on p.id = s.user_id
       where s.session_date >= ($1::timestamptz at time zone coalesce(p.timezone, 'UTC'))::date - 21
         and date_trunc('week', s.session_date)::date + 7 <= ($1::timestamptz at time zone coalesce(p.timezone, 'UTC'))::date
         and exists (select 1 from public.measures m where m.session_id = s.id)
       order by 2, 1
       limit 5000`,
      [now.toISOString()],
    ),
  )
  const counts: Record<ReviewOutcome, number> = { written: 0, unchanged: 0, kept: 0, 'no-logs': 0 }
  let next = 0
  const failures: unknown[] = []
  // A few workers share the list; one client's failure does not stop the others, and fails the job at the end (to be retried).
  const worker = async () => {
    while (next < weeks.length) {
      const week = weeks[next++]!
      try {
        counts[await writeWeeklyReview(deps, { clientId: week.client_id, weekStart: week.week_start })] += 1
      } catch (error) {
        failures.push(error)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, weeks.length)) }, worker))
  if (failures.length > 0) throw failures[0]
  return counts
}

// ─── reading, editing, releasing ─────────────────────────────────────────────────────

export interface WeeklyReview {
  id: string
  clientId: string
  programId: string | null
  weekStart: string
  weekEnd: string
  adherence: number | null
  volume: { strengthKg: number; sets: number; endurance: { modality: string; minutes: number; distanceKm: number }[]; loggedSessions: number; averageRpe: number | null }
  fatigueAnalysis: string
  patterns: string[]
  suggestions: { suggestion: string; reasoning: string }[]
  disclaimer: string
  writtenBy: 'model' | 'numbers'
  generatedAt: Date
  editedAt: Date | null
  releasedAt: Date | null
}

/** A client's review of a week as the signed-in user may read it: their own once released (or with no program), or their coach's. */
export async function getWeeklyReview(db: Database, { userId, clientId, weekStart }: { userId: string; clientId: string; weekStart: string }): Promise<WeeklyReview | null> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{
      id: string
      client_id: string
      program_id: string | null
      week_start: string
      adherence: number | null
      volume: WeeklyReview['volume']
      fatigue_analysis: string
      patterns: string[]
      suggestions: WeeklyReview['suggestions']
      disclaimer: string
      written_by: WeeklyReview['writtenBy']
      generated_at: Date
      edited_at: Date | null
      released_at: Date | null
    }>(
      `select id, client_id, program_id, week_start::text, adherence::float8 as adherence, volume, fatigue_analysis, patterns, suggestions,
              disclaimer, written_by, generated_at, edited_at, released_at
       from public.weekly_reviews where client_id = $1 and week_start = $2`,
      [clientId, weekStart],
    ),
  )
  if (!row) return null
  return {
    id: row.id,
    clientId: row.client_id,
    programId: row.program_id,
    weekStart: row.week_start,
    weekEnd: addDays(row.week_start, 6),
    adherence: row.adherence,
    volume: row.volume,
    fatigueAnalysis: row.fatigue_analysis,
    patterns: row.patterns,
    suggestions: row.suggestions,
    disclaimer: row.disclaimer,
    writtenBy: row.written_by,
    generatedAt: row.generated_at,
    editedAt: row.edited_at,
    releasedAt: row.released_at,
  }
}

/** The coach edits the words (never the numbers); an edited review is not regenerated. */
export async function editWeeklyReview(
  db: Database,
  { userId, reviewId, words }: { userId: string; reviewId: string; words: ReviewWords },
): Promise<void> {
  const checked = reviewWordsSchema.parse(words)
  const rows = await db.asUser(userId, (tx) =>
    tx.query(
      `update public.weekly_reviews set fatigue_analysis = $2, patterns = $3::jsonb, suggestions = $4::jsonb, edited_at = now(), edited_by = $5
       where id = $1 and released_at is null returning id`,
      [reviewId, checked.fatigueAnalysis, JSON.stringify(checked.patterns), JSON.stringify(checked.suggestions), userId],
    ),
  )
  if (rows.length === 0) throw new AppError('not_found', 'That review is released already, or not yours to edit.')
}

/** The coach releases the review to the client, once. */
export async function releaseWeeklyReview(db: Database, { userId, reviewId }: { userId: string; reviewId: string }): Promise<void> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query('update public.weekly_reviews set released_at = now() where id = $1 and released_at is null returning id', [reviewId]),
  )
  if (rows.length === 0) throw new AppError('not_found', 'That review is released already, or not yours to release.')
}
