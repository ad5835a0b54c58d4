import { randomUUID } from 'node:crypto'
import { estimateTokens } from './defaults'
import type { Behaviour } from './types'
import type { ParsedRequest } from './request'

/** The HTTP side of answering, common to both APIs: errors, JSON, server-sent events, a broken connection, hanging. */

/** How long a dropped stream stays open after its last text before it breaks. */
const dropDelayMs = 30

export const encoder = new TextEncoder()

export function newId(prefix: string): string {
  return `${prefix}${randomUUID().replace(/-/g, '')}`
}

export function chunkText(text: string, size: number): string[] {
  const characters = Array.from(text) // never split a surrogate pair
  const chunks: string[] = []
  const step = Math.max(1, Math.floor(size))
  for (let index = 0; index < characters.length; index += step) chunks.push(characters.slice(index, index + step).join(''))
  return chunks
}

export function sleep(ms: number, signal: AbortSignal): Promise<void> {
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

export function errorType(status: number): { type: string; code: string | null; message: string } {
  if (status === 400) return { type: 'invalid_request_error', code: null, message: 'Invalid request (fake).' }
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided (fake).' }
  if (status === 403) return { type: 'invalid_request_error', code: 'unsupported_country_region_territory', message: 'Access denied (fake).' }
  if (status === 404) return { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it (fake).' }
  if (status === 429) return { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests (fake).' }
  if (status >= 500) return { type: 'server_error', code: null, message: 'The server had an error while processing your request (fake).' }
  return { type: 'invalid_request_error', code: null, message: `Request failed with status ${status} (fake).` }
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500
}

export function statusResponse(behaviour: Extract<Behaviour, { kind: 'status' }>): Response {
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

export function jsonResponse(value: unknown): Response {
  return new Response(JSON.stringify(value), {
    status: 200,
    headers: { 'content-type': 'application/json', 'x-request-id': newId('req_') },
  })
}

/** One server-sent event: `data:` only for chat completions, `event:` + `data:` for the Responses API. */
export type SseFrame = { event?: string; data: string; delayBefore?: number }

/** Resolves once the signal aborts. */
function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    signal.addEventListener('abort', () => resolve(), { once: true })
  })
}

/**
 * A stream of server-sent events: after the frames it ends (`close`), breaks (`break`, a
 * dropped connection), or, given a signal instead, waits until that signal aborts and only
 * then breaks (a model that stalls mid-reply until the caller gives up).
 */
export function sseResponse(frames: SseFrame[], signal: AbortSignal, ending: 'close' | 'break' | AbortSignal): Response {
  const breakAtEnd = ending !== 'close'
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
        if (ending instanceof AbortSignal) {
          await untilAborted(ending)
          if (!cancelled) controller.error(signal.reason ?? new DOMException('The request was aborted', 'AbortError'))
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
export function brokenJsonResponse(value: unknown): Response {
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

export interface Reply {
  text: string
  chunkSize: number
  delayMs: number
  /** The connection breaks after the text, before any finish. */
  drop: boolean
  /** The stream ends cleanly after the text, but without any finish. */
  unfinished?: boolean
  /** After the text the stream stalls, sending nothing more, until this signal aborts (then it breaks). */
  stallUntil?: AbortSignal
}

/** How a streamed reply ends after its text. */
export function endingOf(reply: Reply): 'close' | 'break' | AbortSignal {
  return reply.stallUntil ?? (reply.drop ? 'break' : 'close')
}

export function usageNumbers(parsed: ParsedRequest, outputText: string) {
  const input = estimateTokens(parsed.call.system + parsed.messageTexts.join('\n'))
  const output = estimateTokens(outputText)
  return { input, output }
}


export function notFound(path: string): Response {
  return new Response(
    JSON.stringify({ error: { message: `Invalid URL (POST ${path}) (fake OpenAI)`, type: 'invalid_request_error', param: null, code: null } }),
    { status: 404, headers: { 'content-type': 'application/json' } },
  )
}

/** Waits until the request is aborted (or the fake is reset), then answers with nothing useful. */
export function hangUntilAborted(signal: AbortSignal, released: Set<() => void>): Promise<Response> {
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
