import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { http, type HttpHandler } from 'msw'

/**
 * A fake OpenAI API, faithful enough that the real `@ai-sdk/openai` code parses it:
 * chat completions (`POST <base>/chat/completions`, what `createOpenAI({ baseURL }).chat(model)`
 * calls) and the Responses API (`POST <base>/responses`, what `createOpenAI({ apiKey })(model)`
 * calls), each streamed (server-sent events) or not, with text or JSON-schema output.
 *
 * The wire shapes follow what the SDK's own zod schemas accept (see
 * node_modules/@ai-sdk/openai/dist/index.mjs: openaiChatResponseSchema, openaiChatChunkSchema,
 * openaiResponsesResponseSchema, openaiResponsesChunkSchema) and what OpenAI actually sends.
 *
 * Use it in Node tests through msw (`openAIHandlers`), or behind a real HTTP server for
 * browser tests (`startFakeOpenAIServer`). Every request is recorded in `fake.calls`; what it
 * answers comes from a queue (`fake.next(...)`) and then from a default responder, which by
 * default is a scripted coach that makes a whole session possible.
 *
 * Usage, in every finished answer: input tokens = estimateTokens(system + every message's
 * text joined with \n), so for one user message it is estimateTokens(call.system +
 * call.userText); output tokens = estimateTokens(the answer's text).
 *
 * A retryable status (408, 409, 429, 5xx) carries `retry-after-ms: 5`, so the SDK's retries
 * do not wait seconds. `drop` breaks a stream 30 ms after its last text (breaking at once
 * would discard text the SDK has received but not yet passed on). `nonsense` answers a
 * structured call with prose (`nonsenseText`) and a text call with an empty reply.
 * `reset()` also lets go of hanging requests (they get a 499).
 */

export interface RecordedCall {
  api: 'chat' | 'responses'
  stream: boolean
  /** true when the request asked for JSON-schema output */
  structured: boolean
  /** top-level property names of the requested JSON schema (empty if not structured) */
  schemaKeys: string[]
  /** the system/developer instructions text, concatenated */
  system: string
  /** all user message texts, concatenated with \n */
  userText: string
  /** the raw parsed JSON body */
  body: unknown
}

export type Behaviour =
  | { kind: 'text'; text: string; chunkSize?: number; delayMs?: number } // a (streamed or not) text reply; chunked for streams
  | { kind: 'object'; value: unknown } // a structured reply: the JSON of value as the message text
  | {
      kind: 'status'
      status: number
      body?: string
      /**
       * Extra response headers. By default a retryable status (408, 409, 429, 5xx) carries
       * `retry-after-ms: 5`, which the AI SDK honours, so its retries do not wait seconds.
       */
      headers?: Record<string, string>
    } // an HTTP error response (e.g. 429, 500, 401)
  | { kind: 'hang' } // never answers until the request is aborted
  | { kind: 'drop'; text: string } // streams `text` in chunks, then the connection breaks (stream errors) without a finish
  | { kind: 'unfinished'; text: string } // streams `text` in chunks, then the stream ends cleanly with no finish (no finish_reason, no [DONE], no response.completed)
  | { kind: 'nonsense' } // a 200 whose content is not what was asked (e.g. non-JSON text for a structured call)

export type Responder = (call: RecordedCall) => Behaviour

export interface FakeOpenAI {
  calls: RecordedCall[]
  /** Answer the next requests with these, in order (each entry is used once); then fall back to the default. */
  next(...behaviours: (Behaviour | Responder)[]): void
  /** Replace the default responder (used when the queue is empty). */
  setDefault(responder: Responder): void
  /** Clear the queue, the calls and restore the default responder. */
  reset(): void
  /** Answer one HTTP request (used by msw handlers and by the real HTTP server). */
  handle(request: Request): Promise<Response>
}

/** Rough token count (ceil(characters / 4)) the fake reports as usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

export const defaultBaseUrls = ['https://api.openai.com/v1', 'http://fake-llm.test/v1']

/** Characters per streamed chunk when a behaviour does not say. */
const defaultChunkSize = 12

/** How long a dropped stream stays open after its last text before it breaks. */
const dropDelayMs = 30

