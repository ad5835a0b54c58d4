import { SelectField, TextAreaField, TextField } from './form'
import { PriorityOptions } from './plan-badges'
import { fieldSpecsOf, progressLabels, type FieldSpec } from '#lib/coaching/stages.shared'


type Fields = Record<string, unknown>
type FieldErrors = Record<string, string[] | undefined>

/** Blank rows offered for new action steps under the existing ones. */
const extraActionStepRows = 2
/** A step has at most this many milestones; a blank row is offered while there is room. */
const maxMilestones = 4

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

/** Errors for a field and anything under it (actionSteps[0].dueDate → actionSteps), as "dueDate: …" lines. */
function errorsFor(errors: FieldErrors, key: string): string[] | undefined {
  const found = Object.entries(errors)
    .filter(([path]) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`))
    .flatMap(([path, messages]) => (messages ?? []).map((message) => (path === key ? message : `${path.slice(key.length).replace(/^[.[]/, '').replace(/^(\d+)\]\.?/, 'row $1: ')} ${message}`.trim())))
  return found.length > 0 ? found : undefined
}

function progressLabelOf(progress: unknown): string {
  const found = Object.entries(progressLabels).find(([value]) => value === progress)
  return found ? found[1] : 'not discussed'
}

/** A stage's fields as the review form's values: lines for lists, text for numbers. */
export function reviewFormValues(slug: string, fields: Fields): Record<string, unknown> {
  return Object.fromEntries(
    fieldSpecsOf(slug).map((spec) => {
      const value = fields[spec.key]
      if (spec.kind === 'list') return [spec.key, asList(value).join('\n')]
      if (spec.kind === 'rating') return [spec.key, asText(value)]
      if (spec.kind === 'actionSteps' || spec.kind === 'actionReviews') {
        return [
          spec.key,
          asRecords(value).map((row) =>
            Object.fromEntries(
              Object.entries(row).map(([k, v]) => [k, Array.isArray(v) ? asRecords(v).map((m) => Object.fromEntries(Object.entries(m).map(([mk, mv]) => [mk, asText(mv)]))) : asText(v)]),
            ),
          ),
        ]
      }
      if (spec.kind === 'smart') return [spec.key, Object.fromEntries(Object.entries(asRecord(value)).map(([k, v]) => [k, asText(v)]))]
      return [spec.key, asText(value)]
    }),
  )
}

/**
 * The review form's inputs for a stage's fields: everything editable, named the way
 * Conform reads them (actionSteps[0].title), prefilled with `values` — the draft, or what
 * was typed when the server sent the form back — and each error beside its input.
 */
export function StageFieldsForm({ slug, values, errors = {} }: { slug: string; values: Fields; errors?: FieldErrors }) {
  return (
    <div className="flex flex-col gap-5">
      {fieldSpecsOf(slug).map((spec) => (
        <FieldEditor key={spec.key} spec={spec} value={values[spec.key]} errors={errors} />
      ))}
    </div>
  )
}

function FieldEditor({ spec, value, errors }: { spec: FieldSpec; value: unknown; errors: FieldErrors }) {
  const name = spec.key
  const own = errorsFor(errors, spec.key)
  switch (spec.kind) {
    case 'rating':
      return <TextField label={spec.label} name={name} type="number" inputMode="numeric" min={1} max={10} defaultValue={asText(value)} errors={own} />
    case 'text':
      return <TextAreaField label={spec.label} name={name} rows={2} maxLength={spec.max} defaultValue={asText(value)} errors={own} />
    case 'list': {
      const text = Array.isArray(value) ? asList(value).join('\n') : asText(value)
      return <TextAreaField label={spec.label} name={name} rows={Math.max(2, text.split('\n').length + 1)} hint={spec.help} defaultValue={text} errors={own} />
    }
    case 'smart': {
      const smart = asRecord(value)
      return (
        <fieldset className="flex flex-col gap-3 rounded-md border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold">{spec.label}</legend>
          {spec.parts.map(({ key, label }) => (
            <TextField key={key} label={label} name={`${name}.${key}`} maxLength={1000} defaultValue={asText(smart[key])} errors={errors[`${name}.${key}`]} />
          ))}
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
          {rows.map((step, index) => {
            const row = `${name}[${index}]`
            return (
              // One step per row: the title gets the full width, so a step reads whole at any size (bug 5, issue 9).
              <fieldset key={index} className="grid gap-2 border-b border-slate-100 pb-3 sm:grid-cols-2">
                <legend className="sr-only">Action step {index + 1}</legend>
                <div className="sm:col-span-2">
                  <TextField label={`Step ${index + 1}`} name={`${row}.title`} maxLength={200} defaultValue={asText(step.title)} errors={errors[`${row}.title`]} />
                </div>
                <TextField label="Due date" name={`${row}.dueDate`} type="date" defaultValue={asText(step.dueDate)} errors={errors[`${row}.dueDate`]} />
                <SelectField label="Priority" name={`${row}.priority`} defaultValue={asText(step.priority)} errors={errors[`${row}.priority`]}>
                  <option value="">—</option>
                  <PriorityOptions />
                </SelectField>
                <div className="sm:col-span-2">
                  <TextField label="Detail (optional)" name={`${row}.description`} maxLength={1000} defaultValue={asText(step.description)} errors={errors[`${row}.description`]} />
                </div>
                <MilestoneRows row={row} stepNumber={index + 1} milestones={asRecords(step.milestones)} errors={errors} />
              </fieldset>
            )
          })}
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
          {reviews.map((review, index) => {
            const row = `${name}[${index}]`
            return (
              <fieldset key={index} className="grid gap-2 border-b border-slate-100 pb-3 sm:grid-cols-[1fr_2fr]">
                <legend className="sr-only">{asText(review.title)}</legend>
                <input type="hidden" name={`${row}.actionPlanId`} value={asText(review.actionPlanId)} />
                <input type="hidden" name={`${row}.title`} value={asText(review.title)} />
                <SelectField label={asText(review.title)} name={`${row}.progress`} defaultValue={asText(review.progress)} errors={errors[`${row}.progress`]}>
                  <option value="">Not discussed</option>
                  {Object.entries(progressLabels).map(([progress, label]) => (
                    <option key={progress} value={progress}>
                      {label}
                    </option>
                  ))}
                </SelectField>
                <TextField
                  label="What got in the way"
                  name={`${row}.whatGotInTheWay`}
                  maxLength={1000}
                  defaultValue={asText(review.whatGotInTheWay)}
                  errors={errors[`${row}.whatGotInTheWay`]}
                />
              </fieldset>
            )
          })}
        </fieldset>
      )
    }
  }
}

/**
 * A step's milestones: the ones proposed from what the client said (or saved before), each
 * kept, changed or cleared here, and one blank row to add another (decision 020).
 */
function MilestoneRows({ row, stepNumber, milestones, errors }: { row: string; stepNumber: number; milestones: Record<string, unknown>[]; errors: FieldErrors }) {
  const rows: Record<string, unknown>[] = [...milestones, ...(milestones.length < maxMilestones ? [{}] : [])]
  return (
    <fieldset className="flex flex-col gap-2 sm:col-span-2">
      <legend className="text-sm font-medium text-slate-700">Milestones for step {stepNumber} (optional)</legend>
      {rows.map((milestone, index) => {
        const name = `${row}.milestones[${index}]`
        return (
          <div key={index} className="grid gap-2 sm:grid-cols-[2fr_1fr]">
            <TextField label={`Milestone ${index + 1} of step ${stepNumber}`} name={`${name}.title`} maxLength={200} defaultValue={asText(milestone.title)} errors={errors[`${name}.title`]} />
            <TextField label={`Milestone ${index + 1} date`} name={`${name}.dueDate`} type="date" defaultValue={asText(milestone.dueDate)} errors={errors[`${name}.dueDate`]} />
          </div>
        )
      })}
    </fieldset>
  )
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
              {asRecords(step.milestones).length > 0 ? (
                <ul className="list-disc pl-5 text-sm text-slate-600">
                  {asRecords(step.milestones).map((milestone, m) => (
                    <li key={m}>
                      {asText(milestone.title)}
                      {asText(milestone.dueDate) ? ` · by ${asText(milestone.dueDate)}` : ''}
                    </li>
                  ))}
                </ul>
              ) : null}
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
