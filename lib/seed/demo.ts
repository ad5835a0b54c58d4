import { randomUUID } from 'node:crypto'
import { hashPassword } from '../auth/built-in-auth'
import { runTurn } from '../coaching/conversation'
import { fieldsFromGuidedAnswers, guidedQuestions } from '../coaching/guided'
import { completeSession, getSession, setSessionSharing, startSession } from '../coaching/sessions'
import { draftStageFields, saveStageFields } from '../coaching/stage-work'
import { stageNumbers, type StageNumber } from '../coaching/stages.shared'
import { ensureSummary, releaseSession } from '../coaching/summary'
import type { Database } from '../db/database'
import { addMilestone, createActionPlan, listPlansForSession, setActionPlanStatus, setMilestoneCompleted } from '../plans/action-plans'
import { createPlansFromSession } from '../plans/from-session'
import { acceptInvite, createInvite, createProgram } from '../programs/programs'
import { readClientSettings } from '../profiles'
import { seedDemoLibrary } from './demo-library'

/**
 * Demo data for the embedded database: a coach (with a library, lib/seed/demo-library.ts), two clients in the coach's program,
 * finished sessions (one self-coaching and shared, one coach-led and released), their
 * summaries, action plans and milestones — some done, one overdue, one due this week —
 * so a new user sees the product working before typing anything. Everything after the
 * accounts goes through the same code as the app, in guided mode.
 */

export const demoAccounts = [
  { email: 'coach@demo.stagecoach.app', password: 'Demo-Coach-2026', displayName: 'Morgan (demo coach)', role: 'coach' },
  { email: 'diego@demo.stagecoach.app', password: 'Demo-Client-2026', displayName: 'Diego (demo client)', role: 'client' },
  { email: 'amara@demo.stagecoach.app', password: 'Demo-Client-2026', displayName: 'Amara (demo client)', role: 'client' },
] as const

const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10)

/** Answers for each stage's guided questions, in order; Check In has nothing to review yet. */
function diegoAnswers(): Record<StageNumber, string[]> {
  return {
    1: ['7', 'A bit scattered after a busy week, but curious', '8'],
    2: [
      'Finding time for deep work',
      'Meetings and messages eat my days, so the strategy document never moves.',
      '4',
      'I plan well when I sit down to it\nColleagues trust me',
      'Back-to-back meetings\nChecking messages constantly',
      'A manager who supports focus time\nNoise-cancelling headphones',
    ],
    3: [
      'Block two mornings a week\nTurn off notifications until 11\nAsk for a no-meeting day',
      'Saying no to meetings feels rude',
      'I default to being available',
      'Protecting time is part of doing my job well',
    ],
    4: [
      'Finish the first draft of the strategy document this month',
      'A complete first draft shared with my manager',
      'The draft is in the shared folder and my manager has it',
      'I already have the outline and two mornings are enough',
      'It shapes next year’s budget',
      day(12),
      `Block Tuesday and Thursday mornings in my calendar by ${day(-2)}\nWrite the outline into full sections by ${day(-1)}\nShare the draft with my manager by ${day(12)}`,
      'An urgent request lands on a blocked morning',
      'Move the block to the afternoon, never drop it',
    ],
    5: ['Small protected blocks beat waiting for free time', 'Being unavailable for a while is fine', '9', '8'],
  }
}

function amaraAnswers(): Record<StageNumber, string[]> {
  return {
    1: ['6', 'Nervous about the new role', '7'],
    2: ['Leading my first team', 'I was promoted and I am not sure how to run one-to-ones.', '5', 'I listen well', 'No template for one-to-ones', 'My own former manager'],
    3: ['Ask my former manager for her format\nTry a simple three-question agenda', 'I worry about seeming unprepared', 'Not knowing what good looks like', 'A plain structure would calm me down'],
    4: [
      'Run a useful one-to-one with each of my four reports',
      'Four one-to-ones with notes',
      'Each report has had one and I have notes',
      'I have the calendar time',
      'My team needs it now',
      day(20),
      `Ask Jo for her one-to-one format by ${day(3)}\nHold the first one-to-one by ${day(9)}`,
      'Calendar clashes',
      'Book them as recurring slots',
    ],
    5: ['Structure helps me listen better', 'I can ask for help', '8', '9'],
  }
}

async function answerGuided(db: Database, userId: string, sessionId: string, answers: Record<StageNumber, string[]>) {
  for (const stage of stageNumbers) {
    for (const text of answers[stage]) {
      for await (const event of runTurn({ db, ai: null }, { userId, sessionId, stage, input: { kind: 'message', messageId: randomUUID(), text } })) {
        if (event.type === 'error') throw new Error(`Seeding stage ${stage}: ${event.message}`)
      }
    }
    await saveStageFields({ db, ai: null }, { userId, sessionId, stage, fields: await draftStageFields({ db, ai: null }, { userId, sessionId, stage }) })
  }
}