/** What `nonsense` answers to a structured call: text that is not JSON at all. */
export const nonsenseText = 'Sorry, I would rather talk about the weather today.'

// ---------------------------------------------------------------------------------------
// Reading a request

type JsonRecord = Record<string, unknown>

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The text of a message's content: a string, or parts with `text` (text, input_text, output_text). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content
      .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
      .filter((text) => text.length > 0)
      .join('\n')
  }
  return ''
}

interface ParsedRequest {
  call: RecordedCall
  /** Every message's text (not the system's), in order. */
  messageTexts: string[]
  /** The user messages' texts, in order. */
  userTexts: string[]
  /** Whether a chat stream asked for the final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean
  model: string
}

function parseRequest(api: 'chat' | 'responses', body: unknown): ParsedRequest {
  const b = isRecord(body) ? body : {}
  const systemTexts: string[] = []
  const messageTexts: string[] = []
  const userTexts: string[] = []
  let messages: unknown[] = []
  let format: JsonRecord | undefined
  let schema: unknown

  if (api === 'chat') {
    messages = Array.isArray(b.messages) ? b.messages : []
    format = isRecord(b.response_format) ? b.response_format : undefined
    schema = isRecord(format?.json_schema) ? format.json_schema.schema : undefined
  } else {
    if (typeof b.instructions === 'string') systemTexts.push(b.instructions)
    messages = typeof b.input === 'string' ? [{ role: 'user', content: b.input }] : Array.isArray(b.input) ? b.input : []
    const text = isRecord(b.text) ? b.text : undefined
    format = isRecord(text?.format) ? text.format : undefined
    schema = format?.schema
  }

  for (const message of messages) {
    if (!isRecord(message)) continue
    const text = contentText(message.content)
    if (message.role === 'system' || message.role === 'developer') {
      systemTexts.push(text)
    } else if (typeof message.role === 'string') {
      messageTexts.push(text)
      if (message.role === 'user') userTexts.push(text)
    }
  }

  const structured = format?.type === 'json_schema' || format?.type === 'json_object'
  const schemaKeys = structured && isRecord(schema) && isRecord(schema.properties) ? Object.keys(schema.properties) : []
  return {
    call: {
      api,
      stream: b.stream === true,
      structured,
      schemaKeys,
      system: systemTexts.join('\n'),
      userText: userTexts.join('\n'),
      body,
    },
    messageTexts,
    userTexts,
    includeUsage: isRecord(b.stream_options) && b.stream_options.include_usage === true,
    model: typeof b.model === 'string' ? b.model : 'fake-model',
  }
}

// ---------------------------------------------------------------------------------------
// The default responder: a scripted coach

function isoDay(offsetDays: number): string {
  const date = new Date()
  date.setUTCDate(date.getUTCDate() + offsetDays)
  return date.toISOString().slice(0, 10)
}

/** The last user message of a call, as the person wrote it: delimiting tags removed, spaces collapsed. */
export function lastUserMessage(call: RecordedCall): string {
  const { userTexts } = parseRequest(call.api, call.body)
  return (userTexts.at(-1) ?? '')
    .replace(/<\/?\s*client_message\s*>/gi, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The scripted coach's reply to a conversation turn: it reflects, then asks one open question. */
export function coachReply(call: RecordedCall): string {
  const said = lastUserMessage(call)
  if (!said) return 'What would you like to focus on today?'
  const quote = said.length > 40 ? `${said.slice(0, 40).trimEnd()}…` : said
  return `You said "${quote}". What matters most to you about that?`
}

interface FinishStep {
  title: string
  dueDate: string | null
}

/** The Finish stage's fields, when the prompt carries them as a `Finish: {...}` line (summary and action-plan prompts do). */
function finishFromPrompt(userText: string): { goalStatement: string | null; steps: FinishStep[] } | null {
  const match = /^Finish: (\{.*\})\s*$/m.exec(userText)
  if (!match?.[1]) return null
  try {
    const parsed: unknown = JSON.parse(match[1])
    if (!isRecord(parsed) || !Array.isArray(parsed.actionSteps)) return null
    const steps = parsed.actionSteps.filter(isRecord).map((step, index) => ({
      title: typeof step.title === 'string' && step.title.trim() ? step.title.trim().slice(0, 200) : `Step ${index + 1}`,
      dueDate: typeof step.dueDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(step.dueDate) ? step.dueDate : null,
    }))
    return { goalStatement: typeof parsed.goalStatement === 'string' ? parsed.goalStatement : null, steps }
  } catch {
    return null
  }
}

const scriptedGoal = 'Share a clear plan for the new project with my team within two weeks.'

function scriptedSteps(): (FinishStep & { description: string; priority: number })[] {
  return [
    { title: 'Draft a one-page project outline', description: 'Write the outline on Tuesday morning before email.', dueDate: isoDay(7), priority: 1 },
    { title: 'Review the outline with my manager', description: 'Book thirty minutes and ask for honest feedback.', dueDate: isoDay(14), priority: 2 },
  ]
}

function smartCriteria(timeBound: string) {
  return {
    specific: 'A one-page plan the whole team has read.',
    measurable: 'The outline is written and my manager has commented on it.',
    achievable: 'I have protected time on Tuesday mornings.',
    relevant: 'The team is waiting on a direction to start.',
    timeBound,
  }
}

/**
 * The object the scripted coach returns for a structured call, chosen by the requested
 * schema's top-level keys; each is valid against the app's Zod schema with those keys.
 * Unknown schemas get `{}`.
 */
export function scriptedObject(call: RecordedCall): unknown {
  const keys = new Set(call.schemaKeys)
  if (keys.has('presenceLevel')) {
    // lib/coaching/stages.ts: check_in
    return { presenceLevel: 7, emotionalState: 'Calm, a little tired after a long week.', previousActionsReview: [], readinessScore: 8 }
  }
  if (keys.has('topic')) {
    // starting_point
    return {
      topic: 'Planning the new project',
      problemStatement: 'I keep putting off the project plan because I do not know where to start.',
      currentStateRating: 4,
      strengths: ['I know the team well'],
      obstacles: ['Meetings fill my week'],
      resources: ['My manager', 'Tuesday mornings'],
    }
  }
  if (keys.has('options')) {
    // connect
    return {
      options: ['Block Tuesday mornings for planning', 'Ask a colleague to review a draft'],
      insights: ['I wait for a perfect plan instead of starting with a rough one.'],
      challenges: ['Finding uninterrupted time'],
      barriers: ['Fear of looking unprepared'],
    }
  }
  if (keys.has('actionSteps')) {
    // finish
    return {
      goalStatement: scriptedGoal,
      smartCriteria: smartCriteria(`By ${isoDay(14)}`),
      actionSteps: scriptedSteps(),
      obstacles: ['Urgent requests on Tuesday mornings'],
      contingencyPlans: ['Move the planning block to Wednesday morning'],
    }
  }
  if (keys.has('keyLearnings')) {
    // check_out
    return {
      keyLearnings: ['Starting rough beats waiting for perfect.'],
      insights: ['Protected time makes the difference.'],
      sessionValueRating: 9,
      clarityLevel: 8,
    }
  }
  if (keys.has('executiveSummary')) {
    // lib/coaching/summary-schema.ts
    const finish = finishFromPrompt(call.userText)
    const steps = finish && finish.steps.length > 0 ? finish.steps : scriptedSteps()
    return {
      executiveSummary:
        'You came to talk about getting the new project plan started. You noticed that waiting for a perfect plan was holding you back. You chose to start with a rough outline and get early feedback.',
      keyInsights: ['Starting rough beats waiting for perfect.'],
      goalStatement: finish?.goalStatement ?? scriptedGoal,
      actionPlan: steps.slice(0, 12).map((step) => ({ title: step.title, dueDate: step.dueDate })),
      successMetrics: ['The outline is shared with the team', 'My manager has given feedback'],
      supportAndAccountability: 'Your manager will review the outline; your next Check In starts with how it went.',
    }
  }
  if (keys.has('plans')) {
    // lib/plans/from-session.ts: enrichmentSchema
    const finish = finishFromPrompt(call.userText)
    const steps: FinishStep[] = finish && finish.steps.length > 0 ? finish.steps : [{ title: 'Step 1', dueDate: null }, { title: 'Step 2', dueDate: null }]
    return {
      plans: steps.slice(0, 12).map((step, index) => {
        const due = step.dueDate
        const first = isoDay(3)
        const milestones = due
          ? [
              { title: 'Make a start', dueDate: first < due ? first : due },
              { title: 'Finish and check', dueDate: due },
            ]
          : [
              { title: 'Make a start', dueDate: first },
              { title: 'Finish and check', dueDate: isoDay(5) },
            ]
        return {
          stepNumber: index + 1,
          description: `A concrete step towards the goal: ${step.title}.`.slice(0, 2000),
          smartCriteria: smartCriteria(due ? `By ${due}` : 'Within a week'),
          priority: Math.min(index + 1, 5),
          milestones,
        }
      }),
    }
  }
  if (keys.has('questions')) {
    // lib/coaching/stage-work.ts: suggestionsSchema
    return {
      questions: ['What would make today’s session worthwhile for you?', 'What have you already tried?', 'What would you do if you knew you could not fail?'],
      missing: ['A rating of where things stand now'],
    }
  }
  return {}
}

/** The default responder: a coaching reply for a conversation turn, a fitting object for a structured call. */
export const scriptedCoach: Responder = (call) =>
  call.structured ? { kind: 'object', value: scriptedObject(call) } : { kind: 'text', text: coachReply(call) }

// ---------------------------------------------------------------------------------------
// Writing a response

const encoder = new TextEncoder()

function newId(prefix: string): string {
  return `${prefix}${randomUUID().replace(/-/g, '')}`
}

function chunkText(text: string, size: number): string[] {
  const characters = Array.from(text) // never split a surrogate pair
  const chunks: string[] = []
  const step = Math.max(1, Math.floor(size))
  for (let index = 0; index < characters.length; index += step) chunks.push(characters.slice(index, index + step).join(''))
  return chunks
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
  })
}

function errorType(status: number): { type: string; code: string | null; message: string } {
  if (status === 400) return { type: 'invalid_request_error', code: null, message: 'Invalid request (fake).' }
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided (fake).' }
  if (status === 403) return { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Access denied (fake).' }
  if (status === 404) return { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it (fake).' }
  if (status === 429) return { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests (fake).' }
  if (status >= 500) return { type: 'server_error', code: null, message: 'The server had an error while processing your request (fake).' }
  return { type: 'invalid_request_error', code: null, message: `Request failed with status ${status} (fake).` }
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500
}

function statusResponse(behaviour: Extract<Behaviour, { kind: 'status' }>): Response {
  const headers = new Headers({ 'x-request-id': newId('req_') })
  if (isRetryableStatus(behaviour.status)) headers.set('retry-after-ms', '5')
  let body: string
  if (behaviour.body !== undefined) {
    body = behaviour.body
    let json = false
    try {
      JSON.parse(body)
      json = true
    } catch {
      json = false
    }
    headers.set('content-type', json ? 'application/json' : 'text/plain; charset=utf-8')
  } else {
    const { type, code, message } = errorType(behaviour.status)
    body = JSON.stringify({ error: { message, type, param: null, code } })
    headers.set('content-type', 'application/json')
  }
  for (const [name, value] of Object.entries(behaviour.headers ?? {})) headers.set(name, value)
  return new Response(body, { status: behaviour.status, headers })
}

function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-request-id': newId('req_') },
  })
}

/** One server-sent event: `data:` only for chat completions, `event:` + `data:` for the Responses API. */
type SseFrame = { event?: string; data: string; delayBefore?: number }

function sseResponse(frames: SseFrame[], signal: AbortSignal, breakAtEnd: boolean): Response {
  let index = 0
  let cancelled = false
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (cancelled) return
      const frame = frames[index]
      if (!frame) {
        if (!breakAtEnd) {
          controller.close()
          return
        }
        // Erroring a stream discards what is still queued downstream (the SDK tees and pipes
        // the body through several transforms), so give the reader a moment to take the
        // text first, as it would over a real connection that breaks a little later.
        await sleep(dropDelayMs, signal)
        if (!cancelled) controller.error(new TypeError('terminated: the fake OpenAI server dropped the connection'))
        return
      }
      index += 1
      if (frame.delayBefore) await sleep(frame.delayBefore, signal)
      if (cancelled) return
      if (signal.aborted) {
        controller.error(signal.reason ?? new DOMException('The request was aborted', 'AbortError'))
        return
      }
      controller.enqueue(encoder.encode(`${frame.event ? `event: ${frame.event}\n` : ''}data: ${frame.data}\n\n`))
    },
    cancel() {
      cancelled = true
    },
  })
  return new Response(stream, {
    status: 200,
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': newId('req_') },
  })
}

