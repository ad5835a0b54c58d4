import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import type { EmailLink } from '#lib/auth/backend'
import { isAppError } from '#lib/errors'
import { FormError } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders } from '~/utils/auth.server'
import { safeRedirect } from '~/utils/safe-redirect'

/**
 * Where the links in Supabase Auth's emails land: email confirmation and password
 * recovery, as a token hash (`?token_hash=…&type=…`) or a PKCE code (`?code=…`). A good
 * link signs the person in and goes on — to set a new password after a recovery link.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url)
  const link = emailLinkFrom(url.searchParams)
  if (!link) return { problem: 'This link is incomplete. Open it again from the email, or ask for a new one.' }
  try {
    const { setCookies, purpose } = await context.auth.confirmEmailLink(link, {
      cookieHeader: request.headers.get('Cookie'),
      ipAddress: context.ipAddress,
    })
    const next = purpose === 'recovery' ? '/reset-password' : safeRedirect(url.searchParams.get('next'), '/dashboard')
    return redirect(next, { headers: cookieHeaders(setCookies) })
  } catch (error) {
    if (isAppError(error)) return { problem: error.message }
    throw error
  }
}

const linkTypes = new Set(['email', 'signup', 'recovery'])

function emailLinkFrom(params: URLSearchParams): EmailLink | null {
  const code = params.get('code')
  if (code) return { code }
  const tokenHash = params.get('token_hash')
  const type = params.get('type')
  if (tokenHash && type && linkTypes.has(type)) return { tokenHash, type: type === 'recovery' ? 'recovery' : 'email' }
  return null
}

export default function ConfirmEmailLink() {
  const { problem } = useLoaderData<typeof loader>()
  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-4 text-2xl font-bold">That link did not work</h1>
      <FormError>{problem}</FormError>
      <p className="mt-4 text-slate-600">
        <Link to="/login" className="underline">
          Sign in
        </Link>{' '}
        (you can ask for a new confirmation email there), or{' '}
        <Link to="/forgot-password" className="underline">
          reset your password
        </Link>
        .
      </p>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Email link · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
