import { z } from 'zod'
import { delimit, generateStructured } from '../ai/calls'
import type { ChatModel } from '../ai/model'
import { loadPrompt } from '../ai/prompts'
import { assessRisk, crisisCategories, type RiskAssessment } from './safety'

/**
 * The second layer of crisis detection (decision 020): with AI on, a message the rules find
 * ambiguous — a signal that is negated, over or a figure of speech — is read by the model,
 * which may add a pause. The rules stay the first layer: a message they call a crisis pauses
 * without asking anyone, and a model that fails, times out or answers nonsense adds nothing.
 */

export const safetyCheckSchema = z.object({
  crisis: z.boolean().describe('Whether the message, read as a whole, signals a crisis now; true when unsure.'),
  category: z.enum([...crisisCategories, 'none']).describe('The kind of crisis it signals, or none.'),
})

export interface CrisisScreening {
  pause: boolean
  assessment: RiskAssessment
  /** What the model said about an ambiguous message; null when it was not asked or did not answer. */
  modelSaid: boolean | null
}

export function safetyCheckPrompt(text: string): { system: string; prompt: string } {
  return { system: loadPrompt('safety-check.md').body, prompt: delimit('client_message', text) }
}

/** Whether to pause for what someone wrote: the rules, and for an ambiguous message the model too. */
export async function screenForCrisis(ai: ChatModel | null, text: string, options: { about?: 'self' | 'client' } = {}): Promise<CrisisScreening> {
  const assessment = assessRisk(text, options)
  if (assessment.level === 'crisis') return { pause: true, assessment, modelSaid: null }
  if (assessment.level === 'none' || !ai) return { pause: false, assessment, modelSaid: null }
  try {
    const { value } = await generateStructured(ai, { ...safetyCheckPrompt(text), schema: safetyCheckSchema })
    return { pause: value.crisis, assessment, modelSaid: value.crisis }
  } catch {
    // The rules already judged the signal turned around; a failed check changes nothing.
    return { pause: false, assessment, modelSaid: null }
  }
}
