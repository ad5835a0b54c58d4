/**
 * The weekly email digest (issue 13, point 6), in Chromium against the production build with
 * SMTP set: a person turns the digest on in Settings; the unsubscribe link, opened in a
 * browser that is not signed in, only asks until its button is pressed, then turns it off
 * (Settings shows it off); a mail provider's one-click POST (RFC 8058: no cookies, no Origin)
 * passes the request guard; a forged link shows a clear refusal and changes nothing.
 */
import { readFile } from 'node:fs/promises'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { unsubscribeToken } from '#lib/reminders/unsubscribe-token'
import { startSmtpReceiver, type SmtpReceiver } from '../support/smtp-receiver'
import { waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'
import { signUp } from './support/session'

const secret = 'e2e-digest-secret-0123456789abcdef0123456'
let smtp: SmtpReceiver

beforeAll(async () => {
  smtp = await startSmtpReceiver()
})
afterAll(async () => {
  await smtp?.close()
})

const harness = useAppAndBrowser(() => ({ env: { SMTP_URL: smtp.url, SESSION_SECRET: secret } }))

describe('the weekly email digest', () => {
  test('turned on in Settings, turned off from the unsubscribe link without signing in; a forged link is refused', async () => {
    const { page } = await harness.newPage({ acceptDownloads: true })
    await signUp(page)
    await page.goto('/settings')
    await waitForHydration(page)
    const card = page.locator('section').filter({ has: page.getByRole('heading', { name: 'Weekly email digest' }) })
    await card.getByText('The digest is off').waitFor()
    await card.getByRole('button', { name: 'Send me the weekly digest' }).click()
    await page.getByText('The weekly digest is on: every Monday from 7:00 in your time zone').waitFor()
    await card.getByText('The digest is on').waitFor()

    // The person's id, from their export (the unsubscribe link names it).
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()])
    const files = unzipSync(new Uint8Array(await readFile((await download.path())!)))
    const profile = JSON.parse(strFromU8(files['profile.json']!)) as { id: string }
    const settings = JSON.parse(strFromU8(files['email-digest-settings.json']!)) as { weekly: boolean }[]
    expect(settings.map((s) => s.weekly)).toEqual([true])
    const token = unsubscribeToken(secret, profile.id)

    // A forged link: a clear page, nothing changed.
    const { page: stranger, problems } = await harness.newPage()
    problems.expectConsoleError(/status of 400/, 'the 400 answer to a forged unsubscribe link')
    const forged = await stranger.goto(`/unsubscribe/${token.slice(0, -2)}xx`)
    expect(forged?.status()).toBe(400)
    await stranger.getByText('This unsubscribe link is not valid.').waitFor()
    await expect(stranger.getByRole('button', { name: 'Unsubscribe' }).count()).resolves.toBe(0)

    // The real link, in a browser that is not signed in: opening it only asks.
    const opened = await stranger.goto(`/unsubscribe/${token}`)
    expect(opened?.status()).toBe(200)
    await stranger.getByText('Stop the weekly Stagecoach digest sent to this email address?').waitFor()
    await page.reload()
    await card.getByText('The digest is on').waitFor()
    await waitForHydration(stranger)
    await stranger.getByRole('button', { name: 'Unsubscribe' }).click()
    await stranger.getByText('You are unsubscribed.').waitFor()
    await page.reload()
    await card.getByText('The digest is off').waitFor()

    // Turned on again, then the mail provider's one-click POST turns it off.
    await waitForHydration(page)
    await card.getByRole('button', { name: 'Send me the weekly digest' }).click()
    await card.getByText('The digest is on').waitFor()
    const oneClick = await fetch(`${harness.server.baseUrl}/unsubscribe/${token}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    })
    expect(oneClick.status).toBe(200)
    await page.reload()
    await card.getByText('The digest is off').waitFor()
  })
})
