import type { ActionFunctionArgs } from '@remix-run/node'
import { sharingForm } from '#lib/coaching/session-forms.shared'
import { setSessionSharing } from '#lib/coaching/sessions'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { requireIdParam } from '~/utils/http'

/** Sharing a self-coaching session with one of the client's coaches, or making it private again. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const submission = await readSubmission(request, sharingForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  try {
    if (submission.value.intent === 'share') {
      const [coachId = '', programId = ''] = submission.value.coach.split(':')
      await setSessionSharing(context.db, { userId, sessionId, share: { coachId, programId } })
      return { result: submission.reply(), notice: 'Shared. Your coach can now read this session, its summary and its plans.' }
    }
    await setSessionSharing(context.db, { userId, sessionId, share: null })
    return { result: submission.reply(), notice: 'This session is private again.' }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}
