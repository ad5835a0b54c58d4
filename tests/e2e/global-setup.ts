import { spawn } from 'node:child_process'
import path from 'node:path'
import { childEnv } from './support/env'

const projectRoot = path.resolve(import.meta.dirname, '../..')

/**
 * Builds the app for production before any browser test runs. Always builds (it takes a
 * few seconds): a stale build/ would test yesterday's code.
 */
export default async function buildForProduction() {
  const started = Date.now()
  const output: string[] = []
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    // Under Vitest, vite.config.ts leaves the Remix plugin out when VITEST is set, so the
    // build must not inherit Vitest's environment.
    const child = spawn('npx', ['remix', 'vite:build'], {
      cwd: projectRoot,
      env: childEnv({ NODE_ENV: 'production' }),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    child.on('error', reject)
    child.on('close', resolve)
  })
  if (exitCode !== 0) {
    throw new Error(`The production build failed (npx remix vite:build exited with ${exitCode}):\n${output.join('')}`)
  }
  console.log(`e2e: built the app for production in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}
