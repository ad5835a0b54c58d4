import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Outlet, useParams } from '@remix-run/react'
import { describeAiMode } from '#lib/ai/model'
import { getProfile } from '#lib/profiles'
import { canCompleteSession, getSession, listProgramPartners } from '#lib/coaching/sessions'
import { stageNumberSchema } from '#lib/coaching/stages.shared'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { Notice } from '~/components/form'
import { Card, PageHeader } from '~/components/layout'
import { CompleteSessionCard, PausedPanel, SessionSettings } from '~/components/session/session-status'
import { SharingCard } from '~/components/session/sharing-card'
import { StageNav, StatusBadge } from '~/components/session/stage-nav'
import { useSessionData } from '~/components/session/use-session'
import { requireUserId } from '~/utils/auth.server'
import { orNotFound, requireIdParam } from '~/utils/http'

/**
 * The session layout: loads the session once for every page under /sessions/:id — the
 * header, the stage navigation, sharing and settings here; each stage, the history and the
 * actions (memory, co-pilot, sharing, settings, status) in their own child routes.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const [session, profile] = await Promise.all([orNotFound(getSession(context.db, { userId, sessionId })), getProfile(context.db, { userId })])
  const canShare = session.viewerRole === 'client' && session.sessionType === 'self_coaching' && session.source === 'self_assigned'
  return {
    session,
    ai: describeAiMode(context.ai),
    canShare,
    canComplete: canCompleteSession(session),
    timezone: profile?.timezone ?? 'UTC',
    overdue: session.status === 'active' && session.dueAt !== null && session.dueAt.getTime() < Date.now(),
    coaches: canShare ? await listProgramPartners(context.db, { userId, partnerRole: 'coach' }) : [],
  }
}

export default function SessionLayout() {
  const { session, ai, canShare, coaches } = useSessionData()
  const params = useParams()
  const selected = stageNumberSchema.safeParse(params.stage)
  const runnable = session.viewerRuns && session.status === 'active'
  // A template's session opens on its items; its conversation, if it has one, once begun.
  const fromTemplate = session.templateId !== null || session.items.length > 0
  const conversationOpen = session.hasConversation && session.startedAt !== null
  const coachPlanned = session.source === 'coach_assigned' && session.sessionType === 'self_coaching'
  const typeLabel =
    session.sessionType === 'coach_led'
      ? `Coach-led · ${session.viewerRole === 'coach' ? `with ${session.clientName}` : `by ${session.coachName ?? 'your coach'}`}`
      : session.source === 'coach_assigned'
        ? session.viewerRole === 'coach'
          ? `Assigned to ${session.clientName}`
          : `Assigned by ${session.coachName ?? 'your coach'}`
        : 'Self-coaching'

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={session.title}>
        <span className="rounded-full bg-slate-100 px-3 py-1 text-sm text-slate-700">{typeLabel}</span>
        <StatusBadge status={session.status} />
      </PageHeader>

      {!ai.on && runnable ? <Notice>{ai.label}</Notice> : null}

      {!session.contentVisible ? (
        <Card>
          <p className="text-slate-700">
            {session.coachName ?? 'Your coach'} is leading this session. You will see the notes, the summary and your action plans here once
            they have reviewed them.
          </p>
        </Card>
      ) : (
        <>
          {runnable && conversationOpen ? <StageNav session={session} selected={selected.success ? selected.data : null} /> : null}
          {runnable && session.pausedAt ? <PausedPanel sessionId={session.id} /> : null}
          <Outlet />
          {runnable && conversationOpen && !fromTemplate ? <CompleteSessionCard session={session} /> : null}
        </>
      )}

      {canShare ? <SharingCard sessionId={session.id} visibility={session.visibility} coachName={session.coachName} coaches={coaches} /> : null}
      {runnable && !(coachPlanned && session.viewerRole === 'client') ? <SessionSettings sessionId={session.id} title={session.title} /> : null}
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.session.title} · Stagecoach` : 'Session · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
