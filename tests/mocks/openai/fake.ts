import { http, type HttpHandler } from 'msw'
import { chatReply } from './chat-completions'
import { chunkText, hangUntilAborted, notFound, sleep, statusResponse, type Reply } from './http-replies'
import { parseRequest } from './request'
import { responsesReply } from './responses-api'
import { scriptedCoach } from './scripted-coach'
import type { Behaviour, FakeOpenAI, Responder } from './types'
import { defaultBaseUrls, defaultChunkSize, nonsenseText } from './defaults'

/** The fake itself: records each call, answers from its queue or its default responder. */

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
      request.signal.addEventListener('abort', () => (parsed.call.aborted = true), { once: true })

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
        case 'stall': {
          // Streams the text, then nothing until the caller aborts the request (or the fake is reset).
          if (!parsed.call.stream) return hangUntilAborted(signal, hanging)
          const released = new AbortController()
          const release = () => {
            hanging.delete(release)
            released.abort()
          }
          hanging.add(release)
          signal.addEventListener('abort', release, { once: true })
          return answer({ text: behaviour.text, chunkSize: defaultChunkSize, delayMs: 0, drop: false, stallUntil: released.signal })
        }
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

