import { z } from '../zod.shared'

/** The summary page's forms (Conform): write it (again), edit a coach's draft, release it to the client. */

function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

/** The coach's edits to a coach-led session's draft summary, before releasing it. */
export const summaryDraftForm = z.object({
  intent: z.literal('save-draft'),
  executiveSummary: z.string().trim().max(2000, 'Keep the summary under 2,000 characters.').default(''),
  keyInsights: z.string().optional().transform(lines),
  successMetrics: z.string().optional().transform(lines),
  supportAndAccountability: z.string().trim().max(1000, 'Keep this under 1,000 characters.').default(''),
})

export const summaryForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('write') }),
  z.object({ intent: z.literal('rewrite') }),
  summaryDraftForm,
  z.object({ intent: z.literal('release') }),
])
