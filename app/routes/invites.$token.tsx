import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { acceptInviteForm } from '#lib/programs/program-forms.shared'
import { acceptInvite, describeInvite } from '#lib/programs/programs'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, FormError, SubmitButton } from '~/components/form'
import { Card } from '~/components/layout'
import { requireUserId } from '~/utils/auth.server'
import { readSubmission, submissionFailure } from '~/utils/forms.server'

export async function loader({ params, context }: LoaderFunctionArgs) {
  const token = params.token ?? ''
  const invite = token.length <= 200 ? await describeInvite(context.db, { token }) : null
  if (!invite) throw data('This invite link is not valid. Check that you copied all of it.', { status: 404 })
  return { invite, token, signedIn: Boolean(await context.getUserId()) }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, acceptInviteForm)
  try {
    const { programId } = await acceptInvite(context.db, { userId, token: params.token ?? '' })
    return redirect(`/programs/${programId}?joined=1`)
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Invite() {
  const { invite, token, signedIn } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const here = `/invites/${token}`
  return (
    <div className="mx-auto max-w-lg">
      <Card title={`Join ${invite.programName}`}>
        <p className="mb-4 text-slate-700">
          {invite.invitedBy} invited you to join <strong>{invite.programName}</strong> as a{' '}
          {invite.role === 'coach' ? 'co-coach' : 'client'}.
          {invite.role === 'client'
            ? ' Your coaches there see the sessions you share with them and the sessions they lead with you — nothing else.'
            : ' You will see the program’s clients and the sessions they share with you.'}
        </p>
        <FormError>{actionData?.result.error?.['']?.join(' ')}</FormError>
        {invite.status === 'used' ? (
          <p role="alert" className="text-red-800">This invite link has already been used. Ask your coach for a new one.</p>
        ) : invite.status === 'expired' ? (
          <p role="alert" className="text-red-800">This invite link has expired. Ask your coach for a new one.</p>
        ) : signedIn ? (
          <Form method="post">
            <SubmitButton pending={navigation.state === 'submitting'} pendingText="Joining…">
              Join {invite.programName}
            </SubmitButton>
          </Form>
        ) : (
          <div className="flex flex-wrap gap-3">
            <Link to={`/signup?${new URLSearchParams({ invite: token, redirectTo: here })}`} className={buttonClass('primary')}>
              Create an account and join
            </Link>
            <Link to={`/login?${new URLSearchParams({ redirectTo: here })}`} className={buttonClass('secondary')}>
              I have an account
            </Link>
          </div>
        )}
      </Card>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Invitation · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
