/*
 * Stagecoach's service worker (issue 16, docs/decisions/030-offline-logging-that-syncs-once.md).
 * Hand-written and small. It keeps:
 *   - the app shell: the built, fingerprinted files under /assets/ (public, never personal);
 *   - the signed-in person's running and next sessions (their pages, with items,
 *     prescriptions and targets), as listed by GET /offline/sessions, each tagged with whose
 *     it is. A page kept for one person is never shown to another: the list is fetched
 *     afresh whenever a page says who is signed in, a different person (or nobody) empties
 *     it first, and signing out deletes it.
 * Pages are always asked of the network first; only when there is no network does it answer
 * with a kept page, or with a page that says plainly that this one needs the server.
 * Nothing is sent from here: the page syncs what was recorded offline (app/offline/).
 */
const SHELL = 'stagecoach-shell-v1'
const PAGES = 'stagecoach-pages-v1'
const OWNER = '/__offline/owner'

self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))

async function owner() {
  // (caches.open would make the cache again after signing out deleted it.)
  const kept = await caches.match(OWNER, { cacheName: PAGES })
  return kept ? kept.text() : null
}

/** Keeps the person's pages (and the files they load), and only theirs. */
async function keepPagesOf(userId) {
  if ((await owner()) !== userId) await caches.delete(PAGES)
  if (!userId) return
  const response = await fetch('/offline/sessions', { credentials: 'same-origin' })
  if (!response.ok) return
  const list = await response.json()
  if (list.userId !== userId) return caches.delete(PAGES)
  const pages = await caches.open(PAGES)
  const shell = await caches.open(SHELL)
  await pages.put(OWNER, new Response(userId))
  for (const path of list.pages) {
    const page = await fetch(path, { credentials: 'same-origin' })
    if (!page.ok || page.redirected) continue
    const html = await page.clone().text()
    const headers = new Headers(page.headers)
    headers.delete('Content-Encoding')
    headers.delete('Content-Length')
    headers.delete('Vary')
    headers.set('X-Offline-Owner', userId)
    await pages.put(path, new Response(html, { status: 200, headers }))
    for (const asset of new Set(html.match(/\/assets\/[A-Za-z0-9._-]+/g) || [])) {
      if (!(await shell.match(asset))) await shell.add(asset).catch(() => {})
    }
  }
  for (const request of await pages.keys()) {
    const path = new URL(request.url).pathname
    if (path !== OWNER && !list.pages.includes(path)) await pages.delete(request)
  }
}

self.addEventListener('message', (event) => {
  const message = event.data || {}
  if (message.type === 'identify') event.waitUntil(keepPagesOf(message.userId || null).catch(() => {}))
  if (message.type === 'forget') event.waitUntil(caches.delete(PAGES))
})

const offlinePage = () =>
  new Response(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline · Stagecoach</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#0f172a">
<h1>You are offline</h1><p>This page needs a connection to Stagecoach, and it was not kept on this device.</p>
<p>Your running and next sessions are kept for use without signal: open them from the dashboard once you have signal again, or go back to the page you were on. What you record offline syncs by itself when you are back online.</p>
<p><a href="/dashboard">Your dashboard</a></p></body></html>`,
    { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } },
  )

async function navigate(request) {
  try {
    return await fetch(request)
  } catch {
    const path = new URL(request.url).pathname
    const [kept, who] = await Promise.all([caches.match(path, { cacheName: PAGES }), owner()])
    if (kept && who && kept.headers.get('X-Offline-Owner') === who) return kept
    return offlinePage()
  }
}

async function asset(request) {
  const shell = await caches.open(SHELL)
  const kept = await shell.match(request)
  if (kept) return kept
  const response = await fetch(request)
  if (response.ok) await shell.put(request, response.clone())
  return response
}

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET') return
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return
  if (url.pathname.startsWith('/assets/')) return event.respondWith(asset(request))
  if (request.mode === 'navigate') return event.respondWith(navigate(request))
})
