import { randomUUID } from 'node:crypto'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { deleteActionPlan, getActionPlan, setActionPlanStatus, updateActionPlan } from '#lib/plans/action-plans'
import { planForm, statusLabels } from '#lib/plans/plan-forms.shared'
import { getProfile } from '#lib/profiles'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { PageHeader } from '~/components/layout'
import { GoalCard } from '~/components/plan/goal-card'
import { MilestonesCard } from '~/components/plan/milestones-card'
import { EditPlanCard, HistoryCard, StatusCard } from '~/components/plan/plan-side'
import { DueBadge, StatusBadge } from '~/components/plan-badges'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { orNotFound, requireIdParam } from '~/utils/http'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const planId = requireIdParam(params.planId)
  const [plan, profile] = await Promise.all([orNotFound(getActionPlan(context.db, { userId, id: planId })), getProfile(context.db, { userId })])
  // Times are shown in the person's own timezone, the same on the server and in the browser.
  return { plan, timezone: profile?.timezone ?? 'UTC', requestKey: randomUUID() }
}

/** The plan itself: edit it, set its status, delete it. Its milestones have their own action (./milestones). */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const planId = requireIdParam(params.planId)
  const submission = await readSubmission(request, planForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const value = submission.value
  try {
    switch (value.intent) {
      case 'update-plan': {
        const { intent: _intent, ...input } = value
        await updateActionPlan(context.db, { userId, id: planId, input })
        return { result: submission.reply(), message: 'Saved.' }
      }
      case 'set-status':
        await setActionPlanStatus(context.db, { userId, id: planId, status: value.status })
        return { result: submission.reply(), message: `Status set to ${statusLabels[value.status]}.` }
      case 'delete-plan':
        await deleteActionPlan(context.db, { userId, id: planId })
        return redirect('/action-plans')
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function ActionPlanPage() {
  const { plan, timezone, requestKey } = useLoaderData<typeof loader>()
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

      <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
        <div className="flex flex-col gap-6">
          <GoalCard goal={plan.goalStatement} smartCriteria={plan.smartCriteria} successMetrics={plan.successMetrics} />
          <MilestonesCard planId={plan.id} milestones={plan.milestones} canEdit={plan.canEdit} firstRequestKey={requestKey} />
        </div>
        <div className="flex flex-col gap-6">
          {plan.canEdit ? <StatusCard planId={plan.id} status={plan.status} /> : null}
          <HistoryCard history={plan.history} timezone={timezone} />
          {plan.canEdit ? <EditPlanCard plan={plan} /> : null}
        </div>
      </div>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.plan.title} · Stagecoach` : 'Action plan · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
