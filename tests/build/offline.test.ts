/**
 * The installable app and its sync endpoint over real HTTP against the production build
 * (issue 16, decision 030): the service worker is served for the whole app and checked for
 * updates every visit, the manifest and its icons are there, the sync endpoint passes the
 * server's request guard like every other change (same origin, JSON, size), and the
 * offline code adds at most 30 kB gzipped to what a page loads (printed).
 */
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { build } from 'vite'
import tsconfigPaths from 'vite-tsconfig-paths'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import { createTestDatabase, type TestDatabase } from '../support/database'
import { startBuiltServer, type BuiltServer } from './support/built-server'

let testDb: TestDatabase
let server: BuiltServer
let auth: ReturnType<typeof createBuiltInAuth>

beforeAll(async () => {
  testDb = await createTestDatabase()
  auth = createBuiltInAuth(testDb.db, { secret: 'offline-build-secret-0123456789abcdef', secure: true })
  server = await startBuiltServer(testDb.db, { auth })
})

afterAll(async () => {
  await server?.close()
  await testDb?.close()
})

describe('installable', () => {
  it('the service worker is served from the root, for the whole app, never kept stale', async () => {
    const response = await fetch(`${server.url}/sw.js`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/javascript/)
    expect(response.headers.get('service-worker-allowed')).toBe('/')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    expect(await response.text()).toContain("addEventListener('fetch'")
  })

  it('the manifest names the app, starts on the dashboard and its icons are there', async () => {
    const response = await fetch(`${server.url}/manifest.webmanifest`)
    expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/)
    const manifest = (await response.json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string }[] }
    expect(manifest).toMatchObject({ name: 'Stagecoach', start_url: '/dashboard', display: 'standalone' })
    expect(manifest.icons.map((icon) => icon.sizes)).toEqual(['192x192', '512x512'])
    for (const icon of manifest.icons) {
      const image = await fetch(server.url + icon.src)
      expect([icon.src, image.status, image.headers.get('content-type')]).toEqual([icon.src, 200, 'image/png'])
    }
    const page = await fetch(`${server.url}/login`)
    expect(await page.text()).toContain('rel="manifest" href="/manifest.webmanifest"')
    expect(page.headers.get('content-security-policy')).toContain("worker-src 'self'")
  })
})

describe('the sync endpoint passes the request guard', () => {
  async function signedUp() {
    const { setCookies } = await auth.signUp(
      { email: `offline-${randomUUID().slice(0, 8)}@example.com`, password: 'Offline-Test-Pass-1', displayName: 'Off Line' },
      { cookieHeader: null, ipAddress: '192.0.2.40' },
    )
    return setCookies[0]?.split(';')[0] ?? ''
  }
  const entry = () => ({ kind: 'complete', clientId: randomUUID(), sequence: 0, deviceTime: new Date().toISOString(), sessionId: randomUUID() })
  const send = (headers: Record<string, string>, body: string) => fetch(`${server.url}/offline/sync`, { method: 'POST', redirect: 'manual', headers, body })

  it('a cross-origin send is refused with 403; text/plain with 415; a same-origin JSON send is answered', async () => {
    const cookie = await signedUp()
    const body = JSON.stringify({ entries: [entry()] })
    const forged = await send({ Cookie: cookie, Origin: server.url.replace('127.0.0.1', 'evil.localhost'), 'Content-Type': 'application/json' }, body)
    expect(forged.status).toBe(403)
    const plain = await send({ Cookie: cookie, Origin: server.url, 'Content-Type': 'text/plain' }, body)
    expect(plain.status).toBe(415)
    const mine = await send({ Cookie: cookie, Origin: server.url, 'Content-Type': 'application/json' }, body)
    expect(mine.status).toBe(200)
    expect(mine.headers.get('cache-control')).toBe('no-store')
    expect(((await mine.json()) as { results: { status: string }[] }).results.map((r) => r.status)).toEqual(['refused'])
  })

  it('a visitor gets 401; a body over the JSON limit 413', async () => {
    const visitor = await send({ Origin: server.url, 'Content-Type': 'application/json' }, JSON.stringify({ entries: [entry()] }))
    expect(visitor.status).toBe(401)
    const cookie = await signedUp()
    const huge = await send({ Cookie: cookie, Origin: server.url, 'Content-Type': 'application/json' }, JSON.stringify({ entries: [], pad: 'x'.repeat(70 * 1024) }))
    expect(huge.status).toBe(413)
  })

  it('the list of pages to keep is never stored by a shared cache', async () => {
    const cookie = await signedUp()
    const response = await fetch(`${server.url}/offline/sessions`, { headers: { Cookie: cookie } })
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    expect(((await response.json()) as { pages: string[] }).pages).toEqual(['/dashboard'])
  })
})

describe('what the offline code adds to a page', () => {
  const root = path.resolve(import.meta.dirname, '../..')
  const offlineModule = (file: string) => file.startsWith(path.join(root, 'app/offline') + path.sep) || file.startsWith(path.join(root, 'lib/offline') + path.sep)

  /** app/offline/ and lib/offline/*.shared.ts bundled and minified as the browser gets them, everything they use from elsewhere left out (the page loads it anyway). */
  async function offlineCodeGzipped(): Promise<{ bytes: number; modules: string[] }> {
    const entries = fs
      .readdirSync(path.join(root, 'app/offline'))
      .filter((file) => /\.tsx?$/.test(file) && !file.includes('.test.'))
      .map((file) => path.join(root, 'app/offline', file))
    const modules = new Set<string>()
    const output = await build({
      configFile: false,
      logLevel: 'silent',
      root,
      plugins: [tsconfigPaths({ root }), { name: 'offline-only', enforce: 'post', async resolveId() { return null } }],
      build: {
        write: false,
        minify: true,
        target: 'es2022',
        lib: { entry: entries, formats: ['es'] },
        rollupOptions: {
          external: (source, importer, resolved) => {
            if (!resolved) return !source.startsWith('.') && !source.startsWith('/') && !source.startsWith('~/offline') && !source.startsWith('#lib/offline')
            if (offlineModule(source)) {
              modules.add(path.relative(root, source))
              return false
            }
            return true
          },
        },
      },
    })
    const results = Array.isArray(output) ? output : [output]
    const code = results.flatMap((result) => ('output' in result ? result.output : [])).map((chunk) => ('code' in chunk ? chunk.code : '')).join('\n')
    return { bytes: zlib.gzipSync(code).length, modules: [...modules].sort() }
  }

  it('the service worker and the offline modules are at most 30 kB gzipped', async () => {
    const { bytes: code, modules } = await offlineCodeGzipped()
    const worker = zlib.gzipSync(fs.readFileSync(path.join(inject('buildDirectory'), 'client', 'sw.js'))).length
    const manifest = zlib.gzipSync(fs.readFileSync(path.join(inject('buildDirectory'), 'client', 'manifest.webmanifest'))).length
    const total = code + worker + manifest
    console.info(
      `offline: ${(code / 1024).toFixed(1)} kB gzip of offline modules (${modules.join(', ')}), ${(worker / 1024).toFixed(1)} kB sw.js, ` +
        `${(manifest / 1024).toFixed(1)} kB manifest = ${(total / 1024).toFixed(1)} kB added (limit 30 kB)`,
    )
    expect(modules).toEqual(expect.arrayContaining(['app/offline/outbox.ts', 'app/offline/store.ts', 'app/offline/sync-runner.ts', 'lib/offline/sync.shared.ts']))
    expect(total).toBeLessThanOrEqual(30 * 1024)
  })
})
