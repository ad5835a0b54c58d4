/**
 * The page's side of the service worker (public/sw.js): registers it for the whole app and
 * tells it who is signed in, so it keeps that person's running and next sessions for use
 * without signal — and drops what it kept for anyone else (decision 030).
 */
export const keptPagesCache = 'stagecoach-pages-v1'

export async function identifyToServiceWorker(userId: string | null): Promise<void> {
  if (!('serviceWorker' in navigator)) return
  try {
    const registration = await navigator.serviceWorker.register('/sw.js', {
      scope: '/',
    })
    const worker = registration.active ?? (await navigator.serviceWorker.ready).active
    worker?.postMessage({ type: 'identify', userId })
  } catch (error) {
    // The app works without it, only not offline.
    console.warn('The service worker could not be registered', error)
  }
}

/** Signing out: the pages kept for this person go now, before the sign-out is sent. */
export async function forgetKeptPages(): Promise<void> {
  if ('caches' in window) await caches.delete(keptPagesCache)
  const registration = await navigator.serviceWorker?.getRegistration()
  registration?.active?.postMessage({ type: 'forget' })
}
