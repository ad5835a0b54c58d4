/**
 * The access matrix: for every table and every action (select, insert, update, delete),
 * who can and who cannot, checked against the real policies on a real Postgres (PGlite,
 * or the server in DATABASE_URL). Every "cannot" runs on the same row as a "can" that
 * follows it, so a denial never passes just because the row was missing.
 *
 * The cast (seeded afresh for each describe, see seedCast):
 *   coach        — coaches "North Star" (program 1)
 *   client       — a client in program 1; owns the rows under test
 *   peerClient   — another client in program 1
 *   otherCoach   — coaches "Elsewhere" (program 2)
 *   outsideClient— a client in program 2
 *   anon         — a visitor who is not signed in
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sqlState, type Tx } from '#lib/db/database'
import { AppError } from '#lib/errors'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

type Actor = 'client' | 'peerClient' | 'coach' | 'otherCoach' | 'outsideClient' | 'anon'

let testDb: TestDatabase
const id: Record<Exclude<Actor, 'anon'>, string> = {
  client: '',
  peerClient: '',
  coach: '',
  otherCoach: '',
  outsideClient: '',
}
const row = {
  program: '',
  otherProgram: '',
  invite: '',
  privateSession: '',
  sharedSession: '',
  coachLedSession: '',
  sharedStage: '',
  privateStage: '',
  privatePlan: '',
  sharedPlan: '',
  coachLedPlan: '',
  sharedMilestone: '',
  privateMilestone: '',
  auditEntry: 0,
}

function as<T>(actor: Actor, work: (tx: Tx) => Promise<T>): Promise<T> {
  return actor === 'anon' ? testDb.db.asAnonymous(work) : testDb.db.asUser(id[actor], work)
}

function service<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
  return testDb.db.asService(work)
}

/**
 * Runs a statement as an actor. "allowed" means it returned rows (writes use RETURNING);
 * "denied" means it touched nothing, or row-level security / privileges refused it
 * (SQLSTATE 42501: an AppError for a policy's refusal, the raw error for a missing privilege). Any other error is a broken test, not a denial.
 */
async function attempt(actor: Actor, sql: string, params: unknown[] = []): Promise<'allowed' | 'denied'> {
  try {
    const rows = await as(actor, (tx) => tx.query(sql, params))
    return rows.length > 0 ? 'allowed' : 'denied'
  } catch (error) {
    if (error instanceof AppError && sqlState(error.cause) === '42501') return 'denied'
    // No privilege at all (no grant, or a column that may not be updated).
    if (sqlState(error) === '42501') return 'denied'
    throw error
  }
}

async function count(table: string, where: string, params: unknown[]): Promise<number> {
  const [result] = await service((tx) => tx.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params))
  return result?.n ?? 0
}

async function expectOnly(
  allowed: Actor[],
  denied: Actor[],
  check: (actor: Actor) => Promise<'allowed' | 'denied'>,
) {
  // Denials first, then the permitted actors on the same data.
  for (const actor of denied) expect([actor, await check(actor)]).toEqual([actor, 'denied'])
  for (const actor of allowed) expect([actor, await check(actor)]).toEqual([actor, 'allowed'])
}

const everyoneBut = (...allowed: Actor[]): Actor[] =>
  (['client', 'peerClient', 'coach', 'otherCoach', 'outsideClient', 'anon'] as const).filter((a) => !allowed.includes(a))

beforeAll(async () => {
  testDb = await createTestDatabase()
})

/**
 * The cast and their rows, made afresh for each describe: what one describe changes (an
 * invite accepted or deleted, a client leaving, a session released) stays in that describe,
 * so the cast above holds at the start of every one of them.
 */
async function seedCast() {
  id.client = await createUser(testDb.db, { displayName: 'Client Ana' })
  id.peerClient = await createUser(testDb.db, { displayName: 'Peer Ben' })
  id.coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  id.otherCoach = await createUser(testDb.db, { displayName: 'Other Coach Dev' })
  id.outsideClient = await createUser(testDb.db, { displayName: 'Outside Eli' })

  await service(async (tx) => {
    const [p1] = await tx.query<{ id: string }>(
      `insert into public.programs (name, created_by) values ('North Star', $1) returning id`,
      [id.coach],
    )
    const [p2] = await tx.query<{ id: string }>(
      `insert into public.programs (name, created_by) values ('Elsewhere', $1) returning id`,
      [id.otherCoach],
    )
    row.program = p1!.id
    row.otherProgram = p2!.id
    await tx.query(
      `insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client'), ($1, $3, 'client'), ($4, $5, 'client')`,
      [row.program, id.client, id.peerClient, row.otherProgram, id.outsideClient],
    )
    const [invite] = await tx.query<{ id: string }>(
      `insert into public.program_invites (program_id, role, token_hash, created_by, expires_at)
       values ($1, 'client', md5(random()::text) || md5(random()::text), $2, now() + interval '7 days') returning id`,
      [row.program, id.coach],
    )
    row.invite = invite!.id

    const session = async (values: string, params: unknown[]) => {
      const [s] = await tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title)
         values ${values} returning id`,
        params,
      )
      return s!.id
    }
    row.privateSession = await session(`($1, null, null, 'self_coaching', 'self_assigned', 'private', 'Private reflection')`, [id.client])
    row.sharedSession = await session(`($1, $2, $3, 'self_coaching', 'self_assigned', 'shared', 'Shared with coach')`, [
      id.client,
      id.coach,
      row.program,
    ])
    row.coachLedSession = await session(`($1, $2, $3, 'coach_led', 'coach_assigned', 'shared', 'Led by coach')`, [
      id.client,
      id.coach,
      row.program,
    ])

    const [stage] = await tx.query<{ id: string }>(
      `insert into public.stage_responses (session_id, stage_number, stage_name, responses)
       values ($1, 1, 'check_in', '{"fields": {"presence": 7}}') returning id`,
      [row.sharedSession],
    )
    row.sharedStage = stage!.id
    const [privateStage] = await tx.query<{ id: string }>(
      `insert into public.stage_responses (session_id, stage_number, stage_name) values ($1, 1, 'check_in') returning id`,
      [row.privateSession],
    )
    row.privateStage = privateStage!.id

    const plan = async (sessionId: string | null, title: string) => {
      const [p] = await tx.query<{ id: string }>(
        `insert into public.action_plans (session_id, user_id, title) values ($1, $2, $3) returning id`,
        [sessionId, id.client, title],
      )
      return p!.id
    }
    row.privatePlan = await plan(null, 'Private plan')
    row.sharedPlan = await plan(row.sharedSession, 'Shared plan')
    row.coachLedPlan = await plan(row.coachLedSession, 'Coach-led plan')

    const milestone = async (planId: string) => {
      const [m] = await tx.query<{ id: string }>(
        `insert into public.milestones (action_plan_id, title) values ($1, 'Step one') returning id`,
        [planId],
      )
      return m!.id
    }
    row.sharedMilestone = await milestone(row.sharedPlan)
    row.privateMilestone = await milestone(row.privatePlan)

    const [entry] = await tx.query<{ id: number }>(
      `insert into public.audit_log (actor_id, action, entity_type, entity_id) values ($1, 'created', 'action_plan', $2) returning id`,
      [id.client, row.privatePlan],
    )
    row.auditEntry = entry!.id
  })
}

/** A describe that starts from its own freshly seeded cast. */
function describeOnOwnData(name: string, body: () => void) {
  describe(name, () => {
    beforeAll(seedCast)
    body()
  })
}

afterAll(async () => {
  await testDb?.close()
})

describeOnOwnData('profiles', () => {
  const select = (actor: Actor) => attempt(actor, 'select id from public.profiles where id = $1', [id.client])

  it('every new user gets a profile, made by the database (nobody inserts one by hand)', async () => {
    expect(await count('public.profiles', 'id = $1 and display_name = $2', [id.client, 'Client Ana'])).toBe(1)
    const stranger = await createUser(testDb.db)
    await service((tx) => tx.query('delete from public.profiles where id = $1', [stranger]))
    for (const actor of ['client', 'coach', 'anon'] as const) {
      const insert = () =>
        attempt(actor, `insert into public.profiles (id, display_name) values ($1, 'Impostor') returning id`, [stranger])
      expect([actor, await insert()]).toEqual([actor, 'denied'])
    }
  })

  it('the owner and their coach can read it; nobody else can', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), select)
  })

  it('clients can read their coaches’ profiles, not other programs’ coaches', async () => {
    const coachProfile = (actor: Actor, coachId: string) =>
      attempt(actor, 'select id from public.profiles where id = $1', [coachId])
    expect(await coachProfile('client', id.otherCoach)).toBe('denied')
    expect(await coachProfile('client', id.coach)).toBe('allowed')
  })

  it('only the owner can update it', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `update public.profiles set display_name = $2 where id = $1 returning id`, [id.client, `Renamed by ${actor}`]),
    )
    expect(await count('public.profiles', 'id = $1 and display_name = $2', [id.client, 'Renamed by client'])).toBe(1)
  })

  it('nobody deletes a profile directly; it goes with the account', async () => {
    for (const actor of everyoneBut()) {
      expect([actor, await attempt(actor, 'delete from public.profiles where id = $1 returning id', [id.client])]).toEqual([
        actor,
        'denied',
      ])
    }
    const leaving = await createUser(testDb.db)
    await service((tx) => tx.query('delete from auth.users where id = $1', [leaving]))
    expect(await count('public.profiles', 'id = $1', [leaving])).toBe(0)
  })
})

describeOnOwnData('programs', () => {
  it('members can read their program; outsiders cannot', async () => {
    await expectOnly(['coach', 'client', 'peerClient'], ['otherCoach', 'outsideClient', 'anon'], (actor) =>
      attempt(actor, 'select id from public.programs where id = $1', [row.program]),
    )
  })

  it('a signed-in user can create a program in their own name only, and becomes its coach', async () => {
    const create = (actor: Actor, createdBy: string) =>
      attempt(actor, `insert into public.programs (name, created_by) values ('New practice', $1) returning id`, [createdBy])
    expect(await create('client', id.coach)).toBe('denied')
    expect(await create('anon', id.client)).toBe('denied')
    expect(await create('peerClient', id.peerClient)).toBe('allowed')
    expect(
      await count(
        'public.program_members m join public.programs p on p.id = m.program_id',
        `p.created_by = $1 and m.user_id = $1 and m.role = 'coach'`,
        [id.peerClient],
      ),
    ).toBe(1)
  })

  it('only its coaches can rename it', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.programs set name = $2 where id = $1 returning id`, [row.program, `North Star (${actor})`]),
    )
  })

  it('only its creator can delete it', async () => {
    const [throwaway] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.programs (name, created_by) values ('Throwaway', $1) returning id`, [id.coach]),
    )
    await service((tx) =>
      tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [throwaway!.id, id.client]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, 'delete from public.programs where id = $1 returning id', [throwaway!.id]),
    )
  })
})

describeOnOwnData('program_members', () => {
  const membership = (actor: Actor, userId: string) =>
    attempt(actor, 'select user_id from public.program_members where program_id = $1 and user_id = $2', [row.program, userId])

  it('a client’s membership is seen by them and their coaches; not by other clients or outsiders', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), (actor) => membership(actor, id.client))
  })

  it('clients can see who coaches their program', async () => {
    expect(await membership('outsideClient', id.coach)).toBe('denied')
    expect(await membership('peerClient', id.coach)).toBe('allowed')
  })

  it('nobody adds members directly; accepting an invite does', async () => {
    for (const [actor, userId] of [
      ['outsideClient', id.outsideClient],
      ['coach', id.outsideClient],
      ['otherCoach', id.otherCoach],
      ['anon', id.outsideClient],
    ] as const) {
      const insert = await attempt(
        actor,
        `insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client') returning user_id`,
        [row.program, userId],
      )
      expect([actor, insert]).toEqual([actor, 'denied'])
    }
    await service((tx) =>
      tx.query(
        `insert into public.program_invites (program_id, role, token_hash, created_by, expires_at)
         values ($1, 'client', encode(sha256(convert_to('matrix-invite-token', 'UTF8')), 'hex'), $2, now() + interval '1 day')`,
        [row.program, id.coach],
      ),
    )
    const newcomer = await createUser(testDb.db)
    const [accepted] = await testDb.db.asUser(newcomer, (tx) =>
      tx.query<{ outcome: string }>(`select outcome from public.accept_program_invite('matrix-invite-token')`),
    )
    expect(accepted?.outcome).toBe('accepted')
    expect(await membership('coach', newcomer)).toBe('allowed')
  })

  it('nobody changes a membership’s role (not even to promote themselves)', async () => {
    for (const actor of everyoneBut()) {
      const update = await attempt(
        actor,
        `update public.program_members set role = 'coach' where program_id = $1 and user_id = $2 returning user_id`,
        [row.program, id.client],
      )
      expect([actor, update]).toEqual([actor, 'denied'])
    }
    expect(await membership('client', id.client)).toBe('allowed')
    expect(await count('public.program_members', `program_id = $1 and user_id = $2 and role = 'client'`, [row.program, id.client])).toBe(1)
  })

  it('a client can leave; their coach can remove them; nobody else can', async () => {
    const leaver = await createUser(testDb.db)
    const addLeaver = () =>
      service((tx) =>
        tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [row.program, leaver]),
      )
    await addLeaver()
    const remove = (actor: Actor) =>
      attempt(actor, 'delete from public.program_members where program_id = $1 and user_id = $2 returning user_id', [
        row.program,
        leaver,
      ])
    await expectOnly(['coach'], everyoneBut('coach'), remove)
    await addLeaver()
    const [left] = await testDb.db.asUser(leaver, (tx) =>
      tx.query('delete from public.program_members where program_id = $1 and user_id = $2 returning user_id', [row.program, leaver]),
    )
    expect(left).toBeDefined()
  })

  it('a coach cannot remove a co-coach', async () => {
    const coCoach = await createUser(testDb.db)
    await service((tx) =>
      tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'coach')`, [row.program, coCoach]),
    )
    expect(
      await attempt('coach', 'delete from public.program_members where program_id = $1 and user_id = $2 returning user_id', [
        row.program,
        coCoach,
      ]),
    ).toBe('denied')
    const [left] = await testDb.db.asUser(coCoach, (tx) =>
      tx.query('delete from public.program_members where program_id = $1 and user_id = $2 returning user_id', [row.program, coCoach]),
    )
    expect(left).toBeDefined()
  })
})

describeOnOwnData('program_invites', () => {
  it('only the program’s coaches can read its invites', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, 'select id from public.program_invites where id = $1', [row.invite]),
    )
  })

  it('only the program’s coaches can create invites', async () => {
    let n = 0
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => {
      n += 1
      return attempt(
        actor,
        `insert into public.program_invites (program_id, role, token_hash, created_by, expires_at)
         values ($1, 'client', repeat($2, 64), $3, now() + interval '1 day') returning id`,
        [row.program, String(n % 10), actor === 'anon' ? id.coach : id[actor]],
      )
    })
  })

  it('only the program’s coaches can change an open invite', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.program_invites set expires_at = now() + interval '2 days' where id = $1 returning id`, [
        row.invite,
      ]),
    )
  })

  it('only the program’s coaches can withdraw an invite', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, 'delete from public.program_invites where id = $1 returning id', [row.invite]),
    )
  })
})

