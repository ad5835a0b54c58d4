/**
 * The weekly review in Chromium (issue 13): the coach writes this week for a client (a
 * strength session and a run, both today), the client logs both and marks them complete,
 * the week ends, the review appears on the coach's week page, the coach edits its words and
 * releases it, and only then the client reads it on their week page.
 *
 * How "the week ends" here: the app reads the real time, and nothing in it knows about tests.
 * The `weekly-reviews` job takes the time it runs at as its data (`now`; the hourly schedule
 * sends none and so uses the real time, as a late rerun would pass the hour it stands for).
 * The test stops the app, runs that job as defined — `weeklyReviewsJob.perform` — on the
 * app's own embedded database folder with `now` = next Monday at noon UTC, exactly what the
 * worker would do when next Monday comes, and starts the app again on the same folder and
 * port (sign-in cookies and the generated session secret live in that folder, so both people
 * stay signed in). The embedded database belongs to one process at a time, which is why the
 * app is stopped rather than the job sent to it. The browser's clock is left alone: the pages
 * show the week being looked at, whatever day it is.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { createDatabase } from '#lib/db/database'
import { openDriver } from '#lib/db/open'
import { weeklyReviewsJob } from '#lib/jobs/definitions'
import { addDays, mondayOf } from '#lib/weekly/weeks.shared'
import { launchChromium, openPage, waitForHydration, type OpenedPage } from './support/browser'
import { startApp, type AppServer } from './support/server'
import { coachAndClient } from './support/session'

let browser: Browser
let app: AppServer
let dataDir = ''
const opened: OpenedPage[] = []

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'stagecoach-e2e-review-'))
  ;[browser, app] = await Promise.all([launchChromium(), startApp({ dataDir })])
})

afterEach(async () => {
  try {
    for (const { problems } of opened) problems.assertNone()
    expect(app.errorOutput(), 'the app wrote to stderr').toBe('')
  } finally {
    await Promise.all(opened.map(({ context }) => context.close()))
  }
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  if (dataDir) await rm(dataDir, { recursive: true, force: true })
})

const todayUtc = () => new Date().toISOString().slice(0, 10)

async function newPage(): Promise<Page> {
  const page = await openPage(browser, app.baseUrl)
  opened.push(page)
  return page.page
}

/** Plan item `index` (from 1): its day, title and prescription. */
async function planSession(coach: Page, index: number, fill: (group: ReturnType<Page['getByRole']>) => Promise<void>) {
  await coach.getByRole('button', { name: 'Add a session' }).click()
  const group = coach.getByRole('group', { name: new RegExp(`^Session ${index}`) })
  await group.getByLabel('Day').selectOption(todayUtc())
  await fill(group)
}

/** On a session's page: records a value in the form for `metric`, and waits until the page lists it. */
async function record(client: Page, metric: string, field: string, value: string, shown: string) {
  const form = client.getByRole('form', { name: `Record ${metric}` })
  await form.getByLabel(field, { exact: true }).fill(value)
  await form.getByRole('button', { name: 'Record' }).click()
  await expect.poll(() => client.getByRole('list', { name: `${metric}: recorded` }).innerText()).toContain(shown)
}

