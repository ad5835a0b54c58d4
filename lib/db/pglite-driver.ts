import fs from 'node:fs'
import path from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { StartupError } from '../errors'
import type { Driver, Tx } from './database'

const DATE_OID = 1082
const INT8_OID = 20

/** Dates stay 'YYYY-MM-DD' strings and bigints become numbers, the same as on a server. */
const parsers = {
  [DATE_OID]: (value: string) => value,
  [INT8_OID]: (value: string) => Number(value),
}

/**
 * Embedded Postgres (PGlite, Postgres compiled to WebAssembly) in a data folder, or in
 * memory when no folder is given. One process owns a folder at a time: a lock file in it
 * names the owner, and a second process gets a clear error instead of a corrupted database.
 */
export async function openPgliteDriver(options: { dataDirectory?: string; loadDataDir?: Blob } = {}): Promise<Driver> {
  const { dataDirectory } = options
  let releaseLock = () => {}
  if (dataDirectory) {
    fs.mkdirSync(dataDirectory, { recursive: true })
    releaseLock = takeFolderLock(dataDirectory)
  }
  let pglite: PGlite
  try {
    pglite = await PGlite.create({
      dataDir: dataDirectory ? path.join(dataDirectory, 'pglite') : undefined,
      loadDataDir: options.loadDataDir,
      parsers,
    })
  } catch (error) {
    releaseLock()
    throw error
  }

  // One process owns the folder (the lock file sees to that), so an in-process queue is
  // all `exclusively` needs.
  let exclusiveQueue: Promise<unknown> = Promise.resolve()

  return {
    target: 'embedded',
    transaction(work) {
      return pglite.transaction((transaction) => {
        const tx: Tx = {
          async query<Row extends object>(text: string, params?: readonly unknown[]) {
            const result = await transaction.query<Row>(text, params ? [...params] : undefined)
            return result.rows
          },
          async exec(script) {
            await transaction.exec(script)
          },
        }
        return work(tx)
      })
    },
    exclusively(_lockName, work) {
      const run = exclusiveQueue.then(work, work)
      exclusiveQueue = run.catch(() => {})
      return run
    },
    async close() {
      await pglite.close()
      releaseLock()
    },
  }
}

/**
 * The folder's lock file names its owner: `<pid> <start time>` (the start time, from
 * /proc on Linux, tells a live owner from a new process that got the same pid). The lock
 * is stale — and is taken over — when that process is gone, is a zombie (killed with
 * `kill -9` but not yet reaped by its parent: it holds nothing), or is another process
 * under the same pid. Only a live owner refuses the folder.
 */
function takeFolderLock(dataDirectory: string): () => void {
  const lockPath = path.join(dataDirectory, 'pglite.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const startTime = processStartTime(process.pid)
      fs.writeFileSync(lockPath, startTime === null ? String(process.pid) : `${process.pid} ${startTime}`, { flag: 'wx' })
      const release = () => fs.rmSync(lockPath, { force: true })
      process.once('exit', release)
      return () => {
        process.off('exit', release)
        release()
      }
    } catch (error) {
      if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) throw error
      const [pidText = '', startText] = fs.readFileSync(lockPath, 'utf8').trim().split(/\s+/)
      const owner = Number(pidText)
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && ownsLock(owner, startText)) {
        throw new StartupError(
          `The embedded database in ${dataDirectory} is open in another process (pid ${owner}). ` +
            'Stop that process first, or set DATA_DIR to another folder.',
        )
      }
      // The owner is gone (it crashed or was killed): the lock is stale.
      fs.rmSync(lockPath, { force: true })
    }
  }
  throw new Error(`Could not lock ${dataDirectory} for the embedded database.`)
}

function ownsLock(pid: number, recordedStartTime: string | undefined): boolean {
  if (!isRunning(pid)) return false
  const stat = procStat(pid)
  if (stat?.state === 'Z' || stat?.state === 'X') return false
  if (recordedStartTime !== undefined && stat && stat.startTime !== recordedStartTime) return false
  return true
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM'
  }
}

/** A process's state and start time from /proc/<pid>/stat (Linux); null elsewhere or when it is gone. */
function procStat(pid: number): { state: string; startTime: string } | null {
  let text: string
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return null
  }
  // "pid (command) state ppid …": the command may contain spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const state = fields[0]
  const startTime = fields[19]
  return state && startTime ? { state, startTime } : null
}

function processStartTime(pid: number): string | null {
  return procStat(pid)?.startTime ?? null
}
