/**
 * Guided mode that understands people, and crisis detection, through lib/ as the pages use
 * them on a real database (issue 14, decision 020): a confirming question when an answer is
 * unsure, dates in the client's own time zone, proposed milestones; a crisis in a message,
 * a coach's note or a memory edit pauses the session with resources for the client's
 * country; with AI on, the model is asked only about what the rules find ambiguous.
 */
import { randomUUID } from 'node:crypto'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { getChatModel, type ChatModel } from '#lib/ai/model'
import { runTurn } from '#lib/coaching/conversation'
import { getSession, startSession } from '#lib/coaching/sessions'
import { addCoachNote, draftStageFields, updateMemoryItem } from '#lib/coaching/stage-work'
import type { StageNumber } from '#lib/coaching/stages.shared'
import type { TurnEvent } from '#lib/coaching/turn-protocol.shared'
import type { Database } from '#lib/db/database'
import { setCountry } from '#lib/profiles'
import { acceptInvite, createInvite, createProgram } from '#lib/programs/programs'
import { createFakeOpenAI, openAIHandlers } from '../mocks/openai'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

const fake = createFakeOpenAI()
const server = setupServer(...openAIHandlers(fake))
let testDb: TestDatabase

beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' })
  testDb = await createTestDatabase()
})
afterEach(() => fake.reset())
afterAll(async () => {
  server.close()
  await testDb?.close()
})

const compatible = (): ChatModel => {
  const model = getChatModel({ OPENAI_BASE_URL: 'http://fake-llm.test/v1', AI_MODEL: 'llama3.1', OPENAI_API_KEY: undefined, AI_TIMEOUT_MS: 5000 })
  if (!model) throw new Error('expected a model')
  return model
}

async function say(deps: { db: Database; ai: ChatModel | null }, userId: string, sessionId: string, stage: StageNumber, text: string): Promise<TurnEvent[]> {
  const events: TurnEvent[] = []
  for await (const event of runTurn(deps, { userId, sessionId, stage, input: { kind: 'message', messageId: randomUUID(), text } })) events.push(event)
  return events
}

function replyOf(events: TurnEvent[]): string {
  const last = events.at(-1)
  return last && (last.type === 'done' || last.type === 'paused') ? last.message.content : ''
}

async function setTimeZone(userId: string, timeZone: string) {
  await testDb.db.asUser(userId, (tx) => tx.query('update public.profiles set timezone = $2 where id = $1', [userId, timeZone]))
}

/** A self-coaching session moved straight to Finish, its earlier stages saved empty. */
async function sessionAtFinish(userId: string): Promise<string> {
  const started = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
  if (!started.started) throw new Error('expected a new session')
  const { saveStageFields } = await import('#lib/coaching/stage-work')
  const { emptyFields, stageInfo } = await import('#lib/coaching/stages.shared')
  for (const stage of [1, 2, 3] as const) {
    await saveStageFields({ db: testDb.db, ai: null }, { userId, sessionId: started.sessionId, stage, fields: emptyFields(stageInfo(stage).slug) })
  }
  return started.sessionId
}

