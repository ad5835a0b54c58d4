import { hasUnsavableCharacters, unsavableCharactersMessage } from '../text.shared'
import { z } from '../zod.shared'

/**
 * The conversation turn protocol, in one place: what the browser sends to
 * `POST /sessions/:id/chat`, the events the server streams back as newline-delimited JSON,
 * the encoder the server writes them with and the one reader that the page, the benchmark
 * and the tests read them with. A pure module (`*.shared.ts`), so the browser imports it.
 */

export const messageSchema = z.object({
  id: z.string().min(1).max(64),
  /** client: the person coached; coach: a human coach's notes; assistant: the AI coach or guided script. */
  role: z.enum(['client', 'coach', 'assistant']),
  content: z.string(),
  at: z.string(),
  /** Guided mode: the field this question asks about; the next client message answers it. */
  field: z.string().optional(),
  /** support: the safety message shown instead of coaching. */
  kind: z.enum(['support']).optional(),
})
export type Message = z.infer<typeof messageSchema>

export const maxMessageLength = 4000

/** A turn: a new message (its id chosen by the browser, so a resend is stored once), or a retry of the unanswered one. */
export const turnInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    messageId: z.uuid('Send the message again.'),
    text: z
      .string()
      .trim()
      .min(1, 'Write something first.')
      .max(maxMessageLength, `Keep a message under ${maxMessageLength.toLocaleString('en')} characters.`)
      .refine((text) => !hasUnsavableCharacters(text), unsavableCharactersMessage),
  }),
  z.object({ kind: z.literal('retry') }),
])
export type TurnInput = z.infer<typeof turnInputSchema>

const usageSchema = z.object({ inputTokens: z.number(), outputTokens: z.number() })

/** saved (the client's message is stored), delta… (the reply as it is written), then done, paused or error. */
export const turnEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('saved'), message: messageSchema }),
  z.object({ type: z.literal('delta'), text: z.string() }),
  z.object({ type: z.literal('done'), message: messageSchema, usage: usageSchema.nullable() }),
  z.object({ type: z.literal('paused'), message: messageSchema }),
  /** `status`: the HTTP status this error answers with when it comes before anything was streamed. */
  z.object({ type: z.literal('error'), message: z.string(), retryable: z.boolean(), status: z.number().int().optional() }),
])
export type TurnEvent = z.infer<typeof turnEventSchema>

export const turnContentType = 'application/x-ndjson; charset=utf-8'

/** One event as one line of the stream. */
export function encodeTurnEvent(event: TurnEvent): string {
  return `${JSON.stringify(event)}\n`
}

/** Reads a turn's stream event by event; a line that is not a turn event is an error, not skipped. */
export async function* readTurnEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<TurnEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffered = ''
  const parse = (line: string): TurnEvent => {
    const parsed = turnEventSchema.safeParse(JSON.parse(line))
    if (!parsed.success) throw new Error(`Not a turn event: ${line.slice(0, 300)}`)
    return parsed.data
  }
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffered += decoder.decode(value, { stream: true })
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline)
        buffered = buffered.slice(newline + 1)
        if (line.trim()) yield parse(line)
      }
    }
    const rest = buffered + decoder.decode()
    if (rest.trim()) yield parse(rest)
  } finally {
    reader.releaseLock()
  }
}
