import { isoDateInZone, isoDateSchema } from '../dates.shared'
import { prescriptionSchema } from '../library/library.shared'
import { z } from '../zod.shared'

/**
 * Weeks as a coach plans them: Monday to Sunday in the client's time zone. Pure, so the
 * week view (in the browser too) and lib/weekly agree on which days a week holds.
 */

/** The date `days` after an ISO date (negative: before). */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

/** ISO weekday of a date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(isoDate: string): number {
  const day = new Date(`${isoDate}T00:00:00Z`).getUTCDay()
  return day === 0 ? 7 : day
}

/** The Monday of the week a date falls in. */
export function mondayOf(isoDate: string): string {
  return addDays(isoDate, 1 - isoWeekday(isoDate))
}

/** The Monday of the week `moment` falls in, where the client lives. */
export function weekStartIn(moment: Date, timeZone: string): string {
  return mondayOf(isoDateInZone(moment, timeZone))
}

/** The seven dates of the week starting on `weekStart`. */
export function daysOfWeek(weekStart: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(weekStart, i))
}

export const weekStartSchema = isoDateSchema.refine((value) => isoWeekday(value) === 1, 'A week starts on a Monday.')

export const weeklyPlanStatuses = ['active', 'completed', 'archived'] as const
export type WeeklyPlanStatus = (typeof weeklyPlanStatuses)[number]
export const weeklyPlanStatusLabels: Record<WeeklyPlanStatus, string> = { active: 'This week’s plan', completed: 'Week over', archived: 'Replaced' }

// ─── the coach's form ────────────────────────────────────────────────────────────────

const optionalNumber = z.number({ error: 'Give a number.' }).nullish().transform((v) => v ?? null)

/** One planned session as the week form sends it: from a template, or written here. */
export const planItemRow = z.object({
  key: z.uuid().optional(),
  day: isoDateSchema,
  templateId: z.uuid().nullish().transform((v) => v ?? null),
  title: z.string().trim().max(200, 'Keep the title under 200 characters.').optional().transform((v) => v ?? ''),
  instructions: z.string().trim().max(4000, 'Keep the instructions under 4,000 characters.').optional().transform((v) => v ?? ''),
  prescriptionType: z.enum(['none', 'strength', 'endurance']).optional().transform((v) => v ?? 'none'),
  sets: optionalNumber,
  reps: optionalNumber,
  durationMinutes: optionalNumber,
  modality: z.string().optional().transform((v) => v ?? ''),
})
export type PlanItemRow = z.output<typeof planItemRow>

export const weekPlanForm = z
  .object({
    intent: z.literal('save-plan'),
    weekStart: weekStartSchema,
    note: z.string().trim().max(2000, 'Keep the note under 2,000 characters.').optional().transform((v) => v ?? ''),
    items: z.array(planItemRow).max(21, 'At most 21 sessions in a week.').optional().transform((v) => v ?? []),
  })
  .superRefine((form, ctx) => {
    const days = new Set(daysOfWeek(form.weekStart))
    form.items.forEach((item, index) => {
      if (!days.has(item.day)) ctx.addIssue({ code: 'custom', path: ['items', index, 'day'], message: 'Choose a day of this week.' })
      if (!item.templateId && !item.title) ctx.addIssue({ code: 'custom', path: ['items', index, 'title'], message: 'Give the session a title, or choose a template.' })
    })
  })
export type WeekPlanFormValue = z.output<typeof weekPlanForm>

/** A planned item's prescription, as stored; null when none was chosen. Throws the rule broken. */
export function prescriptionOfPlanRow(row: PlanItemRow): z.output<typeof prescriptionSchema> | null {
  if (row.prescriptionType === 'none') return null
  const candidate =
    row.prescriptionType === 'strength'
      ? { type: 'strength', sets: row.sets, reps: row.reps, intensity: null, restSeconds: null, tempo: null }
      : { type: 'endurance', modality: row.modality, durationMinutes: row.durationMinutes, distanceKm: null, intensity: null }
  return prescriptionSchema.parse(candidate)
}

/** A planned session back as the form's row (for copying, and for the editor's first values). */
export function rowOf(item: { day: string; title: string; instructions: string; templateId: string | null; prescription: unknown; key?: string }): PlanItemRow {
  const prescription = item.prescription as { type?: string; sets?: number; reps?: number; durationMinutes?: number; modality?: string } | null
  return {
    ...(item.key ? { key: item.key } : {}),
    day: item.day,
    templateId: item.templateId,
    title: item.title,
    instructions: item.instructions,
    prescriptionType: prescription?.type === 'strength' ? 'strength' : prescription?.type === 'endurance' ? 'endurance' : 'none',
    sets: prescription?.sets ?? null,
    reps: prescription?.reps ?? null,
    durationMinutes: prescription?.durationMinutes ?? null,
    modality: prescription?.modality ?? '',
  }
}

/** The coach's edit of a review's words (never its numbers): a pattern per line, each suggestion with its reasoning. */
export const reviewEditForm = z.object({
  intent: z.literal('edit-review'),
  reviewId: z.uuid(),
  fatigueAnalysis: z.string({ error: 'Write the fatigue analysis.' }).trim().min(1, 'Write the fatigue analysis.').max(1500, 'Keep it under 1,500 characters.'),
  patterns: z
    .string()
    .optional()
    .transform((text) => (text ?? '').split('\n').map((line) => line.trim()).filter(Boolean))
    .pipe(z.array(z.string().max(300, 'Keep each pattern under 300 characters.')).max(5, 'At most 5 patterns.')),
  suggestions: z
    .array(
      z.object({
        suggestion: z.string({ error: 'Write the suggestion.' }).trim().min(1, 'Write the suggestion.').max(300, 'Keep it under 300 characters.'),
        reasoning: z.string({ error: 'Every suggestion needs its reasoning.' }).trim().min(1, 'Every suggestion needs its reasoning.').max(500, 'Keep it under 500 characters.'),
      }),
    )
    .min(1, 'Keep at least one suggestion.')
    .max(3, 'At most 3 suggestions.'),
})

export const weekPageForm = z.discriminatedUnion('intent', [
  reviewEditForm,
  z.object({ intent: z.literal('release-review'), reviewId: z.uuid() }),
  weekPlanForm,
  z.object({ intent: z.literal('copy-forward'), weekStart: weekStartSchema }),
  z.object({ intent: z.literal('archive'), planId: z.uuid() }),
  z.object({ intent: z.literal('seen'), planId: z.uuid() }),
])
