import { createHash, randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import { inviteSchema, programNameSchema, sessionTypeCode } from './program-forms.shared'

/**
 * Programs: a coach's practice or team, its members, and the invite links that bring
 * people in. Every function runs as the signed-in user; row-level security decides what
 * they may see and change, and a refusal reads as "not found".
 */

export type ProgramRole = 'coach' | 'client'

export { inviteSchema, programNameSchema } from './program-forms.shared'

export type InviteInput = z.input<typeof inviteSchema>

export interface ProgramSummary {
  id: string
  name: string
  myRole: ProgramRole
  coachCount: number
  clientCount: number | null // only coaches see how many clients a program has
}

export interface ProgramMember {
  userId: string
  displayName: string
  role: ProgramRole
  joinedAt: Date
}

export interface ProgramInvite {
  id: string
  role: ProgramRole
  note: string
  expiresAt: Date
  acceptedAt: Date | null
  acceptedByName: string | null
  createdAt: Date
}

export interface ProgramDetails {
  id: string
  name: string
  myRole: ProgramRole
  createdBy: string
  members: ProgramMember[]
  invites: ProgramInvite[]
}

export async function createProgram(db: Database, { userId, name }: { userId: string; name: string }): Promise<string> {
  const parsed = programNameSchema.safeParse(name)
  if (!parsed.success) {
    throw new AppError('invalid', 'Check the program name.', { name: parsed.error.issues.map((i) => i.message) })
  }
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ id: string }>('insert into public.programs (name, created_by) values ($1, $2) returning id', [
      parsed.data,
      userId,
    ]),
  )
  if (!row) throw new Error('Creating the program returned no id')
  return row.id
}

export async function listPrograms(db: Database, { userId }: { userId: string }): Promise<ProgramSummary[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ id: string; name: string; my_role: ProgramRole; coach_count: number; client_count: number }>(
      `select p.id, p.name, me.role as my_role,
              (select count(*)::int from public.program_members m where m.program_id = p.id and m.role = 'coach') as coach_count,
              (select count(*)::int from public.program_members m where m.program_id = p.id and m.role = 'client') as client_count
       from public.programs p
       join public.program_members me on me.program_id = p.id and me.user_id = $1
       order by p.name`,
      [userId],
    ),
  )
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    myRole: row.my_role,
    coachCount: row.coach_count,
    // A client's view of members is limited to coaches, so their count of clients is 0;
    // say nothing rather than something wrong.
    clientCount: row.my_role === 'coach' ? row.client_count : null,
  }))
}

export async function getProgram(
  db: Database,
  { userId, programId }: { userId: string; programId: string },
): Promise<ProgramDetails> {
  return db.asUser(userId, async (tx) => {
    const [program] = await tx.query<{ id: string; name: string; created_by: string; my_role: ProgramRole }>(
      `select p.id, p.name, p.created_by, me.role as my_role
       from public.programs p
       join public.program_members me on me.program_id = p.id and me.user_id = $2
       where p.id = $1`,
      [programId, userId],
    )
    if (!program) throw new AppError('not_found', 'That program does not exist, or you are not a member of it.')

    const members = await tx.query<{ user_id: string; display_name: string | null; role: ProgramRole; created_at: Date }>(
      `select m.user_id, pr.display_name, m.role, m.created_at
       from public.program_members m
       left join public.profiles pr on pr.id = m.user_id
       where m.program_id = $1
       order by m.role = 'coach' desc, pr.display_name`,
      [programId],
    )
    const invites =
      program.my_role === 'coach'
        ? await tx.query<{
            id: string
            role: ProgramRole
            note: string
            expires_at: Date
            accepted_at: Date | null
            accepted_by_name: string | null
            created_at: Date
          }>(
            `select i.id, i.role, i.note, i.expires_at, i.accepted_at, pr.display_name as accepted_by_name, i.created_at
             from public.program_invites i
             left join public.profiles pr on pr.id = i.accepted_by
             where i.program_id = $1
             order by i.created_at desc
             limit 50`,
            [programId],
          )
        : []

    return {
      id: program.id,
      name: program.name,
      myRole: program.my_role,
      createdBy: program.created_by,
      members: members.map((m) => ({
        userId: m.user_id,
        displayName: m.display_name ?? 'Unknown member',
        role: m.role,
        joinedAt: m.created_at,
      })),
      invites: invites.map((i) => ({
        id: i.id,
        role: i.role,
        note: i.note,
        expiresAt: i.expires_at,
        acceptedAt: i.accepted_at,
        acceptedByName: i.accepted_by_name,
        createdAt: i.created_at,
      })),
    }
  })
}

export function hashInviteToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex')
}

/**
 * Creates an invite and returns its token, which exists only in the link: the database
 * keeps its hash. The caller shows the link once.
 */
export async function createInvite(
  db: Database,
  { userId, programId, ...input }: { userId: string; programId: string } & InviteInput,
): Promise<{ token: string; expiresAt: Date }> {
  const parsed = inviteSchema.safeParse(input)
  if (!parsed.success) {
    throw new AppError('invalid', 'Check the invite.', z.flattenError(parsed.error).fieldErrors)
  }
  const token = randomBytes(24).toString('base64url')
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ expires_at: Date }>(
      `insert into public.program_invites (program_id, role, note, token_hash, created_by, expires_at)
       values ($1, $2, $3, $4, $5, now() + make_interval(days => $6))
       returning expires_at`,
      [programId, parsed.data.role, parsed.data.note, hashInviteToken(token), userId, parsed.data.expiresInDays],
    ),
  )
  const row = rows[0]
  if (!row) throw new AppError('not_found', 'That program does not exist, or you are not one of its coaches.')
  return { token, expiresAt: row.expires_at }
}

