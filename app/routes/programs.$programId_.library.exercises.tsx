import { getFormProps, getInputProps, getSelectProps } from '@conform-to/react'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { categoryLabels, exerciseCategories, exerciseForm, muscleGroupLabel, muscleGroups } from '#lib/library/library.shared'
import { coachedProgram, createExercise, searchExercises } from '#lib/library/templates'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, Notice, SelectField, SubmitButton, TextField } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { LibraryNav } from '~/components/library/library-nav'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { invariantResponse, requireIdParam } from '~/utils/http'

/** The exercise catalog as this program sees it: the system's, public ones and its own; search by name; add its own. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const program = await coachedProgram(context.db, { userId, programId })
  invariantResponse(program, 'Not found', { status: 404 })
  const query = (new URL(request.url).searchParams.get('q') ?? '').slice(0, 100)
  return { program, query, exercises: await searchExercises(context.db, { userId, programId, prefix: query, limit: 100 }) }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const submission = await readSubmission(request, exerciseForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  try {
    const exercise = await createExercise(context.db, { userId, programId, input: submission.value })
    return { ok: true as const, message: `“${exercise.name}” is in your catalog now.`, result: submission.reply({ resetForm: true }) }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function Exercises() {
  const { program, query, exercises } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const [form, fields] = useSchemaForm({
    id: 'create-exercise',
    schema: exerciseForm,
    lastResult: result?.result,
    defaultValue: { intent: 'create-exercise', category: 'other' },
    checkInBrowser: false,
  })
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={`Exercise catalog · ${program.name}`}>
        <LibraryNav programId={program.id} current="exercises" />
      </PageHeader>
      <Card title="Find an exercise">
        <Form method="get" role="search" className="mb-4 flex flex-col gap-2 sm:flex-row sm:items-end">
          <TextField label="Name starts with" name="q" defaultValue={query} type="search" maxLength={100} />
          <SubmitButton variant="secondary" pending={navigation.state === 'loading' && navigation.location?.pathname.endsWith('/exercises')} pendingText="Searching…">
            Search
          </SubmitButton>
        </Form>
        {exercises.length === 0 ? (
          <EmptyState title={`No exercise starts with “${query}”`}>Add it to your catalog below.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100">
            {exercises.map((exercise) => (
              <li key={exercise.id} className="flex flex-col py-2 sm:flex-row sm:items-baseline sm:justify-between">
                <span className="font-medium text-slate-900">{exercise.name}</span>
                <span className="text-sm text-slate-600">
                  {categoryLabels[exercise.category]} · {exercise.muscleGroups.map(muscleGroupLabel).join(', ') || 'no muscle groups'} ·{' '}
                  {exercise.programId === null ? 'Stagecoach' : exercise.programId === program.id ? (exercise.isPublic ? 'yours, public' : 'yours') : 'public'}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Add an exercise to your catalog">
        {result?.ok ? <Notice>{result.message}</Notice> : null}
        <Form method="post" {...getFormProps(form)} className="mt-3 flex flex-col gap-4">
          <input type="hidden" name="intent" value="create-exercise" />
          <FormError>{form.errors?.join(' ')}</FormError>
          <div className="grid gap-4 sm:grid-cols-2">
            <TextField label="Name" {...getInputProps(fields.name, { type: 'text' })} required minLength={2} maxLength={100} errors={fields.name.errors} />
            <SelectField label="Category" {...getSelectProps(fields.category)} errors={fields.category.errors}>
              {exerciseCategories.map((category) => (
                <option key={category} value={category}>
                  {categoryLabels[category]}
                </option>
              ))}
            </SelectField>
          </div>
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Muscle groups</legend>
            <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
              {muscleGroups.map((group) => (
                <label key={group} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name={fields.muscleGroups.name} value={group} className="h-4 w-4" />
                  {muscleGroupLabel(group)}
                </label>
              ))}
            </div>
          </fieldset>
          <label className="flex items-center gap-2 text-sm">
            <input {...getInputProps(fields.isPublic, { type: 'checkbox' })} className="h-4 w-4" />
            Public: other programs may use it too
          </label>
          <div>
            <SubmitButton pending={navigation.state === 'submitting'} pendingText="Adding…">
              Add exercise
            </SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Exercises · ${data.program.name} · Stagecoach` : 'Exercises · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
