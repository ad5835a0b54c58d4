/**
 * Benchmark: the server's memory before and after oversize requests (issue 8, finding 3).
 * Before the request guard, four 50 MB posts took the server from 0.63 to 1.40 GB and the
 * memory did not come back; now a body is refused with 413 as soon as it passes its limit.
 *
 *   npx tsx bench/memory.ts [--requests 1000] [--concurrency 10] [--size-mb 8]
 *                           [--targets pglite,postgres] [--admin-url …] [--rebuild]
 *
 * For each target it starts the real production server, signs a user up, reads the
 * server's resident memory (VmRSS in /proc/<pid>/status), then sends `--requests`
 * oversize requests, `--concurrency` at a time, in three kinds taken in turn:
 *   - an anonymous sign-in form declaring `--size-mb` MB (Content-Length);
 *   - the same without Content-Length (chunked), so only counting while reading stops it;
 *   - a signed-in chat turn of `--size-mb` MB of JSON.
 * Each request writes its body until the server answers or closes the connection. It
 * samples memory during the run (peak) and reads it again afterwards; /healthz must still
 * answer 200. Prints a table and writes bench/results/memory.json.
 */
import fs from 'node:fs'
import http from 'node:http'
import { parseArgs } from 'node:util'
import { parseTargets, positiveNumber, targetOptions, type Target } from './support/args'
import { describeMachine, formatTable, lastLines, log, logBuild, machineInfo, writeResults } from './support/report'
import { Cleanup, postForm, prepareTarget, signUp, startServer, type RunningServer } from './support/server'

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '10' },
    'size-mb': { type: 'string', default: '8' },
    ...targetOptions('pglite'),
  },
})

const settings = {
  requests: Math.round(positiveNumber('requests', args.requests)),
  concurrency: Math.round(positiveNumber('concurrency', args.concurrency)),
  sizeBytes: Math.round(positiveNumber('size-mb', args['size-mb']) * 1024 * 1024),
  targets: parseTargets(args.targets),
}

function residentMegabytes(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8')
  const kilobytes = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1])
  return Math.round((kilobytes / 1024) * 10) / 10
}

type Kind = 'form with length' | 'chunked form' | 'chat JSON'
const kinds: Kind[] = ['form with length', 'chunked form', 'chat JSON']

/** Sends one oversize body, 64 KB at a time, until the server answers or hangs up. */
function oversize(baseUrl: string, kind: Kind, chat: { cookie: string; sessionId: string }): Promise<number> {
  const url = new URL(kind === 'chat JSON' ? `/sessions/${chat.sessionId}/chat` : '/login', baseUrl)
  const headers: Record<string, string> = {
    'Content-Type': kind === 'chat JSON' ? 'application/json' : 'application/x-www-form-urlencoded',
    Origin: baseUrl,
  }
  if (kind !== 'chunked form') headers['Content-Length'] = String(settings.sizeBytes)
  if (kind === 'chat JSON') headers.Cookie = chat.cookie
  const piece = Buffer.alloc(64 * 1024, 'x')
  return new Promise((resolve) => {
    let settled = false
    const finish = (status: number) => {
      if (settled) return
      settled = true
      request.destroy()
      resolve(status)
    }
    const request = http.request(url, { method: 'POST', headers, agent: false }, (response) => {
      response.resume()
      finish(response.statusCode ?? 0)
    })
    request.on('error', () => finish(0))
    let written = 0
    const writeMore = () => {
      while (!settled && written < settings.sizeBytes) {
        written += piece.length
        if (!request.write(piece)) return void request.once('drain', writeMore)
      }
      if (!settled) request.end()
    }
    writeMore()
  })
}

interface TargetResult {
  target: Target
  ok: boolean
  failure?: string
  rssBeforeMb?: number
  rssPeakMb?: number
  rssAfterMb?: number
  statuses?: Record<string, number>
  healthAfter?: number
  serverLogTail?: string
}

