import { getFormProps, getInputProps, getSelectProps, getTextareaProps, type SubmissionResult } from '@conform-to/react'
import { Form, useFetcher } from '@remix-run/react'
import { useEffect, useRef, useState } from 'react'
import { stages } from '#lib/coaching/stages.shared'
import {
  enduranceIntensityKinds,
  enduranceModalities,
  intensityKindLabels,
  itemKindLabels,
  itemKinds,
  metricKindLabels,
  metricKinds,
  metricSchema,
  prescriptionOfRow,
  prescriptionSchema,
  strengthIntensityKinds,
  templateForm,
  type SessionItem,
  type Tag,
} from '#lib/library/library.shared'
import { useSchemaForm } from '~/components/conform'
import { FormError, SelectField, SubmitButton, TextAreaField, TextField, buttonClass } from '~/components/form'
import { Card } from '~/components/layout'
import { SessionItems } from './session-items'

type ItemDefault = {
  key?: string
  kind: string
  title: string
  instructions?: string
  exercise?: string
  prescriptionType?: string
  sets?: string
  reps?: string
  intensityKind?: string
  intensityValue?: string
  restSeconds?: string
  tempo?: string
  modality?: string
  durationMinutes?: string
  distanceKm?: string
  metrics?: MetricDefault[]
}
type MetricDefault = { key?: string; kind: string; label: string; unit?: string; target?: string; targetMin?: string; targetMax?: string; benchmark?: string }

export interface TemplateEditorValue {
  title: string
  description: string
  includesConversation: boolean
  isPublic: boolean
  stagePrompts: Record<string, string>
  tagIds: string[]
  items: ItemDefault[]
}

const newItem: ItemDefault = { kind: 'drill', title: '', prescriptionType: 'none', metrics: [] }
const newMetric: MetricDefault = { kind: 'number', label: '' }

/**
 * The template editor: one form for the whole template (Conform's list intents add,
 * duplicate, reorder and remove items and metrics), exercises picked by typing from the
 * catalog, and a preview of the session as the client will see it.
 */
