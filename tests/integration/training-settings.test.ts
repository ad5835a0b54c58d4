/**
 * A program's training settings (issue 12, point 4): the daily cap on started training
 * sessions and the program's own activity types, which only its coaches change; a client of
 * the program then chooses the program's activities for their sessions, and another
 * program's people neither see nor change them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { trainingDetails } from '#lib/measures/measures'
import { sessionTypeCode } from '#lib/programs/program-forms.shared'
import { addSessionType, createProgram, removeSessionType, setDailySessionCap, trainingSettings } from '#lib/programs/programs'
import { caught } from '../support/app-error'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let coach = ''
let client = ''
let otherCoach = ''
let programId = ''
let sessionId = ''

beforeAll(async () => {
  testDb = await createTestDatabase()
  coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  client = await createUser(testDb.db, { displayName: 'Diego' })
  otherCoach = await createUser(testDb.db, { displayName: 'Coach Olu' })
  programId = await createProgram(testDb.db, { userId: coach, name: 'North Star' })
  await createProgram(testDb.db, { userId: otherCoach, name: 'Elsewhere' })
  await testDb.db.asService((tx) => tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [programId, client]))
  const [session] = await testDb.db.asService((tx) =>
    tx.query<{ id: string }>(
      `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, has_conversation)
       values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'Board session', false) returning id`,
      [client, coach, programId],
    ),
  )
  sessionId = session!.id
})

afterAll(async () => {
  await testDb?.close()
})

describe('training settings', () => {
  it('makes a code the database accepts from any label', () => {
    expect(sessionTypeCode('Tension board')).toBe('TENSION_BOARD')
    expect(sessionTypeCode('  Über-run 5k! ')).toBe('UBER_RUN_5K')
    expect(sessionTypeCode('5k tempo')).toBe('T_5K_TEMPO')
  })

  it('only the program’s coaches read and change the daily cap', async () => {
    expect((await trainingSettings(testDb.db, { userId: coach, programId }))?.dailySessionCap).toBe(3)
    expect(await trainingSettings(testDb.db, { userId: client, programId })).toBeNull()
    expect(await trainingSettings(testDb.db, { userId: otherCoach, programId })).toBeNull()
    expect((await caught(setDailySessionCap(testDb.db, { userId: client, programId, cap: 20 }))).kind).toBe('not_found')
    expect((await caught(setDailySessionCap(testDb.db, { userId: otherCoach, programId, cap: 20 }))).kind).toBe('not_found')
    await setDailySessionCap(testDb.db, { userId: coach, programId, cap: 5 })
    expect((await trainingSettings(testDb.db, { userId: coach, programId }))?.dailySessionCap).toBe(5)
  })

  it('a coach adds an activity its clients then choose; a second with the same name is refused; another program’s coach cannot remove it', async () => {
    await addSessionType(testDb.db, { userId: coach, programId, label: 'Tension board' })
    const duplicate = await caught(addSessionType(testDb.db, { userId: coach, programId, label: 'Tension  board' }))
    expect([duplicate.kind, duplicate.fieldErrors?.label]).toEqual(['conflict', ['There is already an activity called that.']])
    expect((await caught(addSessionType(testDb.db, { userId: client, programId, label: 'My own' }))).kind).toBe('not_found')
    const types = (await trainingDetails(testDb.db, { userId: client, sessionId }))!.types
    expect(types).toContainEqual({ code: 'TENSION_BOARD', label: 'Tension board' })
    expect(types.map((type) => type.code)).toContain('FUN')

    const [added] = (await trainingSettings(testDb.db, { userId: coach, programId }))!.sessionTypes
    expect((await caught(removeSessionType(testDb.db, { userId: otherCoach, typeId: added!.id }))).kind).toBe('not_found')
    await removeSessionType(testDb.db, { userId: coach, typeId: added!.id })
    expect((await trainingSettings(testDb.db, { userId: coach, programId }))!.sessionTypes).toEqual([])
  })
})
