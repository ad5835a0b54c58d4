import { z } from '../zod.shared'
import { isoDateSchema } from '../dates.shared'
import { stages, type StageSlug } from '../coaching/stages.shared'

/**
 * The coach's library, as vocabulary and schemas both sides use: the exercise catalog's
 * categories and muscle groups, tag colours, item kinds, metrics, prescriptions, and the
 * forms of the library pages. The database checks the same lists and ranges
 * (supabase/migrations/20261203001000_library.sql; tests/integration/library.test.ts keeps
 * them in step). A pure module (`*.shared.ts`, decision 010).
 */

export const exerciseCategories = [
  'squat', 'hinge', 'press', 'pull', 'accessory', 'core', 'plyometric', 'run', 'bike', 'row', 'swim', 'other',
] as const
export type ExerciseCategory = (typeof exerciseCategories)[number]

export const categoryLabels: Record<ExerciseCategory, string> = {
  squat: 'Squat', hinge: 'Hinge', press: 'Press', pull: 'Pull', accessory: 'Accessory', core: 'Core',
  plyometric: 'Plyometric', run: 'Run', bike: 'Bike', row: 'Row', swim: 'Swim', other: 'Other',
}

export const muscleGroups = [
  'quadriceps', 'hamstrings', 'glutes', 'calves', 'adductors', 'hip_flexors', 'chest', 'upper_back', 'lats',
  'lower_back', 'shoulders', 'biceps', 'triceps', 'forearms', 'abdominals', 'obliques', 'cardiovascular',
] as const
export type MuscleGroup = (typeof muscleGroups)[number]

export const muscleGroupLabel = (group: MuscleGroup) => {
  const words = group.replace(/_/g, ' ')
  return words[0]!.toUpperCase() + words.slice(1)
}

export const tagColours = ['slate', 'red', 'amber', 'green', 'teal', 'blue', 'violet', 'pink'] as const
export type TagColour = (typeof tagColours)[number]

export interface Tag {
  id: string
  name: string
  colour: TagColour
}

export const itemKinds = ['drill', 'exercise', 'reflection'] as const
export type ItemKind = (typeof itemKinds)[number]
export const itemKindLabels: Record<ItemKind, string> = { drill: 'Drill', exercise: 'Exercise', reflection: 'Reflection prompt' }

export const metricKinds = ['number', 'scale', 'yes_no', 'text'] as const
export type MetricKind = (typeof metricKinds)[number]
export const metricKindLabels: Record<MetricKind, string> = {
  number: 'Number with a unit',
  scale: 'Scale 1–10',
  yes_no: 'Yes / no',
  text: 'Text',
}

export const viewModes = ['planning', 'live', 'review'] as const
export type ViewMode = (typeof viewModes)[number]
export const viewModeLabels: Record<ViewMode, string> = { planning: 'Planning', live: 'Live', review: 'Review' }

// ─── prescriptions: validated per type, each rule with its own message ───────────────

const whole = (label: string, min: number, max: number) =>
  z
    .number({ error: `${label}: give a whole number from ${min} to ${max}.` })
    .int(`${label}: give a whole number from ${min} to ${max}.`)
    .min(min, `${label}: give a whole number from ${min} to ${max}.`)
    .max(max, `${label}: give a whole number from ${min} to ${max}.`)

export const strengthIntensityKinds = ['percent_1rm', 'rpe'] as const
export const enduranceIntensityKinds = ['hr_zone', 'percent_ftp', 'pace_zone'] as const
export const intensityKindLabels: Record<(typeof strengthIntensityKinds)[number] | (typeof enduranceIntensityKinds)[number], string> = {
  percent_1rm: '% of 1RM',
  rpe: 'RPE',
  hr_zone: 'Heart-rate zone',
  percent_ftp: '% of FTP',
  pace_zone: 'Pace zone',
}
export const enduranceModalities = ['run', 'bike', 'row', 'swim'] as const

