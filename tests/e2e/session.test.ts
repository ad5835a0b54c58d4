/**
 * A whole coaching session in Chromium, as a person does it: sign up, start a session,
 * talk through the five stages, review what each stage captured, complete the session and
 * read the summary and action plans. Once in guided mode (no AI configured) and once with
 * the AI coach, against a fake OpenAI-compatible server started here.
 */
import { randomUUID } from 'node:crypto'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { coachReply, createFakeOpenAI, lastUserMessage, scriptedObject, startFakeOpenAIServer, type Responder } from '../mocks/openai'
import { horizontalOverflow, launchChromium, openPage, phone, waitForHydration, type OpenedPage } from './support/browser'
import { startApp, type AppServer } from './support/server'

const fake = createFakeOpenAI()
let fakeServer: Awaited<ReturnType<typeof startFakeOpenAIServer>>
/** The app with no AI settings: guided mode. */
let guidedApp: AppServer
/** The app talking to the fake OpenAI-compatible server. */
let aiApp: AppServer
let browser: Browser
let opened: OpenedPage[] = []
let stderrBefore = new Map<AppServer, number>()

beforeAll(async () => {
  fakeServer = await startFakeOpenAIServer(fake)
  // Start everything at once: each app needs a few seconds to open its database.
  ;[guidedApp, aiApp, browser] = await Promise.all([
    startApp(),
    startApp({ env: { OPENAI_BASE_URL: fakeServer.baseUrl, AI_MODEL: 'fake-coach' } }),
    launchChromium(),
  ])
})

afterAll(async () => {
  await browser?.close()
  await Promise.all([guidedApp?.stop(), aiApp?.stop()])
  await fakeServer?.close()
})

beforeEach(() => {
  opened = []
  fake.reset()
  stderrBefore = new Map([guidedApp, aiApp].map((app) => [app, app.errorOutput().length]))
})

afterEach(async () => {
  try {
    for (const { problems } of opened) problems.assertNone()
    for (const [app, before] of stderrBefore) {
      expect(app.errorOutput().slice(before), 'an app wrote to stderr during the test').toBe('')
    }
  } finally {
    await Promise.all(opened.map(({ context }) => context.close()))
  }
})

// ─── the person and the session ─────────────────────────────────────────────────────

async function newPage(app: AppServer, options: Parameters<typeof openPage>[2] = {}) {
  const page = await openPage(browser, app.baseUrl, options)
  opened.push(page)
  return page
}

/** Signs a new person up through the sign-up form; they land on the dashboard. */
async function signUp(page: Page) {
  const id = randomUUID().slice(0, 8)
  await page.goto('/signup')
  await waitForHydration(page)
  await page.getByLabel('Your name').fill(`Sam Session ${id}`)
  await page.getByLabel('Email').fill(`sam.${id}@example.com`)
  await page.getByLabel('Password').fill(`Strong-pass-${id}-9`)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { level: 1, name: 'Your dashboard' }).waitFor()
}

/** Dashboard → "Start a session" → "Start session": the new session's Check In. */
async function startSessionFromDashboard(page: Page) {
  await page.getByRole('main').getByRole('link', { name: 'Start a session' }).click()
  await page.getByRole('heading', { level: 1, name: 'Start a session' }).waitFor()
  await page.getByRole('button', { name: 'Start session' }).click()
  await page.waitForURL((url) => /^\/sessions\/[0-9a-f-]{36}$/.test(url.pathname))
  await stageHeading(page, 1, 'Check In').waitFor()
}

function stageHeading(page: Page, number: number, name: string) {
  return page.getByRole('heading', { level: 2, name: `Stage ${number}: ${name}`, exact: true })
}

// ─── the conversation ────────────────────────────────────────────────────────────────

function conversation(page: Page) {
  return page.getByRole('log', { name: 'Conversation' })
}

interface Said {
  speaker: string
  text: string
}

/** The conversation as shown: who said what, in order (the reply still streaming in is not part of it). */
async function transcript(page: Page): Promise<Said[]> {
  return conversation(page)
    .getByRole('listitem')
    .evaluateAll((items) =>
      items.map((item) => ({
        speaker: item.querySelector('span')?.textContent ?? '',
        text: item.querySelector('div')?.textContent ?? '',
      })),
    )
}

