import { randomUUID } from 'node:crypto'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import {
  addMilestone,
  deleteActionPlan,
  deleteMilestone,
  getActionPlan,
  moveMilestone,
  setActionPlanStatus,
  setMilestoneCompleted,
  updateActionPlan,
  updateMilestone,
} from '#lib/plans/action-plans'
import { getProfile } from '#lib/profiles'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, FormError, Notice, SelectField, SubmitButton, TextAreaField, TextField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { DueBadge, planStatuses, PriorityOptions, StatusBadge, statusLabels } from '~/components/plan-badges'
import { requireUserId } from '~/utils/auth.server'
import { appErrorToFormFailure, parseForm, readForm } from '~/utils/forms.server'
import { orNotFound, requireIdParam } from '~/utils/http'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const planId = requireIdParam(params.planId)
  const [plan, profile] = await Promise.all([
    orNotFound(getActionPlan(context.db, { userId, id: planId })),
    getProfile(context.db, { userId }),
  ])
  // Times are shown in the person's own timezone, the same on the server and in the browser.
  return { plan, timezone: profile?.timezone ?? 'UTC', requestKey: randomUUID() }
}

const id = z.uuid('That milestone is not part of this plan.')
const planAction = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('update-plan') }),
  z.object({ intent: z.literal('set-status'), status: z.string() }),
  z.object({ intent: z.literal('delete-plan') }),
  z.object({ intent: z.literal('add-milestone'), requestKey: z.uuid(), title: z.string().default(''), dueDate: z.string().default('') }),
  z.object({ intent: z.literal('edit-milestone'), milestoneId: id, title: z.string().default(''), dueDate: z.string().default('') }),
  z.object({ intent: z.literal('complete-milestone'), milestoneId: id }),
  z.object({ intent: z.literal('reopen-milestone'), milestoneId: id }),
  z.object({ intent: z.literal('move-milestone'), milestoneId: id, direction: z.enum(['up', 'down']) }),
  z.object({ intent: z.literal('delete-milestone'), milestoneId: id }),
])

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const planId = requireIdParam(params.planId)
  const formData = await readForm(request)
  const parsed = parseForm(formData, planAction)
  if (!parsed.success) return parsed.response
  const input = parsed.data
  const ok = (message: string) => ({ ok: true as const, message })
  try {
    switch (input.intent) {
      case 'update-plan':
        await updateActionPlan(context.db, {
          userId,
          id: planId,
          input: {
            title: String(formData.get('title') ?? ''),
            description: String(formData.get('description') ?? ''),
            theme: String(formData.get('theme') ?? ''),
            status: String(formData.get('status') ?? ''),
            priority: String(formData.get('priority') ?? ''),
            timelineStart: String(formData.get('timelineStart') ?? ''),
            timelineEnd: String(formData.get('timelineEnd') ?? ''),
          },
        })
        return ok('Saved.')
      case 'set-status':
        await setActionPlanStatus(context.db, { userId, id: planId, status: input.status })
        return ok(`Status set to ${statusLabels[input.status] ?? input.status}.`)
      case 'delete-plan':
        await deleteActionPlan(context.db, { userId, id: planId })
        return redirect('/action-plans')
      case 'add-milestone':
        await addMilestone(context.db, { userId, planId, requestKey: input.requestKey, input: { title: input.title, dueDate: input.dueDate } })
        return ok('Milestone added.')
      case 'edit-milestone':
        await updateMilestone(context.db, { userId, planId, milestoneId: input.milestoneId, input: { title: input.title, dueDate: input.dueDate } })
        return ok('Milestone saved.')
      case 'complete-milestone':
        await setMilestoneCompleted(context.db, { userId, planId, milestoneId: input.milestoneId, completed: true })
        return ok('Milestone completed.')
      case 'reopen-milestone':
        await setMilestoneCompleted(context.db, { userId, planId, milestoneId: input.milestoneId, completed: false })
        return ok('Milestone reopened.')
      case 'move-milestone':
        await moveMilestone(context.db, { userId, planId, milestoneId: input.milestoneId, direction: input.direction })
        return ok('Milestone moved.')
      case 'delete-milestone':
        await deleteMilestone(context.db, { userId, planId, milestoneId: input.milestoneId })
        return ok('Milestone removed.')
    }
  } catch (error) {
    return appErrorToFormFailure(formData, error)
  }
}

/**
 * A fixed timezone, not the runtime's: the server's and the browser's differ, and text that
 * differs between the server render and hydration breaks hydration.
 */
