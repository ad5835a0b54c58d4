import { createHmac, timingSafeEqual } from 'node:crypto'
import { isUuid } from '../db/database'

/**
 * The digest's unsubscribe link works without signing in: its token names the person and
 * carries an HMAC-SHA256 of their id under the app's session secret (lib/auth/session-secret.ts),
 * so nothing is stored and nobody can make one for someone else. The message is labelled,
 * so a signature made for one purpose (a sign-in cookie) is never one for another.
 * Changing SESSION_SECRET makes earlier links stop working (the digest's settings link still does).
 * See docs/decisions/029-a-weekly-email-digest.md.
 */

const purpose = 'stagecoach:email-digest:unsubscribe:v1:'

function signatureOf(secret: string, userId: string): Buffer {
  return createHmac('sha256', secret).update(`${purpose}${userId.toLowerCase()}`, 'utf8').digest()
}

/** `<user id>.<signature>`, safe in a URL path. */
export function unsubscribeToken(secret: string, userId: string): string {
  if (!isUuid(userId)) throw new Error('An unsubscribe token is made for a user id')
  return `${userId.toLowerCase()}.${signatureOf(secret, userId).toString('base64url')}`
}

/** The user id a token was made for, or null when it was not made with this secret (forged, altered, cut short). */
export function verifyUnsubscribeToken(secret: string, token: string): string | null {
  if (token.length > 200) return null
  const [userId, signature, ...rest] = token.split('.')
  if (rest.length > 0 || !userId || !signature || !isUuid(userId) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return null
  // Compared as text, in its one canonical spelling: base64's last character carries spare
  // bits, so decoding first would take a token whose last character was altered.
  const given = Buffer.from(signature, 'utf8')
  const expected = Buffer.from(signatureOf(secret, userId).toString('base64url'), 'utf8')
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId.toLowerCase() : null
}