describeOnOwnData('coaching_sessions', () => {
  const select = (sessionId: string) => (actor: Actor) =>
    attempt(actor, 'select id from public.coaching_sessions where id = $1', [sessionId])

  it('a private self-coaching session is the client’s alone', async () => {
    await expectOnly(['client'], everyoneBut('client'), select(row.privateSession))
  })

  it('a shared session is seen by the client and the coach it is shared with', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), select(row.sharedSession))
  })

  it('a coach-led session is seen by the client and its coach', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), select(row.coachLedSession))
  })

  it('a client starts self-coaching sessions for themselves only', async () => {
    const start = (actor: Actor, userId: string) =>
      attempt(actor, `insert into public.coaching_sessions (user_id, title) values ($1, 'Mine') returning id`, [userId])
    expect(await start('peerClient', id.client)).toBe('denied')
    expect(await start('coach', id.client)).toBe('denied') // a coach's session for a client must be coach-led or assigned
    expect(await start('anon', id.client)).toBe('denied')
    expect(await start('client', id.client)).toBe('allowed')
  })

  it('a client cannot invent a coach-led session or share with a coach who is not theirs', async () => {
    const insert = (actor: Actor, coachId: string, programId: string, type: string, source: string) =>
      attempt(
        actor,
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title)
         values ($1, $2, $3, $4, $5, 'shared', 'x') returning id`,
        [id.client, coachId, programId, type, source],
      )
    expect(await insert('client', id.coach, row.program, 'coach_led', 'coach_assigned')).toBe('denied')
    expect(await insert('client', id.otherCoach, row.otherProgram, 'self_coaching', 'self_assigned')).toBe('denied')
    expect(await insert('client', id.coach, row.program, 'self_coaching', 'self_assigned')).toBe('allowed')
  })

  it('a coach leads or assigns sessions only for clients of their own program', async () => {
    const lead = (actor: Actor, clientId: string, programId: string) =>
      attempt(
        actor,
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title)
         values ($1, $2, $3, 'coach_led', 'coach_assigned', 'shared', 'Led') returning id`,
        [clientId, actor === 'anon' ? id.coach : id[actor], programId],
      )
    expect(await lead('coach', id.outsideClient, row.program)).toBe('denied')
    expect(await lead('coach', id.outsideClient, row.otherProgram)).toBe('denied')
    expect(await lead('otherCoach', id.client, row.program)).toBe('denied')
    expect(await lead('anon', id.client, row.program)).toBe('denied')
    expect(await lead('coach', id.client, row.program)).toBe('allowed')
  })

  it('only the client updates their self-coaching session; the coach cannot', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `update public.coaching_sessions set title = $2 where id = $1 returning id`, [
        row.sharedSession,
        `Edited by ${actor}`,
      ]),
    )
  })

  it('only the coach updates a coach-led session', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.coaching_sessions set title = $2 where id = $1 returning id`, [
        row.coachLedSession,
        `Edited by ${actor}`,
      ]),
    )
  })

  it('only the client deletes their self-coaching session', async () => {
    const [doomed] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.coaching_sessions (user_id, title) values ($1, 'Doomed') returning id`, [id.client]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'delete from public.coaching_sessions where id = $1 returning id', [doomed!.id]),
    )
  })

  it('completed_at is set once and never changes again, for anyone', async () => {
    const [s] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.coaching_sessions (user_id, title) values ($1, 'To finish') returning id`, [id.client]),
    )
    expect(
      await attempt('client', 'update public.coaching_sessions set completed_at = now() where id = $1 returning id', [s!.id]),
    ).toBe('allowed')
    for (const change of ['completed_at = null', `completed_at = now() + interval '1 day'`]) {
      await expect(
        as('client', (tx) => tx.query(`update public.coaching_sessions set ${change} where id = $1`, [s!.id])),
      ).rejects.toMatchObject({ kind: 'invalid' })
      await expect(
        service((tx) => tx.query(`update public.coaching_sessions set ${change} where id = $1`, [s!.id])),
      ).rejects.toMatchObject({ kind: 'invalid' })
    }
    // Other columns of a completed session stay editable.
    expect(
      await attempt('client', `update public.coaching_sessions set title = 'Finished' where id = $1 returning id`, [s!.id]),
    ).toBe('allowed')
  })
})

describeOnOwnData('stage_responses', () => {
  it('stages of a shared session are read by the client and the coach; of a private one, the client only', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), (actor) =>
      attempt(actor, 'select id from public.stage_responses where id = $1', [row.sharedStage]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'select id from public.stage_responses where id = $1', [row.privateStage]),
    )
  })

  it('in a self-coaching session only the client records stages', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(
        actor,
        `insert into public.stage_responses (session_id, stage_number, stage_name) values ($1, 2, 'starting_point') returning id`,
        [row.sharedSession],
      ),
    )
  })

  it('stages of a coach-led session are the coach’s until released to the client', async () => {
    const [stage] = await service((tx) =>
      tx.query<{ id: string }>(
        `insert into public.stage_responses (session_id, stage_number, stage_name) values ($1, 2, 'starting_point') returning id`,
        [row.coachLedSession],
      ),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, 'select id from public.stage_responses where id = $1', [stage!.id]),
    )
  })

  it('in a coach-led session only the coach records stages', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(
        actor,
        `insert into public.stage_responses (session_id, stage_number, stage_name) values ($1, 1, 'check_in') returning id`,
        [row.coachLedSession],
      ),
    )
  })

  it('only the person running the session edits its stages', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `update public.stage_responses set responses = '{"edited": true}' where id = $1 returning id`, [
        row.sharedStage,
      ]),
    )
  })

  it('in a coach-led session only the leading coach edits and deletes its stages', async () => {
    const [stage] = await service((tx) =>
      tx.query<{ id: string }>(
        `insert into public.stage_responses (session_id, stage_number, stage_name) values ($1, 4, 'finish') returning id`,
        [row.coachLedSession],
      ),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.stage_responses set responses = '{"edited": true}' where id = $1 returning id`, [stage!.id]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'delete from public.stage_responses where id = $1 returning id', [stage!.id]))
  })

  it('only the person running the session deletes its stages', async () => {
    const [stage] = await service((tx) =>
      tx.query<{ id: string }>(
        `insert into public.stage_responses (session_id, stage_number, stage_name) values ($1, 5, 'check_out') returning id`,
        [row.privateSession],
      ),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'delete from public.stage_responses where id = $1 returning id', [stage!.id]),
    )
  })
})

