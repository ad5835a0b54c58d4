import { recordAccountEvent } from '../audit/account-events'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import type { AuthBackend } from './backend'

/**
 * The backend with every sign-in event written to the audit log, whichever service signs
 * people in: register, login, login_failed (the reason, never the password), logout (and
 * signing out every other browser: a logout with `scope: 'others'`), password_changed and
 * password_reset. Written after the event succeeded (or failed), in a transaction of its
 * own; the request's address and user agent come with the unit of work.
 */
export function withAuditTrail<Backend extends AuthBackend>(backend: Backend, db: Database): Backend {
  return {
    ...backend,
    async signUp(input, request) {
      const result = await backend.signUp(input, request)
      await recordAccountEvent(db, {
        action: 'register',
        actorId: result.userId,
        metadata: { backend: backend.kind, confirmed: !result.needsEmailConfirmation },
      })
      return result
    },
    async signIn(input, request) {
      try {
        const result = await backend.signIn(input, request)
        await recordAccountEvent(db, { action: 'login', actorId: result.userId, metadata: { method: 'password' } })
        return result
      } catch (error) {
        if (error instanceof AppError && ['invalid', 'rate_limited', 'unconfirmed'].includes(error.kind)) {
          await recordAccountEvent(db, {
            action: 'login_failed',
            actorId: null,
            subjectId: null,
            subjectEmail: input.email,
            metadata: { reason: error.kind === 'invalid' ? 'wrong_credentials' : error.kind },
          })
        }
        throw error
      }
    },
    async signOut(request) {
      const userId = await backend.getUserId(request, () => {}).catch(() => null)
      const result = await backend.signOut(request)
      if (userId) await recordAccountEvent(db, { action: 'logout', actorId: userId })
      return result
    },
    async changePassword(input, request) {
      const result = await backend.changePassword(input, request)
      await recordAccountEvent(db, { action: 'password_changed', actorId: input.userId })
      return result
    },
    async signOutOthers(userId, request) {
      const result = await backend.signOutOthers(userId, request)
      await recordAccountEvent(db, { action: 'logout', actorId: userId, metadata: { scope: 'others' } })
      return result
    },
    async resetPassword(input, request) {
      const result = await backend.resetPassword(input, request)
      await recordAccountEvent(db, { action: 'password_reset', actorId: result.userId })
      return result
    },
  }
}

