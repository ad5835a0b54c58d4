import type { ActionFunctionArgs } from '@remix-run/node'
import { calendarFeedForm } from '#lib/plans/plan-forms.shared'
import { removeCalendarFeed, resetCalendarFeed } from '#lib/plans/calendar'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'

/** The calendar feed's link: create or reset it (the new link is shown once), or turn the feed off. */
export async function action({ request, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const submission = await readSubmission(request, calendarFeedForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const done = (feedUrl: string | null, message: string) => ({ result: submission.reply(), feedUrl, message })
  try {
    if (submission.value.intent === 'calendar-remove') {
      await removeCalendarFeed(context.db, { userId })
      return done(null, 'Calendar feed turned off. The old link no longer works.')
    }
    const token = await resetCalendarFeed(context.db, { userId })
    return done(new URL(`/calendar/${token}.ics`, request.url).toString(), 'Your calendar link is ready. Any earlier link no longer works.')
  } catch (error) {
    return submissionFailure(submission, error)
  }
}
