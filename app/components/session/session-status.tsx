import { getFormProps, getInputProps } from '@conform-to/react'
import { useFetcher } from '@remix-run/react'
import { isLastStage, lastStage } from '#lib/coaching/stages.shared'
import { renameForm } from '#lib/coaching/session-forms.shared'
import { useSchemaForm } from '~/components/conform'
import { FormError, Notice, SubmitButton, TextField } from '~/components/form'
import { Card } from '~/components/layout'
import type { action as settingsAction } from '~/routes/sessions.$sessionId.settings'
import type { action as statusAction } from '~/routes/sessions.$sessionId.status'
import { useOffline } from '~/offline/offline-provider'
import { describeOfflineStatus } from '~/offline/outbox'
import type { SessionData } from './use-session'

/** A status change (carry on, complete, cancel) by its own fetcher: success redirects, a refusal shows beside the button. */
function useStatusChange() {
  const fetcher = useFetcher<typeof statusAction>()
  const failure = fetcher.state === 'idle' && fetcher.data?.result.status === 'error' ? fetcher.data.result.error?.[''] : undefined
  return { fetcher, pending: fetcher.state !== 'idle', failure: failure?.join(' ') }
}

/** The safety pause: the support resources are in the conversation; carrying on is the person's choice. */
export function PausedPanel({ sessionId }: { sessionId: string }) {
  const { fetcher, pending, failure } = useStatusChange()
  return (
    <div role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-amber-950">
      <h2 className="font-semibold">The session is paused</h2>
      <p className="mt-1 text-sm">
        Something you wrote suggests you may be going through something serious. The support resources are in the conversation below. Please
        reach out to them. When you are safe and want to continue coaching, you can carry on.
      </p>
      <fetcher.Form method="post" action={`/sessions/${sessionId}/status`} className="mt-3 flex flex-col gap-2">
        <input type="hidden" name="intent" value="resume" />
        <FormError>{failure}</FormError>
        <div>
          <SubmitButton variant="secondary" pending={pending} pendingText="Carrying on…">
            I am safe — carry on with the session
          </SubmitButton>
        </div>
      </fetcher.Form>
    </div>
  )
}

/** Once the last stage is finished: complete the session, which writes the summary and plans. */
export function CompleteSessionCard({ session }: { session: SessionData }) {
  const { fetcher, pending, failure } = useStatusChange()
  if (!isLastStage(session.currentStage) || !session.stages.find((s) => s.number === lastStage)?.completedAt) return null
  return (
    <Card title="Mark the session complete">
      <p className="mb-3 text-sm text-slate-600">
        All the stages are finished. Completing the session writes your summary and action plans. It cannot be undone.
      </p>
      <fetcher.Form method="post" action={`/sessions/${session.id}/status`} className="flex flex-col gap-2">
        <input type="hidden" name="intent" value="complete" />
        <FormError>{failure}</FormError>
        <div>
          <SubmitButton pending={pending} pendingText="Completing…">
            Complete session
          </SubmitButton>
        </div>
      </fetcher.Form>
    </Card>
  )
}

