import { z } from 'zod'
import { delimit, generateStructured } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import { loadPrompt } from '../ai/prompts'

/**
 * The optional judge model (decision 021): asked only when one is configured, and reported
 * apart from the structural scores, so a run without a judge and a run with one differ
 * only in the judged columns. One call per transcript, with every pair or claim numbered.
 */

export const verdictsSchema = z.object({
  verdicts: z.array(z.boolean()).describe('One verdict per numbered item, in order: true or false.'),
})

async function verdicts(judge: ChatModel, prompt: { system: string; prompt: string }, count: number): Promise<boolean[]> {
  const { value } = await generateStructured(judge, { ...prompt, schema: verdictsSchema })
  // A judge that answers a different number of items has not answered these: none count.
  return value.verdicts.length === count ? value.verdicts : Array.from({ length: count }, () => false)
}

/** Whether each predicted text records the same thing as the expected one. */
export function judgeMatches(judge: ChatModel, pairs: readonly { field: string; expected: string; predicted: string }[]): Promise<boolean[]> {
  const lines = pairs.map((pair, index) => `${index + 1}. field ${pair.field}\n   expected: ${JSON.stringify(pair.expected)}\n   predicted: ${JSON.stringify(pair.predicted)}`)
  return verdicts(judge, { system: loadPrompt('evals/judge-match.md').body, prompt: lines.join('\n') }, pairs.length)
}

/** Whether the client's words support each claim. */
export function judgeSupport(judge: ChatModel, clientWords: string, claims: readonly { field: string; value: string }[]): Promise<boolean[]> {
  const lines = claims.map((claim, index) => `${index + 1}. ${claim.field}: ${JSON.stringify(claim.value)}`)
  return verdicts(judge, { system: loadPrompt('evals/judge-support.md').body, prompt: `${delimit('transcript', clientWords)}\n\n${lines.join('\n')}` }, claims.length)
}
