import { createOpenAI } from '@ai-sdk/openai'
import { APICallError, generateText, NoObjectGeneratedError, Output, RetryError, streamText, type LanguageModel, type TextStreamPart, type ToolSet } from 'ai'
import { http, passthrough } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeReplyFailure, generateStructured, streamReply, type ReplyEvent } from '#lib/ai/calls'
import { getChatModel } from '#lib/ai/model'
import { stageFieldSchemas } from '#lib/coaching/stages.shared'
import { summarySchema } from '#lib/coaching/summary-schema'
import { suggestionsSchema } from '#lib/coaching/stage-work'
import { enrichmentSchema } from '#lib/plans/from-session'
import { coachReply, createFakeOpenAI, estimateTokens, nonsenseText, openAIHandlers, startFakeOpenAIServer, type RecordedCall } from './openai'

/**
 * Proves the fake OpenAI API with the REAL `@ai-sdk/openai` code: msw intercepts `fetch`,
 * and the provider parses what the fake answers, for both APIs the app uses.
 */

const fake = createFakeOpenAI()
const server = setupServer(...openAIHandlers(fake))

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  fake.reset()
  server.resetHandlers()
})
afterAll(() => server.close())

const providers: { api: RecordedCall['api']; model: () => LanguageModel }[] = [
  { api: 'responses', model: () => createOpenAI({ apiKey: 'sk-test' })('gpt-4o-mini') },
  { api: 'chat', model: () => createOpenAI({ baseURL: 'http://fake-llm.test/v1', apiKey: 'x' }).chat('llama3.1') },
]

const system = 'You are a careful coach.'
const conversation = [
  { role: 'user' as const, content: '<client_message>\nI want to finally start planning the new project with my team\n</client_message>' },
]

async function collect(stream: AsyncIterable<TextStreamPart<ToolSet>>) {
  const deltas: string[] = []
  const errors: unknown[] = []
  const types: string[] = []
  let thrown: unknown
  try {
    for await (const part of stream) {
      types.push(part.type)
      if (part.type === 'text-delta') deltas.push(part.text)
      if (part.type === 'error') errors.push(part.error)
    }
  } catch (error) {
    // A body that breaks mid-stream is not an error part: iterating the stream throws.
    thrown = error
  }
  return { deltas, errors, types, thrown, text: deltas.join('') }
}

function today(offsetDays = 0): string {
  const date = new Date()
  date.setUTCDate(date.getUTCDate() + offsetDays)
  return date.toISOString().slice(0, 10)
}

