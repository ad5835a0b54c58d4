import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { signInSchema } from '#lib/auth/credentials'
import { FormError, SubmitButton, TextField } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders } from '~/utils/auth.server'
import { safeRedirect } from '~/utils/safe-redirect'
import { appErrorToFormFailure, parseForm, readForm } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get('redirectTo'))
  if (await context.getUserId()) throw redirect(redirectTo)
  return { redirectTo }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readForm(request)
  const parsed = parseForm(formData, signInSchema)
  if (!parsed.success) return parsed.response
  let result
  try {
    result = await context.auth.signIn(parsed.data, {
      cookieHeader: request.headers.get('Cookie'),
      ipAddress: context.ipAddress,
    })
  } catch (error) {
    return appErrorToFormFailure(formData, error)
  }
  return redirect(safeRedirect(formData.get('redirectTo')), { headers: cookieHeaders(result.setCookies) })
}

export default function Login() {
  const { redirectTo } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const navigation = useNavigation()
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-1 text-2xl font-bold">Sign in</h1>
      <p className="mb-6 text-slate-600">
        New here?{' '}
        <Link to={`/signup?${new URLSearchParams({ redirectTo })}`} className="font-medium text-brand-700 underline">
          Create an account
        </Link>
      </p>
      <Form method="post" className="flex flex-col gap-4" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
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
      </Form>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Sign in · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
