import { randomUUID } from 'node:crypto'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { describeAiMode } from '#lib/ai/model'
import {
  cancelSession,
  completeSession,
  getSession,
  listMyCoaches,
  renameSession,
  resumeAfterPause,
  setSessionSharing,
} from '#lib/coaching/sessions'
import { addCoachNote, coachNoteSchema, draftStageFields, saveStageFields, suggestForCoach, updateMemoryItem } from '#lib/coaching/stage-work'
import { stageNumberSchema, stages } from '#lib/coaching/stages'
import { Conversation, Transcript } from '~/components/conversation'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, Notice, SelectField, SubmitButton, TextAreaField, TextField, buttonClass } from '~/components/form'
import { Card, PageHeader } from '~/components/layout'
import { StageFieldsForm, StageFieldsView } from '~/components/stage-fields'
import { requireUserId } from '~/utils/auth.server'
import { appErrorToFormFailure, parseForm, readForm } from '~/utils/forms.server'
import { orNotFound, requireIdParam } from '~/utils/http'
import { fieldsFromForm } from '~/utils/stage-form'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const session = await orNotFound(getSession(context.db, { userId, sessionId }))
  const url = new URL(request.url)
  const requested = stageNumberSchema.safeParse(url.searchParams.get('stage'))
  const selectedStage = requested.success && session.stages.some((s) => s.number === requested.data) ? requested.data : session.currentStage
  const canShare = session.viewerRole === 'client' && session.sessionType === 'self_coaching' && session.source === 'self_assigned'
  return {
    session,
    selectedStage,
    editing: url.searchParams.get('edit') === '1',
    ai: describeAiMode(context.ai),
    coaches: canShare ? await listMyCoaches(context.db, { userId }) : [],
    stageList: stages.map((s) => ({ number: s.number, name: s.name, slug: s.slug, purpose: s.purpose })),
    // A fresh id for the next note, so a double-submitted note is stored once.
    noteId: randomUUID(),
  }
}

