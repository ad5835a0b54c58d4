/**
 * Starting the app against a database it cannot reach: one line that names DATABASE_URL
 * and what to check, exit code 1, no stack trace (issue 8, finding 11).
 */
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { childEnv } from '../support/child-env'
import { closedPort } from '../support/ports'
import { projectRoot } from '../support/production-build'

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'app/server/main.ts'], { cwd: projectRoot, env: childEnv(env), stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stderr }))
  })
}

describe('starting against an unreachable DATABASE_URL', () => {
  it('prints one line naming DATABASE_URL and what to check, and exits with 1', async () => {
    const port = await closedPort()
    const { code, stderr } = await start({ NODE_ENV: 'development', DATABASE_URL: `postgres://app:s3cret-password@127.0.0.1:${port}/stagecoach` })
    expect(code).toBe(1)
    const lines = stderr.trim().split('\n')
    expect(lines).toEqual([
      `Cannot open the database in DATABASE_URL (127.0.0.1:${port}/stagecoach): nothing is listening there (connection refused). Check that the Postgres server is running and that DATABASE_URL's host, port, user, password and database name are right.`,
    ])
    expect(stderr).not.toContain('s3cret-password')
  })
})
