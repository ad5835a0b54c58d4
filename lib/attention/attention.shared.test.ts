import { describe, expect, it } from 'vitest'
import { adherenceDrop, attentionItems, draftFollowUp, needsAttention, notDismissed, type ClientSignals } from './attention.shared'

const now = new Date('2027-03-10T12:00:00Z')
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000).toISOString()

function signals(overrides: Partial<ClientSignals> = {}): ClientSignals {
  return {
    clientId: 'c1',
    clientName: 'Diego Ruiz',
    programId: 'p1',
    programName: 'North Star',
    timeZone: 'UTC',
    inactivityDays: 7,
    joinedAt: daysAgo(60),
    due7: 0,
    done7: 0,
    due30: 0,
    done30: 0,
    lastMissedAt: null,
    overdueSessions: { count: 0, latestTitle: null, latestDueAt: null },
    overduePlans: { count: 0, latestTitle: null, latestDueDate: null, overdueSince: null },
    lastActivityAt: daysAgo(1),
    lowRating: null,
    crisis: null,
    dismissedAt: {},
    ...overrides,
  }
}
const reasons = (s: ClientSignals) => attentionItems(s, now).map((item) => item.reason)

describe('needs attention, at the thresholds', () => {
  it('nothing to say about a client who is on track', () => {
    expect(needsAttention(signals({ due7: 2, done7: 2, due30: 8, done30: 8 }), now)).toBeNull()
  })

  it('adherence: a drop of exactly 30 points flags, 29 does not, and one missed session in the week is not a trend', () => {
    // 7 days 1 of 2 (50%), 30 days 8 of 10 (80%): 30 points.
    expect(adherenceDrop({ due7: 2, done7: 1, due30: 10, done30: 8 })).toEqual({ week: 0.5, month: 0.8 })
    // 30 days 79 of 100 → 29 points.
    expect(adherenceDrop({ due7: 2, done7: 1, due30: 100, done30: 79 })).toBeNull()
    expect(adherenceDrop({ due7: 1, done7: 0, due30: 10, done30: 9 })).toBeNull()
    expect(reasons(signals({ due7: 2, done7: 1, due30: 10, done30: 8, lastMissedAt: daysAgo(2) }))).toEqual(['adherence_drop'])
  })

  it('inactivity: exactly the program’s N days flags, a day less does not; a new client counts from joining', () => {
    expect(reasons(signals({ lastActivityAt: daysAgo(7) }))).toEqual(['inactive'])
    expect(reasons(signals({ lastActivityAt: daysAgo(6.9) }))).toEqual([])
    expect(reasons(signals({ inactivityDays: 14, lastActivityAt: daysAgo(13) }))).toEqual([])
    expect(reasons(signals({ lastActivityAt: null, joinedAt: daysAgo(3) }))).toEqual([])
    expect(reasons(signals({ lastActivityAt: null, joinedAt: daysAgo(8) }))).toEqual(['inactive'])
  })

  it('a rating of 3 flags, 4 does not', () => {
    const low = (value: number) => ({ sessionId: 's1', title: 'Check-in', field: 'readinessScore' as const, value, at: daysAgo(1) })
    expect(reasons(signals({ lowRating: low(3) }))).toEqual(['low_rating'])
    expect(reasons(signals({ lowRating: low(4) }))).toEqual([])
  })

  it('overdue sessions and plans, and a crisis pause first of all', () => {
    const items = attentionItems(
      signals({
        overdueSessions: { count: 2, latestTitle: 'Tempo run', latestDueAt: daysAgo(2) },
        overduePlans: { count: 1, latestTitle: 'Book the physio', latestDueDate: '2027-03-05', overdueSince: '2027-03-06T00:00:00.000Z' },
        crisis: { sessionId: 's9', title: 'Monday session', pausedAt: daysAgo(1) },
      }),
      now,
    )
    expect(items.map((item) => item.reason)).toEqual(['crisis_pause', 'overdue'])
    expect(items[1]!.text).toBe('Overdue: “Tempo run” was due 8 Mar 2027 (and 1 more session); the plan “Book the physio” was due 5 Mar 2027.')
    expect(items[1]!.since).toBe(daysAgo(2))
  })

  it('a dismissal hides a reason until there is newer evidence than it', () => {
    const items = attentionItems(signals({ lastActivityAt: daysAgo(10) }), now)
    expect(notDismissed(items, { inactive: daysAgo(5) })).toEqual([])
    expect(notDismissed(items, { inactive: daysAgo(11) })).toHaveLength(1)
    expect(notDismissed(items, { overdue: daysAgo(1) })).toHaveLength(1)
  })
})

describe('the drafted follow-up', () => {
  it('is addressed to the client by first name and speaks to each reason', () => {
    const s = signals({ due7: 2, done7: 0, due30: 8, done30: 6, lastMissedAt: daysAgo(1), lastActivityAt: daysAgo(9) })
    const draft = draftFollowUp(s.clientName, attentionItems(s, now), s)
    expect(draft.startsWith('Hi Diego,')).toBe(true)
    expect(draft).toContain('0 of 2 planned sessions done')
    expect(draft).toContain('It has been a while')
  })

  it('after a crisis pause, says nothing about missed sessions', () => {
    const s = signals({ due7: 2, done7: 0, due30: 8, done30: 8, crisis: { sessionId: 's9', title: 'Monday session', pausedAt: daysAgo(1) } })
    const draft = draftFollowUp(s.clientName, attentionItems(s, now), s)
    expect(draft).toContain('how are you doing?')
    expect(draft).toContain('local emergency number')
    expect(draft).not.toContain('planned sessions')
  })
})
