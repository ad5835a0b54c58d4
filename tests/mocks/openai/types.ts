/** The fake OpenAI's vocabulary: what it records of a call and how it can answer. */

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
  /** set to true when the caller aborts the request (a timeout, or the app stopping a reply) */
  aborted?: boolean
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
  | { kind: 'stall'; text: string } // streams `text` in chunks, then stalls (sends nothing, no finish) until the request is aborted; non-streamed: hangs
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

