// `npm run db:migrate`: applies pending migrations to the database the environment names.
import { parseEnv } from '../env'
import { StartupError } from '../errors'
import { migrateOrExplain, openDriver } from './open'

try {
  const env = parseEnv(process.env)
  const driver = await openDriver(env)
  try {
    const where = env.DATABASE_URL ? 'the Postgres server in DATABASE_URL' : `the embedded database in ${env.dataDirectory}`
    const { applied } = await migrateOrExplain(driver, env, (line) => console.log(line))
    console.log(applied.length === 0 ? `${where} is up to date.` : `Applied ${applied.length} migration(s) to ${where}.`)
  } finally {
    await driver.close()
  }
} catch (error) {
  console.error(error instanceof StartupError ? error.message : error)
  process.exitCode = 1
}