/** A 200 JSON response whose body breaks off half-way (the connection drops). */
function brokenJsonResponse(value: unknown): Response {
  const text = JSON.stringify(value)
  const half = text.slice(0, Math.max(1, Math.floor(text.length / 2)))
  let sent = false
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true
        controller.enqueue(encoder.encode(half))
        return
      }
      controller.error(new TypeError('terminated: the fake OpenAI server dropped the connection'))
    },
  })
  return new Response(stream, { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': newId('req_') } })
}

interface Reply {
  text: string
  chunkSize: number
  delayMs: number
  /** The connection breaks after the text, before any finish. */
  drop: boolean
  /** The stream ends cleanly after the text, but without any finish. */
  unfinished?: boolean
}

function usageNumbers(parsed: ParsedRequest, outputText: string) {
  const input = estimateTokens(parsed.call.system + parsed.messageTexts.join('\n'))
  const output = estimateTokens(outputText)
  return { input, output }
}

function chatReply(parsed: ParsedRequest, reply: Reply, signal: AbortSignal): Response {
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
  if (!reply.drop && !reply.unfinished) {
    frames.push({ data: JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null }) })
    if (parsed.includeUsage) frames.push({ data: JSON.stringify({ ...base, choices: [], usage }) })
    frames.push({ data: '[DONE]' })
  }
  return sseResponse(frames, signal, reply.drop)
}

