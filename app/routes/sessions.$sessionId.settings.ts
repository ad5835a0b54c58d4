import type { ActionFunctionArgs } from '@remix-run/node'
import { renameForm } from '#lib/coaching/session-forms.shared'
import { renameSession } from '#lib/coaching/sessions'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { requireIdParam } from '~/utils/http'

/** Session settings: renaming, posted by the settings card's own fetcher. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const submission = await readSubmission(request, renameForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  try {
    await renameSession(context.db, { userId, sessionId, title: submission.value.title })
    return { result: submission.reply() }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}
