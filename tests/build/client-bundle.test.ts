/**
 * The browser bundle carries no server code and no secret. The build ran with canary
 * secrets in its environment (global-setup.ts); none may appear in any file the browser
 * can download, and neither may the marks of server-only code.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { build } from 'vite'
import { describe, expect, inject, it } from 'vitest'
import { libStaysOnTheServer } from '../../vite.config'
import { canaries } from './global-setup'

function filesUnder(directory: string): string[] {
  return fs.readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name)
    return entry.isDirectory() ? filesUnder(full) : [full]
  })
}

const clientDirectory = path.join(inject('buildDirectory'), 'client')
const clientFiles = filesUnder(clientDirectory)
const clientText = clientFiles.map((file) => ({ file: path.relative(clientDirectory, file), text: fs.readFileSync(file, 'utf8') }))

/** Strings that only server code contains: SQL, role switching, drivers, hashing, prompts. */
const serverOnlyMarks = [
  'set local role',
  'request.jwt.claims',
  'encrypted_password',
  'login_sessions',
  'auth_attempts',
  'asService',
  'openPgliteDriver',
  'openPostgresDriver',
  '@electric-sql/pglite',
  '@node-rs/argon2',
  'pg_advisory_lock',
  'supabase_migrations',
  'process.env',
]

describe('the browser bundle', () => {
  it('was built (the scan below is not of an empty folder)', () => {
    expect(clientFiles.some((file) => file.endsWith('.js'))).toBe(true)
    expect(clientText.some(({ text }) => text.includes('Create account'))).toBe(true)
  })

  it.each(Object.entries(canaries))('does not contain %s', (_name, secret) => {
    expect(clientText.filter(({ text }) => text.includes(secret)).map(({ file }) => file)).toEqual([])
  })

  it.each(serverOnlyMarks)('does not contain server-only code (%s)', (mark) => {
    expect(clientText.filter(({ text }) => text.includes(mark)).map(({ file }) => file)).toEqual([])
  })

  it('has no source maps that would reveal server code', () => {
    expect(clientFiles.filter((file) => file.endsWith('.map'))).toEqual([])
  })
})

/** Builds one scratch entry for the browser with the guard on; resolves with the bundled code. */
async function buildForBrowser(source: string): Promise<string> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecoach-guard-'))
  const entry = path.join(scratch, 'entry.ts')
  fs.writeFileSync(entry, source)
  try {
    const output = await build({
      configFile: false,
      logLevel: 'silent',
      root: scratch,
      plugins: [libStaysOnTheServer()],
      build: { write: false, rollupOptions: { input: entry } },
    })
    const results = Array.isArray(output) ? output : [output]
    return results
      .flatMap((result) => ('output' in result ? result.output : []))
      .map((chunk) => ('code' in chunk ? chunk.code : ''))
      .join('\n')
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true })
  }
}

describe('the build guard', () => {
  it('stops a browser build that imports lib/', async () => {
    const source = `import { parseEnv } from ${JSON.stringify(path.resolve('lib/env.ts'))}\nconsole.log(parseEnv)\n`
    await expect(buildForBrowser(source)).rejects.toThrow(/lib\/ is server-only/)
  })

  it('lets the browser import a pure *.shared.ts module such as the stage registry', async () => {
    const source = `import { stages } from ${JSON.stringify(path.resolve('lib/coaching/stages.shared.ts'))}\nconsole.log(stages.map((s) => s.name))\n`
    const code = await buildForBrowser(source)
    expect(code).toContain('Starting Point')
  })

  it('every *.shared.ts module takes zod from lib/zod.shared.ts, which turns off the eval the CSP forbids', () => {
    const shared = filesUnder(path.resolve('lib')).filter((file) => file.endsWith('.shared.ts') && !file.endsWith('zod.shared.ts'))
    expect(shared.length).toBeGreaterThan(0)
    const direct = shared.filter((file) => /from ['"]zod['"]/.test(fs.readFileSync(file, 'utf8')))
    expect(direct.map((file) => path.relative(process.cwd(), file))).toEqual([])
  })

  it('stops a *.shared.ts module that itself imports server code', async () => {
    const scratch = fs.mkdtempSync(path.join(path.resolve('lib'), 'guard-'))
    const shared = path.join(scratch, 'leaky.shared.ts')
    fs.writeFileSync(shared, `export { parseEnv } from ${JSON.stringify(path.resolve('lib/env.ts'))}\n`)
    try {
      await expect(buildForBrowser(`import { parseEnv } from ${JSON.stringify(shared)}\nconsole.log(parseEnv)\n`)).rejects.toThrow(/lib\/env\.ts: lib\/ is server-only/)
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true })
    }
  })
})
