import { spawn } from 'node:child_process'
import path from 'node:path'
import { childEnv } from './child-env'

export const projectRoot = path.resolve(import.meta.dirname, '../..')

/**
 * Runs the production build exactly as `npm start` does, with `extraEnv` added. Shared by
 * the build tests, the browser tests and the benchmarks. The child does not inherit
 * Vitest's variables: under them vite.config.ts leaves the Remix plugin out.
 */
export async function buildForProduction(extraEnv: Record<string, string> = {}): Promise<void> {
  const output: string[] = []
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    const child = spawn('npx', ['remix', 'vite:build'], {
      cwd: projectRoot,
      env: childEnv({ ...extraEnv, NODE_ENV: 'production' }),
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
}