async function benchTarget(target: Target): Promise<TargetResult> {
  const cleanup = new Cleanup()
  let server: RunningServer | undefined
  try {
    const { dataDir, databaseUrl } = await prepareTarget(cleanup, target, { tempPrefix: `stagecoach-bench-memory-${target}-`, adminUrl: args['admin-url'] })
    server = await startServer({ dataDir, databaseUrl })
    cleanup.add('stopping the server', () => server!.stop())
    const user = await signUp(server.baseUrl, { displayName: 'Memory Bench' })
    const started = await postForm(server.baseUrl, '/sessions/new', { intent: 'start', sessionType: 'self_coaching', title: '' }, user.cookie)
    const sessionId = /^\/sessions\/([0-9a-f-]{36})$/.exec(started.location ?? '')?.[1]
    if (!sessionId) throw new Error(`Starting a session answered ${started.status} (${started.location})`)
    // A few ordinary requests first, so "before" is a server that has served pages.
    for (let i = 0; i < 20; i++) await (await fetch(`${server.baseUrl}/dashboard`, { headers: { Cookie: user.cookie } })).arrayBuffer()

    const rssBeforeMb = residentMegabytes(server.pid)
    log(`${target}: server RSS ${rssBeforeMb} MB; sending ${settings.requests} requests of ${settings.sizeBytes / 1024 / 1024} MB, ${settings.concurrency} at a time…`)
    let rssPeakMb = rssBeforeMb
    const statuses: Record<string, number> = {}
    let next = 0
    const worker = async () => {
      while (next < settings.requests) {
        const index = next++
        const status = await oversize(server!.baseUrl, kinds[index % kinds.length]!, { cookie: user.cookie, sessionId })
        const key = `${kinds[index % kinds.length]}: ${status === 0 ? 'connection closed' : status}`
        statuses[key] = (statuses[key] ?? 0) + 1
        if (index % 25 === 0) rssPeakMb = Math.max(rssPeakMb, residentMegabytes(server!.pid))
      }
    }
    await Promise.all(Array.from({ length: settings.concurrency }, worker))
    const rssAfterMb = residentMegabytes(server.pid)
    rssPeakMb = Math.max(rssPeakMb, rssAfterMb)
    const health = await fetch(`${server.baseUrl}/healthz`)
    await health.arrayBuffer()
    const refusedOnly = Object.keys(statuses).every((key) => key.endsWith(': 413') || key.endsWith(': connection closed'))
    return { target, ok: refusedOnly && health.status === 200, rssBeforeMb, rssPeakMb, rssAfterMb, statuses, healthAfter: health.status }
  } catch (error) {
    return { target, ok: false, failure: error instanceof Error ? error.message : String(error), serverLogTail: server && lastLines(server.output()) }
  } finally {
    await cleanup.run()
  }
}

async function main() {
  const machine = machineInfo()
  console.log(`Memory benchmark: server RSS before and after ${settings.requests} oversize requests (${settings.sizeBytes / 1024 / 1024} MB each, ${settings.concurrency} at a time)`)
  console.log(`  ${describeMachine(machine)}; load generator and server share the machine`)
  await logBuild({ force: args.rebuild })
  const results: TargetResult[] = []
  for (const target of settings.targets) results.push(await benchTarget(target))
  console.log('')
  console.log(
    formatTable(
      ['target', 'RSS before MB', 'peak MB', 'after MB', '/healthz after'],
      results.map((r) => (r.failure ? [r.target, 'FAILED', '', '', ''] : [r.target, String(r.rssBeforeMb), String(r.rssPeakMb), String(r.rssAfterMb), String(r.healthAfter)])),
    ),
  )
  for (const result of results) {
    if (result.statuses) console.log(`${result.target}: ${JSON.stringify(result.statuses)}`)
    if (result.failure) console.log(`${result.target}: FAILED: ${result.failure}`)
    if (!result.ok && result.serverLogTail) console.log(`${result.target}: the server's last lines:\n${result.serverLogTail}`)
  }
  const valid = results.every((result) => result.ok)
  const file = writeResults('memory', {
    description: 'Server resident memory before, during (peak) and after oversize request bodies, each refused with 413 or a closed connection',
    valid,
    machine,
    settings,
    results,
  })
  console.log(`\n${valid ? 'Valid run' : 'INVALID run (see above)'}; figures written to ${file}`)
  process.exitCode = valid ? 0 : 1
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
