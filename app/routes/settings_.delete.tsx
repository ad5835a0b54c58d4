import { getFormProps, getInputProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { deleteAccount, deletionBlockers } from '#lib/account/deletion'
import { blockersMessage, deleteAccountForm, noBlockers } from '#lib/account/deletion.shared'
import { useSchemaForm } from '~/components/conform'
import { FormError, SubmitButton, TextField } from '~/components/form'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { cookieHeaders, requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

/** Whether this account can be deleted now, and if not, what to do first. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const blockers = await deletionBlockers(context.db, { userId })
  return { blocked: noBlockers(blockers) ? null : blockersMessage(blockers), backend: context.auth.kind }
}

/** Deletes the account once the password confirms it; the person lands signed out on the home page. */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, deleteAccountForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  try {
    const { setCookies } = await deleteAccount(context.db, context.auth, {
      userId,
      password: submission.value.password,
      request: { cookieHeader: request.headers.get('Cookie'), ipAddress: context.ipAddress },
    })
    return redirect('/?account=deleted', { headers: cookieHeaders(setCookies) })
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function DeleteAccount() {
  const { blocked, backend } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [form, fields] = useSchemaForm({
    id: 'delete-account',
    schema: deleteAccountForm,
    lastResult: actionData?.result ?? null,
    checkInBrowser: false,
  })

  return (
    <div className="mx-auto max-w-md">
      <h1 className="mb-1 text-2xl font-bold">Delete your account</h1>
      <p className="mb-4 text-slate-600">
        This removes your sessions, what was said in them, your summaries, action plans and milestones, and your program
        memberships, for good. Download your data first if you want to keep a copy: a ZIP of JSON files and a page you can read. The audit log keeps its entries without
        your name, address or browser.
      </p>
      {/* The export answers a file: the browser saves it and stays on this page. */}
      <Form method="post" action="/settings/export" reloadDocument className="mb-6">
        <SubmitButton variant="secondary">Download my data</SubmitButton>
      </Form>
      {blocked ? (
        <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {blocked}
        </div>
      ) : (
        <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4">
          <FormError>{form.errors?.join(' ')}</FormError>
          <TextField
            label={backend === 'supabase' ? 'Sign in again with your password' : 'Your password'}
            {...getInputProps(fields.password, { type: 'password' })}
            autoComplete="current-password"
            required
            errors={fields.password.errors}
          />
          <SubmitButton variant="danger" pending={navigation.state === 'submitting'} pendingText="Deleting…">
            Delete my account
          </SubmitButton>
        </Form>
      )}
      <p className="mt-4">
        <Link to="/settings" className="underline">
          Back to settings
        </Link>
      </p>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Delete your account · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
