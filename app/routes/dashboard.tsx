import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { attentionForm } from '#lib/attention/attention.shared'
import { dismissAttention, listNeedsAttention } from '#lib/attention/needs-attention'
import { getActiveSession, listSessions } from '#lib/coaching/sessions'
import { sendMessage, unreadCount } from '#lib/messages/messages'
import { stageInfo } from '#lib/coaching/stages.shared'
import { countOf } from '#lib/words.shared'
import { listOpenActionPlans } from '#lib/plans/action-plans'
import { listPrograms } from '#lib/programs/programs'
import { dueSessions, moduleRuns, type DueSession } from '#lib/library/assigning'
import { getProfile } from '#lib/profiles'
import { NeedsAttentionCard } from '~/components/attention/needs-attention-card'
import { DueBadge as SessionDueBadge, ProgressBar } from '~/components/library/badges'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { DueBadge, StatusBadge } from '~/components/plan-badges'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const now = new Date()
  const weekAhead = new Date(now.getTime() + 7 * 24 * 3600 * 1000)
  const [sessions, actionPlans, programs, active, assignedToMe, dueAcrossClients, runs, profile, attention, unread] = await Promise.all([
    listSessions(context.db, { userId, limit: 10 }),
    listOpenActionPlans(context.db, { userId, limit: 10 }),
    listPrograms(context.db, { userId }),
    getActiveSession(context.db, { userId }),
    dueSessions(context.db, { userId, as: 'client', until: weekAhead, now, limit: 10 }),
    dueSessions(context.db, { userId, as: 'coach', until: weekAhead, now, limit: 20 }),
    moduleRuns(context.db, { userId, clientId: userId }),
    getProfile(context.db, { userId }),
    listNeedsAttention(context.db, { userId, now }),
    unreadCount(context.db, { userId }),
  ])
  return {
    sessions,
    actionPlans,
    programs,
    active,
    assignedToMe,
    dueAcrossClients,
    runs: runs.filter((run) => run.completed < run.total),
    timezone: profile?.timezone ?? 'UTC',
    attention,
    unread,
  }
}

