import type { ActionFunctionArgs } from '@remix-run/node'
import { memoryItemForm } from '#lib/coaching/session-forms.shared'
import { updateMemoryItem } from '#lib/coaching/stage-work'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { requireIdParam } from '~/utils/http'

/** Editing or removing one remembered item before the coach sees it; each item's form has its own fetcher. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const submission = await readSubmission(request, memoryItemForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const { itemId } = submission.value
  try {
    await updateMemoryItem(context.db, { userId, sessionId, itemId, text: submission.value.intent === 'save' ? submission.value.text : null, ai: context.ai })
    return { result: submission.reply() }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}