describe.each(providers)('the fake OpenAI API through the real SDK: $api', ({ api, model }) => {
  it('streams the scripted coach’s reply in several chunks and reports usage', async () => {
    const result = streamText({ model: model(), system, messages: conversation, maxRetries: 0 })
    const { deltas, errors, text } = await collect(result.fullStream)
    expect(errors).toEqual([])
    expect(text).toBe('You said "I want to finally start planning the new…". What matters most to you about that?')
    expect(deltas.filter((d) => d.length > 0).length).toBeGreaterThan(3)
    const usage = await result.usage
    expect(usage.inputTokens).toBe(estimateTokens(system + conversation[0]!.content))
    expect(usage.outputTokens).toBe(estimateTokens(text))
    expect(await result.finishReason).toBe('stop')

    expect(fake.calls).toHaveLength(1)
    const call = fake.calls[0]!
    expect(call).toMatchObject({ api, stream: true, structured: false, schemaKeys: [], system, userText: conversation[0]!.content })
    expect(coachReply(call)).toBe(text)
  })

  it('streams a scripted text in chunks of the given size, with delays', async () => {
    fake.next({ kind: 'text', text: 'Hello there, how are you?', chunkSize: 5, delayMs: 5 })
    const result = streamText({ model: model(), prompt: 'Hi', maxRetries: 0 })
    const { deltas } = await collect(result.fullStream)
    expect(deltas.filter((d) => d.length > 0)).toEqual(['Hello', ' ther', 'e, ho', 'w are', ' you?'])
    expect(fake.calls[0]!.userText).toBe('Hi')
  })

  it('answers a non-streamed text call with usage', async () => {
    fake.next({ kind: 'text', text: 'A plain answer.' })
    const result = await generateText({ model: model(), system: 'S', prompt: 'Question?', maxRetries: 0 })
    expect(result.text).toBe('A plain answer.')
    expect(result.usage.inputTokens).toBe(estimateTokens('SQuestion?'))
    expect(result.usage.outputTokens).toBe(estimateTokens('A plain answer.'))
    expect(fake.calls[0]).toMatchObject({ api, stream: false, structured: false, system: 'S', userText: 'Question?' })
  })

  it('keeps assistant turns out of userText but counts them as input', async () => {
    const messages = [
      { role: 'user' as const, content: 'first' },
      { role: 'assistant' as const, content: 'a reply' },
      { role: 'user' as const, content: 'second' },
    ]
    const result = await generateText({ model: model(), system: 'S', messages, maxRetries: 0 })
    expect(result.text).toBe('You said "second". What matters most to you about that?')
    expect(fake.calls[0]!.userText).toBe('first\nsecond')
    expect(result.usage.inputTokens).toBe(estimateTokens('S' + 'first\na reply\nsecond'))
  })

  it('returns a queued object through Output.object, and records the schema', async () => {
    fake.next({ kind: 'object', value: { answer: 'yes', score: 3 } })
    const schema = z.object({ answer: z.string(), score: z.number() })
    const result = await generateText({ model: model(), system: 'Extract.', prompt: 'Data', output: Output.object({ schema }), maxRetries: 0 })
    expect(result.output).toEqual({ answer: 'yes', score: 3 })
    expect(result.usage.outputTokens).toBe(estimateTokens(JSON.stringify({ answer: 'yes', score: 3 })))
    expect(fake.calls[0]).toMatchObject({ api, stream: false, structured: true, schemaKeys: ['answer', 'score'], system: 'Extract.', userText: 'Data' })
  })

  it('streams structured output too', async () => {
    const schema = z.object({ questions: z.array(z.string()), missing: z.array(z.string()) })
    const result = streamText({ model: model(), prompt: 'Suggest', output: Output.object({ schema }), maxRetries: 0 })
    const { deltas } = await collect(result.fullStream)
    expect(deltas.filter((d) => d.length > 0).length).toBeGreaterThan(3)
    expect(suggestionsSchema.parse(await result.output).questions.length).toBeGreaterThan(0)
    expect(fake.calls[0]).toMatchObject({ stream: true, structured: true, schemaKeys: ['questions', 'missing'] })
  })

  it('answers each of the app’s schemas with a valid object by default', async () => {
    const schemas: [string, z.ZodType][] = [
      ...Object.entries(stageFieldSchemas),
      ['summary', summarySchema],
      ['plans', enrichmentSchema],
      ['suggestions', suggestionsSchema],
    ]
    for (const [name, schema] of schemas) {
      const result = await generateText({ model: model(), prompt: `Extract ${name}`, output: Output.object({ schema }), maxRetries: 0 })
      expect(schema.safeParse(result.output).success, name).toBe(true)
      expect(result.output, name).not.toEqual({})
    }
    const finish = stageFieldSchemas.finish.parse(await lastObject(model(), stageFieldSchemas.finish))
    expect(finish.actionSteps).toHaveLength(2)
    expect(finish.actionSteps.map((s) => s.dueDate)).toEqual([today(7), today(14)])
    expect(finish.actionSteps.every((s) => s.priority !== null && s.dueDate! > today())).toBe(true)
    expect(Object.values(finish.smartCriteria).every((v) => typeof v === 'string' && v.length > 0)).toBe(true)
    const checkIn = stageFieldSchemas.check_in.parse(await lastObject(model(), stageFieldSchemas.check_in))
    expect(checkIn.previousActionsReview).toEqual([])
  })

  it('dates plan milestones on or before the steps’ due dates given in the prompt', async () => {
    const finishFields = { goalStatement: 'Ship it', actionSteps: [
      { title: 'One', description: null, dueDate: today(2), priority: 1 },
      { title: 'Two', description: null, dueDate: today(10), priority: null },
      { title: 'Three', description: null, dueDate: null, priority: null },
    ] }
    const prompt = `<context>\nSession date: ${today()}.\n</context>\n\n<stages>\nFinish: ${JSON.stringify(finishFields)}\n</stages>`
    const result = await generateText({ model: model(), prompt, output: Output.object({ schema: enrichmentSchema }), maxRetries: 0 })
    const plans = result.output.plans
    expect(plans.map((p) => p.stepNumber)).toEqual([1, 2, 3])
    expect(plans.map((p) => p.milestones.length)).toEqual([2, 2, 2])
    expect(plans[0]!.milestones.every((m) => m.dueDate! <= today(2))).toBe(true)
    expect(plans[1]!.milestones.every((m) => m.dueDate! <= today(10))).toBe(true)

    const summary = await generateText({ model: model(), prompt, output: Output.object({ schema: summarySchema }), maxRetries: 0 })
    expect(summary.output.goalStatement).toBe('Ship it')
    expect(summary.output.actionPlan.map((a) => a.title)).toEqual(['One', 'Two', 'Three'])
  })

  it('gives {} for a schema it does not know', async () => {
    const schema = z.object({ whatever: z.string().optional() })
    const result = await generateText({ model: model(), prompt: 'x', output: Output.object({ schema }), maxRetries: 0 })
    expect(result.output).toEqual({})
  })

  it('answers with an HTTP error: 429 is an APICallError, retried into a RetryError', async () => {
    fake.next({ kind: 'status', status: 429 })
    const error = await generateText({ model: model(), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e)
    expect(APICallError.isInstance(error)).toBe(true)
    expect((error as APICallError).statusCode).toBe(429)
    expect((error as APICallError).isRetryable).toBe(true)
    expect((error as APICallError).message).toMatch(/rate limit/i)

    fake.next({ kind: 'status', status: 500 }, { kind: 'status', status: 503 })
    const started = Date.now()
    const retried = await generateText({ model: model(), prompt: 'x', maxRetries: 1 }).catch((e: unknown) => e)
    expect(RetryError.isInstance(retried)).toBe(true)
    expect(((retried as RetryError).lastError as APICallError).statusCode).toBe(503)
    expect(Date.now() - started).toBeLessThan(1000) // retry-after-ms honoured
    expect(fake.calls).toHaveLength(3)

    // The third attempt falls back to the default and succeeds.
    fake.next({ kind: 'status', status: 429 }, { kind: 'status', status: 500 })
    const recovered = await generateText({ model: model(), prompt: 'hello', maxRetries: 2 })
    expect(recovered.text).toContain('hello')
  })

  it('401 is not retried; a raw body is passed through', async () => {
    fake.next({ kind: 'status', status: 401 })
    const error = await generateText({ model: model(), prompt: 'x', maxRetries: 2 }).catch((e: unknown) => e)
    expect(APICallError.isInstance(error)).toBe(true)
    expect((error as APICallError).statusCode).toBe(401)
    expect(fake.calls).toHaveLength(1)

    fake.next({ kind: 'status', status: 502, body: 'Bad gateway' })
    const raw = await generateText({ model: model(), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e)
    expect((raw as APICallError).statusCode).toBe(502)
    expect((raw as APICallError).responseBody).toBe('Bad gateway')
  })

  it('a streamed call that gets an HTTP error reports it in the stream', async () => {
    fake.next({ kind: 'status', status: 500 })
    const result = streamText({ model: model(), prompt: 'x', maxRetries: 0, onError: () => {} })
    const { errors, text } = await collect(result.fullStream)
    expect(text).toBe('')
    expect(errors).toHaveLength(1)
    expect(APICallError.isInstance(errors[0])).toBe(true)
  })

  it('hang: nothing comes until the request is aborted', async () => {
    fake.next({ kind: 'hang' })
    const started = Date.now()
    const error = await generateText({ model: model(), prompt: 'x', maxRetries: 0, abortSignal: AbortSignal.timeout(200) }).catch((e: unknown) => e)
    expect(Date.now() - started).toBeGreaterThanOrEqual(150)
    expect((error as Error).name).toMatch(/TimeoutError|AbortError/)

    fake.next({ kind: 'hang' })
    let failure: unknown
    const result = streamText({
      model: model(),
      prompt: 'x',
      maxRetries: 0,
      abortSignal: AbortSignal.timeout(200),
      onError: ({ error }) => {
        failure = error
      },
    })
    const { text, types, errors } = await collect(result.fullStream)
    expect(text).toBe('')
    expect(types.includes('abort') || errors.length > 0 || failure !== undefined).toBe(true)
  })

  it('a slow stream can be aborted part-way', async () => {
    fake.next({ kind: 'text', text: 'one two three four five six seven', chunkSize: 4, delayMs: 100 })
    const result = streamText({ model: model(), prompt: 'x', maxRetries: 0, abortSignal: AbortSignal.timeout(250), onError: () => {} })
    const { text, types } = await collect(result.fullStream)
    expect(text.length).toBeGreaterThan(0)
    expect(text.length).toBeLessThan('one two three four five six seven'.length)
    expect(types).toContain('abort')
  })

  it('stall: the text streams, then nothing until the caller aborts, and no finish', async () => {
    fake.next({ kind: 'stall', text: 'Let me think about what you said' })
    const stop = new AbortController()
    const result = streamText({ model: model(), prompt: 'x', maxRetries: 0, abortSignal: stop.signal, onError: () => {} })
    let text = ''
    const types: string[] = []
    for await (const part of result.fullStream) {
      types.push(part.type)
      if (part.type !== 'text-delta') continue
      text += part.text
      // Everything the fake had to say has arrived: only the caller can end the stream now.
      if (text === 'Let me think about what you said') stop.abort()
    }
    expect(text).toBe('Let me think about what you said')
    expect(types).toContain('abort')
    expect(types).not.toContain('finish')
  })

  it('drop: the stream errors after the partial text, without a finish', async () => {
    fake.next({ kind: 'drop', text: 'I was saying something import' })
    const result = streamText({ model: model(), prompt: 'x', maxRetries: 0, onError: () => {} })
    const { text, types, thrown } = await collect(result.fullStream)
    expect(text).toBe('I was saying something import')
    expect(types).not.toContain('finish')
    // The SDK wraps the broken body: an APICallError (status 200, not retryable) caused by the network error.
    expect(APICallError.isInstance(thrown)).toBe(true)
    expect((thrown as APICallError).statusCode).toBe(200)
    expect(String((thrown as APICallError).cause)).toMatch(/terminated/)
    await expect(result.finishReason).rejects.toThrow()
  })

  it('drop on a non-streamed call fails it', async () => {
    fake.next({ kind: 'drop', text: 'half' })
    const error = await generateText({ model: model(), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Error)
  })

  it('nonsense: a structured call gets prose, and Output.object fails', async () => {
    fake.next({ kind: 'nonsense' })
    const schema = z.object({ topic: z.string() })
    const error = await generateText({ model: model(), prompt: 'x', output: Output.object({ schema }), maxRetries: 0 }).catch((e: unknown) => e)
    expect(NoObjectGeneratedError.isInstance(error)).toBe(true)
    expect((error as NoObjectGeneratedError).text).toBe(nonsenseText)
  })

  it('nonsense: a text call gets an empty reply', async () => {
    fake.next({ kind: 'nonsense' })
    const result = streamText({ model: model(), prompt: 'x', maxRetries: 0 })
    const { text, errors } = await collect(result.fullStream)
    expect(errors).toEqual([])
    expect(text).toBe('')
  })

  it('uses the queue in order, calls responders, then the default; reset restores it', async () => {
    fake.setDefault(() => ({ kind: 'text', text: 'default!' }))
    fake.next({ kind: 'text', text: 'first' }, (call) => ({ kind: 'text', text: `echo ${call.userText}` }))
    const texts: string[] = []
    for (const prompt of ['a', 'b', 'c']) texts.push((await generateText({ model: model(), prompt, maxRetries: 0 })).text)
    expect(texts).toEqual(['first', 'echo b', 'default!'])
    expect(fake.calls.map((c) => c.userText)).toEqual(['a', 'b', 'c'])
    fake.reset()
    expect(fake.calls).toEqual([])
    expect((await generateText({ model: model(), prompt: 'again', maxRetries: 0 })).text).toBe('You said "again". What matters most to you about that?')
  })
})

describe('the raw wire format', () => {
  it('records the request body as sent', async () => {
    await generateText({ model: providers[0]!.model(), system: 'Sys', prompt: 'Hi', output: Output.object({ schema: z.object({ a: z.string() }) }), maxRetries: 0 }).catch(() => {})
    await generateText({ model: providers[1]!.model(), system: 'Sys', prompt: 'Hi', output: Output.object({ schema: z.object({ a: z.string() }) }), maxRetries: 0 }).catch(() => {})
    const [responses, chat] = fake.calls
    expect(responses!.body).toMatchObject({ model: 'gpt-4o-mini', input: [{ role: 'system', content: 'Sys' }, { role: 'user', content: [{ type: 'input_text', text: 'Hi' }] }], text: { format: { type: 'json_schema', name: 'response', strict: true } } })
    expect(chat!.body).toMatchObject({ model: 'llama3.1', messages: [{ role: 'system', content: 'Sys' }, { role: 'user', content: 'Hi' }], response_format: { type: 'json_schema', json_schema: { name: 'response', strict: true } } })
  })

  it('answers an unknown path with 404', async () => {
    const response = await fake.handle(new Request('http://fake-llm.test/v1/embeddings', { method: 'POST', body: '{}' }))
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } })
  })
})

