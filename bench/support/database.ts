/**
 * A fresh, migrated database for an in-process benchmark: embedded PGlite, or a scratch
 * database on the PostgreSQL server (dropped again by `close`).
 */
import { createDatabase, type Database } from '../../lib/db/database'
import { migrate } from '../../lib/db/migrate'
import { openPgliteDriver } from '../../lib/db/pglite-driver'
import { openPostgresDriver } from '../../lib/db/postgres-driver'
import type { Target } from './args'
import { createScratchDatabase } from './server'

export async function openBenchDatabase(target: Target, adminUrl?: string): Promise<{ db: Database; close: () => Promise<void> }> {
  if (target === 'pglite') {
    const driver = await openPgliteDriver()
    await migrate(driver)
    return { db: createDatabase(driver), close: () => driver.close() }
  }
  const scratch = await createScratchDatabase(adminUrl)
  const driver = openPostgresDriver(scratch.url, { maxConnections: 5 })
  await migrate(driver)
  return {
    db: createDatabase(driver),
    close: async () => {
      await driver.close()
      await scratch.drop()
    },
  }
}
