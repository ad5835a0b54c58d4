import { createHash } from 'node:crypto'
import PgBoss from 'pg-boss'
import type { ChatModel } from '../ai/model'
import type { Database, Tx } from '../db/database'
import type { DigestMail } from '../reminders/email-digest'
import { StartupError } from '../errors'
import { jobs as allJobs, type Job, type JobDependencies } from './definitions'

/**
 * The job queue: pg-boss on the app's own database, whichever it is (embedded PGlite, a
 * Postgres server, Supabase), through the app's Database as the service. Its tables come
 * from a migration (20261203005000_job_queue.sql), so pg-boss starts with `migrate: false`.
 * See docs/decisions/025-a-postgres-job-queue-on-every-target.md.
 *
 * - `send` puts a job on its queue on its own; `sendWith(tx, …)` puts it there inside a
 *   transaction the caller is writing in, so the job exists exactly when that write commits
 *   (and on the embedded database, where one transaction runs at a time, it never waits on
 *   itself). A `key` makes a send idempotent: a second send with the same key adds nothing.
 * - `startWorker` runs every job (lib/jobs/definitions.ts) and schedules the ones with a
 *   cron; the web process does this unless JOB_WORKER=off, and `npm run worker` does it alone.
 * - `status` is what `npm run jobs` prints: counts per queue and state, and the last failures
 *   with their errors.
 */

/** The schema version of the pg-boss release in package.json, which the migration installed. */
export const queueSchemaVersion = 24

export interface SendOptions {
  /**
   * One job per key while it is on the queue (waiting, running, or finished within the hour
   * before it is archived): a second send with the same key adds nothing and returns null.
   * The key becomes the job's id. What the job writes is keyed as well, so a later run for
   * the same key changes nothing either.
   */
  key?: string
  /** Not before this time. */
  startAfter?: Date
}

export interface QueueStatus {
  queues: { name: string; created: number; retry: number; active: number; completed: number; failed: number }[]
  recentFailures: { id: string; name: string; failedAt: Date | null; retries: number; error: string }[]
}

export interface JobQueue {
  send<Data>(job: Job<Data>, data: Data, options?: SendOptions): Promise<string | null>
  sendWith<Data>(tx: Tx, job: Job<Data>, data: Data, options?: SendOptions): Promise<string | null>
  /** Runs the jobs (and their schedules) in this process until `stop`. */
  startWorker(options?: { pollingIntervalSeconds?: number }): Promise<void>
  status(): Promise<QueueStatus>
  stop(): Promise<void>
}

/** The same id for the same job and key (a name-based UUID, version 5 layout). */
function jobIdFor(jobName: string, key: string): string {
  const hex = createHash('sha1').update(`stagecoach-job:${jobName}:${key}`).digest('hex')
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** pg-boss's values as the app's drivers take them: arrays as Postgres array literals, objects as JSON text. */
function parameter(value: unknown): unknown {
  if (Array.isArray(value)) return `{${value.map((item) => (item === null ? 'NULL' : `"${String(item).replace(/["\\]/g, '\\$&')}"`)).join(',')}}`
  if (value instanceof Date) return value.toISOString()
  if (value !== null && typeof value === 'object') return JSON.stringify(value)
  return value
}

/**
 * pg-boss's SQL on a transaction of the app's. Some of its commands are scripts wrapped in
 * their own BEGIN … COMMIT (schema work under an advisory lock); inside the app's
 * transaction the wrapper is dropped and the script runs as it is.
 */
async function execute(tx: Tx, text: string, values: unknown[] | undefined): Promise<{ rows: unknown[] }> {
  const script = /^\s*BEGIN\s*;([\s\S]*)COMMIT\s*;\s*$/i.exec(text)
  if (script && !values?.length) {
    await tx.exec(script[1]!)
    return { rows: [] }
  }
  return { rows: await tx.query(text, values?.map(parameter)) }
}

