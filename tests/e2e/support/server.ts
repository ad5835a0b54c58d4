import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { openPgliteDriver } from '#lib/db/pglite-driver'
import { childEnv } from '../../support/child-env'

const projectRoot = path.resolve(import.meta.dirname, '../../..')

const STARTUP_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 10_000

export interface AppServer {
  /** e.g. http://127.0.0.1:41234 — no trailing slash. */
  baseUrl: string
  port: number
  /** The fresh DATA_DIR this server runs on (removed by stop()). */
  dataDir: string
  /** Everything the server printed so far (stdout and stderr, interleaved). */
  output(): string
  /** What the server printed on stderr so far. */
  errorOutput(): string
  /** Sends SIGTERM, waits for the process to exit and removes its DATA_DIR (unless the test gave its own). */
  stop(): Promise<void>
  /**
   * Runs a query on the app's database as its owner (what rows are really there): the app
   * stops, its embedded database is opened, queried and closed, and the app starts again on
   * the same port and data. Browser contexts keep their cookies; pages should be reloaded.
   */
  query<Row extends object>(text: string, params?: readonly unknown[]): Promise<Row[]>
}

export interface StartAppOptions {
  /** Extra environment for the app, e.g. { OPENAI_BASE_URL: 'http://127.0.0.1:1234/v1' }. */
  env?: Record<string, string>
  /**
   * A DATA_DIR of the test's own instead of a fresh one, which stop() then leaves for the test
   * to remove: a test that restarts the app (on the same `port`, so its pages keep their
   * address) starts the second server on the first one's folder.
   */
  dataDir?: string
  port?: number
}

/** A TCP port nothing listens on right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      if (!address || typeof address === 'string') return reject(new Error('Could not find a free port'))
      probe.close(() => resolve(address.port))
    })
  })
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/**
 * Starts the production build (build/, made by the global setup) as a child process on a
 * free port and a fresh, empty DATA_DIR, and resolves once GET /healthz answers 200.
 */
export async function startApp(options: StartAppOptions = {}): Promise<AppServer> {
  // Another process may take the free port before the app listens on it: then try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAppOnce(options)
    } catch (error) {
      if (attempt >= 3 || !(error instanceof Error) || !error.message.includes('EADDRINUSE')) throw error
    }
  }
}

async function startAppOnce(options: StartAppOptions): Promise<AppServer> {
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'stagecoach-e2e-')))
  const port = options.port ?? (await freePort())
  const removeDataDir = () => (options.dataDir ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }))
  const baseUrl = `http://127.0.0.1:${port}`

  const chunks: string[] = []
  const errorChunks: string[] = []
  let spawnError: Error | undefined
  const launch = () => {
    // `node --import tsx` rather than `npx tsx`: one process, so SIGTERM reaches the app itself.
    const launched = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], {
      cwd: projectRoot,
      env: childEnv({ ...options.env, NODE_ENV: 'production', PORT: String(port), DATA_DIR: dataDir }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    launched.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
    launched.stderr!.on('data', (chunk: Buffer) => {
      chunks.push(chunk.toString())
      errorChunks.push(chunk.toString())
    })
    launched.on('error', (error) => (spawnError = error))
    return launched
  }
  let child = launch()

  const output = () => chunks.join('')
  let stopped: Promise<void> | undefined
  const stop = () =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timedOut = await Promise.race([exited(child).then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), STOP_TIMEOUT_MS).unref())])
        if (timedOut) {
          child.kill('SIGKILL')
          await exited(child)
          await removeDataDir()
          throw new Error(`The app did not stop within ${STOP_TIMEOUT_MS} ms of SIGTERM. Its output:\n${output()}`)
        }
      }
      await removeDataDir()
    })())

  await waitForHealth()

  async function waitForHealth() {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS
    let lastProblem = 'no answer yet'
    while (true) {
      if (spawnError) {
        await stop().catch(() => {})
        throw new Error(`Could not start the app: ${spawnError.message}`)
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        await stop().catch(() => {})
        // The global setup built build/ moments ago; if it is gone, something else rebuilt it meanwhile.
        const hint = /Cannot find module .*build[\\/]server[\\/]index\.js/.test(output())
          ? '\nbuild/ disappeared after the e2e global setup built it: another build (`npm test`, whose build ' +
            'project rebuilds build/, or `npm run build`) is probably running in this checkout at the same time.'
          : ''
        throw new Error(`The app exited (${child.exitCode ?? child.signalCode}) before /healthz answered.${hint} Its output:\n${output()}`)
      }
      if (Date.now() > deadline) {
        await stop().catch(() => {})
        throw new Error(`GET ${baseUrl}/healthz did not answer 200 within ${STARTUP_TIMEOUT_MS} ms (${lastProblem}). Its output:\n${output()}`)
      }
      try {
        const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(5_000) })
        if (response.status === 200) break
        lastProblem = `last status ${response.status}: ${await response.text()}`
      } catch (error) {
        lastProblem = error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ''}` : String(error)
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  async function query<Row extends object>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
    child.kill('SIGTERM')
    await exited(child)
    const driver = await openPgliteDriver({ dataDirectory: dataDir })
    try {
      return await driver.transaction((tx) => tx.query<Row>(text, params))
    } finally {
      await driver.close()
      child = launch()
      await waitForHealth()
    }
  }

  return { baseUrl, port, dataDir, output, errorOutput: () => errorChunks.join(''), stop, query }
}
