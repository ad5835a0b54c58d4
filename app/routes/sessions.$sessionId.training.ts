import type { ActionFunctionArgs } from '@remix-run/node'
import { trainingDetailsForm } from '#lib/measures/measures.shared'
import { updateTrainingDetails } from '#lib/measures/measures'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { requireIdParam } from '~/utils/http'

/** A training session's details (activity type, day done, time slot, competition), by its own fetcher. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const submission = await readSubmission(request, trainingDetailsForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const { intent: _intent, ...details } = submission.value
  try {
    await updateTrainingDetails(context.db, { userId, sessionId, details })
    return { ok: true as const, result: submission.reply() }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}
