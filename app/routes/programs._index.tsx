import { getFormProps, getInputProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { createProgramForm } from '#lib/programs/program-forms.shared'
import { createProgram, listPrograms } from '#lib/programs/programs'
import { countOf } from '#lib/words.shared'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, SubmitButton, TextField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  return { programs: await listPrograms(context.db, { userId }) }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, createProgramForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  try {
    const programId = await createProgram(context.db, { userId, name: submission.value.name })
    return redirect(`/programs/${programId}`)
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Programs() {
  const { programs } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  const [form, fields] = useSchemaForm({ id: 'create-program', schema: createProgramForm, lastResult: actionData?.result, checkInBrowser: false })
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Programs" />
      <Card title="Your programs">
        {programs.length === 0 ? (
          <EmptyState title="No programs yet">
            A program is your coaching practice or team. Create one below and invite clients with a link, or open an
            invite link your coach sent you.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {programs.map((program) => (
              <li key={program.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                <Link to={`/programs/${program.id}`} className="font-medium text-brand-700 underline">
                  {program.name}
                </Link>
                <span className="text-sm text-slate-600">
                  {program.myRole === 'coach'
                    ? `Coach · ${countOf(program.coachCount, 'coach', 'coaches')}, ${countOf(program.clientCount ?? 0, 'client')}`
                    : 'Client'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Create a program">
        <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4 sm:max-w-md">
          <FormError>{form.errors?.join(' ')}</FormError>
          <TextField
            label="Program name"
            {...getInputProps(fields.name, { type: 'text' })}
            required
            maxLength={120}
            hint="For example your practice's name, or “Spring leadership cohort”."
            errors={fields.name.errors}
          />
          <div>
            <SubmitButton pending={navigation.state === 'submitting'} pendingText="Creating…">
              Create program
            </SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Programs · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
