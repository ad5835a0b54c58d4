import { getFormProps, getInputProps } from '@conform-to/react'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { signUpForm } from '#lib/auth/credentials.shared'
import { acceptInvite } from '#lib/programs/programs'
import { useSchemaForm } from '~/components/conform'
import { FormError, Notice, SubmitButton, TextField } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders } from '~/utils/auth.server'
import { safeRedirect } from '~/utils/safe-redirect'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const redirectTo = safeRedirect(url.searchParams.get('redirectTo'))
  if (await context.getUserId()) throw redirect(redirectTo)
  return { redirectTo, inviteToken: url.searchParams.get('invite') ?? '' }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await readSubmission(request, signUpForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const { redirectTo: requestedRedirect, inviteToken, ...account } = submission.value

  let result
  try {
    result = await context.auth.signUp(account, {
      cookieHeader: request.headers.get('Cookie'),
      ipAddress: context.ipAddress,
    })
  } catch (error) {
    return submissionFailure(submission, error)
  }
  if (result.needsEmailConfirmation) {
    // The cookies hold the PKCE code verifier the confirmation link needs in this browser.
    return data({ ok: true as const, confirmEmailTo: account.email }, { headers: cookieHeaders(result.setCookies) })
  }

  // Signing up through an invite link joins the program straight away.
  let redirectTo = safeRedirect(requestedRedirect)
  if (inviteToken) {
    redirectTo = await acceptInvite(context.db, { userId: result.userId, token: inviteToken }).then(
      ({ programId }) => `/programs/${programId}?joined=1`,
      // The account exists either way; the invite page explains what went wrong with the link.
      () => `/invites/${encodeURIComponent(inviteToken)}`,
    )
  }
  return redirect(redirectTo, { headers: cookieHeaders(result.setCookies) })
}

export default function SignUp() {
  const { redirectTo, inviteToken } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [form, fields] = useSchemaForm({
    id: 'sign-up',
    schema: signUpForm,
    lastResult: actionData && !actionData.ok ? actionData.result : null,
    checkInBrowser: false,
  })

  if (actionData?.ok) {
    return (
      <div className="mx-auto max-w-md">
        <h1 className="mb-4 text-2xl font-bold">Check your email</h1>
        <Notice>
          We sent a confirmation link to {actionData.confirmEmailTo}. Open it, then{' '}
          <Link to="/login" className="underline">
            sign in
          </Link>
          .
        </Notice>
      </div>
    )
  }

  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-1 text-2xl font-bold">Create your account</h1>
      <p className="mb-6 text-slate-600">
        Already have one?{' '}
        <Link to={`/login?${new URLSearchParams({ redirectTo })}`} className="font-medium text-brand-700 underline">
          Sign in
        </Link>
      </p>
      <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <input type="hidden" name="inviteToken" value={inviteToken} />
        <FormError>{form.errors?.join(' ')}</FormError>
        <TextField
          label="Your name"
          {...getInputProps(fields.displayName, { type: 'text' })}
          autoComplete="name"
          required
          maxLength={100}
          errors={fields.displayName.errors}
        />
        <TextField label="Email" {...getInputProps(fields.email, { type: 'email' })} autoComplete="email" required errors={fields.email.errors} />
        <TextField
          label="Password"
          {...getInputProps(fields.password, { type: 'password' })}
          autoComplete="new-password"
          required
          hint="At least 12 characters, with an upper-case letter, a lower-case letter and a digit."
          errors={fields.password.errors}
        />
        <SubmitButton pending={navigation.state === 'submitting'} pendingText="Creating your account…">
          Create account
        </SubmitButton>
      </Form>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Sign up · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
