import { endingOf, brokenJsonResponse, jsonResponse, newId, sseResponse, usageNumbers, chunkText, type Reply, type SseFrame } from './http-replies'
import type { ParsedRequest } from './request'

/** The chat completions wire format (`POST <base>/chat/completions`), streamed or not. */
export function chatReply(parsed: ParsedRequest, reply: Reply, signal: AbortSignal): Response {
  const id = newId('chatcmpl-')
  const created = Math.floor(Date.now() / 1000)
  const { input, output } = usageNumbers(parsed, reply.text)
  const usage = {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  }
  const base = { id, object: 'chat.completion.chunk', created, model: parsed.model, service_tier: 'default', system_fingerprint: 'fp_fake' }

  if (!parsed.call.stream) {
    const body = {
      id,
      object: 'chat.completion',
      created,
      model: parsed.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: reply.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage,
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    }
    return reply.drop ? brokenJsonResponse(body) : jsonResponse(body)
  }

  const frames: SseFrame[] = [
    { data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null }], usage: null }) },
  ]
  chunkText(reply.text, reply.chunkSize).forEach((piece, index) => {
    frames.push({
      data: JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }], usage: null }),
      delayBefore: index > 0 ? reply.delayMs : 0,
    })
  })
  if (!reply.drop && !reply.unfinished && !reply.stallUntil) {
    frames.push({ data: JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null }) })
    if (parsed.includeUsage) frames.push({ data: JSON.stringify({ ...base, choices: [], usage }) })
    frames.push({ data: '[DONE]' })
  }
  return sseResponse(frames, signal, endingOf(reply))
}

