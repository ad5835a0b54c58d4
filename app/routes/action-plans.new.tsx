import { randomUUID } from 'node:crypto'
import { getFormProps, getInputProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { createActionPlan } from '#lib/plans/action-plans'
import { newPlanForm } from '#lib/plans/plan-forms.shared'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { buttonClass, FormError, SelectField, SubmitButton, TextAreaField, TextField } from '~/components/form'
import { Card, PageHeader } from '~/components/layout'
import { PriorityOptions, StatusOptions } from '~/components/plan-badges'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserId(request, context)
  // One key per form: submitting it twice creates one plan.
  return { requestKey: randomUUID() }
}

/** A plan written by hand; the request key makes a double submit create one plan. */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, newPlanForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const { requestKey, ...input } = submission.value
  try {
    const id = await createActionPlan(context.db, { userId, requestKey, input })
    return redirect(`/action-plans/${id}`)
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function NewActionPlan() {
  const { requestKey } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const navigation = useNavigation()
  // Judged on the server, so the answer is the same with or without JavaScript.
  const [form, fields] = useSchemaForm({
    id: 'new-plan',
    schema: newPlanForm,
    lastResult: actionData?.result,
    defaultValue: { status: 'pending', priority: '3' },
    checkInBrowser: false,
  })
  return (
    <div className="mx-auto flex max-w-2xl flex-col gap-6">
      <PageHeader title="New action plan">
        <Link to="/action-plans" className={buttonClass('secondary')}>
          Back to plans
        </Link>
      </PageHeader>
      <Card>
        <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4">
          <input type="hidden" name="requestKey" value={requestKey} />
          <FormError>{form.errors?.join(' ')}</FormError>
          <TextField label="Agreed action" {...getInputProps(fields.title, { type: 'text' })} maxLength={200} errors={fields.title.errors} />
          <TextAreaField label="Content (optional)" {...getTextareaProps(fields.description)} rows={3} maxLength={5000} errors={fields.description.errors} />
          <TextField label="Coaching theme (optional)" {...getInputProps(fields.theme, { type: 'text' })} maxLength={300} errors={fields.theme.errors} />
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField label="Status" {...getSelectProps(fields.status)} errors={fields.status.errors}>
              <StatusOptions />
            </SelectField>
            <SelectField label="Priority" {...getSelectProps(fields.priority)} errors={fields.priority.errors}>
              <PriorityOptions />
            </SelectField>
            <TextField label="Start (optional)" {...getInputProps(fields.timelineStart, { type: 'date' })} errors={fields.timelineStart.errors} />
            <TextField label="Due (optional)" {...getInputProps(fields.timelineEnd, { type: 'date' })} errors={fields.timelineEnd.errors} />
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