describe('the weekly review', () => {
  test('coach plans the week, the client logs two sessions, the week ends, the coach edits and releases the review, the client reads it', async () => {
    const coach = await newPage()
    const client = await newPage()
    const { clientName, programName } = await coachAndClient(coach, client)
    const week = mondayOf(todayUtc())

    // ── The coach writes this week: squats and a run, both today.
    await coach.goto('/programs')
    await coach.getByRole('link', { name: programName }).click()
    await coach.getByRole('link', { name: clientName }).click()
    await coach.getByRole('link', { name: 'Plan the week' }).click()
    await coach.getByRole('heading', { level: 1, name: `${clientName}’s week` }).waitFor()
    await waitForHydration(coach)
    const coachWeekUrl = coach.url()
    await coach.getByLabel('Note for the week').fill('Strength and one run.')
    await planSession(coach, 1, async (group) => {
      await group.getByLabel('Title', { exact: true }).fill('Squats')
      await group.getByLabel('Prescription').selectOption('strength')
      await group.getByLabel('Sets').fill('1')
      await group.getByLabel('Reps').fill('5')
    })
    await planSession(coach, 2, async (group) => {
      await group.getByLabel('Title', { exact: true }).fill('Tempo run')
      await group.getByLabel('Prescription').selectOption('endurance')
      await group.getByLabel('Modality').selectOption('run')
      await group.getByLabel('Duration (minutes)').fill('40')
    })
    await coach.getByRole('button', { name: 'Save the week' }).click()
    await coach.getByText('The week is planned. The client sees it on their week page.').waitFor()

    // ── The client logs both sessions and marks them complete.
    await client.goto('/week')
    await client.getByText('0 of 2 planned sessions done.').waitFor()
    await waitForHydration(client)
    await client.getByRole('link', { name: 'Squats' }).click()
    await client.getByRole('heading', { level: 1, name: 'Squats' }).waitFor()
    await waitForHydration(client)
    await record(client, 'Weight', 'Weight, kg', '100', 'Set 1: 100 kg')
    await record(client, 'Reps', 'Reps', '5', 'Set 1: 5')
    await client.getByRole('button', { name: 'Mark complete' }).click()
    await client.waitForURL((url) => url.searchParams.get('mode') === 'review')

    await client.goto('/week')
    await waitForHydration(client)
    await client.getByRole('link', { name: 'Tempo run' }).click()
    await client.getByRole('heading', { level: 1, name: 'Tempo run' }).waitFor()
    await waitForHydration(client)
    await record(client, 'Duration', 'Duration, min', '40', '40 min')
    await record(client, 'Distance', 'Distance, km', '8', '8 km')
    await client.getByRole('button', { name: 'Mark complete' }).click()
    await client.waitForURL((url) => url.searchParams.get('mode') === 'review')
    await client.goto('/week')
    await client.getByText('2 of 2 planned sessions done.').waitFor()

    // ── The week ends: the app stops, the job runs as of next Monday noon on its folder, the app starts again.
    const port = app.port
    await app.stop()
    const db = createDatabase(await openDriver({ DATABASE_URL: undefined, dataDirectory: dataDir }))
    try {
      const output = await weeklyReviewsJob.perform({ db, ai: null, log: () => {} }, { now: `${addDays(week, 7)}T12:00:00.000Z` })
      expect(output).toMatchObject({ written: 1 })
    } finally {
      await db.close()
    }
    app = await startApp({ dataDir, port })

    // ── The coach finds the review on the client's week page, not yet released, and the client does not see it.
    await client.goto('/week')
    await client.getByRole('heading', { level: 1, name: 'Your week' }).waitFor()
    expect(await client.getByText('Your weekly review').count()).toBe(0)

    await coach.goto(coachWeekUrl)
    await coach.getByText('Weekly review · not released yet').waitFor()
    await waitForHydration(coach)
    await coach.getByText('100 % of planned sessions done', { exact: true }).waitFor()
    await coach.getByText('500 kg lifted', { exact: true }).waitFor()
    await coach.getByText('run: 40 min', { exact: true }).waitFor()

    await coach.getByLabel('Fatigue analysis').fill('Two solid sessions: the squats felt strong and the run stayed easy.')
    await coach.getByRole('button', { name: 'Save the review' }).click()
    await coach.getByText('Review saved. It stays yours until you release it.').waitFor()
    expect(await client.reload().then(() => client.getByText('Your weekly review').count())).toBe(0)
    await coach.getByRole('button', { name: 'Release to the client' }).click()
    await coach.getByText('Review released: the client sees it on their week page.').waitFor()
    await coach.getByText('Weekly review · released to the client').waitFor()

    // ── The client reads it, in the coach's words.
    await client.goto('/week')
    await client.getByText('Your weekly review').waitFor()
    await client.getByText('Two solid sessions: the squats felt strong and the run stayed easy.', { exact: true }).waitFor()
    await client.getByText('100 % of planned sessions done', { exact: true }).waitFor()
  })
})
