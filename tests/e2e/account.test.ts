/**
 * People own their data (issue 15), in Chromium, as a person does it: sign up, run a guided
 * session, download the export (the ZIP's files parse with their schemas, and its readable
 * page opens), delete the account with the password, and fail to sign in afterwards.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { pathToFileURL } from 'node:url'
import { strFromU8, unzipSync } from 'fflate'
import { describe, expect, test } from 'vitest'
import { exportFiles, exportHtmlFile, type ExportFileName } from '#lib/account/export.shared'
import { waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'
import { finishGuidedSession, guidedStages, isoDay, signUp } from './support/session'

const { newPage } = useAppAndBrowser()

describe('downloading my data and deleting my account', () => {
  test('sign up, run a guided session, download the export, delete the account, and fail to sign in', async () => {
    const { page, problems } = await newPage({ acceptDownloads: true })
    const person = await signUp(page)
    const topic = 'Finding a calmer morning routine'
    await finishGuidedSession(
      page,
      guidedStages({ topic, goal: 'Start each weekday calmly.', goalBy: isoDay(30), steps: [{ title: 'Write a short morning checklist', dueDate: isoDay(2) }] }),
    )

    await page.goto('/settings/delete')
    await page.getByRole('heading', { level: 1, name: 'Delete your account' }).waitFor()
    await waitForHydration(page)
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()])
    expect(download.suggestedFilename()).toMatch(/^stagecoach-export-\d{4}-\d{2}-\d{2}\.zip$/)
    const files = unzipSync(new Uint8Array(await readFile((await download.path())!)))
    for (const name of Object.keys(exportFiles) as ExportFileName[]) {
      const parsed = exportFiles[name].safeParse(JSON.parse(strFromU8(files[name]!)))
      expect([name, parsed.success ? 'valid' : parsed.error.message]).toEqual([name, 'valid'])
    }
    const sessions = exportFiles['sessions.json'].parse(JSON.parse(strFromU8(files['sessions.json']!)))
    expect(sessions).toHaveLength(1)
    expect(sessions[0]!.completed_at).not.toBeNull()
    const plans = exportFiles['action-plans.json'].parse(JSON.parse(strFromU8(files['action-plans.json']!)))
    expect(plans.map((plan) => plan.title)).toEqual(['Write a short morning checklist'])
    const stages = exportFiles['stage-responses.json'].parse(JSON.parse(strFromU8(files['stage-responses.json']!)))
    expect(JSON.stringify(stages)).toContain(topic)

    // The readable page opens in the browser, from the disk, with the session and the plan.
    const reader = await page.context().newPage()
    const htmlPath = `${(await download.path())!}.html`
    await writeFile(htmlPath, files[exportHtmlFile]!)
    await reader.goto(pathToFileURL(htmlPath).href)
    await reader.getByRole('heading', { level: 1, name: `${person.name}’s sessions and plans` }).waitFor()
    await reader.getByText('Write a short morning checklist').first().waitFor()
    await reader.getByText(topic).first().waitFor()
    await reader.close()

    // A wrong password is refused; the right one deletes the account and signs the browser out.
    problems.expectConsoleError(/status of 400/, 'the 400 response to the wrong password')
    await page.getByLabel('Your password').fill('Not-my-password-1')
    await page.getByRole('button', { name: 'Delete my account' }).click()
    await page.getByText('That is not your password.').first().waitFor()
    await page.getByLabel('Your password').fill(person.password)
    await page.getByRole('button', { name: 'Delete my account' }).click()
    await page.waitForURL((url) => url.pathname === '/')
    await page.getByText('Your account and everything in it have been deleted.').waitFor()

    await page.goto('/dashboard')
    await page.waitForURL((url) => url.pathname === '/login')
    await waitForHydration(page)
    problems.expectConsoleError(/status of 400/, 'the 400 response to signing in as the deleted account')
    await page.getByLabel('Email').fill(person.email)
    await page.getByLabel('Password').fill(person.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByText('That email and password do not match an account').waitFor()
    expect(new URL(page.url()).pathname).toBe('/login')
  })
})
