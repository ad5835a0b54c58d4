import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { useFetcher, useLoaderData } from '@remix-run/react'
import { useEffect } from 'react'
import { isoDateInZone } from '#lib/dates.shared'
import { getWeek, markPlanSeen } from '#lib/weekly/plans'
import { getWeeklyReview } from '#lib/weekly/review'
import { weekPageForm, weekStartSchema } from '#lib/weekly/weeks.shared'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { WeekDays } from '~/components/week/week-days'
import { WeekNav } from '~/components/week/week-nav'
import { WeeklyReviewView } from '~/components/week/weekly-review'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { invariantResponse } from '~/utils/http'

/** The client's week: what their coach planned for each day, and what is done. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const start = new URL(request.url).searchParams.get('start')
  const parsed = start === null ? null : weekStartSchema.safeParse(start)
  if (parsed && !parsed.success) throw data('That is not the start of a week. Weeks start on a Monday, like ?start=2026-12-07.', { status: 400 })
  const week = await getWeek(context.db, { userId, clientId: userId, weekStart: parsed?.data ?? null })
  invariantResponse(week, 'Not found', { status: 404 })
  // The review shows once the coach released it (or at once for a client with no program): the database decides.
  const review = await getWeeklyReview(context.db, { userId, clientId: userId, weekStart: week.weekStart })
  return { week, review, today: isoDateInZone(new Date(), week.timezone) }
}

/** Opening the plan marks it seen, so the coach's next change makes a new version. */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, weekPageForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  if (submission.value.intent !== 'seen') throw data('Only your coach changes your plan.', { status: 403 })
  try {
    await markPlanSeen(context.db, { userId, planId: submission.value.planId })
    return { ok: true as const }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Week() {
  const { week, review, today } = useLoaderData<typeof loader>()
  const seen = useFetcher()
  const plan = week.plan
  const unseenId = plan && !plan.seenAt && plan.status === 'active' ? plan.id : null
  useEffect(() => {
    if (unseenId) seen.submit({ intent: 'seen', planId: unseenId }, { method: 'post' })
    // Once per plan shown (the fetcher itself need not re-run it).
  }, [unseenId])
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Your week">
        <WeekNav weekStart={week.weekStart} basePath="/week" />
      </PageHeader>
      {review ? (
        <Card title="Your weekly review">
          <WeeklyReviewView review={review} />
        </Card>
      ) : null}
      {plan ? (
        <Card title={plan.status === 'completed' ? 'How the week went' : 'Planned by your coach'}>
          {plan.note ? <p className="mb-4 whitespace-pre-line text-sm text-slate-800">{plan.note}</p> : null}
          <WeekDays weekStart={week.weekStart} today={today} items={plan.items} timeZone={week.timezone} />
          {plan.version > 1 ? <p className="mt-3 text-xs text-slate-600">Your coach updated this plan (version {plan.version}).</p> : null}
        </Card>
      ) : (
        <EmptyState title="No plan for this week">
          When your coach plans your week, its sessions show here day by day. You can still start a session of your own from the dashboard.
        </EmptyState>
      )}
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Your week · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
