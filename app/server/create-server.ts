import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { IncomingMessage } from 'node:http'
import { createRequestHandler, writeReadableStreamToWritable, type AppLoadContext, type ServerBuild } from '@remix-run/node'
import express from 'express'
import type { ChatModel } from '#lib/ai/model'
import type { AuthBackend } from '#lib/auth/index'
import { withRequestOrigin, type Database, type ReadUnit } from '#lib/db/database'
import type { Env } from '#lib/env'
import { acceptsGzip, compressWhole, gzipAssets, gzipWhenWorthIt } from './compression'
import { authWithOutagesAs503, withOutagesAs503 } from './database-outage'
import {
  bodyKind,
  BodyTooLargeError,
  changesSomething,
  readBodyWithin,
  refusalBody,
  refuseFromHeaders,
  tooLarge,
  type BodyKind,
  type Refusal,
} from './request-guard'

export interface ServerParts {
  env: Env
  db: Database
  auth: AuthBackend
  ai: ChatModel | null
  /** The Remix server build, or a function that loads it (the Vite dev server's). */
  build: ServerBuild | (() => Promise<ServerBuild>)
  /** Folder of the built browser assets (build/client); absent in development. */
  clientDirectory?: string
  /** Vite's dev middleware, in development. */
  viteMiddleware?: express.RequestHandler
}

/**
 * The HTTP server: static assets, security headers on every response, and the Remix
 * request handler with a per-request context (database, auth, user, CSP nonce).
 */
