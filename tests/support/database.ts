import { randomBytes, randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { createDatabase, type Database, type Driver } from '#lib/db/database'
import { migrate } from '#lib/db/migrate'
import { openPgliteDriver } from '#lib/db/pglite-driver'
import { openPostgresDriver } from '#lib/db/postgres-driver'
import { shapeLikeSupabase } from './supabase-shape'

export interface TestDatabase {
  db: Database
  driver: Driver
  /**
   * Where it runs, for test names: 'pglite', 'postgres' (the server, as its superuser) or
   * 'supabase' (a database on the server shaped like a Supabase project).
   */
  target: TestDatabaseTarget
  /** The connection URL the app would use (server targets only). */
  url?: string
  close(): Promise<void>
}

export type TestDatabaseTarget = 'pglite' | 'postgres' | 'supabase'

/**
 * Which target this run tests: PGlite without DATABASE_URL; with it, the server as its
 * superuser, or a Supabase-shaped database when TEST_DATABASE_SHAPE=supabase.
 */
export function testDatabaseTarget(): TestDatabaseTarget {
  if (!process.env.DATABASE_URL) return 'pglite'
  const shape = process.env.TEST_DATABASE_SHAPE ?? 'plain'
  if (shape === 'supabase') return 'supabase'
  if (shape === 'plain') return 'postgres'
  throw new Error(`TEST_DATABASE_SHAPE should be plain or supabase, not ${JSON.stringify(shape)}`)
}

/** How a test creates users: the way the auth server does on each target. */
type InsertUser = (user: { id: string; email: string; displayName: string }) => Promise<void>
const userInserters = new WeakMap<Database, InsertUser>()
const userDeleters = new WeakMap<Database, (id: string) => Promise<void>>()

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new
 * database on the server in DATABASE_URL (dropped again at the end), shaped like a
 * Supabase project when TEST_DATABASE_SHAPE=supabase.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const target = testDatabaseTarget()
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const driver = await openPgliteDriver()
    await migrate(driver)
    return { db: createDatabase(driver), driver, target: 'pglite', close: () => driver.close() }
  }

  const name = `stagecoach_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const superuserUrl = new URL(serverUrl)
  superuserUrl.pathname = `/${name}`
  // On the Supabase shape, users are written as the auth server writes them: as
  // supabase_auth_admin, over a connection of its own.
  const authServer = target === 'supabase' ? postgres(superuserUrl.toString(), { max: 1, onnotice: () => {} }) : null
  const appUrl = target === 'supabase' ? await shapeLikeSupabase(serverUrl, name) : superuserUrl.toString()
  const driver = openPostgresDriver(appUrl, { maxConnections: 25 })
  async function close() {
    await driver.close()
    await authServer?.end()
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
  try {
    await migrate(driver)
  } catch (error) {
    await close()
    throw error
  }
  const db = createDatabase(driver)
  if (authServer) {
    userInserters.set(db, async ({ id, email, displayName }) => {
      await authServer.begin(async (tx) => {
        await tx`set local role supabase_auth_admin`
        await tx`
          insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
          values (${id}, 'authenticated', 'authenticated', ${email}, 'not-a-real-hash', now(),
                  '{"provider": "email"}'::jsonb, jsonb_build_object('display_name', ${displayName}::text), now(), now())`
      })
    })
  }
  if (authServer) {
    userDeleters.set(db, async (id) => {
      await authServer.begin(async (tx) => {
        await tx`set local role supabase_auth_admin`
        await tx`delete from auth.users where id = ${id}`
      })
    })
  }
  return { db, driver, target, url: appUrl, close }
}

/**
 * Deletes a user the way the auth server does (GoTrue's admin API on Supabase: the row in
 * auth.users, as supabase_auth_admin on the Supabase shape), for a fake auth server.
 */
export async function deleteUser(db: Database, id: string): Promise<void> {
  const remove = userDeleters.get(db)
  if (remove) return remove(id)
  await db.asService((tx) => tx.query('delete from auth.users where id = $1', [id]))
}

let userCounter = 0

/**
 * Creates a user the way sign-up does (a row in auth.users, whose trigger adds the
 * profile), with a placeholder password hash: tests that need real passwords go
 * through the auth backend instead. On the Supabase shape the row is written as the auth
 * server writes it (as supabase_auth_admin); a fake auth server passes its own id.
 */
export async function createUser(
  db: Database,
  { displayName, id = randomUUID(), email: givenEmail }: { displayName?: string; id?: string; email?: string } = {},
): Promise<string> {
  userCounter += 1
  const email = givenEmail ?? `user${userCounter}-${randomBytes(4).toString('hex')}@example.test`
  const name = displayName ?? `User ${userCounter}`
  const insertUser = userInserters.get(db)
  if (insertUser) {
    await insertUser({ id, email, displayName: name })
    return id
  }
  // The auth server supplies ids (Supabase's auth.users.id has no default), so does this.
  await db.asService((tx) =>
    tx.query(
      `insert into auth.users (id, email, encrypted_password, raw_user_meta_data)
       values ($1, $2, 'not-a-real-hash', $3::jsonb)`,
      [id, email, JSON.stringify({ display_name: name })],
    ),
  )
  return id
}

/** Every row of every table in public and private, as one fingerprint per table: what a piece of work changed. */
export async function tableFingerprints(db: Database): Promise<Record<string, string>> {
  return db.asService(async (tx) => {
    const tables = await tx.query<{ name: string }>(
      `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('public', 'private') and c.relkind in ('r', 'p') order by 1`,
    )
    const result: Record<string, string> = {}
    for (const { name } of tables) {
      const [row] = await tx.query<{ n: number; digest: string }>(
        `select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as digest from ${name} t`,
      )
      result[name] = `${row!.n}:${row!.digest}`
    }
    return result
  })
}
