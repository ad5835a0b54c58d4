/**
 * A planned week and the progress page in Chromium: the coach writes this week for a client
 * (a session with a prescription, on today), the client sees it on their week page at phone
 * width with today marked, opens and completes it, and the week says so; the coach's page
 * then knows the client has seen the plan. The client's progress page charts at phone width
 * without scrolling sideways, with every chart's numbers a click away.
 */
import { describe, expect, test } from 'vitest'
import { horizontalOverflow, phone, waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'
import { coachAndClient } from './support/session'

const { newPage } = useAppAndBrowser()

const todayUtc = () => new Date().toISOString().slice(0, 10)

describe('a planned week', () => {
  test('the coach plans today’s session; the client sees the week on a phone, completes the session, and the week and progress pages show it', async () => {
    const { page: coach } = await newPage()
    const { page: client } = await newPage(phone)
    const { clientName, programName } = await coachAndClient(coach, client)

    // ── The coach: roster → the client → Plan the week.
    await coach.goto('/programs')
    await coach.getByRole('link', { name: programName }).click()
    await coach.getByRole('link', { name: clientName }).click()
    await coach.getByRole('link', { name: 'Plan the week' }).click()
    await coach.getByRole('heading', { level: 1, name: `${clientName}’s week` }).waitFor()
    await waitForHydration(coach)
    await coach.getByLabel('Note for the week').fill('An easy week to start.')
    await coach.getByRole('button', { name: 'Add a session' }).click()
    const session = coach.getByRole('group', { name: /^Session 1/ })
    await session.getByLabel('Day').selectOption(todayUtc())
    await session.getByLabel('Title', { exact: true }).fill('Tempo run')
    await session.getByLabel('Prescription').selectOption('endurance')
    await session.getByLabel('Modality').selectOption('run')
    await session.getByLabel('Duration (minutes)').fill('40')
    await coach.getByRole('button', { name: 'Save the week' }).click()
    await coach.getByText('The week is planned. The client sees it on their week page.').waitFor()
    await coach.getByText('The client has not opened this plan yet.').waitFor()

    // ── The client, on a phone: the week, today marked, the session not done yet.
    await client.goto('/week')
    await client.getByRole('heading', { level: 1, name: 'Your week' }).waitFor()
    await waitForHydration(client)
    await client.getByText('An easy week to start.').waitFor()
    await client.getByText('0 of 1 planned sessions done.').waitFor()
    const today = client.locator('li[aria-current="date"]')
    expect(await today.innerText()).toContain('(today)')
    expect(await today.innerText()).toContain('Tempo run')
    expect((await horizontalOverflow(client)).scrollWidth).toBeLessThanOrEqual((await horizontalOverflow(client)).clientWidth)

    await today.getByRole('link', { name: 'Tempo run' }).click()
    await client.getByRole('heading', { level: 1, name: 'Tempo run' }).waitFor()
    await waitForHydration(client)
    await client.getByRole('button', { name: 'Mark complete' }).click()
    await client.waitForURL((url) => url.searchParams.get('mode') === 'review')
    await client.goto('/week')
    await client.getByText('1 of 1 planned sessions done.').waitFor()

    // ── The coach's page now knows the client opened the plan: a change will make a new version.
    await coach.reload()
    await coach.getByText('The client has seen this plan: saving keeps this version in the history and makes a new one.').waitFor()

    // ── The client's progress page, on the phone.
    await client.goto('/progress')
    await client.getByRole('heading', { level: 1, name: 'Your progress' }).waitFor()
    await waitForHydration(client)
    await client.getByText('Planned sessions done, by week (%)').waitFor()
    const overflow = await horizontalOverflow(client)
    expect(overflow.scrollWidth).toBeLessThanOrEqual(overflow.clientWidth)
    const numbers = client.getByText('Show the numbers').first()
    await numbers.click()
    await client.getByRole('columnheader', { name: 'When' }).first().waitFor()
  })
})