async function coachAnswers(db: Database, coachId: string, sessionId: string, answers: Record<StageNumber, string[]>) {
  // A coach-led session: the coach's notes, and the fields the guided parser draws from them.
  const session = await getSession(db, { userId: coachId, sessionId })
  const memory = session.memory
  const { timeZone } = await db.asUser(coachId, (tx) => readClientSettings(tx, { clientId: session.clientId }))
  for (const stage of stageNumbers) {
    const questions = guidedQuestions(stage, memory)
    const transcript = questions.flatMap((q, i) => [
      { id: randomUUID(), role: 'assistant' as const, content: q.question, at: new Date().toISOString(), field: q.field },
      { id: randomUUID(), role: 'client' as const, content: answers[stage][i] ?? '', at: new Date().toISOString() },
    ])
    await saveStageFields({ db, ai: null }, { userId: coachId, sessionId, stage, fields: fieldsFromGuidedAnswers(stage, transcript, memory, { timeZone }) })
  }
}

export async function seedDemo(db: Database, log: (line: string) => void = () => {}): Promise<{ created: boolean }> {
  const [existing] = await db.asService((tx) => tx.query('select id from auth.users where email = $1', [demoAccounts[0].email]))
  if (existing) return { created: false }

  const ids: string[] = []
  for (const account of demoAccounts) {
    const [row] = await db.asService(async (tx) =>
      tx.query<{ id: string }>(
        `insert into auth.users (id, email, encrypted_password, raw_user_meta_data) values (gen_random_uuid(), $1, $2, $3::jsonb) returning id`,
        [account.email, await hashPassword(account.password), JSON.stringify({ display_name: account.displayName })],
      ),
    )
    if (!row) throw new Error('Creating a demo account returned no id')
    ids.push(row.id)
  }
  const [coach = '', diego = '', amara = ''] = ids
  log('accounts created')

  const programId = await createProgram(db, { userId: coach, name: 'Morgan Coaching (demo)' })
  for (const client of [diego, amara]) {
    const { token } = await createInvite(db, { userId: coach, programId, role: 'client' })
    await acceptInvite(db, { userId: client, token })
  }
  log('program and invites done')

  // Diego: a self-coaching session he shared with his coach.
  const diegoSession = await startSession(db, { userId: diego, sessionType: 'self_coaching', title: 'Making room for deep work' })
  if (!diegoSession.started) throw new Error('Diego already has an active session')
  await answerGuided(db, diego, diegoSession.sessionId, diegoAnswers())
  await completeSession(db, { userId: diego, sessionId: diegoSession.sessionId })
  await ensureSummary({ db, ai: null }, { userId: diego, sessionId: diegoSession.sessionId })
  await createPlansFromSession({ db, ai: null }, { userId: diego, sessionId: diegoSession.sessionId })
  await setSessionSharing(db, { userId: diego, sessionId: diegoSession.sessionId, share: { coachId: coach, programId } })
  const diegoPlans = await listPlansForSession(db, { userId: diego, sessionId: diegoSession.sessionId })
  const [blockTime, writeOutline, shareDraft] = diegoPlans
  if (blockTime && writeOutline && shareDraft) {
    await setActionPlanStatus(db, { userId: diego, id: blockTime.id, status: 'completed' })
    await setActionPlanStatus(db, { userId: diego, id: writeOutline.id, status: 'in_progress' })
    const milestones = [
      { title: 'Introduction and context', dueDate: day(-5) },
      { title: 'Options and trade-offs', dueDate: day(-3) },
      { title: 'Recommendation', dueDate: day(-1) },
    ]
    for (const input of milestones) {
      await addMilestone(db, { userId: diego, planId: writeOutline.id, requestKey: randomUUID(), input })
    }
    const withMilestones = await listPlansForSession(db, { userId: diego, sessionId: diegoSession.sessionId })
    const firstMilestone = withMilestones.find((p) => p.id === writeOutline.id)?.milestones[0]
    if (firstMilestone) await setMilestoneCompleted(db, { userId: diego, planId: writeOutline.id, milestoneId: firstMilestone.id, completed: true })
  }
  log('Diego’s session done')

  // Amara: a session her coach led, reviewed and released to her.
  const amaraSession = await startSession(db, { userId: coach, sessionType: 'coach_led', clientId: amara, programId, title: 'First weeks as a team lead' })
  if (!amaraSession.started) throw new Error('The coach already has an active session')
  await coachAnswers(db, coach, amaraSession.sessionId, amaraAnswers())
  await completeSession(db, { userId: coach, sessionId: amaraSession.sessionId })
  await ensureSummary({ db, ai: null }, { userId: coach, sessionId: amaraSession.sessionId })
  await createPlansFromSession({ db, ai: null }, { userId: coach, sessionId: amaraSession.sessionId })
  await releaseSession({ db, ai: null }, { userId: coach, sessionId: amaraSession.sessionId })
  await createActionPlan(db, {
    userId: amara,
    requestKey: randomUUID(),
    input: { title: 'Read “The Making of a Manager”', theme: 'Leading my first team', priority: 4, timelineEnd: day(-5) },
  })
  log('Amara’s session done')
  await seedDemoLibrary(db, { coach, programId, diego, amara })
  log('The coach’s library done')
  return { created: true }
}
