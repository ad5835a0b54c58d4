import { SelectField, TextAreaField, TextField } from './form'
import { PriorityOptions } from './plan-badges'
import { fieldSpecsOf, progressLabels, type FieldSpec } from '#lib/coaching/stages.shared'
import { extraActionStepRows } from '~/utils/stage-form'

type Fields = Record<string, unknown>
type FieldErrors = Record<string, string[] | undefined>

function asText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : ''
}

function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []
}

function asRecords(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : []
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.fromEntries(Object.entries(value)) : {}
}

/** Errors for a field and anything under it (fields.actionSteps.0.dueDate → actionSteps). */
function errorsFor(errors: FieldErrors, key: string): string[] | undefined {
  const found = Object.entries(errors)
    .filter(([path]) => path === key || path.startsWith(`${key}.`))
    .flatMap(([path, messages]) => (messages ?? []).map((message) => (path === key ? message : `${path.replace(`${key}.`, '')}: ${message}`)))
  return found.length > 0 ? found : undefined
}

function progressLabelOf(progress: unknown): string {
  const found = Object.entries(progressLabels).find(([value]) => value === progress)
  return found ? found[1] : 'not discussed'
}

/** The review form for a stage's fields: everything editable, prefilled with the draft. */
export function StageFieldsForm({ slug, fields, errors = {} }: { slug: string; fields: Fields; errors?: FieldErrors }) {
  return (
    <div className="flex flex-col gap-5">
      {fieldSpecsOf(slug).map((spec) => (
        <FieldEditor key={spec.key} spec={spec} value={fields[spec.key]} errors={errorsFor(errors, spec.key)} />
      ))}
    </div>
  )
}

