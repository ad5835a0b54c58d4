import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import zlib from 'node:zlib'

/**
 * Compression once per response (issue 10): a page is rendered whole (no route streams
 * with defer), so it is gzipped as one buffer, off the main thread, instead of the
 * `compression` middleware's gzip work on every streamed chunk. Streams meant to arrive
 * as they are written (the chat turn's NDJSON) are never compressed; the built assets are
 * gzipped once at start-up and served from memory. HTTP_COMPRESSION=off leaves all of it
 * to a proxy (docs/decisions/013-one-unit-of-work-per-request.md).
 */

const gzip = promisify(zlib.gzip)

/** Smaller bodies go as they are: gzip's header and the work would not pay off. */
export const minimumCompressedBytes = 1024

/** Whether an Accept-Encoding header takes gzip (and does not refuse it with q=0). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '')
  for (const part of value.split(',')) {
    const [coding = '', ...parameters] = part.trim().toLowerCase().split(';')
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') continue
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='))
    return q === undefined || Number(q.slice(2)) > 0
  }
  return false
}

const wholeBodyTypes = /^(text\/(html|plain|css|javascript|x-script|calendar|xml)|application\/(json|javascript|xml))\b/i

/**
 * A response to gzip whole: text of a known type, not already encoded, and not a stream
 * the reader needs piece by piece (NDJSON, event streams, or one that says so).
 */
export function compressWhole(headers: Headers): boolean {
  const type = headers.get('content-type') ?? ''
  return wholeBodyTypes.test(type) && !headers.has('content-encoding') && headers.get('x-accel-buffering') !== 'no'
}

/** The body gzipped when it is worth it, else as it is. */
export async function gzipWhenWorthIt(body: Buffer): Promise<{ body: Buffer; gzipped: boolean }> {
  if (body.length < minimumCompressedBytes) return { body, gzipped: false }
  return { body: await gzip(body), gzipped: true }
}

const assetTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
}

export interface GzippedAsset {
  type: string
  body: Buffer
}

/** The built assets worth compressing, gzipped once, by their URL path under /assets. */
export function gzipAssets(directory: string): Map<string, GzippedAsset> {
  const assets = new Map<string, GzippedAsset>()
  if (!fs.existsSync(directory)) return assets
  for (const entry of fs.readdirSync(directory, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue
    const type = assetTypes[path.extname(entry.name)]
    if (!type) continue
    const file = path.join(entry.parentPath, entry.name)
    const content = fs.readFileSync(file)
    if (content.length < minimumCompressedBytes) continue
    const urlPath = `/${path.relative(directory, file).split(path.sep).join('/')}`
    assets.set(urlPath, { type, body: zlib.gzipSync(content, { level: 9 }) })
  }
  return assets
}
