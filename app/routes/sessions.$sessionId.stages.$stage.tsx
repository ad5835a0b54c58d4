import { randomUUID } from 'node:crypto'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { Link, useLoaderData, useParams, useSearchParams } from '@remix-run/react'
import { coachNoteForm, finishStageForm, stageReviewForm } from '#lib/coaching/session-forms.shared'
import { addCoachNote, draftStageFields, saveStageFields } from '#lib/coaching/stage-work'
import { memoryStage, stageInfo, stageNumberSchema } from '#lib/coaching/stages.shared'
import { z } from '#lib/zod.shared'
import { Conversation } from '~/components/conversation'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass } from '~/components/form'
import { Card } from '~/components/layout'
import { CoachNotes } from '~/components/session/coach-notes'
import { CoPilotCard } from '~/components/session/co-pilot-card'
import { MemoryPanel } from '~/components/session/memory-panel'
import { ReviewCard } from '~/components/session/review-card'
import { useSessionData } from '~/components/session/use-session'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { invariantResponse, requireIdParam } from '~/utils/http'

function requireStageParam(value: string | undefined) {
  const stage = stageNumberSchema.safeParse(value)
  invariantResponse(stage.success, 'Not found', { status: 404 })
  return stage.data
}

/** One stage of a running session; the session itself comes from the layout route. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await requireUserId(request, context)
  requireStageParam(params.stage)
  // The id of the next coach's note; the note form keeps the first one it gets until that note is saved.
  return { noteId: randomUUID() }
}

const stageActionSchema = (slug: Parameters<typeof stageReviewForm>[0]) =>
  z.discriminatedUnion('intent', [finishStageForm, stageReviewForm(slug), coachNoteForm])

/** Finish stage (draft the fields), save the reviewed fields, or add a coach's note. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const stage = requireStageParam(params.stage)
  const submission = await readSubmission(request, stageActionSchema(stageInfo(stage).slug))
  if (submission.status !== 'success') return invalidSubmission(submission)
  const deps = { db: context.db, ai: context.ai }
  try {
    const value = submission.value
    switch (value.intent) {
      case 'finish-stage':
        await draftStageFields(deps, { userId, sessionId, stage })
        return { result: submission.reply() }
      case 'save-fields': {
        const { intent: _intent, ...fields } = value
        const { nextStage } = await saveStageFields(deps, { userId, sessionId, stage, fields })
        return redirect(`/sessions/${sessionId}/stages/${nextStage ?? stage}`)
      }
      case 'note':
        await addCoachNote(deps, { userId, sessionId, stage, messageId: value.messageId, text: value.text })
        return { result: submission.reply({ resetForm: true }) }
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function StagePage() {
  const { session, ai } = useSessionData()
  const { noteId } = useLoaderData<typeof loader>()
  const number = stageNumberSchema.parse(useParams().stage)
  const [searchParams] = useSearchParams()
  const stage = session.stages.find((s) => s.number === number)
  const runnable = session.viewerRuns && session.status === 'active'

  if (!runnable) {
    return (
      <Card>
        <p className="mb-3 text-slate-700">This session is not running any more.</p>
        <Link to={`/sessions/${session.id}`} className={buttonClass('secondary')}>
          The whole record
        </Link>
      </Card>
    )
  }
  if (!stage) {
    return (
      <Card>
        <p className="text-slate-700">This stage opens when the one before it is finished.</p>
      </Card>
    )
  }

  const writable = !session.pausedAt
  const coachLed = session.sessionType === 'coach_led'
  const { transcript, fields, fieldsDraft } = stage.responses
  const memory = session.memory
  const reviewing = Boolean(fieldsDraft || (searchParams.get('edit') === '1' && fields))
  const review = <ReviewCard session={session} stage={stage} runnable={writable} editing={searchParams.get('edit') === '1'} aiOn={ai.on} />
  return (
    <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
      <Card title={`Stage ${stage.number}: ${stage.name}`}>
        <p className="mb-4 text-sm text-slate-600">{stage.purpose}</p>
        {coachLed ? (
          <CoachNotes
            sessionId={session.id}
            stage={stage.number}
            messages={transcript}
            firstNoteId={noteId}
            forCoach={session.viewerRole === 'coach'}
            runnable={writable}
          />
        ) : (
          <Conversation
            // A stage's conversation keeps its own state: a message still pending in one stage must not appear in the next.
            key={`${session.id}:${stage.number}`}
            sessionId={session.id}
            stage={stage.number}
            messages={transcript}
            aiOn={ai.on}
            disabled={!writable || reviewing}
          />
        )}
      </Card>

      <div className="flex flex-col gap-6">
        {stage.number === memoryStage && (memory.length > 0 || writable) ? (
          <MemoryPanel
            sessionId={session.id}
            memory={memory}
            editable={writable && !stage.completedAt}
            forCoach={session.viewerRole === 'coach'}
            clientName={session.clientName}
          />
        ) : null}
        {coachLed && writable ? <CoPilotCard sessionId={session.id} stage={stage.number} aiOn={ai.on} /> : null}
        {reviewing && writable ? null : review}
      </div>
      {/* The review form takes the page's width: its rows (a step's title, its date) need room to read (bug 5, issue 9). */}
      {reviewing && writable ? <div className="lg:col-span-2">{review}</div> : null}
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
