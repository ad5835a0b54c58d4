import { Link, useFetcher } from '@remix-run/react'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { AttentionReason, ClientNeedingAttention } from '#lib/attention/attention.shared'
import { countOf } from '#lib/words.shared'
import { FormError, Notice, SubmitButton, TextAreaField, buttonClass } from '~/components/form'
import { Card } from '~/components/layout'

const reasonLabel: Record<AttentionReason, string> = {
  crisis_pause: 'Crisis pause',
  low_rating: 'Low rating',
  adherence_drop: 'Adherence dropped',
  overdue: 'Overdue',
  inactive: 'No activity',
}

const reasonTone: Record<AttentionReason, string> = {
  crisis_pause: 'bg-red-100 text-red-900',
  low_rating: 'bg-amber-100 text-amber-900',
  adherence_drop: 'bg-amber-100 text-amber-900',
  overdue: 'bg-slate-100 text-slate-800',
  inactive: 'bg-slate-100 text-slate-800',
}

interface ActionReply {
  ok: boolean
  message?: string
  result?: { error?: Record<string, string[] | null> | null }
}

/**
 * The coach's "needs attention" list (issue 13, point 5): each client with their reasons in
 * words, a follow-up drafted from them to edit and send (which clears those reasons), and
 * Dismiss, remembered until a reason has something new. Each client's form is its own, so
 * what a coach is typing to one client survives sending to another, an error or a reload
 * of the list.
 */
export function NeedsAttentionCard({ clients, more }: { clients: ClientNeedingAttention[]; more: number }) {
  const [done, setDone] = useState<string[]>([])
  const onDone = useCallback((message: string) => setDone((list) => [message, ...list.filter((m) => m !== message)].slice(0, 3)), [])
  return (
    <Card title="Needs attention">
      {done.map((message) => (
        <Notice key={message}>{message}</Notice>
      ))}
      {clients.length === 0 ? (
        <p className="text-sm text-slate-600">
          Nobody needs your attention right now: no crisis pauses, low ratings, drops in adherence, overdue work or long silences among your
          clients.
        </p>
      ) : (
        <ul className="flex flex-col divide-y divide-slate-100">
          {clients.map((client) => (
            <AttentionEntry key={`${client.clientId}:${client.programId}:${client.items.map((i) => i.reason).join(',')}`} client={client} onDone={onDone} />
          ))}
        </ul>
      )}
      {more > 0 ? <p className="mt-3 text-sm text-slate-600">…and {countOf(more, 'more client')} after these.</p> : null}
    </Card>
  )
}

function AttentionEntry({ client, onDone }: { client: ClientNeedingAttention; onDone: (message: string) => void }) {
  const send = useFetcher<ActionReply>()
  const dismiss = useFetcher<ActionReply>()
  const [messageId] = useState(() => crypto.randomUUID())
  const reasons = client.items.map((item) => item.reason)
  const sendErrors = send.data && !send.data.ok ? send.data.result?.error : null
  const dismissErrors = dismiss.data && !dismiss.data.ok ? dismiss.data.result?.error : null
  const firstName = client.clientName.split(/\s+/)[0] ?? client.clientName

  // Each answer is reported once, to the list, which outlives this entry (it leaves the list once done).
  const reported = useRef<unknown[]>([])
  useEffect(() => {
    for (const reply of [send.data, dismiss.data]) {
      if (reply?.ok && reply.message && !reported.current.includes(reply)) {
        reported.current.push(reply)
        onDone(reply.message)
      }
    }
  }, [send.data, dismiss.data, onDone])

  const headingId = `attention-${client.clientId}-${client.programId}`
  return (
    <li className="py-3" aria-labelledby={headingId}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className="font-semibold text-slate-900">
          <Link to={`/programs/${client.programId}/clients/${client.clientId}`} className="text-brand-700 underline">
            {client.clientName}
          </Link>
          <span className="ml-2 text-sm font-normal text-slate-600">{client.programName}</span>
        </h3>
      </div>
      <ul className="mt-2 flex flex-col gap-1 text-sm text-slate-800">
        {client.items.map((item) => (
          <li key={item.reason} className="flex flex-wrap items-baseline gap-2">
            <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${reasonTone[item.reason]}`}>{reasonLabel[item.reason]}</span>
            <span>
              {item.text}
              {item.sessionId ? (
                <>
                  {' '}
                  <Link to={`/sessions/${item.sessionId}`} className="text-brand-700 underline">
                    Open the session
                  </Link>
                </>
              ) : null}
            </span>
          </li>
        ))}
      </ul>
      <details className="mt-2">
        <summary className="cursor-pointer text-sm font-semibold text-brand-700">Write to {firstName}</summary>
        <send.Form method="post" action="/dashboard" className="mt-2 flex flex-col gap-2">
          <input type="hidden" name="intent" value="follow-up" />
          <input type="hidden" name="clientId" value={client.clientId} />
          <input type="hidden" name="programId" value={client.programId} />
          <input type="hidden" name="messageId" value={messageId} />
          {reasons.map((reason) => (
            <input key={reason} type="hidden" name="reasons" value={reason} />
          ))}
          <TextAreaField
            label={`Message to ${client.clientName}`}
            name="body"
            rows={6}
            maxLength={4000}
            required
            defaultValue={client.draft}
            hint="A draft from the reasons above. Make it yours; it goes to their messages (and their email, when this app sends email). Sending clears these reasons."
            errors={sendErrors?.body ?? undefined}
          />
          <FormError>{sendErrors?.['']?.join(' ') ?? (sendErrors && !sendErrors.body ? 'The message was not sent. Try again.' : null)}</FormError>
          <div>
            <SubmitButton pending={send.state !== 'idle'} pendingText="Sending…">
              Send to {firstName}
            </SubmitButton>
          </div>
        </send.Form>
      </details>
      <dismiss.Form method="post" action="/dashboard" className="mt-2">
        <input type="hidden" name="intent" value="dismiss" />
        <input type="hidden" name="clientId" value={client.clientId} />
        <input type="hidden" name="programId" value={client.programId} />
        {reasons.map((reason) => (
          <input key={reason} type="hidden" name="reasons" value={reason} />
        ))}
        <button type="submit" className={buttonClass('secondary')} disabled={dismiss.state !== 'idle'} aria-label={`Dismiss ${client.clientName}: nothing to do for now`}>
          {dismiss.state !== 'idle' ? 'Dismissing…' : 'Dismiss'}
        </button>
        <FormError>{dismissErrors?.['']?.join(' ')}</FormError>
      </dismiss.Form>
    </li>
  )
}
