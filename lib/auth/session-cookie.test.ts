import { describe, expect, it } from 'vitest'
import { readSessionToken, serializeClearedSessionCookie, serializeSessionCookie, sessionCookieName } from './session-cookie'

const settings = { secret: 'a-test-secret-of-more-than-32-characters', secure: false }

describe('session cookie', () => {
  it('round-trips a token through a signed cookie', () => {
    const header = serializeSessionCookie('token-123', settings).split(';')[0]
    expect(readSessionToken(`other=1; ${header}; theme=dark`, settings)).toBe('token-123')
  })

  it('is HttpOnly and SameSite=Lax always, Secure only when asked', () => {
    const plain = serializeSessionCookie('t', settings)
    expect(plain).toContain('HttpOnly')
    expect(plain).toContain('SameSite=Lax')
    expect(plain).not.toContain('Secure')
    expect(serializeSessionCookie('t', { ...settings, secure: true })).toContain('; Secure')
  })

  it('rejects a missing, unsigned, or re-signed value', () => {
    expect(readSessionToken(null, settings)).toBeNull()
    expect(readSessionToken(`${sessionCookieName}=token-123`, settings)).toBeNull()
    const signedElsewhere = serializeSessionCookie('token-123', { ...settings, secret: 'x'.repeat(40) }).split(';')[0]
    expect(readSessionToken(signedElsewhere, settings)).toBeNull()
  })

  it('clears with an expired cookie', () => {
    expect(serializeClearedSessionCookie(settings)).toMatch(new RegExp(`^${sessionCookieName}=; .*Max-Age=0`))
  })
})
