/**
 * Starting, resuming and ending sessions, and the coach-led flow, on a real database:
 * one active session per person driving it (also under simultaneous requests), bad
 * input refused with nothing written, and a coach-led session staying the coach's until
 * released.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runTurn } from '#lib/coaching/conversation'
import type { TurnEvent } from '#lib/coaching/turn-protocol.shared'
import {
  cancelSession,
  completeSession,
  getActiveSession,
  getSession,
  listProgramPartners,
  resumeAfterPause,
  setSessionSharing,
  startSession,
} from '#lib/coaching/sessions'
import { addCoachNote, draftStageFields, saveStageFields, suggestForCoach } from '#lib/coaching/stage-work'
import { emptyFields, stageInfo, type StageNumber } from '#lib/coaching/stages.shared'
import { ensureSummary, getSummary, releaseSession } from '#lib/coaching/summary'
import { acceptInvite, createInvite, createProgram } from '#lib/programs/programs'
import { listPlansForSession } from '#lib/plans/action-plans'
import { createPlansFromSession } from '#lib/plans/from-session'
import { caught } from '../support/app-error'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
const deps = () => ({ db: testDb.db, ai: null })


async function turn(userId: string, sessionId: string, stage: StageNumber, text: string, messageId = randomUUID()): Promise<TurnEvent[]> {
  const events: TurnEvent[] = []
  for await (const event of runTurn(deps(), { userId, sessionId, stage, input: { kind: 'message', messageId, text } })) events.push(event)
  return events
}

async function countRows(table: string, where: string, params: unknown[]): Promise<number> {
  const [row] = await testDb.db.asService((tx) => tx.query<{ n: number }>(`select count(*)::int as n from ${table} where ${where}`, params))
  return row?.n ?? 0
}

beforeAll(async () => {
  testDb = await createTestDatabase()
})

afterAll(async () => {
  await testDb?.close()
})

describe('one active session', () => {
  it('two simultaneous starts leave exactly one active session; the other is offered to resume it', async () => {
    const userId = await createUser(testDb.db)
    const results = await Promise.all([
      startSession(testDb.db, { userId, sessionType: 'self_coaching', title: 'First tab' }),
      startSession(testDb.db, { userId, sessionType: 'self_coaching', title: 'Second tab' }),
    ])
    const started = results.filter((r) => r.started)
    const refused = results.filter((r) => !r.started)
    expect(started).toHaveLength(1)
    expect(refused).toHaveLength(1)
    const winner = started[0]!.started ? started[0]!.sessionId : ''
    expect(refused[0]).toEqual({ started: false, activeSession: { id: winner, title: expect.stringMatching(/tab$/) } })
    expect(await countRows('public.coaching_sessions', 'user_id = $1 and completed_at is null and cancelled_at is null', [userId])).toBe(1)
    expect(await countRows('public.stage_responses r join public.coaching_sessions s on s.id = r.session_id', 's.user_id = $1', [userId])).toBe(1)
  })

  it('cancelling the active session lets a new one start; resuming finds it again', async () => {
    const userId = await createUser(testDb.db)
    const first = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    if (!first.started) throw new Error('expected to start')
    expect(await getActiveSession(testDb.db, { userId })).toMatchObject({ id: first.sessionId })
    await cancelSession(testDb.db, { userId, sessionId: first.sessionId })
    expect(await getActiveSession(testDb.db, { userId })).toBeNull()
    const second = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    expect(second.started).toBe(true)
    // A cancelled session cannot be continued.
    const events = await turn(userId, first.sessionId, 1, 'hello?')
    expect(events).toEqual([{ type: 'error', message: 'This session was cancelled.', retryable: false, status: 409 }])
  })

  it('refuses an overlong name and writes nothing', async () => {
    const userId = await createUser(testDb.db)
    const error = await caught(startSession(testDb.db, { userId, sessionType: 'self_coaching', title: 'x'.repeat(201) }))
    expect(error.fieldErrors.title).toEqual(['Keep the name under 200 characters.'])
    expect(await countRows('public.coaching_sessions', 'user_id = $1', [userId])).toBe(0)
  })
})

describe('conversation turns', () => {
  let userId: string
  let sessionId: string

  beforeAll(async () => {
    userId = await createUser(testDb.db)
    const result = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    if (!result.started) throw new Error('expected to start')
    sessionId = result.sessionId
  })

  it('a double-submitted message is stored once and answered once', async () => {
    const messageId = randomUUID()
    const first = await turn(userId, sessionId, 1, '6', messageId)
    const second = await turn(userId, sessionId, 1, '6', messageId)
    expect(first.map((e) => e.type)).toEqual(['saved', 'delta', 'done'])
    expect(second.map((e) => e.type)).toEqual(['done'])
    const session = await getSession(testDb.db, { userId, sessionId })
    expect(session.stages[0]?.responses.transcript.filter((m) => m.id === messageId)).toHaveLength(1)
  })

  it('another user cannot write into the session, and is told it is not found', async () => {
    const stranger = await createUser(testDb.db)
    const events = await turn(stranger, sessionId, 1, 'I am not the client')
    expect(events).toEqual([{ type: 'error', message: 'That session does not exist, or you do not have access to it.', retryable: false, status: 404 }])
    const session = await getSession(testDb.db, { userId, sessionId })
    expect(JSON.stringify(session.stages)).not.toContain('I am not the client')
  })

  it('a stage that has not started cannot be written to', async () => {
    const events = await turn(userId, sessionId, 3, 'Skipping ahead')
    expect(events).toEqual([{ type: 'error', message: 'That stage has not started yet.', retryable: false, status: 409 }])
  })

  it('language that signals a crisis pauses the session with support resources, and no coaching goes on until the client carries on', async () => {
    const events = await turn(userId, sessionId, 1, 'Honestly some days I want to end my life')
    expect(events.map((e) => e.type)).toEqual(['saved', 'paused'])
    const paused = events[1]
    expect(paused?.type === 'paused' && paused.message.content).toMatch(/emergency number/)
    expect((await getSession(testDb.db, { userId, sessionId })).pausedAt).toBeInstanceOf(Date)

    expect(await turn(userId, sessionId, 1, 'Anyway, about my goals')).toEqual([
      { type: 'error', message: 'The session is paused. Choose to carry on when you are ready.', retryable: false, status: 409 },
    ])
    await resumeAfterPause(testDb.db, { userId, sessionId })
    expect((await turn(userId, sessionId, 1, 'I am safe now, thank you')).map((e) => e.type)).toEqual(['saved', 'delta', 'done'])
  })

  it('refuses saving fields that break the rules, and saves nothing', async () => {
    const error = await caught(
      saveStageFields(deps(), { userId, sessionId, stage: 1, fields: { ...emptyFields('check_in'), presenceLevel: 11, emotionalState: 42 } }),
    )
    expect(error.kind).toBe('invalid')
    expect(Object.keys(error.fieldErrors).sort()).toEqual(['emotionalState', 'presenceLevel'])
    const session = await getSession(testDb.db, { userId, sessionId })
    expect(session.stages[0]?.completedAt).toBeNull()
    expect(session.currentStage).toBe(1)
  })

  it('cannot complete a session whose stages are not all finished', async () => {
    const error = await caught(completeSession(testDb.db, { userId, sessionId }))
    expect(error.message).toMatch(/^Finish every stage first: Check In, Starting Point, Connect, Finish, Check Out are not finished yet\.$/)
  })
})

describe('sharing a self-coaching session', () => {
  it('only with a coach of the client’s own programs', async () => {
    const coach = await createUser(testDb.db, { displayName: 'Coach' })
    const outsider = await createUser(testDb.db)
    const client = await createUser(testDb.db)
    const programId = await createProgram(testDb.db, { userId: coach, name: 'Practice' })
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
    await acceptInvite(testDb.db, { userId: client, token })
    const started = await startSession(testDb.db, { userId: client, sessionType: 'self_coaching' })
    if (!started.started) throw new Error('expected to start')
    const sessionId = started.sessionId
    await expect(getSession(testDb.db, { userId: coach, sessionId })).rejects.toMatchObject({ kind: 'not_found' })

    // Each side sees the other through the program, and no one outside it.
    expect(await listProgramPartners(testDb.db, { userId: client, partnerRole: 'coach' })).toEqual([
      { userId: coach, name: 'Coach', programId, programName: 'Practice' },
    ])
    expect((await listProgramPartners(testDb.db, { userId: coach, partnerRole: 'client' })).map((p) => [p.userId, p.programId])).toEqual([[client, programId]])
    expect(await listProgramPartners(testDb.db, { userId: client, partnerRole: 'client' })).toEqual([])
    expect(await listProgramPartners(testDb.db, { userId: outsider, partnerRole: 'coach' })).toEqual([])

    expect((await caught(setSessionSharing(testDb.db, { userId: client, sessionId, share: { coachId: outsider, programId } }))).kind).toBe('not_found')
    await setSessionSharing(testDb.db, { userId: client, sessionId, share: { coachId: coach, programId } })
    expect((await getSession(testDb.db, { userId: coach, sessionId })).viewerRole).toBe('coach')
    await setSessionSharing(testDb.db, { userId: client, sessionId, share: null })
    await expect(getSession(testDb.db, { userId: coach, sessionId })).rejects.toMatchObject({ kind: 'not_found' })
  })
})

describe('memory drawn from private sessions stays with the client', () => {
  it('a coach reading a shared session gets no memory from the client’s private sessions, through the app or as direct SQL', async () => {
    const coach = await createUser(testDb.db, { displayName: 'Coach Mo' })
    const client = await createUser(testDb.db, { displayName: 'Client Lu' })
    const programId = await createProgram(testDb.db, { userId: coach, name: 'Mo Coaching' })
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
    await acceptInvite(testDb.db, { userId: client, token })

    // A finished private session with a summary, and an open plan from it: the client's alone.
    const secret = { title: 'Private: leaving my job', goal: 'Hand in my notice quietly', plan: 'Talk to a recruiter in secret' }
    const [privateSession] = await testDb.db.asService((tx) =>
      tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, session_type, source, visibility, title, started_at, completed_at, summary)
         values ($1, 'self_coaching', 'self_assigned', 'private', $2, now() - interval '2 days', now() - interval '1 day', $3::jsonb)
         returning id`,
        [client, secret.title, JSON.stringify({ executiveSummary: 'You decided to leave.', keyInsights: [], goalStatement: secret.goal, actionPlan: [], successMetrics: [], supportAndAccountability: '' })],
      ),
    )
    const [plan] = await testDb.db.asService((tx) =>
      tx.query<{ id: string }>(`insert into public.action_plans (session_id, user_id, title) values ($1, $2, $3) returning id`, [privateSession!.id, client, secret.plan]),
    )
    const leaks = (value: unknown) => [secret.title, secret.goal, secret.plan, plan!.id].filter((text) => JSON.stringify(value).includes(text))

    const started = await startSession(testDb.db, { userId: client, sessionType: 'self_coaching', title: 'Week three' })
    if (!started.started) throw new Error('expected to start')
    const sessionId = started.sessionId
    // The client sees what is remembered, in full.
    expect(leaks((await getSession(testDb.db, { userId: client, sessionId })).memory).sort()).toEqual([secret.title, secret.goal, secret.plan, plan!.id].sort())

    await setSessionSharing(testDb.db, { userId: client, sessionId, share: { coachId: coach, programId } })
    const asCoach = await getSession(testDb.db, { userId: coach, sessionId })
    expect(asCoach.viewerRole).toBe('coach')
    expect(asCoach.memory).toEqual([])
    expect(leaks(asCoach)).toEqual([])

    // The coach's own JWT, straight at the tables (as through Supabase's Data API).
    const direct = await testDb.db.asUser(coach, async (tx) => ({
      stages: await tx.query('select * from public.stage_responses where session_id = $1', [sessionId]),
      memories: await tx.query('select * from public.session_memories'),
      session: await tx.query('select * from public.coaching_sessions where id = $1', [sessionId]),
    }))
    expect(direct.stages.length).toBeGreaterThan(0)
    expect(direct.memories).toEqual([])
    expect(leaks(direct)).toEqual([])
    // Nor can the coach write a memory into it.
    expect((await caught(testDb.db.asUser(coach, (tx) => tx.query(`insert into public.session_memories (session_id, items) values ($1, '[]')`, [sessionId])))).kind).toBe('not_found')
  })
})

describe('a coach-led session', () => {
  let coach: string
  let client: string
  let programId: string
  let sessionId: string

  beforeAll(async () => {
    coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
    client = await createUser(testDb.db, { displayName: 'Client Dan' })
    programId = await createProgram(testDb.db, { userId: coach, name: 'Cleo Coaching' })
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
    await acceptInvite(testDb.db, { userId: client, token })
  })

  it('is started by the coach for a client of their program, and does not block the client’s own sessions', async () => {
    const stranger = await createUser(testDb.db)
    expect((await caught(startSession(testDb.db, { userId: coach, sessionType: 'coach_led', clientId: stranger, programId }))).kind).toBe('not_found')
    const result = await startSession(testDb.db, { userId: coach, sessionType: 'coach_led', clientId: client, programId })
    if (!result.started) throw new Error('expected to start')
    sessionId = result.sessionId
    const session = await getSession(testDb.db, { userId: coach, sessionId })
    expect(session.title).toMatch(/^Coach-led with Client Dan — /)
    expect(session.viewerRuns).toBe(true)
    expect((await startSession(testDb.db, { userId: client, sessionType: 'self_coaching' })).started).toBe(true)
  })

  it('the coach takes notes and fills the fields; the client sees the session exists, not its content', async () => {
    for (const stage of [1, 2, 3, 4, 5] as const) {
      await addCoachNote(deps(), { userId: coach, sessionId, stage, messageId: randomUUID(), text: `Notes for ${stageInfo(stage).name}` })
      const suggestions = await suggestForCoach(deps(), { userId: coach, sessionId, stage })
      expect(suggestions.source).toBe('guided')
      expect(suggestions.questions.length).toBeGreaterThan(0)
      const draft = await draftStageFields(deps(), { userId: coach, sessionId, stage })
      const fields =
        stage === 4
          ? { ...draft, goalStatement: 'Lead the Q1 offsite', actionSteps: [{ title: 'Book the venue', description: null, dueDate: '2030-01-15', priority: 1 }] }
          : draft
      await saveStageFields(deps(), { userId: coach, sessionId, stage, fields })
    }
    const clientView = await getSession(testDb.db, { userId: client, sessionId })
    expect(clientView.contentVisible).toBe(false)
    expect(clientView.stages).toEqual([])
    // The client cannot write notes into the coach's session.
    expect((await caught(addCoachNote(deps(), { userId: client, sessionId, stage: 1, messageId: randomUUID(), text: 'mine' }))).kind).toBe('not_found')
  })

  it('summary and plans wait for the coach’s review; releasing shows them to the client', async () => {
    await completeSession(testDb.db, { userId: coach, sessionId })
    const { summary } = await ensureSummary(deps(), { userId: coach, sessionId })
    expect(summary.goalStatement).toBe('Lead the Q1 offsite')
    await createPlansFromSession(deps(), { userId: coach, sessionId })

    expect(await getSummary(deps(), { userId: client, sessionId })).toBeNull()
    expect(await listPlansForSession(testDb.db, { userId: client, sessionId })).toEqual([])
    expect(await listPlansForSession(testDb.db, { userId: coach, sessionId })).toHaveLength(1)

    expect((await caught(releaseSession(deps(), { userId: client, sessionId }))).kind).toBe('conflict')
    await releaseSession(deps(), { userId: coach, sessionId })

    expect((await getSummary(deps(), { userId: client, sessionId }))?.summary.goalStatement).toBe('Lead the Q1 offsite')
    expect((await listPlansForSession(testDb.db, { userId: client, sessionId })).map((p) => p.title)).toEqual(['Book the venue'])
    expect((await getSession(testDb.db, { userId: client, sessionId })).stages).toHaveLength(5)
  })
})