const strengthIntensity = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('percent_1rm'),
    value: z.number({ error: 'Intensity: give a % of 1RM from 1 to 120.' }).min(1, 'Intensity: give a % of 1RM from 1 to 120.').max(120, 'Intensity: give a % of 1RM from 1 to 120.'),
  }),
  z.object({
    kind: z.literal('rpe'),
    value: z.number({ error: 'Intensity: give an RPE from 1 to 10.' }).min(1, 'Intensity: give an RPE from 1 to 10.').max(10, 'Intensity: give an RPE from 1 to 10.'),
  }),
], { error: 'Intensity: choose % of 1RM or RPE.' })

const enduranceIntensity = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('hr_zone'), value: whole('Heart-rate zone', 1, 5) }),
  z.object({
    kind: z.literal('percent_ftp'),
    value: z.number({ error: 'Intensity: give a % of FTP from 1 to 200.' }).min(1, 'Intensity: give a % of FTP from 1 to 200.').max(200, 'Intensity: give a % of FTP from 1 to 200.'),
  }),
  z.object({ kind: z.literal('pace_zone'), value: whole('Pace zone', 1, 5) }),
], { error: 'Intensity: choose a heart-rate zone, % of FTP or a pace zone.' })

export const strengthPrescriptionSchema = z.object({
  type: z.literal('strength'),
  sets: whole('Sets', 1, 20),
  reps: whole('Reps', 1, 50),
  intensity: strengthIntensity.nullable(),
  restSeconds: whole('Rest', 0, 600).nullable(),
  tempo: z.string().regex(/^[0-9]{4}$/, 'Tempo: four digits, such as 3010 (down, pause, up, pause in seconds).').nullable(),
})

export const endurancePrescriptionSchema = z.object({
  type: z.literal('endurance'),
  modality: z.enum(enduranceModalities, { error: 'Modality: choose run, bike, row or swim.' }),
  durationMinutes: z
    .number({ error: 'Duration: give the minutes, from 1 to 1,440.' })
    .min(1, 'Duration: give the minutes, from 1 to 1,440.')
    .max(1440, 'Duration: give the minutes, from 1 to 1,440.'),
  distanceKm: z.number({ error: 'Distance: give kilometres above 0.' }).positive('Distance: give kilometres above 0.').max(1000, 'Distance: at most 1,000 km.').nullable(),
  intensity: enduranceIntensity.nullable(),
})

export const prescriptionSchema = z.discriminatedUnion('type', [strengthPrescriptionSchema, endurancePrescriptionSchema], {
  error: 'Choose a strength or an endurance prescription.',
})
export type Prescription = z.infer<typeof prescriptionSchema>

// ─── metrics ─────────────────────────────────────────────────────────────────────────

const label = z.string().trim().min(1, 'Name the metric.').max(80, 'Keep the metric’s name under 80 characters.')

export const metricSchema = z
  .object({
    key: z.uuid(),
    kind: z.enum(metricKinds, { error: 'Choose what kind of metric this is.' }),
    label,
    unit: z.string().trim().max(20, 'Keep the unit under 20 characters.').nullable(),
    target: z.number().nullable(),
    targetMin: z.number().nullable(),
    targetMax: z.number().nullable(),
    benchmark: z.boolean(),
  })
  .superRefine((metric, ctx) => {
    const targets = [metric.target, metric.targetMin, metric.targetMax]
    if (metric.kind === 'number' && !metric.unit) {
      ctx.addIssue({ code: 'custom', path: ['unit'], message: 'Give the unit, such as kg, km or minutes.' })
    }
    if ((metric.kind === 'yes_no' || metric.kind === 'text') && targets.some((t) => t !== null)) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'A yes/no or text metric has no target.' })
    }
    if (metric.target !== null && (metric.targetMin !== null || metric.targetMax !== null)) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'Give a target or a range, not both.' })
    }
    if ((metric.targetMin === null) !== (metric.targetMax === null)) {
      ctx.addIssue({ code: 'custom', path: ['targetMax'], message: 'A range needs both ends.' })
    }
    if (metric.targetMin !== null && metric.targetMax !== null && metric.targetMin > metric.targetMax) {
      ctx.addIssue({ code: 'custom', path: ['targetMax'], message: 'The range’s top must not be below its bottom.' })
    }
    if (metric.kind === 'scale' && targets.some((t) => t !== null && (t < 1 || t > 10 || !Number.isInteger(t)))) {
      ctx.addIssue({ code: 'custom', path: ['target'], message: 'A scale’s target is a whole number from 1 to 10.' })
    }
  })
