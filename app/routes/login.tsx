import { getFormProps, getInputProps } from '@conform-to/react'
import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { signInForm } from '#lib/auth/credentials.shared'
import { isAppError } from '#lib/errors'
import { useSchemaForm } from '~/components/conform'
import { FormError, Notice, SubmitButton, TextField } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders } from '~/utils/auth.server'
import { safeRedirect } from '~/utils/safe-redirect'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'))
  if (await context.getUserId()) throw redirect(redirectTo)
  return { redirectTo }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await readSubmission(request, signInForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const { intent, email, password, redirectTo } = submission.value
  const authRequest = { cookieHeader: request.headers.get('Cookie'), ipAddress: context.ipAddress }

  // "Send the confirmation email again", offered when the email is not confirmed yet.
  if (intent === 'resend-confirmation') {
    try {
      const { setCookies } = await context.auth.resendConfirmation(email, authRequest)
      // The reply puts the email back in the sign-in form.
      return data({ ok: true as const, resentTo: email, result: submission.reply() }, { headers: cookieHeaders(setCookies) })
    } catch (error) {
      return submissionFailure(submission, error)
    }
  }

  let result
  try {
    result = await context.auth.signIn({ email, password: password ?? '' }, authRequest)
  } catch (error) {
    if (isAppError(error) && error.kind === 'unconfirmed') {
      return data(
        { ok: false as const, result: submission.reply({ formErrors: [error.message] }), unconfirmedEmail: email },
        { status: error.status },
      )
    }
    return submissionFailure(submission, error)
  }
  return redirect(safeRedirect(redirectTo), { headers: cookieHeaders(result.setCookies) })
}

export default function Login() {
  const { redirectTo } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [form, fields] = useSchemaForm({ id: 'sign-in', schema: signInForm, lastResult: actionData?.result, checkInBrowser: false })
  const unconfirmedEmail = actionData && 'unconfirmedEmail' in actionData && typeof actionData.unconfirmedEmail === 'string' ? actionData.unconfirmedEmail : null
  const resentTo = actionData?.ok ? actionData.resentTo : null
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-1 text-2xl font-bold">Sign in</h1>
      <p className="mb-6 text-slate-600">
        New here?{' '}
        <Link to={`/signup?${new URLSearchParams({ redirectTo })}`} className="font-medium text-brand-700 underline">
          Create an account
        </Link>
      </p>
      {resentTo ? (
        <div className="mb-4">
          <Notice>We sent the confirmation link to {resentTo} again. Open it, then sign in.</Notice>
        </div>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4">
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormError>{form.errors?.join(' ')}</FormError>
        <TextField label="Email" {...getInputProps(fields.email, { type: 'email' })} autoComplete="email" required errors={fields.email.errors} />
        <TextField
          label="Password"
          {...getInputProps(fields.password, { type: 'password' })}
          autoComplete="current-password"
          required
          errors={fields.password.errors}
        />
        <SubmitButton pending={navigation.state === 'submitting'} pendingText="Signing in…">
          Sign in
        </SubmitButton>
        <Link to="/forgot-password" className="text-sm text-brand-700 underline">
          Forgot your password?
        </Link>
      </Form>
      {unconfirmedEmail ? (
        <Form method="post" className="mt-4">
          <input type="hidden" name="intent" value="resend-confirmation" />
          <input type="hidden" name="email" value={unconfirmedEmail} />
          <SubmitButton variant="secondary" pending={navigation.state === 'submitting'} pendingText="Sending…">
            Send the confirmation email again
          </SubmitButton>
        </Form>
      ) : null}
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Sign in · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
