import { getFormProps, getTextareaProps, type SubmissionResult } from '@conform-to/react'
import { Form } from '@remix-run/react'
import { summaryDraftForm } from '#lib/coaching/summary-forms.shared'
import { useSchemaForm } from '~/components/conform'
import { FormError, SubmitButton, TextAreaField } from '~/components/form'

interface DraftSummary {
  executiveSummary: string
  keyInsights: string[]
  successMetrics: string[]
  supportAndAccountability: string
}

/**
 * The coach's edits to the draft summary (Conform, judged on the server). `lastResult` is the
 * answer to this form only, so an error keeps what the coach typed and a reload of the page's
 * data does not reset it.
 */
export function SummaryDraftForm({
  sessionId,
  summary,
  lastResult,
  saving,
}: {
  sessionId: string
  summary: DraftSummary
  lastResult: SubmissionResult<string[]> | undefined
  saving: boolean
}) {
  const [form, fields] = useSchemaForm({
    id: `summary-draft-${sessionId}`,
    schema: summaryDraftForm,
    lastResult,
    defaultValue: {
      intent: 'save-draft',
      executiveSummary: summary.executiveSummary,
      keyInsights: summary.keyInsights.join('\n'),
      successMetrics: summary.successMetrics.join('\n'),
      supportAndAccountability: summary.supportAndAccountability,
    },
    checkInBrowser: false,
  })
  return (
    <Form method="post" {...getFormProps(form)} className="flex flex-col gap-4">
      <input type="hidden" name="intent" value="save-draft" />
      <FormError>{form.errors?.join(' ')}</FormError>
      <TextAreaField label="Executive summary" {...getTextareaProps(fields.executiveSummary)} rows={4} maxLength={2000} errors={fields.executiveSummary.errors} />
      <TextAreaField label="Key insights" hint="One per line." {...getTextareaProps(fields.keyInsights)} rows={4} errors={fields.keyInsights.errors} />
      <TextAreaField label="Success metrics" hint="One per line." {...getTextareaProps(fields.successMetrics)} rows={3} errors={fields.successMetrics.errors} />
      <TextAreaField
        label="Support and accountability"
        {...getTextareaProps(fields.supportAndAccountability)}
        rows={3}
        maxLength={1000}
        errors={fields.supportAndAccountability.errors}
      />
      <div>
        <SubmitButton variant="secondary" pending={saving} pendingText="Saving…">
          Save draft
        </SubmitButton>
      </div>
    </Form>
  )
}
