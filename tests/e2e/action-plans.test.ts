/**
 * Tracking action plans in Chromium, as a person does it: finish a session, find its plans
 * in the table, open one, add and complete milestones, change its status, and see all that
 * in the table and on the dashboard. Then the table itself (sorting, filters, search,
 * pages), refused input on the details page, plans written by hand, and a phone screen.
 */
import { randomUUID } from 'node:crypto'
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { horizontalOverflow, phone, waitForHydration } from './support/browser'
import { useAppAndBrowser } from './support/harness'
import { finishGuidedSession, guidedStages, isoDay, signUp } from './support/session'

// The app without AI: guided mode.
const { newPage } = useAppAndBrowser()

// ─── the table ───────────────────────────────────────────────────────────────────────

const planPath = /^\/action-plans\/[0-9a-f-]{36}$/

function mainNav(page: Page) {
  return page.getByRole('navigation', { name: 'Main' })
}

/** Header → "Plans": the action-plan table (or its empty state). */
async function openPlansFromHeader(page: Page) {
  await mainNav(page).getByRole('link', { name: 'Plans', exact: true }).click()
  await page.waitForURL((url) => url.pathname === '/action-plans')
  await page.getByRole('heading', { level: 1, name: 'Action plans' }).waitFor()
}

function plansTable(page: Page) {
  return page.getByRole('table')
}

interface Row {
  theme: string
  action: string
  /** "n/m milestones" under the action, or '' when the plan has none. */
  milestones: string
  content: string
  status: string
  priority: string
  /** The date and any badge ("Overdue", "This week"), e.g. "2030-01-01 This week". */
  due: string
}

/** The table's rows as shown, each cell read by its column header. */
async function tableRows(page: Page): Promise<Row[]> {
  if ((await plansTable(page).count()) === 0) return []
  return plansTable(page).evaluate((table) => {
    const text = (element: Element | null | undefined) => (element?.textContent ?? '').replace(/\s+/g, ' ').trim()
    const headers = Array.from(table.querySelectorAll('thead th')).map((th) => text(th).replace(/[▲▼]/g, '').trim())
    return Array.from(table.querySelectorAll('tbody tr')).map((tr) => {
      const cells = Array.from(tr.querySelectorAll('td'))
      const cell = (header: string) => cells[headers.indexOf(header)]
      return {
        theme: text(cell('Coaching theme')),
        action: text(cell('Agreed action')?.querySelector('a')),
        milestones: text(cell('Agreed action')?.querySelector('div')),
        content: text(cell('Content')),
        status: text(cell('Status')),
        priority: text(cell('Priority')),
        due: text(cell('Due')),
      }
    })
  })
}

async function tableTitles(page: Page): Promise<string[]> {
  return (await tableRows(page)).map((row) => row.action)
}

/** Waits until the table shows exactly these plans, in this order. */
async function expectTitles(page: Page, titles: string[]) {
  await expect.poll(() => tableTitles(page), { timeout: 10_000, interval: 50 }).toEqual(titles)
}

function columnHeader(page: Page, label: string) {
  return plansTable(page).getByRole('columnheader', { name: new RegExp(`^${label}`) })
}

function filterForm(page: Page) {
  return page.getByRole('search')
}

/** Sets the filter form's fields (only those given) and presses "Apply". */
async function applyFilters(page: Page, filters: { search?: string; status?: string; priority?: string; due?: string; session?: string }) {
  const form = filterForm(page)
  if (filters.search !== undefined) await form.getByLabel('Search').fill(filters.search)
  if (filters.status !== undefined) await form.getByLabel('Status').selectOption({ label: filters.status })
  if (filters.priority !== undefined) await form.getByLabel('Priority').selectOption({ label: filters.priority })
  if (filters.due !== undefined) await form.getByLabel('Due').selectOption({ label: filters.due })
  if (filters.session !== undefined) await form.getByLabel('Session').selectOption({ value: filters.session })
  const before = page.url()
  await form.getByRole('button', { name: 'Apply' }).click()
  await page.waitForURL((url) => url.toString() !== before)
}

/** What the filter form shows right now. */
async function filterValues(page: Page) {
  const form = filterForm(page)
  return {
    search: await form.getByLabel('Search').inputValue(),
    status: await form.getByLabel('Status').inputValue(),
    priority: await form.getByLabel('Priority').inputValue(),
    due: await form.getByLabel('Due').inputValue(),
  }
}

const noFilters = { search: '', status: '', priority: '', due: '' }

// ─── plans written by hand ───────────────────────────────────────────────────────────

