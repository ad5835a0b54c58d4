import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useFetcher, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { z } from 'zod'
import { describeAiMode } from '#lib/ai/model'
import { getSession } from '#lib/coaching/sessions'
import { ensureSummary, getSummary, releaseSession, saveSummaryDraft } from '#lib/coaching/summary'
import { listPlansForSession } from '#lib/plans/action-plans'
import { createPlansFromSession } from '#lib/plans/from-session'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, FormError, Notice, SubmitButton, TextAreaField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { requireUserId } from '~/utils/auth.server'
import { appErrorToFormFailure, parseForm, readForm } from '~/utils/forms.server'
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

const summaryAction = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('write') }),
  z.object({ intent: z.literal('rewrite') }),
  z.object({ intent: z.literal('save-draft') }),
  z.object({ intent: z.literal('release') }),
])

function lines(value: FormDataEntryValue | null): string[] {
  return String(value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const formData = await readForm(request)
  const parsed = parseForm(formData, summaryAction)
  if (!parsed.success) return parsed.response
  const deps = { db: context.db, ai: context.ai }
  try {
    switch (parsed.data.intent) {
      case 'write':
      case 'rewrite': {
        await ensureSummary(deps, { userId, sessionId, force: parsed.data.intent === 'rewrite' })
        const { created } = await createPlansFromSession(deps, { userId, sessionId })
        return { ok: true as const, message: created > 0 ? `Summary written; ${created} action plan${created === 1 ? '' : 's'} created.` : 'Summary written.' }
      }
      case 'save-draft': {
        const stored = await getSummary(deps, { userId, sessionId })
        if (!stored) return { ok: false as const, formError: 'Write the summary first.', fieldErrors: {}, values: {} }
        await saveSummaryDraft(deps, {
          userId,
          sessionId,
          summary: {
            ...stored.summary,
            executiveSummary: String(formData.get('executiveSummary') ?? ''),
            keyInsights: lines(formData.get('keyInsights')),
            successMetrics: lines(formData.get('successMetrics')),
            supportAndAccountability: String(formData.get('supportAndAccountability') ?? ''),
          },
        })
        return { ok: true as const, message: 'Draft saved. The client still sees nothing until you release it.' }
      }
      case 'release':
        await releaseSession(deps, { userId, sessionId })
        return { ok: true as const, message: 'Released. The client now sees the notes, this summary and their action plans.' }
    }
  } catch (error) {
    return appErrorToFormFailure(formData, error)
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
  const writeFailure = writer.data && !writer.data.ok ? writer.data : null
  const failure = result && !result.ok ? result : null

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
      <FormError>{failure?.formError ?? writeFailure?.formError}</FormError>

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
          {ai.on ? <p className="text-xs text-slate-500">Written with AI from your own answers. Not medical, legal or therapeutic advice.</p> : null}

          {isDraft ? (
            <Card title="Edit before releasing">
              <Form method="post" className="flex flex-col gap-4">
                <input type="hidden" name="intent" value="save-draft" />
                <TextAreaField label="Executive summary" name="executiveSummary" rows={4} maxLength={2000} defaultValue={summary.executiveSummary} />
                <TextAreaField label="Key insights" hint="One per line." name="keyInsights" rows={4} defaultValue={summary.keyInsights.join('\n')} />
                <TextAreaField label="Success metrics" hint="One per line." name="successMetrics" rows={3} defaultValue={summary.successMetrics.join('\n')} />
                <TextAreaField label="Support and accountability" name="supportAndAccountability" rows={3} maxLength={1000} defaultValue={summary.supportAndAccountability} />
                <div>
                  <SubmitButton variant="secondary" pending={busyIntent === 'save-draft'} pendingText="Saving…">
                    Save draft
                  </SubmitButton>
                </div>
              </Form>
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
              <ol className="flex flex-col gap-4">
                {plans.map((plan) => (
                  <li key={plan.id} className="rounded-md border border-slate-200 p-3">
                    <div className="flex flex-wrap items-baseline justify-between gap-2">
                      <Link to={`/action-plans/${plan.id}`} className="font-semibold text-brand-700 underline">
                        {plan.title}
                      </Link>
                      <span className="text-sm text-slate-600">
                        Priority {plan.priority}
                        {plan.timelineEnd ? ` · due ${plan.timelineEnd}` : ''}
                      </span>
                    </div>
                    {plan.description ? <p className="mt-1 text-sm text-slate-700">{plan.description}</p> : null}
                    {plan.milestones.length > 0 ? (
                      <ul className="mt-2 list-disc pl-5 text-sm">
                        {plan.milestones.map((m) => (
                          <li key={m.id}>
                            {m.completed ? '✓ ' : ''}
                            {m.title}
                            {m.dueDate ? ` — ${m.dueDate}` : ''}
                          </li>
                        ))}
                      </ul>
                    ) : null}
                  </li>
                ))}
              </ol>
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

function SummaryView({
  summary,
}: {
  summary: {
    executiveSummary: string
    keyInsights: string[]
    goalStatement: string
    actionPlan: { title: string; dueDate: string | null }[]
    successMetrics: string[]
    supportAndAccountability: string
  }
}) {
  return (
    <Card>
      <div className="flex flex-col gap-5">
        <section>
          <h2 className="mb-1 font-semibold">In short</h2>
          <p className="whitespace-pre-wrap text-slate-800">{summary.executiveSummary}</p>
        </section>
        {summary.goalStatement ? (
          <section>
            <h2 className="mb-1 font-semibold">Your goal</h2>
            <p className="text-slate-800">{summary.goalStatement}</p>
          </section>
        ) : null}
        <SummaryList title="Key insights" items={summary.keyInsights} />
        <section>
          <h2 className="mb-1 font-semibold">Action plan</h2>
          {summary.actionPlan.length ? (
            <ol className="list-decimal pl-5">
              {summary.actionPlan.map((step, i) => (
                <li key={i}>
                  {step.title}
                  {step.dueDate ? <span className="text-slate-600"> — by {step.dueDate}</span> : null}
                </li>
              ))}
            </ol>
          ) : (
            <p className="text-slate-600">No steps were agreed.</p>
          )}
        </section>
        <SummaryList title="How you will know" items={summary.successMetrics} />
        {summary.supportAndAccountability ? (
          <section>
            <h2 className="mb-1 font-semibold">Support and accountability</h2>
            <p className="text-slate-800">{summary.supportAndAccountability}</p>
          </section>
        ) : null}
      </div>
    </Card>
  )
}

function SummaryList({ title, items }: { title: string; items: string[] }) {
  if (items.length === 0) return null
  return (
    <section>
      <h2 className="mb-1 font-semibold">{title}</h2>
      <ul className="list-disc pl-5">
        {items.map((item, i) => (
          <li key={i}>{item}</li>
        ))}
      </ul>
    </section>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Summary: ${data.session.title} · Stagecoach` : 'Summary · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
