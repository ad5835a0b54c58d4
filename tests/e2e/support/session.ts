/**
 * A coaching session as a person goes through it in the browser: sign up, start a session,
 * answer the guided questions of each stage, review and save each stage, complete the
 * session and read its summary. Shared by the session and the action-plan tests.
 */
import { randomUUID } from 'node:crypto'
import type { Locator, Page } from 'playwright-core'
import { expect } from 'vitest'
import { waitForHydration } from './browser'

// ─── the person and the session ─────────────────────────────────────────────────────

export interface Person {
  name: string
  email: string
  password: string
}

/** Signs a new person up through the sign-up form; they land on the dashboard. */
export async function signUp(page: Page): Promise<Person> {
  const id = randomUUID().slice(0, 8)
  const person = { name: `Sam Session ${id}`, email: `sam.${id}@example.com`, password: `Strong-pass-${id}-9` }
  await page.goto('/signup')
  await waitForHydration(page)
  await page.getByLabel('Your name').fill(person.name)
  await page.getByLabel('Email').fill(person.email)
  await page.getByLabel('Password').fill(person.password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { level: 1, name: 'Your dashboard' }).waitFor()
  return person
}

/**
 * A coach who signed up and created a program, and a client who joined it through the
 * invite link the coach made: both land signed in, the client on the program's page.
 */
export async function coachAndClient(coach: Page, client: Page): Promise<{ coach: Person; clientName: string; programName: string }> {
  const coachPerson = await signUp(coach)
  const programName = `Practice of ${coachPerson.name}`
  await coach.goto('/programs')
  await waitForHydration(coach)
  await coach.getByLabel('Program name').fill(programName)
  await coach.getByRole('button', { name: 'Create program' }).click()
  await coach.getByRole('button', { name: 'Create invite link' }).click()
  const inviteUrl = await coach.getByLabel('Invite link').inputValue()

  const id = randomUUID().slice(0, 8)
  const clientName = `Cli Ent ${id}`
  await client.goto(new URL(inviteUrl).pathname)
  await waitForHydration(client)
  await client.getByRole('link', { name: 'Create an account and join' }).click()
  await client.getByLabel('Your name').fill(clientName)
  await client.getByLabel('Email').fill(`client.${id}@example.com`)
  await client.getByLabel('Password').fill(`Strong-pass-${id}-9`)
  await client.getByRole('button', { name: 'Create account' }).click()
  await client.getByText(/You joined/).waitFor()
  return { coach: coachPerson, clientName, programName }
}

/** Dashboard → "Start a session" → "Start session": the new session's Check In. */
export async function startSessionFromDashboard(page: Page) {
  await page.getByRole('main').getByRole('link', { name: 'Start a session' }).click()
  await page.getByRole('heading', { level: 1, name: 'Start a session' }).waitFor()
  await page.getByRole('button', { name: 'Start session' }).click()
  await page.waitForURL((url) => /^\/sessions\/[0-9a-f-]{36}\/stages\/1$/.test(url.pathname))
  await stageHeading(page, 1, 'Check In').waitFor()
}

export function stageHeading(page: Page, number: number, name: string) {
  return page.getByRole('heading', { level: 2, name: `Stage ${number}: ${name}`, exact: true })
}

// ─── the conversation ────────────────────────────────────────────────────────────────

export function conversation(page: Page) {
  return page.getByRole('log', { name: 'Conversation' })
}

export interface Said {
  speaker: string
  text: string
}

/** The conversation as shown: who said what, in order (the reply still streaming in is not part of it). */
export async function transcript(page: Page): Promise<Said[]> {
  return conversation(page)
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map((item) => ({
        speaker: item.querySelector('span')?.textContent ?? '',
        text: item.querySelector('div')?.textContent ?? '',
      })),
    )
}

export async function waitForTranscriptLength(page: Page, length: number) {
  await expect.poll(async () => (await transcript(page)).length, { timeout: 15_000, interval: 50 }).toBe(length)
}

/** Types a message in "Your reply", sends it, and waits for the coach's reply; returns the reply. */
export async function sendReply(page: Page, text: string): Promise<string> {
  const before = await transcript(page)
  await page.getByLabel('Your reply').fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await waitForTranscriptLength(page, before.length + 2)
  const after = await transcript(page)
  expect(after.slice(0, before.length), 'what was said before stays as it was').toEqual(before)
  expect(after.at(-2)).toEqual({ speaker: 'You', text })
  expect(after.at(-1)?.speaker).toBe('Coach')
  expect(await page.getByLabel('Your reply').inputValue(), 'the box is emptied once the message is saved').toBe('')
  return after.at(-1)!.text
}

// ─── finishing a stage ───────────────────────────────────────────────────────────────

