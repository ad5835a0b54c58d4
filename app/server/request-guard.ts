import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'

/**
 * One guard in front of every request that changes something (anything but GET, HEAD and
 * OPTIONS), before any route reads a byte of its body:
 *
 * - **Origin**: a browser names the page a request comes from; one from another origin —
 *   even another origin of the same site, which SameSite cookies do not stop — is refused
 *   with 403. Remix checks this for some form actions only; here it holds for every route,
 *   the chat and sign-out included.
 * - **Kind**: only the bodies the app reads are accepted (forms, multipart forms, JSON),
 *   anything else is 415.
 * - **Size**: each kind has a limit, checked against Content-Length before reading and
 *   while reading, so a huge body is refused with 413 without being held in memory.
 *
 * See docs/security.md and docs/decisions/009-one-guard-for-requests-that-change-things.md.
 */

export const bodyLimits = {
  /** Forms: the longest (a stage's fields) is a few thousand characters. */
  form: 256 * 1024,
  /** JSON: a chat turn (4,000 characters, even if every one is escaped). */
  json: 64 * 1024,
} as const

export type BodyKind = 'none' | 'form' | 'multipart' | 'json'

export interface Refusal {
  status: 403 | 413 | 415
  message: string
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

export function changesSomething(method: string | undefined): boolean {
  return !safeMethods.has((method ?? 'GET').toUpperCase())
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value[0] : value
}

export function bodyKind(headers: IncomingHttpHeaders): BodyKind | 'other' {
  const type = header(headers, 'content-type')?.split(';')[0]?.trim().toLowerCase()
  if (!type) return hasBody(headers) ? 'other' : 'none'
  if (type === 'application/x-www-form-urlencoded') return 'form'
  if (type === 'multipart/form-data') return 'multipart'
  if (type === 'application/json') return 'json'
  return 'other'
}

function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = header(headers, 'content-length')
  return header(headers, 'transfer-encoding') !== undefined || (length !== undefined && length !== '0')
}

export function limitFor(kind: BodyKind): number {
  return kind === 'json' ? bodyLimits.json : kind === 'none' ? 0 : bodyLimits.form
}

/**
 * Whether the request comes from this app's own pages. `host` is the host (with port) the
 * browser addressed: the Host header, or X-Forwarded-Host behind a trusted proxy.
 */
export function refuseCrossOrigin(headers: IncomingHttpHeaders, host: string | undefined): Refusal | null {
  const refusal: Refusal = {
    status: 403,
    message: 'This request came from another site, so Stagecoach did not act on it. Go back to Stagecoach and try again there.',
  }
  const origin = header(headers, 'origin')
  if (origin !== undefined) {
    let originHost: string | null = null
    try {
      originHost = origin === 'null' ? null : new URL(origin).host
    } catch {
      originHost = null
    }
    return originHost !== null && host !== undefined && originHost.toLowerCase() === host.toLowerCase() ? null : refusal
  }
  // No Origin (older browsers on same-origin requests, scripts, curl): browsers that send
  // Fetch Metadata still say where the request came from.
  const site = header(headers, 'sec-fetch-site')
  return site === 'cross-site' || site === 'same-site' ? refusal : null
}

/** Everything that can be refused from the headers alone, in the order it is checked. */
export function refuseFromHeaders(request: Pick<IncomingMessage, 'method' | 'headers'>, host: string | undefined): Refusal | null {
  if (!changesSomething(request.method)) return null
  const crossOrigin = refuseCrossOrigin(request.headers, host)
  if (crossOrigin) return crossOrigin
  const kind = bodyKind(request.headers)
  if (kind === 'other') {
    return { status: 415, message: 'Stagecoach only accepts forms and JSON. Send the form from the page, or JSON with Content-Type: application/json.' }
  }
  const length = Number(header(request.headers, 'content-length') ?? '0')
  if (Number.isFinite(length) && length > limitFor(kind)) return tooLarge(kind)
  return null
}

export function tooLarge(kind: BodyKind): Refusal {
  const limit = `${Math.round(limitFor(kind) / 1024)} KB`
  return { status: 413, message: `That is more than Stagecoach accepts at once (${limit}). Send less, or split it up.` }
}

export class BodyTooLargeError extends Error {
  constructor(readonly kind: BodyKind) {
    super(`The request body is larger than ${limitFor(kind)} bytes`)
    this.name = 'BodyTooLargeError'
  }
}

/**
 * Reads a request body, stopping as soon as it passes `limit` bytes (whatever
 * Content-Length claimed), so memory use is bounded by the limit.
 */
export function readBodyWithin(request: IncomingMessage, kind: BodyKind): Promise<Buffer> {
  const limit = limitFor(kind)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const cleanUp = () => {
      request.off('data', onData)
      request.off('end', onEnd)
      request.off('error', onError)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        cleanUp()
        // Stop holding what arrives; the response says why and closes the connection.
        request.pause()
        chunks.length = 0
        reject(new BodyTooLargeError(kind))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanUp()
      resolve(Buffer.concat(chunks, size))
    }
    const onError = (error: Error) => {
      cleanUp()
      reject(error)
    }
    request.on('data', onData)
    request.on('end', onEnd)
    request.on('error', onError)
  })
}

/** The refusal as the client expects it: an NDJSON error line for JSON callers (the chat), a plain page otherwise. */
export function refusalBody(refusal: Refusal, headers: IncomingHttpHeaders): { contentType: string; body: string } {
  const wantsJson = bodyKind(headers) === 'json' || /application\/(x-ndjson|json)/.test(header(headers, 'accept') ?? '')
  if (wantsJson) {
    return {
      contentType: 'application/x-ndjson; charset=utf-8',
      body: `${JSON.stringify({ type: 'error', message: refusal.message, retryable: false })}\n`,
    }
  }
  const title = refusal.status === 403 ? 'Not accepted' : refusal.status === 413 ? 'Too large' : 'Not a form'
  return {
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · Stagecoach</title></head><body><h1>${title}</h1><p>${refusal.message}</p><p><a href="/">Back to Stagecoach</a></p></body></html>`,
  }
}
