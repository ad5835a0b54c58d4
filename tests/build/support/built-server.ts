import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { inject } from 'vitest'
import { createServer } from '~/server/create-server'
import type { ChatModel } from '#lib/ai/model'
import { withAttemptLimits } from '#lib/auth/attempt-limits'
import { withAuditTrail } from '#lib/auth/audit-trail'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import type { AuthBackend } from '#lib/auth/index'
import type { Database } from '#lib/db/database'
import { parseEnv } from '#lib/env'

export interface BuiltServer {
  url: string
  close(): Promise<void>
}

/** The production build behind the real server (create-server), on a test database, on a free port. */
export async function startBuiltServer(
  db: Database,
  options: { env?: Record<string, string>; ai?: ChatModel | null; auth?: AuthBackend } = {},
): Promise<BuiltServer> {
  const buildDirectory = inject('buildDirectory')
  const build: ServerBuild = await import(pathToFileURL(path.join(buildDirectory, 'server/index.js')).href)
  const env = parseEnv({ NODE_ENV: 'production', ...options.env })
  const app = createServer({
    env,
    db,
    // As lib/auth/index.ts wraps it: attempts limited, sign-in events audited.
    auth: withAuditTrail(withAttemptLimits(options.auth ?? createBuiltInAuth(db, { secret: 'http-test-secret-0123456789abcdef0123', secure: true }), db), db),
    ai: options.ai ?? null,
    build,
    clientDirectory: path.join(buildDirectory, 'client'),
  })
  const server = app.listen(0)
  await new Promise((resolve) => server.once('listening', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
