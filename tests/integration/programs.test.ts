/**
 * Programs through lib/programs, as the pages use them: creating a program, inviting
 * with one-use expiring links, accepting, the roster, leaving and removing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  acceptInvite,
  createInvite,
  createProgram,
  describeInvite,
  getProgram,
  leaveProgram,
  listPrograms,
  removeClient,
  withdrawInvite,
} from '#lib/programs/programs'
import { caught } from '../support/app-error'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let coach: string
let programId: string


beforeAll(async () => {
  testDb = await createTestDatabase()
  coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  programId = await createProgram(testDb.db, { userId: coach, name: '  North Star Coaching  ' })
})

afterAll(async () => {
  await testDb?.close()
})

describe('creating a program', () => {
  it('makes its creator its coach and trims the name', async () => {
    expect(await listPrograms(testDb.db, { userId: coach })).toEqual([
      { id: programId, name: 'North Star Coaching', myRole: 'coach', coachCount: 1, clientCount: 0 },
    ])
  })

  it('refuses an empty or overlong name with a message', async () => {
    const empty = await caught(createProgram(testDb.db, { userId: coach, name: '   ' }))
    expect(empty.fieldErrors.name).toEqual(['Give the program a name.'])
    const long = await caught(createProgram(testDb.db, { userId: coach, name: 'x'.repeat(121) }))
    expect(long.fieldErrors.name).toEqual(['Use at most 120 characters for the name.'])
  })
})

describe('invites', () => {
  it('admit exactly one person, as the role they name', async () => {
    const { token, expiresAt } = await createInvite(testDb.db, { userId: coach, programId, role: 'client', note: 'Diego' })
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now() + 6.9 * 24 * 3600 * 1000)
    expect(await describeInvite(testDb.db, { token })).toEqual({
      programName: 'North Star Coaching',
      role: 'client',
      invitedBy: 'Coach Cleo',
      status: 'open',
    })

    const diego = await createUser(testDb.db, { displayName: 'Diego' })
    expect(await acceptInvite(testDb.db, { userId: diego, token })).toEqual({ programId, outcome: 'accepted' })
    expect(await describeInvite(testDb.db, { token })).toMatchObject({ status: 'used' })

    const latecomer = await createUser(testDb.db)
    const reused = await caught(acceptInvite(testDb.db, { userId: latecomer, token }))
    expect([reused.kind, reused.message]).toEqual(['conflict', 'This invite link has already been used. Ask your coach for a new one.'])
    expect(await listPrograms(testDb.db, { userId: latecomer })).toEqual([])

    const program = await getProgram(testDb.db, { userId: coach, programId })
    expect(program.members.map((m) => [m.displayName, m.role])).toEqual([
      ['Coach Cleo', 'coach'],
      ['Diego', 'client'],
    ])
    expect(program.invites[0]).toMatchObject({ note: 'Diego', acceptedByName: 'Diego' })
  })

  it('stores only a hash of the token', async () => {
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
    const rows = await testDb.db.asService((tx) =>
      tx.query<{ token_hash: string }>('select token_hash from public.program_invites where program_id = $1', [programId]),
    )
    expect(rows.some((row) => row.token_hash.includes(token))).toBe(false)
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true)
  })

  it('stop working when they expire', async () => {
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client', expiresInDays: 1 })
    await testDb.db.asService((tx) =>
      tx.query(`update public.program_invites set expires_at = now() - interval '1 minute' where accepted_at is null`),
    )
    expect(await describeInvite(testDb.db, { token })).toMatchObject({ status: 'expired' })
    const late = await createUser(testDb.db)
    const error = await caught(acceptInvite(testDb.db, { userId: late, token }))
    expect(error.message).toBe('This invite link has expired. Ask your coach for a new one.')
  })

  it('answer an unknown token as not found, to visitors and to members', async () => {
    expect(await describeInvite(testDb.db, { token: 'no-such-token' })).toBeNull()
    const someone = await createUser(testDb.db)
    expect((await caught(acceptInvite(testDb.db, { userId: someone, token: 'no-such-token' }))).kind).toBe('not_found')
  })

  it('leave an open invite open when a member follows it again', async () => {
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
    expect(await acceptInvite(testDb.db, { userId: coach, token })).toEqual({ programId, outcome: 'already_member' })
    expect(await describeInvite(testDb.db, { token })).toMatchObject({ status: 'open' })
  })

  it('can be created and withdrawn only by the program’s coaches', async () => {
    const client = await createUser(testDb.db)
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
    await acceptInvite(testDb.db, { userId: client, token })
    expect((await caught(createInvite(testDb.db, { userId: client, programId, role: 'coach' }))).kind).toBe('not_found')

    const { token: open } = await createInvite(testDb.db, { userId: coach, programId, role: 'coach' })
    const program = await getProgram(testDb.db, { userId: coach, programId })
    const openInvite = program.invites.find((invite) => invite.role === 'coach' && !invite.acceptedAt)
    expect(openInvite).toBeDefined()
    expect((await caught(withdrawInvite(testDb.db, { userId: client, inviteId: openInvite!.id }))).kind).toBe('not_found')
    await withdrawInvite(testDb.db, { userId: coach, inviteId: openInvite!.id })
    expect(await describeInvite(testDb.db, { token: open })).toBeNull()
  })

  it('validate role and lifetime', async () => {
    const error = await caught(createInvite(testDb.db, { userId: coach, programId, role: 'owner' as 'client', expiresInDays: 90 }))
    expect(error.fieldErrors).toMatchObject({
      role: ['Choose whether you are inviting a client or a coach.'],
      expiresInDays: ['A link can stay valid for at most 30 days.'],
    })
  })
})

describe('the roster and leaving', () => {
  it('a client sees the program and its coaches, not the other clients', async () => {
    const [a, b] = [await createUser(testDb.db, { displayName: 'Aki' }), await createUser(testDb.db, { displayName: 'Bea' })]
    for (const user of [a, b]) {
      const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
      await acceptInvite(testDb.db, { userId: user, token })
    }
    const asClient = await getProgram(testDb.db, { userId: a, programId })
    expect(asClient.myRole).toBe('client')
    expect(asClient.members.map((m) => m.displayName).sort()).toEqual(['Aki', 'Coach Cleo'])
    expect(asClient.invites).toEqual([])
    expect((await listPrograms(testDb.db, { userId: a }))[0]).toMatchObject({ myRole: 'client', clientCount: null })
  })

  it('leaving removes the program from the member’s view at once', async () => {
    const leaver = await createUser(testDb.db)
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
    await acceptInvite(testDb.db, { userId: leaver, token })
    await leaveProgram(testDb.db, { userId: leaver, programId })
    expect(await listPrograms(testDb.db, { userId: leaver })).toEqual([])
    expect((await caught(getProgram(testDb.db, { userId: leaver, programId }))).kind).toBe('not_found')
    expect((await caught(leaveProgram(testDb.db, { userId: leaver, programId }))).kind).toBe('not_found')
  })

  it('a coach removes a client; another client cannot', async () => {
    const [target, other] = [await createUser(testDb.db), await createUser(testDb.db)]
    for (const user of [target, other]) {
      const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
      await acceptInvite(testDb.db, { userId: user, token })
    }
    expect((await caught(removeClient(testDb.db, { userId: other, programId, clientId: target }))).kind).toBe('not_found')
    await removeClient(testDb.db, { userId: coach, programId, clientId: target })
    expect(await listPrograms(testDb.db, { userId: target })).toEqual([])
  })

  it('an unknown or malformed program id is not found', async () => {
    expect((await caught(getProgram(testDb.db, { userId: coach, programId: '00000000-0000-4000-8000-000000000000' }))).kind).toBe(
      'not_found',
    )
  })
})
