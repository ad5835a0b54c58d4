import { getFormProps } from '@conform-to/react'
import { Form, Link, useActionData, useFetcher, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { stageReviewForm } from '#lib/coaching/session-forms.shared'
import { isLastStage, stageInfo } from '#lib/coaching/stages.shared'
import { useSchemaForm } from '~/components/conform'
import { buttonClass, FormError, SubmitButton } from '~/components/form'
import { Card } from '~/components/layout'
import { reviewFormValues, StageFieldsForm, StageFieldsView } from '~/components/stage-fields'
import type { action as stageAction } from '~/routes/sessions.$sessionId.stages.$stage'
import type { SessionData, StageData } from './use-session'

/**
 * What a stage captured: "Finish stage" drafts it (its own fetcher), the review form edits
 * and saves the draft (Conform; it moves on to the next stage), and a saved stage is shown
 * read-only with a link to edit it.
 */
export function ReviewCard({ session, stage, runnable, editing, aiOn }: { session: SessionData; stage: StageData; runnable: boolean; editing: boolean; aiOn: boolean }) {
  const { fields, fieldsDraft } = stage.responses
  const reviewing = runnable && Boolean(fieldsDraft || (editing && fields))
  const headingRef = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    // After "Finish stage", the person continues in the review form (bug 8, issue 9).
    if (reviewing) headingRef.current?.focus()
  }, [reviewing])
  return (
    <Card title={<span ref={headingRef} tabIndex={-1} className="outline-none">{reviewing ? 'Review your answers' : 'What this stage captured'}</span>}>
      {reviewing ? (
        <ReviewForm session={session} stage={stage} values={fieldsDraft ?? fields ?? {}} drafted={Boolean(fieldsDraft)} aiOn={aiOn} />
      ) : fields ? (
        <>
          <StageFieldsView slug={stageInfo(stage.number).slug} fields={fields} />
          {runnable ? (
            <Link to={`/sessions/${session.id}/stages/${stage.number}?edit=1`} className={`${buttonClass('secondary')} mt-4`}>
              Edit answers
            </Link>
          ) : null}
        </>
      ) : runnable ? (
        <FinishStageForm sessionId={session.id} stage={stage.number} aiOn={aiOn} />
      ) : (
        <p className="text-sm text-slate-600">Nothing captured yet.</p>
      )}
    </Card>
  )
}

function FinishStageForm({ sessionId, stage, aiOn }: { sessionId: string; stage: number; aiOn: boolean }) {
  const fetcher = useFetcher<typeof stageAction>()
  const failure = fetcher.state === 'idle' && fetcher.data && 'result' in fetcher.data ? fetcher.data.result.error?.['']?.join(' ') : undefined
  return (
    <fetcher.Form method="post" action={`/sessions/${sessionId}/stages/${stage}`} className="flex flex-col gap-3">
      <input type="hidden" name="intent" value="finish-stage" />
      <p className="text-sm text-slate-600">When this stage feels done, {aiOn ? 'the AI drafts' : 'Stagecoach collects'} its answers for you to review.</p>
      <FormError>{failure}</FormError>
      <div>
        <SubmitButton pending={fetcher.state !== 'idle'} pendingText={aiOn ? 'Drafting your answers…' : 'Collecting…'}>
          Finish stage
        </SubmitButton>
      </div>
    </fetcher.Form>
  )
}

function ReviewForm({
  session,
  stage,
  values,
  drafted,
  aiOn,
}: {
  session: SessionData
  stage: StageData
  values: Record<string, unknown>
  drafted: boolean
  aiOn: boolean
}) {
  const { slug } = stageInfo(stage.number)
  const actionData = useActionData<typeof stageAction>()
  const navigation = useNavigation()
  const [form] = useSchemaForm({
    id: `review-${session.id}-${stage.number}`,
    schema: stageReviewForm(slug),
    lastResult: actionData && 'result' in actionData ? actionData.result : undefined,
  })
  // Without JavaScript the server sends back what was typed; otherwise the inputs still hold it.
  const typed = form.initialValue
  const shown: Record<string, unknown> = typed && Object.keys(typed).length > 0 ? { ...typed } : reviewFormValues(slug, values)
  const formAction = `/sessions/${session.id}/stages/${stage.number}`
  // The review form is this route's only navigating form (Finish stage and notes use fetchers).
  const saving = navigation.state === 'submitting' && navigation.formAction === formAction
  return (
    <Form method="post" action={formAction} {...getFormProps(form)} className="flex flex-col gap-4">
      <input type="hidden" name="intent" value="save-fields" />
      <p className="text-sm text-slate-600">
        {drafted
          ? aiOn
            ? 'Drafted from the conversation. Change anything that is not how you would put it.'
            : session.sessionType === 'coach_led'
              ? 'Filled from what was saved before. Change anything that is not right.'
              : 'Filled from your answers. Change anything that is not right.'
          : 'Change your answers and save.'}
      </p>
      <FormError>{form.errors?.join(' ')}</FormError>
      <StageFieldsForm slug={slug} values={shown} errors={form.allErrors} />
      <div>
        <SubmitButton pending={saving} pendingText="Saving…">
          {!isLastStage(stage.number) && !stage.completedAt ? 'Save and continue' : 'Save'}
        </SubmitButton>
      </div>
    </Form>
  )
}
