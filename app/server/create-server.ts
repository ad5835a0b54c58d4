import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
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
  // HTTP_COMPRESSION=off leaves compressing to a proxy in front of the app.
  if (parts.env.HTTP_COMPRESSION === 'on') app.use(compression())

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
    // Other built files (the favicon, robots.txt…) by their exact names, read once at start:
    // a page request never waits for the disk to say there is no such file.
    const topLevelFiles = new Set(
      fs
        .readdirSync(parts.clientDirectory, { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `/${entry.name}`),
    )
    const serveTopLevel = express.static(parts.clientDirectory, { maxAge: '1h', index: false })
    app.use((req, res, next) => (topLevelFiles.has(req.path) ? serveTopLevel(req, res, next) : next()))
  }

  app.all(
    '*',
    (req, res, next) => {
      if (req.method === 'GET' || req.method === 'HEAD') {
        // One transaction for everything this request reads (the session, the profile, the
        // route's data). It ends when the loaders are done (entry.server), or at the latest
        // when the response starts or the connection closes (resource routes).
        const unit = parts.db.readUnit()
        let finishing: Promise<void> | undefined
        const finishReads = () => (finishing ??= unit.finish())
        res.locals.finishReads = finishReads
        const writeHead = res.writeHead
        res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
          finishReads().catch((error: unknown) => console.error('Ending a read unit failed:', error))
          return writeHead.apply(this, args)
        } as typeof writeHead
        res.once('close', () => void finishReads().catch((error: unknown) => console.error('Ending a read unit failed:', error)))
        // The Remix handler runs inside the unit, so every database call of this request joins it.
        unit.enter(() => next())
        return
      }
      next()
    },
    (_req, res, next) => {
      // Pages and data can hold personal information: never store them in a shared cache.
      res.setHeader('Cache-Control', 'private, no-store')
      next()
    },
    createRequestHandler({
      build: parts.build,
      mode: parts.env.NODE_ENV === 'production' ? 'production' : 'development',
      getLoadContext(req, res): AppLoadContext {
        const finishReads = (res.locals.finishReads as (() => Promise<void>) | undefined) ?? (async () => {})
        const authRequest = { cookieHeader: req.headers.cookie ?? null, ipAddress: req.ip ?? 'unknown' }
        let userId: Promise<string | null> | undefined
        return {
          db: parts.db,
          env: parts.env,
          auth: parts.auth,
          ai: parts.ai,
          ipAddress: authRequest.ipAddress,
          nonce: String(res.locals.nonce),
          finishReads,
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