/** "Finish stage": the stage's answers are drafted into the review form, which is returned. */
export async function finishStage(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Finish stage' }).click()
  const review = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Review your answers' }) })
  await review.waitFor()
  return review
}

export function field(review: Locator, label: string): Promise<string> {
  return review.getByLabel(label, { exact: true }).inputValue()
}

/** The action-step rows of the Finish review form that are filled in. */
export async function actionSteps(review: Locator): Promise<{ title: string; dueDate: string }[]> {
  const group = review.getByRole('group', { name: 'Action steps you agreed to' })
  const rows = await group.getByLabel(/^Step \d+$/).count()
  const steps: { title: string; dueDate: string }[] = []
  for (let index = 0; index < rows; index++) {
    const title = await group.getByLabel(`Step ${index + 1}`, { exact: true }).inputValue()
    const dueDate = await group.getByLabel('Due date', { exact: true }).nth(index).inputValue()
    if (title || dueDate) steps.push({ title, dueDate })
  }
  return steps
}

/** Saves the review form; the next stage opens (or, after Check Out, the session can be completed). */
export async function saveReview(page: Page, stage: number, next: { number: number; name: string } | null) {
  await page.getByRole('button', { name: next ? 'Save and continue' : 'Save', exact: true }).click()
  await page.getByRole('heading', { level: 2, name: 'Review your answers' }).waitFor({ state: 'detached' })
  if (next) await stageHeading(page, next.number, next.name).waitFor()
  else await page.getByRole('button', { name: 'Complete session' }).waitFor()
  await page.getByRole('navigation', { name: 'Stages' }).getByRole('link', { name: new RegExp(`^${stage}\\. .* \\(finished\\)$`) }).waitFor()
}

// ─── the summary ─────────────────────────────────────────────────────────────────────

export function actionPlansCard(page: Page) {
  return page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Action plans', exact: true }) })
}

/** "Complete session" → the summary page, which writes the summary and plans by itself. */
export async function completeSession(page: Page) {
  await page.getByRole('button', { name: 'Complete session' }).click()
  await page.waitForURL((url) => /^\/sessions\/[0-9a-f-]{36}\/summary$/.test(url.pathname))
}

export interface ShownSummary {
  goal: string
  steps: string[]
  plans: { title: string; due: string }[]
}

/** What the summary page shows once the summary and the plans are there. */
export async function readSummary(page: Page): Promise<ShownSummary> {
  await actionPlansCard(page).waitFor()
  const goal = await page.getByRole('heading', { level: 2, name: 'Your goal', exact: true }).locator('xpath=following-sibling::p').textContent()
  const steps = await page
    .getByRole('heading', { level: 2, name: 'Action plan', exact: true })
    .locator('xpath=following-sibling::ol/li')
    .allTextContents()
  const plans = await actionPlansCard(page)
    .locator('ol > li')
    .evaluateAll((items) =>
      items.map((item) => ({
        title: item.querySelector('a')?.textContent ?? '',
        due: /due (\d{4}-\d{2}-\d{2})/.exec(item.textContent ?? '')?.[1] ?? '',
      })),
    )
  return { goal: goal ?? '', steps, plans }
}

/** The date `offsetDays` from today (UTC, the timezone new accounts start in), as YYYY-MM-DD. */
export function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)
}

// ─── guided mode ─────────────────────────────────────────────────────────────────────

export interface GuidedStage {
  number: number
  name: string
  /** Each scripted question (matched loosely) and what the person answers. */
  answers: { question: RegExp; answer: string }[]
  /** What the review form must show, by field label, parsed from the answers. */
  review: Record<string, string>
}

export interface GuidedPlan {
  /** The Starting Point topic, which becomes the plans' coaching theme. */
  topic: string
  goal: string
  /** The date the goal is reached by (answered as "By <date>"). */
  goalBy: string
  /** The action steps agreed in Finish, each answered as "<title> by <dueDate>". */
  steps: { title: string; dueDate: string }[]
}

