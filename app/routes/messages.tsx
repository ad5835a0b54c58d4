import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { formatDate } from '#lib/dates.shared'
import { listCorrespondents, listMessages, markMessagesRead, sendMessage } from '#lib/messages/messages'
import { messagesPageForm } from '#lib/messages/messages.shared'
import { getProfile } from '#lib/profiles'
import { countOf } from '#lib/words.shared'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, Notice, SelectField, SubmitButton, TextAreaField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

/** Messages between coaches and their clients: the newest first, a page at a time, and a form to write one. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const url = new URL(request.url)
  const before = url.searchParams.get('before')
  const [page, correspondents, profile] = await Promise.all([
    listMessages(context.db, { userId, before }),
    listCorrespondents(context.db, { userId }),
    getProfile(context.db, { userId }),
  ])
  return { ...page, correspondents, older: Boolean(before), timeZone: profile?.timezone ?? 'UTC', replyTo: url.searchParams.get('to') }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, messagesPageForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const input = submission.value
  try {
    if (input.intent === 'send') {
      const { alreadySent } = await sendMessage(context.db, { userId, recipientId: input.to.userId, programId: input.to.programId, body: input.body, messageId: input.messageId })
      return data({ ok: true as const, intent: input.intent, message: alreadySent ? 'That message was already sent (once).' : 'Sent.', result: submission.reply({ resetForm: true }) })
    }
    const marked = await markMessagesRead(context.db, { userId, upTo: new Date(input.upTo) })
    return data({ ok: true as const, intent: input.intent, message: marked > 0 ? `Marked ${countOf(marked, 'message')} read.` : 'Nothing left to mark read.', result: submission.reply() })
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Messages() {
  const { messages, next, unread, correspondents, older, timeZone, replyTo } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const busyIntent = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const failure = actionData && !actionData.ok ? actionData.result : null
  const failedSend = failure?.initialValue?.intent === 'send'
  const sent = actionData?.ok && actionData.intent === 'send'
  // A new id for each message written: the same form sent twice stores one message.
  const [messageId, setMessageId] = useState(() => crypto.randomUUID())
  // After a send, a fresh id, and (by its key) an empty message box.
  useEffect(() => {
    if (sent) setMessageId(crypto.randomUUID())
  }, [sent, actionData])
  const typed = failedSend ? String(failure?.initialValue?.body ?? '') : ''
  const typedTo = failedSend ? String(failure?.initialValue?.to ?? '') : (replyTo ?? '')
  const newest = messages[0]?.createdAt

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Messages" />
      {actionData?.ok ? <Notice>{actionData.message}</Notice> : null}

      <Card title="Write a message">
        {correspondents.length === 0 ? (
          <p className="text-sm text-slate-600">
            You can write to your coach, or to your clients, once you are in a program together. <Link to="/programs" className="underline">Your programs</Link>
          </p>
        ) : (
          <Form method="post" className="flex flex-col gap-3 sm:max-w-xl">
            <input type="hidden" name="intent" value="send" />
            <input type="hidden" name="messageId" value={messageId} />
            <SelectField label="To" name="to" defaultValue={typedTo} key={`to-${typedTo}`} required errors={failedSend ? (failure?.error?.to ?? undefined) : undefined}>
              <option value="">Choose…</option>
              {correspondents.map((person) => (
                <option key={`${person.userId}:${person.programId}`} value={`${person.userId}:${person.programId}`}>
                  {person.name} ({person.role === 'coach' ? 'your coach' : 'your client'}, {person.programName})
                </option>
              ))}
            </SelectField>
            <TextAreaField
              label="Message"
              name="body"
              rows={5}
              maxLength={4000}
              required
              defaultValue={typed}
              key={`body-${failedSend ? 'kept' : messageId}`}
              errors={failedSend ? (failure?.error?.body ?? undefined) : undefined}
            />
            <FormError>{failedSend ? failure?.error?.['']?.join(' ') : null}</FormError>
            <div>
              <SubmitButton pending={busyIntent === 'send'} pendingText="Sending…">
                Send
              </SubmitButton>
            </div>
          </Form>
        )}
      </Card>

      <Card
        title={unread > 0 ? `Your messages · ${countOf(unread, 'unread')}` : 'Your messages'}
        actions={
          unread > 0 && newest ? (
            <Form method="post">
              <input type="hidden" name="intent" value="mark-read" />
              <input type="hidden" name="upTo" value={newest} />
              <SubmitButton variant="secondary" pending={busyIntent === 'mark-read'} pendingText="Marking…">
                Mark all read
              </SubmitButton>
            </Form>
          ) : null
        }
      >
        {messages.length === 0 ? (
          <EmptyState title={older ? 'No older messages' : 'No messages yet'}>
            {older ? (
              <Link to="/messages" className="underline">
                Back to the newest
              </Link>
            ) : (
              'Messages between you and your coach (or your clients) appear here, newest first.'
            )}
          </EmptyState>
        ) : (
          <ol className="flex flex-col gap-3">
            {messages.map((message) => (
              <li
                key={message.id}
                className={`rounded-md border p-3 ${message.mine ? 'border-slate-200 bg-white' : message.readAt ? 'border-slate-200 bg-slate-50' : 'border-brand-600 bg-brand-50'}`}
              >
                <p className="text-sm text-slate-600">
                  {message.mine ? `You to ${message.recipientName}` : `${message.senderName} to you`} · {message.programName} ·{' '}
                  <time dateTime={message.createdAt}>{formatDate(message.createdAt, { timeZone, time: true })}</time>
                  {!message.mine && !message.readAt ? <strong className="ml-2 text-brand-800">New</strong> : null}
                </p>
                <p className="mt-1 whitespace-pre-wrap text-slate-900">{message.body}</p>
                {!message.mine ? (
                  <Link to={`/messages?to=${message.senderId}:${message.programId}`} className="mt-1 inline-block text-sm text-brand-700 underline">
                    Reply
                  </Link>
                ) : null}
              </li>
            ))}
          </ol>
        )}
        {next ? (
          <p className="mt-4 text-sm">
            <Link to={`/messages?before=${encodeURIComponent(next)}`} className="font-semibold text-brand-700 underline">
              Older messages
            </Link>
          </p>
        ) : null}
      </Card>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Messages · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
