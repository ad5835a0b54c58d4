import { syncTriesBeforeError, type SyncEntry, type SyncResult } from '#lib/offline/sync.shared'

/**
 * The device's outbox, as plain data (decision 030): each entry recorded without signal,
 * whose it is, and where it stands — pending (waiting to sync), synced, or error (refused
 * three times, or a conflict at once) with the server's reason. Pure functions, so the
 * rules are tested without a browser; app/offline/store.ts keeps the entries in IndexedDB.
 */

export type OutboxStatus = 'pending' | 'synced' | 'error'

export type OutboxEntry = SyncEntry & {
  /** The person who recorded it: entries are only ever shown and sent for them. */
  userId: string
  status: OutboxStatus
  /** Sends the server refused (or failed on). */
  tries: number
  reason: string | null
  /** The server's side changed meanwhile (completed, cancelled, corrected already). */
  conflict: boolean
  /** The measure it wrote, once synced. */
  measureId: string | null
}

/** An entry as the page makes it: the outbox gives it its place in the order. */
export type NewEntry = SyncEntry extends infer E ? (E extends SyncEntry ? Omit<E, 'sequence'> : never) : never

/** A new entry, pending, after the person's others in the device's order. */
export function newEntry(entry: NewEntry, userId: string, existing: readonly OutboxEntry[]): OutboxEntry {
  const sequence = existing.reduce((highest, e) => Math.max(highest, e.sequence + 1), 0)
  return {
    ...entry,
    sequence,
    userId,
    status: 'pending',
    tries: 0,
    reason: null,
    conflict: false,
    measureId: null,
  } as OutboxEntry
}

/** What is still to be sent, in the device's order. */
export function pendingInOrder(entries: readonly OutboxEntry[]): OutboxEntry[] {
  return entries.filter((e) => e.status === 'pending').sort((a, b) => a.sequence - b.sequence)
}

/**
 * An entry after the server's answer: synced; refused as a conflict, an error at once (it
 * would be refused however often it is sent, and it must not overwrite what changed); any
 * other refusal or failure, one more try — an error with the server's reason on the third.
 */
export function afterResult(entry: OutboxEntry, result: SyncResult): OutboxEntry {
  if (result.status === 'synced')
    return {
      ...entry,
      status: 'synced',
      reason: null,
      conflict: false,
      measureId: result.measureId,
    }
  if (result.status === 'refused' && result.conflict)
    return {
      ...entry,
      status: 'error',
      tries: entry.tries + 1,
      reason: result.reason,
      conflict: true,
    }
  const tries = entry.tries + 1
  return {
    ...entry,
    status: tries >= syncTriesBeforeError ? 'error' : 'pending',
    tries,
    reason: result.reason,
    conflict: false,
  }
}

/** "Retry": pending again, with its tries counted afresh. */
export function retried(entry: OutboxEntry): OutboxEntry {
  return {
    ...entry,
    status: 'pending',
    tries: 0,
    reason: null,
    conflict: false,
  }
}

/** "Edit": a new value for an entry not yet written; the same client id, so it still writes at most once. */
export function edited(entry: OutboxEntry, change: Pick<Extract<SyncEntry, { kind: 'record' }>, 'value' | 'modification'>): OutboxEntry {
  if (entry.kind === 'complete' || entry.status === 'synced') return entry
  return retried({
    ...entry,
    value: change.value,
    modification: change.modification,
  })
}

export interface OutboxCounts {
  pending: number
  error: number
  synced: number
}

export function countsOf(entries: readonly OutboxEntry[]): OutboxCounts {
  const counts: OutboxCounts = { pending: 0, error: 0, synced: 0 }
  for (const entry of entries) counts[entry.status]++
  return counts
}

/** The header's words: "2 pending", "2 pending · 1 error", or nothing when all is synced. */
export function describeCounts({ pending, error }: OutboxCounts): string | null {
  const parts = [pending > 0 ? `${pending} pending` : null, error > 0 ? `${error} ${error === 1 ? 'error' : 'errors'}` : null].filter(Boolean)
  return parts.length > 0 ? parts.join(' · ') : null
}

/** Entries not on the server yet: what signing out would lose. */
export function unsynced(entries: readonly OutboxEntry[]): number {
  return entries.filter((e) => e.status !== 'synced').length
}

/** The status words beside an entry recorded on this device. */
export function describeOfflineStatus(entry: OutboxEntry): string {
  if (entry.status === 'pending') return 'pending'
  if (entry.status === 'synced') return 'synced'
  return `${entry.conflict ? 'conflict' : 'error'}: ${entry.reason ?? 'not synced'}`
}
