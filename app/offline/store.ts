import type { OutboxEntry } from './outbox'

/**
 * The outbox in IndexedDB: one object store of entries keyed by client id, indexed by
 * person, so a device shared by several people shows and sends each their own, and signing
 * out removes one person's entries only. A few lines over the raw API (no dependency).
 */

const databaseName = 'stagecoach-offline'
const storeName = 'entries'
const changeListeners = new Set<() => void>()

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
}

let opened: Promise<IDBDatabase> | undefined
function open(): Promise<IDBDatabase> {
  opened ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(databaseName, 1)
    req.onupgradeneeded = () => {
      const store = req.result.createObjectStore(storeName, {
        keyPath: 'clientId',
      })
      store.createIndex('userId', 'userId')
    }
    req.onsuccess = () => resolve(req.result)
    req.onerror = () => reject(req.error)
  })
  return opened
}

async function withStore<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open()
  const tx = db.transaction(storeName, mode)
  const result = await request(work(tx.objectStore(storeName)))
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
    tx.onabort = () => reject(tx.error)
  })
  if (mode === 'readwrite') for (const listener of changeListeners) listener()
  return result
}

/** The person's entries, in the device's order. */
export async function entriesOf(userId: string): Promise<OutboxEntry[]> {
  const entries = (await withStore('readonly', (store) => store.index('userId').getAll(userId))) as OutboxEntry[]
  return entries.sort((a, b) => a.sequence - b.sequence)
}

export async function putEntries(entries: readonly OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return
  const db = await open()
  const tx = db.transaction(storeName, 'readwrite')
  for (const entry of entries) tx.objectStore(storeName).put(entry)
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
  })
  for (const listener of changeListeners) listener()
}

export async function deleteEntry(clientId: string): Promise<void> {
  await withStore('readwrite', (store) => store.delete(clientId))
}

/** Everything the person kept on this device: what signing out clears. */
export async function clearPerson(userId: string): Promise<void> {
  const keys = await withStore('readonly', (store) => store.index('userId').getAllKeys(userId))
  const db = await open()
  const tx = db.transaction(storeName, 'readwrite')
  for (const key of keys) tx.objectStore(storeName).delete(key)
  await new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve()
    tx.onerror = () => reject(tx.error)
  })
  for (const listener of changeListeners) listener()
}

/** Called after every change made on this page. */
export function onEntriesChanged(listener: () => void): () => void {
  changeListeners.add(listener)
  return () => changeListeners.delete(listener)
}