describeOnOwnData('action_plans', () => {
  const select = (planId: string) => (actor: Actor) =>
    attempt(actor, 'select id from public.action_plans where id = $1', [planId])

  it('a plan without a session is private to its client', async () => {
    await expectOnly(['client'], everyoneBut('client'), select(row.privatePlan))
  })

  it('a plan from a shared session is read by the client and that coach', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), select(row.sharedPlan))
  })

  it('a client creates plans for themselves only', async () => {
    const create = (actor: Actor, userId: string) =>
      attempt(actor, `insert into public.action_plans (user_id, title) values ($1, 'Walk daily') returning id`, [userId])
    expect(await create('peerClient', id.client)).toBe('denied')
    expect(await create('coach', id.client)).toBe('denied')
    expect(await create('anon', id.client)).toBe('denied')
    expect(await create('client', id.client)).toBe('allowed')
  })

  it('a coach adds plans to a session they lead, never to a client’s self-coaching session', async () => {
    const create = (actor: Actor, sessionId: string) =>
      attempt(actor, `insert into public.action_plans (session_id, user_id, title) values ($1, $2, 'Agreed step') returning id`, [
        sessionId,
        id.client,
      ])
    expect(await create('coach', row.sharedSession)).toBe('denied')
    expect(await create('otherCoach', row.coachLedSession)).toBe('denied')
    expect(await create('coach', row.coachLedSession)).toBe('allowed')
  })

  it('a plan from a session always belongs to that session’s client', async () => {
    await expect(
      as('coach', (tx) =>
        tx.query(`insert into public.action_plans (session_id, user_id, title) values ($1, $2, 'Misfiled')`, [
          row.coachLedSession,
          id.peerClient,
        ]),
      ),
    ).rejects.toBeInstanceOf(AppError)
  })

  it('only the client updates their own plan', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `update public.action_plans set status = 'in_progress' where id = $1 returning id`, [row.sharedPlan]),
    )
  })

  it('a plan of an unreleased coach-led session is the coach’s to read and change, not yet the client’s', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), select(row.coachLedPlan))
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.action_plans set priority = 2 where id = $1 returning id`, [row.coachLedPlan]),
    )
  })

  it('only the client deletes their plan', async () => {
    const [plan] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.action_plans (session_id, user_id, title) values ($1, $2, 'Drop me') returning id`, [
        row.sharedSession,
        id.client,
      ]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'delete from public.action_plans where id = $1 returning id', [plan!.id]),
    )
  })

  // private.my_action_plans_matching (migration 20261203000100, decision 016): searching runs
  // as the table's owner so the GIN index is used, so it must itself keep to what the
  // caller may read: their own plans, once theirs to see. Called directly, as the Data API
  // would let anyone call it, as well as through the table's query.
  it('search returns only the caller’s own readable plans: never another user’s, nor an unreleased coach-led one', async () => {
    const found = (planId: string) => (actor: Actor) =>
      attempt(actor, `select id from private.my_action_plans_matching('plan:*') as found(id) where id = $1`, [planId])
    const foundThroughTheTable = (planId: string) => (actor: Actor) =>
      attempt(actor, `select a.id from public.action_plans a where a.id in (select private.my_action_plans_matching('plan:*')) and a.id = $1`, [planId])
    for (const planId of [row.privatePlan, row.sharedPlan]) {
      await expectOnly(['client'], everyoneBut('client'), found(planId))
      await expectOnly(['client'], everyoneBut('client'), foundThroughTheTable(planId))
    }
    // The coach can read the shared plan, but search is of one's own plans only.
    expect(await attempt('coach', 'select id from public.action_plans where id = $1', [row.sharedPlan])).toBe('allowed')
    // Not the client's to see before release; found once released.
    await expectOnly([], everyoneBut(), found(row.coachLedPlan))
    await service((tx) => tx.query('update public.coaching_sessions set released_at = now() where id = $1', [row.coachLedSession]))
    await expectOnly(['client'], everyoneBut('client'), found(row.coachLedPlan))
  })
})

