import { getFormProps, getInputProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { modulesPageForm } from '#lib/library/library.shared'
import { createModule, listModules } from '#lib/library/modules'
import { coachedProgram } from '#lib/library/templates'
import { countOf } from '#lib/words.shared'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, SubmitButton, TextField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { LibraryNav } from '~/components/library/library-nav'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { invariantResponse, requireIdParam } from '~/utils/http'

/** A program's modules: ordered templates with a day offset per step. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const program = await coachedProgram(context.db, { userId, programId })
  invariantResponse(program, 'Not found', { status: 404 })
  return { program, modules: await listModules(context.db, { userId, programId }) }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const submission = await readSubmission(request, modulesPageForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  try {
    const moduleId = await createModule(context.db, { userId, programId, name: submission.value.name })
    return redirect(`/programs/${programId}/library/modules/${moduleId}`)
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Modules() {
  const { program, modules } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const [form, fields] = useSchemaForm({ id: 'create-module', schema: modulesPageForm, lastResult: result?.result, defaultValue: { intent: 'create-module' }, checkInBrowser: false })
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={`Modules · ${program.name}`}>
        <LibraryNav programId={program.id} current="modules" />
      </PageHeader>
      <Card title="Modules">
        {modules.length === 0 ? (
          <EmptyState title="No modules yet">
            A module is a sequence of templates with a day for each, such as “Onboarding”: Initial Assessment on day 0, Vision Development on day 7.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {modules.map((module) => (
              <li key={module.id} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
                <Link to={`/programs/${program.id}/library/modules/${module.id}`} className="font-medium text-brand-700 underline">
                  {module.name}
                </Link>
                <span className="text-sm text-slate-600">
                  {countOf(module.stepCount, 'step')} · assigned {countOf(module.runCount, 'time')}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="New module">
        <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4 sm:max-w-md">
          <input type="hidden" name="intent" value="create-module" />
          <FormError>{form.errors?.join(' ')}</FormError>
          <TextField label="Name" {...getInputProps(fields.name, { type: 'text' })} required maxLength={120} errors={fields.name.errors} />
          <div>
            <SubmitButton pending={navigation.state === 'submitting'} pendingText="Creating…">
              Create and add steps
            </SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Modules · ${data.program.name} · Stagecoach` : 'Modules · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
