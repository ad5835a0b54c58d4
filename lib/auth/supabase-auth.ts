import { createServerClient, parseCookieHeader, serializeCookieHeader, type CookieOptions } from '@supabase/ssr'
import { createClient, type AuthError } from '@supabase/supabase-js'
import WebSocket from 'ws'
import { AppError } from '../errors'
import type { AuthBackend, AuthRequest } from './backend'
import { sessionLifetimeSeconds } from './session-cookie'

export interface SupabaseAuthSettings {
  url: string
  anonKey: string
  /** Where email links lead back to, e.g. https://coach.example.com (no trailing slash). */
  appUrl: string
  /** Send cookies over HTTPS only (production, or an https APP_URL). */
  secureCookies: boolean
  /**
   * The project's service-role key, for the one admin call the app makes: deleting a user
   * who asked to delete their account. Server-side only; without it accounts cannot be
   * deleted from the app.
   */
  serviceRoleKey?: string
}

const wrongCredentials = 'That email and password do not match an account. Check both and try again.'
export const unconfirmedEmailMessage =
  'Check your inbox: confirm your email address with the link we sent you, then sign in.'
const expiredLink = 'This link has expired or was already used. Ask for a new one.'

/** Supabase Auth's rate limits (requests, emails sent) reach the person as one message. */
function throwIfRateLimited(error: AuthError): void {
  if (error.code === 'over_request_rate_limit' || error.code === 'over_email_send_rate_limit' || error.status === 429) {
    throw new AppError('rate_limited', 'Too many attempts. Wait a few minutes, then try again.')
  }
}

/**
 * Supabase Auth, used when SUPABASE_URL and SUPABASE_ANON_KEY are set. Sessions live in
 * Supabase's cookies (@supabase/ssr); every check asks Supabase Auth to verify the token
 * (`getUser`), never trusting the cookie's contents alone. Sign-up adds the display name
 * to the user's metadata, from which the database creates the profile.
 *
 * Cookies (the session, and the PKCE code verifier of an email link in flight) are
 * HttpOnly, SameSite=Lax, Secure in production, and last as long as a built-in session
 * (30 days) instead of @supabase/ssr's 400-day default. Email links come back to
 * /auth/confirm.
 */