export async function withdrawInvite(
  db: Database,
  { userId, inviteId }: { userId: string; inviteId: string },
): Promise<void> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query('delete from public.program_invites where id = $1 and accepted_at is null returning id', [inviteId]),
  )
  if (rows.length === 0) throw new AppError('not_found', 'That invite does not exist or was already used.')
}

export type InviteStatus = 'open' | 'used' | 'expired'

export interface InviteDescription {
  programName: string
  role: ProgramRole
  invitedBy: string
  status: InviteStatus
}

/** What an invite link leads to; anyone holding the token may see this. */
export async function describeInvite(db: Database, { token }: { token: string }): Promise<InviteDescription | null> {
  const [row] = await db.asAnonymous((tx) =>
    tx.query<{ program_name: string; role: ProgramRole; invited_by: string; status: InviteStatus }>(
      'select program_name, role, invited_by, status from public.describe_program_invite($1)',
      [token],
    ),
  )
  return row
    ? { programName: row.program_name, role: row.role, invitedBy: row.invited_by, status: row.status }
    : null
}

export type AcceptOutcome = 'accepted' | 'already_member'

/** Joins the program of an open invite. Used, expired and unknown links are refused. */
export async function acceptInvite(
  db: Database,
  { userId, token }: { userId: string; token: string },
): Promise<{ programId: string; outcome: AcceptOutcome }> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ program_id: string | null; outcome: string }>(
      'select program_id, outcome from public.accept_program_invite($1)',
      [token],
    ),
  )
  switch (row?.outcome) {
    case 'accepted':
    case 'already_member':
      if (!row.program_id) break
      return { programId: row.program_id, outcome: row.outcome }
    case 'used':
      throw new AppError('conflict', 'This invite link has already been used. Ask your coach for a new one.')
    case 'expired':
      throw new AppError('conflict', 'This invite link has expired. Ask your coach for a new one.')
  }
  throw new AppError('not_found', 'This invite link is not valid. Check that you copied all of it.')
}

export async function leaveProgram(
  db: Database,
  { userId, programId }: { userId: string; programId: string },
): Promise<void> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query('delete from public.program_members where program_id = $1 and user_id = $2 returning user_id', [
      programId,
      userId,
    ]),
  )
  if (rows.length === 0) throw new AppError('not_found', 'You are not a member of that program.')
}

export async function removeClient(
  db: Database,
  { userId, programId, clientId }: { userId: string; programId: string; clientId: string },
): Promise<void> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query(
      `delete from public.program_members
       where program_id = $1 and user_id = $2 and role = 'client'
       returning user_id`,
      [programId, clientId],
    ),
  )
  if (rows.length === 0) throw new AppError('not_found', 'That client is not in this program.')
}

// ─── training settings ───────────────────────────────────────────────────────────────

export interface TrainingSettings {
  /** How many training sessions a client may start a day (the database enforces it). */
  dailySessionCap: number
  /** After how many days without activity a client is listed as needing attention. */
  inactivityDays: number
  /** The program's own activity types, besides the system's. */
  sessionTypes: { id: string; code: string; label: string }[]
}

/** A program's training settings, for its coaches. */
export async function trainingSettings(db: Database, { userId, programId }: { userId: string; programId: string }): Promise<TrainingSettings | null> {
  return db.asUser(userId, async (tx) => {
    const [program] = await tx.query<{ daily_session_cap: number; inactivity_days: number }>(
      `select p.daily_session_cap, p.inactivity_days from public.programs p
       where p.id = $1 and p.id in (select private.my_coached_program_ids())`,
      [programId],
    )
    if (!program) return null
    const types = await tx.query<{ id: string; code: string; label: string }>(
      'select id, code, label from public.session_types where program_id = $1 order by lower(label) limit 100',
      [programId],
    )
    return { dailySessionCap: program.daily_session_cap, inactivityDays: program.inactivity_days, sessionTypes: types }
  })
}

export async function setDailySessionCap(db: Database, { userId, programId, cap }: { userId: string; programId: string; cap: number }): Promise<void> {
  const rows = await db.asUser(userId, (tx) => tx.query('update public.programs set daily_session_cap = $2 where id = $1 returning id', [programId, cap]))
  if (rows.length === 0) throw new AppError('not_found', 'Only this program’s coaches change its training settings.')
}

export async function setInactivityDays(db: Database, { userId, programId, days }: { userId: string; programId: string; days: number }): Promise<void> {
  const rows = await db.asUser(userId, (tx) => tx.query('update public.programs set inactivity_days = $2 where id = $1 returning id', [programId, days]))
  if (rows.length === 0) throw new AppError('not_found', 'Only this program’s coaches change its settings.')
}

/** Adds an activity type of the program's own; its code comes from the label. */
export async function addSessionType(db: Database, { userId, programId, label }: { userId: string; programId: string; label: string }): Promise<void> {
  const code = sessionTypeCode(label)
  await db
    .asUser(userId, (tx) => tx.query('insert into public.session_types (program_id, code, label) values ($1, $2, $3)', [programId, code, label]))
    .catch((error: unknown) => {
      if (error instanceof AppError && error.kind === 'conflict') {
        throw new AppError('conflict', `There is already an activity called that (${code}).`, { label: ['There is already an activity called that.'] })
      }
      throw error
    })
}

export async function removeSessionType(db: Database, { userId, typeId }: { userId: string; typeId: string }): Promise<void> {
  const rows = await db.asUser(userId, (tx) => tx.query('delete from public.session_types where id = $1 and program_id is not null returning id', [typeId]))
  if (rows.length === 0) throw new AppError('not_found', 'That activity type is not one of this program’s.')
}
