/**
 * Dates only from the client (issue 14, decision 020): plans made from a session with a
 * hostile model — one that dates an undated step's milestones, moves dates past the
 * client's, writes dates into titles, descriptions and SMART criteria, and answers for
 * steps that do not exist — keep only the dates the client gave in Finish. Nothing is
 * clamped: a date the client did not give is dropped.
 */
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { getChatModel, type ChatModel } from '#lib/ai/model'
import { completeSession, startSession } from '#lib/coaching/sessions'
import { saveStageFields } from '#lib/coaching/stage-work'
import { emptyFields, stageInfo, stageNumbers, type ActionStep } from '#lib/coaching/stages.shared'
import { getActionPlan, listPlansForSession } from '#lib/plans/action-plans'
import { createPlansFromSession } from '#lib/plans/from-session'
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

const model = (): ChatModel => {
  const ai = getChatModel({ OPENAI_BASE_URL: 'http://fake-llm.test/v1', AI_MODEL: 'llama3.1', OPENAI_API_KEY: undefined, AI_TIMEOUT_MS: 5000 })
  if (!ai) throw new Error('expected a model')
  return ai
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

/** A completed session whose Finish agreed these steps (the other stages saved empty). */
async function finishedSession(userId: string, steps: ActionStep[]): Promise<string> {
  const started = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
  if (!started.started) throw new Error('expected a new session')
  for (const stage of stageNumbers) {
    const { slug } = stageInfo(stage)
    const fields = slug === 'finish' ? { ...emptyFields('finish'), goalStatement: 'Run a 10k in the spring', actionSteps: steps } : emptyFields(slug)
    await saveStageFields({ db: testDb.db, ai: null }, { userId, sessionId: started.sessionId, stage, fields })
  }
  await completeSession(testDb.db, { userId, sessionId: started.sessionId })
  return started.sessionId
}

describe('a hostile model cannot date a plan', () => {
  it('drops every milestone and text date the client did not give, keeps the client’s, and uses accepted milestones as they are', async () => {
    const userId = await createUser(testDb.db)
    const shoesBy = day(10)
    const given = day(4)
    const sessionId = await finishedSession(userId, [
      { title: 'Buy running shoes', description: null, dueDate: shoesBy, priority: null, milestones: [] },
      { title: 'Ask Sam to run with me', description: null, dueDate: null, priority: null, milestones: [] },
      { title: 'Join the club', description: null, dueDate: null, priority: null, milestones: [{ title: 'Visit on a club night', dueDate: given }] },
    ])
    const invented = [day(1), day(2), day(30), day(60)]
    fake.next({
      kind: 'object',
      value: {
        plans: [
          {
            stepNumber: 1,
            description: `Buy shoes on ${invented[0]} before the sale ends.`,
            smartCriteria: { specific: 'Shoes', measurable: 'Bought', achievable: null, relevant: null, timeBound: `By ${invented[2]}` },
            milestones: [
              { title: `Try on shoes by ${invented[1]}`, dueDate: invented[1] },
              { title: 'Buy them', dueDate: invented[2] }, // after the client's date: dropped, not clamped
              { title: 'Wear them once', dueDate: shoesBy }, // the client's own date: kept
            ],
          },
          {
            stepNumber: 2,
            description: 'Ask Sam.',
            smartCriteria: { specific: 'Ask', measurable: null, achievable: null, relevant: null, timeBound: `On ${invented[3]}` },
            milestones: [
              { title: 'Message Sam', dueDate: invented[0] },
              { title: 'Agree a day', dueDate: invented[1] },
            ],
          },
          {
            stepNumber: 3,
            description: 'Join.',
            smartCriteria: { specific: null, measurable: null, achievable: null, relevant: null, timeBound: null },
            milestones: [{ title: 'Pay the fee', dueDate: invented[2] }],
          },
          { stepNumber: 9, description: 'A plan nobody agreed', smartCriteria: { specific: null, measurable: null, achievable: null, relevant: null, timeBound: null }, milestones: [] },
        ],
      },
    })
    expect(await createPlansFromSession({ db: testDb.db, ai: model() }, { userId, sessionId })).toMatchObject({ created: 3 })

    const plans = await listPlansForSession(testDb.db, { userId, sessionId })
    expect(plans.map((p) => [p.title, p.timelineEnd])).toEqual([
      ['Buy running shoes', shoesBy],
      ['Ask Sam to run with me', null],
      ['Join the club', null],
    ])
    const [shoes, sam, club] = await Promise.all(plans.map((p) => getActionPlan(testDb.db, { userId, id: p.id })))
    expect(shoes!.milestones.map((m) => [m.title, m.dueDate])).toEqual([
      ['Try on shoes', null],
      ['Buy them', null],
      ['Wear them once', shoesBy],
    ])
    expect(sam!.milestones.map((m) => [m.title, m.dueDate])).toEqual([
      ['Message Sam', null],
      ['Agree a day', null],
    ])
    // Milestones the client accepted in Finish are the plan's, whatever the model proposed.
    expect(club!.milestones.map((m) => [m.title, m.dueDate])).toEqual([['Visit on a club night', given]])
    // The client gave no "by when": the step's own date, or nothing — never the model's.
    expect(shoes!.smartCriteria?.timeBound).toBe(shoesBy)
    expect(sam!.smartCriteria?.timeBound).toBeNull()
    const everything = JSON.stringify([shoes, sam, club])
    for (const date of invented) expect(everything, `${date} was never given by the client`).not.toContain(date)
    expect(shoes!.description).toBe('Buy shoes before the sale ends.')
  })

  it('in guided mode the plan’s milestones are the ones the client accepted in Finish', async () => {
    const userId = await createUser(testDb.db)
    const sessionId = await finishedSession(userId, [
      {
        title: 'Draft the proposal, then send it to Sam',
        description: null,
        dueDate: day(5),
        priority: null,
        milestones: [
          { title: 'Draft the proposal', dueDate: day(5) },
          { title: 'Send it to Sam', dueDate: null },
        ],
      },
    ])
    expect(await createPlansFromSession({ db: testDb.db, ai: null }, { userId, sessionId })).toMatchObject({ created: 1 })
    const [plan] = await listPlansForSession(testDb.db, { userId, sessionId })
    const details = await getActionPlan(testDb.db, { userId, id: plan!.id })
    expect(details.milestones.map((m) => [m.title, m.dueDate])).toEqual([
      ['Draft the proposal', day(5)],
      ['Send it to Sam', null],
    ])
  })
})