export type Metric = z.infer<typeof metricSchema>

/** "3 × 8 @ 75% of 1RM · rest 90 s · tempo 3010", "Run 40 min · 8 km · heart-rate zone 2". */
export function describePrescription(prescription: Prescription): string {
  const intensity = prescription.intensity
    ? prescription.intensity.kind === 'percent_1rm' || prescription.intensity.kind === 'percent_ftp'
      ? `${prescription.intensity.value}% of ${prescription.intensity.kind === 'percent_1rm' ? '1RM' : 'FTP'}`
      : `${intensityKindLabels[prescription.intensity.kind]} ${prescription.intensity.value}`
    : null
  if (prescription.type === 'strength') {
    return [
      `${prescription.sets} × ${prescription.reps}${intensity ? ` @ ${intensity}` : ''}`,
      prescription.restSeconds !== null ? `rest ${prescription.restSeconds} s` : null,
      prescription.tempo ? `tempo ${prescription.tempo}` : null,
    ].filter(Boolean).join(' · ')
  }
  const modality = prescription.modality[0]!.toUpperCase() + prescription.modality.slice(1)
  return [`${modality} ${prescription.durationMinutes} min`, prescription.distanceKm !== null ? `${prescription.distanceKm} km` : null, intensity]
    .filter(Boolean)
    .join(' · ')
}

/** "kg · target 100", "minutes · 20–30", "1–10 · target 7", "yes / no". */
export function describeMetric(metric: Metric): string {
  const target =
    metric.target !== null
      ? `target ${metric.target}`
      : metric.targetMin !== null && metric.targetMax !== null
        ? `${metric.targetMin}–${metric.targetMax}`
        : null
  const kind = metric.kind === 'number' ? metric.unit : metric.kind === 'scale' ? '1–10' : metric.kind === 'yes_no' ? 'yes / no' : 'text'
  return [kind, target, metric.benchmark ? 'benchmark' : null].filter(Boolean).join(' · ')
}

// ─── a template's items, as stored (and snapshotted into sessions) ────────────────────

export const templateItemSchema = z.object({
  key: z.uuid(),
  kind: z.enum(itemKinds),
  title: z.string().trim().min(1, 'Give the item a title.').max(200, 'Keep the title under 200 characters.'),
  instructions: z.string().trim().max(4000, 'Keep the instructions under 4,000 characters.'),
  exerciseId: z.uuid().nullable(),
  prescription: prescriptionSchema.nullable(),
  metrics: z.array(metricSchema).max(20, 'At most 20 metrics per item.'),
})
export type TemplateItem = z.infer<typeof templateItemSchema>

/** An item as a session holds it: the template's item, with the exercise's name copied in. */
export const sessionItemSchema = z.object({
  key: z.uuid(),
  kind: z.enum(itemKinds),
  title: z.string(),
  instructions: z.string(),
  exercise: z.object({ id: z.uuid(), name: z.string(), category: z.enum(exerciseCategories), muscleGroups: z.array(z.string()) }).nullable(),
  prescription: prescriptionSchema.nullable(),
  metrics: z.array(metricSchema),
})
export type SessionItem = z.infer<typeof sessionItemSchema>

// ─── the forms ───────────────────────────────────────────────────────────────────────
// Conform reads empty inputs as undefined and coerces numbers and checkboxes. Each schema
// also takes its own output (null for an empty number), so lib/ can check again what a
// route hands it.

const optionalNumber = z.number({ error: 'Give a number.' }).nullish().transform((v) => v ?? null)
const optionalText = (max: number, message: string) =>
  z.string().trim().max(max, message).optional().transform((v) => v ?? '')