function responsesReply(parsed: ParsedRequest, reply: Reply, signal: AbortSignal): Response {
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
  if (!reply.drop && !reply.unfinished) {
    frames.push(
      frame('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: reply.text, logprobs: [] }),
      frame('response.content_part.done', { item_id: itemId, output_index: 0, content_index: 0, part: textPart }),
      frame('response.output_item.done', { output_index: 0, item: completedItem }),
      frame('response.completed', { response: response('completed', true) }),
    )
  }
  return sseResponse(frames, signal, reply.drop)
}

function notFound(path: string): Response {
  return new Response(
    JSON.stringify({ error: { message: `Invalid URL (POST ${path}) (fake OpenAI)`, type: 'invalid_request_error', param: null, code: null } }),
    { status: 404, headers: { 'content-type': 'application/json' } },
  )
}

/** Waits until the request is aborted (or the fake is reset), then answers with nothing useful. */
function hangUntilAborted(signal: AbortSignal, released: Set<() => void>): Promise<Response> {
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done)
      released.delete(done)
      // The client has gone; this answer is never read.
      resolve(new Response(null, { status: 499 }))
    }
    if (signal.aborted) return done()
    signal.addEventListener('abort', done, { once: true })
    released.add(done)
  })
}

// ---------------------------------------------------------------------------------------
// The fake