/** Renaming (its own fetcher: the page stays as it is) and cancelling the session. */
export function SessionSettings({ sessionId, title }: { sessionId: string; title: string }) {
  const rename = useFetcher<typeof settingsAction>()
  const [form, fields] = useSchemaForm({ id: `rename-${sessionId}`, schema: renameForm, lastResult: rename.data?.result, defaultValue: { title } })
  const cancel = useStatusChange()
  return (
    <Card title="Session settings">
      <div className="flex flex-col gap-4 sm:flex-row sm:items-end">
        <rename.Form method="post" action={`/sessions/${sessionId}/settings`} {...getFormProps(form)} className="flex flex-1 flex-col gap-2 sm:flex-row sm:items-end">
          <div className="flex-1">
            <TextField label="Session name" {...getInputProps(fields.title, { type: 'text' })} maxLength={200} errors={fields.title.errors} />
          </div>
          <SubmitButton variant="secondary" pending={rename.state !== 'idle'} pendingText="Saving…">
            Rename
          </SubmitButton>
        </rename.Form>
        <cancel.fetcher.Form
          method="post"
          action={`/sessions/${sessionId}/status`}
          onSubmit={(event) => {
            if (!confirm('Cancel this session? What was said is kept, but it cannot be continued.')) event.preventDefault()
          }}
        >
          <input type="hidden" name="intent" value="cancel" />
          <SubmitButton variant="danger" pending={cancel.pending} pendingText="Cancelling…">
            Cancel session
          </SubmitButton>
        </cancel.fetcher.Form>
      </div>
      <div className="mt-3">
        <FormError>{form.errors?.join(' ') ?? cancel.failure}</FormError>
        {rename.state === 'idle' && rename.data?.result.status === 'success' ? <Notice>Renamed.</Notice> : null}
      </div>
    </Card>
  )
}

/**
 * Mark Complete for a session from a template: a deliberate button for the client or the
 * coach who assigned it. Where the template includes the conversation, after Check Out.
 */
export function MarkCompleteCard({ session, canComplete }: { session: SessionData; canComplete: boolean }) {
  const { fetcher, pending, failure } = useStatusChange()
  const offline = useOffline()
  if (!canComplete) return null
  const conversationUnfinished = session.hasConversation && !session.stages.find((s) => s.number === lastStage)?.completedAt
  // Marked complete on this device, without signal: it syncs after the values recorded before it.
  const onDevice = offline?.entries.find((e) => e.kind === 'complete' && e.sessionId === session.id)
  if (onDevice) {
    return (
      <Card title="Mark complete">
        <p className="text-sm text-slate-700">
          Marked complete on this device · {describeOfflineStatus(onDevice)}
          {onDevice.status === 'error' && offline ? (
            <button type="button" className="ml-2 underline" onClick={() => void offline.discard(onDevice.clientId)}>
              Discard
            </button>
          ) : null}
        </p>
      </Card>
    )
  }
  return (
    <Card title="Mark complete">
      <p className="mb-3 text-sm text-slate-600">
        {conversationUnfinished
          ? 'Finish the coaching conversation first; then mark the session complete.'
          : session.viewerRole === 'coach'
            ? `Mark it complete when ${session.clientName} has done it. It cannot be undone.`
            : 'When you have done everything above, mark the session complete. It cannot be undone.'}
      </p>
      <fetcher.Form
        method="post"
        action={`/sessions/${session.id}/status`}
        className="flex flex-col gap-2"
        onSubmit={(event) => {
          if (!offline || offline.online) return
          event.preventDefault()
          void offline.record({ kind: 'complete', clientId: crypto.randomUUID(), deviceTime: new Date().toISOString(), sessionId: session.id })
        }}
      >
        <input type="hidden" name="intent" value="complete" />
        <FormError>{failure}</FormError>
        <div>
          <SubmitButton pending={pending} pendingText="Marking complete…" disabled={conversationUnfinished}>
            Mark complete
          </SubmitButton>
        </div>
      </fetcher.Form>
    </Card>
  )
}

/** A template's conversation starts when the client chooses to begin it. */
export function BeginConversationCard({ sessionId }: { sessionId: string }) {
  const { fetcher, pending, failure } = useStatusChange()
  return (
    <Card title="The coaching conversation">
      <p className="mb-3 text-sm text-slate-600">This session includes the five-stage conversation: Check In, Starting Point, Connect, Finish and Check Out.</p>
      <fetcher.Form method="post" action={`/sessions/${sessionId}/status`} className="flex flex-col gap-2">
        <input type="hidden" name="intent" value="begin" />
        <FormError>{failure}</FormError>
        <div>
          <SubmitButton pending={pending} pendingText="Starting…">
            Begin the conversation
          </SubmitButton>
        </div>
      </fetcher.Form>
    </Card>
  )
}
