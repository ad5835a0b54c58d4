import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { emailSchema, signInSchema } from '#lib/auth/credentials.shared'
import { isAppError } from '#lib/errors'
import { FormError, Notice, SubmitButton, TextField } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders } from '~/utils/auth.server'
import { safeRedirect } from '~/utils/safe-redirect'
import { appErrorToFormFailure, formValues, parseForm, readForm } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'))
  if (await context.getUserId()) throw redirect(redirectTo)
  return { redirectTo }
}

const noFieldErrors: Record<string, string[] | undefined> = {}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request)
  const authRequest = { cookieHeader: request.headers.get('Cookie'), ipAddress: context.ipAddress }

  // "Send the confirmation email again", offered when the email is not confirmed yet.
  if (formData.get('intent') === 'resend-confirmation') {
    const parsedEmail = parseForm(formData, z.object({ email: emailSchema }))
    if (!parsedEmail.success) return parsedEmail.response
    const { email } = parsedEmail.data
    try {
      const { setCookies } = await context.auth.resendConfirmation(email, authRequest)
      return data(
        { ok: true as const, resentTo: email, values: formValues(formData) },
        { headers: cookieHeaders(setCookies) },
      )
    } catch (error) {
      return appErrorToFormFailure(formData, error)
    }
  }

  const parsed = parseForm(formData, signInSchema)
  if (!parsed.success) return parsed.response
  let result
  try {
    result = await context.auth.signIn(parsed.data, authRequest)
  } catch (error) {
    if (isAppError(error) && error.kind === 'unconfirmed') {
      return data(
        {
          ok: false as const,
          formError: error.message,
          fieldErrors: noFieldErrors,
          values: formValues(formData),
          unconfirmedEmail: parsed.data.email,
        },
        { status: error.status },
      )
    }
    return appErrorToFormFailure(formData, error)
  }
  return redirect(safeRedirect(formData.get('redirectTo')), { headers: cookieHeaders(result.setCookies) })
}

export default function Login() {
  const { redirectTo } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const failure = actionData && !actionData.ok ? actionData : null
  const unconfirmedEmail = failure && 'unconfirmedEmail' in failure && typeof failure.unconfirmedEmail === 'string' ? failure.unconfirmedEmail : null
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
      <Form method="post" className="flex flex-col gap-4" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <FormError>{failure?.formError}</FormError>
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={actionData?.values.email}
          errors={failure?.fieldErrors.email}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          errors={failure?.fieldErrors.password}
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
