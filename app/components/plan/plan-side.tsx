import { getFormProps, getInputProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import { Form, useActionData, useFetcher, useNavigation } from '@remix-run/react'
import { formatDate } from '#lib/dates.shared'
import { actionPlanStatuses, planForm, statusLabel, statusLabels } from '#lib/plans/plan-forms.shared'
import { useSchemaForm } from '~/components/conform'
import { buttonClass, FormError, Notice, SelectField, SubmitButton, TextAreaField, TextField } from '~/components/form'
import { Card } from '~/components/layout'
import { PriorityOptions, StatusOptions } from '~/components/plan-badges'
import type { action as planAction } from '~/routes/action-plans.$planId'

/** The status buttons: one press sets the status, by their own fetcher. */
export function StatusCard({ planId, status }: { planId: string; status: string }) {
  const fetcher = useFetcher<typeof planAction>()
  const data = fetcher.state === 'idle' ? fetcher.data : undefined
  return (
    <Card title="Status">
      <fetcher.Form method="post" action={`/action-plans/${planId}`} className="flex flex-wrap gap-2">
        <input type="hidden" name="intent" value="set-status" />
        {actionPlanStatuses.map((option) => (
          <button
            key={option}
            type="submit"
            name="status"
            value={option}
            aria-pressed={status === option}
            disabled={fetcher.state !== 'idle'}
            className={buttonClass(status === option ? 'primary' : 'secondary')}
          >
            {statusLabels[option]}
          </button>
        ))}
      </fetcher.Form>
      <div className="mt-2">
        {data && 'message' in data && typeof data.message === 'string' ? <Notice>{data.message}</Notice> : null}
        <FormError>{data?.result.status === 'error' ? data.result.error?.['']?.join(' ') : null}</FormError>
      </div>
    </Card>
  )
}

export function HistoryCard({ history, timezone }: { history: { at: Date | string; from: string | null; to: string; byName: string | null }[]; timezone: string }) {
  return (
    <Card title="History">
      {history.length === 0 ? (
        <p className="text-sm text-slate-600">No changes yet.</p>
      ) : (
        <ol className="flex flex-col gap-1 text-sm">
          {history.map((change, i) => (
            <li key={i}>
              <span className="text-slate-600">{formatDate(change.at, { timeZone: timezone, time: true })}</span> —{' '}
              {change.from ? (
                <>
                  {statusLabel(change.from)} → <strong>{statusLabel(change.to)}</strong>
                </>
              ) : (
                <>Created as {statusLabel(change.to)}</>
              )}
              {change.byName ? ` by ${change.byName}` : ''}
            </li>
          ))}
        </ol>
      )}
    </Card>
  )
}

interface EditablePlan {
  id: string
  title: string
  description: string
  theme: string
  status: string
  priority: number | null
  timelineStart: string | null
  timelineEnd: string | null
  isOwner: boolean
}

/**
 * Editing the plan (Conform; judged on the server, so the answer is the same with or without
 * JavaScript) and deleting it.
 */
export function EditPlanCard({ plan }: { plan: EditablePlan }) {
  const actionData = useActionData<typeof planAction>()
  const navigation = useNavigation()
  const lastResult = actionData && 'result' in actionData ? actionData.result : undefined
  const [form, fields] = useSchemaForm({
    id: `plan-${plan.id}`,
    schema: planForm,
    lastResult,
    defaultValue: {
      title: plan.title,
      description: plan.description,
      theme: plan.theme,
      status: plan.status,
      priority: plan.priority ? String(plan.priority) : '',
      timelineStart: plan.timelineStart ?? '',
      timelineEnd: plan.timelineEnd ?? '',
    },
    checkInBrowser: false,
  })
  const saving = navigation.state === 'submitting' && navigation.formAction === `/action-plans/${plan.id}`
  const saved = navigation.state === 'idle' && actionData && 'message' in actionData ? actionData.message : null
  return (
    <Card title="Edit plan">
      {saved ? <Notice>{saved}</Notice> : null}
      <Form method="post" action={`/action-plans/${plan.id}`} {...getFormProps(form)} className="flex flex-col gap-3">
        <input type="hidden" name="intent" value="update-plan" />
        <FormError>{form.errors?.join(' ')}</FormError>
        <TextField label="Agreed action" {...getInputProps(fields.title, { type: 'text' })} maxLength={200} errors={fields.title.errors} />
        <TextAreaField label="Content" {...getTextareaProps(fields.description)} rows={3} maxLength={5000} errors={fields.description.errors} />
        <TextField label="Coaching theme" {...getInputProps(fields.theme, { type: 'text' })} maxLength={300} errors={fields.theme.errors} />
        {/* Keyed by the saved status: the Status buttons change it, and a stale choice here would undo that on "Save changes". */}
        <SelectField label="Status" {...getSelectProps(fields.status)} key={plan.status} defaultValue={lastResult?.status === 'error' ? (fields.status.initialValue ?? plan.status) : plan.status} errors={fields.status.errors}>
          <StatusOptions />
        </SelectField>
        <SelectField label="Priority" {...getSelectProps(fields.priority)} errors={fields.priority.errors}>
          <option value="">No priority</option>
          <PriorityOptions />
        </SelectField>
        <div className="grid grid-cols-2 gap-2">
          <TextField label="Start" {...getInputProps(fields.timelineStart, { type: 'date' })} errors={fields.timelineStart.errors} />
          <TextField label="Due" {...getInputProps(fields.timelineEnd, { type: 'date' })} errors={fields.timelineEnd.errors} />
        </div>
        <SubmitButton pending={saving} pendingText="Saving…">
          Save changes
        </SubmitButton>
      </Form>
      {plan.isOwner ? (
        <Form
          method="post"
          action={`/action-plans/${plan.id}`}
          className="mt-4 border-t border-slate-100 pt-4"
          onSubmit={(event) => {
            if (!confirm('Delete this action plan and its milestones?')) event.preventDefault()
          }}
        >
          <input type="hidden" name="intent" value="delete-plan" />
          <SubmitButton variant="danger" pending={false} pendingText="Deleting…">
            Delete plan
          </SubmitButton>
        </Form>
      ) : null}
    </Card>
  )
}