const metricRow = z
  .object({
    key: z.uuid().optional(),
    kind: z.enum(metricKinds, { error: 'Choose what kind of metric this is.' }),
    label: z.string({ error: 'Name the metric.' }).trim().max(80, 'Keep the metric’s name under 80 characters.'),
    unit: z.string().trim().max(20, 'Keep the unit under 20 characters.').nullish().transform((v) => v || null),
    target: optionalNumber,
    targetMin: optionalNumber,
    targetMax: optionalNumber,
    benchmark: z.boolean().optional().transform((v) => v ?? false),
  })

const itemRow = z.object({
  key: z.uuid().optional(),
  kind: z.enum(itemKinds, { error: 'Choose a drill, an exercise or a reflection prompt.' }),
  title: z.string({ error: 'Give the item a title.' }).trim().max(200, 'Keep the title under 200 characters.'),
  instructions: optionalText(4000, 'Keep the instructions under 4,000 characters.'),
  // The exercise, by name as typed (the page suggests catalog names); lib/ finds its id.
  exercise: z.string().trim().max(100, 'An exercise name has at most 100 characters.').optional().transform((v) => v ?? ''),
  prescriptionType: z.enum(['none', 'strength', 'endurance']).optional().transform((v) => v ?? 'none'),
  sets: optionalNumber,
  reps: optionalNumber,
  intensityKind: z.string().optional().transform((v) => v ?? ''),
  intensityValue: optionalNumber,
  restSeconds: optionalNumber,
  tempo: z.string().trim().nullish().transform((v) => v || null),
  modality: z.string().optional().transform((v) => v ?? ''),
  durationMinutes: optionalNumber,
  distanceKm: optionalNumber,
  metrics: z.array(metricRow).max(20, 'At most 20 metrics per item.').optional().transform((v) => v ?? []),
})
export type ItemRow = z.output<typeof itemRow>

/** A form row's prescription, as stored; null when none was chosen. */
export function prescriptionOfRow(row: ItemRow): unknown {
  const intensity = row.intensityKind ? { kind: row.intensityKind, value: row.intensityValue } : null
  if (row.prescriptionType === 'strength') {
    return { type: 'strength', sets: row.sets, reps: row.reps, intensity, restSeconds: row.restSeconds, tempo: row.tempo }
  }
  if (row.prescriptionType === 'endurance') {
    return { type: 'endurance', modality: row.modality, durationMinutes: row.durationMinutes, distanceKm: row.distanceKm, intensity }
  }
  return null
}

/** Where a prescription's rule is on the form: its path in the stored shape → the row's input. */
const prescriptionInput = (path: readonly PropertyKey[]): string => {
  const [first, second] = path.map(String)
  if (first === 'intensity') return second === 'value' ? 'intensityValue' : 'intensityKind'
  if (first === 'type') return 'prescriptionType'
  return first ?? 'prescriptionType'
}

const stagePromptFields = Object.fromEntries(
  stages.map((stage) => [stage.slug, optionalText(2000, 'Keep a stage’s prompt under 2,000 characters.')]),
) as Record<StageSlug, ReturnType<typeof optionalText>>

export const templateForm = z
  .object({
    intent: z.literal('save'),
    title: z.string({ error: 'Give the template a title.' }).trim().min(1, 'Give the template a title.').max(200, 'Keep the title under 200 characters.'),
    description: optionalText(2000, 'Keep the description under 2,000 characters.'),
    includesConversation: z.boolean().optional().transform((v) => v ?? false),
    isPublic: z.boolean().optional().transform((v) => v ?? false),
    stagePrompts: z.object(stagePromptFields).optional(),
    tagIds: z.array(z.uuid()).optional().transform((v) => v ?? []),
    items: z.array(itemRow).max(50, 'At most 50 items in a template.').optional().transform((v) => v ?? []),
  })
  .superRefine((form, ctx) => {
    form.items.forEach((item, index) => {
      if (!item.title) ctx.addIssue({ code: 'custom', path: ['items', index, 'title'], message: 'Give the item a title.' })
      if (item.kind !== 'exercise' && (item.exercise || item.prescriptionType !== 'none')) {
        ctx.addIssue({ code: 'custom', path: ['items', index, 'kind'], message: 'Only an exercise item has an exercise and a prescription.' })
      }
      const prescription = prescriptionOfRow(item)
      if (prescription) {
        const checked = prescriptionSchema.safeParse(prescription)
        if (!checked.success) {
          for (const issue of checked.error.issues) {
            ctx.addIssue({ code: 'custom', path: ['items', index, prescriptionInput(issue.path)], message: issue.message })
          }
        }
      }
      item.metrics.forEach((metric, m) => {
        const checked = metricSchema.safeParse({ ...metric, key: metric.key ?? '00000000-0000-4000-8000-000000000000' })
        if (!checked.success) {
          for (const issue of checked.error.issues) {
            ctx.addIssue({ code: 'custom', path: ['items', index, 'metrics', m, ...issue.path.map(String)], message: issue.message })
          }
        }
      })
    })
  })
