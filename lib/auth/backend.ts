import type { SignInInput, SignUpInput } from './credentials.shared'

/**
 * Sign-up, sign-in, sign-out, email links and password resets, whichever service does
 * them: the built-in email + password auth, or Supabase Auth. The rest of the app only ever
 * sees a user id. Cookies go in and out as header strings so this stays free of any web
 * framework.
 */
export interface AuthRequest {
  /** The request's Cookie header. */
  cookieHeader: string | null
  /** The client's IP address, for rate limits. */
  ipAddress: string
}

export interface AuthResult {
  userId: string
  /** Set-Cookie header values to send with the response. */
  setCookies: string[]
  /** True when the account exists but its email must be confirmed before signing in (Supabase). */
  needsEmailConfirmation?: boolean
}

/** What an email link carries to /auth/confirm: a token hash and its type, or a PKCE code. */
export type EmailLink = { tokenHash: string; type: 'email' | 'signup' | 'recovery' } | { code: string }

/** A browser signed in to the account. */
export interface SignedInSession {
  /** An opaque id for this list (never the session's token). */
  id: string
  startedAt: Date
  expiresAt: Date
  /** The browser asking. */
  current: boolean
}

/** What the settings page shows about the account itself. */
export interface AccountDetails {
  email: string | null
  /** The browsers signed in, or null when the auth service does not list them (Supabase). */
  sessions: SignedInSession[] | null
}

export interface AuthBackend {
  readonly kind: 'built-in' | 'supabase'
  /** The signed-in user's id, or null. May refresh the session and add cookies to set. */
  getUserId(request: AuthRequest, setCookie: (value: string) => void): Promise<string | null>
  /** Creates an account and signs it in. Throws AppError('conflict') for a taken email. */
  signUp(input: SignUpInput, request: AuthRequest): Promise<AuthResult>
  /**
   * Throws AppError('invalid') for wrong credentials, AppError('rate_limited') when
   * throttled, AppError('unconfirmed') when the email still has to be confirmed.
   */
  signIn(input: SignInInput, request: AuthRequest): Promise<AuthResult>
  /** Ends this device's session on the server and returns the cookies that clear it. */
  signOut(request: AuthRequest): Promise<{ setCookies: string[] }>
  /** Sends the email confirmation link again (Supabase; the built-in auth confirms nothing). */
  resendConfirmation(email: string, request: AuthRequest): Promise<{ setCookies: string[] }>
  /**
   * Completes an email link (confirmation or password recovery) and signs the person in.
   * Throws AppError('invalid') for an expired, used or unknown link.
   */
  confirmEmailLink(link: EmailLink, request: AuthRequest): Promise<{ setCookies: string[]; purpose: 'signup' | 'recovery' }>
  /**
   * Sends a password-reset link if an account has this email (and says nothing about
   * whether one does). `delivery` says where the link went: an email, or — without SMTP —
   * the server log.
   */
  requestPasswordReset(email: string, request: AuthRequest): Promise<{ setCookies: string[]; delivery: 'email' | 'server-log' }>
  /**
   * Sets a new password — from a reset token (built-in) or the recovery session the email
   * link started (Supabase) — ends every other session of the user, and signs this browser
   * in. Throws AppError('invalid') when the link has expired or was used.
   */
  resetPassword(input: { token: string | null; password: string }, request: AuthRequest): Promise<AuthResult>
  /** The signed-in user's email and, where the service can list them, the browsers signed in. */
  accountDetails(userId: string, request: AuthRequest): Promise<AccountDetails>
  /**
   * Changes the password after checking the current one, ends every other session of the
   * user and keeps this browser signed in. Throws AppError('invalid') with a field error on
   * `currentPassword` when it is wrong.
   */
  changePassword(input: { userId: string; currentPassword: string; newPassword: string }, request: AuthRequest): Promise<{ setCookies: string[] }>
  /** Ends every session of the user except this browser's. */
  signOutOthers(userId: string, request: AuthRequest): Promise<{ setCookies: string[] }>
  /**
   * Deletes the signed-in person's account after checking their password (built-in: against
   * its hash; Supabase: by a fresh sign-in), and returns the cookies that end this browser's
   * session. The database's cascades remove their rows and its trigger anonymises their
   * audit entries. On Supabase the auth user is deleted through the admin API, here on the
   * server. Throws AppError('invalid') for a wrong password, AppError('not_found') when
   * nobody is signed in. Callers check first that the account may go (lib/account/deletion.ts).
   */
  deleteAccount(input: { password: string }, request: AuthRequest): Promise<{ userId: string; setCookies: string[] }>
}
