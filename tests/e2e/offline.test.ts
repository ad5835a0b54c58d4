/**
 * Logging with no signal, in Chromium at phone width (issue 16, decision 030). A coach
 * assigns a strength session for today and one for tomorrow, and limits the program to one
 * training session a day. The client opens the app online (the service worker keeps their
 * sessions), then the browser context goes offline: today's session opens from the device,
 * two sets are logged ("2 pending" in the header, each marked pending), Mark Complete is
 * recorded, and a set is logged in tomorrow's session too. Back online, everything syncs by
 * itself: the two sets are written once (rows counted in the database), today's session is
 * completed, and the third entry — refused by the server's daily limit on each of its three
 * tries — shows `error` with the server's reason. Signing out warns about it, then clears the
 * device.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { phone, waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'
import { coachAndClient, isoDay } from './support/session'

const harness = useAppAndBrowser()
const { newPage } = harness

async function buildAndAssign(coach: Page, programName: string, clientName: string) {
  await coach.goto('/programs')
  await coach.getByRole('link', { name: programName }).click()
  await waitForHydration(coach)
  // One training session a day: the third entry will meet this limit.
  await coach.getByLabel('Training sessions a client may start a day').fill('1')
  await coach.getByRole('button', { name: 'Save' }).first().click()
  await coach.getByText('Clients can now start up to 1 training sessions a day.').waitFor()
  await coach.getByRole('link', { name: 'Library' }).click()
  await coach.getByRole('heading', { level: 1, name: `Library · ${programName}` }).waitFor()
  await waitForHydration(coach)
  await coach.getByLabel('Title').fill('Squat day')
  await coach.getByRole('button', { name: 'Create and edit' }).click()
  await coach.getByRole('heading', { level: 1, name: 'Squat day' }).waitFor()
  await waitForHydration(coach)
  await coach.getByRole('button', { name: 'Add an item' }).click()
  const item = coach.getByRole('group', { name: /^Item 1/ })
  await item.getByLabel('Kind', { exact: true }).first().selectOption('exercise')
  await item.getByLabel('Title', { exact: true }).fill('Back squat')
  const exercise = item.getByLabel('Exercise', { exact: true })
  await exercise.pressSequentially('Back sq')
  await coach.locator('#exercise-suggestions option[value="Back squat"]').waitFor({ state: 'attached' })
  await exercise.fill('Back squat')
  await item.getByLabel('Prescription').selectOption('strength')
  await item.getByLabel('Sets').fill('3')
  await item.getByLabel('Reps').fill('5')
  await coach.getByRole('button', { name: 'Save template' }).click()
  await coach.getByText('Template saved.').waitFor()
  for (const day of [0, 1]) {
    const client = coach.getByRole('checkbox', { name: clientName })
    if (!(await client.isChecked())) await client.check()
    await coach.getByLabel('Due on').fill(isoDay(day))
    await coach.getByRole('button', { name: 'Assign', exact: true }).click()
    await coach.getByText(/^Assigned: 1 session created/).waitFor()
  }
}

const header = (page: Page) => page.getByRole('status', { name: 'Offline entries' })

/** The sessions the service worker has kept for offline use. */
function keptPages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const cache = await caches.open('stagecoach-pages-v1')
    return (await cache.keys()).map((request) => new URL(request.url).pathname).filter((path) => path.startsWith('/sessions/')).sort()
  })
}

