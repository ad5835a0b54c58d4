import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { runningStageOf } from '#lib/coaching/sessions'
import { prescribedWeightsOf } from '#lib/measures/benchmarks'
import { measureHistory, sessionCompliance, trainingDetails } from '#lib/measures/measures'
import { stages } from '#lib/coaching/stages.shared'
import { Transcript } from '~/components/conversation'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass } from '~/components/form'
import { Card } from '~/components/layout'
import { StageFieldsView } from '~/components/stage-fields'
import { useSessionData } from '~/components/session/use-session'
import { SessionWork } from '~/components/session/session-work'
import { requireUserId } from '~/utils/auth.server'
import { requireIdParam } from '~/utils/http'

/** /sessions/:id: a running session opens at its current stage; a finished one reads as a whole record. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  // The layout loads the session itself; this only asks where a running one opens.
  const stage = await runningStageOf(context.db, { userId, sessionId })
  if (stage) throw redirect(`/sessions/${sessionId}/stages/${stage}`)
  // What was recorded against the items, every version, and how it stands against the plan.
  const [measures, compliance, training, weights] = await Promise.all([
    measureHistory(context.db, { userId, clientId: null, sessionId, limit: 500 }),
    sessionCompliance(context.db, { userId, sessionId }),
    trainingDetails(context.db, { userId, sessionId }),
    prescribedWeightsOf(context.db, { userId, sessionId }),
  ])
  return { measures, compliance, training, weights }
}

/** A session from a template, or a training session started by recording, opens on its work; any other reads as a record. */
export default function SessionIndex() {
  const { session } = useSessionData()
  const { measures, compliance, training, weights } = useLoaderData<typeof loader>()
  return session.templateId !== null || session.items.length > 0 || !session.hasConversation ? (
    <SessionWork measures={measures} compliance={compliance} training={training} weights={weights} />
  ) : (
    <SessionRecord />
  )
}

/** A session as a record: every stage's conversation and answers, then the summary. */
function SessionRecord() {
  const { session } = useSessionData()
  const coachLed = session.sessionType === 'coach_led'
  return (
    <div className="flex flex-col gap-6">
      {session.status === 'completed' ? (
        <Card>
          <p className="mb-3 text-slate-700">This session is complete.</p>
          <Link to={`/sessions/${session.id}/summary`} className={buttonClass('primary')}>
            Read the summary and action plans
          </Link>
        </Card>
      ) : null}
      {stages.map((meta) => {
        const stage = session.stages.find((s) => s.number === meta.number)
        return (
          <Card key={meta.number} title={`Stage ${meta.number}: ${meta.name}`}>
            {stage ? (
              <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
                <section aria-label={`${meta.name}: ${coachLed ? 'notes' : 'conversation'}`}>
                  <h3 className="mb-2 text-sm font-semibold text-slate-700">{coachLed ? 'Coach’s notes' : 'Conversation'}</h3>
                  <Transcript messages={stage.responses.transcript} clientLabel={session.viewerRole === 'client' ? 'You' : session.clientName} />
                </section>
                <section aria-label={`${meta.name}: answers`}>
                  <h3 className="mb-2 text-sm font-semibold text-slate-700">What this stage captured</h3>
                  {stage.responses.fields ? (
                    <StageFieldsView slug={meta.slug} fields={stage.responses.fields} />
                  ) : (
                    <p className="text-sm text-slate-600">Not finished.</p>
                  )}
                </section>
              </div>
            ) : (
              <p className="text-sm text-slate-600">Not reached.</p>
            )}
          </Card>
        )
      })}
      {session.summary ? (
        <Card title="Summary">
          <p className="whitespace-pre-wrap text-slate-800">{session.summary.executiveSummary}</p>
          {session.summary.goalStatement ? (
            <p className="mt-3">
              <span className="font-semibold">Goal:</span> {session.summary.goalStatement}
            </p>
          ) : null}
          <Link to={`/sessions/${session.id}/summary`} className="mt-3 inline-block font-semibold text-brand-700 underline">
            The whole summary and the action plans
          </Link>
        </Card>
      ) : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
