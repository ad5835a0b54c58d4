import type { ActionFunctionArgs } from '@remix-run/node'
import { coPilotForm } from '#lib/coaching/session-forms.shared'
import { suggestForCoach } from '#lib/coaching/stage-work'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { requireIdParam } from '~/utils/http'

/** The coach's co-pilot for a stage: suggested questions, from the AI or the stage's guided questions. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const submission = await readSubmission(request, coPilotForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const { stage } = submission.value
  try {
    const suggestions = await suggestForCoach({ db: context.db, ai: context.ai }, { userId, sessionId, stage })
    return { result: submission.reply(), stage, suggestions }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}
