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

describe('the build guard', () => {
  it('stops a browser build that imports lib/', async () => {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecoach-guard-'))
    const entry = path.join(scratch, 'entry.ts')
    fs.writeFileSync(entry, `import { parseEnv } from ${JSON.stringify(path.resolve('lib/env.ts'))}\nconsole.log(parseEnv)\n`)
    try {
      await expect(
        build({
          configFile: false,
          logLevel: 'silent',
          root: scratch,
          plugins: [libStaysOnTheServer()],
          build: { write: false, rollupOptions: { input: entry } },
        }),
      ).rejects.toThrow(/lib\/ is server-only/)
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true })
    }
  })
})