describeOnOwnData('milestones', () => {
  it('follow their plan: read by whoever can read the plan', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), (actor) =>
      attempt(actor, 'select id from public.milestones where id = $1', [row.sharedMilestone]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'select id from public.milestones where id = $1', [row.privateMilestone]),
    )
  })

  it('are added by whoever can change the plan', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `insert into public.milestones (action_plan_id, title) values ($1, 'Next') returning id`, [row.privatePlan]),
    )
  })

  it('are completed by whoever can change the plan, with completed_at kept in step', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'update public.milestones set completed = true, completed_at = now() where id = $1 returning id', [
        row.sharedMilestone,
      ]),
    )
    // Reopening clears completed_at; the database keeps the two in step whatever the query sets.
    await as('client', (tx) => tx.query('update public.milestones set completed = false where id = $1', [row.sharedMilestone]))
    expect(await count('public.milestones', 'id = $1 and not completed and completed_at is null', [row.sharedMilestone])).toBe(1)
    await as('client', (tx) => tx.query('update public.milestones set completed = true, completed_at = null where id = $1', [row.sharedMilestone]))
    expect(await count('public.milestones', 'id = $1 and completed and completed_at is not null', [row.sharedMilestone])).toBe(1)
  })

  it('are deleted by whoever can change the plan', async () => {
    const [m] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.milestones (action_plan_id, title) values ($1, 'Temp') returning id`, [row.privatePlan]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'delete from public.milestones where id = $1 returning id', [m!.id]),
    )
  })
})

describeOnOwnData('milestones of a coach-led session’s plan', () => {
  const add = (actor: Actor) =>
    attempt(actor, `insert into public.milestones (action_plan_id, title) values ($1, 'Coach step') returning id`, [row.coachLedPlan])

  it('are added, edited and deleted by the leading coach; by the client once the session is released to them', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), add)
    const [m] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.milestones (action_plan_id, title) values ($1, 'Led step') returning id`, [row.coachLedPlan]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.milestones set title = 'Edited' where id = $1 returning id`, [m!.id]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'delete from public.milestones where id = $1 returning id', [m!.id]))

    await service((tx) => tx.query('update public.coaching_sessions set released_at = now() where id = $1', [row.coachLedSession]))
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), add)
  })
})

describeOnOwnData('session_memories', () => {
  const read = (sessionId: string) => (actor: Actor) => attempt(actor, 'select session_id from public.session_memories where session_id = $1', [sessionId])
  const edit = (sessionId: string) => (actor: Actor) =>
    attempt(actor, `update public.session_memories set items = '[{"kind": "note"}]' where session_id = $1 returning session_id`, [sessionId])
  const remove = (sessionId: string) => (actor: Actor) => attempt(actor, 'delete from public.session_memories where session_id = $1 returning session_id', [sessionId])
  const record = (sessionId: string) => (actor: Actor) =>
    attempt(actor, `insert into public.session_memories (session_id, items) values ($1, '[]') returning session_id`, [sessionId])

  it('of a self-coaching session, shared or not, are the client’s alone to record, read, edit and delete', async () => {
    for (const sessionId of [row.privateSession, row.sharedSession]) {
      await expectOnly(['client'], everyoneBut('client'), record(sessionId))
      await expectOnly(['client'], everyoneBut('client'), read(sessionId))
      await expectOnly(['client'], everyoneBut('client'), edit(sessionId))
      await expectOnly(['client'], everyoneBut('client'), remove(sessionId))
    }
  })

  it('of a coach-led session are recorded, edited and deleted by the leading coach, and read by the coach and the client', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), record(row.coachLedSession))
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), read(row.coachLedSession))
    await expectOnly(['coach'], everyoneBut('coach'), edit(row.coachLedSession))
    await expectOnly(['coach'], everyoneBut('coach'), remove(row.coachLedSession))
  })
})

describeOnOwnData('reply_claims', () => {
  const claim = (sessionId: string, messageId: string) => (actor: Actor) =>
    attempt(actor, `insert into public.reply_claims (session_id, message_id) values ($1, $2) returning message_id`, [sessionId, messageId])

  it('are taken by whoever runs the session, for themselves only', async () => {
    await expectOnly(['client'], everyoneBut('client'), claim(row.sharedSession, 'client-message'))
    await expectOnly(['coach'], everyoneBut('coach'), claim(row.coachLedSession, 'coach-message'))
    // Never in someone else's name, even in a session one runs.
    expect(
      await attempt('client', `insert into public.reply_claims (session_id, message_id, user_id) values ($1, 'forged', $2) returning message_id`, [
        row.privateSession,
        id.coach,
      ]),
    ).toBe('denied')
  })

  it('are read and given back by their owner only', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `select message_id from public.reply_claims where session_id = $1 and message_id = 'client-message'`, [row.sharedSession]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `delete from public.reply_claims where session_id = $1 and message_id = 'client-message' returning message_id`, [row.sharedSession]),
    )
  })
})

describeOnOwnData('audit_log', () => {
  it('entries are read by the person who made them', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'select id from public.audit_log where id = $1', [row.auditEntry]),
    )
  })

  it('entries are written only by the database: no API role inserts one, in anyone’s name', async () => {
    const add = (actor: Actor, actorId: string, planId: string) =>
      attempt(
        actor,
        `insert into public.audit_log (actor_id, action, entity_type, entity_id) values ($1, 'action_plan.status_changed', 'action_plan', $2) returning id`,
        [actorId, planId],
      )
    // The case found by direct SQL: a client writing history into another person's plan.
    expect(await add('outsideClient', id.outsideClient, row.sharedPlan)).toBe('denied')
    for (const actor of everyoneBut()) {
      const actorId = actor === 'anon' ? id.client : id[actor]
      expect([actor, await add(actor, actorId, row.privatePlan)]).toEqual([actor, 'denied'])
    }
    await expect(
      service(async (tx) => {
        await tx.query('set local role service_role')
        return tx.query(`insert into public.audit_log (actor_id, action, entity_type) values ($1, 'x', 'session')`, [id.client])
      }),
    ).rejects.toMatchObject({ code: '42501' })
    // The allowed path: changing a plan's status makes the database write the entry.
    const written = () => count('public.audit_log', `entity_id = $1 and actor_id = $2 and action = 'action_plan.status_changed'`, [row.privatePlan, id.client])
    const before = await written()
    await as('client', (tx) =>
      tx.query(`update public.action_plans set status = case when status = 'blocked' then 'pending' else 'blocked' end where id = $1`, [row.privatePlan]),
    )
    expect(await written()).toBe(before + 1)
  })

  it('is append-only: no API role can change or remove an entry; only the database owner can', async () => {
    for (const actor of everyoneBut()) {
      expect([actor, await attempt(actor, `update public.audit_log set action = 'tampered' where id = $1 returning id`, [row.auditEntry])]).toEqual([actor, 'denied'])
      expect([actor, await attempt(actor, 'delete from public.audit_log where id = $1 returning id', [row.auditEntry])]).toEqual([actor, 'denied'])
    }
    // Supabase's service_role bypasses row-level security, but has no privilege to rewrite history.
    await expect(
      service(async (tx) => {
        await tx.query('set local role service_role')
        return tx.query(`update public.audit_log set action = 'tampered' where id = $1`, [row.auditEntry])
      }),
    ).rejects.toMatchObject({ code: '42501' })
    const [owned] = await service((tx) =>
      tx.query(`update public.audit_log set metadata = '{"redacted": true}' where id = $1 returning id`, [row.auditEntry]),
    )
    expect(owned).toBeDefined()
  })
})

describeOnOwnData('built-in auth tables', () => {
  it('session tokens and sign-in attempts are out of reach of every API role, and of the auth server only', async () => {
    for (const table of ['private.login_sessions', 'private.auth_attempts']) {
      for (const actor of everyoneBut()) {
        expect([table, actor, await attempt(actor, `select 1 from ${table}`)]).toEqual([table, actor, 'denied'])
      }
      await expect(service((tx) => tx.query(`select count(*) from ${table}`))).resolves.toHaveLength(1)
    }
  })
})

describeOnOwnData('leaving a program', () => {
  it('removes the coach’s access to the client’s shared data on the next request', async () => {
    const leaver = await createUser(testDb.db)
    const sessionId = await service(async (tx) => {
      await tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client')`, [row.program, leaver])
      const [s] = await tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, visibility, title)
         values ($1, $2, $3, 'shared', 'Before leaving') returning id`,
        [leaver, id.coach, row.program],
      )
      return s!.id
    })
    const coachSees = () => attempt('coach', 'select id from public.coaching_sessions where id = $1', [sessionId])
    expect(await coachSees()).toBe('allowed')
    await testDb.db.asUser(leaver, (tx) =>
      tx.query('delete from public.program_members where program_id = $1 and user_id = $2', [row.program, leaver]),
    )
    expect(await coachSees()).toBe('denied')
    const [own] = await testDb.db.asUser(leaver, (tx) => tx.query('select id from public.coaching_sessions where id = $1', [sessionId]))
    expect(own).toBeDefined()
  })

  it('nothing crosses programs: coaching the same client elsewhere gives no access to this program’s sessions', async () => {
    await service((tx) =>
      tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client') on conflict do nothing`, [
        row.otherProgram,
        id.client,
      ]),
    )
    expect(await attempt('otherCoach', 'select id from public.coaching_sessions where id = $1', [row.sharedSession])).toBe('denied')
    expect(await attempt('otherCoach', 'select id from public.profiles where id = $1', [id.client])).toBe('allowed')
  })
})

describeOnOwnData('session_summary_drafts', () => {
  const draftFor = async (sessionId: string) =>
    service((tx) =>
      tx.query(
        `insert into public.session_summary_drafts (session_id, summary, summary_input_hash) values ($1, '{"executiveSummary": "Draft"}', 'h')
         on conflict (session_id) do nothing`,
        [sessionId],
      ),
    )

  it('only the coach leading the session reads the draft', async () => {
    await draftFor(row.coachLedSession)
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, 'select session_id from public.session_summary_drafts where session_id = $1', [row.coachLedSession]),
    )
  })

  it('only the coach leading the session writes, edits and discards it', async () => {
    const [other] = await service((tx) =>
      tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title)
         values ($1, $2, $3, 'coach_led', 'coach_assigned', 'shared', 'Second led') returning id`,
        [id.client, id.coach, row.program],
      ),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(
        actor,
        `insert into public.session_summary_drafts (session_id, summary, summary_input_hash) values ($1, '{}', $2) returning session_id`,
        [other!.id, actor],
      ),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.session_summary_drafts set summary_input_hash = $2 where session_id = $1 returning session_id`, [other!.id, actor]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, 'delete from public.session_summary_drafts where session_id = $1 returning session_id', [other!.id]),
    )
  })

  it('a self-coaching session has no draft: not even its client writes one', async () => {
    expect(
      await attempt('client', `insert into public.session_summary_drafts (session_id, summary, summary_input_hash) values ($1, '{}', 'x') returning session_id`, [
        row.sharedSession,
      ]),
    ).toBe('denied')
  })
})

describeOnOwnData('releasing a coach-led session', () => {
  it('only its coach can release it; then the client reads its stages and plans and can update the plans', async () => {
    const release = (actor: Actor) =>
      attempt(actor, 'update public.coaching_sessions set released_at = now() where id = $1 and released_at is null returning id', [row.coachLedSession])
    expect(await attempt('client', 'select id from public.action_plans where id = $1', [row.coachLedPlan])).toBe('denied')
    await expectOnly(['coach'], everyoneBut('coach'), release)
    expect(await attempt('client', 'select id from public.action_plans where id = $1', [row.coachLedPlan])).toBe('allowed')
    expect(
      await attempt('client', `update public.action_plans set status = 'in_progress' where id = $1 returning id`, [row.coachLedPlan]),
    ).toBe('allowed')
    expect(await attempt('peerClient', 'select id from public.action_plans where id = $1', [row.coachLedPlan])).toBe('denied')
  })

  it('a self-coaching session cannot be "released"', async () => {
    await expect(
      service((tx) => tx.query('update public.coaching_sessions set released_at = now() where id = $1', [row.privateSession])),
    ).rejects.toMatchObject({ kind: 'invalid' })
  })
})

