import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Env } from '../env'

/**
 * The key that signs sign-in cookies: SESSION_SECRET when set, otherwise one generated
 * once and kept in DATA_DIR (readable by its owner only), so the app starts with no
 * manual step and sign-ins survive restarts. Several web instances need a shared
 * SESSION_SECRET instead.
 */
export function resolveSessionSecret(env: Pick<Env, 'SESSION_SECRET' | 'dataDirectory'>): string {
  if (env.SESSION_SECRET) return env.SESSION_SECRET
  const secretPath = path.join(env.dataDirectory, 'session-secret')
  try {
    return fs.readFileSync(secretPath, 'utf8').trim()
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'ENOENT')) throw error
  }
  fs.mkdirSync(env.dataDirectory, { recursive: true })
  const secret = randomBytes(32).toString('hex')
  try {
    fs.writeFileSync(secretPath, secret, { mode: 0o600, flag: 'wx' })
    return secret
  } catch {
    // Another process wrote it first; use theirs.
    return fs.readFileSync(secretPath, 'utf8').trim()
  }
}
