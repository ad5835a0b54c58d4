import { describe, expect, it } from 'vitest'
import { turnContentType } from '#lib/coaching/turn-protocol.shared'
import { acceptsGzip, compressWhole, gzipWhenWorthIt, minimumCompressedBytes } from './compression'

describe('compression once per response', () => {
  it('reads Accept-Encoding, including a refusal with q=0', () => {
    expect(acceptsGzip('gzip, deflate, br')).toBe(true)
    expect(acceptsGzip('br;q=1.0, gzip;q=0.8')).toBe(true)
    expect(acceptsGzip('*')).toBe(true)
    expect(acceptsGzip('gzip;q=0')).toBe(false)
    expect(acceptsGzip('identity')).toBe(false)
    expect(acceptsGzip(undefined)).toBe(false)
  })

  it('gzips pages and data whole, never the chat turn’s stream or a body already encoded', () => {
    const headers = (values: Record<string, string>) => new Headers(values)
    expect(compressWhole(headers({ 'Content-Type': 'text/html; charset=utf-8' }))).toBe(true)
    expect(compressWhole(headers({ 'Content-Type': 'text/x-script' }))).toBe(true)
    expect(compressWhole(headers({ 'Content-Type': 'application/json; charset=utf-8' }))).toBe(true)
    expect(compressWhole(headers({ 'Content-Type': turnContentType, 'X-Accel-Buffering': 'no' }))).toBe(false)
    expect(compressWhole(headers({ 'Content-Type': turnContentType }))).toBe(false)
    expect(compressWhole(headers({ 'Content-Type': 'text/event-stream' }))).toBe(false)
    expect(compressWhole(headers({ 'Content-Type': 'text/html', 'Content-Encoding': 'br' }))).toBe(false)
    expect(compressWhole(headers({ 'Content-Type': 'image/png' }))).toBe(false)
  })

  it('leaves small bodies as they are', async () => {
    expect((await gzipWhenWorthIt(Buffer.alloc(minimumCompressedBytes - 1, 'a'))).gzipped).toBe(false)
    expect((await gzipWhenWorthIt(Buffer.alloc(minimumCompressedBytes, 'a'))).gzipped).toBe(true)
  })
})