function formatDateTime(value: Date | string, timeZone: string) {
  const options = { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' } as const
  try {
    return new Date(value).toLocaleString('en-GB', { ...options, timeZone })
  } catch {
    // An unknown timezone name (RangeError): UTC rather than no page.
    return new Date(value).toLocaleString('en-GB', { ...options, timeZone: 'UTC' })
  }
}

export default function ActionPlanPage() {
  const { plan, timezone, requestKey } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state !== 'idle' ? navigation.formData?.get('intent') : null
  const failure = result && !result.ok ? result : null
  // Errors belong to the form that was sent: the plan form and the milestone form share field names.
  const planFailure = failure?.values.intent === 'update-plan' ? failure : null
  const milestoneFailure = failure?.values.intent === 'add-milestone' ? failure : null
  const done = plan.milestones.filter((m) => m.completed).length
  const total = plan.milestones.length
  const percent = total === 0 ? 0 : Math.round((done / total) * 100)

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={plan.title}>
        <StatusBadge status={plan.status} />
        <DueBadge overdue={plan.overdue} dueThisWeek={false} />
      </PageHeader>
      <p className="-mt-4 text-sm text-slate-600">
        {plan.clientName && !plan.isOwner ? `${plan.clientName}’s plan · ` : ''}
        {plan.sessionId ? (
          <>
            From the session{' '}
            <Link to={`/sessions/${plan.sessionId}`} className="font-medium text-brand-700 underline">
              {plan.sessionTitle}
            </Link>
          </>
        ) : (
          'Written by hand'
        )}
        {plan.theme ? ` · Theme: ${plan.theme}` : ''}
      </p>

      {result?.ok ? <Notice>{result.message}</Notice> : null}
      <FormError>{failure?.formError}</FormError>

      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <div className="flex flex-col gap-6">
          <Card title="Goal and success">
            <dl className="flex flex-col gap-3">
              <div>
                <dt className="text-sm font-medium text-slate-600">Goal</dt>
                <dd>{plan.goalStatement || <span className="text-slate-400">—</span>}</dd>
              </div>
              {plan.smartCriteria ? (
                <div>
                  <dt className="text-sm font-medium text-slate-600">SMART criteria</dt>
                  <dd>
                    <ul className="flex flex-col gap-1 text-sm">
                      {(
                        [
                          ['Specific', plan.smartCriteria.specific],
                          ['Measurable', plan.smartCriteria.measurable],
                          ['Achievable', plan.smartCriteria.achievable],
                          ['Relevant', plan.smartCriteria.relevant],
                          ['Time-bound', plan.smartCriteria.timeBound],
                        ] as const
                      ).map(([label, value]) => (
                        <li key={label}>
                          <span className="text-slate-600">{label}:</span> {value ?? '—'}
                        </li>
                      ))}
                    </ul>
                  </dd>
                </div>
              ) : null}
              {plan.successMetrics.length > 0 ? (
                <div>
                  <dt className="text-sm font-medium text-slate-600">Success metrics</dt>
                  <dd>
                    <ul className="list-disc pl-5 text-sm">
                      {plan.successMetrics.map((metric) => (
                        <li key={metric}>{metric}</li>
                      ))}
                    </ul>
                  </dd>
                </div>
              ) : null}
            </dl>
          </Card>

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
              {plan.milestones.map((milestone, index) => (
                <li key={milestone.id} className="flex flex-col gap-2 py-3">
                  <div className="flex flex-wrap items-center justify-between gap-2">
                    <span className={milestone.completed ? 'text-slate-500 line-through' : 'font-medium'}>
                      {milestone.completed ? '✓ ' : ''}
                      {milestone.title}
                      {milestone.dueDate ? <span className="text-sm text-slate-600"> — {milestone.dueDate}</span> : null}
                    </span>
                    {plan.canEdit ? (
                      <div className="flex flex-wrap gap-1">
                        <Form method="post">
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
                        </Form>
                        <Form method="post">
                          <input type="hidden" name="milestoneId" value={milestone.id} />
                          <input type="hidden" name="direction" value="up" />
                          <button type="submit" name="intent" value="move-milestone" disabled={index === 0} className={buttonClass('secondary')} aria-label={`Move up: ${milestone.title}`}>
                            ↑
                          </button>
                        </Form>
                        <Form method="post">
                          <input type="hidden" name="milestoneId" value={milestone.id} />
                          <input type="hidden" name="direction" value="down" />
                          <button
                            type="submit"
                            name="intent"
                            value="move-milestone"
                            disabled={index === plan.milestones.length - 1}
                            className={buttonClass('secondary')}
                            aria-label={`Move down: ${milestone.title}`}
                          >
                            ↓
                          </button>
                        </Form>
                      </div>
                    ) : null}
                  </div>
                  {plan.canEdit ? (
                    <details>
                      <summary className="cursor-pointer text-sm text-brand-700">Edit or remove</summary>
                      <Form method="post" className="mt-2 grid gap-2 sm:grid-cols-[2fr_1fr_auto] sm:items-end">
                        <input type="hidden" name="milestoneId" value={milestone.id} />
                        <TextField label="Title" name="title" defaultValue={milestone.title} maxLength={200} required />
                        <TextField label="Due date" name="dueDate" type="date" defaultValue={milestone.dueDate ?? ''} />
                        <div className="flex gap-1">
                          <button type="submit" name="intent" value="edit-milestone" className={buttonClass('secondary')}>
                            Save
                          </button>
                          <button type="submit" name="intent" value="delete-milestone" className={buttonClass('danger')}>
                            Remove
                          </button>
                        </div>
                      </Form>
                    </details>
                  ) : null}
                </li>
              ))}
            </ol>
            {plan.canEdit ? (
              <Form method="post" className="mt-4 grid gap-2 border-t border-slate-100 pt-4 sm:grid-cols-[2fr_1fr_auto] sm:items-end" key={requestKey}>
                <input type="hidden" name="intent" value="add-milestone" />
                <input type="hidden" name="requestKey" value={requestKey} />
                <TextField label="New milestone" name="title" maxLength={200} errors={milestoneFailure?.fieldErrors.title} defaultValue={milestoneFailure?.values.title} />
                <TextField label="Due date" name="dueDate" type="date" errors={milestoneFailure?.fieldErrors.dueDate} defaultValue={milestoneFailure?.values.dueDate} />
                <SubmitButton variant="secondary" pending={busy === 'add-milestone'} pendingText="Adding…">
                  Add
                </SubmitButton>
              </Form>
            ) : null}
          </Card>
        </div>

        <div className="flex flex-col gap-6">
          {plan.canEdit ? (
            <Card title="Status">
              <Form method="post" className="flex flex-wrap gap-2">
                <input type="hidden" name="intent" value="set-status" />
                {planStatuses.map((status) => (
                  <button
                    key={status}
                    type="submit"
                    name="status"
                    value={status}
                    aria-pressed={plan.status === status}
                    disabled={busy === 'set-status'}
                    className={buttonClass(plan.status === status ? 'primary' : 'secondary')}
                  >
                    {statusLabels[status]}
                  </button>
                ))}
              </Form>
            </Card>
          ) : null}

          <Card title="History">
            {plan.history.length === 0 ? (
              <p className="text-sm text-slate-600">No changes yet.</p>
            ) : (
              <ol className="flex flex-col gap-1 text-sm">
                {plan.history.map((change, i) => (
                  <li key={i}>
                    <span className="text-slate-600">{formatDateTime(change.at, timezone)}</span> —{' '}
                    {change.from ? (
                      <>
                        {statusLabels[change.from] ?? change.from} → <strong>{statusLabels[change.to] ?? change.to}</strong>
                      </>
                    ) : (
                      <>Created as {statusLabels[change.to] ?? change.to}</>
                    )}
                    {change.byName ? ` by ${change.byName}` : ''}
                  </li>
                ))}
              </ol>
            )}
          </Card>

          {plan.canEdit ? (
            <Card title="Edit plan">
              <Form method="post" className="flex flex-col gap-3" noValidate>
                <input type="hidden" name="intent" value="update-plan" />
                <TextField label="Agreed action" name="title" required maxLength={200} defaultValue={planFailure?.values.title ?? plan.title} errors={planFailure?.fieldErrors.title} />
                <TextAreaField label="Content" name="description" rows={3} maxLength={5000} defaultValue={planFailure?.values.description ?? plan.description} errors={planFailure?.fieldErrors.description} />
                <TextField label="Coaching theme" name="theme" maxLength={300} defaultValue={planFailure?.values.theme ?? plan.theme} errors={planFailure?.fieldErrors.theme} />
                {/* Keyed by the saved status: the Status buttons change it, and a stale choice here would undo that on "Save changes". */}
                <SelectField key={plan.status} label="Status" name="status" defaultValue={planFailure?.values.status ?? plan.status} errors={planFailure?.fieldErrors.status}>
                  {planStatuses.map((s) => (
                    <option key={s} value={s}>
                      {statusLabels[s]}
                    </option>
                  ))}
                </SelectField>
                <SelectField label="Priority" name="priority" defaultValue={planFailure?.values.priority ?? String(plan.priority)} errors={planFailure?.fieldErrors.priority}>
                  <PriorityOptions />
                </SelectField>
                <div className="grid grid-cols-2 gap-2">
                  <TextField label="Start" name="timelineStart" type="date" defaultValue={planFailure?.values.timelineStart ?? plan.timelineStart ?? ''} errors={planFailure?.fieldErrors.timelineStart} />
                  <TextField label="Due" name="timelineEnd" type="date" defaultValue={planFailure?.values.timelineEnd ?? plan.timelineEnd ?? ''} errors={planFailure?.fieldErrors.timelineEnd} />
                </div>
                <SubmitButton pending={busy === 'update-plan'} pendingText="Saving…">
                  Save changes
                </SubmitButton>
              </Form>
              {plan.isOwner ? (
                <Form
                  method="post"
                  className="mt-4 border-t border-slate-100 pt-4"
                  onSubmit={(event) => {
                    if (!confirm('Delete this action plan and its milestones?')) event.preventDefault()
                  }}
                >
                  <input type="hidden" name="intent" value="delete-plan" />
                  <SubmitButton variant="danger" pending={busy === 'delete-plan'} pendingText="Deleting…">
                    Delete plan
                  </SubmitButton>
                </Form>
              ) : null}
            </Card>
          ) : null}
        </div>
      </div>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Stagecoach` : 'Action plan · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
