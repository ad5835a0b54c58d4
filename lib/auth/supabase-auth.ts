import { createServerClient, parseCookieHeader, serializeCookieHeader } from '@supabase/ssr'
import WebSocket from 'ws'
import { AppError } from '../errors'
import type { AuthBackend, AuthRequest } from './backend'

/**
 * Supabase Auth, used when SUPABASE_URL and SUPABASE_ANON_KEY are set. Sessions live in
 * Supabase's cookies (@supabase/ssr); every check asks Supabase Auth to verify the token
 * (`getUser`), never trusting the cookie's contents alone. Sign-up adds the display name
 * to the user's metadata, from which the database creates the profile.
 */
export function createSupabaseAuth(settings: { url: string; anonKey: string }): AuthBackend {
  function clientFor(request: AuthRequest, setCookie: (value: string) => void) {
    return createServerClient(settings.url, settings.anonKey, {
      cookies: {
        getAll: () => parseCookieHeader(request.cookieHeader ?? '').map(({ name, value }) => ({ name, value: value ?? '' })),
        setAll: (cookies: { name: string; value: string; options: Parameters<typeof serializeCookieHeader>[2] }[]) => {
          for (const { name, value, options } of cookies) setCookie(serializeCookieHeader(name, value, options))
        },
      },
      // Node 20 has no global WebSocket, and supabase-js will not create a client without
      // one (for realtime, which auth never uses). `ws` is the transport realtime-js
      // documents for Node; only @types/ws and the DOM typings disagree on event shapes.
      realtime: { transport: WebSocket as never },
      auth: { flowType: 'pkce' },
    })
  }

  return {
    kind: 'supabase',

    async getUserId(request, setCookie) {
      const { data, error } = await clientFor(request, setCookie).auth.getUser()
      if (error || !data.user) return null
      return data.user.id
    },

    async signUp(input, request) {
      const setCookies: string[] = []
      const { data, error } = await clientFor(request, (value) => setCookies.push(value)).auth.signUp({
        email: input.email,
        password: input.password,
        options: { data: { display_name: input.displayName } },
      })
      if (error) {
        if (error.code === 'user_already_exists' || error.code === 'email_exists') {
          throw new AppError('conflict', 'An account with that email already exists. Sign in instead.', {
            email: ['An account with that email already exists.'],
          })
        }
        if (error.code === 'over_request_rate_limit' || error.status === 429) {
          throw new AppError('rate_limited', 'Too many attempts. Wait a few minutes, then try again.')
        }
        throw new AppError('invalid', error.message)
      }
      if (!data.user) throw new AppError('unavailable', 'Supabase did not create the account. Try again.')
      return { userId: data.user.id, setCookies, needsEmailConfirmation: !data.session }
    },

    async signIn(input, request) {
      const setCookies: string[] = []
      const { data, error } = await clientFor(request, (value) => setCookies.push(value)).auth.signInWithPassword({
        email: input.email,
        password: input.password,
      })
      if (error || !data.user) {
        if (error?.status === 429) {
          throw new AppError('rate_limited', 'Too many failed sign-ins. Wait a few minutes, then try again.')
        }
        throw new AppError('invalid', 'That email and password do not match an account. Check both and try again.')
      }
      return { userId: data.user.id, setCookies }
    },

    async signOut(request) {
      const setCookies: string[] = []
      await clientFor(request, (value) => setCookies.push(value)).auth.signOut()
      return { setCookies }
    },
  }
}
