import { Link, useSearchParams } from '@remix-run/react'
import { formatDate } from '#lib/dates.shared'
import { viewModeLabels, viewModes, type ViewMode } from '#lib/library/library.shared'
import { stageInfo } from '#lib/coaching/stages.shared'
import { buttonClass } from '~/components/form'
import { Card } from '~/components/layout'
import { SessionItems } from '~/components/library/session-items'
import type { Measure, SessionCompliance, TrainingDetails } from '#lib/measures/measures'
import { RecordMeasures } from './record-measures'
import { TrainingDetailsForm } from './training-details'
import { BeginConversationCard, MarkCompleteCard } from './session-status'
import { useSessionData } from './use-session'

/**
 * A session from a template: its items and, where the template includes it, the
 * conversation, looked at in one of three modes — planning (what is planned), live (doing
 * it), review (how it went). The mode is only how the page shows the session: it changes
 * nothing, a coach can review an unfinished session, and a completed one opens in any mode.
 */
export function SessionWork({
  measures,
  compliance,
  training,
  weights,
}: {
  measures: Measure[]
  compliance: SessionCompliance
  training: TrainingDetails | null
  /** "% of 1RM" prescriptions in kilograms, by item key. */
  weights: Record<string, string>
}) {
  const { session, canComplete, timezone: timeZone, overdue } = useSessionData()
  const [searchParams] = useSearchParams()
  const requested = searchParams.get('mode')
  const mode: ViewMode = viewModes.includes(requested as ViewMode)
    ? (requested as ViewMode)
    : session.status === 'completed'
      ? 'review'
      : session.viewerRole === 'coach'
        ? 'planning'
        : 'live'
  const conversationOpen = session.hasConversation && session.startedAt !== null
  const runnable = session.viewerRuns && session.status === 'active'
  // Who records actuals (the database decides too): the client in their own sessions, the coach in those they assigned or lead.
  const canRecord =
    session.status === 'active' &&
    (session.viewerRole === 'client'
      ? session.sessionType === 'self_coaching'
      : session.source === 'coach_assigned' || session.sessionType === 'coach_led')

  return (
    <div className="flex flex-col gap-6">
      <nav aria-label="View mode" className="flex flex-wrap items-center gap-2">
        {viewModes.map((m) => (
          <Link
            key={m}
            to={`?mode=${m}`}
            replace
            aria-current={mode === m ? 'page' : undefined}
            className={mode === m ? buttonClass('primary') : buttonClass('secondary')}
          >
            {viewModeLabels[m]}
          </Link>
        ))}
        <span className="text-sm text-slate-600">
          {session.status === 'completed' && session.completedAt
            ? `Completed ${formatDate(session.completedAt, { timeZone })}`
            : session.dueAt
              ? `Due ${formatDate(session.dueAt, { timeZone })}${overdue ? ' · overdue' : ''}`
              : 'No due date'}
        </span>
      </nav>

      {mode === 'planning' ? (
        <Card title="What is planned">
          <SessionItems items={session.items} weights={weights} emptyText={session.hasConversation ? 'This session is the coaching conversation only.' : 'This session has no items.'} />
          {session.hasConversation ? <p className="mt-3 text-sm text-slate-600">Then the five-stage coaching conversation.</p> : null}
        </Card>
      ) : null}

      {mode === 'live' ? (
        <>
          {session.items.length > 0 ? (
            <Card title="Work through it">
              <SessionItems items={session.items} weights={weights} />
            </Card>
          ) : null}
          {session.items.length > 0 || !session.hasConversation ? (
            <>
              {training ? (
                <Card title="About this session">
                  <TrainingDetailsForm sessionId={session.id} details={training} editable={canRecord} />
                </Card>
              ) : null}
              <Card title="Record what you did">
                <RecordMeasures session={session} measures={measures} compliance={compliance} canRecord={canRecord} />
              </Card>
            </>
          ) : (
            <Card title="Work through it">
              <p className="text-sm text-slate-600">Nothing to work through here: this session is the conversation.</p>
            </Card>
          )}
          {session.hasConversation && runnable && !conversationOpen ? <BeginConversationCard sessionId={session.id} /> : null}
          {session.hasConversation && conversationOpen ? <ConversationLink /> : null}
          <MarkCompleteCard session={session} canComplete={canComplete} />
        </>
      ) : null}

      {mode === 'review' ? (
        <>
          <Card title={session.status === 'completed' ? 'What was done' : 'So far'}>
            <p className="mb-3 text-sm text-slate-700">
              {session.status === 'completed' ? 'This session is complete.' : 'This session is not complete yet.'}
              {session.hasConversation ? ` Conversation: ${session.stages.filter((s) => s.completedAt).length} of 5 stages finished.` : ''}
            </p>
            <SessionItems items={session.items} />
          </Card>
          {measures.length > 0 || compliance.planned > 0 ? (
            <Card title="Against the plan">
              <RecordMeasures session={session} measures={measures} compliance={compliance} canRecord={false} />
            </Card>
          ) : null}
          {session.hasConversation && session.stages.length > 0 ? <ConversationLink /> : null}
        </>
      ) : null}
    </div>
  )
}

function ConversationLink() {
  const { session } = useSessionData()
  const current = stageInfo(session.currentStage)
  return (
    <Card title="The coaching conversation">
      <Link to={`/sessions/${session.id}/stages/${current.number}`} className={buttonClass('secondary')}>
        {session.status === 'active' ? `Continue with ${current.name}` : 'Read the conversation'}
      </Link>
    </Card>
  )
}