describe('the app’s own model calls against the fake', () => {
  const settings = [
    { api: 'responses', env: { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: undefined, AI_MODEL: undefined, AI_TIMEOUT_MS: 5000 } },
    { api: 'chat', env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: 'http://fake-llm.test/v1', AI_MODEL: 'llama3.1', AI_TIMEOUT_MS: 5000 } },
  ] as const

  it.each(settings)('streamReply, generateStructured and their failures ($api)', async ({ api, env }) => {
    const ai = getChatModel(env)!
    const events: ReplyEvent[] = []
    for await (const event of streamReply(ai, { system: 'Coach.', messages: [{ role: 'user', content: '<client_message>\nMy week was hectic\n</client_message>' }] })) {
      events.push(event)
    }
    const finish = events.at(-1)
    expect(finish).toMatchObject({ type: 'finish', text: 'You said "My week was hectic". What matters most to you about that?' })
    expect(finish?.type === 'finish' && finish.usage.outputTokens).toBe(estimateTokens('You said "My week was hectic". What matters most to you about that?'))
    expect(fake.calls[0]).toMatchObject({ api, stream: true })
    expect(fake.calls[0]!.system).toContain('Confidential marker: SC-')

    // Two rate limits, then the default answers: the app's two retries get there quickly.
    fake.next({ kind: 'status', status: 429 }, { kind: 'status', status: 429 })
    const { value } = await generateStructured(ai, { system: 'Extract.', prompt: 'Transcript', schema: stageFieldSchemas.finish })
    expect(value.actionSteps).toHaveLength(2)

    fake.next({ kind: 'drop', text: 'A reply that breaks off' })
    const failure = await (async () => {
      for await (const _ of streamReply(ai, { system: 'Coach.', messages: [{ role: 'user', content: 'Hi' }] })) void _
    })().catch((error: unknown) => error)
    expect(describeReplyFailure(failure).retryable).toBe(true)
  })
})