async function waitForTranscriptLength(page: Page, length: number) {
  await expect.poll(async () => (await transcript(page)).length, { timeout: 15_000, interval: 50 }).toBe(length)
}

/** Types a message in "Your reply", sends it, and waits for the coach's reply; returns the reply. */
async function sendReply(page: Page, text: string): Promise<string> {
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
async function finishStage(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Finish stage' }).click()
  const review = page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Review your answers' }) })
  await review.waitFor()
  return review
}

function field(review: Locator, label: string): Promise<string> {
  return review.getByLabel(label, { exact: true }).inputValue()
}

/** The action-step rows of the Finish review form that are filled in. */
async function actionSteps(review: Locator): Promise<{ title: string; dueDate: string }[]> {
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
async function saveReview(page: Page, stage: number, next: { number: number; name: string } | null) {
  await page.getByRole('button', { name: next ? 'Save and continue' : 'Save', exact: true }).click()
  await page.getByRole('heading', { level: 2, name: 'Review your answers' }).waitFor({ state: 'detached' })
  if (next) await stageHeading(page, next.number, next.name).waitFor()
  else await page.getByRole('button', { name: 'Complete session' }).waitFor()
  await page.getByRole('navigation', { name: 'Stages' }).getByRole('link', { name: new RegExp(`^${stage}\\. .* \\(finished\\)$`) }).waitFor()
}

// ─── the summary ─────────────────────────────────────────────────────────────────────

function actionPlansCard(page: Page) {
  return page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: 'Action plans', exact: true }) })
}

/** "Complete session" → the summary page, which writes the summary and plans by itself. */
async function completeSession(page: Page) {
  await page.getByRole('button', { name: 'Complete session' }).click()
  await page.waitForURL((url) => /^\/sessions\/[0-9a-f-]{36}\/summary$/.test(url.pathname))
}

interface ShownSummary {
  goal: string
  steps: string[]
  plans: { title: string; due: string }[]
}

/** What the summary page shows once the summary and the plans are there. */
async function readSummary(page: Page): Promise<ShownSummary> {
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

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)
}

// ─── guided mode ─────────────────────────────────────────────────────────────────────

interface GuidedStage {
  number: number
  name: string
  /** Each scripted question (matched loosely) and what the person answers. */
  answers: { question: RegExp; answer: string }[]
  /** What the review form must show, by field label, parsed from the answers. */
  review: Record<string, string>
}

const shoesBy = isoDay(10)
const clubRunBy = isoDay(24)
const goal = 'Run three times a week until the end of the year.'

