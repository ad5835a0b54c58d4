import { getFormProps, getInputProps, getSelectProps, getTextareaProps, type SubmissionResult } from '@conform-to/react'
import { Form } from '@remix-run/react'
import { enduranceModalities } from '#lib/library/library.shared'
import { daysOfWeek, weekPlanForm, type PlanItemRow } from '#lib/weekly/weeks.shared'
import { useSchemaForm } from '~/components/conform'
import { buttonClass, FormError, SelectField, SubmitButton, TextAreaField, TextField } from '~/components/form'

type EditorForm = ReturnType<typeof useSchemaForm<typeof weekPlanForm>>[0]
type ItemField = ReturnType<ReturnType<typeof useSchemaForm<typeof weekPlanForm>>[1]['items']['getFieldList']>[number]

const dayLabel = (isoDate: string) => new Date(`${isoDate}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'short', timeZone: 'UTC' })

/**
 * The coach writes a client's week: a note, and sessions on days of the week, each from a
 * template of the library or written here with an optional prescription. One form for the
 * whole week (Conform's list intents add and remove sessions).
 */
export function WeekPlanEditor({
  weekStart,
  note,
  items,
  templates,
  lastResult,
  pending,
  seen,
}: {
  weekStart: string
  note: string
  items: PlanItemRow[]
  templates: { id: string; title: string }[]
  lastResult: SubmissionResult<string[]> | null
  pending: boolean
  /** The client has opened the current plan: saving makes a new version. */
  seen: boolean
}) {
  const days = daysOfWeek(weekStart)
  const [form, fields] = useSchemaForm({
    id: `week-${weekStart}`,
    schema: weekPlanForm,
    lastResult,
    defaultValue: { intent: 'save-plan', weekStart, note, items: items as never },
  })
  const rows = fields.items.getFieldList()
  const newRow = { day: days[0], prescriptionType: 'none', templateId: '' }
  return (
    <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4">
      <input type="hidden" name="intent" value="save-plan" />
      <input {...getInputProps(fields.weekStart, { type: 'hidden' })} />
      <FormError>{form.errors?.join(' ')}</FormError>
      <TextAreaField label="Note for the week" {...getTextareaProps(fields.note)} rows={2} maxLength={2000} hint="What this week is about. The client sees it." errors={fields.note.errors} />
      {rows.length === 0 ? <p className="text-sm text-slate-600">No sessions yet. Add the first one.</p> : null}
      {rows.map((row, index) => (
        <PlanRowEditor key={row.key} row={row} index={index} days={days} templates={templates} form={form} listName={fields.items.name} />
      ))}
      <div className="flex flex-wrap items-center gap-3">
        <button {...form.insert.getButtonProps({ name: fields.items.name, defaultValue: newRow as never })} className={buttonClass('secondary')}>
          Add a session
        </button>
        <SubmitButton pending={pending} pendingText="Saving…">
          Save the week
        </SubmitButton>
        <span className="text-sm text-slate-600">
          {seen ? 'The client has seen this plan: saving keeps this version in the history and makes a new one.' : 'The client has not opened this plan yet.'}
        </span>
      </div>
    </Form>
  )
}

function PlanRowEditor({
  row,
  index,
  days,
  templates,
  form,
  listName,
}: {
  row: ItemField
  index: number
  days: string[]
  templates: { id: string; title: string }[]
  form: EditorForm
  listName: string
}) {
  const f = row.getFieldset()
  const fromTemplate = Boolean(f.templateId.value)
  const prescriptionType = f.prescriptionType.value ?? 'none'
  return (
    <fieldset className="rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-sm font-semibold text-slate-800">Session {index + 1}{f.title.value ? ` (${f.title.value})` : ''}</legend>
      <input {...getInputProps(f.key, { type: 'hidden' })} />
      <div className="grid gap-3 md:grid-cols-3">
        <SelectField label="Day" {...getSelectProps(f.day)} errors={f.day.errors}>
          {days.map((day) => (
            <option key={day} value={day}>
              {dayLabel(day)}
            </option>
          ))}
        </SelectField>
        <SelectField label="From the library" {...getSelectProps(f.templateId)} errors={f.templateId.errors}>
          <option value="">No template: write it here</option>
          {templates.map((template) => (
            <option key={template.id} value={template.id}>
              {template.title}
            </option>
          ))}
        </SelectField>
        <TextField
          label={fromTemplate ? 'Title (optional)' : 'Title'}
          {...getInputProps(f.title, { type: 'text' })}
          maxLength={200}
          hint={fromTemplate ? 'Empty: the template’s title.' : undefined}
          errors={f.title.errors}
        />
      </div>
      {fromTemplate ? null : (
        <div className="mt-3 flex flex-col gap-3">
          <TextAreaField label="Instructions" {...getTextareaProps(f.instructions)} rows={2} maxLength={4000} errors={f.instructions.errors} />
          <SelectField label="Prescription" {...getSelectProps(f.prescriptionType)} errors={f.prescriptionType.errors}>
            <option value="none">None</option>
            <option value="strength">Strength: sets × reps</option>
            <option value="endurance">Endurance: modality and duration</option>
          </SelectField>
          {prescriptionType === 'strength' ? (
            <div className="grid grid-cols-2 gap-3">
              <TextField label="Sets" {...getInputProps(f.sets, { type: 'number' })} min={1} max={20} errors={f.sets.errors} />
              <TextField label="Reps" {...getInputProps(f.reps, { type: 'number' })} min={1} max={50} errors={f.reps.errors} />
            </div>
          ) : prescriptionType === 'endurance' ? (
            <div className="grid grid-cols-2 gap-3">
              <SelectField label="Modality" {...getSelectProps(f.modality)} errors={f.modality.errors}>
                <option value="">Choose…</option>
                {enduranceModalities.map((m) => (
                  <option key={m} value={m}>
                    {m[0]!.toUpperCase() + m.slice(1)}
                  </option>
                ))}
              </SelectField>
              <TextField label="Duration (minutes)" {...getInputProps(f.durationMinutes, { type: 'number' })} min={1} max={1440} errors={f.durationMinutes.errors} />
            </div>
          ) : null}
        </div>
      )}
      <div className="mt-3">
        <button {...form.remove.getButtonProps({ name: listName, index })} className={buttonClass('danger')} aria-label={`Remove session ${index + 1}`}>
          Remove
        </button>
      </div>
    </fieldset>
  )
}