export function createFakeOpenAI(): FakeOpenAI {
  const queue: (Behaviour | Responder)[] = []
  let responder: Responder = scriptedCoach
  const hanging = new Set<() => void>()

  const fake: FakeOpenAI = {
    calls: [],
    next(...behaviours) {
      queue.push(...behaviours)
    },
    setDefault(next) {
      responder = next
    },
    reset() {
      queue.length = 0
      fake.calls.length = 0
      responder = scriptedCoach
      for (const release of [...hanging]) release()
    },
    async handle(request) {
      const path = new URL(request.url).pathname.replace(/\/+$/, '')
      const api = path.endsWith('/chat/completions') ? 'chat' : path.endsWith('/responses') ? 'responses' : null
      if (request.method !== 'POST' || !api) return notFound(path)

      let body: unknown
      try {
        body = await request.json()
      } catch {
        return statusResponse({ kind: 'status', status: 400, body: JSON.stringify({ error: { message: 'The request body is not valid JSON (fake).', type: 'invalid_request_error', param: null, code: null } }) })
      }
      const parsed = parseRequest(api, body)
      fake.calls.push(parsed.call)

      const entry = queue.shift() ?? responder
      const behaviour = typeof entry === 'function' ? entry(parsed.call) : entry
      const signal = request.signal

      const answer = (reply: Reply) => (api === 'chat' ? chatReply(parsed, reply, signal) : responsesReply(parsed, reply, signal))
      switch (behaviour.kind) {
        case 'status':
          return statusResponse(behaviour)
        case 'hang':
          return hangUntilAborted(signal, hanging)
        case 'text': {
          const reply = { text: behaviour.text, chunkSize: behaviour.chunkSize ?? defaultChunkSize, delayMs: behaviour.delayMs ?? 0, drop: false }
          // A non-streamed answer waits as long as the streamed one would have taken.
          if (!parsed.call.stream && reply.delayMs > 0) {
            await sleep(reply.delayMs * Math.max(0, chunkText(reply.text, reply.chunkSize).length - 1), signal)
          }
          return answer(reply)
        }
        case 'object':
          return answer({ text: JSON.stringify(behaviour.value) ?? 'null', chunkSize: defaultChunkSize, delayMs: 0, drop: false })
        case 'drop':
          return answer({ text: behaviour.text, chunkSize: defaultChunkSize, delayMs: 0, drop: true })
        case 'unfinished':
          return answer({ text: behaviour.text, chunkSize: defaultChunkSize, delayMs: 0, drop: false, unfinished: true })
        case 'nonsense':
          // Structured: prose instead of JSON. Text: an empty reply (no text at all).
          return answer({ text: parsed.call.structured ? nonsenseText : '', chunkSize: defaultChunkSize, delayMs: 0, drop: false })
      }
    },
  }
  return fake
}

