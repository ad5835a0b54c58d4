import { getFormProps, getTextareaProps } from '@conform-to/react'
import { useFetcher } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { coachNoteForm } from '#lib/coaching/session-forms.shared'
import { Transcript, type TranscriptMessage } from '~/components/conversation'
import { useSchemaForm } from '~/components/conform'
import { FormError, SubmitButton, TextAreaField } from '~/components/form'
import type { action as stageAction } from '~/routes/sessions.$sessionId.stages.$stage'

/**
 * A coach-led stage's notes and the form to add one. The note's id is kept until that note
 * is saved (a double submit stores it once), and the form is never rebuilt by a data reload,
 * so a half-written note survives the co-pilot, a revalidation or an error (bug 1, issue 9).
 */
export function CoachNotes({
  sessionId,
  stage,
  messages,
  firstNoteId,
  forCoach,
  runnable,
}: {
  sessionId: string
  stage: number
  messages: TranscriptMessage[]
  firstNoteId: string
  forCoach: boolean
  runnable: boolean
}) {
  const fetcher = useFetcher<typeof stageAction>()
  const [noteId, setNoteId] = useState(firstNoteId)
  const result = fetcher.data && 'result' in fetcher.data ? fetcher.data.result : undefined
  const [form, fields] = useSchemaForm({ id: `note-${sessionId}-${stage}`, schema: coachNoteForm, lastResult: result })
  useEffect(() => {
    // The note is stored: the next one gets a new id.
    // (A reply that resets the form carries no status, so success is: an answer without errors.)
    if (fetcher.state === 'idle' && result && Object.keys(result.error ?? {}).length === 0) setNoteId(crypto.randomUUID())
  }, [fetcher.state, result])
  return (
    <>
      <h3 className="mb-2 text-sm font-semibold text-slate-700">{forCoach ? 'Your notes' : 'Your coach’s notes'}</h3>
      <Transcript messages={messages} />
      {runnable ? (
        <fetcher.Form method="post" action={`/sessions/${sessionId}/stages/${stage}`} {...getFormProps(form)} className="mt-4 flex flex-col gap-2">
          <input type="hidden" name="intent" value="note" />
          <input type="hidden" name="messageId" value={noteId} />
          <TextAreaField
            label="Add a note"
            {...getTextareaProps(fields.text)}
            rows={3}
            maxLength={4000}
            hint="What the client said, in their words, or what you noticed."
            errors={fields.text.errors}
          />
          <FormError>{form.errors?.join(' ')}</FormError>
          <div>
            <SubmitButton pending={fetcher.state !== 'idle'} pendingText="Saving note…">
              Save note
            </SubmitButton>
          </div>
        </fetcher.Form>
      ) : null}
    </>
  )
}
