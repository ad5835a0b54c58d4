import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { createDatabase, type Database, type Driver } from '#lib/db/database'
import { migrate } from '#lib/db/migrate'
import { openPgliteDriver } from '#lib/db/pglite-driver'
import { openPostgresDriver } from '#lib/db/postgres-driver'

export interface TestDatabase {
  db: Database
  driver: Driver
  /** Where it runs, for test names: 'pglite' or 'postgres'. */
  target: 'pglite' | 'postgres'
  close(): Promise<void>
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default, or a new
 * database on the server in DATABASE_URL (dropped again at the end).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const driver = await openPgliteDriver()
    await migrate(driver)
    return { db: createDatabase(driver), driver, target: 'pglite', close: () => driver.close() }
  }

  const name = `stagecoach_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  const driver = openPostgresDriver(url.toString(), { maxConnections: 25 })
  try {
    await migrate(driver)
  } catch (error) {
    await driver.close()
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
    throw error
  }
  return {
    db: createDatabase(driver),
    driver,
    target: 'postgres',
    async close() {
      await driver.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

let userCounter = 0

/**
 * Creates a user the way sign-up does (a row in auth.users, whose trigger adds the
 * profile), with a placeholder password hash: tests that need real passwords go
 * through the auth backend instead.
 */
export async function createUser(db: Database, { displayName }: { displayName?: string } = {}): Promise<string> {
  userCounter += 1
  const email = `user${userCounter}-${randomBytes(4).toString('hex')}@example.test`
  const [row] = await db.asService((tx) =>
    tx.query<{ id: string }>(
      `insert into auth.users (email, encrypted_password, raw_user_meta_data)
       values ($1, 'not-a-real-hash', $2::jsonb) returning id`,
      [email, JSON.stringify({ display_name: displayName ?? `User ${userCounter}` })],
    ),
  )
  if (!row) throw new Error('no user id')
  return row.id
}
