import { getFormProps, getInputProps } from '@conform-to/react'
import { data, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { forgotPasswordForm } from '#lib/auth/credentials.shared'
import { useSchemaForm } from '~/components/conform'
import { FormError, Notice, SubmitButton, TextField } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = await readSubmission(request, forgotPasswordForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const { email } = submission.value
  try {
    const { setCookies, delivery } = await context.auth.requestPasswordReset(email, {
      cookieHeader: request.headers.get('Cookie'),
      ipAddress: context.ipAddress,
    })
    return data({ ok: true as const, email, delivery }, { headers: cookieHeaders(setCookies) })
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [form, fields] = useSchemaForm({
    id: 'forgot-password',
    schema: forgotPasswordForm,
    lastResult: actionData && !actionData.ok ? actionData.result : null,
    checkInBrowser: false,
  })

  if (actionData?.ok) {
    return (
      <div className="mx-auto max-w-md">
        <h1 className="mb-4 text-2xl font-bold">Check your email</h1>
        <Notice>
          {actionData.delivery === 'email'
            ? `If an account uses ${actionData.email}, we sent it a link to choose a new password. It works once, for an hour.`
            : `Email is not set up on this server (no SMTP_URL), so if an account uses ${actionData.email}, its reset link was written to the server log. Whoever runs this server can pass it on.`}
        </Notice>
        <p className="mt-4">
          <Link to="/login" className="underline">
            Back to sign-in
          </Link>
        </p>
      </div>
    )
  }

  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-1 text-2xl font-bold">Reset your password</h1>
      <p className="mb-6 text-slate-600">Enter the email you sign in with; we will send you a link to choose a new password.</p>
      <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4">
        <FormError>{form.errors?.join(' ')}</FormError>
        <TextField label="Email" {...getInputProps(fields.email, { type: 'email' })} autoComplete="email" required errors={fields.email.errors} />
        <SubmitButton pending={navigation.state === 'submitting'} pendingText="Sending…">
          Send the link
        </SubmitButton>
      </Form>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Reset your password · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
