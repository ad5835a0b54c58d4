/**
 * Recording training in Chromium at phone width: a client with no session running logs a
 * set from the dashboard, a session starts by itself, they log the next set on its page,
 * correct the first (the page shows the old value, marked corrected, and the new one), and
 * mark the session complete; review shows what was done.
 */
import { describe, expect, test } from 'vitest'
import { phone, waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'
import { signUp } from './support/session'

const { newPage } = useAppAndBrowser()

describe('recording training', () => {
  test('a first set starts a session by itself; the next set, a correction (both versions shown) and Mark Complete follow on its page', async () => {
    const { page } = await newPage(phone)
    await signUp(page)
    await waitForHydration(page)
    await page.getByRole('main').getByRole('link', { name: 'Log training' }).click()
    await page.getByRole('heading', { level: 1, name: 'Log training' }).waitFor()
    await page.getByLabel('What').selectOption('weight')
    await page.getByLabel('Value').fill('60')
    await page.getByRole('button', { name: 'Log it' }).click()

    await page.waitForURL((url) => /^\/sessions\/[0-9a-f-]{36}$/.test(url.pathname))
    await page.getByRole('heading', { level: 1, name: /^Fun — \d{1,2} [A-Z][a-z]{2} \d{4}$/ }).waitFor()
    await waitForHydration(page)
    const weight = page.getByRole('list', { name: 'Weight: recorded' })
    await expect.poll(() => weight.innerText()).toContain('Set 1: 60 kg')

    // The next set: the form already says set 2.
    const record = page.getByRole('form', { name: 'Record Weight' })
    expect(await record.getByLabel('Set').inputValue()).toBe('2')
    await record.getByLabel('Weight, kg').fill('62.5')
    await record.getByRole('button', { name: 'Record' }).click()
    await expect.poll(() => weight.innerText()).toContain('Set 2: 62.5 kg')
    expect(await page.getByRole('form', { name: 'Record Weight' }).getByLabel('Set').inputValue()).toBe('3')

    // Correct set 1: a new version; the old one stays, marked corrected.
    const first = weight.getByRole('listitem').filter({ hasText: 'Set 1: 60 kg' })
    await first.getByText('Correct', { exact: true }).click()
    await first.getByLabel('Corrected value').fill('65')
    await first.getByRole('button', { name: 'Save correction' }).click()
    await expect.poll(() => weight.innerText()).toContain('Set 1: 65 kg')
    expect(await weight.innerText()).toMatch(/Set 1: 60 kg · corrected/)

    await page.getByRole('button', { name: 'Mark complete' }).click()
    await page.waitForURL((url) => url.searchParams.get('mode') === 'review')
    const done = page.getByRole('list', { name: 'Weight: recorded' })
    await expect.poll(() => done.innerText()).toContain('Set 2: 62.5 kg')
    expect(await done.innerText()).toContain('Set 1: 65 kg')
    expect(await page.getByRole('form', { name: 'Record Weight' }).count()).toBe(0)
  })
})
