/**
 * The coach's view of a client's history (issue 15, point 4: "a coach sees the activity of
 * their program's shared records"): the audit entries about a client that the audit log's
 * policy lets the coach read — of sessions shared with or led by them — never of a private
 * session, never the client's sign-ins, and nothing for another program's coach.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listRecordHistory } from '#lib/account/activity'
import { recordAccountEvent } from '#lib/audit/account-events'
import { createProgram } from '#lib/programs/programs'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let coach: string
let otherCoach: string
let client: string
const sessions = { private: '', shared: '' }

beforeAll(async () => {
  testDb = await createTestDatabase()
  coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  otherCoach = await createUser(testDb.db, { displayName: 'Coach Olu' })
  client = await createUser(testDb.db, { displayName: 'Diego' })
  const programId = await createProgram(testDb.db, { userId: coach, name: 'North Star' })
  await createProgram(testDb.db, { userId: otherCoach, name: 'Elsewhere' })
  await testDb.db.asService((tx) => tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [programId, client]))
  await testDb.db.asUser(client, async (tx) => {
    const insert = (visibility: string, coachId: string | null, program: string | null, title: string) =>
      tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title)
         values ($1, $2, $3, 'self_coaching', 'self_assigned', $4, $5) returning id`,
        [client, coachId, program, visibility, title],
      )
    sessions.private = (await insert('private', null, null, 'Private'))[0]!.id
    sessions.shared = (await insert('shared', coach, programId, 'Shared'))[0]!.id
  })
  await recordAccountEvent(testDb.db, { action: 'login', actorId: client })
})

afterAll(async () => {
  await testDb?.close()
})

describe('a client’s history, as their coach reads it', () => {
  it('holds the shared session’s entries, not the private session’s nor the sign-ins; another program’s coach reads nothing', async () => {
    const seen = await listRecordHistory(testDb.db, { userId: coach, clientId: client })
    expect(seen.map((entry) => [entry.action, entry.entityId])).toEqual([['session.created', sessions.shared]])
    expect(seen[0]!.actorName).toBe('Diego')
    expect(await listRecordHistory(testDb.db, { userId: otherCoach, clientId: client })).toEqual([])
    // The client's own view of the same (through the settings page's activity) has both sessions.
    const own = await listRecordHistory(testDb.db, { userId: client, clientId: client })
    expect(own.map((entry) => entry.entityId).sort()).toEqual([sessions.private, sessions.shared].sort())
  })
})
