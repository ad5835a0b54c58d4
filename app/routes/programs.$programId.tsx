import { getFormProps, getInputProps, getSelectProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from '@remix-run/react'
import { formatDate } from '#lib/dates.shared'
import { getProfile } from '#lib/profiles'
import { programPageForm } from '#lib/programs/program-forms.shared'
import { addSessionType, createInvite, getProgram, leaveProgram, removeClient, removeSessionType, setDailySessionCap, setInactivityDays, trainingSettings, withdrawInvite } from '#lib/programs/programs'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, Notice, SelectField, SubmitButton, TextField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { orNotFound, requireIdParam } from '~/utils/http'

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const [program, profile, training] = await Promise.all([
    orNotFound(getProgram(context.db, { userId, programId })),
    getProfile(context.db, { userId }),
    trainingSettings(context.db, { userId, programId }),
  ])
  // Dates in the person's own time zone, the same on the server and in the browser.
  return { program, userId, training, timezone: profile?.timezone ?? 'UTC' }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const submission = await readSubmission(request, programPageForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const input = submission.value
  try {
    switch (input.intent) {
      case 'invite': {
        const { token, expiresAt } = await createInvite(context.db, { userId, programId, ...input })
        const inviteUrl = new URL(`/invites/${token}`, request.url).toString()
        return { ok: true as const, kind: 'invite-created' as const, inviteUrl, expiresAt: expiresAt.toISOString(), role: input.role }
      }
      case 'withdraw-invite':
        await withdrawInvite(context.db, { userId, inviteId: input.inviteId })
        return { ok: true as const, kind: 'message' as const, message: 'Invite withdrawn: the link no longer works.' }
      case 'remove-client':
        await removeClient(context.db, { userId, programId, clientId: input.clientId })
        return { ok: true as const, kind: 'message' as const, message: 'Client removed. You no longer see their sessions or plans.' }
      case 'leave':
        await leaveProgram(context.db, { userId, programId })
        return redirect('/programs')
      case 'inactivity-days':
        await setInactivityDays(context.db, { userId, programId, days: input.inactivityDays })
        return { ok: true as const, kind: 'message' as const, message: `A client with no activity for ${input.inactivityDays} days is now listed as needing your attention.` }
      case 'daily-cap':
        await setDailySessionCap(context.db, { userId, programId, cap: input.dailySessionCap })
        return { ok: true as const, kind: 'message' as const, message: `Clients can now start up to ${input.dailySessionCap} training sessions a day.` }
      case 'add-session-type':
        await addSessionType(context.db, { userId, programId, label: input.label })
        return { ok: true as const, kind: 'message' as const, message: `“${input.label}” is now an activity your clients can choose.` }
      case 'remove-session-type':
        await removeSessionType(context.db, { userId, typeId: input.typeId })
        return { ok: true as const, kind: 'message' as const, message: 'Activity removed. Sessions that used it keep it.' }
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Program() {
  const { program, userId, training, timezone } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const [searchParams] = useSearchParams()
  const busyIntent = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const failure = result && !result.ok ? result.result : null
  // The invite form keeps what was typed; the one-button forms' errors show above the page.
  const inviteFailed = failure?.initialValue?.intent === 'invite'
  const [inviteForm, inviteFields] = useSchemaForm({
    id: 'invite',
    schema: programPageForm,
    lastResult: inviteFailed ? failure : null,
    defaultValue: { intent: 'invite', role: 'client', expiresInDays: '7' },
    checkInBrowser: false,
  })
  const isCoach = program.myRole === 'coach'
  const coaches = program.members.filter((member) => member.role === 'coach')
  const clients = program.members.filter((member) => member.role === 'client')
  const openInvites = program.invites.filter((invite) => !invite.acceptedAt && new Date(invite.expiresAt) > new Date())

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={program.name}>
        <span className="rounded-full bg-brand-50 px-3 py-1 text-sm font-medium text-brand-800">
          {isCoach ? 'You coach here' : 'You are a client here'}
        </span>
        {isCoach ? (
          <Link to={`/programs/${program.id}/library`} className="rounded-full bg-slate-100 px-3 py-1 text-sm font-medium text-brand-700 underline">
            Library
          </Link>
        ) : null}
      </PageHeader>

      {searchParams.get('joined') ? <Notice>Welcome! You joined {program.name}.</Notice> : null}
      {result?.ok && result.kind === 'message' ? <Notice>{result.message}</Notice> : null}
      <FormError>{failure && !inviteFailed ? failure.error?.['']?.join(' ') : null}</FormError>

      {isCoach ? (
        <Card title={`Clients (${clients.length})`}>
          {clients.length === 0 ? (
            <EmptyState title="No clients yet">Create an invite link below and send it to your client.</EmptyState>
          ) : (
            <ul className="divide-y divide-slate-100">
              {clients.map((client) => (
                <li key={client.userId} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span>
                    <Link to={`/programs/${program.id}/clients/${client.userId}`} className="font-medium text-brand-700 underline">
                      {client.displayName}
                    </Link>
                    <span className="text-sm text-slate-600"> · joined {formatDate(client.joinedAt, { timeZone: timezone })}</span>
                  </span>
                  <Form method="post">
                    <input type="hidden" name="intent" value="remove-client" />
                    <input type="hidden" name="clientId" value={client.userId} />
                    <button
                      type="submit"
                      className="text-sm font-medium text-red-700 underline"
                      aria-label={`Remove ${client.displayName} from ${program.name}`}
                    >
                      Remove
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
        </Card>
      ) : null}

      {training ? (
        <Card title="Training settings">
          <div className="flex flex-col gap-4 text-sm">
            <Form method="post" className="flex flex-wrap items-end gap-3">
              <input type="hidden" name="intent" value="daily-cap" />
              <div className="w-48">
                <TextField
                  label="Training sessions a client may start a day"
                  name="dailySessionCap"
                  type="number"
                  min={1}
                  max={20}
                  defaultValue={training.dailySessionCap}
                  errors={failure?.initialValue?.intent === 'daily-cap' ? (failure.error?.dailySessionCap ?? undefined) : undefined}
                />
              </div>
              <SubmitButton variant="secondary" pending={busyIntent === 'daily-cap'} pendingText="Saving…">
                Save
              </SubmitButton>
            </Form>
            <Form method="post" className="flex flex-wrap items-end gap-3">
              <input type="hidden" name="intent" value="inactivity-days" />
              <div className="w-48">
                <TextField
                  label="Days without activity before a client needs attention"
                  name="inactivityDays"
                  type="number"
                  min={2}
                  max={60}
                  defaultValue={training.inactivityDays}
                  errors={failure?.initialValue?.intent === 'inactivity-days' ? (failure.error?.inactivityDays ?? undefined) : undefined}
                />
              </div>
              <SubmitButton variant="secondary" pending={busyIntent === 'inactivity-days'} pendingText="Saving…">
                Save
              </SubmitButton>
            </Form>
            <div>
              <p className="mb-2 font-medium text-slate-800">Your program’s own activities</p>
              {training.sessionTypes.length === 0 ? (
                <p className="text-slate-600">None yet: clients choose from the usual ones (fun, power, endurance, a competition…).</p>
              ) : (
                <ul className="mb-2 flex flex-wrap gap-2">
                  {training.sessionTypes.map((type) => (
                    <li key={type.id} className="flex items-center gap-2 rounded-full bg-slate-100 px-3 py-1">
                      {type.label}
                      <Form method="post">
                        <input type="hidden" name="intent" value="remove-session-type" />
                        <input type="hidden" name="typeId" value={type.id} />
                        <button type="submit" className="text-red-700 underline" aria-label={`Remove the activity ${type.label}`}>
                          Remove
                        </button>
                      </Form>
                    </li>
                  ))}
                </ul>
              )}
              <Form method="post" className="flex flex-wrap items-end gap-3">
                <input type="hidden" name="intent" value="add-session-type" />
                <div className="w-64">
                  <TextField
                    label="New activity"
                    name="label"
                    maxLength={60}
                    placeholder="Hangboard"
                    errors={failure?.initialValue?.intent === 'add-session-type' ? (failure.error?.label ?? undefined) : undefined}
                  />
                </div>
                <SubmitButton variant="secondary" pending={busyIntent === 'add-session-type'} pendingText="Adding…">
                  Add activity
                </SubmitButton>
              </Form>
            </div>
          </div>
        </Card>
      ) : null}

      <Card title="Coaches">
        <ul className="divide-y divide-slate-100">
          {coaches.map((coach) => (
            <li key={coach.userId} className="py-2">
              <span className="font-medium">{coach.displayName}</span>
              {coach.userId === userId ? <span className="text-sm text-slate-600"> (you)</span> : null}
            </li>
          ))}
        </ul>
      </Card>

      {isCoach ? (
        <Card title="Invite someone">
          {result?.ok && result.kind === 'invite-created' ? (
            <div className="mb-4 flex flex-col gap-2 rounded-md border border-brand-100 bg-brand-50 p-3" role="status">
              <p className="text-sm font-medium text-brand-800">
                Invite link for a {result.role}, valid until {formatDate(result.expiresAt, { timeZone: timezone })}. It works once; copy it now,
                it is not shown again.
              </p>
              <TextField label="Invite link" name="inviteUrl" readOnly value={result.inviteUrl} onFocus={(event) => event.currentTarget.select()} />
            </div>
          ) : null}
          <Form method="post" {...getFormProps(inviteForm)} className="grid gap-4 sm:grid-cols-3 sm:items-end">
            <input type="hidden" name="intent" value="invite" />
            {inviteForm.errors?.length ? (
              <div className="sm:col-span-3">
                <FormError>{inviteForm.errors.join(' ')}</FormError>
              </div>
            ) : null}
            <SelectField label="Invite as" {...getSelectProps(inviteFields.role)} errors={inviteFields.role.errors}>
              <option value="client">Client</option>
              <option value="coach">Co-coach</option>
            </SelectField>
            <SelectField label="Link valid for" {...getSelectProps(inviteFields.expiresInDays)} errors={inviteFields.expiresInDays.errors}>
              <option value="1">1 day</option>
              <option value="7">7 days</option>
              <option value="30">30 days</option>
            </SelectField>
            <TextField
              label="Note for yourself (optional)"
              {...getInputProps(inviteFields.note, { type: 'text' })}
              maxLength={200}
              placeholder="e.g. Diego"
              errors={inviteFields.note.errors}
            />
            <div className="sm:col-span-3">
              <SubmitButton pending={busyIntent === 'invite'} pendingText="Creating link…">
                Create invite link
              </SubmitButton>
            </div>
          </Form>
          {openInvites.length > 0 ? (
            <div className="mt-6">
              <h3 className="mb-2 font-semibold">Open invites</h3>
              <ul className="divide-y divide-slate-100">
                {openInvites.map((invite) => (
                  <li key={invite.id} className="flex flex-wrap items-center justify-between gap-2 py-2 text-sm">
                    <span>
                      {invite.role === 'coach' ? 'Co-coach' : 'Client'}
                      {invite.note ? ` · ${invite.note}` : ''} · expires {formatDate(invite.expiresAt, { timeZone: timezone })}
                    </span>
                    <Form method="post">
                      <input type="hidden" name="intent" value="withdraw-invite" />
                      <input type="hidden" name="inviteId" value={invite.id} />
                      <button type="submit" className="font-medium text-red-700 underline">
                        Withdraw
                      </button>
                    </Form>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </Card>
      ) : null}

      <Card title="Leave this program">
        <p className="mb-3 text-sm text-slate-600">
          {isCoach
            ? 'You will stop seeing this program’s clients, their shared sessions and plans, straight away.'
            : 'Your coaches here will stop seeing your sessions and plans straight away. Your own data stays yours.'}
        </p>
        <Form
          method="post"
          onSubmit={(event) => {
            if (!confirm(`Leave ${program.name}?`)) event.preventDefault()
          }}
        >
          <input type="hidden" name="intent" value="leave" />
          <SubmitButton variant="danger" pending={busyIntent === 'leave'} pendingText="Leaving…">
            Leave program
          </SubmitButton>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.program.name} · Stagecoach` : 'Program · Stagecoach' },
]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
