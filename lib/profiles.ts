import type { Database, Tx } from './db/database'

export interface Profile {
  id: string
  displayName: string
  timezone: string
  /** ISO 3166-1 alpha-2, or null: the support resources shown in a crisis pause (decision 020). */
  country: string | null
}

export async function getProfile(db: Database, { userId }: { userId: string }): Promise<Profile | null> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ id: string; display_name: string; timezone: string; country: string | null }>(
      'select id, display_name, timezone, country from public.profiles where id = $1',
      [userId],
    ),
  )
  return row ? { id: row.id, displayName: row.display_name, timezone: row.timezone, country: row.country } : null
}

/** What reading a client's words needs to know about them: their time zone and country (UTC and none if unreadable). */
export interface ClientSettings {
  timeZone: string
  country: string | null
}

/**
 * The client's settings, read inside the caller's unit of work (the client themself, or a
 * coach who can read their profile through a shared program).
 */
export async function readClientSettings(tx: Tx, { clientId }: { clientId: string }): Promise<ClientSettings> {
  const [row] = await tx.query<{ timezone: string; country: string | null }>('select timezone, country from public.profiles where id = $1', [clientId])
  return { timeZone: row?.timezone ?? 'UTC', country: row?.country ?? null }
}

/** The person sets where they live (or clears it): which support resources a crisis pause shows. */
export async function setCountry(db: Database, { userId, country }: { userId: string; country: string | null }): Promise<void> {
  const code = country?.trim().toUpperCase() || null
  if (code !== null && !/^[A-Z]{2}$/.test(code)) throw new Error('A country is a two-letter ISO code')
  await db.asUser(userId, (tx) => tx.query('update public.profiles set country = $2 where id = $1', [userId, code]))
}
