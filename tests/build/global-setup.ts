import { execFileSync } from 'node:child_process'
import path from 'node:path'
import type { TestProject } from 'vitest/node'

/** Secrets present in the environment while building; none may end up in the browser bundle. */
export const canaries = {
  SESSION_SECRET: 'canary-session-secret-5f1e0c7a9b3d4e2f8a6c',
  OPENAI_API_KEY: 'sk-canary-openai-key-2b7d9e4f1a3c5e8b0d6f',
  SUPABASE_ANON_KEY: 'canary-supabase-anon-key-7c1a9e3b5d2f',
  DATABASE_URL: 'postgres://canary-user:canary-password-8e2d@db.invalid:5432/canary',
}

/** Builds the app once, exactly as `npm start` does, for every test in this project. */
export default function setup(project: TestProject) {
  const root = path.resolve(import.meta.dirname, '../..')
  // Vitest's own variables would make vite.config.ts leave the Remix plugin out.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST')))
  try {
    execFileSync('npx', ['remix', 'vite:build'], {
      cwd: root,
      stdio: 'pipe',
      env: { ...env, ...canaries, NODE_ENV: 'production' },
    })
  } catch (error) {
    const output = error instanceof Error && 'stderr' in error ? String(error.stderr) : ''
    throw new Error(`The production build failed:\n${output}`)
  }
  project.provide('buildDirectory', path.join(root, 'build'))
}

declare module 'vitest' {
  export interface ProvidedContext {
    buildDirectory: string
  }
}
