import fs from 'node:fs/promises'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { getChatModel } from '../ai/model'
import { parseEnv } from '../env'
import { StartupError } from '../errors'
import { runEvals, suiteNames, type EvalReport, type SuiteName } from './harness'
import { formatReport } from './report'

/**
 * `npm run eval`: the eval suite against the model the app is configured with
 * (OPENAI_BASE_URL + AI_MODEL for any OpenAI-compatible server, or OPENAI_API_KEY for
 * OpenAI; the same `getChatModel` the app uses), printing the report and writing it as JSON.
 *
 *   npm run eval -- [--suite extraction,faithfulness,stance,safety] [--judge MODEL]
 *                   [--client model|scripted] [--concurrency 4] [--out eval-results]
 *
 * --judge names a model on the same endpoint that grades matches and support; without it
 * only the structural scores are computed.
 */

export const usage =
  'Usage: npm run eval -- [--suite extraction,faithfulness,stance,safety] [--judge MODEL] [--client model|scripted] [--concurrency 4] [--out eval-results]'

export class UsageError extends StartupError {}

export interface EvalCommandResult {
  report: EvalReport
  text: string
  file: string
}

function suitesFrom(value: string): SuiteName[] {
  const names = value.split(',').map((name) => name.trim()).filter(Boolean)
  const unknown = names.filter((name) => !(suiteNames as readonly string[]).includes(name))
  if (unknown.length > 0 || names.length === 0) throw new UsageError(`Unknown suite ${unknown.join(', ') || '(none)'}; choose from ${suiteNames.join(', ')}.\n${usage}`)
  return names as SuiteName[]
}

export async function evalCommand({
  argv,
  env: source,
  log = () => {},
}: {
  argv: string[]
  env: Record<string, string | undefined>
  log?: (line: string) => void
}): Promise<EvalCommandResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      suite: { type: 'string', default: suiteNames.join(',') },
      judge: { type: 'string' },
      client: { type: 'string', default: 'model' },
      concurrency: { type: 'string', default: '4' },
      out: { type: 'string', default: 'eval-results' },
    },
  })
  const env = parseEnv(source)
  const ai = getChatModel(env)
  if (!ai) {
    throw new UsageError(
      'No model is configured. Set OPENAI_BASE_URL and AI_MODEL for an OpenAI-compatible server (e.g. OPENAI_BASE_URL=http://127.0.0.1:11434/v1 AI_MODEL=llama3.1), or OPENAI_API_KEY for OpenAI.',
    )
  }
  if (values.client !== 'model' && values.client !== 'scripted') throw new UsageError(`--client is model or scripted.\n${usage}`)
  const concurrency = Number(values.concurrency)
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) throw new UsageError(`--concurrency is a whole number from 1 to 32.\n${usage}`)
  const judge = values.judge ? getChatModel({ ...env, AI_MODEL: values.judge }) : null

  const report = await runEvals({ ai, judge, client: values.client, suites: suitesFrom(values.suite), concurrency, onProgress: log })
  const text = formatReport(report)
  await fs.mkdir(values.out, { recursive: true })
  const stamp = report.startedAt.replace(/[:.]/g, '-')
  const file = path.join(values.out, `${stamp}-${report.model.replace(/[^\w.-]+/g, '_')}.json`)
  await fs.writeFile(file, `${JSON.stringify(report, null, 1)}\n`)
  return { report, text, file }
}
