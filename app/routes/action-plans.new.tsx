import { randomUUID } from 'node:crypto'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { createActionPlan } from '#lib/plans/action-plans'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, FormError, SelectField, SubmitButton, TextAreaField, TextField } from '~/components/form'
import { Card, PageHeader } from '~/components/layout'
import { planStatuses, PriorityOptions, statusLabels } from '~/components/plan-badges'
import { requireUserId } from '~/utils/auth.server'
import { appErrorToFormFailure, readForm } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserId(request, context)
  // One key per form: submitting it twice creates one plan.
  return { requestKey: randomUUID() }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const formData = await readForm(request)
  const requestKey = String(formData.get('requestKey') ?? '')
  try {
    const id = await createActionPlan(context.db, {
      userId,
      requestKey: /^[0-9a-f-]{36}$/i.test(requestKey) ? requestKey : randomUUID(),
      input: Object.fromEntries(['title', 'description', 'theme', 'status', 'priority', 'timelineStart', 'timelineEnd'].map((key) => [key, String(formData.get(key) ?? '')])),
    })
    return redirect(`/action-plans/${id}`)
  } catch (error) {
    return appErrorToFormFailure(formData, error)
  }
}

export default function NewActionPlan() {
  const { requestKey } = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>()
  const navigation = useNavigation()
  return (
    <div className="mx-auto flex max-w-2xl flex-col gap-6">
      <PageHeader title="New action plan">
        <Link to="/action-plans" className={buttonClass('secondary')}>
          Back to plans
        </Link>
      </PageHeader>
      <Card>
        <Form method="post" className="flex flex-col gap-4" noValidate>
          <input type="hidden" name="requestKey" value={requestKey} />
          <FormError>{failure?.formError}</FormError>
          <TextField label="Agreed action" name="title" required maxLength={200} defaultValue={failure?.values.title} errors={failure?.fieldErrors.title} />
          <TextAreaField label="Content (optional)" name="description" rows={3} maxLength={5000} defaultValue={failure?.values.description} errors={failure?.fieldErrors.description} />
          <TextField label="Coaching theme (optional)" name="theme" maxLength={300} defaultValue={failure?.values.theme} errors={failure?.fieldErrors.theme} />
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField label="Status" name="status" defaultValue={failure?.values.status ?? 'pending'} errors={failure?.fieldErrors.status}>
              {planStatuses.map((s) => (
                <option key={s} value={s}>
                  {statusLabels[s]}
                </option>
              ))}
            </SelectField>
            <SelectField label="Priority" name="priority" defaultValue={failure?.values.priority ?? '3'} errors={failure?.fieldErrors.priority}>
              <PriorityOptions />
            </SelectField>
            <TextField label="Start (optional)" name="timelineStart" type="date" defaultValue={failure?.values.timelineStart} errors={failure?.fieldErrors.timelineStart} />
            <TextField label="Due (optional)" name="timelineEnd" type="date" defaultValue={failure?.values.timelineEnd} errors={failure?.fieldErrors.timelineEnd} />
          </div>
          <div>
            <SubmitButton pending={navigation.state !== 'idle'} pendingText="Creating…">
              Create plan
            </SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'New action plan · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
