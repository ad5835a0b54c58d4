import { describe, expect, it } from 'vitest'
import { passwordProblems, signInSchema, signUpSchema } from './credentials.shared'

describe('password rules', () => {
  it.each([
    ['Short1a', ['Use at least 12 characters.']],
    ['alllowercase123', ['Include an upper-case letter.']],
    ['ALLUPPERCASE123', ['Include a lower-case letter.']],
    ['NoDigitsAtAllHere', ['Include a digit.']],
    ['short', ['Use at least 12 characters.', 'Include an upper-case letter.', 'Include a digit.']],
    [`${'Aa1'.repeat(67)}`, ['Use at most 200 characters.']],
  ])('%s → its own message for each rule it breaks', (password, expected) => {
    expect(passwordProblems(password)).toEqual(expected)
  })

  it('accepts a password that meets every rule, including non-English letters', () => {
    expect(passwordProblems('Correct-Horse-42')).toEqual([])
    expect(passwordProblems('Ñandú-ágil-2024')).toEqual([])
  })
})

describe('sign-up input', () => {
  it('lower-cases and trims the email', () => {
    const parsed = signUpSchema.parse({ email: '  Ana@Example.COM ', password: 'Correct-Horse-42', displayName: ' Ana ' })
    expect(parsed).toEqual({ email: 'ana@example.com', password: 'Correct-Horse-42', displayName: 'Ana' })
  })

  it('reports every problem by field', () => {
    const result = signUpSchema.safeParse({ email: 'not-an-email', password: 'weak', displayName: '' })
    expect(result.success).toBe(false)
    const byField = new Map<string, string[]>()
    for (const issue of result.error?.issues ?? []) {
      const field = String(issue.path[0])
      byField.set(field, [...(byField.get(field) ?? []), issue.message])
    }
    expect(byField.get('email')).toEqual(['Enter a valid email address, like name@example.com.'])
    expect(byField.get('password')).toEqual([
      'Use at least 12 characters.',
      'Include an upper-case letter.',
      'Include a digit.',
    ])
    expect(byField.get('displayName')).toEqual(['Enter your name.'])
  })

  it('says what is missing when fields are absent or of the wrong type', () => {
    const result = signInSchema.safeParse({ email: 42 })
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['Enter your email address.', 'Enter your password.'])
  })
})
