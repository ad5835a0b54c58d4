import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useActionData, useNavigation } from '@remix-run/react'
import { useId } from 'react'
import { measureForm, measureValueOf, modificationOf, standardMetrics, type StandardMetricKey } from '#lib/measures/measures.shared'
import { recordMeasure } from '#lib/measures/measures'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, SelectField, SubmitButton } from '~/components/form'
import { Card, PageHeader } from '~/components/layout'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

export async function loader({ request, context }: LoaderFunctionArgs) {
  await requireUserId(request, context)
  return null
}

/**
 * Logging without opening a session first: the first value goes in the person's active
 * session, or starts one (decision 022); the session page takes the rest.
 */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, measureForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const form = submission.value
  if (form.intent !== 'record') return invalidSubmission(submission)
  // The value's kind is the metric's (RPE is a 1–10 scale; the rest are numbers).
  const kind = form.metricKey in standardMetrics ? standardMetrics[form.metricKey as StandardMetricKey].kind : form.kind
  try {
    const measure = await recordMeasure(context.db, {
      userId,
      sessionId: null,
      itemKey: null,
      exerciseId: null,
      metricKey: form.metricKey,
      setNumber: form.setNumber ?? null,
      value: measureValueOf({ ...form, kind }),
      unit: null,
      modification: modificationOf(form),
    })
    return redirect(`/sessions/${measure.sessionId}?mode=live`)
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

const choices = Object.entries(standardMetrics) as [StandardMetricKey, (typeof standardMetrics)[StandardMetricKey]][]

export default function LogTraining() {
  const answer = useActionData<typeof action>()
  const navigation = useNavigation()
  const valueId = useId()
  const setId = useId()
  const errors = answer?.result.status === 'error' ? [...new Set(Object.values(answer.result.error ?? {}).flatMap((m) => m ?? []))] : []
  return (
    <div className="mx-auto flex max-w-md flex-col gap-6">
      <PageHeader title="Log training" />
      <Card>
        <p className="mb-3 text-sm text-slate-600">
          Your first value goes in the session you have running, or starts one for today. Add the rest on the session’s page.
        </p>
        <Form method="post" className="flex flex-col gap-3">
          <input type="hidden" name="intent" value="record" />
          <SelectField label="What" name="metricKey" defaultValue="weight">
            {choices.map(([key, metric]) => (
              <option key={key} value={key}>
                {metric.label}
                {metric.unit ? ` (${metric.unit})` : ''}
              </option>
            ))}
          </SelectField>
          {/* The action takes the kind from the metric chosen. */}
          <input type="hidden" name="kind" value="number" />
          <div className="flex gap-2">
            <div className="flex w-20 flex-col gap-1">
              <label htmlFor={setId} className="text-sm font-medium text-slate-800">
                Set
              </label>
              <input id={setId} name="setNumber" type="number" inputMode="numeric" min={1} max={50} defaultValue={1} className="w-full rounded-md border border-slate-300 px-3 py-2 text-base" />
            </div>
            <div className="flex flex-1 flex-col gap-1">
              <label htmlFor={valueId} className="text-sm font-medium text-slate-800">
                Value
              </label>
              <input id={valueId} name="numberValue" type="number" inputMode="decimal" step="any" min={0} required className="w-full rounded-md border border-slate-300 px-3 py-2 text-base" />
            </div>
          </div>
          <FormError>{errors.join(' ')}</FormError>
          <div>
            <SubmitButton pending={navigation.state !== 'idle'} pendingText="Saving…">
              Log it
            </SubmitButton>
          </div>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction = () => [{ title: 'Log training · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
