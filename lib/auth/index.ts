import type { Database } from '../db/database'
import type { Env } from '../env'
import { createMailer } from '../mail/mailer'
import type { AuthBackend } from './backend'
import { withAttemptLimits } from './attempt-limits'
import { withAuditTrail } from './audit-trail'
import { createBuiltInAuth } from './built-in-auth'
import { createSupabaseAuth } from './supabase-auth'

export type { AuthBackend, AuthRequest, AuthResult } from './backend'

/**
 * The one place that picks the sign-in backend from the environment; either way, attempts
 * are limited and sign-in events reach the audit log (a refused attempt too).
 */
export function createAuthBackend(env: Env, db: Database, sessionSecret: string): AuthBackend {
  const secure = env.NODE_ENV === 'production' || env.appUrl.startsWith('https:')
  if (env.SUPABASE_URL && env.SUPABASE_ANON_KEY) {
    return withAuditTrail(withAttemptLimits(createSupabaseAuth({ url: env.SUPABASE_URL, anonKey: env.SUPABASE_ANON_KEY, appUrl: env.appUrl, secureCookies: secure, serviceRoleKey: env.SUPABASE_SERVICE_ROLE_KEY }), db), db)
  }
  return withAuditTrail(withAttemptLimits(createBuiltInAuth(db, { secret: sessionSecret, secure }, { appUrl: env.appUrl, mailer: createMailer(env) }), db), db)
}
