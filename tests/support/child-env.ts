/**
 * The environment for a child process (the build, the app server): this process's, minus
 * what would change how the child behaves without the test asking for it.
 *
 * - VITEST and friends: vite.config.ts leaves the Remix plugin out under Vitest.
 * - The app's own settings (database, auth, AI, secrets): a developer's shell may have a
 *   DATABASE_URL or an OPENAI_API_KEY set; the app under test gets only what the test gives it.
 */
const appSettings = [
  'NODE_ENV',
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'SESSION_SECRET',
  'SUPABASE_URL',
  'SUPABASE_ANON_KEY',
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'AI_MODEL',
  'AI_TIMEOUT_MS',
  'TRUST_PROXY',
  'APP_URL',
  'SMTP_URL',
  'MAIL_FROM',
]

export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue
    if (name === 'VITEST' || name.startsWith('VITEST_') || name === 'TEST') continue
    if (appSettings.includes(name)) continue
    env[name] = value
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  // (@remix-run/node's types make NODE_ENV a required key of ProcessEnv.)
  return env as NodeJS.ProcessEnv
}
