import { getFormProps, getSelectProps } from '@conform-to/react'
import { useFetcher } from '@remix-run/react'
import { sharingForm } from '#lib/coaching/session-forms.shared'
import type { ProgramPartner } from '#lib/coaching/sessions'
import { useSchemaForm } from '~/components/conform'
import { FormError, Notice, SelectField, SubmitButton } from '~/components/form'
import { Card } from '~/components/layout'
import type { action as sharingAction } from '~/routes/sessions.$sessionId.sharing'

/** Sharing a self-coaching session with one of the client's coaches, by its own fetcher. */
export function SharingCard({
  sessionId,
  visibility,
  coachName,
  coaches,
}: {
  sessionId: string
  visibility: string
  coachName: string | null
  coaches: ProgramPartner[]
}) {
  const fetcher = useFetcher<typeof sharingAction>()
  const [form, fields] = useSchemaForm({ id: `sharing-${sessionId}`, schema: sharingForm, lastResult: fetcher.data?.result })
  const busy = fetcher.state !== 'idle'
  const notice = fetcher.state === 'idle' && fetcher.data && 'notice' in fetcher.data ? fetcher.data.notice : null
  return (
    <Card title="Sharing">
      {notice ? <Notice>{notice}</Notice> : null}
      <FormError>{form.errors?.join(' ')}</FormError>
      {visibility === 'shared' ? (
        <fetcher.Form method="post" action={`/sessions/${sessionId}/sharing`} {...getFormProps(form)} className="mt-2 flex flex-col gap-3">
          <p className="text-sm text-slate-700">Shared with {coachName ?? 'your coach'}. They can read this session, its summary and its plans.</p>
          <input type="hidden" name="intent" value="unshare" />
          <div>
            <SubmitButton variant="secondary" pending={busy} pendingText="Saving…">
              Make private
            </SubmitButton>
          </div>
        </fetcher.Form>
      ) : coaches.length === 0 ? (
        <p className="text-sm text-slate-600">Private to you. Join a coach’s program to be able to share sessions with them.</p>
      ) : (
        <fetcher.Form method="post" action={`/sessions/${sessionId}/sharing`} {...getFormProps(form)} className="mt-2 flex flex-col gap-3 sm:flex-row sm:items-end">
          <input type="hidden" name="intent" value="share" />
          <div className="flex-1">
            <SelectField label="Private to you. Share with" {...getSelectProps(fields.coach)} errors={fields.coach.errors}>
              {coaches.map((c) => (
                <option key={`${c.userId}:${c.programId}`} value={`${c.userId}:${c.programId}`}>
                  {c.name} ({c.programName})
                </option>
              ))}
            </SelectField>
          </div>
          <SubmitButton variant="secondary" pending={busy} pendingText="Sharing…">
            Share
          </SubmitButton>
        </fetcher.Form>
      )}
    </Card>
  )
}