/** msw handlers answering POST <base>/chat/completions and <base>/responses for each base URL (default: https://api.openai.com/v1 and http://fake-llm.test/v1). */
export function openAIHandlers(fake: FakeOpenAI, baseUrls: string[] = defaultBaseUrls): HttpHandler[] {
  return baseUrls.flatMap((baseUrl) => {
    const base = baseUrl.replace(/\/+$/, '')
    return [
      http.post(`${base}/chat/completions`, ({ request }) => fake.handle(request)),
      http.post(`${base}/responses`, ({ request }) => fake.handle(request)),
    ]
  })
}

/** The same fake behind a real HTTP server on 127.0.0.1 (random free port), for browser tests: base URL ends with /v1. */
export async function startFakeOpenAIServer(fake: FakeOpenAI): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    serve(fake, req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { message: 'The fake OpenAI server failed (fake).', type: 'server_error', param: null, code: null } }))
      } else {
        res.destroy()
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

async function serve(fake: FakeOpenAI, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const aborter = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) aborter.abort(new DOMException('The client went away', 'AbortError'))
  })
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  const method = req.method ?? 'GET'
  const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks),
    signal: aborter.signal,
  })
  const response = await fake.handle(request)
  if (aborter.signal.aborted || res.destroyed) return
  const outHeaders: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    outHeaders[name] = value
  })
  res.writeHead(response.status, outHeaders)
  res.flushHeaders()
  if (!response.body) {
    res.end()
    return
  }
  const reader = response.body.getReader()
  aborter.signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true })
  try {
    while (true) {
      const { done, value } = await reader.read()
      if (done) break
      // Wait until each chunk is handed to the socket, so a later break ('drop') cannot lose it.
      await new Promise<void>((resolve, reject) => res.write(value, (error) => (error ? reject(error) : resolve())))
    }
    res.end()
  } catch {
    // The fake broke the stream on purpose ('drop'), or the client went away: break the connection.
    res.destroy()
  }
}
