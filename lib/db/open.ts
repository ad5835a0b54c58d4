import type { Env } from '../env'
import { createDatabase, type Database, type Driver } from './database'
import { migrate } from './migrate'
import { openPgliteDriver } from './pglite-driver'
import { openPostgresDriver } from './postgres-driver'

/** Opens the database the environment names (a server, or the embedded one in DATA_DIR). */
type DatabaseSettings = Pick<Env, 'DATABASE_URL' | 'dataDirectory'> & Partial<Pick<Env, 'preparedStatements'>>

export function openDriver(env: DatabaseSettings): Promise<Driver> {
  return env.DATABASE_URL
    ? Promise.resolve(openPostgresDriver(env.DATABASE_URL, { prepare: env.preparedStatements ?? true }))
    : openPgliteDriver({ dataDirectory: env.dataDirectory })
}

/** Opens the database and migrates it: what the app does at start-up. */
export async function openMigratedDatabase(
  env: DatabaseSettings,
  log: (line: string) => void = () => {},
): Promise<Database> {
  const driver = await openDriver(env)
  try {
    await migrate(driver, { log })
  } catch (error) {
    await driver.close()
    throw error
  }
  return createDatabase(driver)
}
