import { describe, expect, it } from 'vitest'
import { signalsCrisis, supportMessage } from './safety'

describe('crisis signals', () => {
  it.each([
    'Honestly I want to kill myself',
    'I have been thinking about suicide',
    'sometimes I think about ending my life',
    'I self-harm when it gets bad',
    'everyone would be better off dead without me... I mean me',
    'I took an overdose last year and feel like that again',
    'my partner hits me when he is angry',
    'I have chest pain right now',
    "I don't want to wake up tomorrow",
  ])('pauses on "%s"', (text) => {
    expect(signalsCrisis(text)).toBe(true)
  })

  it.each([
    'I want to kill it at the marathon this year',
    'This deadline is killing me',
    'I cut my commute by cycling',
    'I would die for a holiday',
    'My goal is to run 5k without stopping',
  ])('does not pause on everyday language: "%s"', (text) => {
    expect(signalsCrisis(text)).toBe(false)
  })

  it('offers emergency and crisis-line help and says it is not a clinician', () => {
    expect(supportMessage).toMatch(/emergency number/)
    expect(supportMessage).toMatch(/988/)
    expect(supportMessage).toMatch(/not a counsellor or a clinician/)
  })
})