interface HandPlan {
  title: string
  content?: string
  theme?: string
  /** The option's label: "Not started", "In progress", "Done", "Blocked". */
  status?: string
  priority?: number
  start?: string
  due?: string
}

/** Table → "New action plan" → the form → "Create plan": ends on the new plan's page; returns its id. */
async function writePlanByHand(page: Page, plan: HandPlan): Promise<string> {
  await page.getByRole('main').getByRole('link', { name: 'New action plan' }).click()
  await page.getByRole('heading', { level: 1, name: 'New action plan' }).waitFor()
  await page.getByLabel('Agreed action').fill(plan.title)
  if (plan.content) await page.getByLabel('Content (optional)').fill(plan.content)
  if (plan.theme) await page.getByLabel('Coaching theme (optional)').fill(plan.theme)
  if (plan.status) await page.getByLabel('Status').selectOption({ label: plan.status })
  if (plan.priority) await page.getByLabel('Priority').selectOption({ value: String(plan.priority) })
  if (plan.start) await page.getByLabel('Start (optional)').fill(plan.start)
  if (plan.due) await page.getByLabel('Due (optional)').fill(plan.due)
  await page.getByRole('button', { name: 'Create plan' }).click()
  await page.waitForURL((url) => planPath.test(url.pathname))
  await page.getByRole('heading', { level: 1, name: plan.title, exact: true }).waitFor()
  return new URL(page.url()).pathname.split('/').at(-1)!
}

// ─── one plan ────────────────────────────────────────────────────────────────────────

function card(page: Page, title: string) {
  return page.locator('section').filter({ has: page.getByRole('heading', { level: 2, name: title, exact: true }) })
}

/** The milestones as listed, e.g. "✓ Try on shoes — 2030-01-01". */
async function milestoneList(page: Page): Promise<string[]> {
  const items = card(page, 'Milestones').locator('ol > li')
  return items.evaluateAll((lis) => lis.map((li) => (li.querySelector('span')?.textContent ?? '').replace(/\s+/g, ' ').trim()))
}

async function expectProgress(page: Page, done: number, total: number) {
  const milestones = card(page, 'Milestones')
  await milestones.getByText(`${done} of ${total} milestones`, { exact: true }).waitFor()
  const bar = milestones.getByRole('progressbar', { name: 'Milestones completed' })
  expect(await bar.getAttribute('aria-valuenow')).toBe(String(done))
  expect(await bar.getAttribute('aria-valuemax')).toBe(String(total))
}

/** The "New milestone" form: title, date, "Add"; waits until the milestone is listed. */
async function addMilestone(page: Page, title: string, dueDate: string) {
  const form = card(page, 'Milestones').locator('form').filter({ has: page.getByLabel('New milestone') })
  await form.getByLabel('New milestone').fill(title)
  await form.getByLabel('Due date').fill(dueDate)
  await form.getByRole('button', { name: 'Add' }).click()
  await card(page, 'Milestones').locator('ol > li').filter({ hasText: title }).waitFor()
  await page.getByRole('status').filter({ hasText: 'Milestone added.' }).waitFor()
  // The form is empty again, ready for the next one.
  await expect.poll(() => form.getByLabel('New milestone').inputValue()).toBe('')
}

async function historyEntries(page: Page): Promise<string[]> {
  return card(page, 'History')
    .locator('li')
    .evaluateAll((lis) => lis.map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim()))
}

function editPlanForm(page: Page) {
  return card(page, 'Edit plan').locator('form').filter({ has: page.getByRole('button', { name: 'Save changes' }) })
}

// ─── the dashboard ───────────────────────────────────────────────────────────────────

/** The dashboard's open plans, each as its title and the line beside it (badges set apart by a space). */
async function dashboardPlans(page: Page): Promise<{ title: string; details: string }[]> {
  return card(page, 'Action plans')
    .locator('ul > li')
    .evaluateAll((lis) =>
      lis.map((li) => ({
        title: (li.querySelector('a')?.textContent ?? '').trim(),
        details: Array.from(li.querySelector('span')?.childNodes ?? [])
          .map((node) => (node.textContent ?? '').replace(/\s+/g, ' ').trim())
          .filter(Boolean)
          .join(' '),
      })),
    )
}

// ─── the tests ───────────────────────────────────────────────────────────────────────