export function createServer(parts: ServerParts): express.Express {
  const app = express()
  app.disable('x-powered-by')
  // X-Forwarded-For / -Host / -Proto are believed only from the proxies TRUST_PROXY names:
  // otherwise anyone could choose the address their sign-in attempts are counted against.
  app.set('trust proxy', parts.env.TRUST_PROXY)
  // HTTP_COMPRESSION=off leaves compressing to a proxy in front of the app; on, each
  // response is gzipped once, whole (./compression.ts).
  const compress = parts.env.HTTP_COMPRESSION === 'on'

  app.use((_req, res, next) => {
    const nonce = randomBytes(16).toString('base64')
    res.locals.nonce = nonce
    const development = parts.env.NODE_ENV === 'development'
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        development
          ? `script-src 'self' 'nonce-${nonce}' 'unsafe-inline'`
          : `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        development ? "connect-src 'self' ws: wss:" : "connect-src 'self'",
        // The service worker (public/sw.js) and the web app manifest, from this origin only.
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; '),
    )
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin')
    res.setHeader('X-Frame-Options', 'DENY')
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
    res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
    if (parts.env.NODE_ENV === 'production') {
      res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    }
    next()
  })

  if (parts.viteMiddleware) app.use(parts.viteMiddleware)
  if (parts.clientDirectory) {
    // Fingerprinted files never change, so browsers may keep them for a year; gzipped
    // once at start-up, they are sent from memory.
    const gzippedAssets = compress ? gzipAssets(path.join(parts.clientDirectory, 'assets')) : new Map()
    app.use('/assets', (req, res, next) => {
      const asset = gzippedAssets.get(req.path)
      if (!asset || (req.method !== 'GET' && req.method !== 'HEAD') || !acceptsGzip(req.headers['accept-encoding'])) return next()
      res.setHeader('Content-Type', asset.type)
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable')
      res.setHeader('Content-Encoding', 'gzip')
      res.setHeader('Vary', 'Accept-Encoding')
      res.setHeader('Content-Length', asset.body.length)
      res.end(req.method === 'HEAD' ? undefined : asset.body)
    })
    app.use(
      '/assets',
      express.static(path.join(parts.clientDirectory, 'assets'), { immutable: true, maxAge: '1y', index: false }),
      // A missing asset is answered here, by its prefix: it never reaches the app's routes.
      (_req: express.Request, res: express.Response) => res.status(404).type('text/plain').send('Not found'),
    )
    // Other built files (the favicon, robots.txt…) by their exact names, read once at start:
    // a page request never waits for the disk to say there is no such file.
    const topLevelFiles = new Set(
      fs
        .readdirSync(parts.clientDirectory, { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `/${entry.name}`),
    )
    const serveTopLevel = express.static(parts.clientDirectory, {
      maxAge: '1h',
      index: false,
      setHeaders(res, file) {
        const name = path.basename(file)
        // The service worker is checked for updates on every visit, and controls the whole app
        // from the root (decision 030); it holds nothing personal itself.
        if (name === 'sw.js') {
          res.setHeader('Cache-Control', 'no-cache')
          res.setHeader('Service-Worker-Allowed', '/')
        }
        if (name === 'manifest.webmanifest') res.setHeader('Content-Type', 'application/manifest+json; charset=utf-8')
      },
    })
    app.use((req, res, next) => (topLevelFiles.has(req.path) ? serveTopLevel(req, res, next) : next()))
  }

  const handleRemix = createRequestHandler(parts.build, parts.env.NODE_ENV === 'production' ? 'production' : 'development')
  const db = withOutagesAs503(parts.db)
  const auth = authWithOutagesAs503(parts.auth)
  const trustsProxy: (address: string, hop: number) => boolean = app.get('trust proxy fn')

  /** The host the browser addressed: X-Forwarded-Host only from a trusted proxy. */
  function addressedHost(req: express.Request): string | undefined {
    const forwarded = req.get('X-Forwarded-Host')?.split(',')[0]?.trim()
    return forwarded && trustsProxy(req.socket.remoteAddress ?? '', 0) ? forwarded : req.get('Host')
  }

  function refuse(res: express.Response, req: IncomingMessage, refusal: Refusal) {
    const { contentType, body } = refusalBody(refusal, req.headers)
    // A refused body is not read to its end: close the connection rather than drain it.
    if (refusal.status === 413) res.setHeader('Connection', 'close')
    res.status(refusal.status).type(contentType).send(body)
  }

  app.all('*', async (req, res, next) => {
    // Pages and data can hold personal information: never store them in a shared cache.
    res.setHeader('Cache-Control', 'private, no-store')
    const refusal = refuseFromHeaders(req, addressedHost(req))
    if (refusal) return refuse(res, req, refusal)
    let body: Buffer | undefined
    if (changesSomething(req.method)) {
      const kind = bodyKind(req.headers) as BodyKind
      try {
        body = await readBodyWithin(req, kind)
      } catch (error) {
        if (error instanceof BodyTooLargeError) return refuse(res, req, tooLarge(kind))
        return next(error)
      }
    }
    // One transaction for everything a GET reads (the session, the profile, the route's
    // data): every database call of the request joins it. It ends when the loaders are
    // done (entry.server calls finishReads before rendering), or here at the latest.
    const reads = changesSomething(req.method) ? null : parts.db.readUnit()
    // The address and user agent go with every transaction of the request, for the audit log.
    const origin = { ipAddress: req.ip ?? null, userAgent: req.get('User-Agent') ?? null }
    try {
      const { gone, over } = responseSignals(res)
      const handle = () => withRequestOrigin(origin, () => handleRemix(toFetchRequest(req, over, body), loadContext(req, res, reads, gone)))
      const response = reads ? await reads.enter(handle) : await handle()
      await reads?.finish()
      await sendRemixResponse(res, response, compress && req.method !== 'HEAD' && acceptsGzip(req.headers['accept-encoding']))
    } catch (error) {
      await reads?.finish().catch(() => {})
      next(error)
    }
  })

  function loadContext(req: express.Request, res: express.Response, reads: ReadUnit | null, browserGone: AbortSignal): AppLoadContext {
    const authRequest = { cookieHeader: req.headers.cookie ?? null, ipAddress: req.ip ?? 'unknown' }
    let userId: Promise<string | null> | undefined
    return {
      db,
      env: parts.env,
      auth,
      ai: parts.ai,
      ipAddress: authRequest.ipAddress,
      nonce: String(res.locals.nonce),
      finishReads: reads ? () => reads.finish() : undefined,
      browserGone,
      getUserId() {
        userId ??= auth.getUserId(authRequest, (cookie) => res.append('Set-Cookie', cookie))
        return userId
      },
    }
  }

  /**
   * `gone` aborts once the response can no longer be written (the browser left, or pressed
   * Stop). The response's own 'close' listener holds the controller, so the signal fires for
   * whoever holds it. A Request's signal only follows this one, through the copies undici
   * and Remix make (undici links each to the last by a weak reference); in CI a stopped chat
   * turn now and then did not see the abort through them and ran on, so the chat route
   * takes this signal from the context instead.
   *
   * `over` aborts once the response is closed, sent or not: it is the Request's signal, and
   * Remix lets go of a request (its five-second timer over the page's data) only when that
   * signal aborts, so a sent page is freed at once rather than five seconds later (issue 10).
   */
  function responseSignals(res: express.Response): { gone: AbortSignal; over: AbortSignal } {
    const gone = new AbortController()
    const over = new AbortController()
    let finished = false
    res.on('finish', () => {
      finished = true
    })
    res.on('close', () => {
      if (!finished) gone.abort()
      over.abort()
    })
    return { gone: gone.signal, over: over.signal }
  }

  function toFetchRequest(req: express.Request, over: AbortSignal, body: Buffer | undefined): Request {
    const url = new URL(`${req.protocol}://${addressedHost(req) ?? 'localhost'}${req.originalUrl}`)
    return new Request(url.href, {
      method: req.method,
      headers: fetchHeaders(req.headers),
      signal: over,
      body: body && body.length > 0 ? new Uint8Array(body) : undefined,
    })
  }

  return app
}

function fetchHeaders(incoming: IncomingMessage['headers']): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  return headers
}

/**
 * Sends Remix's response through Express: gzipped once, whole, when `gzip` and the
 * response is text to read whole (./compression.ts); streams such as the chat turn's
 * NDJSON stay streamed, chunk by chunk, uncompressed.
 */
async function sendRemixResponse(res: express.Response, response: Response, gzip: boolean): Promise<void> {
  res.statusMessage = response.statusText
  res.status(response.status)
  for (const [name, value] of response.headers.entries()) {
    // A route that says how it may be cached (the calendar feed) replaces the default
    // Cache-Control rather than adding a second one.
    if (name.toLowerCase() === 'cache-control') res.setHeader(name, value)
    else res.append(name, value)
  }
  if (response.body && gzip && compressWhole(response.headers)) {
    const whole = await gzipWhenWorthIt(Buffer.from(await response.arrayBuffer()))
    res.append('Vary', 'Accept-Encoding')
    if (whole.gzipped) res.setHeader('Content-Encoding', 'gzip')
    res.setHeader('Content-Length', whole.body.length)
    res.end(whole.body)
  } else if (response.body) await writeReadableStreamToWritable(response.body, res)
  else res.end()
}