export function TemplateEditor({
  programId,
  defaultValue,
  tags,
  lastResult,
  pending,
}: {
  programId: string
  defaultValue: TemplateEditorValue
  tags: Tag[]
  lastResult: SubmissionResult<string[]> | null
  pending: boolean
}) {
  const [form, fields] = useSchemaForm({
    id: 'template-editor',
    schema: templateForm,
    lastResult,
    defaultValue: { intent: 'save', ...defaultValue, includesConversation: defaultValue.includesConversation ? 'on' : undefined, isPublic: defaultValue.isPublic ? 'on' : undefined } as never,
  })
  const [previewing, setPreviewing] = useState(false)
  const items = fields.items.getFieldList()
  const includesConversation = fields.includesConversation.value === 'on'
  const suggestions = useFetcher<{ names: string[] }>()
  // One lookup at a time: a new load would abort the one in flight (which the router reports
  // as an error), so while one runs the latest prefix waits, and is asked for when it ends.
  const loadedPrefix = useRef('')
  const [wantedPrefix, setWantedPrefix] = useState('')
  useEffect(() => {
    if (suggestions.state !== 'idle' || wantedPrefix.length < 2 || wantedPrefix === loadedPrefix.current) return
    loadedPrefix.current = wantedPrefix
    suggestions.load(`/programs/${programId}/library/exercise-names?${new URLSearchParams({ prefix: wantedPrefix })}`)
  }, [suggestions, suggestions.state, wantedPrefix, programId])
  const suggest = (value: string) => setWantedPrefix(value.trim())

  return (
    <Form method="post" {...getFormProps(form)} className="flex flex-col gap-6">
      <input type="hidden" name="intent" value="save" />
      <FormError>{form.errors?.join(' ')}</FormError>
      <datalist id="exercise-suggestions">
        {(suggestions.data?.names ?? []).map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>

      <Card title="About this template">
        <div className="flex flex-col gap-4">
          <TextField label="Title" {...getInputProps(fields.title, { type: 'text' })} required maxLength={200} errors={fields.title.errors} />
          <TextAreaField
            label="Description"
            {...getTextareaProps(fields.description)}
            rows={3}
            maxLength={2000}
            hint="What this session is for, in a sentence or two. The client sees it."
            errors={fields.description.errors}
          />
          <label className="flex items-start gap-2 text-sm text-slate-800">
            <input {...getInputProps(fields.includesConversation, { type: 'checkbox' })} className="mt-1 h-4 w-4" />
            <span>
              <span className="font-medium">Include the five-stage coaching conversation</span>
              <span className="block text-slate-600">Check In, Starting Point, Connect, Finish and Check Out, with the AI coach or the guided questions.</span>
            </span>
          </label>
          <label className="flex items-start gap-2 text-sm text-slate-800">
            <input {...getInputProps(fields.isPublic, { type: 'checkbox' })} className="mt-1 h-4 w-4" />
            <span>
              <span className="font-medium">Public to this program’s clients</span>
              <span className="block text-slate-600">Clients can start a session from it themselves.</span>
            </span>
          </label>
          {tags.length > 0 ? (
            <fieldset className="flex flex-col gap-2">
              <legend className="text-sm font-medium text-slate-800">Tags</legend>
              <div className="flex flex-wrap gap-3">
                {tags.map((tag) => (
                  <label key={tag.id} className="flex items-center gap-2 text-sm">
                    <input type="checkbox" name={fields.tagIds.name} value={tag.id} defaultChecked={defaultValue.tagIds.includes(tag.id)} className="h-4 w-4" />
                    {tag.name}
                  </label>
                ))}
              </div>
            </fieldset>
          ) : (
            <p className="text-sm text-slate-600">No tags in this program yet; add them on the library page.</p>
          )}
        </div>
      </Card>

      {includesConversation ? (
        <Card title="Stage prompts (optional)">
          <p className="mb-3 text-sm text-slate-600">Anything the coach should focus on in a stage of this session. Leave a stage empty to use the usual questions.</p>
          <div className="grid gap-4 md:grid-cols-2">
            {stages.map((stage) => {
              const field = fields.stagePrompts.getFieldset()[stage.slug]
              return (
                <TextAreaField
                  label={stage.name}
                  {...getTextareaProps(field)}
                  rows={2}
                  maxLength={2000}
                  errors={field.errors}
                />
              )
            })}
          </div>
        </Card>
      ) : null}

      <Card
        title="Items"
        actions={
          <button type="button" className={buttonClass('secondary')} onClick={() => setPreviewing((on) => !on)} aria-pressed={previewing}>
            {previewing ? 'Back to editing' : 'Preview as the client sees it'}
          </button>
        }
      >
        {/* The editor stays mounted while previewing (hidden), so nothing typed is lost and all of it is sent. */}
        {previewing ? <SessionItems items={previewItems(items.map((item) => item.value as unknown as Partial<ItemDefault> | undefined))} emptyText="No items yet." /> : null}
        <div className={previewing ? 'hidden' : 'flex flex-col gap-4'}>
            {items.length === 0 ? <p className="text-sm text-slate-600">No items yet. Add a drill, an exercise or a reflection prompt.</p> : null}
            {items.map((item, index) => (
              <ItemEditor
                key={item.key}
                item={item}
                index={index}
                count={items.length}
                listName={fields.items.name}
                form={form}
                onExerciseInput={suggest}
              />
            ))}
            <div>
              <button {...form.insert.getButtonProps({ name: fields.items.name, defaultValue: newItem as never })} className={buttonClass('secondary')}>
                Add an item
              </button>
            </div>
        </div>
      </Card>

      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton pending={pending} pendingText="Saving…">
          Save template
        </SubmitButton>
        <span className="text-sm text-slate-600">Sessions already assigned keep the items they were given.</span>
      </div>
    </Form>
  )
}

type EditorForm = ReturnType<typeof useSchemaForm<typeof templateForm>>[0]
type ItemField = ReturnType<ReturnType<typeof useSchemaForm<typeof templateForm>>[1]['items']['getFieldList']>[number]

function ItemEditor({
  item,
  index,
  count,
  listName,
  form,
  onExerciseInput,
}: {
  item: ItemField
  index: number
  count: number
  listName: string
  form: EditorForm
  onExerciseInput: (value: string) => void
}) {
  const f = item.getFieldset()
  const kind = f.kind.value ?? 'drill'
  const prescriptionType = f.prescriptionType.value ?? 'none'
  const metrics = f.metrics.getFieldList()
  const label = `Item ${index + 1}${f.title.value ? ` (${f.title.value})` : ''}`
  const value = (item.value ?? {}) as unknown as ItemDefault
  return (
    <fieldset className="rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-sm font-semibold text-slate-800">{label}</legend>
      <input {...getInputProps(f.key, { type: 'hidden' })} />
      <div className="grid gap-3 md:grid-cols-[12rem_1fr]">
        <SelectField label="Kind" {...getSelectProps(f.kind)} errors={f.kind.errors}>
          {itemKinds.map((k) => (
            <option key={k} value={k}>
              {itemKindLabels[k]}
            </option>
          ))}
        </SelectField>
        <TextField label="Title" {...getInputProps(f.title, { type: 'text' })} maxLength={200} errors={f.title.errors} />
      </div>
      <div className="mt-3">
        <TextAreaField label="Instructions" {...getTextareaProps(f.instructions)} rows={2} maxLength={4000} errors={f.instructions.errors} />
      </div>

      {kind === 'exercise' ? (
        <div className="mt-3 flex flex-col gap-3">
          <TextField
            label="Exercise"
            {...getInputProps(f.exercise, { type: 'text' })}
            list="exercise-suggestions"
            autoComplete="off"
            maxLength={100}
            hint="Start typing a name from the catalog, such as “Back squat”."
            onInput={(event) => onExerciseInput(event.currentTarget.value)}
            errors={f.exercise.errors}
          />
          <SelectField label="Prescription" {...getSelectProps(f.prescriptionType)} errors={f.prescriptionType.errors}>
            <option value="none">None</option>
            <option value="strength">Strength: sets × reps</option>
            <option value="endurance">Endurance: duration and intensity</option>
          </SelectField>
          {prescriptionType === 'strength' ? (
            <div className="grid grid-cols-2 gap-3 md:grid-cols-3">
              <TextField label="Sets" {...getInputProps(f.sets, { type: 'number' })} min={1} max={20} errors={f.sets.errors} />
              <TextField label="Reps" {...getInputProps(f.reps, { type: 'number' })} min={1} max={50} errors={f.reps.errors} />
              <SelectField label="Intensity as" {...getSelectProps(f.intensityKind)} errors={f.intensityKind.errors}>
                <option value="">No intensity</option>
                {strengthIntensityKinds.map((k) => (
                  <option key={k} value={k}>
                    {intensityKindLabels[k]}
                  </option>
                ))}
              </SelectField>
              <TextField label="Intensity" {...getInputProps(f.intensityValue, { type: 'number' })} step="any" errors={f.intensityValue.errors} />
              <TextField label="Rest (seconds)" {...getInputProps(f.restSeconds, { type: 'number' })} min={0} max={600} errors={f.restSeconds.errors} />
              <TextField label="Tempo" {...getInputProps(f.tempo, { type: 'text' })} inputMode="numeric" maxLength={4} hint="Four digits, e.g. 3010" errors={f.tempo.errors} />
            </div>
          ) : prescriptionType === 'endurance' ? (
            <div className="grid grid-cols-2 gap-3 md:grid-cols-3">
              <SelectField label="Modality" {...getSelectProps(f.modality)} errors={f.modality.errors}>
                <option value="">Choose…</option>
                {enduranceModalities.map((m) => (
                  <option key={m} value={m}>
                    {m[0]!.toUpperCase() + m.slice(1)}
                  </option>
                ))}
              </SelectField>
              <TextField label="Duration (minutes)" {...getInputProps(f.durationMinutes, { type: 'number' })} min={1} max={1440} step="any" errors={f.durationMinutes.errors} />
              <TextField label="Distance (km, optional)" {...getInputProps(f.distanceKm, { type: 'number' })} min={0} step="any" errors={f.distanceKm.errors} />
              <SelectField label="Intensity as" {...getSelectProps(f.intensityKind)} errors={f.intensityKind.errors}>
                <option value="">No intensity</option>
                {enduranceIntensityKinds.map((k) => (
                  <option key={k} value={k}>
                    {intensityKindLabels[k]}
                  </option>
                ))}
              </SelectField>
              <TextField label="Intensity" {...getInputProps(f.intensityValue, { type: 'number' })} step="any" errors={f.intensityValue.errors} />
            </div>
          ) : null}
        </div>
      ) : null}

      <div className="mt-4 flex flex-col gap-3">
        <p className="text-sm font-semibold text-slate-800">What to record</p>
        {metrics.map((metric, m) => {
          const mf = metric.getFieldset()
          const metricKind = mf.kind.value ?? 'number'
          return (
            <fieldset key={metric.key} className="rounded border border-slate-100 bg-slate-50 p-2">
              <legend className="px-1 text-xs font-semibold text-slate-700">
                Metric {m + 1} of item {index + 1}
              </legend>
              <input {...getInputProps(mf.key, { type: 'hidden' })} />
              <div className="grid grid-cols-2 gap-2 md:grid-cols-4">
                <TextField label="Name" {...getInputProps(mf.label, { type: 'text' })} maxLength={80} errors={mf.label.errors} />
                <SelectField label="Kind" {...getSelectProps(mf.kind)} errors={mf.kind.errors}>
                  {metricKinds.map((k) => (
                    <option key={k} value={k}>
                      {metricKindLabels[k]}
                    </option>
                  ))}
                </SelectField>
                {metricKind === 'number' ? <TextField label="Unit" {...getInputProps(mf.unit, { type: 'text' })} maxLength={20} errors={mf.unit.errors} /> : null}
                {metricKind === 'number' || metricKind === 'scale' ? (
                  <>
                    <TextField label="Target" {...getInputProps(mf.target, { type: 'number' })} step="any" errors={mf.target.errors} />
                    <TextField label="Or range from" {...getInputProps(mf.targetMin, { type: 'number' })} step="any" errors={mf.targetMin.errors} />
                    <TextField label="to" {...getInputProps(mf.targetMax, { type: 'number' })} step="any" errors={mf.targetMax.errors} />
                  </>
                ) : null}
              </div>
              <div className="mt-2 flex flex-wrap items-center gap-4">
                <label className="flex items-center gap-2 text-sm">
                  <input {...getInputProps(mf.benchmark, { type: 'checkbox' })} className="h-4 w-4" />
                  A benchmark (1RM, FTP, a 5 km pace…)
                </label>
                <button {...form.remove.getButtonProps({ name: f.metrics.name, index: m })} className="text-sm text-red-700 underline">
                  Remove metric {m + 1} of item {index + 1}
                </button>
              </div>
            </fieldset>
          )
        })}
        <div>
          <button {...form.insert.getButtonProps({ name: f.metrics.name, defaultValue: newMetric as never })} className="text-sm font-semibold text-brand-700 underline">
            Add a metric to item {index + 1}
          </button>
        </div>
      </div>

      <div className="mt-4 flex flex-wrap gap-2 border-t border-slate-100 pt-3">
        <button
          {...form.reorder.getButtonProps({ name: listName, from: index, to: index - 1 })}
          disabled={index === 0}
          className={buttonClass('secondary')}
          aria-label={`Move item ${index + 1} up`}
        >
          Move up
        </button>
        <button
          {...form.reorder.getButtonProps({ name: listName, from: index, to: index + 1 })}
          disabled={index === count - 1}
          className={buttonClass('secondary')}
          aria-label={`Move item ${index + 1} down`}
        >
          Move down
        </button>
        <button
          {...form.insert.getButtonProps({ name: listName, index: index + 1, defaultValue: duplicateOf(value) as never })}
          className={buttonClass('secondary')}
          aria-label={`Duplicate item ${index + 1}`}
        >
          Duplicate
        </button>
        <button {...form.remove.getButtonProps({ name: listName, index })} className={buttonClass('danger')} aria-label={`Remove item ${index + 1}`}>
          Remove
        </button>
      </div>
    </fieldset>
  )
}

/** A copy is a new item: new keys, so what gets recorded against the original stays with it. */
function duplicateOf(value: ItemDefault): ItemDefault {
  return { ...value, key: undefined, metrics: (value.metrics ?? []).map((metric) => ({ ...metric, key: undefined })) }
}

/** The editor's current values as the session will show them; parts that do not validate yet are left out. */
function previewItems(values: (Partial<ItemDefault> | undefined)[]): SessionItem[] {
  const number = (text: string | undefined) => (text === undefined || text === '' || Number.isNaN(Number(text)) ? null : Number(text))
  return values.map((raw, index) => {
    const value = (raw ?? {}) as Partial<ItemDefault>
    const kind = itemKinds.includes(value.kind as never) ? (value.kind as SessionItem['kind']) : 'drill'
    const prescription =
      kind === 'exercise'
        ? prescriptionSchema.safeParse(
            prescriptionOfRow({
              prescriptionType: (value.prescriptionType ?? 'none') as 'none',
              sets: number(value.sets),
              reps: number(value.reps),
              intensityKind: value.intensityKind ?? '',
              intensityValue: number(value.intensityValue),
              restSeconds: number(value.restSeconds),
              tempo: value.tempo || null,
              modality: value.modality ?? '',
              durationMinutes: number(value.durationMinutes),
              distanceKm: number(value.distanceKm),
            } as never),
          )
        : null
    return {
      key: value.key ?? `preview-${index}`,
      kind,
      title: value.title || `Item ${index + 1}`,
      instructions: value.instructions ?? '',
      exercise: kind === 'exercise' && value.exercise ? { id: `preview-${index}`, name: value.exercise, category: 'other', muscleGroups: [] } : null,
      prescription: prescription?.success ? prescription.data : null,
      metrics: (value.metrics ?? []).flatMap((metric, m) => {
        const parsed = metricSchema.safeParse({
          key: metric.key ?? `00000000-0000-4000-8000-${String(m).padStart(12, '0')}`,
          kind: metric.kind,
          label: metric.label,
          unit: metric.unit || null,
          target: number(metric.target),
          targetMin: number(metric.targetMin),
          targetMax: number(metric.targetMax),
          benchmark: metric.benchmark === 'on',
        })
        return parsed.success ? [parsed.data] : []
      }),
    }
  })
}