describe('guided mode asks once when an answer is unsure', () => {
  it('a range for a rating gets "which one?", and the answer to it is the rating', async () => {
    const userId = await createUser(testDb.db)
    const started = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    if (!started.started) throw new Error('expected a new session')
    const deps = { db: testDb.db, ai: null }
    expect(replyOf(await say(deps, userId, started.sessionId, 1, 'between 3 and 4'))).toBe('You said somewhere between 3 and 4. Which one fits better: 3 or 4?')
    // Asked once: the next answer moves on whatever it says.
    expect(replyOf(await say(deps, userId, started.sessionId, 1, '4'))).toMatch(/how are you feeling today/)
    expect(replyOf(await say(deps, userId, started.sessionId, 1, 'Tired, honestly'))).toMatch(/how ready/)
    expect(replyOf(await say(deps, userId, started.sessionId, 1, 'I slept 5 hours, so maybe 8'))).toMatch(/that covers Check In/)
    const draft = await draftStageFields(deps, { userId, sessionId: started.sessionId, stage: 1 })
    expect(draft).toMatchObject({ presenceLevel: 4, emotionalState: 'Tired, honestly', readinessScore: 8 })
  })

  it('a step with a vague date is read back, and "the 20th" gives it its day, in the client’s time zone', async () => {
    const userId = await createUser(testDb.db)
    await setTimeZone(userId, 'Pacific/Auckland')
    const sessionId = await sessionAtFinish(userId)
    const deps = { db: testDb.db, ai: null }
    for (const answer of ['Run a 10k', 'A 10k race', 'My watch says 10k', 'I run 5k now', 'It is my 40th year']) await say(deps, userId, sessionId, 4, answer)
    expect(replyOf(await say(deps, userId, sessionId, 4, 'By the end of January'))).toMatch(/What steps will you take/)
    const readBack = replyOf(await say(deps, userId, sessionId, 4, 'Sign up for a race in January\nRun three times a week until next Friday, then rest'))
    expect(readBack).toMatch(/^Here is what I have:\n1\. Sign up for a race in January — no date \(you said “January”\)\n2\. Run three times a week, then rest — by Friday \d+ December 2026\n/)
    expect(readBack).toMatch(/By which day will you do “Sign up for a race in January”\?/)
    expect(replyOf(await say(deps, userId, sessionId, 4, 'the 20th'))).toMatch(/What might get in the way/)

    const session = await getSession(testDb.db, { userId, sessionId })
    const said = session.stages.find((s) => s.number === 4)!.responses.transcript.filter((m) => m.role === 'client')
    // The client's own calendar: in Auckland it may already be tomorrow.
    const local = (at: string, days = 0) => {
      const date = new Date(new Date(at).toLocaleString('en-US', { timeZone: 'Pacific/Auckland' }))
      date.setDate(date.getDate() + days)
      return date
    }
    const iso = (date: Date) => `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`
    const twentieth = local(said.at(-1)!.at)
    if (twentieth.getDate() > 20) twentieth.setMonth(twentieth.getMonth() + 1)
    twentieth.setDate(20)

    const draft = await draftStageFields(deps, { userId, sessionId, stage: 4 })
    expect(draft).toMatchObject({
      smartCriteria: { timeBound: 'By the end of January' },
      actionSteps: [
        { title: 'Sign up for a race', dueDate: iso(twentieth), milestones: [] },
        {
          title: 'Run three times a week, then rest',
          milestones: [
            { title: 'Run three times a week', dueDate: expect.any(String) },
            { title: 'Rest', dueDate: null },
          ],
        },
      ],
    })
    // "Next Friday" is a Friday 2 to 14 days after the day the client said it, where they are.
    const steps = (draft as { actionSteps: { dueDate: string | null }[] }).actionSteps
    const friday = new Date(`${steps[1]!.dueDate}T12:00:00Z`)
    expect(friday.getUTCDay()).toBe(5)
    const saidOn = new Date(`${iso(local(said.at(-2)!.at))}T12:00:00Z`)
    const days = (friday.getTime() - saidOn.getTime()) / 86_400_000
    expect(days).toBeGreaterThanOrEqual(2)
    expect(days).toBeLessThanOrEqual(14)
  })

  it('an unclear review of an earlier action asks done, partly or not done; the answer to it is recorded', async () => {
    const userId = await createUser(testDb.db)
    await openPlan(userId, 'Walk at lunch')
    const started = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    if (!started.started) throw new Error('expected a new session')
    const deps = { db: testDb.db, ai: null }
    await say(deps, userId, started.sessionId, 1, '7')
    expect(replyOf(await say(deps, userId, started.sessionId, 1, 'Fine'))).toMatch(/Walk at lunch/)
    expect(replyOf(await say(deps, userId, started.sessionId, 1, 'It went ok, the weather helped'))).toBe('Thanks. So would you call “Walk at lunch” done, partly done or not done?')
    expect(replyOf(await say(deps, userId, started.sessionId, 1, 'partly'))).toMatch(/how ready/)
    await say(deps, userId, started.sessionId, 1, 'eight out of ten')
    const draft = await draftStageFields(deps, { userId, sessionId: started.sessionId, stage: 1 })
    expect(draft).toMatchObject({
      previousActionsReview: [{ title: 'Walk at lunch', progress: 'partly', whatGotInTheWay: 'It went ok, the weather helped' }],
      readinessScore: 8,
    })
  })

  it('"Done, no problems at all" is done, with no second question', async () => {
    const userId = await createUser(testDb.db)
    await openPlan(userId, 'Call the bank')
    const started = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    if (!started.started) throw new Error('expected a new session')
    const deps = { db: testDb.db, ai: null }
    await say(deps, userId, started.sessionId, 1, '7')
    await say(deps, userId, started.sessionId, 1, 'Fine')
    expect(replyOf(await say(deps, userId, started.sessionId, 1, 'Done, no problems at all'))).toMatch(/how ready/)
  })
})

async function openPlan(userId: string, title: string) {
  await testDb.db.asUser(userId, (tx) => tx.query(`insert into public.action_plans (user_id, title, status) values ($1, $2, 'pending')`, [userId, title]))
}

