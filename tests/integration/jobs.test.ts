/**
 * The job queue (pg-boss) on the database under test — embedded PGlite, or the server in
 * DATABASE_URL, plain or Supabase-shaped: a job is sent, run once, retried after a failure
 * and, when it keeps failing, kept as failed with its error where `npm run jobs` shows it.
 * Sending with a key twice adds one job; a job sent inside a transaction exists only if the
 * transaction commits. The queues the migration declares are exactly the jobs the worker runs.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pruneSignInState } from '#lib/auth/housekeeping'
import { authHousekeeping, jobs, type Job } from '#lib/jobs/definitions'
import { openJobQueue, queueSchemaVersion, type JobQueue } from '#lib/jobs/queue'
import { z } from 'zod'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase

beforeAll(async () => {
  testDb = await createTestDatabase()
})

afterAll(async () => {
  await testDb?.close()
})

const jobRows = (name: string) =>
  testDb.db.asService((tx) =>
    tx.query<{ id: string; state: string; retry_count: number; data: unknown; output: unknown }>(
      'select id, state::text as state, retry_count, data, output from pgboss.job where name = $1 order by created_on',
      [name],
    ),
  )

/** Waits (polling the database, not the clock) until the job rows satisfy `done`. */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let attempt = 0; attempt < 400; attempt++) {
    const value = await read()
    if (done(value)) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`Gave up waiting for ${what}`)
}

describe('the queues', () => {
  it('are installed by the migrations at the schema version pg-boss expects, one per job the worker runs', async () => {
    const [version] = await testDb.db.asService((tx) => tx.query<{ version: number }>('select version::int as version from pgboss.version'))
    expect(version?.version).toBe(queueSchemaVersion)
    const queues = await testDb.db.asService((tx) => tx.query<{ name: string }>('select name from pgboss.queue order by name'))
    // Each job's queue, and the one pg-boss's scheduler sends through.
    expect(queues.map((q) => q.name)).toEqual(['__pgboss__send-it', ...jobs.map((job) => job.name)].sort())
  })

  it('are out of reach of every API role, as direct SQL', async () => {
    const user = await createUser(testDb.db)
    for (const run of [(sql: string) => testDb.db.asUser(user, (tx) => tx.query(sql)), (sql: string) => testDb.db.asAnonymous((tx) => tx.query(sql))]) {
      await expect(run('select * from pgboss.job')).rejects.toThrow()
      await expect(run('select * from pgboss.queue')).rejects.toThrow()
      await expect(run(`insert into pgboss.job (name, data) values ('auth-housekeeping', '{}')`)).rejects.toThrow()
    }
    // The service can (the worker's path).
    await expect(testDb.db.asService((tx) => tx.query('select count(*) from pgboss.job'))).resolves.toHaveLength(1)
  })
})

