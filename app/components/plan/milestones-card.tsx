import { getFormProps, getInputProps } from '@conform-to/react'
import { useFetcher } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { milestoneForm } from '#lib/plans/plan-forms.shared'
import { useSchemaForm } from '~/components/conform'
import { buttonClass, FormError, Notice, SubmitButton, TextField } from '~/components/form'
import { Card, EmptyState } from '~/components/layout'
import type { action as milestonesAction } from '~/routes/action-plans.$planId.milestones'

interface Milestone {
  id: string
  title: string
  dueDate: string | null
  completed: boolean
}

/** The plan's milestones: progress, each milestone's own forms, and adding one. All post to the milestones action by fetchers. */
export function MilestonesCard({ planId, milestones, canEdit, firstRequestKey }: { planId: string; milestones: Milestone[]; canEdit: boolean; firstRequestKey: string }) {
  const done = milestones.filter((m) => m.completed).length
  const total = milestones.length
  const percent = total === 0 ? 0 : Math.round((done / total) * 100)
  return (
    <Card title="Milestones">
      <div className="mb-3">
        <div className="flex justify-between text-sm">
          <span>Progress</span>
          <span>
            {done} of {total} milestones
          </span>
        </div>
        <div
          className="mt-1 h-2 rounded-full bg-slate-100"
          role="progressbar"
          aria-label="Milestones completed"
          aria-valuemin={0}
          aria-valuemax={total}
          aria-valuenow={done}
          aria-valuetext={`${done} of ${total} milestones completed`}
        >
          <div className="h-2 rounded-full bg-brand-600" style={{ width: `${percent}%` }} />
        </div>
      </div>
      {total === 0 ? <EmptyState title="No milestones yet">Break the plan into checkpoints with dates.</EmptyState> : null}
      <ol className="flex flex-col divide-y divide-slate-100">
        {milestones.map((milestone, index) => (
          <MilestoneRow key={milestone.id} planId={planId} milestone={milestone} canEdit={canEdit} first={index === 0} last={index === milestones.length - 1} />
        ))}
      </ol>
      {canEdit ? <AddMilestoneForm planId={planId} firstRequestKey={firstRequestKey} /> : null}
    </Card>
  )
}

function useMilestoneFetcher() {
  const fetcher = useFetcher<typeof milestonesAction>()
  const data = fetcher.state === 'idle' ? fetcher.data : undefined
  return { fetcher, failure: data?.result.status === 'error' ? data.result.error?.['']?.join(' ') : undefined }
}

function MilestoneRow({ planId, milestone, canEdit, first, last }: { planId: string; milestone: Milestone; canEdit: boolean; first: boolean; last: boolean }) {
  const action = `/action-plans/${planId}/milestones`
  const quick = useMilestoneFetcher()
  const edit = useFetcher<typeof milestonesAction>()
  const [form, fields] = useSchemaForm({
    id: `milestone-${milestone.id}`,
    schema: milestoneForm,
    lastResult: edit.data?.result,
    defaultValue: { title: milestone.title, dueDate: milestone.dueDate ?? '' },
  })
  return (
    <li className="flex flex-col gap-2 py-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className={milestone.completed ? 'text-slate-500 line-through' : 'font-medium'}>
          {milestone.completed ? '✓ ' : ''}
          {milestone.title}
          {milestone.dueDate ? <span className="text-sm text-slate-600"> — {milestone.dueDate}</span> : null}
        </span>
        {canEdit ? (
          <quick.fetcher.Form method="post" action={action} className="flex flex-wrap gap-1">
            <input type="hidden" name="milestoneId" value={milestone.id} />
            <button
              type="submit"
              name="intent"
              value={milestone.completed ? 'reopen-milestone' : 'complete-milestone'}
              className={buttonClass('secondary')}
              aria-label={`${milestone.completed ? 'Reopen' : 'Complete'} milestone: ${milestone.title}`}
            >
              {milestone.completed ? 'Reopen' : 'Complete'}
            </button>
            <button type="submit" name="intent" value="move-up" disabled={first} className={buttonClass('secondary')} aria-label={`Move up: ${milestone.title}`}>
              ↑
            </button>
            <button type="submit" name="intent" value="move-down" disabled={last} className={buttonClass('secondary')} aria-label={`Move down: ${milestone.title}`}>
              ↓
            </button>
          </quick.fetcher.Form>
        ) : null}
      </div>
      <FormError>{quick.failure}</FormError>
      {canEdit ? (
        <details>
          <summary className="cursor-pointer text-sm text-brand-700">Edit or remove</summary>
          <edit.Form method="post" action={action} {...getFormProps(form)} className="mt-2 grid gap-2 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
            <input type="hidden" name="milestoneId" value={milestone.id} />
            <TextField label="Title" {...getInputProps(fields.title, { type: 'text' })} maxLength={200} errors={fields.title.errors} />
            <TextField label="Due date" {...getInputProps(fields.dueDate, { type: 'date' })} errors={fields.dueDate.errors} />
            <div className="flex gap-1">
              <button type="submit" name="intent" value="edit-milestone" className={buttonClass('secondary')}>
                Save
              </button>
              <button type="submit" name="intent" value="delete-milestone" className={buttonClass('danger')}>
                Remove
              </button>
            </div>
            <div className="sm:col-span-3">
              <FormError>{form.errors?.join(' ')}</FormError>
            </div>
          </edit.Form>
        </details>
      ) : null}
    </li>
  )
}

function AddMilestoneForm({ planId, firstRequestKey }: { planId: string; firstRequestKey: string }) {
  const fetcher = useFetcher<typeof milestonesAction>()
  // The same key for every attempt at this milestone, a new one once it is added: a double submit adds it once.
  const [requestKey, setRequestKey] = useState(firstRequestKey)
  const [form, fields] = useSchemaForm({ id: `milestone-new-${planId}`, schema: milestoneForm, lastResult: fetcher.data?.result })
  // A reply that resets the form carries no status; the message says it was added.
  const added = fetcher.state === 'idle' && fetcher.data !== undefined && 'message' in fetcher.data
  useEffect(() => {
    if (added) setRequestKey(crypto.randomUUID())
  }, [added])
  return (
    <fetcher.Form
      method="post"
      action={`/action-plans/${planId}/milestones`}
      {...getFormProps(form)}
      className="mt-4 grid gap-2 border-t border-slate-100 pt-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end"
    >
      <input type="hidden" name="intent" value="add-milestone" />
      <input type="hidden" name="requestKey" value={requestKey} />
      <TextField label="New milestone" {...getInputProps(fields.title, { type: 'text' })} maxLength={200} errors={fields.title.errors} />
      <TextField label="Due date" {...getInputProps(fields.dueDate, { type: 'date' })} errors={fields.dueDate.errors} />
      <SubmitButton variant="secondary" pending={fetcher.state !== 'idle'} pendingText="Adding…">
        Add
      </SubmitButton>
      <div className="sm:col-span-3">
        <FormError>{form.errors?.join(' ')}</FormError>
        {added && fetcher.data && 'message' in fetcher.data ? <Notice>{fetcher.data.message}</Notice> : null}
      </div>
    </fetcher.Form>
  )
}
