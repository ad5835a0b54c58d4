import type { ActionFunctionArgs } from '@remix-run/node'
import { measureForm, measureValueOf, modificationOf } from '#lib/measures/measures.shared'
import { correctMeasure, recordMeasure } from '#lib/measures/measures'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { requireIdParam } from '~/utils/http'

/** Recording what was done in the session (one metric at a time), and correcting a value: a new version, the old one kept. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const submission = await readSubmission(request, measureForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const form = submission.value
  try {
    const measure =
      form.intent === 'record'
        ? await recordMeasure(context.db, {
            userId,
            sessionId,
            itemKey: form.itemKey ?? null,
            exerciseId: null,
            metricKey: form.metricKey,
            setNumber: form.setNumber ?? null,
            value: measureValueOf(form),
            unit: null,
            modification: modificationOf(form),
          })
        : await correctMeasure(context.db, { userId, measureId: form.measureId, value: measureValueOf(form), unit: null, modification: modificationOf(form) })
    return { ok: true as const, measureId: measure.id, result: submission.reply({ resetForm: true }) }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}
