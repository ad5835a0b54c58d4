import { useRevalidator } from '@remix-run/react'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { maxMessageLength, readTurnEvents, type Message } from '#lib/coaching/turn-protocol.shared'
import { FormError } from './form'

/** A message as the page shows it. */
export type TranscriptMessage = Pick<Message, 'id' | 'role' | 'content' | 'kind'>

const speaker: Record<TranscriptMessage['role'], string> = { client: 'You', coach: 'Coach’s note', assistant: 'Coach' }

export function Transcript({ messages, clientLabel = 'You' }: { messages: TranscriptMessage[]; clientLabel?: string }) {
  if (messages.length === 0) return <p className="text-sm text-slate-600">Nothing was said in this stage.</p>
  return (
    <ol className="flex flex-col gap-3">
      {messages.map((message) => (
        <MessageBubble key={message.id} message={message} clientLabel={clientLabel} />
      ))}
    </ol>
  )
}

function MessageBubble({ message, clientLabel }: { message: TranscriptMessage; clientLabel: string }) {
  const mine = message.role === 'client'
  return (
    <li className={`flex flex-col ${mine ? 'items-end' : 'items-start'}`}>
      <span className="mb-0.5 text-xs font-medium text-slate-500">{mine ? clientLabel : speaker[message.role]}</span>
      <div
        className={`max-w-[85%] whitespace-pre-wrap rounded-lg px-3 py-2 text-[0.95rem] leading-relaxed ${
          message.kind === 'support'
            ? 'border border-amber-300 bg-amber-50 text-amber-950'
            : mine
              ? 'bg-brand-700 text-white'
              : message.role === 'coach'
                ? 'border border-slate-200 bg-white'
                : 'bg-slate-100 text-slate-900'
        }`}
      >
        {message.content}
      </div>
    </li>
  )
}

/**
 * The live conversation of a stage: the client's message is shown at once, the coach's
 * reply streams in as it is written, and the page's data is reloaded when the turn ends.
 * What the person typed stays in the box until the server says it is saved; a failed
 * reply can be retried without typing again. Stop (or Escape in the box) cancels a slow
 * reply: the request is aborted, the server aborts the model call and keeps only the
 * message, and Try again asks for the reply once more (decision 023).
 */
