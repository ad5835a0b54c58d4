import type { Database } from '../db/database'
import { AppError } from '../errors'
import type { AuthBackend } from './backend'

/**
 * Limits on sign-in and sign-up attempts, for either auth backend. Each attempt is counted
 * before anything else happens, atomically in the database (see the auth_attempts
 * migration), so concurrent guesses cannot slip past the limit:
 *
 * - per email + address: a few tries, then that address waits; the owner signing in from
 *   anywhere else is not affected, so nobody can lock someone else out;
 * - per address, across emails: slows down trying many accounts from one place;
 * - sign-ups per address: the sign-up form says which emails have accounts, so it is
 *   limited like sign-in.
 *
 * A successful sign-in takes its attempts back. The address is the client's (TRUST_PROXY
 * decides whether a proxy's X-Forwarded-For is believed). See docs/security.md.
 */
export const attemptLimits = {
  windowMinutes: 15,
  signInPerEmailAndAddress: 5,
  signInPerAddress: 20,
  signUpPerAddress: 10,
} as const

type Scope = 'sign_in_email_address' | 'sign_in_address' | 'sign_up_address'

/** Counts one attempt and returns the count in the current window and when the window ends. */
async function countAttempt(db: Database, scope: Scope, key: string): Promise<{ attempts: number; secondsLeft: number }> {
  const [row] = await db.asService((tx) =>
    tx.query<{ attempts: number; seconds_left: number }>(
      `insert into private.auth_attempts as a (scope, key, window_started_at, attempts)
       values ($1, $2, now(), 1)
       on conflict (scope, key) do update set
         attempts = case when a.window_started_at <= now() - make_interval(mins => $3) then 1 else a.attempts + 1 end,
         window_started_at = case when a.window_started_at <= now() - make_interval(mins => $3) then now() else a.window_started_at end
       returning a.attempts,
         greatest(1, ceil(extract(epoch from (a.window_started_at + make_interval(mins => $3) - now()))))::int as seconds_left`,
      [scope, key, attemptLimits.windowMinutes],
    ),
  )
  if (!row) throw new Error('Counting an attempt returned nothing')
  return { attempts: row.attempts, secondsLeft: row.seconds_left }
}

async function giveBack(db: Database, scope: Scope, key: string): Promise<void> {
  await db.asService((tx) =>
    tx.query('update private.auth_attempts set attempts = greatest(attempts - 1, 0) where scope = $1 and key = $2', [scope, key]),
  )
}

function tooMany(what: string, secondsLeft: number): AppError {
  const minutes = Math.max(1, Math.ceil(secondsLeft / 60))
  return new AppError('rate_limited', `Too many ${what} from this address. Wait ${minutes} minute${minutes === 1 ? '' : 's'}, then try again.`)
}

const emailAndAddress = (email: string, address: string) => `${email}\n${address}`

/** The backend with attempt limits in front of signing in and signing up; everything else passes through. */
export function withAttemptLimits<Backend extends AuthBackend>(backend: Backend, db: Database): Backend {
  return {
    ...backend,
    async signIn(input, request) {
      const address = request.ipAddress
      const perAddress = await countAttempt(db, 'sign_in_address', address)
      const perAccount = await countAttempt(db, 'sign_in_email_address', emailAndAddress(input.email, address))
      if (perAccount.attempts > attemptLimits.signInPerEmailAndAddress) throw tooMany('sign-in attempts for this account', perAccount.secondsLeft)
      if (perAddress.attempts > attemptLimits.signInPerAddress) throw tooMany('sign-in attempts', perAddress.secondsLeft)
      const result = await backend.signIn(input, request)
      await db.asService((tx) =>
        tx.query(`delete from private.auth_attempts where scope = 'sign_in_email_address' and key = $1`, [emailAndAddress(input.email, address)]),
      )
      await giveBack(db, 'sign_in_address', address)
      return result
    },
    // Checking the current password is a guess like any sign-in: counted the same way.
    async changePassword(input, request) {
      const key = emailAndAddress(`user:${input.userId}`, request.ipAddress)
      const perAccount = await countAttempt(db, 'sign_in_email_address', key)
      if (perAccount.attempts > attemptLimits.signInPerEmailAndAddress) throw tooMany('password attempts for this account', perAccount.secondsLeft)
      const result = await backend.changePassword(input, request)
      await db.asService((tx) => tx.query(`delete from private.auth_attempts where scope = 'sign_in_email_address' and key = $1`, [key]))
      return result
    },
    async signUp(input, request) {
      const perAddress = await countAttempt(db, 'sign_up_address', request.ipAddress)
      if (perAddress.attempts > attemptLimits.signUpPerAddress) throw tooMany('sign-ups', perAddress.secondsLeft)
      return backend.signUp(input, request)
    },
  }
}