describe('the fake behind a real HTTP server', () => {
  it('serves both APIs, streamed and not, breaks on drop and lets go on abort', async () => {
    const { baseUrl, close } = await startFakeOpenAIServer(fake)
    server.use(http.all(`${baseUrl}/*`, () => passthrough()))
    try {
      expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
      const chat = createOpenAI({ baseURL: baseUrl, apiKey: 'x' }).chat('llama3.1')
      const responses = createOpenAI({ baseURL: baseUrl, apiKey: 'sk-test' })('gpt-4o-mini')
      for (const model of [chat, responses]) {
        const streamed = streamText({ model, prompt: 'over the wire', maxRetries: 0 })
        const { text, deltas } = await collect(streamed.fullStream)
        expect(text).toBe('You said "over the wire". What matters most to you about that?')
        expect(deltas.filter((d) => d.length > 0).length).toBeGreaterThan(3)
        expect((await streamed.usage).outputTokens).toBe(estimateTokens(text))

        const object = await generateText({ model, prompt: 'x', output: Output.object({ schema: stageFieldSchemas.connect }), maxRetries: 0 })
        expect(object.output.options.length).toBeGreaterThan(0)

        fake.next({ kind: 'drop', text: 'cut off here' })
        const dropped = streamText({ model, prompt: 'x', maxRetries: 0, onError: () => {} })
        const partial = await collect(dropped.fullStream)
        expect(partial.text).toBe('cut off here')
        expect(APICallError.isInstance(partial.thrown)).toBe(true)

        fake.next({ kind: 'status', status: 429 })
        const limited = await generateText({ model, prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e)
        expect((limited as APICallError).statusCode).toBe(429)

        fake.next({ kind: 'hang' })
        const hung = await generateText({ model, prompt: 'x', maxRetries: 0, abortSignal: AbortSignal.timeout(200) }).catch((e: unknown) => e)
        expect((hung as Error).name).toMatch(/TimeoutError|AbortError/)
      }
      expect(fake.calls.map((c) => c.api)).toEqual(['chat', 'chat', 'chat', 'chat', 'chat', 'responses', 'responses', 'responses', 'responses', 'responses'])
    } finally {
      await close()
    }
  })
})

async function lastObject<Schema extends z.ZodType>(model: LanguageModel, schema: Schema): Promise<z.output<Schema>> {
  const result = await generateText({ model, prompt: 'again', output: Output.object({ schema }), maxRetries: 0 })
  return result.output as z.output<Schema>
}
