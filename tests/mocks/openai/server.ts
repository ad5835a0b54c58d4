import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { FakeOpenAI } from './types'

/** The same fake behind a real HTTP server on 127.0.0.1 (random free port), for browser tests: base URL ends with /v1. */
export async function startFakeOpenAIServer(fake: FakeOpenAI): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    serve(fake, req, res).catch(() => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ error: { message: 'The fake OpenAI server failed (fake).', type: 'server_error', param: null, code: null } }))
      } else {
        res.destroy()
      }
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}

async function serve(fake: FakeOpenAI, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const aborter = new AbortController()
  res.on('close', () => {
    if (!res.writableFinished) aborter.abort(new DOMException('The client went away', 'AbortError'))
  })
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item)
  }
  const method = req.method ?? 'GET'
  const request = new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url ?? '/'}`, {
    method,
    headers,
    body: method === 'GET' || method === 'HEAD' ? undefined : Buffer.concat(chunks),
    signal: aborter.signal,
  })
  const response = await fake.handle(request)
  if (aborter.signal.aborted || res.destroyed) return
  const outHeaders: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    outHeaders[name] = value
  })
  res.writeHead(response.status, outHeaders)
  res.flushHeaders()
  if (!response.body) {
    res.end()
    return
  }
  const reader = response.body.getReader()
  aborter.signal.addEventListener('abort', () => reader.cancel().catch(() => {}), { once: true })
  try {
    while (true) {
      const { done, value } = await reader.read()
      if (done) break
      // Wait until each chunk is handed to the socket, so a later break ('drop') cannot lose it.
      await new Promise<void>((resolve, reject) => res.write(value, (error) => (error ? reject(error) : resolve())))
    }
    res.end()
  } catch {
    // The fake broke the stream on purpose ('drop'), or the client went away: break the connection.
    res.destroy()
  }
}

