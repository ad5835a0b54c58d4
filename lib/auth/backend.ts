import type { SignInInput, SignUpInput } from './credentials'

/**
 * Sign-up, sign-in and sign-out, whichever service does them: the built-in email +
 * password auth, or Supabase Auth. The rest of the app only ever sees a user id.
 * Cookies go in and out as header strings so this stays free of any web framework.
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

export interface AuthBackend {
  readonly kind: 'built-in' | 'supabase'
  /** The signed-in user's id, or null. May refresh the session and add cookies to set. */
  getUserId(request: AuthRequest, setCookie: (value: string) => void): Promise<string | null>
  /** Creates an account and signs it in. Throws AppError('conflict') for a taken email. */
  signUp(input: SignUpInput, request: AuthRequest): Promise<AuthResult>
  /** Throws AppError('invalid') for wrong credentials, AppError('rate_limited') when throttled. */
  signIn(input: SignInInput, request: AuthRequest): Promise<AuthResult>
  /** Ends the session on the server and returns the cookies that clear it in the browser. */
  signOut(request: AuthRequest): Promise<{ setCookies: string[] }>
}
