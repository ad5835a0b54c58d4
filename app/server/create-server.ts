import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { createRequestHandler } from '@remix-run/express'
import type { AppLoadContext, ServerBuild } from '@remix-run/node'
import compression from 'compression'
import express from 'express'
import type { ChatModel } from '#lib/ai/model'
import type { AuthBackend } from '#lib/auth/index'
import type { Database } from '#lib/db/database'
import type { Env } from '#lib/env'

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
  // Behind a proxy (PaaS, load balancer) the client's address arrives in X-Forwarded-For.
  app.set('trust proxy', parts.env.NODE_ENV === 'production' ? 'loopback, linklocal, uniquelocal' : true)
  app.use(compression())

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
    // Fingerprinted files never change, so browsers may keep them for a year.
    app.use(
      '/assets',
      express.static(path.join(parts.clientDirectory, 'assets'), { immutable: true, maxAge: '1y', index: false }),
    )
    app.use(express.static(parts.clientDirectory, { maxAge: '1h', index: false }))
  }

  app.all(
    '*',
    (_req, res, next) => {
      // Pages and data can hold personal information: never store them in a shared cache.
      res.setHeader('Cache-Control', 'private, no-store')
      // A route that says how it may be cached (the calendar feed) replaces this default: the
      // Remix adapter appends each header, which would otherwise send two Cache-Control headers.
      const append = res.append.bind(res)
      res.append = (field, value) => (field.toLowerCase() === 'cache-control' && value !== undefined ? res.set(field, value) : append(field, value))
      next()
    },
    createRequestHandler({
      build: parts.build,
      mode: parts.env.NODE_ENV === 'production' ? 'production' : 'development',
      getLoadContext(req, res): AppLoadContext {
        const authRequest = { cookieHeader: req.headers.cookie ?? null, ipAddress: req.ip ?? 'unknown' }
        let userId: Promise<string | null> | undefined
        return {
          db: parts.db,
          env: parts.env,
          auth: parts.auth,
          ai: parts.ai,
          ipAddress: authRequest.ipAddress,
          nonce: String(res.locals.nonce),
          getUserId() {
            userId ??= parts.auth.getUserId(authRequest, (cookie) => res.append('Set-Cookie', cookie))
            return userId
          },
        }
      },
    }),
  )
  return app
}
