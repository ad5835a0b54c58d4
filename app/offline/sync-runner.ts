import { syncBatchLimit, syncTriesBeforeError, type SyncEntry, type SyncResponse } from '#lib/offline/sync.shared'
import { afterResult, pendingInOrder, type OutboxEntry } from './outbox'
import { entriesOf, putEntries } from './store'

/**
 * Sends the person's pending entries to /offline/sync in the device's order, and records
 * each answer (app/offline/outbox.ts decides what it means). An entry refused or failed is
 * sent again within the same run, up to three tries in all; one that cannot reach the
 * server at all (no signal, the server down) stays pending without counting a try. One
 * run at a time per page.
 */
let running: Promise<boolean> | null = null

export function syncPending(userId: string): Promise<boolean> {
  running ??= run(userId).finally(() => (running = null))
  return running
}

/** True when anything was written on the server. */
async function run(userId: string): Promise<boolean> {
  let wrote = false
  for (let round = 0; round < syncTriesBeforeError; round++) {
    if (!navigator.onLine) break
    const pending = pendingInOrder(await entriesOf(userId)).slice(0, syncBatchLimit)
    if (pending.length === 0) break
    let response: Response
    try {
      response = await fetch('/offline/sync', {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
        },
        body: JSON.stringify({ entries: pending.map(toSyncEntry) }),
      })
    } catch {
      break // no signal after all: try again when the browser says it is online
    }
    // Signed out elsewhere, or the server is down: nothing is counted against the entries.
    if (!response.ok) break
    const { results } = (await response.json()) as SyncResponse
    const updated: OutboxEntry[] = []
    for (const entry of pending) {
      const result = results.find((r) => r.clientId === entry.clientId)
      if (result) updated.push(afterResult(entry, result))
    }
    await putEntries(updated)
    if (updated.some((e) => e.status === 'synced')) wrote = true
    if (!updated.some((e) => e.status === 'pending')) {
      if (pending.length < syncBatchLimit) break
      round = -1 // a full batch went through: send the next one
    }
  }
  return wrote
}

function toSyncEntry(entry: OutboxEntry): SyncEntry {
  const { userId: _user, status: _status, tries: _tries, reason: _reason, conflict: _conflict, measureId: _measure, ...sent } = entry
  return sent as SyncEntry
}
