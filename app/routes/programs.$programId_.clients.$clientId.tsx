import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { formatDate } from '#lib/dates.shared'
import { listRecordHistory } from '#lib/account/activity'
import { activityLabel } from '#lib/account/activity.shared'
import { clientOverview } from '#lib/library/assigning'
import { getProfile } from '#lib/profiles'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { DueBadge, ProgressBar } from '~/components/library/badges'
import { requireUserId } from '~/utils/auth.server'
import { invariantResponse, requireIdParam } from '~/utils/http'

const statusLabels: Record<string, string> = { pending: 'Not started', in_progress: 'In progress', blocked: 'Blocked', completed: 'Done' }

/** A client as their coach sees them in this program: sessions, plans, module progress, what is overdue, a timeline. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const clientId = requireIdParam(params.clientId)
  const [overview, profile, history] = await Promise.all([
    clientOverview(context.db, { userId, programId, clientId }),
    getProfile(context.db, { userId }),
    listRecordHistory(context.db, { userId, clientId }),
  ])
  invariantResponse(overview, 'Not found', { status: 404 })
  return { overview, programId, history, timezone: profile?.timezone ?? 'UTC' }
}

export default function ClientPage() {
  const { overview, programId, history, timezone } = useLoaderData<typeof loader>()
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={overview.clientName}>
        <Link to={`/programs/${programId}`} className="text-sm text-brand-700 underline">
          Back to the roster
        </Link>
        <Link to={`/programs/${programId}/clients/${overview.clientId}/week`} className="text-sm text-brand-700 underline">
          Plan the week
        </Link>
        <Link to={`/programs/${programId}/clients/${overview.clientId}/progress`} className="text-sm text-brand-700 underline">
          Progress
        </Link>
        <Link to={`/programs/${programId}/library`} className="text-sm text-brand-700 underline">
          Assign from the library
        </Link>
      </PageHeader>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Overdue">
          {overview.overdue.length === 0 ? (
            <p className="text-sm text-slate-600">Nothing overdue.</p>
          ) : (
            <ul className="flex flex-col gap-2">
              {overview.overdue.map((session) => (
                <li key={session.id} className="flex flex-wrap items-center justify-between gap-2">
                  <Link to={`/sessions/${session.id}`} className="text-brand-700 underline">
                    {session.title}
                  </Link>
                  <DueBadge state="overdue" dueAt={session.dueAt} timeZone={timezone} />
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Modules">
          {overview.runs.length === 0 ? (
            <p className="text-sm text-slate-600">No modules assigned.</p>
          ) : (
            <ul className="flex flex-col gap-3">
              {overview.runs.map((run) => (
                <li key={run.runId}>
                  <ProgressBar label={`${run.moduleName} · from ${run.startedOn}`} completed={run.completed} total={run.total} />
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>

      <Card title="Sessions">
        {overview.sessions.length === 0 ? (
          <EmptyState title="No sessions you can see yet">Sessions you assign or lead appear here, and the ones the client shares with you.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {overview.sessions.map((session) => (
              <li key={session.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <div>
                  <Link to={`/sessions/${session.id}`} className="font-medium text-brand-700 underline">
                    {session.title}
                  </Link>
                  <span className="ml-2 text-sm text-slate-600">
                    {session.source === 'coach_assigned' ? (session.sessionType === 'coach_led' ? 'led by you' : 'assigned') : 'shared with you'}
                  </span>
                </div>
                <DueBadge state={session.state} completedAt={session.completedAt} dueAt={session.dueAt} timeZone={timezone} />
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Open plans">
        {overview.openPlans.length === 0 ? (
          <p className="text-sm text-slate-600">No open plans from sessions you can see.</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {overview.openPlans.map((plan) => (
              <li key={plan.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                <Link to={`/action-plans/${plan.id}`} className="text-brand-700 underline">
                  {plan.title}
                </Link>
                <span className="text-sm text-slate-600">
                  {statusLabels[plan.status] ?? plan.status}
                  {plan.dueOn ? ` · due ${plan.dueOn}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Timeline">
        {overview.timeline.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing has happened yet.</p>
        ) : (
          <ol className="flex flex-col gap-2 border-l border-slate-200 pl-4">
            {overview.timeline.map((entry, index) => (
              <li key={`${entry.sessionId}-${index}`} className="text-sm">
                <span className="text-slate-500">{formatDate(entry.at, { timeZone: timezone })}</span> ·{' '}
                {entry.sessionId ? (
                  <Link to={`/sessions/${entry.sessionId}`} className="text-slate-800 underline">
                    {entry.text}
                  </Link>
                ) : (
                  entry.text
                )}
              </li>
            ))}
          </ol>
        )}
      </Card>

      <Card title="History of what is shared with you">
        {history.length === 0 ? (
          <p className="text-sm text-slate-600">No recorded changes to sessions or plans shared with you yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {history.map((entry) => (
              <li key={entry.id} className="flex flex-wrap justify-between gap-2 py-2">
                <span>
                  {activityLabel(entry.action)}
                  {entry.actorName ? ` — ${entry.actorName}` : ''}
                </span>
                <span className="text-slate-600">{formatDate(entry.createdAt, { timeZone: timezone, time: true })}</span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.overview.clientName} · Stagecoach` : 'Client · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
