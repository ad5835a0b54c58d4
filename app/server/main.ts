// Starts Stagecoach: validates the environment, opens and migrates the database, and
// serves the app. `npm start` runs it on the production build; `npm run dev` with Vite.
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { ServerBuild } from '@remix-run/node'
import { getChatModel } from '#lib/ai/model'
import { createAuthBackend } from '#lib/auth/index'
import { resolveSessionSecret } from '#lib/auth/session-secret'
import { openMigratedDatabase } from '#lib/db/open'
import { parseEnv } from '#lib/env'
import { StartupError } from '#lib/errors'
import { openJobQueue } from '#lib/jobs/queue'
import { digestMailFrom } from '#lib/reminders/email-digest'
import { createServer } from './create-server'

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function isServerBuild(value: unknown): value is ServerBuild {
  return typeof value === 'object' && value !== null && 'routes' in value && 'entry' in value
}

async function main() {
  const env = parseEnv(process.env)
  const where = env.DATABASE_URL ? 'the Postgres server in DATABASE_URL' : `the embedded database in ${env.dataDirectory}`
  console.log(`Opening ${where}…`)
  const db = await openMigratedDatabase(env, (line) => console.log(`  ${line}`))
  const sessionSecret = resolveSessionSecret(env)
  const auth = createAuthBackend(env, db, sessionSecret)
  // Background and scheduled jobs run in this process unless a separate worker does them (JOB_WORKER=off).
  const queue = openJobQueue(db, { log: (line) => console.log(line), ai: getChatModel(env), mail: digestMailFrom(env, sessionSecret) })
  if (env.JOB_WORKER === 'on') await queue.startWorker()

  const development = env.NODE_ENV === 'development'
  const vite = development
    ? await import('vite').then((vite) => vite.createServer({ server: { middlewareMode: true } }))
    : undefined
  const build = vite
    ? async () => {
        const module: unknown = await vite.ssrLoadModule('virtual:remix/server-build')
        if (!isServerBuild(module)) throw new Error('The Remix dev build did not load')
        return module
      }
    : await import(pathToFileURL(path.join(projectRoot, 'build/server/index.js')).href).then((module: unknown) => {
        if (!isServerBuild(module)) throw new Error('build/server/index.js is not a Remix build; run `npm run build`')
        return module
      })

  const ai = getChatModel(env)
  const app = createServer({
    env,
    db,
    auth,
    ai,
    build,
    clientDirectory: vite ? undefined : path.join(projectRoot, 'build/client'),
    viteMiddleware: vite?.middlewares,
  })
  const server = app.listen(env.PORT, () => {
    console.log(`Stagecoach is running at http://localhost:${env.PORT}`)
    console.log(
      `  sign-in: ${env.authBackend === 'supabase' ? 'Supabase Auth' : 'built-in email + password'}; ` +
        `AI: ${ai ? `on (${ai.id})` : 'off (guided mode; set OPENAI_API_KEY or OPENAI_BASE_URL to turn it on)'}; ` +
        `jobs: ${env.JOB_WORKER === 'on' ? 'run here' : 'left to `npm run worker`'}`,
    )
  })

  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`${signal}: stopping…`)
    server.close()
    server.closeAllConnections()
    void Promise.all([vite?.close(), queue.stop()])
      .then(() => db.close())
      .finally(() => process.exit(0))
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

main().catch((error: unknown) => {
  console.error(error instanceof StartupError ? error.message : error)
  process.exit(1)
})
