import type { RecordedCall } from './types'

/** Reading a request of either API into what the fake records and answers from. */


export type JsonRecord = Record<string, unknown>

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The text of a message's content: a string, or parts with `text` (text, input_text, output_text). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) {
    return content
      .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
      .filter((text) => text.length > 0)
      .join('\n')
  }
  return ''
}

export interface ParsedRequest {
  call: RecordedCall
  /** Every message's text (not the system's), in order. */
  messageTexts: string[]
  /** The user messages' texts, in order. */
  userTexts: string[]
  /** Whether a chat stream asked for the final usage chunk (`stream_options.include_usage`). */
  includeUsage: boolean
  model: string
}

export function parseRequest(api: 'chat' | 'responses', body: unknown): ParsedRequest {
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
