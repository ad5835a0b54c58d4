import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The sign-in cookie of the built-in auth: a random token plus an HMAC signature, sent
 * HttpOnly (no script can read it), SameSite=Lax (not sent on cross-site form posts) and
 * Secure in production (HTTPS only).
 */
export const sessionCookieName = 'stagecoach_session'
export const sessionLifetimeSeconds = 30 * 24 * 60 * 60

export interface CookieSettings {
  secret: string
  secure: boolean
}

function sign(value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url')
}

export function serializeSessionCookie(token: string, settings: CookieSettings): string {
  return [
    `${sessionCookieName}=${token}.${sign(token, settings.secret)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${sessionLifetimeSeconds}`,
    ...(settings.secure ? ['Secure'] : []),
  ].join('; ')
}

export function serializeClearedSessionCookie(settings: CookieSettings): string {
  return [
    `${sessionCookieName}=`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    'Max-Age=0',
    'Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ...(settings.secure ? ['Secure'] : []),
  ].join('; ')
}

/** The token in a request's Cookie header, if it is present and its signature holds. */
export function readSessionToken(cookieHeader: string | null | undefined, settings: CookieSettings): string | null {
  if (!cookieHeader) return null
  for (const part of cookieHeader.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name !== sessionCookieName) continue
    const value = rest.join('=')
    const dot = value.lastIndexOf('.')
    if (dot <= 0) return null
    const token = value.slice(0, dot)
    const given = Buffer.from(value.slice(dot + 1))
    const expected = Buffer.from(sign(token, settings.secret))
    return given.length === expected.length && timingSafeEqual(given, expected) ? token : null
  }
  return null
}