describeOnOwnData('calendar_feeds', () => {
  const feed = (actor: Actor) =>
    attempt(actor, 'select user_id from public.calendar_feeds where user_id = $1', [id.client])

  it('only its owner creates, reads, resets and removes their feed', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `insert into public.calendar_feeds (user_id, token_hash) values ($1, repeat($2, 64)) returning user_id`, [
        id.client,
        actor === 'client' ? 'c' : 'd',
      ]),
    )
    await expectOnly(['client'], everyoneBut('client'), feed)
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `update public.calendar_feeds set token_hash = repeat('e', 64) where user_id = $1 returning user_id`, [id.client]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'delete from public.calendar_feeds where user_id = $1 returning user_id', [id.client]),
    )
  })
})

describeOnOwnData('a plan’s status history in the audit log', () => {
  it('is read by whoever can read the plan, and by nobody else', async () => {
    await as('client', (tx) => tx.query(`update public.action_plans set status = 'blocked' where id = $1`, [row.sharedPlan]))
    const [entry] = await service((tx) =>
      tx.query<{ id: number }>(
        `select id from public.audit_log where entity_id = $1 and action = 'action_plan.status_changed' and metadata ->> 'to' = 'blocked'`,
        [row.sharedPlan],
      ),
    )
    expect(entry).toBeDefined()
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), (actor) =>
      attempt(actor, 'select id from public.audit_log where id = $1', [entry!.id]),
    )
  })
})

describeOnOwnData('the audit trail of sessions, and account activity', () => {
  const entryAbout = async (sessionId: string, action: string) => {
    const [entry] = await service((tx) =>
      tx.query<{ id: number }>('select id from public.audit_log where entity_id = $1 and action = $2 order by id desc limit 1', [sessionId, action]),
    )
    expect(entry).toBeDefined()
    return entry!.id
  }

  it('a shared session’s history is read by its client and its coach; a private one’s by its client only', async () => {
    const shared = await entryAbout(row.sharedSession, 'session.created')
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), (actor) =>
      attempt(actor, 'select id from public.audit_log where id = $1', [shared]),
    )
    const secret = await entryAbout(row.privateSession, 'session.created')
    await expectOnly(['client'], everyoneBut('client'), (actor) => attempt(actor, 'select id from public.audit_log where id = $1', [secret]))
  })

  it('an entry about a person’s account (a failed sign-in, no actor) is read by that person only', async () => {
    const [entry] = await service((tx) =>
      tx.query<{ id: number }>(`select private.record_account_event('login_failed', null, $1) as id`, [id.client]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) => attempt(actor, 'select id from public.audit_log where id = $1', [entry!.id]))
  })

  it('nobody selects an entry’s address or user agent directly; the person reads their own through my_account_activity', async () => {
    const shared = await entryAbout(row.sharedSession, 'session.created')
    for (const actor of everyoneBut()) {
      expect([actor, await attempt(actor, 'select ip_address from public.audit_log where id = $1', [shared])]).toEqual([actor, 'denied'])
    }
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'select id from public.my_account_activity(null, null, 200) where id = $1', [shared]),
    )
  })
})

describeOnOwnData('columns that say whom a row belongs to never change after insert', () => {
  // Fresh rows, so the cases above (some delete theirs) cannot affect these.
  const fresh = {
    selfSession: '',
    ledSession: '',
    plan: '',
    milestone: '',
    stage: '',
    invite: '',
  }

  beforeAll(async () => {
    await service(async (tx) => {
      const [self] = await tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title)
         values ($1, $2, $3, 'self_coaching', 'self_assigned', 'shared', 'Owned by the client') returning id`,
        [id.client, id.coach, row.program],
      )
      const [led] = await tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title)
         values ($1, $2, $3, 'coach_led', 'coach_assigned', 'shared', 'Led for the client') returning id`,
        [id.client, id.coach, row.program],
      )
      const [plan] = await tx.query<{ id: string }>(
        `insert into public.action_plans (user_id, title) values ($1, 'Owned plan') returning id`,
        [id.client],
      )
      const [milestone] = await tx.query<{ id: string }>(
        `insert into public.milestones (action_plan_id, title) values ($1, 'Owned step') returning id`,
        [plan!.id],
      )
      const [stage] = await tx.query<{ id: string }>(
        `insert into public.stage_responses (session_id, stage_number, stage_name) values ($1, 2, 'starting_point') returning id`,
        [self!.id],
      )
      const [invite] = await tx.query<{ id: string }>(
        `insert into public.program_invites (program_id, role, token_hash, created_by, expires_at)
         values ($1, 'client', repeat('f', 64), $2, now() + interval '7 days') returning id`,
        [row.program, id.coach],
      )
      fresh.selfSession = self!.id
      fresh.ledSession = led!.id
      fresh.plan = plan!.id
      fresh.milestone = milestone!.id
      fresh.stage = stage!.id
      fresh.invite = invite!.id
    })
  })

  it('a coach cannot hand a coach-led session to another client, but can rename it', async () => {
    // The case found by direct SQL: the coach moved the session (and its notes) to another client.
    expect(await attempt('coach', 'update public.coaching_sessions set user_id = $2 where id = $1 returning id', [fresh.ledSession, id.peerClient])).toBe('denied')
    expect(await count('public.coaching_sessions', 'id = $1 and user_id = $2', [fresh.ledSession, id.client])).toBe(1)
    expect(await attempt('coach', `update public.coaching_sessions set title = 'Renamed by coach' where id = $1 returning id`, [fresh.ledSession])).toBe('allowed')
  })

  it.each([
    ['coach_id', (v: typeof id) => v.otherCoach],
    ['program_id', () => row.otherProgram],
    ['source', () => 'self_assigned'],
    ['session_type', () => 'self_coaching'],
  ])('nobody changes a session’s %s directly; its runner can still change its title', async (column, value) => {
    for (const [actor, sessionId] of [['coach', fresh.ledSession], ['client', fresh.selfSession], ['client', fresh.ledSession]] as const) {
      expect([actor, await attempt(actor, `update public.coaching_sessions set ${column} = $2 where id = $1 returning id`, [sessionId, value(id)])]).toEqual([actor, 'denied'])
    }
    expect(await attempt('client', `update public.coaching_sessions set title = $2 where id = $1 returning id`, [fresh.selfSession, `Title after ${column}`])).toBe('allowed')
  })

  it('a client shares a session only with their own coach, through set_session_sharing', async () => {
    const share = (actor: Actor, coachId: string | null, programId: string | null) =>
      as(actor, (tx) =>
        tx.query<{ changed: boolean }>('select public.set_session_sharing($1, $2, $3) as changed', [fresh.selfSession, coachId, programId]),
      ).then(([r]) => r?.changed)
    expect(await share('client', id.peerClient, row.program)).toBe(false) // not a coach
    expect(await share('client', id.coach, row.otherProgram)).toBe(false) // not their coach there
    expect(await share('peerClient', null, null)).toBe(false)
    expect(await share('coach', null, null)).toBe(false)
    await expect(share('anon', null, null)).rejects.toMatchObject({ code: '42501' })
    expect(await count('public.coaching_sessions', `id = $1 and coach_id = $2 and visibility = 'shared'`, [fresh.selfSession, id.coach])).toBe(1)
    expect(await share('client', null, null)).toBe(true)
    expect(await count('public.coaching_sessions', `id = $1 and coach_id is null and visibility = 'private'`, [fresh.selfSession])).toBe(1)
    expect(await share('client', id.coach, row.program)).toBe(true)
    expect(await count('public.coaching_sessions', `id = $1 and coach_id = $2 and visibility = 'shared'`, [fresh.selfSession, id.coach])).toBe(1)
  })

  it('a plan’s user_id and session_id stay; its client can still edit it', async () => {
    expect(await attempt('client', 'update public.action_plans set user_id = $2 where id = $1 returning id', [fresh.plan, id.peerClient])).toBe('denied')
    expect(await attempt('client', 'update public.action_plans set session_id = $2 where id = $1 returning id', [fresh.plan, fresh.selfSession])).toBe('denied')
    expect(await attempt('client', `update public.action_plans set title = 'Edited plan' where id = $1 returning id`, [fresh.plan])).toBe('allowed')
  })

  it('a milestone’s action_plan_id stays; it can still be edited', async () => {
    expect(await attempt('client', 'update public.milestones set action_plan_id = $2 where id = $1 returning id', [fresh.milestone, row.privatePlan])).toBe('denied')
    expect(await attempt('client', `update public.milestones set title = 'Edited step' where id = $1 returning id`, [fresh.milestone])).toBe('allowed')
  })

  it('a stage’s session, an invite’s program, a program’s creator, a profile’s id and a feed’s owner stay', async () => {
    expect(await attempt('client', 'update public.stage_responses set session_id = $2 where id = $1 returning id', [fresh.stage, row.privateSession])).toBe('denied')
    expect(await attempt('client', `update public.stage_responses set responses = '{"fields": {}}' where id = $1 returning id`, [fresh.stage])).toBe('allowed')
    expect(await attempt('coach', 'update public.program_invites set program_id = $2 where id = $1 returning id', [fresh.invite, row.otherProgram])).toBe('denied')
    expect(await attempt('coach', `update public.program_invites set expires_at = now() + interval '3 days' where id = $1 returning id`, [fresh.invite])).toBe('allowed')
    expect(await attempt('coach', 'update public.programs set created_by = $2 where id = $1 returning id', [row.program, id.client])).toBe('denied')
    expect(await attempt('coach', `update public.programs set name = 'North Star' where id = $1 returning id`, [row.program])).toBe('allowed')
    expect(await attempt('client', 'update public.profiles set id = $2 where id = $1 returning id', [id.client, id.peerClient])).toBe('denied')
    expect(await attempt('client', `update public.profiles set timezone = 'Europe/Lisbon' where id = $1 returning id`, [id.client])).toBe('allowed')
    await service((tx) => tx.query(`insert into public.calendar_feeds (user_id, token_hash) values ($1, repeat('9', 64)) on conflict (user_id) do nothing`, [id.client]))
    expect(await attempt('client', 'update public.calendar_feeds set user_id = $2 where user_id = $1 returning user_id', [id.client, id.peerClient])).toBe('denied')
    expect(await attempt('client', `update public.calendar_feeds set token_hash = repeat('8', 64) where user_id = $1 returning user_id`, [id.client])).toBe('allowed')
  })
})