export function Conversation({
  sessionId,
  stage,
  messages,
  aiOn,
  disabled,
}: {
  sessionId: string
  stage: number
  messages: TranscriptMessage[]
  aiOn: boolean
  disabled: boolean
}) {
  const revalidator = useRevalidator()
  const [draft, setDraft] = useState('')
  const [messageId, setMessageId] = useState<string | null>(null)
  const [pending, setPending] = useState<TranscriptMessage | null>(null)
  // The finished reply, shown until the reloaded page data has it (else it would vanish for a moment).
  const [answered, setAnswered] = useState<TranscriptMessage | null>(null)
  const [reply, setReply] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<{ message: string; retryable: boolean } | null>(null)
  const endRef = useRef<HTMLDivElement>(null)
  const inputRef = useRef<HTMLTextAreaElement>(null)
  // The turn in flight, so Stop can abort it.
  const turnRef = useRef<AbortController | null>(null)

  const unsaved = [pending, answered].filter((m): m is TranscriptMessage => m !== null && !messages.some((saved) => saved.id === m.id))
  const shown = [...messages, ...unsaved]
  const awaitingReply = shown.at(-1)?.role === 'client'

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'nearest' })
  }, [shown.length, reply])

  async function send(body: Record<string, unknown>) {
    setBusy(true)
    setError(null)
    setReply('')
    setAnswered(null)
    const turn = new AbortController()
    turnRef.current = turn
    try {
      const response = await fetch(`/sessions/${sessionId}/chat`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ stage, ...body }),
        signal: turn.signal,
      })
      if (!response.body) throw new Error('no response body')
      let finished = false
      for await (const event of readTurnEvents(response.body)) {
        if (event.type === 'saved') {
          setPending(event.message)
          setDraft('')
          setMessageId(null)
        } else if (event.type === 'delta') {
          setReply((text) => text + event.text)
        } else if (event.type === 'error') {
          setError({ message: event.message, retryable: event.retryable })
          finished = true
        } else {
          setAnswered(event.message)
          finished = true
        }
      }
      if (!finished) setError({ message: 'The connection dropped before the reply finished. What you wrote is saved; try again.', retryable: true })
    } catch {
      setError(
        turn.signal.aborted
          ? { message: 'You stopped the reply. What you wrote is kept.', retryable: true }
          : { message: 'Could not reach Stagecoach. Check your connection; what you typed is still here.', retryable: true },
      )
    } finally {
      turnRef.current = null
      setBusy(false)
      setReply('')
      revalidator.revalidate()
      // Back to the box: the Send button was disabled while the reply came in (bug 8, issue 9).
      inputRef.current?.focus()
    }
  }

  function stop() {
    turnRef.current?.abort()
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const text = draft.trim()
    if (!text || busy) return
    // The same id for every attempt at this message, so a resend is never stored twice.
    const id = messageId ?? crypto.randomUUID()
    setMessageId(id)
    void send({ kind: 'message', messageId: id, text })
  }

  return (
    <div className="flex flex-col gap-4">
      <div role="log" aria-live="polite" aria-busy={busy} aria-label="Conversation" className="flex flex-col gap-3">
        <Transcript messages={shown} />
        {busy && !error && !answered ? (
          <div className="flex flex-col items-start">
            <span className="mb-0.5 text-xs font-medium text-slate-500">Coach</span>
            <div className="max-w-[85%] whitespace-pre-wrap rounded-lg bg-slate-100 px-3 py-2 text-[0.95rem] leading-relaxed text-slate-900">
              {reply || <span className="animate-pulse text-slate-500">{aiOn ? 'The coach is writing…' : '…'}</span>}
            </div>
          </div>
        ) : null}
        <div ref={endRef} />
      </div>

      {error ? (
        <FormError>
          <span>{error.message}</span>
          {error.retryable && awaitingReply && !busy ? (
            <button type="button" className="ml-2 font-semibold underline" onClick={() => void send({ kind: 'retry' })}>
              Try again
            </button>
          ) : null}
        </FormError>
      ) : awaitingReply && !busy && !disabled ? (
        // After a reload the failed reply's error is gone, but the message still waits for an answer (bug 4, issue 9).
        <FormError>
          <span>Your last message has no reply yet.</span>
          <button type="button" className="ml-2 font-semibold underline" onClick={() => void send({ kind: 'retry' })}>
            Try again
          </button>
        </FormError>
      ) : null}

      {aiOn ? (
        <p className="text-xs text-slate-500">
          Replies are written by an AI coach. They are not medical, legal or therapeutic advice.
        </p>
      ) : null}

      {disabled ? null : (
        <form onSubmit={onSubmit} className="flex flex-col gap-2">
          <label htmlFor={`message-${stage}`} className="text-sm font-medium text-slate-800">
            Your reply
          </label>
          <textarea
            ref={inputRef}
            id={`message-${stage}`}
            name="text"
            rows={3}
            maxLength={maxMessageLength}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) event.currentTarget.form?.requestSubmit()
              if (event.key === 'Escape' && busy) stop()
            }}
            className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base shadow-sm"
            aria-describedby={`message-${stage}-hint`}
          />
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span id={`message-${stage}-hint`} className="text-xs text-slate-500">
              Enter adds a line · Ctrl+Enter (⌘+Enter on a Mac) sends{aiOn ? ' · Escape stops a reply' : ''} · {draft.length}/{maxMessageLength}
            </span>
            <div className="flex items-center gap-2">
              {aiOn && busy ? (
                <button
                  type="button"
                  onClick={stop}
                  aria-label="Stop the reply"
                  className="inline-flex min-h-10 items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-800 hover:bg-slate-50"
                >
                  Stop
                </button>
              ) : null}
              <button
                type="submit"
                disabled={busy || !draft.trim()}
                className="inline-flex min-h-10 items-center rounded-md bg-brand-700 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-800 disabled:bg-slate-400"
              >
                {busy ? 'Sending…' : 'Send'}
              </button>
            </div>
          </div>
        </form>
      )}
    </div>
  )
}
