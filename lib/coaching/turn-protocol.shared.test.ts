import { describe, expect, it } from 'vitest'
import { encodeTurnEvent, readTurnEvents, type TurnEvent } from './turn-protocol.shared'

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder()
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
      controller.close()
    },
  })
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<TurnEvent[]> {
  const events: TurnEvent[] = []
  for await (const event of readTurnEvents(stream)) events.push(event)
  return events
}

const message = { id: 'm1', role: 'client' as const, content: 'Hello — “quoted”, and an emoji 🙂', at: '2026-12-02T06:00:00.000Z' }

describe('the turn protocol', () => {
  it('reads back what it encodes, whatever the chunk boundaries', async () => {
    const events: TurnEvent[] = [
      { type: 'saved', message },
      { type: 'delta', text: 'Hi' },
      { type: 'done', message: { ...message, id: 'm2', role: 'assistant' }, usage: { inputTokens: 3, outputTokens: 1 } },
    ]
    const text = events.map(encodeTurnEvent).join('')
    const bytes = new TextEncoder().encode(text)
    // Split inside lines and inside multi-byte characters.
    const chunks = [bytes.slice(0, 7), bytes.slice(7, 50), bytes.slice(50, 51), bytes.slice(51)]
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk)
        controller.close()
      },
    })
    expect(await readAll(stream)).toEqual(events)
  })

  it('reads a last line without its newline and skips blank lines', async () => {
    expect(await readAll(streamOf(['\n', '{"type":"delta","text":"a"}\n\n{"type":"error","message":"x","retryable":true}']))).toEqual([
      { type: 'delta', text: 'a' },
      { type: 'error', message: 'x', retryable: true },
    ])
  })

  it('refuses a line that is not a turn event instead of skipping it', async () => {
    await expect(readAll(streamOf(['{"type":"surprise"}\n']))).rejects.toThrow(/Not a turn event/)
  })
})
