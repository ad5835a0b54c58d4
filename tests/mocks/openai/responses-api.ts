import { endingOf, brokenJsonResponse, jsonResponse, newId, sseResponse, usageNumbers, chunkText, type Reply, type SseFrame } from './http-replies'
import { isRecord, type JsonRecord, type ParsedRequest } from './request'

/** The Responses API wire format (`POST <base>/responses`), streamed or not. */
export function responsesReply(parsed: ParsedRequest, reply: Reply, signal: AbortSignal): Response {
  const id = newId('resp_')
  const itemId = newId('msg_')
  const createdAt = Math.floor(Date.now() / 1000)
  const { input, output } = usageNumbers(parsed, reply.text)
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  }
  const body = isRecord(parsed.call.body) ? parsed.call.body : {}
  const textPart = { type: 'output_text', annotations: [], logprobs: [], text: reply.text }
  const completedItem = { id: itemId, type: 'message', status: 'completed', content: [textPart], role: 'assistant' }
  const response = (status: 'in_progress' | 'completed', done: boolean) => ({
    id,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: typeof body.instructions === 'string' ? body.instructions : null,
    max_output_tokens: typeof body.max_output_tokens === 'number' ? body.max_output_tokens : null,
    model: parsed.model,
    output: done ? [completedItem] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: true,
    temperature: 1,
    text: isRecord(body.text) ? body.text : { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: done ? usage : null,
    metadata: {},
  })

  if (!parsed.call.stream) {
    const value = response('completed', true)
    return reply.drop ? brokenJsonResponse(value) : jsonResponse(value)
  }

  let sequence = 0
  const frame = (type: string, data: JsonRecord, delayBefore = 0): SseFrame => ({
    event: type,
    data: JSON.stringify({ type, sequence_number: sequence++, ...data }),
    delayBefore,
  })
  const frames: SseFrame[] = [
    frame('response.created', { response: response('in_progress', false) }),
    frame('response.in_progress', { response: response('in_progress', false) }),
    frame('response.output_item.added', { output_index: 0, item: { id: itemId, type: 'message', status: 'in_progress', content: [], role: 'assistant' } }),
    frame('response.content_part.added', { item_id: itemId, output_index: 0, content_index: 0, part: { type: 'output_text', annotations: [], logprobs: [], text: '' } }),
  ]
  chunkText(reply.text, reply.chunkSize).forEach((piece, index) => {
    frames.push(frame('response.output_text.delta', { item_id: itemId, output_index: 0, content_index: 0, delta: piece, logprobs: [] }, index > 0 ? reply.delayMs : 0))
  })
  if (!reply.drop && !reply.unfinished && !reply.stallUntil) {
    frames.push(
      frame('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: reply.text, logprobs: [] }),
      frame('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: textPart }),
      frame('response.output_item.done', { output_index: 0, item: completedItem }),
      frame('response.completed', { response: response('completed', true) }),
    )
  }
  return sseResponse(frames, signal, endingOf(reply))
}

