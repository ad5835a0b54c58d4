
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
 * `stall` streams its text and then sends nothing (no finish) until the request is aborted,
 * as a model that slows to a halt mid-reply. `reset()` also lets go of hanging and stalled
 * requests (a hanging one gets a 499).
 */

export { createFakeOpenAI, openAIHandlers } from './fake'
export { coachReply, lastUserMessage, scriptedCoach, scriptedObject, stageAskedFor } from './scripted-coach'
export { startFakeOpenAIServer } from './server'
export type { Behaviour, FakeOpenAI, RecordedCall, Responder } from './types'
export { defaultBaseUrls, estimateTokens, nonsenseText } from './defaults'
