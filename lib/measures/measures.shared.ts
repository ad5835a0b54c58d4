import { z } from '../zod.shared'
import { isoDateSchema } from '../dates.shared'
import { metricKinds } from '../library/library.shared'

/**
 * The vocabulary of measures and benchmarks, for both sides: time slots, the standard
 * metrics every item can record (a strength set, an endurance effort), benchmark kinds,
 * the input schemas, and "% of 1RM" in kilograms. The database checks the same lists
 * (supabase/migrations/20261203003000_measures.sql). A pure module (decision 010).
 */

export const timeSlots = ['morning', 'midday', 'afternoon', 'evening'] as const
export type NamedTimeSlot = (typeof timeSlots)[number]
/** A named part of the day, or a time as HH:MM. */
export const timeSlotSchema = z.union([
  z.enum(timeSlots),
  z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'Give a time like 07:30, or a part of the day.'),
])
export const timeSlotLabels: Record<NamedTimeSlot, string> = { morning: 'Morning', midday: 'Midday', afternoon: 'Afternoon', evening: 'Evening' }
export const describeTimeSlot = (slot: string | null): string =>
  slot === null ? 'No time set' : slot in timeSlotLabels ? timeSlotLabels[slot as NamedTimeSlot] : slot

/** The system's session types; a program may add its own. */
export const systemSessionTypes = ['FUN', 'CUSTOM', 'POWER', 'POWER_ENDURANCE', 'TENSION_BOARD', 'COMPETITION', 'ENDURANCE', 'WORKOUT'] as const
export const sessionTypeCodeSchema = z.string().regex(/^[A-Z][A-Z0-9_]{1,39}$/, 'A type’s code is capitals, digits and underscores, such as HANGBOARD.')

/** What any item can record besides its own metrics, and the unit each is shown in. */
export const standardMetrics = {
  weight: { kind: 'number', unit: 'kg', label: 'Weight' },
  reps: { kind: 'number', unit: 'reps', label: 'Reps' },
  rpe: { kind: 'scale', unit: null, label: 'RPE (1–10)' },
  duration: { kind: 'number', unit: 'min', label: 'Duration' },
  distance: { kind: 'number', unit: 'km', label: 'Distance' },
  avg_heart_rate: { kind: 'number', unit: 'bpm', label: 'Average heart rate' },
  avg_power: { kind: 'number', unit: 'W', label: 'Average power' },
} as const
export type StandardMetricKey = keyof typeof standardMetrics
/** A strength item records these per set; an endurance item the rest. */
export const strengthSetMetrics = ['weight', 'reps', 'rpe'] as const satisfies readonly StandardMetricKey[]
export const enduranceMetrics = ['duration', 'distance', 'avg_heart_rate', 'avg_power'] as const satisfies readonly StandardMetricKey[]

export const measureValueSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('number'), value: z.number({ error: 'Give a number.' }).min(0, 'Give a number of 0 or more.').max(999_999_999, 'That number is too large.') }),
  z.object({ kind: z.literal('scale'), value: z.number({ error: 'Give a value from 1 to 10.' }).int('Give a whole number from 1 to 10.').min(1, 'Give a value from 1 to 10.').max(10, 'Give a value from 1 to 10.') }),
  z.object({ kind: z.literal('yes_no'), value: z.boolean() }),
  z.object({ kind: z.literal('text'), value: z.string().trim().min(1, 'Write something.').max(2000, 'Keep it under 2,000 characters.') }),
])
export type MeasureValue = z.infer<typeof measureValueSchema>

export const modificationSchema = z.object({
  kind: z.enum(['substituted', 'skipped'], { error: 'Say whether it was substituted or skipped.' }),
  reason: z.string().trim().min(1, 'Say why, so your coach knows.').max(500, 'Keep the reason under 500 characters.'),
})
export type Modification = z.infer<typeof modificationSchema>

export const metricKeySchema = z.string().trim().toLowerCase().regex(/^[a-z0-9_-]{1,64}$/, 'Choose a metric to record.')