const stageField = { stage: stageNumberSchema }
const sessionAction = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('finish-stage'), ...stageField }),
  z.object({ intent: z.literal('save-fields'), ...stageField }),
  z.object({ intent: z.literal('memory-save'), itemId: z.string().min(1), text: z.string() }),
  z.object({ intent: z.literal('memory-remove'), itemId: z.string().min(1) }),
  z.object({ intent: z.literal('resume') }),
  z.object({ intent: z.literal('cancel') }),
  z.object({ intent: z.literal('complete') }),
  z.object({ intent: z.literal('share'), coach: z.string().regex(/^[0-9a-f-]{36}:[0-9a-f-]{36}$/, 'Choose a coach.') }),
  z.object({ intent: z.literal('unshare') }),
  z.object({ intent: z.literal('note'), ...stageField, messageId: coachNoteSchema.shape.messageId, text: coachNoteSchema.shape.text }),
  z.object({ intent: z.literal('suggest'), ...stageField }),
  z.object({ intent: z.literal('rename'), title: z.string() }),
])

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const formData = await readForm(request)
  const parsed = parseForm(formData, sessionAction)
  if (!parsed.success) return parsed.response
  const input = parsed.data
  const deps = { db: context.db, ai: context.ai }
  const here = `/sessions/${sessionId}`
  try {
    switch (input.intent) {
      case 'finish-stage':
        await draftStageFields(deps, { userId, sessionId, stage: input.stage })
        return redirect(`${here}?stage=${input.stage}`)
      case 'save-fields': {
        const slug = stages.find((s) => s.number === input.stage)?.slug ?? ''
        const { nextStage } = await saveStageFields(deps, { userId, sessionId, stage: input.stage, fields: fieldsFromForm(slug, formData) })
        return redirect(`${here}?stage=${nextStage ?? input.stage}`)
      }
      case 'memory-save':
        await updateMemoryItem(context.db, { userId, sessionId, itemId: input.itemId, text: input.text })
        return { ok: true as const, kind: 'message' as const, message: 'Saved. The coach will only see it as you wrote it.' }
      case 'memory-remove':
        await updateMemoryItem(context.db, { userId, sessionId, itemId: input.itemId, text: null })
        return { ok: true as const, kind: 'message' as const, message: 'Removed. The coach will not see it.' }
      case 'resume':
        await resumeAfterPause(context.db, { userId, sessionId })
        return redirect(here)
      case 'cancel':
        await cancelSession(context.db, { userId, sessionId })
        return redirect('/dashboard')
      case 'complete':
        await completeSession(context.db, { userId, sessionId })
        return redirect(`${here}/summary`)
      case 'share': {
        const [coachId = '', programId = ''] = input.coach.split(':')
        await setSessionSharing(context.db, { userId, sessionId, share: { coachId, programId } })
        return { ok: true as const, kind: 'message' as const, message: 'Shared. Your coach can now read this session, its summary and its plans.' }
      }
      case 'unshare':
        await setSessionSharing(context.db, { userId, sessionId, share: null })
        return { ok: true as const, kind: 'message' as const, message: 'This session is private again.' }
      case 'note':
        await addCoachNote(deps, { userId, sessionId, stage: input.stage, messageId: input.messageId, text: input.text })
        return redirect(`${here}?stage=${input.stage}`)
      case 'suggest': {
        const suggestions = await suggestForCoach(deps, { userId, sessionId, stage: input.stage })
        return { ok: true as const, kind: 'suggestions' as const, stage: input.stage, suggestions }
      }
      case 'rename':
        await renameSession(context.db, { userId, sessionId, title: input.title })
        return { ok: true as const, kind: 'message' as const, message: 'Renamed.' }
    }
  } catch (error) {
    return appErrorToFormFailure(formData, error)
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>
type SessionData = LoaderData['session']
type StageData = SessionData['stages'][number]

export default function SessionPage() {
  const { session, selectedStage, editing, ai, coaches, stageList, noteId } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busyIntent = navigation.state !== 'idle' ? navigation.formData?.get('intent') : null
  const failure = result && !result.ok ? result : null
  const stageData = session.stages.find((s) => s.number === selectedStage)
  const stageMeta = stageList.find((s) => s.number === selectedStage)
  const runnable = session.viewerRuns && session.status === 'active'
  const typeLabel = session.sessionType === 'coach_led' ? `Coach-led · ${session.viewerRole === 'coach' ? `with ${session.clientName}` : `by ${session.coachName ?? 'your coach'}`}` : 'Self-coaching'

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={session.title}>
        <span className="rounded-full bg-slate-100 px-3 py-1 text-sm text-slate-700">{typeLabel}</span>
        <StatusBadge status={session.status} />
      </PageHeader>

      {!ai.on && runnable ? <Notice>{ai.label}</Notice> : null}
      {result?.ok && result.kind === 'message' ? <Notice>{result.message}</Notice> : null}
      <FormError>{failure?.formError}</FormError>

      {!session.contentVisible ? (
        <Card>
          <p className="text-slate-700">
            {session.coachName ?? 'Your coach'} is leading this session. You will see the notes, the summary and your action plans here once
            they have reviewed them.
          </p>
        </Card>
      ) : (
        <>
          {session.status === 'completed' ? (
            <Card>
              <p className="mb-3 text-slate-700">This session is complete.</p>
              <Link to={`/sessions/${session.id}/summary`} className={buttonClass('primary')}>
                Read the summary and action plans
              </Link>
            </Card>
          ) : null}

          {runnable ? (
            <>
              <StageNav stageList={stageList} stages={session.stages} selected={selectedStage} current={session.currentStage} />

              {session.pausedAt ? <PausedPanel busy={busyIntent === 'resume'} /> : null}

              {stageData && stageMeta ? (
                <StagePanel
                  session={session}
                  stage={stageData}
                  slug={stageMeta.slug}
                  runnable={!session.pausedAt}
                  editing={editing}
                  aiOn={ai.on}
                  noteId={noteId}
                  busyIntent={busyIntent}
                  fieldErrors={failure?.fieldErrors ?? {}}
                  suggestions={result?.ok && result.kind === 'suggestions' && result.stage === selectedStage ? result.suggestions : null}
                />
              ) : (
                <Card>
                  <p className="text-slate-700">This stage opens when the one before it is finished.</p>
                </Card>
              )}
            </>
          ) : (
            <SessionHistory session={session} stageList={stageList} />
          )}

          {runnable && session.currentStage === 5 && session.stages.find((s) => s.number === 5)?.completedAt ? (
            <Card title="Mark the session complete">
              <p className="mb-3 text-sm text-slate-600">
                All five stages are finished. Completing the session writes your summary and action plans. It cannot be undone.
              </p>
              <Form method="post">
                <input type="hidden" name="intent" value="complete" />
                <SubmitButton pending={busyIntent === 'complete'} pendingText="Completing…">
                  Complete session
                </SubmitButton>
              </Form>
            </Card>
          ) : null}
        </>
      )}

      {session.viewerRole === 'client' && session.sessionType === 'self_coaching' && session.source === 'self_assigned' ? (
        <SharingCard visibility={session.visibility} coachName={session.coachName} coaches={coaches} busy={busyIntent === 'share' || busyIntent === 'unshare'} />
      ) : null}

      {runnable ? (
        <Card title="Session settings">
          <div className="flex flex-col gap-4 sm:flex-row sm:items-end">
            <Form method="post" className="flex flex-1 flex-col gap-2 sm:flex-row sm:items-end">
              <input type="hidden" name="intent" value="rename" />
              <div className="flex-1">
                <TextField label="Session name" name="title" defaultValue={session.title} maxLength={200} required />
              </div>
              <SubmitButton variant="secondary" pending={busyIntent === 'rename'} pendingText="Saving…">
                Rename
              </SubmitButton>
            </Form>
            <Form
              method="post"
              onSubmit={(event) => {
                if (!confirm('Cancel this session? What was said is kept, but it cannot be continued.')) event.preventDefault()
              }}
            >
              <input type="hidden" name="intent" value="cancel" />
              <SubmitButton variant="danger" pending={busyIntent === 'cancel'} pendingText="Cancelling…">
                Cancel session
              </SubmitButton>
            </Form>
          </div>
        </Card>
      ) : null}
    </div>
  )
}

