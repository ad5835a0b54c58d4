/**
 * The database layer itself: the same types from both drivers, the role each unit of
 * work runs as, rollback on error, and migrations that are safe to repeat and to run
 * from two processes at once.
 */
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AppError, StartupError } from '#lib/errors'
import { migrate, readMigrations } from '#lib/db/migrate'
import { openPgliteDriver } from '#lib/db/pglite-driver'
import { openPostgresDriver } from '#lib/db/postgres-driver'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase

beforeAll(async () => {
  testDb = await createTestDatabase()
})

afterAll(async () => {
  await testDb?.close()
})

describe(`units of work`, () => {
  it('return the same JavaScript types on every target', async () => {
    const [row] = await testDb.db.asService((tx) =>
      tx.query<Record<string, unknown>>(
        `select $1::jsonb as from_text, $2::jsonb as from_object, '2026-03-01'::date as day,
                count(*) as n, now() as at, gen_random_uuid() as id, 1.50::numeric as amount`,
        [JSON.stringify({ a: [1, 'two'] }), { b: true }],
      ),
    )
    expect(row).toMatchObject({
      from_text: { a: [1, 'two'] },
      from_object: { b: true },
      day: '2026-03-01',
      n: 1,
      amount: '1.50',
    })
    expect(row?.at).toBeInstanceOf(Date)
    expect(row?.id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('run as authenticated with the user’s id, as anon, or as the connection’s own role', async () => {
    const userId = await createUser(testDb.db)
    const who = 'select current_user::text as role, auth.uid() as uid, auth.role() as claim_role'
    expect(await testDb.db.asUser(userId, (tx) => tx.query(who))).toEqual([{ role: 'authenticated', uid: userId, claim_role: 'authenticated' }])
    expect(await testDb.db.asAnonymous((tx) => tx.query(who))).toEqual([{ role: 'anon', uid: null, claim_role: 'anon' }])
    const [service] = await testDb.db.asService((tx) => tx.query<{ role: string; uid: string | null }>(who))
    expect(service?.role).not.toMatch(/^(authenticated|anon)$/)
    expect(service?.uid).toBeNull()
  })

  it('do not leak the role or claims into the next unit of work', async () => {
    const userId = await createUser(testDb.db)
    await testDb.db.asUser(userId, (tx) => tx.query('select 1'))
    const [after] = await testDb.db.asService((tx) => tx.query<{ uid: string | null }>('select auth.uid() as uid'))
    expect(after?.uid).toBeNull()
  })

  it('roll back everything when any statement fails', async () => {
    const userId = await createUser(testDb.db)
    await expect(
      testDb.db.asUser(userId, async (tx) => {
        await tx.query(`insert into public.action_plans (user_id, title) values ($1, 'Half-written')`, [userId])
        await tx.query(`insert into public.action_plans (user_id, title, priority) values ($1, 'Bad', 9)`, [userId])
      }),
    ).rejects.toMatchObject({ kind: 'invalid' })
    const rows = await testDb.db.asUser(userId, (tx) => tx.query('select id from public.action_plans'))
    expect(rows).toEqual([])
  })

  it('turn database refusals into app errors and keep the driver error as the cause', async () => {
    const userId = await createUser(testDb.db)
    const error = await testDb.db
      .asUser(userId, (tx) => tx.query(`insert into public.action_plans (user_id, title) values ($1, 'x')`, [randomUUID()]))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).cause).toMatchObject({ code: '42501' })
  })

  it('let a missing privilege through as the bug it is, not as "not found"', async () => {
    const userId = await createUser(testDb.db)
    const error = await testDb.db.asUser(userId, (tx) => tx.query('select * from private.login_sessions')).catch((e: unknown) => e)
    expect(error).not.toBeInstanceOf(AppError)
    expect(error).toMatchObject({ code: '42501', message: expect.stringMatching(/^permission denied/) })
  })

  it('refuse a user id that is not a uuid before touching the database', () => {
    expect(() => testDb.db.asUser('1 or 1=1', async () => [])).toThrow(/needs a user id/)
  })
})

describe('stage ratings', () => {
  it('are whole numbers from 1 to 10 when present, whoever writes them', async () => {
    const userId = await createUser(testDb.db)
    const [session] = await testDb.db.asService((tx) =>
      tx.query<{ id: string }>(`insert into public.coaching_sessions (user_id, title) values ($1, 'Ratings') returning id`, [userId]),
    )
    const write = (stage: number, name: string, fields: unknown) =>
      testDb.db.asService((tx) =>
        tx.query(
          `insert into public.stage_responses (session_id, stage_number, stage_name, responses) values ($1, $2, $3, $4::jsonb)
           on conflict (session_id, stage_number) do update set responses = excluded.responses`,
          [session!.id, stage, name, JSON.stringify({ fields })],
        ),
      )
    for (const bad of [{ presenceLevel: 11 }, { presenceLevel: 0 }, { readinessScore: 7.5 }, { presenceLevel: '7' }]) {
      await expect(write(1, 'check_in', bad)).rejects.toMatchObject({ kind: 'invalid' })
    }
    await expect(write(5, 'check_out', { clarityLevel: 42 })).rejects.toMatchObject({ kind: 'invalid' })
    await expect(write(1, 'check_in', { presenceLevel: 10, readinessScore: null, emotionalState: 'calm' })).resolves.toBeDefined()
    await expect(write(2, 'starting_point', { currentStateRating: 1, topic: 'x' })).resolves.toBeDefined()
    await expect(write(3, 'connect', { options: ['a'] })).resolves.toBeDefined()
  })
})

describe('migrations', () => {
  it('are named <timestamp>_<what>.sql and applied in order', () => {
    const versions = readMigrations().map((m) => m.version)
    expect(versions.length).toBeGreaterThan(0)
    expect([...versions].sort()).toEqual(versions)
  })

  it('record what they applied and apply nothing the second time', async () => {
    expect(await migrate(testDb.driver)).toEqual({ applied: [] })
    const recorded = await testDb.db.asService((tx) =>
      tx.query<{ version: string }>('select version from supabase_migrations.schema_migrations order by version'),
    )
    expect(recorded.map((r) => r.version)).toEqual(readMigrations().map((m) => m.version))
  })

  it('enable row-level security on every table', async () => {
    const tables = await testDb.db.asService((tx) =>
      tx.query<{ table: string; rls: boolean }>(
        `select n.nspname || '.' || c.relname as table, c.relrowsecurity as rls
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where c.relkind = 'r' and n.nspname in ('public', 'private')
         order by 1`,
      ),
    )
    expect(tables.length).toBeGreaterThanOrEqual(11)
    expect(tables.filter((t) => !t.rls)).toEqual([])
  })

  it('leave a failed migration fully rolled back, and applied ones in place', async () => {
    const fresh = await openPgliteDriver()
    try {
      const good = readMigrations()
      const broken = { version: '29991231000000', name: 'broken', sql: 'create table public.half_done (id int); select 1/0;' }
      await expect(migrate(fresh, { migrations: [...good, broken] })).rejects.toThrow(/division by zero/)
      const [state] = await fresh.transaction((tx) =>
        tx.query<{ half_done: string | null; applied: number }>(
          `select to_regclass('public.half_done')::text as half_done,
                  (select count(*) from supabase_migrations.schema_migrations)::int as applied`,
        ),
      )
      expect(state).toEqual({ half_done: null, applied: good.length })
    } finally {
      await fresh.close()
    }
  })
})

describe('a database set up by the old bootstrap', () => {
  it('loses the default grants to the API roles: new tables get only what a migration grants', async () => {
    const old = await openPgliteDriver()
    try {
      // What lib/db/bootstrap.sql did before the grants moved into the migrations (decision 007).
      const [first, ...rest] = readMigrations()
      const oldDefaults = {
        version: '20261120000000',
        name: 'old_bootstrap_defaults',
        sql: `alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
              alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
              alter default privileges in schema public grant all on functions to anon, authenticated, service_role;`,
      }
      await migrate(old, { migrations: [oldDefaults, first!, ...rest] })
      const later = { version: '29991231000000', name: 'later_table', sql: 'create table public.later_table (id int)' }
      await migrate(old, { migrations: [later] })
      const [grants] = await old.transaction((tx) =>
        tx.query<{ anon: boolean; authenticated: boolean }>(
          `select has_table_privilege('anon', 'public.later_table', 'SELECT') as anon,
                  has_table_privilege('authenticated', 'public.later_table', 'SELECT') as authenticated`,
        ),
      )
      expect(grants).toEqual({ anon: false, authenticated: false })
    } finally {
      await old.close()
    }
  })
})

describe('migrating from two places at once', () => {
  it('applies each migration exactly once', async () => {
    const serverUrl = process.env.DATABASE_URL
    if (!serverUrl) {
      // Embedded: one process owns the folder (see below); within it, two migrators queue.
      const driver = await openPgliteDriver()
      try {
        const results = await Promise.all([migrate(driver), migrate(driver)])
        expect(results.flatMap((r) => r.applied).sort()).toEqual(readMigrations().map((m) => m.version))
      } finally {
        await driver.close()
      }
      return
    }
    // Server: two separate connection pools, as two processes would have, on a new database.
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
    const name = `stagecoach_race_${Date.now()}`
    await admin.unsafe(`create database ${name}`)
    const url = new URL(serverUrl)
    url.pathname = `/${name}`
    const [first, second] = [openPostgresDriver(url.toString()), openPostgresDriver(url.toString())]
    try {
      const results = await Promise.all([migrate(first), migrate(second)])
      expect(results.flatMap((r) => r.applied).sort()).toEqual(readMigrations().map((m) => m.version))
    } finally {
      await Promise.all([first.close(), second.close()])
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  })
})

describe('the embedded database folder', () => {
  it('persists data across restarts and refuses a second process while open', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecoach-pglite-'))
    try {
      const first = await openPgliteDriver({ dataDirectory: folder })
      await migrate(first)
      await first.transaction((tx) =>
        tx.query(`insert into auth.users (id, email, encrypted_password) values ('22222222-2222-4222-8222-222222222222', 'kept@example.com', 'x')`),
      )
      // Another process holds the folder: its pid is in the lock file and it is alive.
      fs.writeFileSync(path.join(folder, 'pglite.lock'), String(process.ppid))
      await expect(openPgliteDriver({ dataDirectory: folder })).rejects.toBeInstanceOf(StartupError)
      fs.writeFileSync(path.join(folder, 'pglite.lock'), String(process.pid))
      await first.close()
      expect(fs.existsSync(path.join(folder, 'pglite.lock'))).toBe(false)

      const reopened = await openPgliteDriver({ dataDirectory: folder })
      try {
        expect(await migrate(reopened)).toEqual({ applied: [] })
        const [kept] = await reopened.transaction((tx) =>
          tx.query<{ email: string }>(`select email from auth.users where id = '22222222-2222-4222-8222-222222222222'`),
        )
        expect(kept?.email).toBe('kept@example.com')
      } finally {
        await reopened.close()
      }
    } finally {
      fs.rmSync(folder, { recursive: true, force: true })
    }
  })

  it('takes over a lock whose process was killed but not yet reaped (a zombie), or whose pid now belongs to another process', async () => {
    // The shell starts `sleep 1` in the background, then execs into `sleep 30`, which never reaps it: once
    // `sleep 1` exits it is a zombie. (A child that exits before the exec may be reaped by the shell itself.)
    const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 30'], { stdio: ['ignore', 'pipe', 'ignore'] })
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecoach-pglite-'))
    try {
      const zombie = Number((await once(parent.stdout, 'data'))[0].toString().trim())
      while (!/^\S+ \(.*\) Z /.test(fs.readFileSync(`/proc/${zombie}/stat`, 'utf8'))) await new Promise((resolve) => setTimeout(resolve, 10))
      fs.writeFileSync(path.join(folder, 'pglite.lock'), String(zombie))
      const driver = await openPgliteDriver({ dataDirectory: folder })
      await driver.close()

      // A live process, but not the one that wrote the lock (its start time differs): the pid was reused.
      fs.writeFileSync(path.join(folder, 'pglite.lock'), `${process.ppid} 1`)
      const again = await openPgliteDriver({ dataDirectory: folder })
      await again.close()
    } finally {
      parent.kill()
      fs.rmSync(folder, { recursive: true, force: true })
    }
  })

  it('takes over a lock left by a process that is gone', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'stagecoach-pglite-'))
    try {
      fs.writeFileSync(path.join(folder, 'pglite.lock'), '999999')
      const driver = await openPgliteDriver({ dataDirectory: folder })
      await driver.close()
    } finally {
      fs.rmSync(folder, { recursive: true, force: true })
    }
  })
})
