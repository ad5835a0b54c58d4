import { getFormProps, getInputProps, getSelectProps } from '@conform-to/react'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { describeAiMode } from '#lib/ai/model'
import { startSessionForm } from '#lib/coaching/session-forms.shared'
import { cancelSession, getActiveSession, listProgramPartners, startSession } from '#lib/coaching/sessions'
import { startFromTemplate } from '#lib/library/assigning'
import { listPublicTemplates } from '#lib/library/templates'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, FormError, Notice, SelectField, SubmitButton, TextField } from '~/components/form'
import { Card, PageHeader } from '~/components/layout'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const [clients, active, templates] = await Promise.all([
    listProgramPartners(context.db, { userId, partnerRole: 'client' }),
    getActiveSession(context.db, { userId }),
    listPublicTemplates(context.db, { userId }),
  ])
  return { clients, active, templates, ai: describeAiMode(context.ai) }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, startSessionForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const input = submission.value
  try {
    if (input.intent === 'cancel-active') {
      await cancelSession(context.db, { userId, sessionId: input.sessionId })
      return { ok: true as const, message: 'The earlier session was cancelled. You can start a new one now.' }
    }
    if (input.intent === 'from-template') {
      const sessionId = await startFromTemplate(context.db, { userId, templateId: input.templateId })
      return redirect(`/sessions/${sessionId}`)
    }
    let result
    if (input.sessionType === 'coach_led') {
      const [clientId, programId] = input.client.split(':')
      if (!clientId || !programId) {
        return data(
          { ok: false as const, result: submission.reply({ formErrors: ['Choose the client you are coaching.'], fieldErrors: { client: ['Choose a client.'] } }) },
          { status: 400 },
        )
      }
      result = await startSession(context.db, { userId, sessionType: 'coach_led', clientId, programId, title: input.title })
    } else {
      result = await startSession(context.db, { userId, sessionType: 'self_coaching', title: input.title })
    }
    if (result.started) return redirect(`/sessions/${result.sessionId}`)
    return data(
      {
        ok: false as const,
        result: submission.reply({
          formErrors: [`You already have a session in progress: “${result.activeSession.title}”. Resume it, or cancel it to start a new one.`],
        }),
      },
      { status: 409 },
    )
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function NewSession() {
  const { clients, active, templates, ai } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const failure = result && !result.ok ? result.result : null
  // The start form keeps what was typed, the choice of client included; a failed cancel shows its error above it.
  const startFailed = failure?.initialValue?.intent === 'start'
  const [form, fields] = useSchemaForm({
    id: 'start-session',
    schema: startSessionForm,
    lastResult: startFailed ? failure : null,
    defaultValue: { intent: 'start', sessionType: 'self_coaching', title: '', client: '' },
    checkInBrowser: false,
  })
  const [sessionType, setSessionType] = useState<'self_coaching' | 'coach_led'>(
    startFailed && failure?.initialValue?.sessionType === 'coach_led' ? 'coach_led' : 'self_coaching',
  )
  const busy = navigation.state !== 'idle'
  return (
    <div className="mx-auto flex max-w-2xl flex-col gap-6">
      <PageHeader title="Start a session" />
      {result?.ok ? <Notice>{result.message}</Notice> : null}
      {active ? (
        <Card title="You have a session in progress">
          <p className="mb-3 text-slate-700">“{active.title}” is not finished. You can have one session in progress at a time.</p>
          <div className="flex flex-wrap gap-3">
            <Link to={`/sessions/${active.id}`} className={buttonClass('primary')}>
              Resume it
            </Link>
            <Form
              method="post"
              onSubmit={(event) => {
                if (!confirm(`Cancel “${active.title}”? What was said is kept, but it cannot be continued.`)) event.preventDefault()
              }}
            >
              <input type="hidden" name="intent" value="cancel-active" />
              <input type="hidden" name="sessionId" value={active.id} />
              <SubmitButton variant="danger" pending={busy && navigation.formData?.get('intent') === 'cancel-active'} pendingText="Cancelling…">
                Cancel it
              </SubmitButton>
            </Form>
          </div>
        </Card>
      ) : null}
      <Card title="A new session">
        <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4">
          <input type="hidden" name="intent" value="start" />
          <FormError>{startFailed ? form.errors?.join(' ') : failure?.error?.['']?.join(' ')}</FormError>
          {clients.length > 0 ? (
            <SelectField
              label="Who leads it"
              {...getSelectProps(fields.sessionType)}
              defaultValue={undefined}
              value={sessionType}
              errors={fields.sessionType.errors}
              onChange={(event) => setSessionType(event.target.value === 'coach_led' ? 'coach_led' : 'self_coaching')}
            >
              <option value="self_coaching">Me, coaching myself with the AI coach</option>
              <option value="coach_led">Me, coaching a client</option>
            </SelectField>
          ) : (
            <input type="hidden" name="sessionType" value="self_coaching" />
          )}
          {sessionType === 'coach_led' ? (
            <SelectField label="Client" {...getSelectProps(fields.client)} errors={fields.client.errors}>
              <option value="" disabled>
                Choose a client
              </option>
              {clients.map((c) => (
                <option key={`${c.userId}:${c.programId}`} value={`${c.userId}:${c.programId}`}>
                  {c.name} ({c.programName})
                </option>
              ))}
            </SelectField>
          ) : null}
          <TextField
            label="Name (optional)"
            {...getInputProps(fields.title, { type: 'text' })}
            maxLength={200}
            hint="Leave it blank for “Self-coaching — today’s date”."
            errors={fields.title.errors}
          />
          {!ai.on ? <p className="text-sm text-slate-600">{ai.label}</p> : null}
          <div>
            <SubmitButton pending={busy && navigation.formData?.get('intent') === 'start'} pendingText="Starting…">
              Start session
            </SubmitButton>
          </div>
        </Form>
      </Card>
      {templates.length > 0 ? (
        <Card title="From your program’s library">
          <p className="mb-3 text-sm text-slate-600">Sessions your coach has made available to start yourself.</p>
          <ul className="divide-y divide-slate-100">
            {templates.map((template) => (
              <li key={template.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <div>
                  <p className="font-medium text-slate-900">{template.title}</p>
                  <p className="text-sm text-slate-600">
                    {template.programName}
                    {template.description ? ` · ${template.description}` : ''}
                  </p>
                </div>
                <Form method="post">
                  <input type="hidden" name="intent" value="from-template" />
                  <input type="hidden" name="templateId" value={template.id} />
                  <SubmitButton
                    variant="secondary"
                    pending={busy && navigation.formData?.get('templateId') === template.id}
                    pendingText="Starting…"
                    aria-label={`Start “${template.title}”`}
                  >
                    Start
                  </SubmitButton>
                </Form>
              </li>
            ))}
          </ul>
        </Card>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Start a session · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
