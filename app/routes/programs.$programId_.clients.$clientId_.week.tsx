import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { formatDate, isoDateInZone } from '#lib/dates.shared'
import { coachedProgram, templateChoices } from '#lib/library/templates'
import { archivePlan, copyWeekForward, getWeek, savePlan } from '#lib/weekly/plans'
import { editWeeklyReview, getWeeklyReview, releaseWeeklyReview } from '#lib/weekly/review'
import { addDays, rowOf, weekPageForm, weekStartSchema, weeklyPlanStatusLabels } from '#lib/weekly/weeks.shared'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, Notice, SubmitButton } from '~/components/form'
import { Card, PageHeader } from '~/components/layout'
import { WeekDays } from '~/components/week/week-days'
import { WeekNav } from '~/components/week/week-nav'
import { WeekPlanEditor } from '~/components/week/week-plan-editor'
import { WeeklyReviewCoachCard } from '~/components/week/weekly-review'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { invariantResponse, requireIdParam } from '~/utils/http'

/** A client's week as their coach plans it: the days, the editor, the versions, copy forward. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const clientId = requireIdParam(params.clientId)
  const start = new URL(request.url).searchParams.get('start')
  const parsed = start === null ? null : weekStartSchema.safeParse(start)
  if (parsed && !parsed.success) throw data('That is not the start of a week. Weeks start on a Monday, like ?start=2026-12-07.', { status: 400 })
  const [program, week, templates] = await Promise.all([
    coachedProgram(context.db, { userId, programId }),
    getWeek(context.db, { userId, clientId, weekStart: parsed?.data ?? null }),
    templateChoices(context.db, { userId, programId }),
  ])
  invariantResponse(program && week, 'Not found', { status: 404 })
  const review = await getWeeklyReview(context.db, { userId, clientId, weekStart: week.weekStart })
  return { program, week, templates, review, today: isoDateInZone(new Date(), week.timezone) }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const clientId = requireIdParam(params.clientId)
  const submission = await readSubmission(request, weekPageForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const input = submission.value
  try {
    switch (input.intent) {
      case 'save-plan': {
        const saved = await savePlan(context.db, { userId, clientId, programId, weekStart: input.weekStart, note: input.note, items: input.items })
        const message =
          saved.outcome === 'versioned'
            ? `Saved as version ${saved.version}. The client had seen the earlier one; it stays in the history.`
            : saved.outcome === 'created'
              ? 'The week is planned. The client sees it on their week page.'
              : 'Saved.'
        return { ok: true as const, intent: input.intent, message }
      }
      case 'copy-forward': {
        await copyWeekForward(context.db, { userId, clientId, programId, fromWeek: input.weekStart })
        return { ok: true as const, intent: input.intent, message: 'Copied to next week.', nextWeek: addDays(input.weekStart, 7) }
      }
      case 'archive':
        await archivePlan(context.db, { userId, planId: input.planId })
        return { ok: true as const, intent: input.intent, message: 'Plan archived. Its sessions not yet done were cancelled; it stays in the history.' }
      case 'seen':
        throw data('Only the client marks their plan as seen.', { status: 403 })
      case 'edit-review':
        await editWeeklyReview(context.db, { userId, reviewId: input.reviewId, words: { fatigueAnalysis: input.fatigueAnalysis, patterns: input.patterns, suggestions: input.suggestions } })
        return { ok: true as const, intent: input.intent, message: 'Review saved. It stays yours until you release it.' }
      case 'release-review':
        await releaseWeeklyReview(context.db, { userId, reviewId: input.reviewId })
        return { ok: true as const, intent: input.intent, message: 'Review released: the client sees it on their week page.' }
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function ClientWeek() {
  const { program, week, templates, review, today } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const busyIntent = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const failure = actionData && !actionData.ok ? actionData.result : null
  const failedIntent = failure?.initialValue?.intent
  const plan = week.plan
  const basePath = `/programs/${program.id}/clients/${week.clientId}/week`
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={`${week.clientName}’s week`}>
        <WeekNav weekStart={week.weekStart} basePath={basePath} />
        <Link to={`/programs/${program.id}/clients/${week.clientId}`} className="text-sm text-brand-700 underline">
          Back to {week.clientName}
        </Link>
      </PageHeader>
      {actionData?.ok ? (
        <Notice>
          {actionData.message}{' '}
          {'nextWeek' in actionData && actionData.nextWeek ? (
            <Link to={`${basePath}?start=${actionData.nextWeek}`} className="underline">
              Open next week
            </Link>
          ) : null}
        </Notice>
      ) : null}
      {failure && failedIntent !== 'save-plan' && failedIntent !== 'edit-review' ? <FormError>{failure.error?.['']?.join(' ')}</FormError> : null}

      <Card title={plan ? `${weeklyPlanStatusLabels[plan.status]} · version ${plan.version}` : 'No plan yet'}>
        {plan ? (
          <WeekDays weekStart={week.weekStart} today={today} items={plan.items} timeZone={week.timezone} />
        ) : (
          <p className="text-sm text-slate-600">Nothing is planned for {week.clientName} this week. Write the week below, or copy last week’s.</p>
        )}
      </Card>

      {review ? <WeeklyReviewCoachCard key={`${review.id}-${String(review.editedAt)}`} review={review} lastResult={failedIntent === 'edit-review' ? failure : null} busyIntent={busyIntent} /> : null}

      <Card title={plan ? 'Change the week' : 'Plan the week'}>
        <WeekPlanEditor
          key={`${week.weekStart}-${plan?.id ?? 'new'}-${plan?.version ?? 0}`}
          weekStart={week.weekStart}
          note={plan?.note ?? ''}
          items={(plan?.items ?? []).filter((item) => item.state !== 'cancelled').map((item) => rowOf(item))}
          templates={templates}
          lastResult={failedIntent === 'save-plan' ? failure : null}
          pending={busyIntent === 'save-plan'}
          seen={Boolean(plan?.seenAt)}
        />
      </Card>

      <Card title="More">
        <div className="flex flex-wrap gap-3">
          {plan ? (
            <Form method="post">
              <input type="hidden" name="weekStart" value={week.weekStart} />
              <SubmitButton variant="secondary" name="intent" value="copy-forward" pending={busyIntent === 'copy-forward'} pendingText="Copying…">
                Copy this week to next week
              </SubmitButton>
            </Form>
          ) : null}
          {plan?.status === 'active' ? (
            <Form method="post">
              <input type="hidden" name="planId" value={plan.id} />
              <SubmitButton variant="danger" name="intent" value="archive" pending={busyIntent === 'archive'} pendingText="Archiving…">
                Archive this plan
              </SubmitButton>
            </Form>
          ) : null}
        </div>
        {week.versions.length > 1 ? (
          <div className="mt-4 text-sm">
            <h3 className="font-semibold text-slate-900">Versions</h3>
            <ul className="list-disc pl-5">
              {week.versions.map((version) => (
                <li key={version.id}>
                  Version {version.version}: {weeklyPlanStatusLabels[version.status]}, written {formatDate(version.createdAt, { timeZone: week.timezone, time: true })}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </Card>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.week.clientName}’s week · Stagecoach` : 'Week · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
