// `npm run jobs`: what the job queue holds — per queue, how many jobs wait, retry, run,
// completed and failed — and the last failures with their errors.
import { openDriver } from '../db/open'
import { createDatabase } from '../db/database'
import { parseEnv } from '../env'
import { StartupError } from '../errors'
import { formatDate } from '../dates.shared'
import { openJobQueue } from './queue'

try {
  const env = parseEnv(process.env)
  const db = createDatabase(await openDriver(env))
  try {
    const { queues, recentFailures } = await openJobQueue(db).status()
    console.log('queue                 waiting  retrying  running  completed  failed')
    for (const q of queues) {
      console.log(`${q.name.padEnd(22)}${String(q.created).padStart(7)}${String(q.retry).padStart(10)}${String(q.active).padStart(9)}${String(q.completed).padStart(11)}${String(q.failed).padStart(8)}`)
    }
    console.log(recentFailures.length === 0 ? '\nNo failed jobs.' : '\nLast failures:')
    for (const f of recentFailures) {
      const when = f.failedAt ? formatDate(f.failedAt, { timeZone: 'UTC', time: true }) : 'unknown time'
      console.log(`  ${when} UTC  ${f.name}  ${f.id}  after ${f.retries} retries: ${f.error}`)
    }
  } finally {
    await db.close()
  }
} catch (error) {
  console.error(error instanceof StartupError ? error.message : error)
  process.exitCode = 1
}
