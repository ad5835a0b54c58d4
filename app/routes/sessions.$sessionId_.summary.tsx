import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { describeAiMode } from '#lib/ai/model'
import { getSession } from '#lib/coaching/sessions'
import { summaryForm } from '#lib/coaching/summary-forms.shared'
import { ensureSummary, getSummary, releaseSession, saveSummaryDraft } from '#lib/coaching/summary'
import { AppError } from '#lib/errors'
import { listPlansForSession } from '#lib/plans/action-plans'
import { createPlansFromSession } from '#lib/plans/from-session'
import { countOf } from '#lib/words.shared'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, FormError, Notice, SubmitButton } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { SummaryDraftForm } from '~/components/summary/summary-draft-form'
import { SessionPlans, SummaryView } from '~/components/summary/summary-view'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { orNotFound, requireIdParam } from '~/utils/http'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const deps = { db: context.db, ai: context.ai }
  const session = await orNotFound(getSession(context.db, { userId, sessionId }))
  // Reading never calls the model: the stored summary is shown as it is.
  const stored = session.contentVisible ? await getSummary(deps, { userId, sessionId }) : null
  const plans = session.contentVisible ? await listPlansForSession(context.db, { userId, sessionId }) : []
  return {
    session: {
      id: session.id,
      title: session.title,
      status: session.status,
      sessionType: session.sessionType,
      viewerRole: session.viewerRole,
      viewerRuns: session.viewerRuns,
      contentVisible: session.contentVisible,
      releasedAt: session.releasedAt,
      clientName: session.clientName,
      coachName: session.coachName,
    },
    summary: stored?.summary ?? null,
    upToDate: stored?.upToDate ?? true,
    plans,
    ai: describeAiMode(context.ai),
    needsWriting: session.viewerRuns && session.status === 'completed' && !stored && !session.releasedAt,
  }
}

