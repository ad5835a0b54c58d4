// `npm run eval`: the eval suite against the configured model (lib/evals/command.ts, docs/evals.md).
import { StartupError } from '../errors'
import { evalCommand } from './command'

try {
  const { text, file } = await evalCommand({ argv: process.argv.slice(2), env: process.env, log: (line) => console.error(`… ${line}`) })
  console.log(text)
  console.log(`\nWritten to ${file}`)
} catch (error) {
  console.error(error instanceof StartupError ? error.message : error)
  process.exitCode = 1
}
