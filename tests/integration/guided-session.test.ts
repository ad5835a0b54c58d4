/**
 * A whole self-coaching session in guided mode (no AI configured), through lib/ as the
 * pages use it, on a real database: scripted questions, fields from the answers, the
 * summary composed from the fields, action plans from Finish, and the next session's
 * Check In closing the loop on those plans.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import { runTurn } from '#lib/coaching/conversation'
import { turnPrompt } from '#lib/coaching/prompt-builders'
import type { TurnEvent } from '#lib/coaching/turn-protocol.shared'
import { completeSession, getSession, readSession, startSession } from '#lib/coaching/sessions'
import { draftStageFields, saveStageFields, updateMemoryItem } from '#lib/coaching/stage-work'
import type { StageNumber } from '#lib/coaching/stages.shared'
import { ensureSummary, getSummary } from '#lib/coaching/summary'
import { getActionPlan, listPlansForSession } from '#lib/plans/action-plans'
import { createPlansFromSession } from '#lib/plans/from-session'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let userId: string
const deps = () => ({ db: testDb.db, ai: null })

async function say(sessionId: string, stage: StageNumber, text: string): Promise<TurnEvent[]> {
  const events: TurnEvent[] = []
  for await (const event of runTurn(deps(), { userId, sessionId, stage, input: { kind: 'message', messageId: randomUUID(), text } })) {
    events.push(event)
  }
  return events
}

async function lastQuestion(sessionId: string, stage: StageNumber): Promise<string> {
  const session = await getSession(testDb.db, { userId, sessionId })
  const transcript = session.stages.find((s) => s.number === stage)?.responses.transcript ?? []
  return transcript.filter((m) => m.role === 'assistant').at(-1)?.content ?? ''
}

/** Answers every guided question of a stage, checks each answer got a reply, then finishes and saves it. */
async function runStage(sessionId: string, stage: StageNumber, answers: string[]) {
  for (const answer of answers) {
    const events = await say(sessionId, stage, answer)
    expect(events.map((e) => e.type)).toEqual(['saved', 'delta', 'done'])
  }
  const draft = await draftStageFields(deps(), { userId, sessionId, stage })
  await saveStageFields(deps(), { userId, sessionId, stage, fields: draft })
  return draft
}

const inAWeek = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10)
const inTwoWeeks = new Date(Date.now() + 14 * 86400_000).toISOString().slice(0, 10)
let firstSessionId: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  userId = await createUser(testDb.db, { displayName: 'Gina' })
})

afterAll(async () => {
  await testDb?.close()
})

