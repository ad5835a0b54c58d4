import { useRevalidator } from '@remix-run/react'
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react'
import type { SyncEntry } from '#lib/offline/sync.shared'
import { countsOf, edited, newEntry, retried, unsynced, type NewEntry, type OutboxCounts, type OutboxEntry } from './outbox'
import { forgetKeptPages, identifyToServiceWorker } from './service-worker'
import { clearPerson, deleteEntry, entriesOf, onEntriesChanged, putEntries } from './store'
import { syncPending } from './sync-runner'

/**
 * What the pages need of the offline outbox: whether the browser is online, the signed-in
 * person's entries and their counts, and the person's actions on them. Syncs when the page
 * opens, when the browser comes back online and after each new entry; after a sync that
 * wrote something, the page's data is loaded again so the server's rows replace the
 * device's. Without a signed-in person it holds nothing.
 */
interface Offline {
  online: boolean
  entries: OutboxEntry[]
  counts: OutboxCounts
  unsynced: number
  record(entry: NewEntry): Promise<void>
  retry(clientId: string): Promise<void>
  edit(clientId: string, change: Pick<Extract<SyncEntry, { kind: 'record' }>, 'value' | 'modification'>): Promise<void>
  discard(clientId: string): Promise<void>
  /** Signing out: the person's entries and kept pages leave this device. */
  forgetEverything(): Promise<void>
}

const OfflineContext = createContext<Offline | null>(null)

export function useOffline(): Offline | null {
  return useContext(OfflineContext)
}

export function OfflineProvider({ userId, children }: { userId: string | null; children: ReactNode }) {
  const [entries, setEntries] = useState<OutboxEntry[]>([])
  const [online, setOnline] = useState(true)
  const revalidator = useRevalidator()
  const revalidate = useRef(revalidator.revalidate)
  revalidate.current = revalidator.revalidate

  const sync = useCallback(() => {
    if (!userId || !navigator.onLine) return
    void syncPending(userId).then((wrote) => {
      if (wrote) revalidate.current()
    })
  }, [userId])

  useEffect(() => {
    if (!userId || typeof indexedDB === 'undefined') return setEntries([])
    let live = true
    const load = () => void entriesOf(userId).then((found) => live && setEntries(found))
    load()
    const stop = onEntriesChanged(load)
    return () => {
      live = false
      stop()
    }
  }, [userId])

  useEffect(() => {
    setOnline(navigator.onLine)
    void identifyToServiceWorker(userId)
    sync()
    const up = () => {
      setOnline(true)
      void identifyToServiceWorker(userId)
      sync()
    }
    const down = () => setOnline(false)
    window.addEventListener('online', up)
    window.addEventListener('offline', down)
    return () => {
      window.removeEventListener('online', up)
      window.removeEventListener('offline', down)
    }
  }, [userId, sync])

  const value = useMemo<Offline | null>(() => {
    if (!userId) return null
    const update = async (clientId: string, change: (entry: OutboxEntry) => OutboxEntry) => {
      const entry = (await entriesOf(userId)).find((e) => e.clientId === clientId)
      if (entry) await putEntries([change(entry)])
      sync()
    }
    return {
      online,
      entries,
      counts: countsOf(entries),
      unsynced: unsynced(entries),
      async record(entry) {
        await putEntries([newEntry(entry, userId, await entriesOf(userId))])
        sync()
      },
      retry: (clientId) => update(clientId, retried),
      edit: (clientId, change) => update(clientId, (entry) => edited(entry, change)),
      discard: (clientId) => deleteEntry(clientId),
      async forgetEverything() {
        await clearPerson(userId)
        await forgetKeptPages()
      },
    }
  }, [userId, online, entries, sync])

  return <OfflineContext.Provider value={value}>{children}</OfflineContext.Provider>
}