describe('from a finished session to a plan in progress', () => {
  test('finish a session, find its plans in the table, add and complete milestones, start one, and see it in the table and on the dashboard', async () => {
    const { page, documentRequests } = await newPage()
    const person = await signUp(page)

    // A whole guided session, ending in two agreed steps: one due this week, one later.
    const shoesBy = isoDay(3)
    const clubRunBy = isoDay(20)
    const topic = 'Getting back into running'
    const goal = 'Run three times a week until the end of the year.'
    const summary = await finishGuidedSession(
      page,
      guidedStages({
        topic,
        goal,
        goalBy: clubRunBy,
        steps: [
          { title: 'Buy new running shoes', dueDate: shoesBy },
          { title: 'Book the Saturday club run', dueDate: clubRunBy },
        ],
      }),
    )
    expect(summary.plans).toEqual([
      { title: 'Buy new running shoes', due: shoesBy },
      { title: 'Book the Saturday club run', due: clubRunBy },
    ])
    const sessionId = new URL(page.url()).pathname.split('/')[2]!

    // ── The table: one row per agreed step, with its date; the sooner one is due this week.
    const loadsBefore = documentRequests.length
    await openPlansFromHeader(page)
    await page.getByText('2 plans', { exact: true }).waitFor()
    expect(await tableRows(page)).toEqual([
      { theme: topic, action: 'Buy new running shoes', milestones: '', content: '—', status: 'Not started', priority: 'None', due: `${shoesBy} This week` },
      { theme: topic, action: 'Book the Saturday club run', milestones: '', content: '—', status: 'Not started', priority: 'None', due: clubRunBy },
    ])
    // Sorted by due date to begin with.
    expect(await columnHeader(page, 'Due').getAttribute('aria-sort')).toBe('ascending')

    // Filtering by the session keeps both of its plans.
    await applyFilters(page, { session: sessionId })
    expect(new URL(page.url()).searchParams.get('session')).toBe(sessionId)
    await expectTitles(page, ['Buy new running shoes', 'Book the Saturday club run'])
    expect(await filterForm(page).getByLabel('Session').inputValue()).toBe(sessionId)

    // ── The plan's own page.
    await plansTable(page).getByRole('link', { name: 'Buy new running shoes' }).click()
    await page.waitForURL((url) => planPath.test(url.pathname))
    const planUrl = new URL(page.url()).pathname
    await page.getByRole('heading', { level: 1, name: 'Buy new running shoes' }).waitFor()
    expect(documentRequests.length, 'the table and the plan opened without reloading the page').toBe(loadsBefore)
    const header = page.getByRole('heading', { level: 1 }).locator('xpath=..')
    await header.getByText('Not started', { exact: true }).waitFor()

    expect(await page.locator(`main a[href="/sessions/${sessionId}"]`).count(), 'the plan links back to its session').toBe(1)
    await page.getByText(/^From the session .+ · Theme: Getting back into running$/).waitFor()

    const goalCard = card(page, 'Goal and success')
    expect(await goalCard.locator('xpath=.//dt[normalize-space()="Goal"]/following-sibling::dd[1]').textContent()).toBe(goal)
    expect(await goalCard.locator('xpath=.//dt[normalize-space()="SMART criteria"]/following-sibling::dd[1]//li').allTextContents()).toEqual([
      // Bug 2 (issue 9): the client's own Finish answers, not the step's title and dashes.
      'Specific: Three runs of at least 30 minutes each week.',
      'Measurable: Every run is logged in my running app.',
      'Achievable: I did this last spring.',
      'Relevant: I sleep better when I run.',
      `Time-bound: By ${clubRunBy}`,
    ])
    const metrics = await goalCard.locator('xpath=.//dt[normalize-space()="Success metrics"]/following-sibling::dd[1]//li').allTextContents()
    expect(metrics[0]).toBe('Every run is logged in my running app.')
    expect(metrics).toHaveLength(2)
    // The time-bound metric names the goal's date, once "By" (the answer already starts with it).
    expect(metrics[1]).toBe(`By ${clubRunBy}`)

    expect(await historyEntries(page)).toEqual([expect.stringMatching(new RegExp(`— Created as Not started by ${person.name}$`))])

    // ── Milestones: none yet; add two, reorder them, complete one.
    await card(page, 'Milestones').getByText('No milestones yet', { exact: true }).waitFor()
    await expectProgress(page, 0, 0)
    const tryOn = 'Try on shoes at the running shop'
    const firstRun = 'Run 5 km in the new shoes'
    await addMilestone(page, firstRun, shoesBy)
    await expectProgress(page, 0, 1)
    await addMilestone(page, tryOn, isoDay(1))
    await expectProgress(page, 0, 2)
    expect(await milestoneList(page)).toEqual([`${firstRun} — ${shoesBy}`, `${tryOn} — ${isoDay(1)}`])

    // Trying on comes first: ↑ moves it up, and the first one can go no higher.
    await page.getByRole('button', { name: `Move up: ${tryOn}` }).click()
    await expect.poll(() => milestoneList(page)).toEqual([`${tryOn} — ${isoDay(1)}`, `${firstRun} — ${shoesBy}`])
    expect(await page.getByRole('button', { name: `Move up: ${tryOn}` }).isDisabled()).toBe(true)
    expect(await page.getByRole('button', { name: `Move down: ${firstRun}` }).isDisabled()).toBe(true)

    await page.getByRole('button', { name: `Complete milestone: ${tryOn}` }).click()
    await page.getByRole('button', { name: `Reopen milestone: ${tryOn}` }).waitFor()
    await expectProgress(page, 1, 2)
    expect(await milestoneList(page)).toEqual([`✓ ${tryOn} — ${isoDay(1)}`, `${firstRun} — ${shoesBy}`])
    await page.getByRole('button', { name: `Complete milestone: ${firstRun}` }).waitFor()

    // ── Status: start the plan; the history records the change and who made it.
    const statusCard = card(page, 'Status')
    expect(await statusCard.getByRole('button', { name: 'Not started' }).getAttribute('aria-pressed')).toBe('true')
    await statusCard.getByRole('button', { name: 'In progress' }).click()
    await page.getByRole('status').filter({ hasText: 'Status set to In progress.' }).waitFor()
    await header.getByText('In progress', { exact: true }).waitFor()
    expect(await statusCard.getByRole('button', { name: 'In progress' }).getAttribute('aria-pressed')).toBe('true')
    expect(await statusCard.getByRole('button', { name: 'Not started' }).getAttribute('aria-pressed')).toBe('false')
    expect(await historyEntries(page)).toEqual([
      expect.stringMatching(new RegExp(`— Not started → In progress by ${person.name}$`)),
      expect.stringMatching(new RegExp(`— Created as Not started by ${person.name}$`)),
    ])
    // The edit form agrees with the new status, so saving it later does not undo the change.
    expect(await editPlanForm(page).getByLabel('Status').inputValue()).toBe('in_progress')

    // Reloaded, the page shows the same: it was all saved.
    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Buy new running shoes' }).waitFor()
    await waitForHydration(page)
    await expectProgress(page, 1, 2)
    expect(await historyEntries(page)).toHaveLength(2)
    expect(await statusCard.getByRole('button', { name: 'In progress' }).getAttribute('aria-pressed')).toBe('true')

    // ── Back in the table: the new status and the milestone count.
    await openPlansFromHeader(page)
    await expectTitles(page, ['Buy new running shoes', 'Book the Saturday club run'])
    expect(await tableRows(page)).toEqual([
      { theme: topic, action: 'Buy new running shoes', milestones: '1/2 milestones', content: '—', status: 'In progress', priority: 'None', due: `${shoesBy} This week` },
      { theme: topic, action: 'Book the Saturday club run', milestones: '', content: '—', status: 'Not started', priority: 'None', due: clubRunBy },
    ])
    await applyFilters(page, { status: 'In progress' })
    await expectTitles(page, ['Buy new running shoes'])

    // ── And on the dashboard.
    await mainNav(page).getByRole('link', { name: 'Dashboard', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Your dashboard' }).waitFor()
    await card(page, 'Action plans').getByText('1 due this week', { exact: true }).waitFor()
    expect(await dashboardPlans(page)).toEqual([
      { title: 'Buy new running shoes', details: `In progress · due ${shoesBy} · 1/2 milestones This week` },
      { title: 'Book the Saturday club run', details: `Not started · due ${clubRunBy}` },
    ])
    await card(page, 'Action plans').getByRole('link', { name: 'Buy new running shoes' }).click()
    await page.waitForURL((url) => url.pathname === planUrl)
    await page.getByRole('heading', { level: 1, name: 'Buy new running shoes' }).waitFor()
  })
})

describe('the table', () => {
  const budget = { title: 'Draft the quarterly budget', content: 'Numbers for the board meeting', theme: 'Finance', status: 'Not started', priority: 2, due: isoDay(-3) }
  const bank = { title: 'Call the bank about the mortgage', theme: 'Finance', status: 'In progress', priority: 1, due: isoDay(2) }
  const bulbs = { title: 'Plant the spring bulbs', theme: 'Garden', status: 'Done', priority: 5, due: isoDay(-10) }
  const fence = { title: 'Repaint the garden fence', theme: 'Garden', status: 'Blocked', priority: 3 }

  test('sorts by a column both ways, filters by status and due date, searches by a word, clears the filters, and says when nothing matches', async () => {
    const { page, documentRequests } = await newPage()
    await signUp(page)
    await openPlansFromHeader(page)
    await page.getByText('No action plans yet', { exact: true }).waitFor()
    for (const plan of [budget, bank, bulbs, fence]) {
      await openPlansFromHeader(page)
      await writePlanByHand(page, plan)
    }
    await openPlansFromHeader(page)
    const loadsBefore = documentRequests.length

    // By due date, soonest first, undated last; overdue and due-this-week plans are marked, done ones are not.
    await page.getByText('4 plans', { exact: true }).waitFor()
    expect(await tableRows(page)).toEqual([
      { theme: 'Garden', action: bulbs.title, milestones: '', content: '—', status: 'Done', priority: '5', due: bulbs.due },
      { theme: 'Finance', action: budget.title, milestones: '', content: budget.content, status: 'Not started', priority: '2', due: `${budget.due} Overdue` },
      { theme: 'Finance', action: bank.title, milestones: '', content: '—', status: 'In progress', priority: '1', due: `${bank.due} This week` },
      { theme: 'Garden', action: fence.title, milestones: '', content: '—', status: 'Blocked', priority: '3', due: '—' },
    ])
    expect(await columnHeader(page, 'Due').getAttribute('aria-sort')).toBe('ascending')
    expect(await columnHeader(page, 'Priority').getAttribute('aria-sort')).toBe('none')

    // ── Sorting: Priority once → highest first (1); again → the other way round.
    await columnHeader(page, 'Priority').getByRole('link').click()
    await expect.poll(() => columnHeader(page, 'Priority').getAttribute('aria-sort')).toBe('ascending')
    expect(await columnHeader(page, 'Due').getAttribute('aria-sort')).toBe('none')
    await expectTitles(page, [bank.title, budget.title, fence.title, bulbs.title])
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ sort: 'priority', dir: 'asc' })
    await plansTable(page).locator('caption').filter({ hasText: 'sorted by Priority' }).waitFor({ state: 'attached' })

    await columnHeader(page, 'Priority').getByRole('link').click()
    await expect.poll(() => columnHeader(page, 'Priority').getAttribute('aria-sort')).toBe('descending')
    await expectTitles(page, [bulbs.title, fence.title, budget.title, bank.title])
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ sort: 'priority', dir: 'desc' })

    // ── Filtering by status keeps the sort.
    await applyFilters(page, { status: 'Blocked' })
    await expectTitles(page, [fence.title])
    await page.getByText('1 plan', { exact: true }).waitFor()
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ status: 'blocked', sort: 'priority', dir: 'desc' })
    expect(await columnHeader(page, 'Priority').getAttribute('aria-sort')).toBe('descending')
    expect(await filterValues(page)).toEqual({ ...noFilters, status: 'blocked' })

    await applyFilters(page, { status: 'Any', due: 'Overdue' })
    await expectTitles(page, [budget.title])
    await applyFilters(page, { due: 'This week' })
    await expectTitles(page, [bank.title])
    await applyFilters(page, { due: 'Any time' })
    await expectTitles(page, [bulbs.title, fence.title, budget.title, bank.title])

    // ── Searching by a word of a title (any case), and by the start of a word.
    await applyFilters(page, { search: 'Mortgage' })
    await expectTitles(page, [bank.title])
    expect(new URL(page.url()).searchParams.get('q')).toBe('Mortgage')
    await applyFilters(page, { search: 'budg' })
    await expectTitles(page, [budget.title])

    // ── Nothing matches: the table gives way to a message, with a way out.
    await applyFilters(page, { search: 'mortgage', status: 'Done' })
    await page.getByText('No plans match these filters', { exact: true }).waitFor()
    expect(await plansTable(page).count()).toBe(0)

    // ── Clearing the filters shows every plan again, and the form starts empty.
    await page.getByRole('link', { name: 'Clear filters' }).click()
    await expectTitles(page, [bulbs.title, budget.title, bank.title, fence.title])
    expect(new URL(page.url()).searchParams.get('q')).toBeNull()
    expect(await page.getByRole('link', { name: 'Clear filters' }).count()).toBe(0)
    expect(await filterValues(page), 'the filter form shows no filter once they are cleared').toEqual(noFilters)

    // Pressing Apply now does not bring the old filters back.
    await applyFilters(page, { priority: '3' })
    await expectTitles(page, [fence.title])
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ q: '', status: '', priority: '3' })

    expect(documentRequests.length, 'sorting and filtering did not reload the page').toBe(loadsBefore)
  })

  test('more plans than fit on a page are split into pages, and sorting starts again on the first', async () => {
    const { context, page } = await newPage()
    await signUp(page)
    // 27 plans, each due a day later than the one before, sent as the new-plan form would send them.
    const titles = Array.from({ length: 27 }, (_, index) => `Weekly review ${String(index + 1).padStart(2, '0')}`)
    for (const [index, title] of titles.entries()) {
      const response = await context.request.post('/action-plans/new', {
        form: { requestKey: randomUUID(), title, status: 'pending', priority: '3', timelineEnd: isoDay(30 + index) },
        maxRedirects: 0,
      })
      expect(response.status(), `creating "${title}"`).toBe(302)
    }

    await openPlansFromHeader(page)
    // Keyset pages (decision 016): nothing is counted, so the line says what this page shows.
    await page.getByText('Showing the first 25 plans', { exact: true }).waitFor()
    const pages = page.getByRole('navigation', { name: 'Pages' })
    expect(await tableTitles(page)).toEqual(titles.slice(0, 25))
    expect(await pages.getByRole('link', { name: '← Previous' }).count()).toBe(0)

    await pages.getByRole('link', { name: 'Next →' }).click()
    await page.getByText('Showing the last 2 plans', { exact: true }).waitFor()
    await expectTitles(page, titles.slice(25))
    expect(new URL(page.url()).searchParams.has('after'), 'the page is named by a cursor, not a number').toBe(true)
    expect(await pages.getByRole('link', { name: 'Next →' }).count()).toBe(0)
    // Back to the first page with Previous.
    await pages.getByRole('link', { name: '← Previous' }).click()
    await page.getByText('Showing the first 25 plans', { exact: true }).waitFor()
    await expectTitles(page, titles.slice(0, 25))
    expect(await pages.getByRole('link', { name: '← Previous' }).count()).toBe(0)
    await pages.getByRole('link', { name: 'Next →' }).click()
    await expectTitles(page, titles.slice(25))

    // Sorting the other way shows the first page of the new order.
    await columnHeader(page, 'Due').getByRole('link').click()
    await expect.poll(() => columnHeader(page, 'Due').getAttribute('aria-sort')).toBe('descending')
    await page.getByText('Showing the first 25 plans', { exact: true }).waitFor()
    await expectTitles(page, [...titles].reverse().slice(0, 25))

    await pages.getByRole('link', { name: 'Next →' }).click()
    await expectTitles(page, ['Weekly review 02', 'Weekly review 01'])
    await pages.getByRole('link', { name: '← Previous' }).click()
    await expectTitles(page, [...titles].reverse().slice(0, 25))
  })
})