export function openJobQueue(
  db: Database,
  {
    log = () => {},
    jobs = allJobs,
    ai = null,
    mail = null,
  }: {
    log?: (line: string) => void
    /** The jobs this worker runs (all of them by default). */
    jobs?: readonly Job[]
    /** The model for jobs that write words (the weekly review); none: they use the numbers alone. */
    ai?: ChatModel | null
    /** Mail for jobs that send it (the digest); none: they send nothing. */
    mail?: DigestMail | null
  } = {},
): JobQueue {
  const boss = new PgBoss({
    db: { executeSql: (text, values) => db.asService((tx) => execute(tx, text, values)) },
    schema: 'pgboss',
    migrate: false,
    // Finished jobs are kept for a week to be looked at, then removed by pg-boss's maintenance.
    archiveCompletedAfterSeconds: 60 * 60,
    deleteAfterDays: 7,
  })
  boss.on('error', (error: unknown) => log(`job queue: ${error instanceof Error ? error.message : String(error)}`))
  let started: Promise<void> | null = null
  const start = () =>
    (started ??= (async () => {
      const version = await db.asService((tx) => tx.query<{ version: number }>('select version::int as version from pgboss.version')).catch(() => [])
      if (version[0]?.version !== queueSchemaVersion) {
        throw new StartupError(
          `The job queue's tables are at schema version ${version[0]?.version ?? 'none'}, but this pg-boss needs ${queueSchemaVersion}. ` +
            'Run the migrations (npm run db:migrate), or add a migration with pg-boss’s migration plan after upgrading it.',
        )
      }
      await boss.start()
    })())

  const optionsFor = (job: Job<unknown>, options: SendOptions = {}): PgBoss.SendOptions => ({
    retryLimit: job.retry.limit,
    retryDelay: job.retry.delaySeconds,
    retryBackoff: true,
    expireInSeconds: job.expireInSeconds,
    ...(options.key ? { id: jobIdFor(job.name, options.key), singletonKey: options.key } : {}),
    ...(options.startAfter ? { startAfter: options.startAfter } : {}),
  })
  const checked = <Data>(job: Job<Data>, data: Data): object => {
    const parsed = job.data.safeParse(data)
    if (!parsed.success) throw new Error(`The data for job ${job.name} does not fit: ${parsed.error.message}`)
    return parsed.data as object
  }

  return {
    async send(job, data, options) {
      await start()
      return boss.send(job.name, checked(job, data), optionsFor(job as Job<unknown>, options))
    },
    async sendWith(tx, job, data, options) {
      await start()
      return boss.send(job.name, checked(job, data), {
        ...optionsFor(job as Job<unknown>, options),
        db: { executeSql: (text, values) => execute(tx, text, values) },
      })
    },
    async startWorker({ pollingIntervalSeconds = 2 } = {}) {
      await start()
      const deps: JobDependencies = { db, ai, mail, log }
      for (const job of jobs) {
        await boss.work(job.name, { batchSize: 1, pollingIntervalSeconds }, async ([item]) => {
          if (!item) return
          const output = await job.perform(deps, item.data)
          log(`job ${job.name} ${item.id} done${output ? `: ${JSON.stringify(output)}` : ''}`)
          return output
        })
        if (job.schedule) await boss.schedule(job.name, job.schedule, {}, { ...optionsFor(job), tz: 'UTC' })
      }
    },
    async status() {
      return db.asService(async (tx) => {
        const counts = await tx.query<{ name: string; state: string | null; n: number }>(
          `select q.name, j.state::text as state, count(j.id)::int as n
           from pgboss.queue q left join pgboss.job j on j.name = q.name
           group by q.name, j.state order by q.name`,
        )
        const queues = new Map<string, QueueStatus['queues'][number]>()
        for (const row of counts) {
          const queue = queues.get(row.name) ?? { name: row.name, created: 0, retry: 0, active: 0, completed: 0, failed: 0 }
          if (isCountedState(row.state)) queue[row.state] = row.n
          queues.set(row.name, queue)
        }
        const failures = await tx.query<{ id: string; name: string; completed_on: Date | null; retry_count: number; output: unknown }>(
          `select id, name, completed_on, retry_count, output from pgboss.job
           where state = 'failed' order by completed_on desc nulls last limit 20`,
        )
        return {
          queues: [...queues.values()],
          recentFailures: failures.map((row) => ({
            id: row.id,
            name: row.name,
            failedAt: row.completed_on,
            retries: row.retry_count,
            error: errorText(row.output),
          })),
        }
      })
    },
    async stop() {
      if (started) await boss.stop({ graceful: true, wait: true, timeout: 10_000 })
    },
  }
}

const countedStates = ['created', 'retry', 'active', 'completed', 'failed'] as const
function isCountedState(state: string | null): state is (typeof countedStates)[number] {
  return (countedStates as readonly (string | null)[]).includes(state)
}

/** pg-boss keeps a failed job's error as { message, stack, … } in `output`. */
function errorText(output: unknown): string {
  const value = typeof output === 'string' ? safeJson(output) : output
  if (value && typeof value === 'object' && 'message' in value && typeof value.message === 'string') return value.message
  return value === null || value === undefined ? '' : JSON.stringify(value)
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}
