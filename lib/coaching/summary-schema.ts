import { z } from 'zod'
import { isoDateSchema } from '../dates.shared'

/** The end-of-session summary: what the client takes away, in one structured object. */
export const summarySchema = z.object({
  executiveSummary: z.string().trim().min(1).max(2000).describe('Three to five sentences, to the client in second person: what the session was about and where it landed.'),
  keyInsights: z.array(z.string().trim().min(1).max(500)).max(8).describe('The insights the client reached, in their words.'),
  goalStatement: z.string().trim().max(1000).describe('The goal exactly as agreed in Finish.'),
  actionPlan: z
    .array(
      z.object({
        title: z.string().trim().min(1).max(200).describe('An action the client agreed to in Finish.'),
        dueDate: isoDateSchema.nullable().describe('Its date as the client gave it (YYYY-MM-DD), or null.'),
      }),
    )
    .max(12)
    .describe('Only the action steps agreed in Finish, in order.'),
  successMetrics: z.array(z.string().trim().min(1).max(500)).max(8).describe('Measurable signs that the goal is reached.'),
  supportAndAccountability: z.string().trim().max(1000).describe('Who or what will support the client, and how progress will be checked.'),
})
export type Summary = z.infer<typeof summarySchema>

/** A stored summary, or null when there is none or it no longer matches the schema. */
export function readSummary(value: unknown): Summary | null {
  const parsed = summarySchema.safeParse(value)
  return parsed.success ? parsed.data : null
}
