import type { ActionFunctionArgs } from '@remix-run/node'
import { addMilestone, deleteMilestone, moveMilestone, setMilestoneCompleted, updateMilestone } from '#lib/plans/action-plans'
import { milestoneForm } from '#lib/plans/plan-forms.shared'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { requireIdParam } from '~/utils/http'

/** A plan's milestones: add, edit, complete, reopen, move and remove, each posted by its milestone's own fetcher. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const planId = requireIdParam(params.planId)
  const submission = await readSubmission(request, milestoneForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const value = submission.value
  const done = (message: string, resetForm = false) => ({ result: submission.reply({ resetForm }), message })
  try {
    switch (value.intent) {
      case 'add-milestone':
        await addMilestone(context.db, { userId, planId, requestKey: value.requestKey, input: { title: value.title, dueDate: value.dueDate ?? undefined } })
        return done('Milestone added.', true)
      case 'edit-milestone':
        await updateMilestone(context.db, { userId, planId, milestoneId: value.milestoneId, input: { title: value.title, dueDate: value.dueDate ?? undefined } })
        return done('Milestone saved.')
      case 'complete-milestone':
      case 'reopen-milestone':
        await setMilestoneCompleted(context.db, { userId, planId, milestoneId: value.milestoneId, completed: value.intent === 'complete-milestone' })
        return done(value.intent === 'complete-milestone' ? 'Milestone completed.' : 'Milestone reopened.')
      case 'move-up':
      case 'move-down':
        await moveMilestone(context.db, { userId, planId, milestoneId: value.milestoneId, direction: value.intent === 'move-up' ? 'up' : 'down' })
        return done('Milestone moved.')
      case 'delete-milestone':
        await deleteMilestone(context.db, { userId, planId, milestoneId: value.milestoneId })
        return done('Milestone removed.')
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}
