import { describe, expect, it } from 'vitest'
import { safeRedirect } from './safe-redirect'

describe('safeRedirect: only ever a path on this site', () => {
  it.each([
    ['/sessions/abc?stage=2', '/sessions/abc?stage=2'],
    ['/programs/1#members', '/programs/1#members'],
    ['/dashboard', '/dashboard'],
  ])('keeps a same-site path: %s', (to, expected) => {
    expect(safeRedirect(to)).toBe(expected)
  })

  it.each([
    // The attack run's cases: browsers drop tabs and line breaks, so these become //evil.example.
    '/\t/evil.example',
    '/\t\\evil.example',
    '/\n/evil.example',
    '/\r\n/evil.example',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '/%5Cevil.example'.replace('%5C', '\\'),
    'https://evil.example',
    'javascript:alert(1)',
    'evil.example',
    ' /dashboard',
    '/\u0000/evil.example',
    '',
    `/${'a'.repeat(2001)}`,
  ])('falls back for %j', (to) => {
    expect(safeRedirect(to)).toBe('/dashboard')
  })

  it('falls back for a missing value or a file, and uses the fallback it is given', () => {
    expect(safeRedirect(null)).toBe('/dashboard')
    expect(safeRedirect(undefined, '/')).toBe('/')
    expect(safeRedirect(new Blob(['/x']))).toBe('/dashboard')
  })

  it('never returns something a browser would read as another host', () => {
    for (const to of ['/.//evil.example', '/%2F%2Fevil.example', '/%09/evil.example', '/a/../../evil.example']) {
      const result = safeRedirect(to)
      expect(new URL(result, 'https://app.example').host).toBe('app.example')
    }
  })
})
