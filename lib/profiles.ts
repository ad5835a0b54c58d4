import type { Database, Tx } from './db/database'

export interface Profile {
  id: string
  displayName: string
  timezone: string
  /** ISO 3166-1 alpha-2, or null: the support resources shown in a crisis pause (decision 020). */
  country: string | null
  /** True while the person has paused what the coach remembers: new sessions start without memory. */
  memoryPaused: boolean
}

export async function getProfile(db: Database, { userId }: { userId: string }): Promise<Profile | null> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ id: string; display_name: string; timezone: string; country: string | null; memory_paused: boolean }>(
      'select id, display_name, timezone, country, memory_paused from public.profiles where id = $1',
      [userId],
    ),
  )
  return row ? { id: row.id, displayName: row.display_name, timezone: row.timezone, country: row.country, memoryPaused: row.memory_paused } : null
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

/** The person's own name, time zone and country, as the settings page's form gives them (already validated). */
export async function updateProfile(
  db: Database,
  { userId, displayName, timezone, country }: { userId: string; displayName: string; timezone: string; country: string | null },
): Promise<void> {
  await db.asUser(userId, (tx) =>
    tx.query('update public.profiles set display_name = $2, timezone = $3, country = $4 where id = $1', [userId, displayName, timezone, country]),
  )
}

/** Pauses (or resumes) what the coach remembers when the person's next sessions start. */
export async function setMemoryPaused(db: Database, { userId, paused }: { userId: string; paused: boolean }): Promise<void> {
  await db.asUser(userId, (tx) => tx.query('update public.profiles set memory_paused = $2 where id = $1', [userId, paused]))
}

/**
 * Regions people can choose as where they live: every ISO 3166-1 code the runtime has an
 * English name for, by name. Codes that are not a place (EU, UN, ZZ, pseudo-regions) are
 * left out.
 */
export function countryChoices(): { code: string; name: string }[] {
  const names = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })
  const notPlaces = new Set(['EU', 'EZ', 'UN', 'QO', 'ZZ', 'XA', 'XB'])
  const choices: { code: string; name: string }[] = []
  for (let first = 65; first <= 90; first++) {
    for (let second = 65; second <= 90; second++) {
      const code = String.fromCharCode(first, second)
      if (notPlaces.has(code)) continue
      const name = names.of(code)
      if (name && name !== code) choices.push({ code, name })
    }
  }
  return choices.sort((a, b) => a.name.localeCompare(b.name, 'en'))
}

/** The time zones this runtime knows, UTC first. */
export function timeZoneChoices(): string[] {
  const zones = Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')
  return ['UTC', ...zones]
}