describe('a crisis pauses the session, wherever it is written', () => {
  it('a client message, with resources for the client’s country', async () => {
    const userId = await createUser(testDb.db)
    await setCountry(testDb.db, { userId, country: 'gb' })
    const started = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    if (!started.started) throw new Error('expected a new session')
    const events = await say({ db: testDb.db, ai: null }, userId, started.sessionId, 1, 'I can’t go on anymore')
    expect(events.map((e) => e.type)).toEqual(['saved', 'paused'])
    expect(replyOf(events)).toMatch(/Samaritans on 116 123/)
    expect(replyOf(events)).not.toMatch(/988/)
    expect((await getSession(testDb.db, { userId, sessionId: started.sessionId })).pausedAt).not.toBeNull()
  })

  it('with AI on, an ambiguous message is checked by the model after it is saved; the model can add a pause', async () => {
    const userId = await createUser(testDb.db)
    const started = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    if (!started.started) throw new Error('expected a new session')
    const deps = { db: testDb.db, ai: compatible() }
    // The rules see a negated signal; the model reads the whole message and says crisis.
    fake.next({ kind: 'object', value: { crisis: true, category: 'suicide' } })
    const events = await say(deps, userId, started.sessionId, 1, 'I am not suicidal exactly, I just wish I could disappear')
    expect(events.map((e) => e.type)).toEqual(['saved', 'paused'])
    expect(fake.calls).toHaveLength(1)
    expect(fake.calls[0]!.schemaKeys.sort()).toEqual(['category', 'crisis'])
    expect(fake.calls[0]!.userText).toMatch(/<client_message>\s*I am not suicidal exactly/)
  })

  it('with AI on, a model that says no crisis, or fails, leaves an ambiguous message to the coach; a clear one never asks the model', async () => {
    const userId = await createUser(testDb.db)
    const started = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    if (!started.started) throw new Error('expected a new session')
    const deps = { db: testDb.db, ai: compatible() }
    const first = await say(deps, userId, started.sessionId, 1, 'I am not suicidal, just tired')
    expect([first[0]?.type, first.at(-1)?.type]).toEqual(['saved', 'done'])
    expect(fake.calls.map((call) => call.structured)).toEqual([true, false])

    fake.reset()
    fake.next({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 })
    const second = await say(deps, userId, started.sessionId, 1, 'My chest pain from the workout is gone')
    expect(second.at(-1)?.type).toBe('done')

    fake.reset()
    const clear = await say(deps, userId, started.sessionId, 1, 'I took too many pills')
    expect(clear.map((e) => e.type)).toEqual(['saved', 'paused'])
    expect(fake.calls, 'the rules pause on their own: no model asked').toHaveLength(0)
  })

  it('a coach’s note pauses a coach-led session and tells the coach what to do; a memory edit pauses too', async () => {
    const coach = await createUser(testDb.db, { displayName: 'Coach Kim' })
    const client = await createUser(testDb.db, { displayName: 'Client Lee' })
    await setCountry(testDb.db, { userId: client, country: 'AU' })
    const programId = await createProgram(testDb.db, { userId: coach, name: 'Kim Coaching' })
    const { token } = await createInvite(testDb.db, { userId: coach, programId, role: 'client' })
    await acceptInvite(testDb.db, { userId: client, token })
    const started = await startSession(testDb.db, { userId: coach, sessionType: 'coach_led', clientId: client, programId })
    if (!started.started) throw new Error('expected a new session')
    const deps = { db: testDb.db, ai: null }
    expect(await addCoachNote(deps, { userId: coach, sessionId: started.sessionId, stage: 1, messageId: randomUUID(), text: 'She is a 6 today, tired after the move' })).toEqual({ paused: false })
    expect(await addCoachNote(deps, { userId: coach, sessionId: started.sessionId, stage: 1, messageId: randomUUID(), text: 'She says her partner hits her when he drinks' })).toEqual({ paused: true })
    const session = await getSession(testDb.db, { userId: coach, sessionId: started.sessionId })
    expect(session.pausedAt).not.toBeNull()
    const support = session.stages[0]!.responses.transcript.at(-1)!
    expect(support).toMatchObject({ role: 'assistant', kind: 'support' })
    expect(support.content).toMatch(/your client may be at risk/)
    expect(support.content).toMatch(/1800 737 732/)

  })

  it('a memory edit that signals a crisis is saved and pauses the session with the client’s resources', async () => {
    const client = await createUser(testDb.db)
    await setCountry(testDb.db, { userId: client, country: 'AU' })
    await openPlan(client, 'Sleep by eleven')
    const own = await startSession(testDb.db, { userId: client, sessionType: 'self_coaching' })
    if (!own.started) throw new Error('expected a new session')
    const item = (await getSession(testDb.db, { userId: client, sessionId: own.sessionId })).memory[0]!
    expect(await updateMemoryItem(testDb.db, { userId: client, sessionId: own.sessionId, itemId: item.id, text: 'Sleep by eleven (pending)' })).toEqual({ paused: false })
    expect(await updateMemoryItem(testDb.db, { userId: client, sessionId: own.sessionId, itemId: item.id, text: 'Sleep by eleven. Since then I have been cutting again.' })).toEqual({ paused: true })
    const mine = await getSession(testDb.db, { userId: client, sessionId: own.sessionId })
    expect(mine.memory[0]!.text).toContain('cutting again')
    expect(mine.pausedAt).not.toBeNull()
    expect(mine.stages[0]!.responses.transcript.at(-1)).toMatchObject({ kind: 'support', content: expect.stringMatching(/Lifeline on 13 11 14/) })
  })
})
