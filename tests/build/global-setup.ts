import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { buildForProduction, projectRoot } from '../support/production-build'

/** Secrets present in the environment while building; none may end up in the browser bundle. */
export const canaries = {
  SESSION_SECRET: 'canary-session-secret-5f1e0c7a9b3d4e2f8a6c',
  OPENAI_API_KEY: 'sk-canary-openai-key-2b7d9e4f1a3c5e8b0d6f',
  SUPABASE_ANON_KEY: 'canary-supabase-anon-key-7c1a9e3b5d2f',
  DATABASE_URL: 'postgres://canary-user:canary-password-8e2d@db.invalid:5432/canary',
}

/** Builds the app once, exactly as `npm start` does, for every test in this project. */
export default async function setup(project: TestProject) {
  await buildForProduction(canaries)
  project.provide('buildDirectory', path.join(projectRoot, 'build'))
}

declare module 'vitest' {
  export interface ProvidedContext {
    buildDirectory: string
  }
}