// ─── the coach's library (issue 11) ──────────────────────────────────────────────────

const lib = {
  systemExercise: '',
  ownExercise: '',
  tag: '',
  otherTag: '',
  template: '',
  publicTemplate: '',
  otherTemplate: '',
  item: '',
  module: '',
  step: '',
  assigned: '',
}

/** Program 1's library (coach), one template of program 2 (otherCoach), and a session assigned to the client. */
async function seedLibrary() {
  await service(async (tx) => {
    const one = async (sql: string, params: unknown[]) => (await tx.query<{ id: string }>(sql, params))[0]!.id
    lib.systemExercise = await one(`select id from public.exercises where program_id is null and name = 'Back squat'`, [])
    lib.ownExercise = await one(
      `insert into public.exercises (name, category, program_id, created_by) values ('Sled push', 'accessory', $1, $2) returning id`,
      [row.program, id.coach],
    )
    lib.tag = await one(`insert into public.tags (program_id, name) values ($1, 'Onboarding') returning id`, [row.program])
    lib.otherTag = await one(`insert into public.tags (program_id, name) values ($1, 'Elsewhere') returning id`, [row.otherProgram])
    const template = (title: string, program: string, isPublic: boolean) =>
      one(`insert into public.session_templates (program_id, title, is_public) values ($1, $2, $3) returning id`, [program, title, isPublic])
    lib.template = await template('Assessment', row.program, false)
    lib.publicTemplate = await template('Open drill', row.program, true)
    lib.otherTemplate = await template('Theirs', row.otherProgram, false)
    lib.item = await one(
      `insert into public.template_items (template_id, program_id, position, kind, title, exercise_id, prescription)
       values ($1, $2, 0, 'exercise', 'Push the sled', $3, '{"type": "strength", "sets": 3, "reps": 5}') returning id`,
      [lib.template, row.program, lib.ownExercise],
    )
    await tx.query(`insert into public.template_items (template_id, program_id, position, kind, title) values ($1, $2, 0, 'drill', 'Warm up')`, [
      lib.publicTemplate,
      row.program,
    ])
    lib.module = await one(`insert into public.modules (program_id, name) values ($1, 'Onboarding') returning id`, [row.program])
    lib.step = await one(`insert into public.module_steps (module_id, program_id, position, template_id, day_offset) values ($1, $2, 0, $3, 0) returning id`, [
      lib.module,
      row.program,
      lib.template,
    ])
    lib.assigned = await one(
      `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, session_template_id, module_id, module_run_id, due_at)
       values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'Assessment', $4, $5, gen_random_uuid(), now() + interval '3 days') returning id`,
      [id.client, id.coach, row.program, lib.template, lib.module],
    )
  })
}

function describeOnLibrary(name: string, body: () => void) {
  describe(name, () => {
    beforeAll(async () => {
      await seedCast()
      await seedLibrary()
    })
    body()
  })
}

describeOnLibrary('exercises', () => {
  const read = (exerciseId: string) => (actor: Actor) => attempt(actor, 'select id from public.exercises where id = $1', [exerciseId])

  it('system exercises are read by everyone signed in, and changed or removed by nobody', async () => {
    await expectOnly(everyoneBut('anon'), ['anon'], read(lib.systemExercise))
    for (const actor of everyoneBut()) {
      expect([actor, await attempt(actor, `update public.exercises set name = 'Mine' where id = $1 returning id`, [lib.systemExercise])]).toEqual([actor, 'denied'])
      expect([actor, await attempt(actor, 'delete from public.exercises where id = $1 returning id', [lib.systemExercise])]).toEqual([actor, 'denied'])
    }
    expect(await count('public.exercises', 'id = $1 and name = $2', [lib.systemExercise, 'Back squat'])).toBe(1)
  })

  it('a program’s own exercise is its coaches’, and its clients’ only inside a session that uses it', async () => {
    const [fresh] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.exercises (name, category, program_id) values ('Prowler', 'accessory', $1) returning id`, [row.program]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), read(fresh!.id))
    // In a template assigned to the client, the session's snapshot names it: now the client may read it, their peer still not.
    await service(async (tx) => {
      const [template] = await tx.query<{ id: string }>(`insert into public.session_templates (program_id, title) values ($1, 'Prowler day') returning id`, [row.program])
      await tx.query(`insert into public.template_items (template_id, program_id, position, kind, title, exercise_id) values ($1, $2, 0, 'exercise', 'Push', $3)`, [
        template!.id,
        row.program,
        fresh!.id,
      ])
      await tx.query(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, session_template_id)
         values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'Prowler day', $4)`,
        [id.client, id.coach, row.program, template!.id],
      )
    })
    await expectOnly(['coach', 'client'], everyoneBut('coach', 'client'), read(fresh!.id))
  })

  it('made public, it is read by everyone signed in', async () => {
    const [made] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.exercises (name, category, program_id, is_public) values ('Public sled', 'accessory', $1, true) returning id`, [row.program]),
    )
    await expectOnly(everyoneBut('anon'), ['anon'], read(made!.id))
  })

  it('only a program’s coaches add, edit and remove its exercises', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `insert into public.exercises (name, category, program_id, created_by) values ($2, 'core', $1, $3) returning id`, [
        row.program,
        `Carry by ${actor}`,
        actor === 'anon' ? id.coach : id[actor],
      ]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.exercises set muscle_groups = '{glutes}' where id = $1 returning id`, [lib.ownExercise]),
    )
    expect(await attempt('coach', 'update public.exercises set program_id = $2 where id = $1 returning id', [lib.ownExercise, row.otherProgram])).toBe('denied')
    const [doomed] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.exercises (name, category, program_id) values ('Doomed', 'other', $1) returning id`, [row.program]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'delete from public.exercises where id = $1 returning id', [doomed!.id]))
  })
})

describeOnLibrary('tags and template tags', () => {
  it('are read, made, changed and removed by the program’s coaches only', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'select id from public.tags where id = $1', [lib.tag]))
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `insert into public.tags (program_id, name) values ($1, $2) returning id`, [row.program, `Tag ${actor}`]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, `update public.tags set colour = 'teal' where id = $1 returning id`, [lib.tag]))
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, 'insert into public.template_tags (template_id, tag_id, program_id) values ($1, $2, $3) on conflict do nothing returning tag_id', [
        lib.template,
        lib.tag,
        row.program,
      ]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'select tag_id from public.template_tags where tag_id = $1', [lib.tag]))
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'delete from public.template_tags where tag_id = $1 returning tag_id', [lib.tag]))
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'delete from public.tags where id = $1 returning id', [lib.tag]))
  })

  it('nothing crosses programs: another program’s tag cannot go on this program’s template', async () => {
    await expect(
      as('coach', (tx) => tx.query('insert into public.template_tags (template_id, tag_id, program_id) values ($1, $2, $3)', [lib.template, lib.otherTag, row.program])),
    ).rejects.toMatchObject({ kind: 'invalid' })
    await expect(
      as('otherCoach', (tx) =>
        tx.query('insert into public.template_tags (template_id, tag_id, program_id) values ($1, $2, $3)', [lib.template, lib.otherTag, row.otherProgram]),
      ),
    ).rejects.toMatchObject({ kind: 'invalid' })
  })
})

describeOnLibrary('session templates and their items', () => {
  it('a template is read by its program’s coaches; a public one also by the program’s clients; never across programs', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'select id from public.session_templates where id = $1', [lib.template]))
    await expectOnly(['coach', 'client', 'peerClient'], ['otherCoach', 'outsideClient', 'anon'], (actor) =>
      attempt(actor, 'select id from public.session_templates where id = $1', [lib.publicTemplate]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'select id from public.template_items where id = $1', [lib.item]))
    await expectOnly(['coach', 'client', 'peerClient'], ['otherCoach', 'outsideClient', 'anon'], (actor) =>
      attempt(actor, 'select id from public.template_items where template_id = $1', [lib.publicTemplate]),
    )
  })

  it('only the program’s coaches create, edit and delete templates and items', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `insert into public.session_templates (program_id, title, created_by) values ($1, 'New', $2) returning id`, [
        row.program,
        actor === 'anon' ? id.coach : id[actor],
      ]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.session_templates set title = $2 where id = $1 returning id`, [lib.publicTemplate, `By ${actor}`]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `insert into public.template_items (template_id, program_id, position, kind, title) values ($1, $2, 5, 'drill', 'More') on conflict do nothing returning id`, [
        lib.publicTemplate,
        row.program,
      ]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.template_items set instructions = 'Slowly' where id = $1 returning id`, [lib.item]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `delete from public.template_items where template_id = $1 and position = 5 returning id`, [lib.publicTemplate]),
    )
    const [doomed] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.session_templates (program_id, title) values ($1, 'Doomed') returning id`, [row.program]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'delete from public.session_templates where id = $1 returning id', [doomed!.id]))
  })

  it('an item cannot move to another program, nor name an exercise its writer cannot see', async () => {
    expect(await attempt('coach', 'update public.template_items set program_id = $2 where id = $1 returning id', [lib.item, row.otherProgram])).toBe('denied')
    const [theirs] = await service((tx) =>
      tx.query<{ id: string }>(`insert into public.exercises (name, category, program_id) values ('Their secret', 'other', $1) returning id`, [row.otherProgram]),
    )
    expect(await attempt('coach', 'update public.template_items set exercise_id = $2 where id = $1 returning id', [lib.item, theirs!.id])).toBe('denied')
    expect(await attempt('coach', 'update public.template_items set exercise_id = $2 where id = $1 returning id', [lib.item, lib.systemExercise])).toBe('allowed')
  })
})

