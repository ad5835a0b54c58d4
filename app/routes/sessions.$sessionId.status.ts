import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { sessionStatusForm } from '#lib/coaching/session-forms.shared'
import { beginConversation, cancelSession, completeSession, getSession, resumeAfterPause } from '#lib/coaching/sessions'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { requireIdParam } from '~/utils/http'

/** What happens to the session as a whole: carry on after the safety pause, begin a template's conversation, complete it, or cancel it. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const sessionId = requireIdParam(params.sessionId)
  const submission = await readSubmission(request, sessionStatusForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  try {
    switch (submission.value.intent) {
      case 'resume': {
        await resumeAfterPause(context.db, { userId, sessionId })
        const { currentStage } = await getSession(context.db, { userId, sessionId })
        return redirect(`/sessions/${sessionId}/stages/${currentStage}`)
      }
      case 'complete': {
        const { hasConversation } = await completeSession(context.db, { userId, sessionId })
        return redirect(hasConversation ? `/sessions/${sessionId}/summary` : `/sessions/${sessionId}?mode=review`)
      }
      case 'begin':
        await beginConversation(context.db, { userId, sessionId })
        return redirect(`/sessions/${sessionId}/stages/1`)
      case 'cancel':
        await cancelSession(context.db, { userId, sessionId })
        return redirect('/dashboard')
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}