export const recordMeasureSchema = z
  .object({
    /** Null: the person's active session, or a new one started by this measure. */
    sessionId: z.uuid().nullable(),
    itemKey: z.uuid().nullable(),
    exerciseId: z.uuid().nullable(),
    metricKey: metricKeySchema,
    setNumber: z.number().int().min(1, 'Sets count from 1.').max(50, 'At most 50 sets.').nullable(),
    value: measureValueSchema.nullable(),
    unit: z.string().trim().min(1).max(20, 'Keep the unit under 20 characters.').nullable(),
    modification: modificationSchema.nullable(),
  })
  .superRefine((input, ctx) => {
    if (input.modification?.kind === 'skipped' ? input.value !== null : input.value === null) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: input.value === null ? 'Give a value, or mark it skipped.' : 'A skipped item has no value.' })
    }
  })
export type RecordMeasureInput = z.input<typeof recordMeasureSchema>

export const correctMeasureSchema = z
  .object({
    measureId: z.uuid(),
    value: measureValueSchema.nullable(),
    unit: z.string().trim().min(1).max(20).nullable(),
    modification: modificationSchema.nullable(),
  })
  .superRefine((input, ctx) => {
    if (input.modification?.kind === 'skipped' ? input.value !== null : input.value === null) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: input.value === null ? 'Give the corrected value, or mark it skipped.' : 'A skipped item has no value.' })
    }
  })
export type CorrectMeasureInput = z.input<typeof correctMeasureSchema>

// ─── benchmarks ──────────────────────────────────────────────────────────────────────

export const benchmarkKinds = ['one_rep_max', 'ftp', 'hr_zones', 'pace_5k', 'pace_10k', 'pace_half_marathon', 'custom'] as const
export type BenchmarkKind = (typeof benchmarkKinds)[number]
export const benchmarkKindInfo: Record<BenchmarkKind, { label: string; unit: string | null }> = {
  one_rep_max: { label: '1RM', unit: 'kg' },
  ftp: { label: 'FTP', unit: 'W' },
  hr_zones: { label: 'Heart-rate zones', unit: 'bpm' },
  pace_5k: { label: '5 km pace', unit: 's/km' },
  pace_10k: { label: '10 km pace', unit: 's/km' },
  pace_half_marathon: { label: 'Half-marathon pace', unit: 's/km' },
  custom: { label: 'Benchmark', unit: null },
}

export const recordBenchmarkSchema = z
  .object({
    kind: z.enum(benchmarkKinds, { error: 'Choose a benchmark.' }),
    exerciseId: z.uuid().nullable(),
    name: z.string().trim().min(1).max(80, 'Keep the name under 80 characters.').nullable(),
    value: z.number({ error: 'Give a value.' }).positive('A benchmark is above 0.').max(999_999),
    unit: z.string().trim().min(1).max(20).nullable(),
    /** Heart-rate zones: the top of zones 1 to 5, rising (value is then the top of zone 5). */
    zones: z.array(z.number().positive()).length(5, 'Give the top of each of the five zones.').nullable(),
    recordedOn: isoDateSchema,
  })
  .superRefine((input, ctx) => {
    if (input.kind === 'one_rep_max' && !input.exerciseId) ctx.addIssue({ code: 'custom', path: ['exerciseId'], message: 'A 1RM is for an exercise: choose one.' })
    if (input.kind === 'custom' && !input.name) ctx.addIssue({ code: 'custom', path: ['name'], message: 'Name the benchmark.' })
    if (input.kind === 'hr_zones') {
      const zones = input.zones
      if (!zones || zones.some((zone, i) => i > 0 && zone <= zones[i - 1]!)) {
        ctx.addIssue({ code: 'custom', path: ['zones'], message: 'Give the top of each zone, each above the one before.' })
      } else if (zones[4] !== input.value) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: 'The value of zones is the top of zone 5.' })
      }
    } else if (input.zones !== null) {
      ctx.addIssue({ code: 'custom', path: ['zones'], message: 'Only heart-rate zones have zones.' })
    }
  })
export type RecordBenchmarkInput = z.input<typeof recordBenchmarkSchema>

export type PrescribedWeight =
  | { known: true; kilograms: number; oneRepMax: number; text: string }
  | { known: false; text: string }

/**
 * "75 % of 1RM" in kilograms, from the current 1RM, to the nearest 0.5 kg (what plates
 * make); when there is no 1RM yet, says so and what to do.
 */
