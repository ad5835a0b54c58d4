import { describe, expect, it } from 'vitest'
import { formatDate, isoDateSchema } from './dates.shared'

describe('formatDate', () => {
  const lateEvening = '2026-12-31T23:30:00Z'

  it('shows the day in the person’s time zone, not the runtime’s', () => {
    expect(formatDate(lateEvening, { timeZone: 'UTC' })).toBe('31 Dec 2026')
    expect(formatDate(lateEvening, { timeZone: 'Europe/Berlin' })).toBe('1 Jan 2027')
  })

  it('adds the time and the zone when asked', () => {
    expect(formatDate(lateEvening, { timeZone: 'UTC', time: true })).toBe('31 Dec 2026, 23:30 UTC')
  })

  it('falls back to UTC for a zone name it does not know', () => {
    expect(formatDate(lateEvening, { timeZone: 'Mars/Olympus' })).toBe('31 Dec 2026')
  })
})

describe('isoDateSchema', () => {
  it('accepts a real date and refuses 30 February', () => {
    expect(isoDateSchema.safeParse('2026-12-31').success).toBe(true)
    expect(isoDateSchema.safeParse('2026-02-30').success).toBe(false)
  })
})
