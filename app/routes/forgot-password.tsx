import { data, type ActionFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation } from '@remix-run/react'
import { z } from 'zod'
import { emailSchema } from '#lib/auth/credentials'
import { FormError, Notice, SubmitButton, TextField } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders } from '~/utils/auth.server'
import { appErrorToFormFailure, parseForm, readForm } from '~/utils/forms.server'

const forgotPasswordSchema = z.object({ email: emailSchema })

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request)
  const parsed = parseForm(formData, forgotPasswordSchema)
  if (!parsed.success) return parsed.response
  try {
    const { setCookies, delivery } = await context.auth.requestPasswordReset(parsed.data.email, {
      cookieHeader: request.headers.get('Cookie'),
      ipAddress: context.ipAddress,
    })
    return data({ ok: true as const, email: parsed.data.email, delivery }, { headers: cookieHeaders(setCookies) })
  } catch (error) {
    return appErrorToFormFailure(formData, error)
  }
}

export default function ForgotPassword() {
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const failure = actionData && !actionData.ok ? actionData : null

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
      <Form method="post" className="flex flex-col gap-4" noValidate>
        <FormError>{failure?.formError}</FormError>
        <TextField
          label="Email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={failure?.values.email}
          errors={failure?.fieldErrors.email}
        />
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
