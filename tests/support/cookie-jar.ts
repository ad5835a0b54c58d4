/**
 * A browser's cookies for one site, as far as tests need them: Set-Cookie values go in,
 * the Cookie header comes out. An empty value or Max-Age=0 removes a cookie.
 */
export interface SetCookie {
  name: string
  value: string
  /** Attribute names in lower case (httponly, samesite, secure, max-age, path, …) → value ('' for flags). */
  attributes: Map<string, string>
}

export function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
  const separator = pair.indexOf('=')
  return {
    name: pair.slice(0, separator),
    value: pair.slice(separator + 1),
    attributes: new Map(
      attributes.map((attribute) => {
        const [key = '', ...rest] = attribute.split('=')
        return [key.toLowerCase(), rest.join('=')]
      }),
    ),
  }
}

export class CookieJar {
  private readonly cookies = new Map<string, string>()

  apply(setCookies: Iterable<string>): this {
    for (const header of setCookies) {
      const cookie = parseSetCookie(header)
      if (cookie.value === '' || cookie.attributes.get('max-age') === '0') this.cookies.delete(cookie.name)
      else this.cookies.set(cookie.name, cookie.value)
    }
    return this
  }

  value(name: string): string | undefined {
    return this.cookies.get(name)
  }

  names(): string[] {
    return [...this.cookies.keys()].sort()
  }

  header(): string | null {
    return this.cookies.size === 0 ? null : [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ')
  }
}
