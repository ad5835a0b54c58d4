import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { unsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token'

const secret = 'unsubscribe-test-secret-0123456789abcdef'

describe('unsubscribe tokens', () => {
  it('name the person they were made for, under the same secret only', () => {
    const userId = randomUUID()
    const token = unsubscribeToken(secret, userId)
    expect(token).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/)
    expect(verifyUnsubscribeToken(secret, token)).toBe(userId)
    expect(verifyUnsubscribeToken(`${secret}-rotated`, token)).toBeNull()
  })

  it('refuse a token whose last character was changed, whatever it was (base64’s spare bits do not make it the same token)', () => {
    const token = unsubscribeToken(secret, randomUUID())
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    for (const last of alphabet.replace(token.at(-1)!, '')) {
      const altered = `${token.slice(0, -1)}${last}`
      expect([altered, verifyUnsubscribeToken(secret, altered)]).toEqual([altered, null])
    }
  })

  it('refuse another person’s id under a valid signature, an altered signature, and anything cut short or malformed', () => {
    const userId = randomUUID()
    const token = unsubscribeToken(secret, userId)
    const [, signature] = token.split('.')
    const flipped = `${signature!.slice(0, 10)}${signature![10] === 'A' ? 'B' : 'A'}${signature!.slice(11)}`
    for (const bad of [
      `${randomUUID()}.${signature}`,
      `${userId}.${flipped}`,
      token.slice(0, -1),
      `${token}.extra`,
      userId,
      '',
      'not-a-token',
      `${userId}.${'A'.repeat(43)}`,
      `${token}${'x'.repeat(300)}`,
    ]) {
      expect([bad, verifyUnsubscribeToken(secret, bad)]).toEqual([bad, null])
    }
  })
})