describeOnLibrary('modules and their steps', () => {
  it('are the program’s coaches’; a client reads the name of a module they are doing, nothing else', async () => {
    await expectOnly(['coach', 'client'], ['peerClient', 'otherCoach', 'outsideClient', 'anon'], (actor) =>
      attempt(actor, 'select id from public.modules where id = $1', [lib.module]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'select id from public.module_steps where id = $1', [lib.step]))
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.modules set name = $2 where id = $1 returning id`, [lib.module, `By ${actor}`]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `update public.module_steps set day_offset = 7 where id = $1 returning id`, [lib.step]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `insert into public.modules (program_id, name, created_by) values ($1, 'Another', $2) returning id`, [row.program, actor === 'anon' ? id.coach : id[actor]]),
    )
  })

  it('a step cannot use another program’s template', async () => {
    await expect(
      as('coach', (tx) =>
        tx.query(`insert into public.module_steps (module_id, program_id, position, template_id, day_offset) values ($1, $2, 1, $3, 0)`, [lib.module, row.program, lib.otherTemplate]),
      ),
    ).rejects.toMatchObject({ kind: 'invalid' })
  })
})

describeOnLibrary('sessions assigned from a template', () => {
  it('are read by the client and the assigning coach only', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), (actor) =>
      attempt(actor, 'select id from public.coaching_sessions where id = $1', [lib.assigned]),
    )
  })

  it('a coach assigns only their own program’s templates, to their own program’s clients', async () => {
    const assign = (actor: Actor, clientId: string, programId: string, templateId: string) =>
      attempt(
        actor,
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, session_template_id)
         values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'Assigned', $4) returning id`,
        [clientId, actor === 'anon' ? id.coach : id[actor], programId, templateId],
      )
    expect(await assign('otherCoach', id.outsideClient, row.otherProgram, lib.template)).toBe('denied')
    expect(await assign('coach', id.outsideClient, row.program, lib.template)).toBe('denied')
    expect(await assign('client', id.client, row.program, lib.template)).toBe('denied')
    expect(await assign('coach', id.client, row.program, lib.otherTemplate)).toBe('denied')
    expect(await assign('coach', id.client, row.program, lib.template)).toBe('allowed')
  })

  it('the client marks it complete but cannot change its items, due date or name; the coach can move its date', async () => {
    expect(await attempt('client', `update public.coaching_sessions set items = '[]' where id = $1 returning id`, [lib.assigned])).toBe('denied')
    expect(await attempt('coach', `update public.coaching_sessions set items = '[]' where id = $1 returning id`, [lib.assigned])).toBe('denied')
    expect(await attempt('client', `update public.coaching_sessions set due_at = now() where id = $1 returning id`, [lib.assigned])).toBe('denied')
    expect(await attempt('coach', `update public.coaching_sessions set due_at = now() + interval '5 days' where id = $1 returning id`, [lib.assigned])).toBe('allowed')
    expect(await attempt('peerClient', `update public.coaching_sessions set completed_at = now() where id = $1 returning id`, [lib.assigned])).toBe('denied')
    expect(await attempt('otherCoach', `update public.coaching_sessions set completed_at = now() where id = $1 returning id`, [lib.assigned])).toBe('denied')
    expect(await attempt('client', `update public.coaching_sessions set completed_at = now() where id = $1 returning id`, [lib.assigned])).toBe('allowed')
    expect(await attempt('coach', `update public.coaching_sessions set completed_at = null where id = $1 returning id`, [lib.assigned]).catch((e: unknown) => e)).toMatchObject({ kind: 'invalid' })
  })

  it('the client cannot delete it; the coach can while it is open', async () => {
    const [open] = await service((tx) =>
      tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, session_template_id)
         values ($1, $2, $3, 'self_coaching', 'coach_assigned', 'shared', 'To withdraw', $4) returning id`,
        [id.client, id.coach, row.program, lib.template],
      ),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'delete from public.coaching_sessions where id = $1 returning id', [open!.id]))
  })
})

// ─── measures, benchmarks and session types (issue 12) ───────────────────────────────

const log = {
  assignedMeasure: '',
  privateMeasure: '',
  sharedMeasure: '',
  privateBenchmark: '',
  sharedBenchmark: '',
  programType: '',
}

/**
 * On top of the library's rows: the assigned session is under way (the client's active
 * session), and each of the client's sessions holds a measure written by the service; the
 * client has a private benchmark and one shared with program 1; program 1 has a session type.
 */
async function seedLog() {
  await service(async (tx) => {
    const one = async (sql: string, params: unknown[]) => (await tx.query<{ id: string }>(sql, params))[0]!.id
    await tx.query('update public.coaching_sessions set started_at = now() where id = $1', [lib.assigned])
    const measure = (sessionId: string) =>
      one(
        `insert into public.measures (session_id, user_id, metric_key, set_number, value_numeric, recorded_by, recorder_id)
         values ($1, $2, 'weight', 1, 80, 'client', $2) returning id`,
        [sessionId, id.client],
      )
    log.assignedMeasure = await measure(lib.assigned)
    log.privateMeasure = await measure(row.privateSession)
    log.sharedMeasure = await measure(row.sharedSession)
    log.privateBenchmark = await one(
      `insert into public.benchmarks (user_id, kind, exercise_id, value, unit) values ($1, 'one_rep_max', $2, 100, 'kg') returning id`,
      [id.client, lib.systemExercise],
    )
    log.sharedBenchmark = await one(`insert into public.benchmarks (user_id, program_id, kind, value, unit) values ($1, $2, 'ftp', 250, 'W') returning id`, [
      id.client,
      row.program,
    ])
    log.programType = await one(`insert into public.session_types (program_id, code, label) values ($1, 'HANGBOARD', 'Hangboard') returning id`, [row.program])
  })
}

function describeOnLog(name: string, body: () => void) {
  describe(name, () => {
    beforeAll(async () => {
      await seedCast()
      await seedLibrary()
      await seedLog()
    })
    body()
  })
}

const recordIn = (sessionId: string) => (actor: Actor) =>
  attempt(
    actor,
    `insert into public.measures (session_id, metric_key, set_number, value_numeric, recorded_by, recorder_id)
     values ($1, 'reps', 1, 5, 'client', $2) returning id`,
    [sessionId, actor === 'anon' ? id.client : id[actor]],
  )

const correct = (measureId: string, actor: Actor) =>
  attempt(
    actor,
    `insert into public.measures (supersedes_id, metric_key, value_numeric, recorded_by, recorder_id)
     values ($1, 'weight', 82.5, 'client', $2) returning id`,
    [measureId, actor === 'anon' ? id.client : id[actor]],
  )

describeOnLog('measures', () => {
  const read = (measureId: string) => (actor: Actor) => attempt(actor, 'select id from public.measures where id = $1', [measureId])

  it('of a coach-assigned session are read by the client and the assigning coach; another program’s coach sees nothing', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), read(log.assignedMeasure))
  })

  it('of a private self-coaching session are the client’s alone; once shared, also that coach’s', async () => {
    await expectOnly(['client'], everyoneBut('client'), read(log.privateMeasure))
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), read(log.sharedMeasure))
  })

  it('on a coach-assigned session the client records actuals and the program’s coach records too; nobody else', async () => {
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), recordIn(lib.assigned))
    const [byCoach] = await service((tx) =>
      tx.query<{ recorded_by: string; user_id: string }>(`select recorded_by, user_id from public.measures where session_id = $1 and recorder_id = $2`, [lib.assigned, id.coach]),
    )
    expect(byCoach).toEqual({ recorded_by: 'coach', user_id: id.client })
  })

  it('the client records actuals but cannot change the planned items', async () => {
    expect(await attempt('client', `update public.coaching_sessions set items = '[]' where id = $1 returning id`, [lib.assigned])).toBe('denied')
    expect(await recordIn(lib.assigned)('client')).toBe('allowed')
    expect(await attempt('client', `update public.coaching_sessions set time_slot = 'morning' where id = $1 returning id`, [lib.assigned])).toBe('allowed')
  })

  it('a measure is recorded in someone else’s name by nobody: whose it is comes from the session', async () => {
    const [row_] = await as('client', (tx) =>
      tx.query<{ user_id: string; recorded_by: string }>(
        `insert into public.measures (session_id, user_id, metric_key, value_numeric, recorded_by, recorder_id)
         values ($1, $2, 'reps', 3, 'coach', $3) returning user_id, recorded_by`,
        [lib.assigned, id.peerClient, id.client],
      ),
    )
    expect(row_).toEqual({ user_id: id.client, recorded_by: 'client' })
    expect(await attempt('peerClient', `insert into public.measures (session_id, metric_key, value_numeric, recorded_by, recorder_id) values ($1, 'reps', 3, 'client', $2) returning id`, [lib.assigned, id.peerClient])).toBe('denied')
  })

  it('a coach records nothing in a client’s own session, even one shared with them; the client corrects there', async () => {
    expect(await recordIn(row.sharedSession)('coach')).toBe('denied')
    expect(await correct(log.sharedMeasure, 'coach')).toBe('denied')
    expect(await correct(log.sharedMeasure, 'client')).toBe('allowed')
    expect(await correct(log.privateMeasure, 'coach')).toBe('denied')
    expect(await correct(log.privateMeasure, 'client')).toBe('allowed')
  })

  it('are corrected on a coach-assigned session by the client and the program’s coach only', async () => {
    for (const actor of everyoneBut('client', 'coach')) expect([actor, await correct(log.assignedMeasure, actor)]).toEqual([actor, 'denied'])
    const [byClient] = await as('client', (tx) =>
      tx.query<{ id: string }>(`insert into public.measures (supersedes_id, metric_key, value_numeric, recorded_by, recorder_id) values ($1, 'weight', 81, 'client', $2) returning id`, [
        log.assignedMeasure,
        id.client,
      ]),
    )
    for (const actor of everyoneBut('client', 'coach')) expect([actor, await correct(byClient!.id, actor)]).toEqual([actor, 'denied'])
    expect(await correct(byClient!.id, 'coach')).toBe('allowed')
  })

  it('are never updated or deleted by anyone; recording stays allowed', async () => {
    for (const actor of everyoneBut()) {
      expect([actor, await attempt(actor, 'update public.measures set value_numeric = 1 where id = $1 returning id', [log.assignedMeasure])]).toEqual([actor, 'denied'])
      expect([actor, await attempt(actor, 'delete from public.measures where id = $1 returning id', [log.assignedMeasure])]).toEqual([actor, 'denied'])
    }
    expect(await count('public.measures', 'id = $1 and value_numeric = 80', [log.assignedMeasure])).toBe(1)
    expect(await recordIn(lib.assigned)('client')).toBe('allowed')
  })

  it('nothing crosses programs: coaching the client elsewhere gives no access to this program’s measures', async () => {
    await service((tx) => tx.query(`insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client') on conflict do nothing`, [row.otherProgram, id.client]))
    expect(await read(log.assignedMeasure)('otherCoach')).toBe('denied')
    expect(await recordIn(lib.assigned)('otherCoach')).toBe('denied')
    expect(await read(log.assignedMeasure)('coach')).toBe('allowed')
  })
})