/** The needs-attention card's buttons: send a client the follow-up (clearing its reasons), or dismiss them. */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, attentionForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const input = submission.value
  try {
    if (input.intent === 'follow-up') {
      const { alreadySent } = await sendMessage(context.db, {
        userId,
        recipientId: input.clientId,
        programId: input.programId,
        body: input.body,
        messageId: input.messageId,
        followsUp: input.reasons,
      })
      return { ok: true as const, message: alreadySent ? 'That message was already sent (once).' : 'Sent. They will find it in their messages.', result: submission.reply() }
    }
    await dismissAttention(context.db, { userId, clientId: input.clientId, programId: input.programId, reasons: input.reasons })
    return { ok: true as const, message: 'Dismissed: it comes back if something new happens.', result: submission.reply() }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Dashboard() {
  const { sessions, actionPlans, programs, active, assignedToMe, dueAcrossClients, runs, timezone, attention, unread } = useLoaderData<typeof loader>()
  const coaches = programs.some((program) => program.myRole === 'coach')
  const overdue = actionPlans.filter((plan) => plan.overdue).length
  const thisWeek = actionPlans.filter((plan) => plan.dueThisWeek).length
  const dueSoon = overdue + thisWeek
  return (
    <div>
      <PageHeader title="Your dashboard">
        {active ? (
          <Link to={`/sessions/${active.id}`} className={buttonClass('primary')}>
            Resume “{active.title}”
          </Link>
        ) : (
          <Link to="/sessions/new" className={buttonClass('primary')}>
            Start a session
          </Link>
        )}
        <Link to="/log" className={buttonClass('secondary')}>
          Log training
        </Link>
      </PageHeader>
      {unread > 0 ? (
        <p className="mb-4 rounded-md border border-brand-100 bg-brand-50 px-4 py-3 text-sm text-slate-800" role="status">
          You have {countOf(unread, 'unread message')}.{' '}
          <Link to="/messages" className="font-semibold text-brand-700 underline">
            Read {unread === 1 ? 'it' : 'them'}
          </Link>
        </p>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        {coaches ? <NeedsAttentionCard clients={attention.clients} more={attention.more} /> : null}
        {coaches ? (
          <Card title="Due this week across your clients">
            {dueAcrossClients.length === 0 ? (
              <p className="text-sm text-slate-600">Nothing you assigned is due this week or overdue.</p>
            ) : (
              <DueList sessions={dueAcrossClients} timezone={timezone} withClient />
            )}
          </Card>
        ) : null}
        {assignedToMe.length > 0 || runs.length > 0 ? (
          <Card title="From your coach">
            {runs.length > 0 ? (
              <ul className="mb-4 flex flex-col gap-3">
                {runs.map((run) => (
                  <li key={run.runId}>
                    <ProgressBar label={run.moduleName} completed={run.completed} total={run.total} />
                  </li>
                ))}
              </ul>
            ) : null}
            {assignedToMe.length > 0 ? <DueList sessions={assignedToMe} timezone={timezone} /> : <p className="text-sm text-slate-600">Nothing due this week.</p>}
          </Card>
        ) : null}
        <Card title="Sessions">
          {sessions.length === 0 ? (
            <EmptyState title="No sessions yet">
              A session takes you through five stages, from Check In to Check Out, and ends with a goal and action
              plans. <Link to="/sessions/new" className="underline">Start your first session</Link>; sessions your coach leads with you appear here too.
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {sessions.map((session) => (
                <li key={session.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                  <Link to={`/sessions/${session.id}`} className="font-medium text-brand-700 underline">
                    {session.title}
                  </Link>
                  <span className="text-sm text-slate-600">
                    {session.clientName ? `with ${session.clientName} · ` : ''}
                    {session.completedAt
                      ? 'Completed'
                      : session.cancelledAt
                        ? 'Cancelled'
                        : `Stage ${session.currentStage}: ${stageInfo(session.currentStage).name}`}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card
          title="Action plans"
          actions={
            <Link to="/action-plans" className="text-sm font-semibold text-brand-700 underline">
              All plans
            </Link>
          }
        >
          {actionPlans.length === 0 ? (
            <EmptyState title="No open action plans">
              Action plans come out of the Finish stage of a session: each one is a step you agreed to, with
              milestones and a date. Finish a session and they appear here, or{' '}
              <Link to="/action-plans/new" className="underline">
                write one yourself
              </Link>
              .
            </EmptyState>
          ) : (
            <>
              {dueSoon > 0 ? (
                <p className="mb-2 text-sm font-medium text-slate-700">
                  {overdue > 0 ? `${overdue} overdue` : ''}
                  {overdue > 0 && thisWeek > 0 ? ' · ' : ''}
                  {thisWeek > 0 ? `${thisWeek} due this week` : ''}
                </p>
              ) : null}
              <ul className="divide-y divide-slate-100">
                {actionPlans.map((plan) => (
                  <li key={plan.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                    <Link to={`/action-plans/${plan.id}`} className="font-medium text-brand-700 underline">
                      {plan.title}
                    </Link>
                    <span className="text-sm text-slate-600">
                      <StatusBadge status={plan.status} />
                      {plan.timelineEnd ? ` · due ${plan.timelineEnd}` : ''}
                      {plan.milestonesTotal > 0 ? ` · ${plan.milestonesDone}/${plan.milestonesTotal} milestones` : ''}{' '}
                      <DueBadge overdue={plan.overdue} dueThisWeek={plan.dueThisWeek} />
                    </span>
                  </li>
                ))}
              </ul>
            </>
          )}
        </Card>

        <Card
          title="Programs"
          actions={
            <Link to="/programs" className="text-sm font-semibold text-brand-700 underline">
              Manage programs
            </Link>
          }
        >
          {programs.length === 0 ? (
            <EmptyState title="You are not in a program yet">
              A coach invites you to their program with a link. Coaches: <Link to="/programs" className="underline">create a program</Link> and invite your clients.
            </EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {programs.map((program) => (
                <li key={program.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                  <Link to={`/programs/${program.id}`} className="font-medium text-brand-700 underline">
                    {program.name}
                  </Link>
                  <span className="text-sm text-slate-600">
                    {program.myRole === 'coach' ? `You coach · ${countOf(program.clientCount ?? 0, 'client')}` : 'You are a client'}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  )
}

/** Assigned sessions due within the week, soonest first, overdue ones marked in words. */
function DueList({ sessions, timezone, withClient = false }: { sessions: DueSession[]; timezone: string; withClient?: boolean }) {
  return (
    <ul className="divide-y divide-slate-100">
      {sessions.map((session) => (
        <li key={session.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
          <Link to={`/sessions/${session.id}`} className="font-medium text-brand-700 underline">
            {withClient ? `${session.clientName}: ${session.title}` : session.title}
          </Link>
          <SessionDueBadge state={session.state} dueAt={session.dueAt} timeZone={timezone} />
        </li>
      ))}
    </ul>
  )
}

export const meta: MetaFunction = () => [{ title: 'Dashboard · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
