/**
 * A whole coaching session in Chromium, as a person does it: sign up, start a session,
 * talk through the five stages, review what each stage captured, complete the session and
 * read the summary and action plans. Once in guided mode (no AI configured) and once with
 * the AI coach, against a fake OpenAI-compatible server started here.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { stageInfo } from '#lib/coaching/stages.shared'
import { coachReply, lastUserMessage, scriptedObject, type Responder } from '../mocks/openai'
import { horizontalOverflow, phone } from './support/browser'
import { useGuidedAndAiApps } from './support/guided-and-ai-apps'
import {
  actionSteps,
  answerGuidedStage,
  completeSession,
  conversation,
  field,
  finishStage,
  guidedStages,
  isoDay,
  readSummary,
  saveReview,
  sendReply,
  signUp,
  stageHeading,
  startSessionFromDashboard,
  transcript,
  waitForTranscriptLength,
  type Said,
} from './support/session'

/** The app in guided mode and the app with the AI coach (a fake OpenAI-compatible server). */
const { apps, newPage, fake } = useGuidedAndAiApps()

// ─── guided mode ─────────────────────────────────────────────────────────────────────

const shoesBy = isoDay(10)
const clubRunBy = isoDay(24)
const goal = 'Run three times a week until the end of the year.'

const runningStages = guidedStages({
  topic: 'Getting back into running',
  goal,
  goalBy: clubRunBy,
  steps: [
    { title: 'Buy new running shoes', dueDate: shoesBy },
    { title: 'Book the Saturday club run', dueDate: clubRunBy },
  ],
})

describe('guided mode (no AI configured)', () => {
  test('a whole session: every scripted question answered, each stage reviewed, then the summary and one action plan per step', async () => {
    const { page } = await newPage(apps.guided)
    await signUp(page)
    await startSessionFromDashboard(page)
    await page.getByRole('status').filter({ hasText: /^AI is off: you are in guided mode/ }).waitFor()
    expect(await page.getByText('Replies are written by an AI coach').count(), 'no AI disclaimer without AI').toBe(0)

    for (const [index, stage] of runningStages.entries()) {
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
      const next = runningStages[index + 1]
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
    const { page } = await newPage(apps.guided, phone)
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
/** What the review form shows of a draft: each single-box field of the stage, by its label in the registry. */
function expectedDraft(stage: number, drafted: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    stageInfo(stage).fieldSpecs.flatMap((spec) => {
      const value = drafted[spec.key]
      if (spec.kind === 'list') return [[spec.label, (value as string[]).join('\n')]]
      if (spec.kind === 'rating' || spec.kind === 'text') return [[spec.label, String(value)]]
      return []
    }),
  )
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
    const { page } = await newPage(apps.ai)
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
