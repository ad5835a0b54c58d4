import { getFormProps, getInputProps, getSelectProps } from '@conform-to/react'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useState } from 'react'
import { listAccountActivity } from '#lib/account/activity'
import { activityLabel } from '#lib/account/activity.shared'
import { clearRememberedMemory, memoryOverview } from '#lib/coaching/memory'
import { formatDate } from '#lib/dates.shared'
import { AppError } from '#lib/errors'
import { hasCalendarFeed } from '#lib/plans/calendar'
import { countryChoices, getProfile, setMemoryPaused, timeZoneChoices, updateProfile } from '#lib/profiles'
import { digestHour } from '#lib/reminders/digest.shared'
import { getDigestSetting, setDigestSetting } from '#lib/reminders/email-digest'
import { passwordForm, profileForm, settingsForm } from '#lib/settings-forms.shared'
import { countOf } from '#lib/words.shared'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, Notice, SelectField, SubmitButton, TextField } from '~/components/form'
import { Card, PageHeader } from '~/components/layout'
import { CalendarCard } from '~/components/plan/calendar-card'
import { cookieHeaders, requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { invariantResponse } from '~/utils/http'

const countries = countryChoices()
const timeZones = timeZoneChoices()

/** The person's own settings: who they are, how they sign in, what the coach remembers, their calendar. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const authRequest = { cookieHeader: request.headers.get('Cookie'), ipAddress: context.ipAddress }
  const before = new URL(request.url).searchParams.get('before')
  const [profile, account, memory, calendarOn, activity, digest] = await Promise.all([
    getProfile(context.db, { userId }),
    context.auth.accountDetails(userId, authRequest),
    memoryOverview(context.db, { userId }),
    hasCalendarFeed(context.db, { userId }),
    listAccountActivity(context.db, { userId, before, limit: 20 }),
    getDigestSetting(context.db, { userId }),
  ])
  invariantResponse(profile, 'Your profile could not be found. Sign out and in again.', { status: 404 })
  // The digest is offered only when this server can send email.
  const digestOffered = Boolean(context.env.SMTP_URL)
  return { profile, account, memory, calendarOn, activity, olderActivity: Boolean(before), countries, timeZones, authKind: context.auth.kind, digest: { ...digest, offered: digestOffered } }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, settingsForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const input = submission.value
  const authRequest = { cookieHeader: request.headers.get('Cookie'), ipAddress: context.ipAddress }
  const done = (message: string, setCookies: string[] = []) =>
    data({ ok: true as const, intent: input.intent, message, result: submission.reply({ resetForm: input.intent === 'password' }) }, { headers: cookieHeaders(setCookies) })
  try {
    switch (input.intent) {
      case 'profile':
        await updateProfile(context.db, { userId, displayName: input.displayName, timezone: input.timezone, country: input.country })
        return done('Saved. Dates everywhere now use your time zone.')
      case 'password': {
        const { setCookies } = await context.auth.changePassword({ userId, currentPassword: input.currentPassword, newPassword: input.newPassword }, authRequest)
        return done('Password changed. Every other device was signed out; this one stays signed in.', setCookies)
      }
      case 'sign-out-others': {
        const { setCookies } = await context.auth.signOutOthers(userId, authRequest)
        return done('Every other device was signed out. This one stays signed in.', setCookies)
      }
      case 'memory-pause':
        await setMemoryPaused(context.db, { userId, paused: true })
        return done('Memory paused: new sessions start without what earlier ones said.')
      case 'memory-resume':
        await setMemoryPaused(context.db, { userId, paused: false })
        return done('Memory is on again: a new session starts with your open plans and your last summary.')
      case 'memory-clear': {
        const { cleared, keptByCoach } = await clearRememberedMemory(context.db, { userId })
        return done(
          `Cleared what was remembered in ${countOf(cleared, 'session')}.` +
            (keptByCoach > 0 ? ` ${countOf(keptByCoach, 'session')} your coach leads keep theirs: ask your coach to clear it.` : ''),
        )
      }
      case 'digest-on':
        if (!context.env.SMTP_URL) throw new AppError('conflict', 'This server cannot send email (no SMTP server is set up), so there is no digest to turn on.')
        await setDigestSetting(context.db, { userId, weekly: true })
        return done(`The weekly digest is on: every Monday from ${digestHour}:00 in your time zone, when something is due.`)
      case 'digest-off':
        await setDigestSetting(context.db, { userId, weekly: false })
        return done('The weekly digest is off. No more digests will be sent.')
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Settings() {
  const { profile, account, memory, calendarOn, activity, olderActivity, countries, timeZones, authKind, digest } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const busyIntent = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const failure = actionData && !actionData.ok ? actionData.result : null
  const failedIntent = failure?.initialValue?.intent
  const doneIn = (intent: string) => (actionData?.ok && actionData.intent === intent ? actionData.message : null)

  const [form, fields] = useSchemaForm({
    id: 'profile',
    schema: profileForm,
    lastResult: failedIntent === 'profile' ? failure : null,
    defaultValue: { intent: 'profile', displayName: profile.displayName, timezone: profile.timezone, country: profile.country ?? '' },
  })
  const [passwordFormMeta, passwordFields] = useSchemaForm({
    id: 'password',
    schema: passwordForm,
    lastResult: failedIntent === 'password' ? failure : actionData?.ok && actionData.intent === 'password' ? actionData.result : null,
    defaultValue: { intent: 'password' },
  })
  // The device's own zone, read after hydration (the server cannot know it).
  const [deviceZone, setDeviceZone] = useState<string | null>(null)
  useEffect(() => setDeviceZone(Intl.DateTimeFormat().resolvedOptions().timeZone), [])
  const oneButtonFailure = failedIntent && failedIntent !== 'profile' && failedIntent !== 'password' ? failure?.error?.['']?.join(' ') : null

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Settings" />
      <FormError>{oneButtonFailure}</FormError>

      <Card title="About you">
        <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4 sm:max-w-md">
          {doneIn('profile') ? <Notice>{doneIn('profile')}</Notice> : null}
          <FormError>{form.errors?.join(' ')}</FormError>
          <input type="hidden" name="intent" value="profile" />
          <TextField label="Your name" {...getInputProps(fields.displayName, { type: 'text' })} autoComplete="name" maxLength={100} errors={fields.displayName.errors} />
          <SelectField
            label="Time zone"
            hint={
              <>
                Used for every date you see and every “by Friday” you say.
                {deviceZone && deviceZone !== (fields.timezone.value ?? profile.timezone) ? ` This device is set to ${deviceZone}.` : null}
              </>
            }
            {...getSelectProps(fields.timezone)}
            errors={fields.timezone.errors}
          >
            {timeZones.map((zone) => (
              <option key={zone} value={zone}>
                {zone.replaceAll('_', ' ')}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Country"
            hint="Chooses the support lines shown if a session pauses for your safety. Without one, an international list is shown."
            {...getSelectProps(fields.country)}
            errors={fields.country.errors}
          >
            <option value="">Not saying (international list)</option>
            {countries.map((country) => (
              <option key={country.code} value={country.code}>
                {country.name}
              </option>
            ))}
          </SelectField>
          <div>
            <SubmitButton pending={busyIntent === 'profile'} pendingText="Saving…">
              Save
            </SubmitButton>
          </div>
        </Form>
      </Card>

      <Card title="Signing in">
        <dl className="mb-4 text-sm">
          <dt className="font-medium text-slate-800">Email</dt>
          <dd className="text-slate-700">{account.email ?? 'Not known'}</dd>
        </dl>
        <Form method="post" {...getFormProps(passwordFormMeta)} className="flex flex-col gap-4 sm:max-w-md">
          <h3 className="font-semibold text-slate-900">Change your password</h3>
          {doneIn('password') ? <Notice>{doneIn('password')}</Notice> : null}
          <FormError>{passwordFormMeta.errors?.join(' ')}</FormError>
          <input type="hidden" name="intent" value="password" />
          <TextField
            label="Current password"
            {...getInputProps(passwordFields.currentPassword, { type: 'password' })}
            autoComplete="current-password"
            errors={passwordFields.currentPassword.errors}
          />
          <TextField
            label="New password"
            hint="At least 12 characters, with an upper-case letter, a lower-case letter and a digit. Every other device is signed out."
            {...getInputProps(passwordFields.newPassword, { type: 'password' })}
            autoComplete="new-password"
            errors={passwordFields.newPassword.errors}
          />
          <div>
            <SubmitButton pending={busyIntent === 'password'} pendingText="Changing…">
              Change password
            </SubmitButton>
          </div>
        </Form>

        <div className="mt-6 flex flex-col gap-3">
          <h3 className="font-semibold text-slate-900">Where you are signed in</h3>
          {doneIn('sign-out-others') ? <Notice>{doneIn('sign-out-others')}</Notice> : null}
          {account.sessions ? (
            <ul className="divide-y divide-slate-100 text-sm">
              {account.sessions.map((session) => (
                <li key={session.id} className="flex flex-wrap justify-between gap-2 py-2">
                  <span>
                    Signed in {formatDate(session.startedAt, { timeZone: profile.timezone, time: true })}
                    {session.current ? <strong className="ml-2 text-brand-700">This device</strong> : null}
                  </span>
                  <span className="text-slate-600">until {formatDate(session.expiresAt, { timeZone: profile.timezone })}</span>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-sm text-slate-600">
              {authKind === 'supabase' ? 'Your sign-ins are kept by Supabase, which does not list them here.' : 'No sign-ins to show.'}
            </p>
          )}
          <Form method="post">
            <SubmitButton variant="secondary" name="intent" value="sign-out-others" pending={busyIntent === 'sign-out-others'} pendingText="Signing out…">
              Sign out everywhere else
            </SubmitButton>
          </Form>
        </div>
      </Card>

      <Card title="What the coach remembers">
        <div className="flex flex-col gap-3 text-sm">
          {doneIn('memory-pause') || doneIn('memory-resume') || doneIn('memory-clear') ? (
            <Notice>{doneIn('memory-pause') ?? doneIn('memory-resume') ?? doneIn('memory-clear')}</Notice>
          ) : null}
          {profile.memoryPaused ? (
            <p>
              <strong>Memory is paused.</strong> New sessions start with nothing remembered from earlier ones.
            </p>
          ) : memory.next.length === 0 ? (
            <p>A session started now would begin with nothing remembered: you have no open plans and no finished session with a summary.</p>
          ) : (
            <>
              <p>A session started now would begin with this (you can still edit or remove each item before the coach sees it):</p>
              <ul className="list-disc pl-5">
                {memory.next.map((item) => (
                  <li key={item.id}>{item.text}</li>
                ))}
              </ul>
            </>
          )}
          {memory.sessions.length > 0 ? (
            <>
              <p>Sessions that hold a memory{memory.more ? ' (the newest 20)' : ''}:</p>
              <ul className="list-disc pl-5">
                {memory.sessions.map((session) => (
                  <li key={session.sessionId}>
                    <Link to={`/sessions/${session.sessionId}`} className="text-brand-700 underline">
                      {session.title}
                    </Link>{' '}
                    — {countOf(session.items, 'item')}
                    {session.ledByCoach ? ' (led by your coach, who can clear it)' : ''}
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p>No session holds a memory.</p>
          )}
          <Form method="post" className="flex flex-wrap gap-2">
            {profile.memoryPaused ? (
              <SubmitButton variant="secondary" name="intent" value="memory-resume" pending={busyIntent === 'memory-resume'} pendingText="Working…">
                Turn memory back on
              </SubmitButton>
            ) : (
              <SubmitButton variant="secondary" name="intent" value="memory-pause" pending={busyIntent === 'memory-pause'} pendingText="Working…">
                Pause memory
              </SubmitButton>
            )}
            <SubmitButton
              variant="danger"
              name="intent"
              value="memory-clear"
              pending={busyIntent === 'memory-clear'}
              pendingText="Clearing…"
              disabled={memory.sessions.every((session) => session.ledByCoach)}
            >
              Clear what is remembered
            </SubmitButton>
          </Form>
        </div>
      </Card>

      <CalendarCard feedOn={calendarOn} />

      <Card title="Weekly email digest">
        <div className="flex flex-col gap-3 text-sm">
          {doneIn('digest-on') || doneIn('digest-off') ? <Notice>{doneIn('digest-on') ?? doneIn('digest-off')}</Notice> : null}
          {digest.offered ? (
            <>
              <p>
                One email on Monday morning ({digestHour}:00 in your time zone) with your week: your coach’s plan, sessions and
                action plans due or overdue, and last week’s review once it is yours to read. Nothing is sent in a week with
                nothing due. Every email has a link to stop them, no sign-in needed.
              </p>
              <p>
                {digest.weekly ? <strong>The digest is on</strong> : <strong>The digest is off</strong>}
                {account.email ? ` — sent to ${account.email}.` : '.'}
              </p>
              <Form method="post">
                {digest.weekly ? (
                  <SubmitButton variant="secondary" name="intent" value="digest-off" pending={busyIntent === 'digest-off'} pendingText="Working…">
                    Turn the digest off
                  </SubmitButton>
                ) : (
                  <SubmitButton variant="secondary" name="intent" value="digest-on" pending={busyIntent === 'digest-on'} pendingText="Working…">
                    Send me the weekly digest
                  </SubmitButton>
                )}
              </Form>
            </>
          ) : (
            <p>
              This server cannot send email (no SMTP server is set up), so there is no email digest. The calendar feed above carries
              your due sessions, weekly plans and action plans instead.
            </p>
          )}
        </div>
      </Card>

      <Card title="Your data">
        <div className="flex flex-col gap-4 text-sm">
          <p>
            Download everything you own or wrote here — your profile, sessions with every stage, summaries, plans, milestones,
            measures, weekly plans and reviews, messages and the activity below — as a ZIP of JSON files with a page you can read in a browser.
          </p>
          <Form method="post" action="/settings/export" reloadDocument>
            <SubmitButton variant="secondary">Download my data</SubmitButton>
          </Form>
          <p>
            <Link to="/settings/delete" className="font-semibold text-red-700 underline">
              Delete my account
            </Link>{' '}
            — you confirm with your password first; your sessions, plans and measures are removed for good.
          </p>
        </div>
      </Card>

      <Card title="Account activity">
        {activity.entries.length === 0 ? (
          <p className="text-sm text-slate-600">Nothing recorded yet.</p>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm">
            {activity.entries.map((entry) => (
              <li key={entry.id} className="flex flex-wrap justify-between gap-2 py-2">
                <span>
                  {activityLabel(entry.action)}
                  {entry.byMe ? '' : entry.actorName ? ` (by ${entry.actorName})` : ''}
                </span>
                <span className="text-slate-600">
                  {formatDate(entry.createdAt, { timeZone: profile.timezone, time: true })}
                  {entry.ipAddress ? ` · ${entry.ipAddress}` : ''}
                </span>
              </li>
            ))}
          </ul>
        )}
        <div className="mt-3 flex gap-4 text-sm">
          {olderActivity ? (
            <Link to="/settings" className="text-brand-700 underline">
              Newest
            </Link>
          ) : null}
          {activity.olderCursor ? (
            <Link to={`/settings?${new URLSearchParams({ before: activity.olderCursor })}`} className="text-brand-700 underline">
              Older activity
            </Link>
          ) : null}
        </div>
      </Card>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Settings · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