const guidedStages: GuidedStage[] = [
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
      { question: /What would you like to focus on/, answer: 'Getting back into running' },
      { question: /In one sentence/, answer: 'I stopped running in the summer and have not found a rhythm since.' },
      { question: /how would you rate where things stand/, answer: 'I would say 4' },
      { question: /What strengths/, answer: 'I enjoy being outside\nI ran a half marathon before' },
      { question: /What is making this hard/, answer: 'Dark evenings\nLong work days' },
      { question: /What people, time, tools/, answer: 'My running club\nThe gym treadmill' },
    ],
    review: {
      'Today’s topic': 'Getting back into running',
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
      { question: /By when will you achieve it/, answer: `By ${clubRunBy}` },
      { question: /What steps will you take/, answer: `Buy new running shoes by ${shoesBy}\nBook the Saturday club run by ${clubRunBy}` },
      { question: /What might get in the way/, answer: 'Bad weather\nLate meetings' },
      { question: /what will you do if it happens/, answer: 'Use the treadmill\nRun at lunchtime instead' },
    ],
    review: {
      'Your goal': goal,
      'Specific — what exactly': 'Three runs of at least 30 minutes each week.',
      'Measurable — how you will know': 'Every run is logged in my running app.',
      'Achievable — why it is within reach': 'I did this last spring.',
      'Relevant — why it matters now': 'I sleep better when I run.',
      'Time-bound — by when': `By ${clubRunBy}`,
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

/** Answers every scripted question of the stage, in order; the guided coach then says the stage is covered. */
async function answerGuidedStage(page: Page, stage: GuidedStage) {
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

describe('guided mode (no AI configured)', () => {
  test('a whole session: every scripted question answered, each stage reviewed, then the summary and one action plan per step', async () => {
    const { page } = await newPage(guidedApp)
    await signUp(page)
    await startSessionFromDashboard(page)
    await page.getByRole('status').filter({ hasText: /^AI is off: you are in guided mode/ }).waitFor()
    expect(await page.getByText('Replies are written by an AI coach').count(), 'no AI disclaimer without AI').toBe(0)

    for (const [index, stage] of guidedStages.entries()) {
      await answerGuidedStage(page, stage)
      const review = await finishStage(page)
      await review.getByText('Filled from your answers.').waitFor()
      for (const [label, value] of Object.entries(stage.review)) {
        expect(await field(review, label), `${stage.name}: ${label}`).toBe(value)
      }
      if (stage.name === 'Finish') {
        expect(await actionSteps(review)).toEqual([
          { title: 'Buy new running shoes', dueDate: shoesBy },
          { title: 'Book the Saturday club run', dueDate: clubRunBy },
        ])
      }
      // The conversation is closed while the answers are reviewed.
      expect(await page.getByLabel('Your reply').count()).toBe(0)
      const next = guidedStages[index + 1]
      await saveReview(page, stage.number, next ? { number: next.number, name: next.name } : null)
    }

    await completeSession(page)
    const summary = await readSummary(page)
    expect(summary.goal).toBe(goal)
    expect(summary.steps).toEqual([`Buy new running shoes — by ${shoesBy}`, `Book the Saturday club run — by ${clubRunBy}`])
    expect(summary.plans).toEqual([
      { title: 'Buy new running shoes', due: shoesBy },
      { title: 'Book the Saturday club run', due: clubRunBy },
    ])
    await page.getByText(/^Summary written; 2 action plans created\.$/).waitFor()
  })

  test('on a phone, the session page fits the screen', async () => {
    const { page } = await newPage(guidedApp, phone)
    await signUp(page)
    await startSessionFromDashboard(page)
    await sendReply(page, 'About a 6.')
    const { scrollWidth, clientWidth } = await horizontalOverflow(page)
    expect(clientWidth).toBe(390)
    expect(scrollWidth, 'the session page is wider than a 390 px screen').toBeLessThanOrEqual(clientWidth)
  })
})

// ─── with the AI coach ───────────────────────────────────────────────────────────────

const aiStages = [
  { number: 1, name: 'Check In', say: 'I feel fairly present, maybe a 7. A long week behind me.' },
  { number: 2, name: 'Starting Point', say: 'I want to finally start the plan for the new project.' },
  { number: 3, name: 'Connect', say: 'I could block Tuesday mornings, or ask a colleague to look at a draft.' },
  { number: 4, name: 'Finish', say: 'I will draft an outline within a week and review it with my manager the week after.' },
  { number: 5, name: 'Check Out', say: 'Starting rough beats waiting for perfect. This was a 9 for me.' },
] as const

/** The model call that drafted the stage's fields: the last one, structured. */
function draftingCall() {
  const call = fake.calls.at(-1)
  expect(call?.structured, 'Finish stage asked the model for structured fields').toBe(true)
  return call!
}

/** What the review form must show for each stage: the scripted coach's draft, field by field. */
function expectedDraft(stage: number, drafted: Record<string, unknown>): Record<string, string> {
  const list = (value: unknown) => (value as string[]).join('\n')
  switch (stage) {
    case 1:
      return {
        'How present you feel (1–10)': String(drafted.presenceLevel),
        'How you are feeling': String(drafted.emotionalState),
        'How ready you are for today (1–10)': String(drafted.readinessScore),
      }
    case 2:
      return { 'Today’s topic': String(drafted.topic), 'Where things stand (1–10)': String(drafted.currentStateRating), Obstacles: list(drafted.obstacles) }
    case 3:
      return { 'Options you came up with': list(drafted.options), Insights: list(drafted.insights) }
    case 4:
      return { 'Your goal': String(drafted.goalStatement), 'If an obstacle happens': list(drafted.contingencyPlans) }
    default:
      return { 'Key learnings': list(drafted.keyLearnings), 'How valuable the session was (1–10)': String(drafted.sessionValueRating) }
  }
}

/**
 * Answers a structured call with the scripted coach's object, but only after `ms`: slow
 * enough to see the page say it is working.
 */
function slowObject(ms: number): Responder {
  return (call) => {
    const text = JSON.stringify(scriptedObject(call))
    // Two chunks: a non-streamed answer waits delayMs × (chunks − 1).
    return { kind: 'text', text, chunkSize: Math.ceil(text.length / 2), delayMs: ms }
  }
}

interface StreamSnapshot {
  /** The text of the reply bubble still being written ('' when there is none). */
  live: string
  /** The last message of the conversation. */
  last: Said | null
}

/**
 * Records what the conversation shows at every change while a reply streams in. Returns a
 * function that stops watching and gives the snapshots.
 */
async function watchConversation(page: Page): Promise<() => Promise<StreamSnapshot[]>> {
  await conversation(page).evaluate((log) => {
    const snapshots: { live: string; last: { speaker: string; text: string } | null }[] = []
    const record = () => {
      // The reply being written is the log's only direct <div> with text (the transcript is an <ol>).
      const liveBubble = Array.from(log.children).find((child) => child.tagName === 'DIV' && child.textContent)
      const live = liveBubble?.querySelector(':scope > div')?.textContent ?? ''
      const lastItem = Array.from(log.querySelectorAll('li')).at(-1)
      const last = lastItem
        ? { speaker: lastItem.querySelector('span')?.textContent ?? '', text: lastItem.querySelector('div')?.textContent ?? '' }
        : null
      const previous = snapshots.at(-1)
      if (!previous || previous.live !== live || JSON.stringify(previous.last) !== JSON.stringify(last)) snapshots.push({ live, last })
    }
    const observer = new MutationObserver(record)
    observer.observe(log, { childList: true, subtree: true, characterData: true })
    Object.assign(window, { __e2eStopWatching: () => (observer.disconnect(), snapshots) })
  })
  return () => page.evaluate(() => (window as unknown as { __e2eStopWatching(): StreamSnapshot[] }).__e2eStopWatching())
}

/** Checks the reply grew in its bubble (at least two partial lengths), and stayed on screen, once, from its first words on. */
function expectStreamedVisibly(snapshots: StreamSnapshot[], reply: string) {
  const liveShowsReply = (s: StreamSnapshot) => s.live !== '' && reply.startsWith(s.live)
  const partialLengths = new Set(snapshots.filter((s) => liveShowsReply(s) && s.live.length < reply.length).map((s) => s.live.length))
  expect(partialLengths.size, `the reply grew in the bubble before it was complete: ${JSON.stringify(snapshots)}`).toBeGreaterThanOrEqual(2)

  const firstWords = snapshots.findIndex(liveShowsReply)
  const timesShown = snapshots
    .slice(firstWords)
    .map((s) => Number(liveShowsReply(s)) + Number(s.last?.speaker === 'Coach' && s.last.text === reply))
  expect(timesShown.every((times) => times === 1), `the reply stayed on screen, once, until it was saved: ${JSON.stringify(snapshots)}`).toBe(true)
}

/** Sends a message while the fake coach answers slowly, in small pieces: the reply visibly streams in. */
async function seeTheReplyStreamIn(page: Page, message: string) {
  const slowReply =
    'Thank you for arriving here today. A seven after a long week says something. ' +
    'What would help you be fully here for the next half hour?'
  fake.next({ kind: 'text', text: slowReply, chunkSize: 6, delayMs: 60 })
  const stopWatching = await watchConversation(page)
  expect(await sendReply(page, message)).toBe(slowReply)
  expectStreamedVisibly(await stopWatching(), slowReply)
}

/** The AI service fails (and every retry too): the message stays on screen, and "Try again" gets the reply. */
async function seeAFailedReplyRetried(page: Page, message: string) {
  const before = await transcript(page)
  fake.next({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 })
  const callsBefore = fake.calls.length
  await page.getByLabel('Your reply').fill(message)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  const failure = page.getByRole('alert').filter({ hasText: 'The AI service had a problem. What you wrote is saved; try again.' })
  await failure.waitFor()
  await waitForTranscriptLength(page, before.length + 1)
  expect(await transcript(page)).toEqual([...before, { speaker: 'You', text: message }])
  expect(fake.calls.length - callsBefore, 'the app retried the model call before giving up').toBe(3)

  await failure.getByRole('button', { name: 'Try again' }).click()
  await waitForTranscriptLength(page, before.length + 2)
  const retried = fake.calls.at(-1)!
  expect(lastUserMessage(retried), 'the retry sent the saved message').toBe(message)
  expect(await transcript(page)).toEqual([...before, { speaker: 'You', text: message }, { speaker: 'Coach', text: coachReply(retried) }])
  await failure.waitFor({ state: 'detached' })
}

describe('self-coaching with the AI coach', () => {
  test('a whole session: replies stream in, a failed reply is retried, each stage is drafted by the AI, and the summary is written once', async () => {
    const { page } = await newPage(aiApp)
    await signUp(page)
    await startSessionFromDashboard(page)
    await page.getByText('Replies are written by an AI coach. They are not medical, legal or therapeutic advice.').waitFor()
    expect(await page.getByText(/AI is off/).count(), 'no guided-mode notice with AI on').toBe(0)

    // What Finish saved: the goal and the steps the summary and the plans must carry.
    const agreed = { goal: '', steps: [] as { title: string; dueDate: string }[] }
    for (const [index, stage] of aiStages.entries()) {
      await stageHeading(page, stage.number, stage.name).waitFor()
      expect(await transcript(page), `${stage.name} opens with one question`).toEqual([{ speaker: 'Coach', text: expect.stringContaining('?') }])

      if (stage.number === 1) await seeTheReplyStreamIn(page, stage.say)
      else if (stage.number === 2) await seeAFailedReplyRetried(page, stage.say)
      else expect(await sendReply(page, stage.say)).toBe(coachReply(fake.calls.at(-1)!))

      const review = await finishStage(page)
      await review.getByText('Drafted from the conversation.').waitFor()
      const drafted = scriptedObject(draftingCall()) as Record<string, unknown>
      for (const [label, value] of Object.entries(expectedDraft(stage.number, drafted))) {
        expect(await field(review, label), `${stage.name}: ${label}`).toBe(value)
      }
      if (stage.number === 4) {
        agreed.goal = String(drafted.goalStatement)
        agreed.steps = (drafted.actionSteps as { title: string; dueDate: string }[]).map(({ title, dueDate }) => ({ title, dueDate }))
        expect(await actionSteps(review)).toEqual(agreed.steps)
      }
      const next = aiStages[index + 1]
      await saveReview(page, stage.number, next ? { number: next.number, name: next.name } : null)
    }

    // The summary takes a moment to write, long enough to see the page say so.
    fake.next(slowObject(800))
    await completeSession(page)
    await page.getByRole('status').filter({ hasText: 'Writing your summary and action plans…' }).waitFor()
    const summary = await readSummary(page)
    expect(summary.goal).toBe(agreed.goal)
    expect(summary.steps).toEqual(agreed.steps.map((step) => `${step.title} — by ${step.dueDate}`))
    expect(summary.plans).toEqual(agreed.steps.map((step) => ({ title: step.title, due: step.dueDate })))
    await page.getByText('Written with AI from your own answers. Not medical, legal or therapeutic advice.').waitFor()
    const writingCalls = fake.calls
      .map((call) => (call.schemaKeys.includes('executiveSummary') ? 'summary' : call.schemaKeys.includes('plans') ? 'plans' : null))
      .filter(Boolean)
    expect(writingCalls, 'one model call wrote the summary, one the plans').toEqual(['summary', 'plans'])

    // Reading the summary again costs no model call.
    const callsBeforeReload = fake.calls.length
    await page.reload()
    expect(await readSummary(page)).toEqual(summary)
    expect(await page.getByRole('status').filter({ hasText: 'Writing your summary' }).count()).toBe(0)
    expect(fake.calls.length, 'reloading the summary called the model').toBe(callsBeforeReload)
  })
})