describe('logging with no signal', () => {
  test('recorded offline, synced once when back online; a refused entry shows the server’s reason; signing out clears the device', async () => {
    const { page: coach } = await newPage()
    const { page: client, context } = await newPage(phone)
    const { clientName, programName } = await coachAndClient(coach, client)
    await buildAndAssign(coach, programName, clientName)

    // (The coach's page is left first: the app restarts to be queried.)
    await coach.goto('about:blank')
    const sessions = await harness.server.query<{ id: string }>(`select id from public.coaching_sessions where title = 'Squat day' order by due_at`)
    const [today, tomorrow] = sessions.map((s) => `/sessions/${s.id}`) as [string, string]

    // ── Online: the app opens; the service worker keeps both sessions for this person.
    await client.goto('/dashboard')
    await waitForHydration(client)
    await expect.poll(() => keptPages(client), { timeout: 15_000 }).toEqual([today, tomorrow].sort())

    // ── Offline: today's session opens from the device.
    await context.setOffline(true)
    const opened = await client.goto(today)
    expect(opened?.headers()['x-offline-owner'], 'the page came from the device, kept for this person').toBeTruthy()
    await client.getByRole('heading', { level: 1, name: 'Squat day' }).waitFor()
    await waitForHydration(client)
    await expect.poll(() => header(client).innerText()).toBe('Offline')

    const weight = client.getByRole('form', { name: 'Record Weight' })
    expect(await weight.getByLabel('Set').inputValue()).toBe('1')
    await weight.getByLabel('Weight, kg').fill('60')
    await weight.getByRole('button', { name: 'Record' }).click()
    const recorded = client.getByRole('list', { name: 'Weight: recorded' })
    await expect.poll(() => recorded.innerText()).toContain('Set 1: 60 kg · pending')
    expect(await client.getByRole('form', { name: 'Record Weight' }).getByLabel('Set').inputValue()).toBe('2')
    await client.getByRole('form', { name: 'Record Weight' }).getByLabel('Weight, kg').fill('62.5')
    await client.getByRole('form', { name: 'Record Weight' }).getByRole('button', { name: 'Record' }).click()
    await expect.poll(() => recorded.innerText()).toContain('Set 2: 62.5 kg · pending')
    await expect.poll(() => header(client).innerText()).toBe('Offline · 2 pending')

    await client.getByRole('button', { name: 'Mark complete' }).click()
    await client.getByText('Marked complete on this device · pending').waitFor()
    await expect.poll(() => header(client).innerText()).toBe('Offline · 3 pending')

    // Tomorrow's session, also on the device: a set there would start a second session today.
    await client.goto(tomorrow)
    await waitForHydration(client)
    const tomorrowWeight = client.getByRole('form', { name: 'Record Weight' })
    await tomorrowWeight.getByLabel('Weight, kg').fill('65')
    await tomorrowWeight.getByRole('button', { name: 'Record' }).click()
    await expect.poll(() => client.getByRole('list', { name: 'Weight: recorded' }).innerText()).toContain('Set 1: 65 kg · pending')
    await expect.poll(() => header(client).innerText()).toBe('Offline · 4 pending')

    // ── Back online: it syncs by itself.
    await context.setOffline(false)
    const refused = client.getByRole('list', { name: 'Weight: recorded' })
    await expect.poll(() => refused.innerText(), { timeout: 15_000 }).toMatch(
      /Set 1: 65 kg · error: You have already started 1 training sessions today, the most allowed in a day\./,
    )
    await expect.poll(() => header(client).innerText()).toBe('1 error')
    await refused.getByRole('button', { name: 'Retry' }).waitFor()
    await refused.getByRole('button', { name: 'Discard' }).waitFor()

    await client.goto(today)
    await waitForHydration(client)
    const synced = client.getByRole('list', { name: 'Weight: recorded' })
    await expect.poll(() => synced.innerText()).toContain('Set 1: 60 kg · synced')
    expect(await synced.innerText()).toContain('Set 2: 62.5 kg · synced')
    expect(await client.getByRole('button', { name: 'Mark complete' }).count()).toBe(0)
    expect(await client.getByRole('form', { name: 'Record Weight' }).count()).toBe(0)

    // ── What the database holds: each entry once.
    const todayId = today.split('/').pop()!
    const tomorrowId = tomorrow.split('/').pop()!
    const rows = await harness.server.query<{ session_id: string; value: number; device: boolean; completed: boolean; receipts: number }>(
      `select m.session_id, m.value_numeric::float8 as value, m.device_recorded_at is not null as device, s.completed_at is not null as completed,
         (select count(*)::int from public.sync_receipts r where r.session_id in ($1, $2)) as receipts
       from public.measures m join public.coaching_sessions s on s.id = m.session_id
       where m.session_id in ($1, $2) order by m.value_numeric`,
      [todayId, tomorrowId],
    )
    // Two sets and Mark Complete: three receipts; nothing for the refused set.
    expect(rows).toEqual([
      { session_id: todayId, value: 60, device: true, completed: true, receipts: 3 },
      { session_id: todayId, value: 62.5, device: true, completed: true, receipts: 3 },
    ])

    // ── Signing out: warned about the entry not synced, then the device is cleared.
    await client.goto(tomorrow)
    await waitForHydration(client)
    await expect.poll(() => header(client).innerText()).toBe('1 error')
    await client.getByRole('button', { name: 'Sign out' }).click()
    await client.getByText('1 entry recorded offline has not synced: signing out discards it.').waitFor()
    await client.getByRole('button', { name: 'Sign out anyway' }).click()
    await client.waitForURL((url) => url.pathname === '/login')
    const left = await client.evaluate(async () => {
      const entries = await new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('stagecoach-offline', 1)
        open.onsuccess = () => {
          const count = open.result.transaction('entries').objectStore('entries').count()
          count.onsuccess = () => resolve(count.result)
          count.onerror = () => reject(count.error)
        }
        open.onerror = () => reject(open.error)
      })
      const pages = (await caches.has('stagecoach-pages-v1')) ? (await (await caches.open('stagecoach-pages-v1')).keys()).length : 0
      return { entries, pages }
    })
    expect(left).toEqual({ entries: 0, pages: 0 })
    // Two restarts of the app to read its database, on a shared machine: more than the usual minute.
  }, 150_000)
})