export function prescribedWeight({
  percent,
  oneRepMax,
  exerciseName,
}: {
  percent: number
  oneRepMax: number | null
  exerciseName: string
}): PrescribedWeight {
  if (oneRepMax === null || !(oneRepMax > 0)) {
    return { known: false, text: `${percent} % of 1RM — no 1RM for ${exerciseName} yet: record one to see the weight.` }
  }
  const kilograms = Math.round(((oneRepMax * percent) / 100) * 2) / 2
  return { known: true, kilograms, oneRepMax, text: `${percent} % of 1RM = ${kilograms} kg (1RM ${oneRepMax} kg)` }
}

// ─── the session page's recording form (Conform reads empty inputs as undefined) ──────

const formValueFields = {
  kind: z.enum(metricKinds),
  numberValue: z.number({ error: 'Give a number.' }).optional(),
  textValue: z.string().trim().max(2000, 'Keep it under 2,000 characters.').optional(),
  yesNo: z.enum(['yes', 'no']).optional(),
  skipped: z.boolean().optional(),
  reason: z.string().trim().max(500, 'Keep the reason under 500 characters.').optional(),
}

export const measureForm = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('record'),
    itemKey: z.uuid().optional(),
    metricKey: metricKeySchema,
    setNumber: z.number().int().min(1, 'Sets count from 1.').max(50, 'At most 50 sets.').optional(),
    ...formValueFields,
  }),
  z.object({ intent: z.literal('correct'), measureId: z.uuid(), ...formValueFields }),
])
export type MeasureFormValue = z.output<typeof measureForm>

/** The value a form row gives, for its metric's kind; null when skipped or left empty. */
export function measureValueOf(form: MeasureFormValue): MeasureValue | null {
  if (form.skipped) return null
  switch (form.kind) {
    case 'number':
      return form.numberValue === undefined ? null : { kind: 'number', value: form.numberValue }
    case 'scale':
      return form.numberValue === undefined ? null : { kind: 'scale', value: form.numberValue }
    case 'yes_no':
      return form.yesNo === undefined ? null : { kind: 'yes_no', value: form.yesNo === 'yes' }
    case 'text':
      return form.textValue ? { kind: 'text', value: form.textValue } : null
  }
}

/** A skipped row's modification, with the reason given (or a plain one, which lib/ then asks for). */
export function modificationOf(form: MeasureFormValue): Modification | null {
  return form.skipped ? { kind: 'skipped', reason: form.reason ?? '' } : null
}

/** "80 kg", "RPE 8", "yes", the text itself; "skipped" for a skipped item. */
export function describeMeasureValue(value: MeasureValue | null, unit: string | null): string {
  if (value === null) return 'skipped'
  switch (value.kind) {
    case 'number':
      return unit ? `${value.value} ${unit}` : String(value.value)
    case 'scale':
      return `${value.value} of 10`
    case 'yes_no':
      return value.value ? 'yes' : 'no'
    case 'text':
      return value.value
  }
}

// ─── a training session's details ────────────────────────────────────────────────────

/**
 * What a person may change about a training session besides its name: its activity type
 * (with a label for CUSTOM), the day it was done (earlier days within 7 days of the planned
 * one: a retro log), the time slot every measure in it inherits, and whether it was a
 * competition (a type and an id, always both). Mark Complete is separate and final.
 */
export const trainingDetailsForm = z
  .object({
    intent: z.literal('training-details'),
    activityType: sessionTypeCodeSchema,
    activityLabel: z.string().trim().max(60, 'Keep the label under 60 characters.').optional().transform((v) => v || null),
    sessionDate: isoDateSchema,
    timeSlot: z.union([z.literal(''), timeSlotSchema]).optional().transform((v) => v || null),
    isCompetition: z.boolean().optional().transform((v) => v ?? false),
    competitionType: z.string().trim().max(60, 'Keep the competition type under 60 characters.').optional().transform((v) => v || null),
    competitionId: z.string().trim().max(100, 'Keep the competition id under 100 characters.').optional().transform((v) => v || null),
  })
  .superRefine((form, ctx) => {
    if (form.activityType === 'CUSTOM' && !form.activityLabel) {
      ctx.addIssue({ code: 'custom', path: ['activityLabel'], message: 'Name your custom activity.' })
    }
    if (form.isCompetition && (!form.competitionType || !form.competitionId)) {
      const missing = !form.competitionType ? 'competitionType' : 'competitionId'
      ctx.addIssue({ code: 'custom', path: [missing], message: 'A competition needs both its type and its id (such as “Regional bouldering” and “RB-2026-03”).' })
    }
  })
export type TrainingDetailsFormValue = z.output<typeof trainingDetailsForm>
