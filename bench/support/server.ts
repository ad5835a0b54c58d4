/**
 * Shared pieces for benchmarks: build the app, start the real production server as a
 * child process (on PGlite or on a scratch database of a Postgres server), sign users up
 * and in over HTTP, and undo all of it afterwards, even when something fails or on Ctrl-C.
 *
 * Nothing here imports the app: benchmarks talk to it over HTTP, as a browser would.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import type { Target } from './args'
import { summarize, type Summary } from './stats'
// The same rule as the browser tests: the app gets only the settings the benchmark gives it.
import { childEnv } from '../../tests/support/child-env'
import { buildForProduction } from '../../tests/support/production-build'

export const projectRoot = path.resolve(import.meta.dirname, '../..')

// ---------------------------------------------------------------------------------------
// Clean-up

/**
 * Undo steps, run last-in first-out by `run()`, or on SIGINT/SIGTERM (then the process
 * exits with 130/143). Each step runs even if an earlier one throws.
 */
export class Cleanup {
  private steps: { label: string; undo: () => Promise<void> | void }[] = []
  private running: Promise<void> | undefined
  private readonly onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up…`)
    void this.run().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
  }

  constructor() {
    process.once('SIGINT', this.onSignal)
    process.once('SIGTERM', this.onSignal)
  }

  add(label: string, undo: () => Promise<void> | void): void {
    this.steps.push({ label, undo })
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const step = this.steps.pop()!
        try {
          await step.undo()
        } catch (error) {
          console.error(`clean-up: ${step.label} failed:`, error)
        }
      }
      process.off('SIGINT', this.onSignal)
      process.off('SIGTERM', this.onSignal)
    })()
    return this.running
  }
}

// ---------------------------------------------------------------------------------------
// Build


function newestModification(entry: string): number {
  let stat: fs.Stats
  try {
    stat = fs.statSync(entry)
  } catch {
    return 0
  }
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestModification(path.join(entry, child)))
  return newest
}

/** Runs `npx remix vite:build` unless build/server/index.js is newer than every source the build reads. */
export async function ensureBuild({ force = false }: { force?: boolean } = {}): Promise<'built' | 'up to date'> {
  const serverBuild = path.join(projectRoot, 'build/server/index.js')
  const sources = ['app', 'lib', 'vite.config.ts', 'remix.config.js', 'tsconfig.json', 'package.json']
  const newestSource = Math.max(...sources.map((source) => newestModification(path.join(projectRoot, source))))
  const built = fs.existsSync(serverBuild) ? fs.statSync(serverBuild).mtimeMs : 0
  if (!force && built > newestSource) return 'up to date'

  await buildForProduction()
  return 'built'
}

/**
 * Waits until build/server/index.js is there and has not changed for 2 s (at most
 * `timeoutMs`), then ensureBuild(): another `remix vite:build` in this working tree (the
 * browser tests, `npm run build`) empties build/ for a while, and this lets it land first.
 */
export async function waitForBuild({ timeoutMs = 180_000 }: { timeoutMs?: number } = {}): Promise<'built' | 'up to date'> {
  const serverBuild = path.join(projectRoot, 'build/server/index.js')
  const settled = () => {
    try {
      return Date.now() - fs.statSync(serverBuild).mtimeMs >= 2_000
    } catch {
      return false // not there (yet)
    }
  }
  const deadline = Date.now() + timeoutMs
  while (!settled() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1_000))
  return ensureBuild()
}

// ---------------------------------------------------------------------------------------
// Scratch database and temp folders

export const defaultAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres'

/** Creates an empty database `stagecoach_bench_<random>` on the server; `drop()` removes it. */
export async function createScratchDatabase(adminUrl = defaultAdminUrl): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `stagecoach_bench_${randomBytes(6).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    async drop() {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
      try {
        await admin.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await admin.end()
      }
    },
  }
}

export function makeTempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

/**
 * Where a target's app keeps its data: a fresh temp DATA_DIR (named `<tempPrefix>…`) and,
 * for `postgres`, a scratch database on the server at `adminUrl`. `cleanup` removes both.
 */
