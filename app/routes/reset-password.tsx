import { getFormProps, getInputProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { resetPasswordForm } from '#lib/auth/credentials.shared'
import { useSchemaForm } from '~/components/conform'
import { FormError, SubmitButton, TextField } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

/**
 * Choosing a new password after a reset link: the built-in auth's link carries a token
 * (`?token=…`); Supabase's went through /auth/confirm, which started a recovery session.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get('token') ?? ''
  const canReset = context.auth.kind === 'supabase' ? Boolean(await context.getUserId()) : token !== ''
  return { token, canReset }
}

export async function action({ request, context }: ActionFunctionArgs) {
  // The password rules are checked here, before any auth server hears of it.
  const submission = await readSubmission(request, resetPasswordForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const { token, password } = submission.value
  let result
  try {
    result = await context.auth.resetPassword(
      { token: token || null, password },
      { cookieHeader: request.headers.get('Cookie'), ipAddress: context.ipAddress },
    )
  } catch (error) {
    return submissionFailure(submission, error)
  }
  return redirect('/dashboard', { headers: cookieHeaders(result.setCookies) })
}

export default function ResetPassword() {
  const { token, canReset } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [form, fields] = useSchemaForm({ id: 'reset-password', schema: resetPasswordForm, lastResult: actionData?.result, checkInBrowser: false })

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
      <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4">
        <input type="hidden" name="token" value={token} />
        <FormError>{form.errors?.join(' ')}</FormError>
        <TextField
          label="New password"
          {...getInputProps(fields.password, { type: 'password' })}
          autoComplete="new-password"
          required
          hint="At least 12 characters, with an upper-case letter, a lower-case letter and a digit."
          errors={fields.password.errors}
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
