import type { AuthBackend, AuthRequest } from '../auth/backend'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import { blockersMessage, noBlockers, type DeletionBlockers } from './deletion.shared'

/**
 * What stops this person's account from being deleted: a program they coach that still has
 * clients (it must be handed over or closed first), and sessions of other people that name
 * them as coach or sit in a program they created (the foreign keys keep those records
 * whole). Asked as the service: a coach's row-level security would hide the sessions of a
 * client who has left, which would still stop the deletion.
 */
export async function deletionBlockers(db: Database, { userId }: { userId: string }): Promise<DeletionBlockers> {
  return db.asService(async (tx) => {
    const programs = await tx.query<{ id: string; name: string; clients: number }>(
      // Programs they coach, or created (a program goes with its creator's account).
      `select p.id, p.name, count(c.user_id)::int as clients
       from public.programs p
       join public.program_members c on c.program_id = p.id and c.role = 'client'
       where p.created_by = $1
          or p.id in (select m.program_id from public.program_members m where m.user_id = $1 and m.role = 'coach')
       group by p.id, p.name
       order by p.name`,
      [userId],
    )
    const [others] = await tx.query<{ n: number }>(
      `select count(*)::int as n from public.coaching_sessions s
       where s.user_id <> $1
         and (s.coach_id = $1 or s.program_id in (select p.id from public.programs p where p.created_by = $1))`,
      [userId],
    )
    return { programs, othersSessions: others?.n ?? 0 }
  })
}

/**
 * Deletes the signed-in person's account: refused (AppError 'conflict', with what to do
 * first) while they lead a program with clients; otherwise the auth backend checks the
 * password (or a fresh sign-in on Supabase) and deletes the user, and the database's
 * cascades and its trigger do the rest (supabase/migrations/20261203004000_audit_trail.sql).
 * Returns the cookies that sign this browser out.
 */
export async function deleteAccount(
  db: Database,
  auth: AuthBackend,
  { userId, password, request }: { userId: string; password: string; request: AuthRequest },
): Promise<{ setCookies: string[] }> {
  const blockers = await deletionBlockers(db, { userId })
  if (!noBlockers(blockers)) throw new AppError('conflict', blockersMessage(blockers))
  const result = await auth.deleteAccount({ password }, request)
  if (result.userId !== userId) throw new Error('The account deleted is not the one signed in')
  return { setCookies: result.setCookies }
}
