/**
 * Planned against done in Chromium, the coach's half of issue 12's browser test: a coach
 * assigns a session whose item plans a benchmark metric with a target and a second metric;
 * the client, at phone width, records the first (which starts the session), corrects it (both
 * versions shown), skips the second with a reason and marks the session complete; the
 * compliance text says how each went, the progress page charts the benchmark; the coach sees
 * the same, the reason beside the band, and the benchmark on the client's progress page.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { phone, waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'
import { coachAndClient } from './support/session'

const { newPage } = useAppAndBrowser()

const today = () => new Date().toISOString().slice(0, 10)

async function buildAndAssign(coach: Page, programName: string, clientName: string) {
  await coach.goto('/programs')
  await coach.getByRole('link', { name: programName }).click()
  await coach.getByRole('link', { name: 'Library' }).click()
  await coach.getByRole('heading', { level: 1, name: `Library · ${programName}` }).waitFor()
  await waitForHydration(coach)
  await coach.getByLabel('Title').fill('Strength check')
  await coach.getByRole('button', { name: 'Create and edit' }).click()
  await coach.getByRole('heading', { level: 1, name: 'Strength check' }).waitFor()
  await waitForHydration(coach)
  await coach.getByRole('button', { name: 'Add an item' }).click()
  const item = coach.getByRole('group', { name: /^Item 1/ })
  await item.getByLabel('Title', { exact: true }).fill('Top set')
  await item.getByRole('button', { name: 'Add a metric to item 1' }).click()
  const weight = item.getByRole('group', { name: 'Metric 1 of item 1' })
  await weight.getByLabel('Name').fill('Top set weight')
  await weight.getByLabel('Unit').fill('kg')
  await weight.getByLabel('Target').fill('100')
  await weight.getByLabel(/A benchmark/).check()
  await item.getByRole('button', { name: 'Add a metric to item 1' }).click()
  const reps = item.getByRole('group', { name: 'Metric 2 of item 1' })
  await reps.getByLabel('Name').fill('Reps')
  await reps.getByLabel('Unit').fill('reps')
  await reps.getByLabel('Target').fill('5')
  await coach.getByRole('button', { name: 'Save template' }).click()
  await coach.getByText('Template saved.').waitFor()
  await coach.getByRole('checkbox', { name: clientName }).check()
  await coach.getByLabel('Due on').fill(today())
  await coach.getByRole('button', { name: 'Assign', exact: true }).click()
  await coach.getByText(/^Assigned: 1 session created/).waitFor()
}

describe('planned against done', () => {
  test('the client records, corrects and skips with a reason on a phone; compliance and the benchmark show it to them and to their coach', async () => {
    const { page: coach } = await newPage()
    const { page: client } = await newPage(phone)
    const { clientName, programName } = await coachAndClient(coach, client)
    await buildAndAssign(coach, programName, clientName)

    // ── The client, on a phone: the assigned session, the target prefilled.
    await client.goto('/dashboard')
    await client.getByRole('link', { name: 'Strength check' }).first().click()
    await client.getByRole('heading', { level: 1, name: 'Strength check' }).waitFor()
    await waitForHydration(client)
    const recordWeight = client.getByRole('form', { name: 'Record Top set weight' })
    const weightInput = recordWeight.getByLabel('Top set weight, kg')
    expect(await weightInput.inputValue()).toBe('100')
    await weightInput.fill('90')
    await recordWeight.getByRole('button', { name: 'Record' }).click()
    const weightHistory = client.getByRole('list', { name: 'Top set weight: recorded' })
    await expect.poll(() => weightHistory.innerText()).toContain('90 kg')

    // A correction is a new version; the old one stays, marked corrected.
    const first = weightHistory.getByRole('listitem').filter({ hasText: '90 kg' })
    await first.getByText('Correct', { exact: true }).click()
    await first.getByLabel('Corrected value').fill('95')
    await first.getByRole('button', { name: 'Save correction' }).click()
    await expect.poll(() => weightHistory.innerText()).toMatch(/95 kg/)
    expect(await weightHistory.innerText()).toMatch(/90 kg · corrected/)

    // The reps were skipped, with a reason for the coach.
    const recordReps = client.getByRole('form', { name: 'Record Reps' })
    await recordReps.getByText('Skipped it?').click()
    await recordReps.getByLabel('Skipped').check()
    await recordReps.getByLabel('Why (your coach sees this)').fill('Knee felt sore')
    await recordReps.getByRole('button', { name: 'Record' }).click()
    await client.getByText('On plan · 95 % of target').waitFor()
    await client.getByText(/Not done · Knee felt sore/).waitFor()
    await client.getByText('1 of 2 planned metrics on plan.', { exact: false }).waitFor()

    await client.getByRole('button', { name: 'Mark complete' }).click()
    await client.waitForURL((url) => url.searchParams.get('mode') === 'review')

    // The benchmark, charted on the client's progress page.
    await client.goto('/progress')
    await client.getByRole('heading', { level: 1, name: 'Your progress' }).waitFor()
    const benchmarks = client.locator('section').filter({ has: client.getByRole('heading', { level: 2, name: 'Benchmarks' }) })
    await expect.poll(() => benchmarks.innerText()).toContain('Top set weight')
    expect(await benchmarks.innerText()).toContain('Current: 95 kg')
    expect(await client.getByRole('img', { name: /Top set weight/ }).count()).toBeGreaterThan(0)

    // ── The coach: the same bands with the reason beside them, and the benchmark.
    await coach.goto('/programs')
    await coach.getByRole('link', { name: programName }).click()
    await coach.getByRole('link', { name: clientName }).click()
    await coach.getByRole('link', { name: 'Strength check' }).first().click()
    await coach.getByRole('heading', { level: 1, name: 'Strength check' }).waitFor()
    await coach.getByText('On plan · 95 % of target').waitFor()
    await coach.getByText(/Not done · Knee felt sore/).waitFor()
    await coach.goBack()
    await coach.getByRole('main').getByRole('link', { name: 'Progress', exact: true }).click()
    await coach.getByRole('heading', { level: 1, name: `${clientName}’s progress` }).waitFor()
    await coach.getByText('Current: 95 kg', { exact: false }).waitFor()
  })
})
