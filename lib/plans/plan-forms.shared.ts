import { isoDateSchema } from '../dates.shared'
import { z } from '../zod.shared'

/**
 * The vocabulary and forms of action plans, shared by lib/plans (which validates what it
 * writes), the actions (Conform's parseWithZod) and the components (the same schemas in the
 * browser).
 */

export const actionPlanStatuses = ['pending', 'in_progress', 'completed', 'blocked'] as const
export type ActionPlanStatus = (typeof actionPlanStatuses)[number]

export const statusLabels: Record<ActionPlanStatus, string> = {
  pending: 'Not started',
  in_progress: 'In progress',
  completed: 'Done',
  blocked: 'Blocked',
}

/** A status's label, or the raw value for one this version does not know. */
export function statusLabel(status: string): string {
  return actionPlanStatuses.find((known) => known === status) ? statusLabels[status as ActionPlanStatus] : status
}

/** A date that may be left out or blank (null). */
export const optionalDate = z
  .string()
  .trim()
  // null too: what a form's own parse made of a blank date goes through the same schema again in lib/plans.
  .nullish()
  .transform((value) => (value ? value : null))
  .pipe(isoDateSchema.nullable())

const planFields = z.object({
    title: z.string({ error: 'Give the plan a title.' }).trim().min(1, 'Give the plan a title.').max(200, 'Keep the title under 200 characters.'),
    description: z.string().trim().max(5000, 'Keep the description under 5,000 characters.').default(''),
    theme: z.string().trim().max(300, 'Keep the theme under 300 characters.').default(''),
    status: z.enum(actionPlanStatuses, { error: 'Choose one of: not started, in progress, done, blocked.' }).default('pending'),
    priority: z.coerce
      .number({ error: 'Priority is a number from 1 to 5.' })
      .int('Priority is a whole number from 1 to 5.')
      .min(1, 'Priority is a number from 1 to 5.')
      .max(5, 'Priority is a number from 1 to 5.')
      .nullable()
      .default(null),
    timelineStart: optionalDate,
    timelineEnd: optionalDate,
})

function datesInOrder(plan: { timelineStart: string | null; timelineEnd: string | null }, ctx: z.RefinementCtx) {
  if (plan.timelineStart && plan.timelineEnd && plan.timelineEnd < plan.timelineStart) {
    ctx.addIssue({ code: 'custom', path: ['timelineEnd'], message: 'The due date cannot be before the start date.' })
  }
}

/** What a plan is made of, as lib/plans writes it. */
export const planInputSchema = planFields.superRefine(datesInOrder)

export const milestoneInputSchema = z.object({
  title: z.string({ error: 'Give the milestone a title.' }).trim().min(1, 'Give the milestone a title.').max(200, 'Keep the title under 200 characters.'),
  dueDate: optionalDate,
})

// ─── the forms of the plan page ───────────────────────────────────────────────────────

/** A new plan by hand; the request key makes a double submit create it once. */
export const newPlanForm = planFields.extend({ requestKey: z.uuid('Send the form again.') }).superRefine(datesInOrder)

/** The plan page's own forms: edit, set the status, delete. */
export const planForm = z.discriminatedUnion('intent', [
  planFields.extend({ intent: z.literal('update-plan') }).superRefine(datesInOrder),
  z.object({ intent: z.literal('set-status'), status: z.enum(actionPlanStatuses, { error: 'Choose a status from the list.' }) }),
  z.object({ intent: z.literal('delete-plan') }),
])

const milestoneId = z.uuid('That milestone is not part of this plan.')

/** The milestones' forms, posted to /action-plans/:id/milestones. */
export const milestoneForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('add-milestone'), requestKey: z.uuid('Send the form again.') }).extend(milestoneInputSchema.shape),
  z.object({ intent: z.literal('edit-milestone'), milestoneId }).extend(milestoneInputSchema.shape),
  z.object({ intent: z.literal('complete-milestone'), milestoneId }),
  z.object({ intent: z.literal('reopen-milestone'), milestoneId }),
  z.object({ intent: z.enum(['move-up', 'move-down']), milestoneId }),
  z.object({ intent: z.literal('delete-milestone'), milestoneId }),
])

/** The calendar feed: a new link (any earlier one stops working), or none. */
export const calendarFeedForm = z.object({ intent: z.enum(['calendar-reset', 'calendar-remove']) })