describe('refused input and missing plans', () => {
  test('a due date before the start date is refused on the Edit plan form; what was typed stays, and nothing is saved', async () => {
    const { page, problems } = await newPage()
    // The action answers the refused form with 400 Bad Request, which Chromium logs.
    problems.expectConsoleError(/status of 400/, 'the 400 response to the refused edit')
    await signUp(page)
    await openPlansFromHeader(page)
    const plan = { title: 'Write the grant proposal', theme: 'Work', start: isoDay(1), due: isoDay(14), priority: 2 }
    await writePlanByHand(page, plan)
    await waitForHydration(page)

    const form = editPlanForm(page)
    const title = form.getByLabel('Agreed action')
    const start = form.getByLabel('Start')
    const due = form.getByLabel('Due')
    expect([await title.inputValue(), await start.inputValue(), await due.inputValue()]).toEqual([plan.title, plan.start, plan.due])

    const typedTitle = 'Write the grant proposal and send it'
    await title.fill(typedTitle)
    await start.fill(isoDay(10))
    await due.fill(isoDay(5))
    await form.getByRole('button', { name: 'Save changes' }).click()

    await page.getByRole('alert').filter({ hasText: 'Please fix the marked fields.' }).waitFor()
    await form.getByText('The due date cannot be before the start date.', { exact: true }).waitFor()
    expect(await due.getAttribute('aria-invalid')).toBe('true')
    const describedBy = await due.getAttribute('aria-describedby')
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe('The due date cannot be before the start date.')
    expect(await start.getAttribute('aria-invalid')).toBeNull()
    // What was typed is still there to correct.
    expect(await title.inputValue()).toBe(typedTitle)
    expect(await start.inputValue()).toBe(isoDay(10))
    expect(await due.inputValue()).toBe(isoDay(5))
    // The page still shows the saved plan.
    await page.getByRole('heading', { level: 1, name: plan.title, exact: true }).waitFor()
    expect(await page.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(0)

    // Reloaded, nothing has changed.
    await page.reload()
    await page.getByRole('heading', { level: 1, name: plan.title, exact: true }).waitFor()
    await waitForHydration(page)
    expect([await title.inputValue(), await start.inputValue(), await due.inputValue()]).toEqual([plan.title, plan.start, plan.due])
    expect(await page.getByText('The due date cannot be before the start date.').count()).toBe(0)
    expect(await historyEntries(page)).toHaveLength(1)
    await openPlansFromHeader(page)
    expect((await tableRows(page)).map((row) => [row.action, row.due])).toEqual([[plan.title, plan.due]])

    // Corrected, the same form saves.
    await plansTable(page).getByRole('link', { name: plan.title }).click()
    await page.getByRole('heading', { level: 1, name: plan.title, exact: true }).waitFor()
    await title.fill(typedTitle)
    await due.fill(isoDay(21))
    await form.getByRole('button', { name: 'Save changes' }).click()
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor()
    await page.getByRole('heading', { level: 1, name: typedTitle, exact: true }).waitFor()
  })

  test('without JavaScript, the refused edit comes back from the server with what was typed, and the error at the due date', async () => {
    // The page comes back from the server here, so what is filled in is what the server returned.
    const { page, problems } = await newPage({ javaScriptEnabled: false })
    problems.expectConsoleError(/status of 400/, 'the 400 response to the refused edit')
    const id = randomUUID().slice(0, 8)
    await page.goto('/signup')
    await page.getByLabel('Your name').fill(`Nora NoScript ${id}`)
    await page.getByLabel('Email').fill(`nora.${id}@example.com`)
    await page.getByLabel('Password').fill(`Strong-pass-${id}-9`)
    await page.getByRole('button', { name: 'Create account' }).click()
    await page.getByRole('heading', { level: 1, name: 'Your dashboard' }).waitFor()

    await page.goto('/action-plans/new')
    await page.getByLabel('Agreed action').fill('Book the venue')
    await page.getByLabel('Start (optional)').fill(isoDay(2))
    await page.getByLabel('Due (optional)').fill(isoDay(30))
    await page.getByRole('button', { name: 'Create plan' }).click()
    await page.waitForURL((url) => planPath.test(url.pathname))
    await page.getByRole('heading', { level: 1, name: 'Book the venue', exact: true }).waitFor()

    const form = editPlanForm(page)
    await form.getByLabel('Agreed action').fill('Book the venue for 40 people')
    await form.getByLabel('Start').fill(isoDay(12))
    await form.getByLabel('Due').fill(isoDay(6))
    await form.getByRole('button', { name: 'Save changes' }).click()

    await page.getByRole('alert').filter({ hasText: 'Please fix the marked fields.' }).waitFor()
    await form.getByText('The due date cannot be before the start date.', { exact: true }).waitFor()
    expect(await form.getByLabel('Due').getAttribute('aria-invalid')).toBe('true')
    expect(await form.getByLabel('Agreed action').inputValue()).toBe('Book the venue for 40 people')
    expect(await form.getByLabel('Start').inputValue()).toBe(isoDay(12))
    expect(await form.getByLabel('Due').inputValue()).toBe(isoDay(6))
    await page.getByRole('heading', { level: 1, name: 'Book the venue', exact: true }).waitFor()

    await page.goto(new URL(page.url()).pathname)
    expect(await form.getByLabel('Agreed action').inputValue()).toBe('Book the venue')
    expect(await form.getByLabel('Start').inputValue()).toBe(isoDay(2))
    expect(await form.getByLabel('Due').inputValue()).toBe(isoDay(30))
  })

  test('a plan that does not exist is a Not found page', async () => {
    const { page, problems } = await newPage()
    problems.expectConsoleError(/status of 404/, 'the 404 response for the unknown plan')
    problems.expectConsoleError(/status of 404/, 'the 404 response for the malformed id')
    await signUp(page)

    for (const path of [`/action-plans/${randomUUID()}`, '/action-plans/not-a-plan']) {
      const response = await page.goto(path)
      expect(response?.status(), path).toBe(404)
      await page.getByRole('heading', { level: 1, name: 'Not found' }).waitFor()
      await page.getByText('Error 404', { exact: true }).waitFor()
      await page.getByRole('alert').getByText('This page does not exist, or you do not have access to it.').waitFor()
      await page.getByRole('link', { name: 'Back to your dashboard' }).waitFor()
    }
  })
})

describe('a plan written by hand', () => {
  test('is created from the table, says it was written by hand, and is listed in the table and on the dashboard', async () => {
    const { page } = await newPage()
    await signUp(page)
    await openPlansFromHeader(page)
    await page.getByText('No action plans yet', { exact: true }).waitFor()

    const plan = {
      title: 'Ask for feedback on the talk',
      content: 'Two colleagues who were in the room.',
      theme: 'Public speaking',
      status: 'In progress',
      priority: 2,
      start: isoDay(0),
      due: isoDay(9),
    }
    await writePlanByHand(page, plan)

    await page.getByText('Written by hand · Theme: Public speaking', { exact: true }).waitFor()
    expect(await page.getByRole('main').getByRole('link', { name: /session/i }).count(), 'a plan written by hand links to no session').toBe(0)
    const header = page.getByRole('heading', { level: 1 }).locator('xpath=..')
    await header.getByText('In progress', { exact: true }).waitFor()
    expect(await historyEntries(page)).toEqual([expect.stringMatching(/— Created as In progress by Sam Session /)])
    expect(await card(page, 'Status').getByRole('button', { name: 'In progress' }).getAttribute('aria-pressed')).toBe('true')
    const form = editPlanForm(page)
    expect({
      content: await form.getByLabel('Content').inputValue(),
      theme: await form.getByLabel('Coaching theme').inputValue(),
      priority: await form.getByLabel('Priority').inputValue(),
      start: await form.getByLabel('Start').inputValue(),
      due: await form.getByLabel('Due').inputValue(),
    }).toEqual({ content: plan.content, theme: plan.theme, priority: '2', start: plan.start, due: plan.due })

    await openPlansFromHeader(page)
    expect(await tableRows(page)).toEqual([
      { theme: plan.theme, action: plan.title, milestones: '', content: plan.content, status: 'In progress', priority: '2', due: plan.due },
    ])

    await mainNav(page).getByRole('link', { name: 'Dashboard', exact: true }).click()
    await page.getByRole('heading', { level: 1, name: 'Your dashboard' }).waitFor()
    await expect.poll(() => dashboardPlans(page)).toEqual([{ title: plan.title, details: `In progress · due ${plan.due}` }])
  })
})

describe('a browser in another timezone than the server', () => {
  test('the plan page, loaded afresh, hydrates without errors and shows its history in the person’s timezone', async () => {
    // The server runs in UTC, like a new account; this browser is 12 or 13 hours ahead.
    const { page, problems } = await newPage({ timezoneId: 'Pacific/Auckland' })
    await signUp(page)
    await openPlansFromHeader(page)
    await writePlanByHand(page, { title: 'Send the thank-you notes', due: isoDay(5) })

    await page.reload()
    await page.getByRole('heading', { level: 1, name: 'Send the thank-you notes' }).waitFor()
    await waitForHydration(page)
    // Text rendered differently by the server and the browser shows up here as React errors.
    problems.assertNone()
    expect(await historyEntries(page)).toEqual([
      expect.stringMatching(/^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC — Created as Not started by Sam Session /),
    ])
  })
})

describe('on a phone', () => {
  test('the plan table scrolls inside its own box; the page and the plan details fit the 390 px screen', async () => {
    const { page } = await newPage(phone)
    await signUp(page)
    await openPlansFromHeader(page)
    await writePlanByHand(page, {
      title: 'Prepare the workshop slides for the autumn offsite',
      content: 'A long description that would make a table cell wide if nothing wrapped it or let the table scroll.',
      theme: 'Facilitation and presenting to larger groups',
      priority: 1,
      due: isoDay(4),
    })
    const details = await horizontalOverflow(page)
    expect(details.clientWidth).toBe(390)
    expect(details.scrollWidth, 'the plan page is wider than a 390 px screen').toBeLessThanOrEqual(details.clientWidth)

    await openPlansFromHeader(page)
    await plansTable(page).getByRole('link', { name: 'Prepare the workshop slides for the autumn offsite' }).waitFor()
    const { scrollWidth, clientWidth } = await horizontalOverflow(page)
    expect(clientWidth).toBe(390)
    expect(scrollWidth, 'the plan table page is wider than a 390 px screen').toBeLessThanOrEqual(clientWidth)

    // The table is wider than the screen, so its own box scrolls sideways.
    const box = plansTable(page).locator('xpath=..')
    const inner = await box.evaluate((element) => ({
      scrollWidth: element.scrollWidth,
      clientWidth: element.clientWidth,
      overflowX: getComputedStyle(element).overflowX,
    }))
    expect(inner.overflowX).toBe('auto')
    expect(inner.scrollWidth).toBeGreaterThan(inner.clientWidth)
    expect(inner.clientWidth).toBeLessThanOrEqual(390)
  })
})