export type TemplateFormValue = z.output<typeof templateForm>

const title = z.string({ error: 'Give it a name.' }).trim().min(1, 'Give it a name.').max(200, 'Keep the name under 200 characters.')
const chosenClients = z.array(z.uuid(), { error: 'Choose at least one client.' }).min(1, 'Choose at least one client.').max(200)

export const libraryPageForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('create-template'), title }),
  z.object({
    intent: z.literal('create-tag'),
    name: z.string({ error: 'Name the tag.' }).trim().min(1, 'Name the tag.').max(40, 'Keep a tag under 40 characters.'),
    colour: z.enum(tagColours).optional().transform((v) => v ?? 'slate'),
  }),
  z.object({ intent: z.literal('delete-tag'), tagId: z.uuid() }),
])

export const assignForm = z.object({
  intent: z.literal('assign'),
  clientIds: chosenClients,
  dueOn: isoDateSchema,
})

export const deleteTemplateForm = z.object({ intent: z.literal('delete') })

export const templatePageForm = z.discriminatedUnion('intent', [templateForm, assignForm, deleteTemplateForm])

export const moduleStepRow = z.object({
  templateId: z.uuid({ error: 'Choose a template.' }),
  dayOffset: z
    .number({ error: 'Give the day, from 0 to 365.' })
    .int('Give the day as a whole number.')
    .min(0, 'Give the day, from 0 to 365.')
    .max(365, 'Give the day, from 0 to 365.'),
})

export const moduleForm = z.object({
  intent: z.literal('save'),
  name: z.string({ error: 'Name the module.' }).trim().min(1, 'Name the module.').max(120, 'Keep the name under 120 characters.'),
  description: optionalText(2000, 'Keep the description under 2,000 characters.'),
  steps: z.array(moduleStepRow).max(30, 'At most 30 steps in a module.').optional().transform((v) => v ?? []),
})

export const assignModuleForm = z.object({ intent: z.literal('assign'), clientIds: chosenClients, startOn: isoDateSchema })

export const modulePageForm = z.discriminatedUnion('intent', [moduleForm, assignModuleForm, z.object({ intent: z.literal('delete') })])

export const modulesPageForm = z.object({
  intent: z.literal('create-module'),
  name: z.string({ error: 'Name the module.' }).trim().min(1, 'Name the module.').max(120, 'Keep the name under 120 characters.'),
})

export const exerciseForm = z.object({
  intent: z.literal('create-exercise'),
  name: z.string({ error: 'Name the exercise.' }).trim().min(2, 'An exercise’s name has 2 to 100 characters.').max(100, 'An exercise’s name has 2 to 100 characters.'),
  category: z.enum(exerciseCategories, { error: 'Choose a category.' }),
  muscleGroups: z.array(z.enum(muscleGroups)).optional().transform((v) => v ?? []),
  isPublic: z.boolean().optional().transform((v) => v ?? false),
})

/** How a client's assigned session stands, by its dates (never stored: derived). */
export type DueState = 'done' | 'overdue' | 'due' | 'not_due'
export function dueStateOf(session: { completedAt: Date | string | null; dueAt: Date | string | null }, now: Date): DueState {
  if (session.completedAt) return 'done'
  if (!session.dueAt) return 'not_due'
  return new Date(session.dueAt).getTime() < now.getTime() ? 'overdue' : 'due'
}
