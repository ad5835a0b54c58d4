import { describe, expect, it } from 'vitest'
import { afterResult, countsOf, describeCounts, edited, newEntry, pendingInOrder, retried, unsynced, type OutboxEntry } from './outbox'

const session = '00000000-0000-4000-8000-000000000001'
const user = '00000000-0000-4000-8000-0000000000aa'
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`
const record = (n: number, existing: OutboxEntry[] = []) =>
  newEntry(
    {
      kind: 'record',
      clientId: id(n),
      deviceTime: '2026-12-04T10:00:00.000Z',
      sessionId: session,
      itemKey: null,
      metricKey: 'weight',
      setNumber: n,
      value: { kind: 'number', value: 60 },
      modification: null,
    },
    user,
    existing,
  )

describe('the outbox', () => {
  it('numbers entries in the device’s order and sends the pending ones in it', () => {
    const a = record(1)
    const b = record(2, [a])
    const c = record(3, [a, b])
    expect([a.sequence, b.sequence, c.sequence]).toEqual([0, 1, 2])
    expect(pendingInOrder([c, { ...a, status: 'synced' }, b]).map((e) => e.clientId)).toEqual([id(2), id(3)])
  })

  it('a synced answer is synced, with the measure it wrote', () => {
    expect(
      afterResult(record(1), {
        clientId: id(1),
        status: 'synced',
        duplicate: true,
        measureId: id(9),
      }),
    ).toMatchObject({ status: 'synced', measureId: id(9), reason: null })
  })

  it('a refusal is tried three times, then shown as an error with the server’s reason', () => {
    let entry = record(1)
    const refusal = {
      clientId: id(1),
      status: 'refused',
      conflict: false,
      reason: 'You have already started 3 training sessions today.',
    } as const
    entry = afterResult(entry, refusal)
    expect([entry.status, entry.tries]).toEqual(['pending', 1])
    entry = afterResult(entry, {
      clientId: id(1),
      status: 'failed',
      reason: 'Something went wrong on our side.',
    })
    expect([entry.status, entry.tries]).toEqual(['pending', 2])
    entry = afterResult(entry, refusal)
    expect([entry.status, entry.tries, entry.reason]).toEqual(['error', 3, refusal.reason])
    expect(pendingInOrder([entry])).toEqual([])
  })

  it('a conflict is an error at once, marked as a conflict', () => {
    const entry = afterResult(record(1), {
      clientId: id(1),
      status: 'refused',
      conflict: true,
      reason: 'This session is complete.',
    })
    expect([entry.status, entry.conflict, entry.reason]).toEqual(['error', true, 'This session is complete.'])
  })

  it('retry and edit make an error pending again under the same client id; a synced entry is not edited', () => {
    const failed = {
      ...record(1),
      status: 'error' as const,
      tries: 3,
      reason: 'No.',
    }
    expect(retried(failed)).toMatchObject({
      status: 'pending',
      tries: 0,
      reason: null,
      clientId: id(1),
    })
    const fixed = edited(failed, {
      value: { kind: 'number', value: 62.5 },
      modification: null,
    })
    expect(fixed).toMatchObject({
      status: 'pending',
      tries: 0,
      clientId: id(1),
      value: { kind: 'number', value: 62.5 },
    })
    const synced = { ...record(2), status: 'synced' as const }
    expect(
      edited(synced, {
        value: { kind: 'number', value: 1 },
        modification: null,
      }),
    ).toBe(synced)
  })

  it('counts for the header, and what signing out would lose', () => {
    const entries = [record(1), { ...record(2), status: 'pending' as const }, { ...record(3), status: 'error' as const }, { ...record(4), status: 'synced' as const }]
    expect(countsOf(entries)).toEqual({ pending: 2, error: 1, synced: 1 })
    expect(describeCounts(countsOf(entries))).toBe('2 pending · 1 error')
    expect(describeCounts({ pending: 0, error: 0, synced: 5 })).toBeNull()
    expect(unsynced(entries)).toBe(3)
  })
})

describe('the words beside an entry', () => {
  it('say pending, synced, or the error or conflict with the server’s reason', async () => {
    const { describeOfflineStatus } = await import('./outbox')
    expect(describeOfflineStatus(record(1))).toBe('pending')
    expect(describeOfflineStatus({ ...record(1), status: 'error', reason: 'Too late.' })).toBe('error: Too late.')
    expect(describeOfflineStatus({ ...record(1), status: 'error', conflict: true, reason: 'Complete.' })).toBe('conflict: Complete.')
  })
})
