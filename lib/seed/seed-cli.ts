// `npm run seed`: fills the database the environment names (by default the embedded one
// in DATA_DIR) with a demo coach, clients, finished sessions and action plans.
import { openMigratedDatabase } from '../db/open'
import { parseEnv } from '../env'
import { StartupError } from '../errors'
import { demoAccounts, seedDemo } from './demo'

try {
  const env = parseEnv(process.env)
  const db = await openMigratedDatabase(env)
  try {
    const { created } = await seedDemo(db, (line) => console.log(`  ${line}`))
    console.log(created ? 'Demo data added.' : 'The demo data is already there.')
    console.log('Sign in with any of these (then open http://localhost:%s):', env.PORT)
    for (const account of demoAccounts) console.log(`  ${account.role.padEnd(6)}  ${account.email}  ${account.password}`)
  } finally {
    await db.close()
  }
} catch (error) {
  console.error(error instanceof StartupError ? error.message : error)
  process.exitCode = 1
}
