import type { Env } from '../env'
import { StartupError } from '../errors'
import { createDatabase, sqlState, type Database, type Driver } from './database'
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

const connectionProblems: Record<string, string> = {
  ECONNREFUSED: 'nothing is listening there (connection refused)',
  ENOTFOUND: 'that host name does not resolve',
  EAI_AGAIN: 'that host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
  CONNECT_TIMEOUT: 'the connection timed out',
  ECONNRESET: 'the server closed the connection',
  EHOSTUNREACH: 'that host is unreachable',
  '28P01': 'the password was refused',
  '28000': 'the server refused that user',
  '3D000': 'that database does not exist',
  '57P03': 'the server is starting up or shutting down',
}

/**
 * A failure to reach the server in DATABASE_URL, as one line that names the setting,
 * where it points (never the password) and what to check; null for any other error.
 */
export function describeConnectionFailure(error: unknown, databaseUrl: string): StartupError | null {
  const cause = error instanceof AggregateError ? error.errors[0] : error
  const code = sqlState(cause)
  const problem = code ? connectionProblems[code] : undefined
  if (!problem) return null
  let where = 'the server'
  try {
    const url = new URL(databaseUrl)
    where = `${url.hostname}:${url.port || '5432'}${url.pathname}`
  } catch {
    // An unparsable URL was already refused by the environment check.
  }
  return new StartupError(
    `Cannot open the database in DATABASE_URL (${where}): ${problem}. Check that the Postgres server is running and that DATABASE_URL's host, port, user, password and database name are right.`,
  )
}

/** Migrates, turning a failure to reach the server into a one-line StartupError. */
export async function migrateOrExplain(driver: Driver, env: Pick<Env, 'DATABASE_URL'>, log: (line: string) => void = () => {}) {
  try {
    return await migrate(driver, { log })
  } catch (error) {
    throw (env.DATABASE_URL && describeConnectionFailure(error, env.DATABASE_URL)) || error
  }
}

/** Opens the database and migrates it: what the app does at start-up. */
export async function openMigratedDatabase(
  env: DatabaseSettings,
  log: (line: string) => void = () => {},
): Promise<Database> {
  const driver = await openDriver(env)
  try {
    await migrateOrExplain(driver, env, log)
  } catch (error) {
    await driver.close()
    throw error
  }
  return createDatabase(driver)
}
