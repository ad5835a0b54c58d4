import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useState } from 'react'
import { z } from 'zod'
import { describeAiMode } from '#lib/ai/model'
import { cancelSession, getActiveSession, listProgramPartners, startSession } from '#lib/coaching/sessions'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, FormError, Notice, SelectField, SubmitButton, TextField } from '~/components/form'
import { Card, PageHeader } from '~/components/layout'
import { requireUserId } from '~/utils/auth.server'
import { appErrorToFormFailure, formFailure, parseForm, readForm } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const [clients, active] = await Promise.all([listProgramPartners(context.db, { userId, partnerRole: 'client' }), getActiveSession(context.db, { userId })])
  return { clients, active, ai: describeAiMode(context.ai) }
}

const startForm = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('start'),
    sessionType: z.enum(['self_coaching', 'coach_led'], { error: 'Choose who leads the session.' }),
    title: z.string().max(200, 'Keep the name under 200 characters.').default(''),
    client: z.string().default(''),
  }),
  z.object({ intent: z.literal('cancel-active'), sessionId: z.uuid() }),
])

export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const formData = await readForm(request)
  const parsed = parseForm(formData, startForm)
  if (!parsed.success) return parsed.response
  const input = parsed.data
  try {
    if (input.intent === 'cancel-active') {
      await cancelSession(context.db, { userId, sessionId: input.sessionId })
      return { ok: true as const, message: 'The earlier session was cancelled. You can start a new one now.' }
    }
    let result
    if (input.sessionType === 'coach_led') {
      const [clientId, programId] = input.client.split(':')
      if (!clientId || !programId) {
        return formFailure(formData, { formError: 'Choose the client you are coaching.', fieldErrors: { client: ['Choose a client.'] } })
      }
      result = await startSession(context.db, { userId, sessionType: 'coach_led', clientId, programId, title: input.title })
    } else {
      result = await startSession(context.db, { userId, sessionType: 'self_coaching', title: input.title })
    }
    if (result.started) return redirect(`/sessions/${result.sessionId}`)
    return formFailure(formData, {
      formError: `You already have a session in progress: “${result.activeSession.title}”. Resume it, or cancel it to start a new one.`,
      status: 409,
    })
  } catch (error) {
    return appErrorToFormFailure(formData, error)
  }
}

export default function NewSession() {
  const { clients, active, ai } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const [sessionType, setSessionType] = useState<'self_coaching' | 'coach_led'>('self_coaching')
  const failure = result && !result.ok ? result : null
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
        <Form method="post" className="flex flex-col gap-4" noValidate>
          <input type="hidden" name="intent" value="start" />
          <FormError>{failure?.formError}</FormError>
          {clients.length > 0 ? (
            <SelectField
              label="Who leads it"
              name="sessionType"
              value={sessionType}
              onChange={(event) => setSessionType(event.target.value === 'coach_led' ? 'coach_led' : 'self_coaching')}
            >
              <option value="self_coaching">Me, coaching myself with the AI coach</option>
              <option value="coach_led">Me, coaching a client</option>
            </SelectField>
          ) : (
            <input type="hidden" name="sessionType" value="self_coaching" />
          )}
          {sessionType === 'coach_led' ? (
            <SelectField label="Client" name="client" errors={failure?.fieldErrors.client} defaultValue="">
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
            name="title"
            maxLength={200}
            hint="Leave it blank for “Self-coaching — today’s date”."
            defaultValue={failure?.values.title}
            errors={failure?.fieldErrors.title}
          />
          {!ai.on ? <p className="text-sm text-slate-600">{ai.label}</p> : null}
          <div>
            <SubmitButton pending={busy && navigation.formData?.get('intent') === 'start'} pendingText="Starting…">
              Start session
            </SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Start a session · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