describeOnLog('benchmarks', () => {
  const read = (benchmarkId: string) => (actor: Actor) => attempt(actor, 'select id from public.benchmarks where id = $1', [benchmarkId])
  const enter = (actor: Actor, programId: string | null) =>
    attempt(actor, `insert into public.benchmarks (user_id, program_id, kind, value, unit) values ($1, $2, 'ftp', 260, 'W') returning id`, [id.client, programId])

  it('a private one is the client’s alone; one shared with a program also its coaches’', async () => {
    await expectOnly(['client'], everyoneBut('client'), read(log.privateBenchmark))
    await expectOnly(['client', 'coach'], everyoneBut('client', 'coach'), read(log.sharedBenchmark))
  })

  it('are entered by the client for themselves, and by their coach in the coach’s program only', async () => {
    expect(await enter('client', row.otherProgram)).toBe('denied')
    expect(await enter('coach', null)).toBe('denied')
    for (const actor of ['peerClient', 'otherCoach', 'outsideClient', 'anon'] as const) {
      expect([actor, await enter(actor, row.program)]).toEqual([actor, 'denied'])
      expect([actor, await enter(actor, null)]).toEqual([actor, 'denied'])
    }
    expect(await enter('client', null)).toBe('allowed')
    expect(await enter('client', row.program)).toBe('allowed')
    expect(await enter('coach', row.program)).toBe('allowed')
  })

  it('are never updated; the client removes one they entered, nobody else can', async () => {
    for (const actor of everyoneBut()) {
      expect([actor, await attempt(actor, 'update public.benchmarks set value = 1 where id = $1 returning id', [log.privateBenchmark])]).toEqual([actor, 'denied'])
    }
    const [mine] = await as('client', (tx) =>
      tx.query<{ id: string }>(`insert into public.benchmarks (user_id, program_id, kind, value, unit) values ($1, $2, 'ftp', 255, 'W') returning id`, [id.client, row.program]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) => attempt(actor, 'delete from public.benchmarks where id = $1 returning id', [mine!.id]))
  })
})

describeOnLog('session types', () => {
  it('the system’s are read by everyone signed in and changed by nobody; a program’s own by its members', async () => {
    const [fun] = await service((tx) => tx.query<{ id: string }>(`select id from public.session_types where program_id is null and code = 'FUN'`))
    await expectOnly(everyoneBut('anon'), ['anon'], (actor) => attempt(actor, 'select id from public.session_types where id = $1', [fun!.id]))
    for (const actor of everyoneBut()) {
      expect([actor, await attempt(actor, `update public.session_types set label = 'Mine' where id = $1 returning id`, [fun!.id])]).toEqual([actor, 'denied'])
    }
    await expectOnly(['client', 'peerClient', 'coach'], ['otherCoach', 'outsideClient', 'anon'], (actor) =>
      attempt(actor, 'select id from public.session_types where id = $1', [log.programType]),
    )
  })

  it('are added, renamed and removed by the program’s coaches only', async () => {
    await expectOnly(['coach'], everyoneBut('coach'), (actor) =>
      attempt(actor, `insert into public.session_types (program_id, code, label) values ($1, $2, 'Campus') returning id`, [row.program, `CAMPUS_${actor.toUpperCase()}`]),
    )
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, `update public.session_types set label = 'Hangboard repeaters' where id = $1 returning id`, [log.programType]))
    await expectOnly(['coach'], everyoneBut('coach'), (actor) => attempt(actor, 'delete from public.session_types where code = $1 returning id', ['CAMPUS_COACH']))
  })

  it('a session takes a type of the system’s or its own program’s, not another program’s', async () => {
    expect(await attempt('coach', `update public.coaching_sessions set activity_type = 'HANGBOARD' where id = $1 returning id`, [lib.assigned])).toBe('allowed')
    const other = await service((tx) => tx.query<{ id: string }>(`insert into public.session_types (program_id, code, label) values ($1, 'SECRET', 'Secret') returning id`, [row.otherProgram]))
    expect(other).toHaveLength(1)
    await expect(as('coach', (tx) => tx.query(`update public.coaching_sessions set activity_type = 'SECRET' where id = $1`, [lib.assigned]))).rejects.toMatchObject({ kind: 'invalid' })
  })
})

describeOnOwnData('the email digest: email_digest_settings and email_digests_sent (decision 029)', () => {
  it('a person’s digest setting is made, read and changed by that person only — not another client, not their coach, not a visitor', async () => {
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'insert into public.email_digest_settings (user_id, weekly) values ($1, true) returning user_id', [id.client]),
    )
    await expectOnly(['client'], everyoneBut('client'), (actor) => attempt(actor, 'select weekly from public.email_digest_settings where user_id = $1', [id.client]))
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, 'update public.email_digest_settings set weekly = false, updated_at = now() where user_id = $1 returning user_id', [id.client]),
    )
    // Nobody removes it through the API (off is weekly = false); it goes with the account. The service can.
    await expectOnly([], everyoneBut(), (actor) => attempt(actor, 'delete from public.email_digest_settings where user_id = $1 returning user_id', [id.client]))
    expect(await count('public.email_digest_settings', 'user_id = $1 and not weekly', [id.client])).toBe(1)
  })

  it('nobody turns on the digest in someone else’s name, nor hands their setting to another person', async () => {
    for (const actor of ['peerClient', 'coach'] as const) {
      expect([actor, await attempt(actor, 'insert into public.email_digest_settings (user_id, weekly) values ($1, true) returning user_id', [id.outsideClient])]).toEqual([actor, 'denied'])
    }
    expect(await attempt('client', 'update public.email_digest_settings set user_id = $2 where user_id = $1 returning user_id', [id.client, id.peerClient])).toBe('denied')
    expect(await count('public.email_digest_settings', 'user_id = $1', [id.client])).toBe(1)
  })

  it('the record of digests sent is written by the job (the service) only, and read by its person only', async () => {
    await expectOnly([], everyoneBut(), (actor) =>
      attempt(actor, `insert into public.email_digests_sent (user_id, period_start, status) values ($1, '2027-02-08', 'sent') returning user_id`, [id.client]),
    )
    await service((tx) => tx.query(`insert into public.email_digests_sent (user_id, period_start, status, sent_at) values ($1, '2027-02-08', 'sent', now())`, [id.client]))
    await expectOnly(['client'], everyoneBut('client'), (actor) =>
      attempt(actor, `select status from public.email_digests_sent where user_id = $1 and period_start = '2027-02-08'`, [id.client]),
    )
    // Not even its person can unclaim a week (which would let the job send it again) or change it.
    await expectOnly([], everyoneBut(), (actor) =>
      attempt(actor, `update public.email_digests_sent set status = 'claimed', sent_at = null where user_id = $1 returning user_id`, [id.client]),
    )
    await expectOnly([], everyoneBut(), (actor) => attempt(actor, 'delete from public.email_digests_sent where user_id = $1 returning user_id', [id.client]))
    expect(await count('public.email_digests_sent', `user_id = $1 and status = 'sent'`, [id.client])).toBe(1)
  })
})