/** Write the summary (again), save a coach's edits to the draft, or release the session to the client. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const submission = await readSubmission(request, summaryForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const value = submission.value
  const deps = { db: context.db, ai: context.ai }
  const done = (message: string) => ({ ok: true as const, result: submission.reply(), message })
  try {
    switch (value.intent) {
      case 'write':
      case 'rewrite': {
        await ensureSummary(deps, { userId, sessionId, force: value.intent === 'rewrite' })
        const { created } = await createPlansFromSession(deps, { userId, sessionId })
        return done(created > 0 ? `Summary written; ${countOf(created, 'action plan')} created.` : 'Summary written.')
      }
      case 'save-draft': {
        const stored = await getSummary(deps, { userId, sessionId })
        if (!stored) throw new AppError('conflict', 'Write the summary first.')
        const { intent: _intent, ...edited } = value
        await saveSummaryDraft(deps, { userId, sessionId, summary: { ...stored.summary, ...edited } })
        return done('Draft saved. The client still sees nothing until you release it.')
      }
      case 'release':
        await releaseSession(deps, { userId, sessionId })
        return done('Released. The client now sees the notes, this summary and their action plans.')
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function SummaryPage() {
  const { session, summary, upToDate, plans, ai, needsWriting } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const writer = useFetcher<typeof action>()
  const started = useRef(false)
  const busyIntent = navigation.state !== 'idle' ? navigation.formData?.get('intent') : null
  const writing = writer.state !== 'idle' || busyIntent === 'write' || busyIntent === 'rewrite'
  // The draft form shows its own answer (errors by field, what the coach typed); the rest show theirs above.
  const draftResult = result?.result.initialValue?.intent === 'save-draft' ? result.result : undefined
  const failureOf = (data: typeof result) => (data && !data.ok && data.result !== draftResult ? data.result.error?.['']?.join(' ') : undefined)

  // A completed session without a summary gets one written as soon as the page opens.
  useEffect(() => {
    if (needsWriting && !started.current) {
      started.current = true
      writer.submit({ intent: 'write' }, { method: 'post' })
    }
  }, [needsWriting, writer])

  const isDraft = session.sessionType === 'coach_led' && !session.releasedAt && session.viewerRole === 'coach'

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={`Summary: ${session.title}`}>
        <Link to={`/sessions/${session.id}`} className={buttonClass('secondary')}>
          Back to the session
        </Link>
      </PageHeader>

      {result?.ok ? <Notice>{result.message}</Notice> : null}
      {writer.data?.ok && !result ? <Notice>{writer.data.message}</Notice> : null}
      <FormError>{failureOf(result) ?? failureOf(writer.data)}</FormError>

      {!session.contentVisible ? (
        <Card>
          <p>{session.coachName ?? 'Your coach'} is reviewing this session. The summary appears here once they release it.</p>
        </Card>
      ) : session.status !== 'completed' ? (
        <Card>
          <p>The summary is written when the session is completed.</p>
        </Card>
      ) : writing && !summary ? (
        <Card>
          <div role="status" aria-live="polite" className="flex items-center gap-3">
            <span className="h-4 w-4 animate-spin rounded-full border-2 border-brand-600 border-t-transparent" aria-hidden />
            <span>{ai.on ? 'Writing your summary and action plans… this can take up to a minute.' : 'Putting your summary and action plans together…'}</span>
          </div>
        </Card>
      ) : !summary ? (
        <Card>
          <EmptyState title="No summary yet">
            {session.viewerRuns ? (
              <writer.Form method="post" className="mt-3">
                <input type="hidden" name="intent" value="write" />
                <SubmitButton pending={writing} pendingText="Writing…">
                  Write the summary
                </SubmitButton>
              </writer.Form>
            ) : (
              'It has not been written yet.'
            )}
          </EmptyState>
        </Card>
      ) : (
        <>
          {isDraft ? (
            <Notice>This is a draft for your review. The client sees nothing until you release the session.</Notice>
          ) : null}
          {!upToDate && session.viewerRuns ? <Notice>The session changed after this summary was written.</Notice> : null}
          <SummaryView summary={summary} />
          {ai.on ? (
            <p className="text-xs text-slate-500">
              Written with AI from {session.sessionType === 'coach_led' ? (session.viewerRole === 'coach' ? 'your notes' : 'your coach’s notes') : 'your own answers'}. Not
              medical, legal or therapeutic advice.
            </p>
          ) : null}

          {isDraft ? (
            <Card title="Edit before releasing">
              <SummaryDraftForm sessionId={session.id} summary={summary} lastResult={draftResult} saving={busyIntent === 'save-draft'} />
              <Form method="post" className="mt-4 border-t border-slate-100 pt-4">
                <input type="hidden" name="intent" value="release" />
                <p className="mb-2 text-sm text-slate-600">Releasing shows {session.clientName} the notes, this summary and the action plans below.</p>
                <SubmitButton pending={busyIntent === 'release'} pendingText="Releasing…">
                  Release to {session.clientName}
                </SubmitButton>
              </Form>
            </Card>
          ) : null}

          <Card title="Action plans">
            {plans.length === 0 ? (
              <EmptyState title="No action plans">
                Plans come from the steps agreed in Finish.
                {session.viewerRuns && !session.releasedAt ? (
                  <Form method="post" className="mt-3">
                    <input type="hidden" name="intent" value="write" />
                    <SubmitButton variant="secondary" pending={busyIntent === 'write'} pendingText="Creating…">
                      Create action plans
                    </SubmitButton>
                  </Form>
                ) : null}
              </EmptyState>
            ) : (
              <SessionPlans plans={plans} />
            )}
          </Card>

          {session.viewerRuns && !session.releasedAt ? (
            <Form method="post">
              <input type="hidden" name="intent" value="rewrite" />
              <SubmitButton variant="secondary" pending={busyIntent === 'rewrite'} pendingText="Rewriting…">
                Write the summary again
              </SubmitButton>
            </Form>
          ) : null}
        </>
      )}
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Summary: ${data.session.title} · Stagecoach` : 'Summary · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
