import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { resolveSessionSecret } from '#lib/auth/session-secret'
import { unsubscribeFromDigest } from '#lib/reminders/email-digest'
import { verifyUnsubscribeToken } from '#lib/reminders/unsubscribe-token'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { SubmitButton } from '~/components/form'
import { Card } from '~/components/layout'

/**
 * The digest's unsubscribe link, /unsubscribe/<token>, without signing in (decision 029).
 * GET only asks (mail clients and scanners fetch links before anyone clicks); the POST —
 * the page's button, or a mail provider's one-click POST (RFC 8058, the List-Unsubscribe-Post
 * header) — turns the digest off, as the person the token's signature names.
 */
const personOf = (token: string | undefined, context: LoaderFunctionArgs['context']) =>
  verifyUnsubscribeToken(resolveSessionSecret(context.env), token ?? '')

export async function loader({ params, context }: LoaderFunctionArgs) {
  const valid = personOf(params.token, context) !== null
  return data({ valid }, { status: valid ? 200 : 400 })
}

export async function action({ params, context }: ActionFunctionArgs) {
  const userId = personOf(params.token, context)
  if (!userId) return data({ ok: false as const }, { status: 400 })
  await unsubscribeFromDigest(context.db, { userId })
  return { ok: true as const }
}

export default function Unsubscribe() {
  const { valid } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  return (
    <div className="mx-auto max-w-lg">
      <Card title="Weekly email digest">
        {!valid || actionData?.ok === false ? (
          <div role="alert" className="flex flex-col gap-3 text-slate-700">
            <p className="font-semibold text-red-800">This unsubscribe link is not valid.</p>
            <p>It may have been cut short or changed on the way. Nothing was changed.</p>
            <p>
              Use the link in the latest digest again, or{' '}
              <Link to="/settings" className="text-brand-700 underline">
                sign in and turn the digest off in Settings
              </Link>
              .
            </p>
          </div>
        ) : actionData?.ok ? (
          <div role="status" className="flex flex-col gap-3 text-slate-700">
            <p className="font-semibold">You are unsubscribed.</p>
            <p>No more weekly digests will be sent to this address. You can turn it back on in Settings at any time.</p>
          </div>
        ) : (
          <div className="flex flex-col gap-4 text-slate-700">
            <p>Stop the weekly Stagecoach digest sent to this email address?</p>
            <Form method="post">
              <SubmitButton pending={navigation.state === 'submitting'} pendingText="Unsubscribing…">
                Unsubscribe
              </SubmitButton>
            </Form>
            <p className="text-sm text-slate-600">Nothing changes until you press the button.</p>
          </div>
        )}
      </Card>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Unsubscribe · Stagecoach' }, { name: 'robots', content: 'noindex' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
