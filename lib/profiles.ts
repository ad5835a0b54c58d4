import type { Database } from './db/database'

export interface Profile {
  id: string
  displayName: string
  timezone: string
}

export async function getProfile(db: Database, { userId }: { userId: string }): Promise<Profile | null> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ id: string; display_name: string; timezone: string }>(
      'select id, display_name, timezone from public.profiles where id = $1',
      [userId],
    ),
  )
  return row ? { id: row.id, displayName: row.display_name, timezone: row.timezone } : null
}
