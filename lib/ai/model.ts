import { createOpenAI } from '@ai-sdk/openai'
import type { LanguageModel } from 'ai'
import type { Env } from '../env'

/**
 * The one place that chooses the language model. Routes and the coaching core get a
 * `ChatModel` (or null for guided mode) and never name a provider.
 *
 * - OPENAI_BASE_URL set: any OpenAI-compatible server (Ollama, vLLM, LM Studio, llama.cpp)
 *   through chat completions, which is what those servers speak; the key is optional.
 * - OPENAI_API_KEY alone: OpenAI itself, through the Responses API.
 * - neither: null, and the app runs in guided mode.
 */
export interface ChatModel {
  model: LanguageModel
  /** Provider and model, e.g. "openai:gpt-4o-mini"; part of the summary's cache key. */
  id: string
  /** How long to wait for one call, in milliseconds. */
  timeoutMs: number
  /** Retries of a failed call (429, 5xx, network) before giving up. */
  maxRetries: number
}

export const defaultOpenAIModel = 'gpt-4o-mini'

export function getChatModel(
  env: Pick<Env, 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'AI_MODEL' | 'AI_TIMEOUT_MS'>,
): ChatModel | null {
  const settings = { timeoutMs: env.AI_TIMEOUT_MS, maxRetries: 2 }
  if (env.OPENAI_BASE_URL) {
    const modelName = env.AI_MODEL ?? defaultOpenAIModel
    const provider = createOpenAI({
      baseURL: env.OPENAI_BASE_URL,
      // Local servers usually need no key, but the client insists on sending one.
      apiKey: env.OPENAI_API_KEY ?? 'not-needed',
      name: 'openai-compatible',
    })
    return { model: provider.chat(modelName), id: `openai-compatible:${modelName}`, ...settings }
  }
  if (env.OPENAI_API_KEY) {
    const modelName = env.AI_MODEL ?? defaultOpenAIModel
    const provider = createOpenAI({ apiKey: env.OPENAI_API_KEY })
    return { model: provider(modelName), id: `openai:${modelName}`, ...settings }
  }
  return null
}

/** What the UI says about the AI: on (which model), or off and how to turn it on. */
export function describeAiMode(model: ChatModel | null): { on: boolean; label: string } {
  return model
    ? { on: true, label: `AI coach on (${model.id.replace(/^[^:]+:/, '')})` }
    : {
        on: false,
        label:
          // Said to the person coached; how to turn the AI on is for whoever runs the app (the start-up log and the README).
          'AI is off: you are in guided mode, with scripted questions. Answer each one in your own words.',
      }
}
