import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { newPasswordSchema } from '#lib/auth/credentials'
import { FormError, SubmitButton, TextField } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders } from '~/utils/auth.server'
import { appErrorToFormFailure, parseForm, readForm } from '~/utils/forms.server'

/**
 * Choosing a new password after a reset link: the built-in auth's link carries a token
 * (`?token=…`); Supabase's went through /auth/confirm, which started a recovery session.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('token') ?? ''
  const canReset = context.auth.kind === 'supabase' ? Boolean(await context.getUserId()) : token !== ''
  return { token, canReset }
}

const resetPasswordSchema = z.object({
  token: z.string().max(200).default(''),
  password: newPasswordSchema,
})

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request)
  // The password rules are checked here, before any auth server hears of it.
  const parsed = parseForm(formData, resetPasswordSchema)
  if (!parsed.success) return parsed.response
  let result
  try {
    result = await context.auth.resetPassword(
      { token: parsed.data.token || null, password: parsed.data.password },
      { cookieHeader: request.headers.get('Cookie'), ipAddress: context.ipAddress },
    )
  } catch (error) {
    return appErrorToFormFailure(formData, error)
  }
  return redirect('/dashboard', { headers: cookieHeaders(result.setCookies) })
}

export default function ResetPassword() {
  const { token, canReset } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const navigation = useNavigation()

  if (!canReset) {
    return (
      <div className="mx-auto max-w-md">
        <h1 className="mb-4 text-2xl font-bold">Choose a new password</h1>
        <FormError>Open the link from your reset email to choose a new password; it may have expired.</FormError>
        <p className="mt-4">
          <Link to="/forgot-password" className="underline">
            Ask for a new link
          </Link>
        </p>
      </div>
    )
  }

  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-6 text-2xl font-bold">Choose a new password</h1>
      <Form method="post" className="flex flex-col gap-4" noValidate>
        <input type="hidden" name="token" value={token} />
        <FormError>{failure?.formError}</FormError>
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          hint="At least 12 characters, with an upper-case letter, a lower-case letter and a digit."
          errors={failure?.fieldErrors.password}
        />
        <SubmitButton pending={navigation.state === 'submitting'} pendingText="Saving…">
          Save the new password
        </SubmitButton>
      </Form>
      <p className="mt-4 text-sm text-slate-600">Saving signs you out everywhere else.</p>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Choose a new password · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