describe('a guided session from Check In to action plans', () => {
  it('starts with a scripted Check In question and nothing remembered', async () => {
    const result = await startSession(testDb.db, { userId, sessionType: 'self_coaching' })
    expect(result.started).toBe(true)
    if (!result.started) return
    firstSessionId = result.sessionId
    const session = await getSession(testDb.db, { userId, sessionId: firstSessionId })
    expect(session.title).toMatch(/^Self-coaching — \d{1,2} \w{3} \d{4}$/)
    expect(session.currentStage).toBe(1)
    expect(session.memory).toEqual([])
    expect(await lastQuestion(firstSessionId, 1)).toMatch(/1 to 10/)
  })

  it('asks the next question after each answer and fills the fields from the answers', async () => {
    const checkIn = await runStage(firstSessionId, 1, ['About a 6', 'Tired but hopeful', 'Ready: 8 out of 10'])
    expect(checkIn).toEqual({ presenceLevel: 6, emotionalState: 'Tired but hopeful', previousActionsReview: [], readinessScore: 8 })

    const startingPoint = await runStage(firstSessionId, 2, [
      'Getting fit again',
      'I stopped exercising after the move and feel sluggish.',
      '4',
      'Stubborn\nLike mornings',
      'Long workdays',
      'A park nearby; a friend who runs',
    ])
    expect(startingPoint).toMatchObject({
      topic: 'Getting fit again',
      currentStateRating: 4,
      strengths: ['Stubborn', 'Like mornings'],
      resources: ['A park nearby', 'a friend who runs'],
    })

    await runStage(firstSessionId, 3, ['Run before work\nJoin a club', 'Hard to start', 'I never plan it', 'Mornings work best for me'])

    const finish = await runStage(firstSessionId, 4, [
      'Run 5k without stopping by the end of next month',
      'A continuous 5k run',
      'My running app shows 5k with no walking',
      'I ran before and have mornings free',
      'Energy for my kids',
      inTwoWeeks,
      `Buy running shoes by ${inAWeek}\nRun three times a week until ${inTwoWeeks}`,
      'Rain',
      'Run on the treadmill at the gym',
    ])
    expect(finish).toMatchObject({
      goalStatement: 'Run 5k without stopping by the end of next month',
      actionSteps: [
        { title: 'Buy running shoes', dueDate: inAWeek, priority: null },
        { title: 'Run three times a week', dueDate: inTwoWeeks },
      ],
      obstacles: ['Rain'],
    })

    await runStage(firstSessionId, 5, ['Small steps beat big plans', 'I need mornings', '9', '8'])
    const session = await getSession(testDb.db, { userId, sessionId: firstSessionId })
    expect(session.stages.map((s) => Boolean(s.completedAt))).toEqual([true, true, true, true, true])
  })

  it('a turn reads only its stage whole, and of earlier stages only the reviewed fields', async () => {
    const whole = await getSession(testDb.db, { userId, sessionId: firstSessionId })
    const forTurn = await testDb.db.asUser(userId, (tx) => readSession(tx, { userId, sessionId: firstSessionId, forTurnIn: 3 }))
    expect(forTurn.stages.map((s) => s.number)).toEqual([1, 2, 3])
    expect(forTurn.stages[2]).toEqual(whole.stages[2])
    for (const index of [0, 1]) {
      expect(forTurn.stages[index]!.responses.transcript).toEqual([])
      expect(forTurn.stages[index]!.responses.fields).toEqual(whole.stages[index]!.responses.fields)
    }
    expect(forTurn.memory).toEqual(whole.memory)
    expect(turnPrompt(forTurn, 3, []).system).toBe(turnPrompt(whole, 3, []).system)
  })

  it('completes once, composes the summary from the fields, and creates a plan per agreed step', async () => {
    await completeSession(testDb.db, { userId, sessionId: firstSessionId })
    const first = await ensureSummary(deps(), { userId, sessionId: firstSessionId })
    expect(first.generated).toBe(true)
    expect(first.summary.goalStatement).toBe('Run 5k without stopping by the end of next month')
    expect(first.summary.actionPlan).toEqual([
      { title: 'Buy running shoes', dueDate: inAWeek },
      { title: 'Run three times a week', dueDate: inTwoWeeks },
    ])
    // Bug 6 (issue 9): what was said, in the client's words — no counts, no doubled or
    // missing full stops, strengths, obstacles and ratings included, insights once each.
    expect(first.summary.executiveSummary).toBe(
      'You came to talk about Getting fit again. In your words: I stopped exercising after the move and feel sluggish. ' +
        'You put where things stand at 4 out of 10. You named your strengths: Stubborn and Like mornings. ' +
        'What stands in the way: Long workdays. The options you saw: Run before work and Join a club. ' +
        'What is really in the way, as you said: I never plan it. ' +
        'Your goal: Run 5k without stopping by the end of next month. ' +
        `You agreed to Buy running shoes by ${inAWeek} and Run three times a week by ${inTwoWeeks}. ` +
        'You rated the session 9 out of 10. Your next steps feel 8 out of 10 clear.',
    )
    expect(first.summary.keyInsights).toEqual(['Mornings work best for me', 'I need mornings', 'Small steps beat big plans'])
    expect(first.summary.supportAndAccountability).toBe(
      'What you can draw on: A park nearby and a friend who runs. Your plan if something gets in the way — if Rain: Run on the treadmill at the gym. ' +
        'Your next Check In starts with how these actions went.',
    )

    const again = await ensureSummary(deps(), { userId, sessionId: firstSessionId })
    expect(again.generated).toBe(false)
    expect(await getSummary(deps(), { userId, sessionId: firstSessionId })).toMatchObject({ upToDate: true })

    expect(await createPlansFromSession(deps(), { userId, sessionId: firstSessionId })).toMatchObject({ created: 2 })
    expect(await createPlansFromSession(deps(), { userId, sessionId: firstSessionId })).toMatchObject({ created: 0, existing: 2 })
    const plans = await listPlansForSession(testDb.db, { userId, sessionId: firstSessionId })
    expect(plans.map((p) => [p.title, p.timelineEnd, p.status])).toEqual([
      ['Buy running shoes', inAWeek, 'pending'],
      ['Run three times a week', inTwoWeeks, 'pending'],
    ])
    // Bug 6 (issue 9): the client gave no priority, so the plans have none (not an invented 3).
    expect(plans.map((p) => p.priority)).toEqual([null, null])
    // Bug 2 (issue 9): each plan's SMART criteria are the client's own Finish answers.
    for (const plan of plans) {
      const details = await getActionPlan(testDb.db, { userId, id: plan.id })
      expect(details.smartCriteria).toEqual({
        specific: 'A continuous 5k run',
        measurable: 'My running app shows 5k with no walking',
        achievable: 'I ran before and have mornings free',
        relevant: 'Energy for my kids',
        timeBound: inTwoWeeks,
      })
    }
  })

  it('the next Check In remembers the open plans and last summary, asks about each, and records a done plan', async () => {
    const result = await startSession(testDb.db, { userId, sessionType: 'self_coaching', title: 'Week two' })
    if (!result.started) throw new Error('expected a new session')
    const sessionId = result.sessionId
    const session = await getSession(testDb.db, { userId, sessionId })
    const memory = session.memory ?? []
    expect(memory.map((item) => item.kind)).toEqual(['open_action', 'open_action', 'last_summary'])
    expect(memory[0]?.text).toContain('Buy running shoes')

    // The client removes what they do not want the coach to see.
    const summaryItem = memory.find((item) => item.kind === 'last_summary')
    await updateMemoryItem(testDb.db, { userId, sessionId, itemId: summaryItem!.id, text: null })

    await say(sessionId, 1, '7')
    await say(sessionId, 1, 'Good')
    expect(await lastQuestion(sessionId, 1)).toContain('Buy running shoes')
    await say(sessionId, 1, 'Done! Bought them on Saturday.')
    expect(await lastQuestion(sessionId, 1)).toContain('Run three times a week')
    await say(sessionId, 1, 'Partly — the rain got in the way')
    await say(sessionId, 1, '9')
    const draft = await draftStageFields(deps(), { userId, sessionId, stage: 1 })
    expect(draft).toMatchObject({
      previousActionsReview: [
        { title: 'Buy running shoes', progress: 'done' },
        { title: 'Run three times a week', progress: 'partly', whatGotInTheWay: 'Partly — the rain got in the way' },
      ],
    })
    await saveStageFields(deps(), { userId, sessionId, stage: 1, fields: draft })
    const plans = await listPlansForSession(testDb.db, { userId, sessionId: firstSessionId })
    expect(plans.map((p) => p.status)).toEqual(['completed', 'in_progress'])
  })
})