export function createSupabaseAuth(settings: SupabaseAuthSettings): AuthBackend {
  const cookieOptions: CookieOptions = {
    httpOnly: true,
    secure: settings.secureCookies,
    sameSite: 'lax',
    path: '/',
    maxAge: sessionLifetimeSeconds,
  }
  const confirmUrl = `${settings.appUrl}/auth/confirm`

  function clientFor(request: AuthRequest, setCookies: string[]) {
    return createServerClient(settings.url, settings.anonKey, {
      cookieOptions,
      cookies: {
        getAll: () => parseCookieHeader(request.cookieHeader ?? '').map(({ name, value }) => ({ name, value: value ?? '' })),
        setAll: (cookies) => {
          for (const { name, value, options } of cookies) {
            // @supabase/ssr 0.12 applies cookieOptions but then sets maxAge to its own
            // 400-day default on every cookie it sets (not on those it clears, maxAge 0).
            const lifetime = options.maxAge ? { maxAge: sessionLifetimeSeconds } : {}
            setCookies.push(serializeCookieHeader(name, value, { ...options, ...lifetime }))
          }
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
      const setCookies: string[] = []
      const { data, error } = await clientFor(request, setCookies).auth.getUser()
      for (const cookie of setCookies) setCookie(cookie)
      if (error || !data.user) return null
      return data.user.id
    },

    async signUp(input, request) {
      const setCookies: string[] = []
      const { data, error } = await clientFor(request, setCookies).auth.signUp({
        email: input.email,
        password: input.password,
        options: { data: { display_name: input.displayName }, emailRedirectTo: confirmUrl },
      })
      if (error) {
        if (error.code === 'user_already_exists' || error.code === 'email_exists') {
          throw new AppError('conflict', 'An account with that email already exists. Sign in instead.', {
            email: ['An account with that email already exists.'],
          })
        }
        throwIfRateLimited(error)
        throw new AppError('invalid', error.message)
      }
      if (!data.user) throw new AppError('unavailable', 'Supabase did not create the account. Try again.')
      return { userId: data.user.id, setCookies, needsEmailConfirmation: !data.session }
    },

    async signIn(input, request) {
      const setCookies: string[] = []
      const { data, error } = await clientFor(request, setCookies).auth.signInWithPassword({
        email: input.email,
        password: input.password,
      })
      if (error || !data.user) {
        if (error?.code === 'email_not_confirmed') throw new AppError('unconfirmed', unconfirmedEmailMessage)
        if (error) throwIfRateLimited(error)
        throw new AppError('invalid', wrongCredentials)
      }
      return { userId: data.user.id, setCookies }
    },

    async signOut(request) {
      const setCookies: string[] = []
      // This device only: Supabase's default (global) would sign the person out everywhere.
      await clientFor(request, setCookies).auth.signOut({ scope: 'local' })
      return { setCookies }
    },

    async deleteAccount({ password }, request) {
      if (!settings.serviceRoleKey) {
        throw new AppError('unavailable', 'Deleting accounts is not set up on this server (SUPABASE_SERVICE_ROLE_KEY is missing). Ask whoever runs it.')
      }
      const setCookies: string[] = []
      const { data } = await clientFor(request, setCookies).auth.getUser()
      const user = data.user
      if (!user?.email) throw new AppError('not_found', 'Sign in to delete your account.')
      // A fresh sign-in proves it is the person, now; its session goes with the account.
      const fresh = await clientFor({ cookieHeader: null, ipAddress: request.ipAddress }, []).auth.signInWithPassword({
        email: user.email,
        password,
      })
      if (fresh.error || fresh.data.user?.id !== user.id) {
        if (fresh.error) throwIfRateLimited(fresh.error)
        throw new AppError('invalid', 'That is not your password. Enter the password you sign in with.', {
          password: ['That is not your password.'],
        })
      }
      const admin = createClient(settings.url, settings.serviceRoleKey, {
        auth: { persistSession: false, autoRefreshToken: false, detectSessionInUrl: false },
        realtime: { transport: WebSocket as never },
      })
      const { error } = await admin.auth.admin.deleteUser(user.id)
      if (error) throw new AppError('unavailable', 'Supabase could not delete the account just now. Try again in a moment.')
      // This browser's cookies go too: the session they held belonged to a user who is gone.
      const cleared = parseCookieHeader(request.cookieHeader ?? '')
        .filter(({ name }) => name.startsWith('sb-'))
        .map(({ name }) => serializeCookieHeader(name, '', { ...cookieOptions, maxAge: 0 }))
      return { userId: user.id, setCookies: [...setCookies, ...cleared] }
    },

    async resendConfirmation(email, request) {
      const setCookies: string[] = []
      const { error } = await clientFor(request, setCookies).auth.resend({
        type: 'signup',
        email,
        options: { emailRedirectTo: confirmUrl },
      })
      if (error) {
        throwIfRateLimited(error)
        throw new AppError('unavailable', 'The confirmation email could not be sent. Try again in a moment.')
      }
      return { setCookies }
    },

    async confirmEmailLink(link, request) {
      const setCookies: string[] = []
      const auth = clientFor(request, setCookies).auth
      if ('code' in link) {
        const { data, error } = await auth.exchangeCodeForSession(link.code)
        if (error || !data.session) throw new AppError('invalid', expiredLink)
        // auth-js reports a recovery link's code (its verifier was stored for recovery) in
        // redirectType, which its types leave out.
        const recovery = 'redirectType' in data && data.redirectType === 'PASSWORD_RECOVERY'
        return { setCookies, purpose: recovery ? 'recovery' : 'signup' }
      }
      const type = link.type === 'recovery' ? 'recovery' : 'email'
      const { data, error } = await auth.verifyOtp({ type, token_hash: link.tokenHash })
      if (error || !data.session) throw new AppError('invalid', expiredLink)
      return { setCookies, purpose: type === 'recovery' ? 'recovery' : 'signup' }
    },

    async requestPasswordReset(email, request) {
      const setCookies: string[] = []
      const { error } = await clientFor(request, setCookies).auth.resetPasswordForEmail(email, {
        redirectTo: `${confirmUrl}?${new URLSearchParams({ next: '/reset-password' })}`,
      })
      if (error) {
        throwIfRateLimited(error)
        throw new AppError('unavailable', 'The reset email could not be sent. Try again in a moment.')
      }
      return { setCookies, delivery: 'email' }
    },

    async resetPassword({ password }, request) {
      const setCookies: string[] = []
      const auth = clientFor(request, setCookies).auth
      const { data, error } = await auth.updateUser({ password })
      if (error || !data.user) {
        if (error?.code === 'same_password') {
          throw new AppError('invalid', 'Choose a password different from your old one.', {
            password: ['Choose a password different from your old one.'],
          })
        }
        throw new AppError('invalid', expiredLink)
      }
      // Every other session of this user ends; this browser stays signed in.
      await auth.signOut({ scope: 'others' })
      return { userId: data.user.id, setCookies }
    },

    async accountDetails(_userId, request) {
      const setCookies: string[] = []
      const { data } = await clientFor(request, setCookies).auth.getUser()
      // Supabase Auth does not list a user's sessions to the user; "sign out everywhere
      // else" still works.
      return { email: data.user?.email ?? null, sessions: null }
    },

    async changePassword({ currentPassword, newPassword }, request) {
      const setCookies: string[] = []
      const auth = clientFor(request, setCookies).auth
      const { data: current } = await auth.getUser()
      const email = current.user?.email
      if (!email) throw new AppError('invalid', 'Sign in again, then change your password.')
      // Supabase changes a signed-in user's password without asking for the current one;
      // asking it here means a borrowed, signed-in browser cannot lock the owner out.
      const { error: wrong } = await auth.signInWithPassword({ email, password: currentPassword })
      if (wrong) {
        throwIfRateLimited(wrong)
        throw new AppError('invalid', 'Your current password is not right. Check it and try again.', {
          currentPassword: ['This is not your current password.'],
        })
      }
      const { error } = await auth.updateUser({ password: newPassword })
      if (error) {
        if (error.code === 'same_password') {
          throw new AppError('invalid', 'Choose a password different from your current one.', {
            newPassword: ['Choose a password different from your current one.'],
          })
        }
        throwIfRateLimited(error)
        throw new AppError('unavailable', 'Your password could not be changed. Try again in a moment.')
      }
      await auth.signOut({ scope: 'others' })
      return { setCookies }
    },

    async signOutOthers(_userId, request) {
      const setCookies: string[] = []
      const { error } = await clientFor(request, setCookies).auth.signOut({ scope: 'others' })
      if (error) {
        throwIfRateLimited(error)
        throw new AppError('unavailable', 'Signing out your other devices did not work. Try again in a moment.')
      }
      return { setCookies }
    },
  }
}
