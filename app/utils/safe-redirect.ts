/**
 * Where to send someone after signing in (or up), from a `redirectTo` value that anyone
 * can put in a link: only ever a path on this site, never another host.
 *
 * Browsers forgive a lot in a URL — they drop tabs and line breaks, read `\` as `/` and
 * accept `//host` as "another host" — so anything that is not a plain same-origin path
 * falls back: a value with a control character, a backslash, a scheme or a `//` start.
 * What is returned is re-serialised by the URL parser, so it means the same to every
 * browser as it does here. See docs/security.md.
 */
const checkOrigin = 'http://stagecoach.invalid'

export function safeRedirect(to: unknown, fallback = '/dashboard'): string {
  if (typeof to !== 'string' || to === '' || to.length > 2000) return fallback
  if (!to.startsWith('/') || to.startsWith('//')) return fallback
  // Control characters (tab, CR, LF, NUL, DEL…) and backslashes never belong in a path we link to.
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback
  let url: URL
  try {
    url = new URL(to, checkOrigin)
  } catch {
    return fallback
  }
  if (url.origin !== checkOrigin) return fallback
  const path = `${url.pathname}${url.search}${url.hash}`
  return path.startsWith('//') ? fallback : path
}
