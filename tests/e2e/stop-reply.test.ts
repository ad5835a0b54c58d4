/**
 * Stopping a slow reply in Chromium (issue 14, decision 023): the AI coach starts writing
 * and stalls; the person stops it (a click on Stop, Tab and Enter, or Escape in the box),
 * their message stays and nothing of the reply is kept, and Try again gets a whole reply. The fake model stalls until the app
 * aborts its request, so the test also sees that the server aborted the model call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { createFakeOpenAI, startFakeOpenAIServer } from '../mocks/openai'
import { waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'
import { conversation, signUp, startSessionFromDashboard, transcript, waitForTranscriptLength } from './support/session'

const fake = createFakeOpenAI()
let fakeServer: Awaited<ReturnType<typeof startFakeOpenAIServer>> | undefined

// Registered before the harness's hooks: the fake is up before the app starts.
beforeAll(async () => {
  fakeServer = await startFakeOpenAIServer(fake)
})
afterAll(async () => {
  await fakeServer?.close()
})
beforeEach(() => fake.reset())

const { newPage } = useAppAndBrowser(() => {
  if (!fakeServer) throw new Error('the fake OpenAI server is not running')
  return { env: { OPENAI_BASE_URL: fakeServer.baseUrl, AI_MODEL: 'fake-coach' } }
})

// Long enough that its start gets past the reply's hold-back (lib/ai/calls.ts streamReply) before the stall.
const stalled = 'I can hear that this week has asked a lot of you, and that you still showed up today. Before we go on, there is one thing I would like to understand: what would'

describe('a slow reply', () => {
  test('Stop keeps the message and no partial reply; Try again answers it', async () => {
    const { page } = await newPage()
    await signUp(page)
    await startSessionFromDashboard(page)
    await conversation(page).getByText(/\?/).first().waitFor()
    const before = await transcript(page)
    expect(await page.getByRole('button', { name: 'Stop the reply' }).count(), 'no Stop button while nothing is being written').toBe(0)

    fake.next({ kind: 'stall', text: stalled })
    await page.getByLabel('Your reply').fill('Honestly, a 4 today.')
    await page.getByRole('button', { name: 'Send', exact: true }).click()
    // Part of the reply is on screen, then nothing more comes.
    await conversation(page).getByText('I can hear that this week').waitFor()

    const stop = page.getByRole('button', { name: 'Stop the reply' })
    await stop.click()
    await page.getByRole('alert').filter({ hasText: 'You stopped the reply. What you wrote is kept.' }).waitFor()
    await expect.poll(() => fake.calls[0]?.aborted, { message: 'the server aborted the model call', timeout: 10_000 }).toBe(true)
    expect(await stop.count(), 'Stop is gone once the reply is stopped').toBe(0)
    expect(await transcript(page)).toEqual([...before, { speaker: 'You', text: 'Honestly, a 4 today.' }])

    // What the server kept: the message, and nothing of the stopped reply.
    await page.reload()
    await waitForHydration(page)
    expect(await transcript(page)).toEqual([...before, { speaker: 'You', text: 'Honestly, a 4 today.' }])

    await page.getByRole('button', { name: 'Try again' }).click()
    await waitForTranscriptLength(page, before.length + 2)
    const answered = await transcript(page)
    expect(answered.at(-1)?.speaker).toBe('Coach')
    expect(answered.at(-1)?.text).not.toContain('I can hear that this week')
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0)
    expect(fake.calls).toHaveLength(2)
  })

  test('from the keyboard: Tab from the reply box reaches Stop, Enter stops; Try again works without a reload', async () => {
    const { page } = await newPage()
    await signUp(page)
    await startSessionFromDashboard(page)
    await conversation(page).getByText(/\?/).first().waitFor()
    const before = await transcript(page)

    fake.next({ kind: 'stall', text: stalled })
    const box = page.getByLabel('Your reply')
    await box.fill('A 7, and ready to start.')
    await box.press('Control+Enter')
    await conversation(page).getByText('I can hear that this week').waitFor()
    await box.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')), 'Stop is the next stop after the box').toBe('Stop the reply')
    await page.keyboard.press('Enter')
    await page.getByRole('alert').filter({ hasText: 'You stopped the reply.' }).waitFor()
    await expect.poll(() => fake.calls[0]?.aborted, { message: 'the server aborted the model call', timeout: 10_000 }).toBe(true)

    await page.getByRole('button', { name: 'Try again' }).click()
    await waitForTranscriptLength(page, before.length + 2)
    const answered = await transcript(page)
    expect(answered.at(-2)).toEqual({ speaker: 'You', text: 'A 7, and ready to start.' })
    expect(answered.at(-1)?.speaker).toBe('Coach')
    expect(answered.at(-1)?.text).not.toContain('I can hear that this week')
  })

  test('Escape in the reply box stops the reply too', async () => {
    const { page } = await newPage()
    await signUp(page)
    await startSessionFromDashboard(page)
    await conversation(page).getByText(/\?/).first().waitFor()
    const before = await transcript(page)

    fake.next({ kind: 'stall', text: stalled })
    const box = page.getByLabel('Your reply')
    await box.fill('Somewhere around a 5.')
    await box.press('Control+Enter')
    await conversation(page).getByText('I can hear that this week').waitFor()
    await box.press('Escape')
    await page.getByRole('alert').filter({ hasText: 'You stopped the reply.' }).waitFor()
    await expect.poll(() => fake.calls[0]?.aborted, { message: 'the server aborted the model call', timeout: 10_000 }).toBe(true)
    expect(await transcript(page)).toEqual([...before, { speaker: 'You', text: 'Somewhere around a 5.' }])
  })
})