export async function prepareTarget(
  cleanup: Cleanup,
  target: Target,
  { tempPrefix, adminUrl }: { tempPrefix: string; adminUrl: string },
): Promise<{ dataDir: string; databaseUrl?: string; databaseName?: string }> {
  const data = makeTempDir(tempPrefix)
  cleanup.add(`removing ${data.dir}`, data.remove)
  if (target !== 'postgres') return { dataDir: data.dir }
  const database = await createScratchDatabase(adminUrl)
  cleanup.add(`dropping database ${database.name}`, database.drop)
  return { dataDir: data.dir, databaseUrl: database.url, databaseName: database.name }
}

// ---------------------------------------------------------------------------------------
// The app server

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.on('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

export interface RunningServer {
  baseUrl: string
  pid: number
  /** Everything the server printed so far (the last ~200 lines). */
  output(): string
  /** SIGTERM, then SIGKILL after `graceMs` if it has not exited. Safe to call twice. */
  stop(graceMs?: number): Promise<void>
}

/**
 * Starts the production server (`node --import tsx app/server/main.ts`, i.e. what
 * `npx tsx app/server/main.ts` runs, minus the wrapper process) and waits for /healthz 200.
 */
export async function startServer(options: {
  dataDir: string
  databaseUrl?: string
  port?: number
  readyTimeoutMs?: number
  /** More settings for the app, e.g. OPENAI_BASE_URL and AI_MODEL (the app's other settings are never inherited). */
  env?: Record<string, string | undefined>
}): Promise<RunningServer> {
  const port = options.port ?? (await findFreePort())
  const baseUrl = `http://127.0.0.1:${port}`
  const lines: string[] = []
  const remember = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean))
    if (lines.length > 200) lines.splice(0, lines.length - 200)
  }

  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'app/server/main.ts'], {
    cwd: projectRoot,
    env: childEnv({
      NODE_ENV: 'production',
      PORT: String(port),
      DATA_DIR: options.dataDir,
      DATABASE_URL: options.databaseUrl,
      ...options.env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: a Ctrl-C reaches only us, and we stop it in order
  })
  child.stdout!.on('data', remember)
  child.stderr!.on('data', remember)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let hasExited = false
  void exited.then(() => (hasExited = true))

  const server: RunningServer = {
    baseUrl,
    pid: child.pid!,
    output: () => lines.join('\n'),
    async stop(graceMs = 10_000) {
      if (hasExited) return
      child.kill('SIGTERM')
      const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref())
      if ((await Promise.race([exited, timer])) === 'timeout') {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {
          // already gone
        }
        await exited
      }
    },
  }

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000)
  while (true) {
    if (hasExited) {
      throw new Error(`The server exited before it was ready (code ${await exited}). It printed:\n${server.output()}`)
    }
    try {
      const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) })
      await response.arrayBuffer()
      if (response.status === 200) return server
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop()
      throw new Error(`The server did not answer /healthz with 200 in time. It printed:\n${server.output()}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

// ---------------------------------------------------------------------------------------
// HTTP helpers

/** A document form POST, as a browser without JavaScript sends it; redirects are not followed. */
export async function postForm(
  baseUrl: string,
  pathname: string,
  fields: Record<string, string>,
  cookie?: string,
): Promise<{ status: number; location: string | null; setCookies: string[]; body: string }> {
  const response = await fetch(new URL(pathname, baseUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: new URLSearchParams(fields),
  })
  return {
    status: response.status,
    location: response.headers.get('location'),
    setCookies: response.headers.getSetCookie(),
    body: await response.text(),
  }
}

/** A GET with the user's cookie; redirects are not followed. */
export async function getPage(baseUrl: string, pathname: string, cookie: string): Promise<{ status: number; body: string; location: string | null }> {
  const response = await fetch(new URL(pathname, baseUrl), { headers: { Cookie: cookie }, redirect: 'manual' })
  return { status: response.status, body: await response.text(), location: response.headers.get('location') }
}

/** The alert/error text of an HTML page, or the start of a body. */
export function describeBody(body: string): string {
  const alerts = [...body.matchAll(/role="alert"[^>]*>([\s\S]*?)<\/(?:div|p)>/g)]
    .map((match) => match[1]!.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim())
    .filter(Boolean)
  if (alerts.length > 0) return `the page says: ${alerts.join(' | ').slice(0, 500)}`
  return `body starts: ${body.replace(/\s+/g, ' ').slice(0, 300)}`
}

/** Checks that `response` is a 302 whose Location matches `pattern`, and returns the match; `what` names the request in the error. */
export function expectRedirect(what: string, response: { status: number; location: string | null; body: string }, pattern: RegExp): RegExpExecArray {
  const match = pattern.exec(response.location ?? '')
  if (response.status !== 302 || !match) {
    throw new Error(`${what} answered ${response.status} (Location: ${response.location}), expected a 302 to ${pattern}; ${describeBody(response.body)}`)
  }
  return match
}

/** The Cookie header value that carries the app's session, from a response's Set-Cookie headers ('' when there is none). */
export function sessionCookie(setCookies: string[]): string {
  return setCookies
    .map((header) => header.split(';', 1)[0]!.trim())
    .filter((pair) => pair.startsWith('stagecoach_session=') && pair.length > 'stagecoach_session='.length)
    .join('; ')
}

export interface SignedUpUser {
  email: string
  password: string
  displayName: string
  /** The Cookie header value that signs this user in. */
  cookie: string
  /** Where sign-up redirected (e.g. /dashboard, or /programs/<id>?joined=1 with an invite). */
  location: string
}

/** Signs a new user up through POST /signup and returns their session cookie. */
export async function signUp(
  baseUrl: string,
  user: { displayName: string; email?: string; password?: string; inviteToken?: string },
): Promise<SignedUpUser> {
  const email = user.email ?? `bench-${randomBytes(6).toString('hex')}@example.com`
  const password = user.password ?? `Bench-${randomBytes(9).toString('base64url')}9aZ`
  const response = await postForm(baseUrl, '/signup', {
    displayName: user.displayName,
    email,
    password,
    redirectTo: '/dashboard',
    ...(user.inviteToken ? { inviteToken: user.inviteToken } : {}),
  })
  const cookie = sessionCookie(response.setCookies)
  if (response.status !== 302 || !cookie) {
    throw new Error(
      `Sign-up failed: POST /signup answered ${response.status}` +
        `${cookie ? '' : ' without a stagecoach_session cookie'}; body starts: ${response.body.slice(0, 500)}`,
    )
  }
  return { email, password, displayName: user.displayName, cookie, location: response.location ?? '' }
}

/** Signs an existing user in through POST /login and returns their session cookie. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const response = await postForm(baseUrl, '/login', { email, password, redirectTo: '/dashboard' })
  const cookie = sessionCookie(response.setCookies)
  if (response.status !== 302 || !cookie) {
    throw new Error(
      `Sign-in failed: POST /login answered ${response.status} (Location: ${response.location})` +
        `${cookie ? '' : ' without a stagecoach_session cookie'}; body starts: ${response.body.slice(0, 500)}`,
    )
  }
  return cookie
}

/**
 * GETs a page signed in, `warmup` times and then `requests` times one after another, timing
 * each whole response (status, headers and body). `problem` says what is wrong with a
 * response, or null; every wrong one is counted, and the first is kept as a sample.
 */
export async function timePage(
  baseUrl: string,
  pathname: string,
  cookie: string,
  { warmup, requests, problem }: { warmup: number; requests: number; problem: (response: { status: number; body: string }) => string | null },
): Promise<{ ms: Summary; errors: number; errorSample: string | undefined }> {
  let errors = 0
  let errorSample: string | undefined
  const get = async () => {
    const started = performance.now()
    const response = await getPage(baseUrl, pathname, cookie)
    const wrong = problem(response)
    if (wrong) {
      errors++
      errorSample ??= wrong
    }
    return performance.now() - started
  }
  for (let i = 0; i < warmup; i++) await get()
  const samples: number[] = []
  for (let i = 0; i < requests; i++) samples.push(await get())
  return { ms: summarize(samples), errors, errorSample }
}