describe('running jobs', () => {
  let queue: JobQueue
  const lines: string[] = []
  // A job of the test's own, on a queue the test creates, that fails as often as it is told to.
  const flaky = {
    name: `test-flaky-${randomUUID().slice(0, 8)}`,
    retry: { limit: 2, delaySeconds: 1 },
    expireInSeconds: 60,
    writes: [],
    data: z.object({ failTimes: z.number(), key: z.string() }),
    runs: new Map<string, number>(),
    async perform(_deps: unknown, data: unknown) {
      const { failTimes, key } = this.data.parse(data)
      const run = (this.runs.get(key) ?? 0) + 1
      this.runs.set(key, run)
      if (run <= failTimes) throw new Error(`Run ${run} of ${key} failed on purpose`)
      return { run }
    },
  } satisfies Job<{ failTimes: number; key: string }> & { runs: Map<string, number> }

  beforeAll(async () => {
    queue = openJobQueue(testDb.db, { log: (line) => lines.push(line), jobs: [...jobs, flaky] })
    await testDb.db.asService((tx) => tx.query(`select pgboss.create_queue($1, '{"policy": "standard"}')`, [flaky.name]))
    await queue.startWorker({ pollingIntervalSeconds: 0.5 })
  })

  afterAll(async () => {
    await queue?.stop()
  })

  it('runs a job once and records it as completed', async () => {
    await queue.send(flaky, { failTimes: 0, key: 'once' })
    const [row] = await until(() => jobRows(flaky.name), (rows) => rows.some((r) => r.state === 'completed'), 'the job to complete')
    expect(row).toMatchObject({ state: 'completed', retry_count: 0 })
    expect(flaky.runs.get('once')).toBe(1)
  })

  it('retries a failed job, which then succeeds', async () => {
    await queue.send(flaky, { failTimes: 1, key: 'retried' })
    await until(() => Promise.resolve(flaky.runs.get('retried') ?? 0), (runs) => runs >= 2, 'the retry')
    const rows = await until(
      () => jobRows(flaky.name),
      (all) => all.some((r) => (r.data as { key?: string }).key === 'retried' && r.state === 'completed'),
      'the retried job to complete',
    )
    expect(rows.find((r) => (r.data as { key?: string }).key === 'retried')).toMatchObject({ state: 'completed', retry_count: 1 })
  })

  it('keeps a job that fails every try as failed, with its error, where the status shows it', async () => {
    const id = await queue.send(flaky, { failTimes: 99, key: 'hopeless' })
    await until(() => jobRows(flaky.name), (rows) => rows.some((r) => r.id === id && r.state === 'failed'), 'the job to fail for good')
    expect(flaky.runs.get('hopeless')).toBe(3) // the first try and two retries
    const status = await queue.status()
    expect(status.recentFailures).toContainEqual(
      expect.objectContaining({ id, name: flaky.name, retries: 2, error: 'Run 3 of hopeless failed on purpose' }),
    )
    expect(status.queues.find((q) => q.name === flaky.name)).toMatchObject({ failed: 1 })
  })

  it('refuses data that does not fit the job, before anything is queued', async () => {
    const before = (await jobRows(flaky.name)).length
    // @ts-expect-error — the wrong type on purpose: what a caller without types might send
    await expect(queue.send(flaky, { failTimes: 'often', key: 'bad' })).rejects.toThrow(/does not fit/)
    expect(await jobRows(flaky.name)).toHaveLength(before)
  })

  it('adds one job for two sends with the same key', async () => {
    const first = await queue.send(authHousekeeping, {}, { key: 'hourly', startAfter: new Date(Date.now() + 60 * 60_000) })
    const second = await queue.send(authHousekeeping, {}, { key: 'hourly', startAfter: new Date(Date.now() + 60 * 60_000) })
    expect(first).not.toBeNull()
    expect(second).toBeNull()
    expect((await jobRows(authHousekeeping.name)).filter((r) => r.state === 'created')).toHaveLength(1)
  })

  it('a job sent inside a transaction exists only if the transaction commits', async () => {
    const key = `tx-${randomUUID()}`
    await expect(
      testDb.db.asService(async (tx) => {
        await queue.sendWith(tx, flaky, { failTimes: 0, key }, { startAfter: new Date(Date.now() + 60 * 60_000) })
        throw new Error('the write that carried the job failed')
      }),
    ).rejects.toThrow('the write that carried the job failed')
    expect((await jobRows(flaky.name)).filter((r) => (r.data as { key?: string }).key === key)).toHaveLength(0)

    await testDb.db.asService((tx) => queue.sendWith(tx, flaky, { failTimes: 0, key }, { startAfter: new Date(Date.now() + 60 * 60_000) }))
    expect((await jobRows(flaky.name)).filter((r) => (r.data as { key?: string }).key === key)).toHaveLength(1)
  })

  it('schedules the jobs that run by themselves', async () => {
    const schedules = await testDb.db.asService((tx) => tx.query<{ name: string; cron: string }>('select name, cron from pgboss.schedule order by name'))
    const expected = jobs.filter((job) => job.schedule).map((job) => ({ name: job.name, cron: job.schedule }))
    expect(schedules).toEqual(expected.sort((a, b) => (a.name < b.name ? -1 : 1)))
  })
})

describe('auth housekeeping', () => {
  it('removes only expired sessions, spent reset tokens and closed attempt windows', async () => {
    const user = await createUser(testDb.db)
    const hash = () => randomUUID().replace(/-/g, '').padEnd(64, '0')
    const [liveSession, oldSession, liveToken, usedToken, oldToken] = [hash(), hash(), hash(), hash(), hash()]
    await testDb.db.asService(async (tx) => {
      await tx.query(`insert into private.login_sessions (token_hash, user_id, expires_at) values ($1, $3, now() + interval '1 day'), ($2, $3, now() - interval '1 minute')`, [liveSession, oldSession, user])
      await tx.query(
        `insert into private.password_reset_tokens (token_hash, user_id, expires_at, used_at) values
           ($1, $4, now() + interval '1 hour', null), ($2, $4, now() + interval '1 hour', now()), ($3, $4, now() - interval '1 minute', null)`,
        [liveToken, usedToken, oldToken, user],
      )
      await tx.query(
        `insert into private.auth_attempts (scope, key, window_started_at, attempts) values
           ('sign_in_address', $1, now(), 2), ('sign_in_address', $2, now() - interval '16 minutes', 5)`,
        [`open-${user}`, `closed-${user}`],
      )
    })
    const pruned = await pruneSignInState(testDb.db)
    expect(pruned.loginSessions).toBeGreaterThanOrEqual(1)
    const left = await testDb.db.asService(async (tx) => ({
      sessions: (await tx.query<{ token_hash: string }>('select token_hash from private.login_sessions where user_id = $1', [user])).map((r) => r.token_hash),
      tokens: (await tx.query<{ token_hash: string }>('select token_hash from private.password_reset_tokens where user_id = $1', [user])).map((r) => r.token_hash),
      attempts: (await tx.query<{ key: string }>('select key from private.auth_attempts where key like $1', [`%${user}`])).map((r) => r.key),
    }))
    expect(left).toEqual({ sessions: [liveSession], tokens: [liveToken], attempts: [`open-${user}`] })
  })
})
