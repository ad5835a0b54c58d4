/**
 * The coach's library in Chromium, as a coach and a client use it: the coach builds a
 * template with an exercise item and a metric, tags it, puts it in a two-step module and
 * assigns the module; the client sees both sessions with their due dates and marks the
 * first complete; the coach's template page then shows that client as done.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'
import { coachAndClient } from './support/session'

const { newPage } = useAppAndBrowser()

function formatDay(iso: string): string {
  return new Date(`${iso}T12:00:00Z`).toLocaleString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' })
}

function today(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10)
}

async function openLibrary(coach: Page, programName: string) {
  await coach.goto('/programs')
  await coach.getByRole('link', { name: programName }).click()
  await coach.getByRole('link', { name: 'Library' }).click()
  await coach.getByRole('heading', { level: 1, name: `Library · ${programName}` }).waitFor()
  await waitForHydration(coach)
}

async function createTemplate(coach: Page, title: string) {
  await coach.getByLabel('Title').fill(title)
  await coach.getByRole('button', { name: 'Create and edit' }).click()
  await coach.getByRole('heading', { level: 1, name: title }).waitFor()
  await waitForHydration(coach)
}

describe('the library', () => {
  test('a coach builds, tags and assigns a two-step module; the client completes the first step; the coach sees them as done', async () => {
    const { page: coach } = await newPage()
    const { page: client } = await newPage()
    const { clientName, programName } = await coachAndClient(coach, client)

    // ── A tag, then a template with an exercise item, a prescription and a benchmark metric.
    await openLibrary(coach, programName)
    await coach.getByText('Your library is empty').waitFor()
    await coach.getByLabel('Tag name').fill('Onboarding')
    await coach.getByLabel('Colour').selectOption('green')
    await coach.getByRole('button', { name: 'Add tag' }).click()
    await coach.getByRole('button', { name: 'Delete the tag Onboarding' }).waitFor()
    await createTemplate(coach, 'Strength assessment')

    await coach.getByRole('button', { name: 'Add an item' }).click()
    const item = coach.getByRole('group', { name: /^Item 1/ })
    await item.getByLabel('Kind', { exact: true }).first().selectOption('exercise')
    await item.getByLabel('Title', { exact: true }).fill('Find your squat')
    await item.getByLabel('Instructions').fill('Warm up, then work up to a heavy set of five.')
    const exercise = item.getByLabel('Exercise', { exact: true })
    await exercise.pressSequentially('Back sq')
    await coach.locator('#exercise-suggestions option[value="Back squat"]').waitFor({ state: 'attached' })
    await exercise.fill('Back squat')
    await item.getByLabel('Prescription').selectOption('strength')
    await item.getByLabel('Sets').fill('3')
    await item.getByLabel('Reps').fill('5')
    await item.getByLabel('Rest (seconds)').fill('180')
    await item.getByRole('button', { name: 'Add a metric to item 1' }).click()
    const metric = item.getByRole('group', { name: 'Metric 1 of item 1' })
    await metric.getByLabel('Name').fill('Top set')
    await metric.getByLabel('Unit').fill('kg')
    await metric.getByLabel('Target').fill('100')
    await metric.getByLabel(/A benchmark/).check()
    await coach.getByRole('checkbox', { name: 'Onboarding' }).check()

    await coach.getByRole('button', { name: 'Preview as the client sees it' }).click()
    const preview = coach.getByRole('listitem').filter({ hasText: 'Find your squat' })
    await expect.poll(() => preview.innerText()).toContain('3 × 5 · rest 180 s')
    expect(await preview.innerText()).toContain('Top set — kg · target 100 · benchmark')
    await coach.getByRole('button', { name: 'Back to editing' }).click()
    await coach.getByRole('button', { name: 'Save template' }).click()
    await coach.getByText('Template saved.').waitFor()

    // A bad prescription is refused on its input, and what was typed stays.
    await coach.getByRole('group', { name: /^Item 1/ }).getByLabel('Sets').fill('25')
    await coach.getByRole('button', { name: 'Save template' }).click()
    await coach.getByText('Sets: give a whole number from 1 to 20.').waitFor()
    expect(await coach.getByRole('group', { name: /^Item 1/ }).getByLabel('Sets').inputValue()).toBe('25')
    await coach.getByRole('group', { name: /^Item 1/ }).getByLabel('Sets').fill('3')
    await coach.getByRole('button', { name: 'Save template' }).click()
    await coach.getByText('Template saved.').waitFor()

    await coach.getByRole('link', { name: 'Templates' }).click()
    await coach.getByRole('link', { name: 'Strength assessment' }).waitFor()
    await waitForHydration(coach)
    await createTemplate(coach, 'Vision Development')

    // ── A two-step module: the assessment on day 0, the vision on day 7; assigned from today.
    await coach.getByRole('link', { name: 'Modules' }).click()
    await coach.getByText('No modules yet').waitFor()
    await waitForHydration(coach)
    await coach.getByLabel('Name').fill('Onboarding')
    await coach.getByRole('button', { name: 'Create and add steps' }).click()
    await coach.getByRole('heading', { level: 1, name: 'Onboarding' }).waitFor()
    await waitForHydration(coach)
    await coach.getByRole('button', { name: 'Add a step' }).click()
    await coach.getByRole('group', { name: 'Step 1' }).getByLabel('Template').selectOption({ label: 'Strength assessment' })
    await coach.getByRole('button', { name: 'Add a step' }).click()
    const second = coach.getByRole('group', { name: 'Step 2' })
    await second.getByLabel('Template').selectOption({ label: 'Vision Development' })
    expect(await second.getByLabel('On day').inputValue()).toBe('7')
    await coach.getByRole('button', { name: 'Save module' }).click()
    await coach.getByText('Module saved.').waitFor()
    await coach.getByRole('checkbox', { name: clientName }).check()
    await coach.getByLabel('Starting on').fill(today())
    await coach.getByRole('button', { name: 'Assign module' }).click()
    await coach.getByText(`Assigned to 1 client: 2 sessions created, starting ${today()}.`).waitFor()

    // ── The client: both sessions with their due dates, the module at 0 of 2.
    await client.goto('/dashboard')
    const fromCoach = client.locator('section').filter({ has: client.getByRole('heading', { name: 'From your coach' }) })
    await fromCoach.getByRole('progressbar', { name: 'Onboarding' }).waitFor()
    expect(await fromCoach.getByText('0 of 2 done').count()).toBe(1)
    const firstLink = fromCoach.getByRole('link', { name: 'Strength assessment' })
    await firstLink.waitFor()
    expect(await fromCoach.getByRole('listitem').filter({ hasText: 'Strength assessment' }).innerText()).toContain(`Due ${formatDay(today())}`)
    // The second step is due in a week: past "this week" on the dashboard, but on the session list.
    await client.getByRole('link', { name: 'Vision Development' }).first().click()
    await client.getByText(`Due ${formatDay(today(7))}`).waitFor()

    await client.goto('/dashboard')
    await client.getByRole('link', { name: 'Strength assessment' }).first().click()
    await client.getByRole('heading', { level: 1, name: 'Strength assessment' }).waitFor()
    await waitForHydration(client)
    const work = client.getByRole('listitem').filter({ hasText: 'Find your squat' })
    expect(await work.innerText()).toContain('Back squat')
    expect(await work.innerText()).toContain('3 × 5 · rest 180 s')
    await client.getByRole('button', { name: 'Mark complete' }).click()
    await client.waitForURL((url) => url.searchParams.get('mode') === 'review')
    await client.getByText('This session is complete.').waitFor()
    // Any mode opens a completed session.
    await client.getByRole('link', { name: 'Planning' }).click()
    await client.getByRole('heading', { name: 'What is planned' }).waitFor()

    await client.goto('/dashboard')
    await client.getByText('1 of 2 done').waitFor()

    // ── The coach: the template page shows the client as done.
    await openLibrary(coach, programName)
    await coach.getByRole('link', { name: 'Strength assessment' }).click()
    await coach.getByText('1 session came from this template').waitFor()
    const row = coach.getByRole('row').filter({ hasText: clientName })
    await expect.poll(() => row.innerText()).toMatch(/Done \d+ \w+ \d{4}/)
  })
})