/** The answers to every guided question of a whole session, and what each stage's review must show. */
export function guidedStages({ topic, goal, goalBy, steps }: GuidedPlan): GuidedStage[] {
  return [
    {
      number: 1,
      name: 'Check In',
      answers: [
        { question: /how present do you feel/, answer: 'About a 7 today.' },
        { question: /how are you feeling today/, answer: 'Curious, a bit tired.' },
        { question: /how ready do you feel/, answer: '8, let us go' },
      ],
      review: {
        'How present you feel (1–10)': '7',
        'How you are feeling': 'Curious, a bit tired.',
        'How ready you are for today (1–10)': '8',
      },
    },
    {
      number: 2,
      name: 'Starting Point',
      answers: [
        { question: /What would you like to focus on/, answer: topic },
        { question: /In one sentence/, answer: 'I stopped running in the summer and have not found a rhythm since.' },
        { question: /how would you rate where things stand/, answer: 'I would say 4' },
        { question: /What strengths/, answer: 'I enjoy being outside\nI ran a half marathon before' },
        { question: /What is making this hard/, answer: 'Dark evenings\nLong work days' },
        { question: /What people, time, tools/, answer: 'My running club\nThe gym treadmill' },
      ],
      review: {
        'Today’s topic': topic,
        'The problem, in one sentence': 'I stopped running in the summer and have not found a rhythm since.',
        'Where things stand (1–10)': '4',
        Strengths: 'I enjoy being outside\nI ran a half marathon before',
        Obstacles: 'Dark evenings\nLong work days',
        Resources: 'My running club\nThe gym treadmill',
      },
    },
    {
      number: 3,
      name: 'Connect',
      answers: [
        { question: /What options do you have/, answer: 'Run before work\nJoin the Saturday club run\nUse the treadmill on rainy days' },
        { question: /What challenges/, answer: 'Getting up early' },
        { question: /What is really in the way/, answer: 'I tell myself I am too tired' },
        { question: /what are you realising/, answer: 'Short runs still count\nI need a fixed slot' },
      ],
      review: {
        'Options you came up with': 'Run before work\nJoin the Saturday club run\nUse the treadmill on rainy days',
        Challenges: 'Getting up early',
        'What is really in the way': 'I tell myself I am too tired',
        Insights: 'Short runs still count\nI need a fixed slot',
      },
    },
    {
      number: 4,
      name: 'Finish',
      answers: [
        { question: /What is your goal/, answer: goal },
        { question: /What exactly will you achieve/, answer: 'Three runs of at least 30 minutes each week.' },
        { question: /How will you know/, answer: 'Every run is logged in my running app.' },
        { question: /within your reach/, answer: 'I did this last spring.' },
        { question: /important to you now/, answer: 'I sleep better when I run.' },
        { question: /By when will you achieve it/, answer: `By ${goalBy}` },
        { question: /What steps will you take/, answer: steps.map((step) => `${step.title} by ${step.dueDate}`).join('\n') },
        { question: /What might get in the way/, answer: 'Bad weather\nLate meetings' },
        { question: /what will you do if it happens/, answer: 'Use the treadmill\nRun at lunchtime instead' },
      ],
      review: {
        'Your goal': goal,
        'Specific — what exactly': 'Three runs of at least 30 minutes each week.',
        'Measurable — how you will know': 'Every run is logged in my running app.',
        'Achievable — why it is within reach': 'I did this last spring.',
        'Relevant — why it matters now': 'I sleep better when I run.',
        'Time-bound — by when': `By ${goalBy}`,
        'Obstacles you expect': 'Bad weather\nLate meetings',
        'If an obstacle happens': 'Use the treadmill\nRun at lunchtime instead',
      },
    },
    {
      number: 5,
      name: 'Check Out',
      answers: [
        { question: /What are the key things you learned/, answer: 'Short runs still count\nA fixed slot beats willpower' },
        { question: /What insight about yourself/, answer: 'I wait for perfect conditions' },
        { question: /how valuable was this session/, answer: '9' },
        { question: /how clear do you feel/, answer: 'Clear: 8 out of 10' },
      ],
      review: {
        'Key learnings': 'Short runs still count\nA fixed slot beats willpower',
        'Insights you take away': 'I wait for perfect conditions',
        'How valuable the session was (1–10)': '9',
        'How clear your next steps are (1–10)': '8',
      },
    },
  ]
}

/** Answers every scripted question of the stage, in order; the guided coach then says the stage is covered. */
export async function answerGuidedStage(page: Page, stage: GuidedStage) {
  await stageHeading(page, stage.number, stage.name).waitFor()
  const opening = await transcript(page)
  expect(opening, `${stage.name} opens with its first question and nothing else`).toEqual([
    { speaker: 'Coach', text: expect.stringMatching(stage.answers[0]!.question) },
  ])
  for (const { question, answer } of stage.answers) {
    const asked = (await transcript(page)).at(-1)
    expect(asked?.speaker).toBe('Coach')
    expect(asked?.text).toMatch(question)
    await sendReply(page, answer)
  }
  expect((await transcript(page)).at(-1)?.text).toContain(`that covers ${stage.name}`)
}

/**
 * A whole guided session from the dashboard: every stage answered, reviewed as drafted and
 * saved, then completed. Ends on the summary page once it shows the summary and the plans.
 */
export async function finishGuidedSession(page: Page, stages: GuidedStage[]): Promise<ShownSummary> {
  await startSessionFromDashboard(page)
  for (const [index, stage] of stages.entries()) {
    await answerGuidedStage(page, stage)
    await finishStage(page)
    const next = stages[index + 1]
    await saveReview(page, stage.number, next ? { number: next.number, name: next.name } : null)
  }
  await completeSession(page)
  return readSummary(page)
}
