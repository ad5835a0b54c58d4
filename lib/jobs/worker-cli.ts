// `npm run worker`: runs the background and scheduled jobs alone, for deployments with
// several web processes started with JOB_WORKER=off. On the embedded database the web
// process owns the data folder, so there the web process runs the jobs (the default).
import { getChatModel } from '../ai/model'
import { resolveSessionSecret } from '../auth/session-secret'
import { openMigratedDatabase } from '../db/open'
import { parseEnv } from '../env'
import { StartupError } from '../errors'
import { digestMailFrom } from '../reminders/email-digest'
import { openJobQueue } from './queue'

try {
  const env = parseEnv(process.env)
  const db = await openMigratedDatabase(env, (line) => console.log(line))
  // The digest's unsubscribe links are signed with the web processes' SESSION_SECRET: set the same one here.
  const queue = openJobQueue(db, { log: (line) => console.log(line), ai: getChatModel(env), mail: digestMailFrom(env, resolveSessionSecret(env)) })
  await queue.startWorker()
  console.log('The job worker is running; Ctrl+C stops it.')
  const stop = () => {
    void queue
      .stop()
      .then(() => db.close())
      .finally(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
} catch (error) {
  console.error(error instanceof StartupError ? error.message : error)
  process.exit(1)
}