function FieldEditor({ spec, value, errors }: { spec: FieldSpec; value: unknown; errors?: string[] }) {
  const name = `fields.${spec.key}`
  switch (spec.kind) {
    case 'rating':
      return (
        <TextField label={spec.label} name={name} type="number" inputMode="numeric" min={1} max={10} defaultValue={asText(value)} errors={errors} />
      )
    case 'text':
      return <TextAreaField label={spec.label} name={name} rows={2} maxLength={spec.max} defaultValue={asText(value)} errors={errors} />
    case 'list':
      return (
        <TextAreaField
          label={spec.label}
          name={name}
          rows={Math.max(2, asList(value).length + 1)}
          hint={spec.help}
          defaultValue={asList(value).join('\n')}
          errors={errors}
        />
      )
    case 'smart': {
      const smart = asRecord(value)
      return (
        <fieldset className="flex flex-col gap-3 rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold">{spec.label}</legend>
          {spec.parts.map(({ key, label }) => (
            <TextField key={key} label={label} name={`${name}.${key}`} maxLength={1000} defaultValue={asText(smart[key])} />
          ))}
          {errors ? <p className="text-sm text-red-700">{errors.join(' ')}</p> : null}
        </fieldset>
      )
    }
    case 'actionSteps': {
      const steps = asRecords(value)
      const rows: Record<string, unknown>[] = [...steps, ...Array.from({ length: extraActionStepRows }, () => ({}))]
      return (
        <fieldset className="flex flex-col gap-3 rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold">{spec.label}</legend>
          <p className="text-sm text-slate-600">{spec.help}</p>
          {rows.map((step, index) => (
            <div key={index} className="grid gap-2 border-b border-slate-100 pb-3 sm:grid-cols-[2fr_1fr_1fr]">
              <TextField label={`Step ${index + 1}`} name={`${name}.${index}.title`} maxLength={200} defaultValue={asText(step.title)} />
              <TextField label="Due date" name={`${name}.${index}.dueDate`} type="date" defaultValue={asText(step.dueDate)} />
              <SelectField label="Priority" name={`${name}.${index}.priority`} defaultValue={asText(step.priority)}>
                <option value="">—</option>
                <PriorityOptions />
              </SelectField>
              <div className="sm:col-span-3">
                <TextField label="Detail (optional)" name={`${name}.${index}.description`} maxLength={1000} defaultValue={asText(step.description)} />
              </div>
            </div>
          ))}
          {errors ? <p className="text-sm text-red-700">{errors.join(' ')}</p> : null}
        </fieldset>
      )
    }
    case 'actionReviews': {
      const reviews = asRecords(value)
      if (reviews.length === 0) {
        return (
          <div>
            <p className="text-sm font-medium text-slate-800">{spec.label}</p>
            <p className="text-sm text-slate-600">No open actions from before.</p>
          </div>
        )
      }
      return (
        <fieldset className="flex flex-col gap-3 rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold">{spec.label}</legend>
          {reviews.map((review, index) => (
            <div key={index} className="grid gap-2 border-b border-slate-100 pb-3 sm:grid-cols-[1fr_2fr]">
              <input type="hidden" name={`${name}.${index}.actionPlanId`} value={asText(review.actionPlanId)} />
              <input type="hidden" name={`${name}.${index}.title`} value={asText(review.title)} />
              <SelectField label={asText(review.title)} name={`${name}.${index}.progress`} defaultValue={asText(review.progress)}>
                <option value="">Not discussed</option>
                {Object.entries(progressLabels).map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </SelectField>
              <TextField label="What got in the way" name={`${name}.${index}.whatGotInTheWay`} maxLength={1000} defaultValue={asText(review.whatGotInTheWay)} />
            </div>
          ))}
          {errors ? <p className="text-sm text-red-700">{errors.join(' ')}</p> : null}
        </fieldset>
      )
    }
  }
}

/** A stage's saved fields, read-only. */
export function StageFieldsView({ slug, fields }: { slug: string; fields: Fields }) {
  return (
    <dl className="grid gap-3 sm:grid-cols-2">
      {fieldSpecsOf(slug).map((spec) => (
        <div key={spec.key} className={spec.kind === 'actionSteps' || spec.kind === 'smart' || spec.kind === 'actionReviews' ? 'sm:col-span-2' : ''}>
          <dt className="text-sm font-medium text-slate-600">{spec.label}</dt>
          <dd className="mt-0.5 text-slate-900">
            <FieldValue spec={spec} value={fields[spec.key]} />
          </dd>
        </div>
      ))}
    </dl>
  )
}

function FieldValue({ spec, value }: { spec: FieldSpec; value: unknown }) {
  const empty = <span className="text-slate-400">—</span>
  switch (spec.kind) {
    case 'rating':
    case 'text':
      return asText(value) ? <span className="whitespace-pre-wrap">{asText(value)}</span> : empty
    case 'list': {
      const items = asList(value)
      return items.length ? (
        <ul className="list-disc pl-5">
          {items.map((item, i) => (
            <li key={i}>{item}</li>
          ))}
        </ul>
      ) : (
        empty
      )
    }
    case 'smart': {
      const smart = asRecord(value)
      return (
        <ul className="flex flex-col gap-1">
          {spec.parts.map(({ key, label }) => (
            <li key={key}>
              <span className="text-sm text-slate-600">{label}:</span> {asText(smart[key]) || empty}
            </li>
          ))}
        </ul>
      )
    }
    case 'actionSteps': {
      const steps = asRecords(value)
      return steps.length ? (
        <ol className="list-decimal pl-5">
          {steps.map((step, i) => (
            <li key={i}>
              {asText(step.title)}
              {asText(step.dueDate) ? <span className="text-slate-600"> · by {asText(step.dueDate)}</span> : null}
              {asText(step.priority) ? <span className="text-slate-600"> · priority {asText(step.priority)}</span> : null}
              {asText(step.description) ? <div className="text-sm text-slate-600">{asText(step.description)}</div> : null}
            </li>
          ))}
        </ol>
      ) : (
        empty
      )
    }
    case 'actionReviews': {
      const reviews = asRecords(value)
      return reviews.length ? (
        <ul className="flex flex-col gap-1">
          {reviews.map((review, i) => (
            <li key={i}>
              {asText(review.title)}: {progressLabelOf(review.progress)}
              {asText(review.whatGotInTheWay) ? <span className="text-slate-600"> — {asText(review.whatGotInTheWay)}</span> : null}
            </li>
          ))}
        </ul>
      ) : (
        empty
      )
    }
  }
}
