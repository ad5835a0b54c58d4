import { wrapLanguageModel, type LanguageModel } from 'ai'
import type { ChatModel } from '../ai/model'

/**
 * Model calls and tokens, counted as they pass (decision 021): the eval suite wraps the
 * configured model in a counting middleware, so what it reports is what the provider
 * reported for the app's own calls, retries included. A model given by name (a string)
 * cannot be wrapped, and is not counted.
 */

export interface UsageTally {
  calls: number
  inputTokens: number
  /** Input tokens the provider says it read from its prompt cache (0 when it does not say). */
  cachedInputTokens: number
  outputTokens: number
}

export const noUsage = (): UsageTally => ({ calls: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0 })

export function usageSince(now: UsageTally, before: UsageTally): UsageTally {
  return {
    calls: now.calls - before.calls,
    inputTokens: now.inputTokens - before.inputTokens,
    cachedInputTokens: now.cachedInputTokens - before.cachedInputTokens,
    outputTokens: now.outputTokens - before.outputTokens,
  }
}

type Usage = { inputTokens: { total: number | undefined; cacheRead: number | undefined }; outputTokens: { total: number | undefined } }

export function countingUsage(ai: ChatModel): { ai: ChatModel; tally: () => UsageTally } {
  const total = noUsage()
  const count = (usage: Usage | undefined) => {
    total.calls += 1
    total.inputTokens += usage?.inputTokens.total ?? 0
    total.cachedInputTokens += usage?.inputTokens.cacheRead ?? 0
    total.outputTokens += usage?.outputTokens.total ?? 0
  }
  const model: LanguageModel = ai.model
  if (typeof model === 'string' || model.specificationVersion !== 'v3') return { ai, tally: () => ({ ...total }) }
  const wrapped = wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: 'v3',
      wrapGenerate: async ({ doGenerate }) => {
        const result = await doGenerate()
        count(result.usage)
        return result
      },
      wrapStream: async ({ doStream }) => {
        const { stream, ...rest } = await doStream()
        let finished = false
        return {
          ...rest,
          stream: stream.pipeThrough(
            new TransformStream({
              transform(part, controller) {
                if (part.type === 'finish' && !finished) {
                  finished = true
                  count(part.usage)
                }
                controller.enqueue(part)
              },
            }),
          ),
        }
      },
    },
  })
  return { ai: { ...ai, model: wrapped }, tally: () => ({ ...total }) }
}