/** A session as a record: every stage's conversation and answers, then the summary. */
function SessionHistory({ session, stageList }: { session: SessionData; stageList: { number: number; name: string; slug: string }[] }) {
  const coachLed = session.sessionType === 'coach_led'
  return (
    <div className="flex flex-col gap-6">
      {stageList.map((meta) => {
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
                  {stage.responses.fields ? <StageFieldsView slug={meta.slug} fields={stage.responses.fields} /> : <p className="text-sm text-slate-600">Not finished.</p>}
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

function StatusBadge({ status }: { status: string }) {
  const styles: Record<string, string> = {
    active: 'bg-brand-50 text-brand-800',
    completed: 'bg-emerald-50 text-emerald-800',
    cancelled: 'bg-slate-100 text-slate-600',
  }
  const labels: Record<string, string> = { active: 'In progress', completed: 'Completed', cancelled: 'Cancelled' }
  return <span className={`rounded-full px-3 py-1 text-sm font-medium ${styles[status] ?? ''}`}>{labels[status] ?? status}</span>
}

function StageNav({
  stageList,
  stages: opened,
  selected,
  current,
}: {
  stageList: { number: number; name: string }[]
  stages: StageData[]
  selected: number
  current: number
}) {
  return (
    <nav aria-label="Stages">
      <ol className="grid grid-cols-5 gap-1 sm:gap-2">
        {stageList.map((stage) => {
          const data = opened.find((s) => s.number === stage.number)
          const done = Boolean(data?.completedAt)
          const state = done ? 'done' : stage.number === current ? 'current' : data ? 'open' : 'locked'
          const label = `${stage.number}. ${stage.name}${done ? ' (finished)' : state === 'current' ? ' (current)' : state === 'locked' ? ' (not started)' : ''}`
          const classes = `flex h-full flex-col rounded-md border px-2 py-2 text-xs sm:text-sm ${
            stage.number === selected ? 'border-brand-600 bg-brand-50 font-semibold' : 'border-slate-200 bg-white'
          }`
          return (
            <li key={stage.number}>
              {data ? (
                <Link to={`?stage=${stage.number}`} aria-current={stage.number === selected ? 'step' : undefined} aria-label={label} className={classes}>
                  <span aria-hidden>{done ? '✓' : stage.number}</span>
                  <span className="truncate">{stage.name}</span>
                </Link>
              ) : (
                <span aria-label={label} className={`${classes} text-slate-400`}>
                  <span aria-hidden>{stage.number}</span>
                  <span className="truncate">{stage.name}</span>
                </span>
              )}
            </li>
          )
        })}
      </ol>
    </nav>
  )
}

function PausedPanel({ busy }: { busy: boolean }) {
  return (
    <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950">
      <h2 className="font-semibold">The session is paused</h2>
      <p className="mt-1 text-sm">
        Something you wrote suggests you may be going through something serious. The support resources are in the conversation below. Please
        reach out to them. When you are safe and want to continue coaching, you can carry on.
      </p>
      <Form method="post" className="mt-3">
        <input type="hidden" name="intent" value="resume" />
        <SubmitButton variant="secondary" pending={busy} pendingText="Carrying on…">
          I am safe — carry on with the session
        </SubmitButton>
      </Form>
    </div>
  )
}

function StagePanel({
  session,
  stage,
  slug,
  runnable,
  editing,
  aiOn,
  noteId,
  busyIntent,
  fieldErrors,
  suggestions,
}: {
  session: SessionData
  stage: StageData
  slug: string
  runnable: boolean
  editing: boolean
  aiOn: boolean
  noteId: string
  busyIntent: FormDataEntryValue | null | undefined
  fieldErrors: Record<string, string[] | undefined>
  suggestions: { questions: string[]; missing: string[]; source: string } | null
}) {
  const { transcript, fields, fieldsDraft } = stage.responses
  const memory = session.memory
  const coachLed = session.sessionType === 'coach_led'
  const reviewing = runnable && (fieldsDraft || (editing && fields))
  const reviewFields = fieldsDraft ?? fields ?? {}
  return (
    <div className="grid gap-6 lg:grid-cols-[3fr_2fr]">
      <Card title={`Stage ${stage.number}: ${stage.name}`}>
        <p className="mb-4 text-sm text-slate-600">{stage.purpose}</p>
        {coachLed ? (
          <>
            <h3 className="mb-2 text-sm font-semibold text-slate-700">{session.viewerRole === 'coach' ? 'Your notes' : 'Your coach’s notes'}</h3>
            <Transcript messages={transcript} />
            {runnable ? (
              <Form method="post" className="mt-4 flex flex-col gap-2" key={noteId}>
                <input type="hidden" name="intent" value="note" />
                <input type="hidden" name="stage" value={stage.number} />
                <input type="hidden" name="messageId" value={noteId} />
                <TextAreaField label="Add a note" name="text" rows={3} maxLength={4000} hint="What the client said, in their words, or what you noticed." required />
                <div>
                  <SubmitButton pending={busyIntent === 'note'} pendingText="Saving note…">
                    Save note
                  </SubmitButton>
                </div>
              </Form>
            ) : null}
          </>
        ) : (
          <Conversation
            // A stage's conversation keeps its own state: a message still pending in one stage must not appear in the next.
            key={`${session.id}:${stage.number}`}
            sessionId={session.id}
            stage={stage.number}
            messages={transcript}
            aiOn={aiOn}
            disabled={!runnable || Boolean(reviewing)}
          />
        )}
      </Card>

      <div className="flex flex-col gap-6">
        {stage.number === 1 && (memory.length > 0 || runnable) ? <MemoryPanel memory={memory} editable={runnable && !stage.completedAt} /> : null}

        {coachLed && runnable ? (
          <Card title="Co-pilot">
            {suggestions ? (
              <div className="mb-3 flex flex-col gap-2">
                <h3 className="text-sm font-semibold">{suggestions.source === 'ai' ? 'Questions you could ask next' : 'This stage’s questions'}</h3>
                <ul className="list-disc pl-5 text-sm">
                  {suggestions.questions.map((q) => (
                    <li key={q}>{q}</li>
                  ))}
                </ul>
                {suggestions.missing.length > 0 ? (
                  <>
                    <h3 className="text-sm font-semibold">Still missing for this stage</h3>
                    <ul className="list-disc pl-5 text-sm">
                      {suggestions.missing.map((m) => (
                        <li key={m}>{m}</li>
                      ))}
                    </ul>
                  </>
                ) : null}
              </div>
            ) : (
              <p className="mb-3 text-sm text-slate-600">Ask for the next questions to consider; the client sees nothing of this.</p>
            )}
            <Form method="post">
              <input type="hidden" name="intent" value="suggest" />
              <input type="hidden" name="stage" value={stage.number} />
              <SubmitButton variant="secondary" pending={busyIntent === 'suggest'} pendingText={aiOn ? 'Thinking…' : 'Loading…'}>
                Suggest questions
              </SubmitButton>
            </Form>
          </Card>
        ) : null}

        <Card title={reviewing ? 'Review your answers' : 'What this stage captured'}>
          {reviewing ? (
            <Form method="post" className="flex flex-col gap-4" noValidate>
              <input type="hidden" name="intent" value="save-fields" />
              <input type="hidden" name="stage" value={stage.number} />
              <p className="text-sm text-slate-600">
                {fieldsDraft
                  ? aiOn
                    ? 'Drafted from the conversation. Change anything that is not how you would put it.'
                    : 'Filled from your answers. Change anything that is not right.'
                  : 'Change your answers and save.'}
              </p>
              <StageFieldsForm slug={slug} fields={reviewFields} errors={fieldErrors} />
              <SubmitButton pending={busyIntent === 'save-fields'} pendingText="Saving…">
                {stage.number < 5 && !stage.completedAt ? 'Save and continue' : 'Save'}
              </SubmitButton>
            </Form>
          ) : fields ? (
            <>
              <StageFieldsView slug={slug} fields={fields} />
              {runnable ? (
                <Link to={`?stage=${stage.number}&edit=1`} className={`${buttonClass('secondary')} mt-4`}>
                  Edit answers
                </Link>
              ) : null}
            </>
          ) : runnable ? (
            <Form method="post" className="flex flex-col gap-3">
              <input type="hidden" name="intent" value="finish-stage" />
              <input type="hidden" name="stage" value={stage.number} />
              <p className="text-sm text-slate-600">
                When this stage feels done, {aiOn ? 'the AI drafts' : 'Stagecoach collects'} its answers for you to review.
              </p>
              <SubmitButton pending={busyIntent === 'finish-stage'} pendingText={aiOn ? 'Drafting your answers…' : 'Collecting…'}>
                Finish stage
              </SubmitButton>
            </Form>
          ) : (
            <p className="text-sm text-slate-600">Nothing captured yet.</p>
          )}
        </Card>
      </div>
    </div>
  )
}

function MemoryPanel({ memory, editable }: { memory: { id: string; kind: string; text: string }[]; editable: boolean }) {
  return (
    <Card title="What your coach remembers">
      <p className="mb-3 text-sm text-slate-600">
        This is everything the coach is told about before today. {editable ? 'Edit or remove anything before you answer.' : ''}
      </p>
      {memory.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing — this is a fresh start.</p>
      ) : (
        <ul className="flex flex-col gap-3">
          {memory.map((item) =>
            editable ? (
              <li key={item.id} className="rounded-md border border-slate-200 p-2">
                <Form method="post" className="flex flex-col gap-2">
                  <input type="hidden" name="itemId" value={item.id} />
                  <TextAreaField
                    label={item.kind === 'open_action' ? 'Open action' : 'Last session'}
                    name="text"
                    rows={2}
                    maxLength={2000}
                    defaultValue={item.text}
                  />
                  <div className="flex gap-2">
                    <button type="submit" name="intent" value="memory-save" className={buttonClass('secondary')}>
                      Save
                    </button>
                    <button type="submit" name="intent" value="memory-remove" className={buttonClass('danger')}>
                      Remove
                    </button>
                  </div>
                </Form>
              </li>
            ) : (
              <li key={item.id} className="text-sm">
                {item.text}
              </li>
            ),
          )}
        </ul>
      )}
    </Card>
  )
}

function SharingCard({
  visibility,
  coachName,
  coaches,
  busy,
}: {
  visibility: string
  coachName: string | null
  coaches: { coachId: string; coachName: string; programId: string; programName: string }[]
  busy: boolean
}) {
  return (
    <Card title="Sharing">
      {visibility === 'shared' ? (
        <Form method="post" className="flex flex-col gap-3">
          <p className="text-sm text-slate-700">Shared with {coachName ?? 'your coach'}. They can read this session, its summary and its plans.</p>
          <input type="hidden" name="intent" value="unshare" />
          <div>
            <SubmitButton variant="secondary" pending={busy} pendingText="Saving…">
              Make private
            </SubmitButton>
          </div>
        </Form>
      ) : coaches.length === 0 ? (
        <p className="text-sm text-slate-600">Private to you. Join a coach’s program to be able to share sessions with them.</p>
      ) : (
        <Form method="post" className="flex flex-col gap-3 sm:flex-row sm:items-end">
          <input type="hidden" name="intent" value="share" />
          <div className="flex-1">
            <SelectField label="Private to you. Share with" name="coach">
              {coaches.map((c) => (
                <option key={`${c.coachId}:${c.programId}`} value={`${c.coachId}:${c.programId}`}>
                  {c.coachName} ({c.programName})
                </option>
              ))}
            </SelectField>
          </div>
          <SubmitButton variant="secondary" pending={busy} pendingText="Sharing…">
            Share
          </SubmitButton>
        </Form>
      )}
    </Card>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.session.title} · Stagecoach` : 'Session · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
