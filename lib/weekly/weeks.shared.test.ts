import { describe, expect, it } from 'vitest'
import { addDays, daysOfWeek, mondayOf, weekPlanForm, weekStartIn, weekStartSchema } from './weeks.shared'

describe('weeks in the client’s time zone', () => {
  it('starts a week on the Monday of the date where the client lives, across a daylight-saving change', () => {
    // New York springs forward on Sunday 8 March 2026: 03:30 UTC on the 9th is still Sunday evening there.
    expect(weekStartIn(new Date('2026-03-09T03:30:00Z'), 'America/New_York')).toBe('2026-03-02')
    expect(weekStartIn(new Date('2026-03-09T04:30:00Z'), 'America/New_York')).toBe('2026-03-09')
    expect(weekStartIn(new Date('2026-03-09T03:30:00Z'), 'UTC')).toBe('2026-03-09')
    // London falls back on Sunday 25 October 2026: 23:30 UTC is 23:30 GMT, still Sunday.
    expect(weekStartIn(new Date('2026-10-25T23:30:00Z'), 'Europe/London')).toBe('2026-10-19')
    expect(weekStartIn(new Date('2026-10-26T00:30:00Z'), 'Europe/London')).toBe('2026-10-26')
    // Auckland is already in Monday when UTC is on Sunday.
    expect(weekStartIn(new Date('2026-12-06T12:00:00Z'), 'Pacific/Auckland')).toBe('2026-12-07')
  })

  it('counts days across month and year ends', () => {
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04')
    expect(mondayOf('2027-01-03')).toBe('2026-12-28')
    expect(daysOfWeek('2026-12-28')).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03'])
  })

  it('takes only a Monday as a week’s start', () => {
    expect(weekStartSchema.safeParse('2026-12-07').success).toBe(true)
    expect(weekStartSchema.safeParse('2026-12-08').error?.issues[0]?.message).toBe('A week starts on a Monday.')
    expect(weekStartSchema.safeParse('2026-02-30').success).toBe(false)
  })

  it('refuses a session outside the week and one with neither title nor template, on its own field', () => {
    const result = weekPlanForm.safeParse({
      intent: 'save-plan',
      weekStart: '2026-12-07',
      items: [
        { day: '2026-12-14', title: 'Run' },
        { day: '2026-12-08', title: '' },
      ],
    })
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['items.0.day', 'Choose a day of this week.'],
      ['items.1.title', 'Give the session a title, or choose a template.'],
    ])
  })
})
