/**
 * Tracking action plans through lib/plans on a real database: the table's sorting,
 * filters, search and pages; the details page and its history; milestones; bad input
 * that changes nothing; the coach's view; and the calendar feed.
 */
import ICAL from 'ical.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomUUID } from 'node:crypto'
import {
  addMilestone,
  createActionPlan,
  deleteMilestone,
  getActionPlan,
  listActionPlans,
  listClientsWithOverdue,
  listOpenActionPlans,
  moveMilestone,
  planListQuerySchema,
  setActionPlanStatus,
  setMilestoneCompleted,
  updateActionPlan,
  updateMilestone,
  type PlanListQuery,
} from '#lib/plans/action-plans'
import { startSession } from '#lib/coaching/sessions'
import { calendarFeed, removeCalendarFeed, resetCalendarFeed } from '#lib/plans/calendar'
import { acceptInvite, createInvite, createProgram } from '#lib/programs/programs'
import { caught } from '../support/app-error'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let userId: string

const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10)
const query = (overrides: Partial<PlanListQuery> = {}): PlanListQuery => ({ ...planListQuerySchema.parse({}), ...overrides })


async function plan(owner: string, input: Record<string, unknown>): Promise<string> {
  return createActionPlan(testDb.db, { userId: owner, requestKey: randomUUID(), input })
}

beforeAll(async () => {
  testDb = await createTestDatabase()
  userId = await createUser(testDb.db, { displayName: 'Tara' })
})

afterAll(async () => {
  await testDb?.close()
})

describe('the table', () => {
  let ids: Record<string, string>

  beforeAll(async () => {
    ids = {
      overdue: await plan(userId, { title: 'Call the landlord', theme: 'Housing', priority: 1, timelineEnd: day(-3) }),
      thisWeek: await plan(userId, { title: 'Running shoes', description: 'Buy proper running shoes', theme: 'Fitness', priority: 2, timelineEnd: day(3) }),
      later: await plan(userId, { title: 'Sign up for a 5k', theme: 'Fitness', status: 'in_progress', priority: 3, timelineEnd: day(30) }),
      none: await plan(userId, { title: 'Read about budgeting', theme: 'Money', priority: 5 }),
      doneLate: await plan(userId, { title: 'Book a dentist', theme: 'Health', status: 'completed', priority: 4, timelineEnd: day(-10) }),
    }
    // Someone else's plan never shows.
    await plan(await createUser(testDb.db), { title: 'Running shoes for someone else', timelineEnd: day(-1) })
  })

  it('sorts by every column, both ways', async () => {
    const titles = async (sort: PlanListQuery['sort'], dir: PlanListQuery['dir']) =>
      (await listActionPlans(testDb.db, { userId, scope: 'mine', query: query({ sort, dir }) })).rows.map((r) => r.title)
    expect(await titles('due', 'asc')).toEqual(['Book a dentist', 'Call the landlord', 'Running shoes', 'Sign up for a 5k', 'Read about budgeting'])
    expect(await titles('priority', 'desc')).toEqual(['Read about budgeting', 'Book a dentist', 'Sign up for a 5k', 'Running shoes', 'Call the landlord'])
    expect((await titles('title', 'asc'))[0]).toBe('Book a dentist')
    expect((await titles('theme', 'asc'))[0]).toBe('Sign up for a 5k') // Fitness… then by newest first within a theme
    expect((await titles('status', 'asc')).at(-1)).toBe('Book a dentist') // completed last
    expect(await titles('description', 'desc')).toContain('Running shoes')
  })

  it('filters by status, priority and due, and marks overdue and this-week plans', async () => {
    const list = (overrides: Partial<PlanListQuery>) => listActionPlans(testDb.db, { userId, scope: 'mine', query: query(overrides) })
    expect((await list({ status: 'in_progress' })).rows.map((r) => r.title)).toEqual(['Sign up for a 5k'])
    expect((await list({ priority: 1 })).rows.map((r) => r.id)).toEqual([ids.overdue])
    const overdue = await list({ due: 'overdue' })
    expect(overdue.rows.map((r) => [r.title, r.overdue])).toEqual([['Call the landlord', true]]) // a completed plan is never overdue
    expect((await list({ due: 'this_week' })).rows.map((r) => [r.title, r.dueThisWeek])).toEqual([['Running shoes', true]])
    expect((await list({ due: 'later' })).rows.map((r) => r.title)).toEqual(['Sign up for a 5k'])
    expect((await list({ due: 'none' })).rows.map((r) => r.title)).toEqual(['Read about budgeting'])
  })

  it('searches titles, content and themes by word prefixes', async () => {
    const search = async (q: string) => (await listActionPlans(testDb.db, { userId, scope: 'mine', query: query({ q, sort: 'title' }) })).rows.map((r) => r.title)
    expect(await search('run sho')).toEqual(['Running shoes'])
    expect(await search('proper')).toEqual(['Running shoes'])
    expect(await search('fitness')).toEqual(['Running shoes', 'Sign up for a 5k'])
    expect(await search("'; drop table action_plans; --")).toEqual([])
    expect(await search('%')).toHaveLength(5) // no words: no search filter
  })

  /** Every page from the first, following Next; then back, following Previous. */
  async function walk(owner: string, overrides: Partial<PlanListQuery> = {}) {
    const forward = [await listActionPlans(testDb.db, { userId: owner, scope: 'mine', query: query(overrides) })]
    while (forward.at(-1)!.next) {
      forward.push(await listActionPlans(testDb.db, { userId: owner, scope: 'mine', query: query({ ...overrides, after: forward.at(-1)!.next! }) }))
    }
    const back = [forward.at(-1)!]
    while (back.at(-1)!.previous) {
      back.push(await listActionPlans(testDb.db, { userId: owner, scope: 'mine', query: query({ ...overrides, before: back.at(-1)!.previous! }) }))
    }
    return { forward, back: back.reverse() }
  }

  it('pages through many plans in a stable order, forward and back, with no count', async () => {
    const owner = await createUser(testDb.db)
    for (let i = 0; i < 60; i++) await plan(owner, { title: `Step ${String(i).padStart(2, '0')}`, timelineEnd: day(i) })
    const { forward, back } = await walk(owner)
    expect(forward.map((p) => [p.rows.length, p.isFirst, Boolean(p.previous), Boolean(p.next)])).toEqual([
      [25, true, false, true],
      [25, false, true, true],
      [10, false, true, false],
    ])
    const all = forward.flatMap((p) => p.rows.map((r) => r.title))
    expect(all).toEqual(Array.from({ length: 60 }, (_, i) => `Step ${String(i).padStart(2, '0')}`))
    expect(back.map((p) => p.rows.map((r) => r.title))).toEqual(forward.map((p) => p.rows.map((r) => r.title)))
    expect(back[0]!.isFirst).toBe(true)
  })

  it('pages with ties, nulls and every sort, both ways: each plan exactly once, in the order of one full read', async () => {
    const owner = await createUser(testDb.db)
    // Ties on purpose: plans share due dates, priorities, themes and even creation times,
    // and some have no due date or priority, so the order falls to created_at, then id.
    await testDb.db.asService((tx) =>
      tx.query(
        `insert into public.action_plans (user_id, title, theme, description, status, priority, timeline_end, created_at)
         select $1, 'Bulk ' || lpad(g::text, 3, '0'), (array['Fitness','Money','Housing'])[1 + g % 3], 'Content ' || (g % 7),
                (array['pending','in_progress','blocked','completed'])[1 + g % 4],
                case when g % 5 = 0 then null else 1 + g % 5 end,
                case when g % 6 = 0 then null else current_date + (g % 9) end,
                now() - make_interval(secs => g / 3)
         from generate_series(1, 130) g`,
        [owner],
      ),
    )
    for (const sort of ['due', 'priority', 'theme', 'title', 'description', 'status'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        const whole = await listActionPlans(testDb.db, { userId: owner, scope: 'mine', query: query({ sort, dir }), limit: 200 })
        const { forward, back } = await walk(owner, { sort, dir })
        const ids = forward.flatMap((p) => p.rows.map((r) => r.id))
        expect(ids, `${sort} ${dir}`).toEqual(whole.rows.map((r) => r.id))
        expect(ids).toHaveLength(130)
        expect(back.flatMap((p) => p.rows.map((r) => r.id)), `${sort} ${dir}, going back`).toEqual(ids)
      }
    }
    // Filters hold across pages.
    const open = await walk(owner, { status: 'pending' })
    expect(open.forward.flatMap((p) => p.rows.map((r) => r.status))).toEqual(Array(32).fill('pending'))

    // The dashboard's list counts nothing: it reads its ten open plans.
    expect(await listOpenActionPlans(testDb.db, { userId: owner })).toHaveLength(10)
  })

  it('treats a cursor it did not make as the first page, and one past the end too', async () => {
    const owner = await createUser(testDb.db)
    for (let i = 0; i < 30; i++) await plan(owner, { title: `Item ${String(i).padStart(2, '0')}`, timelineEnd: day(i) })
    const first = await listActionPlans(testDb.db, { userId: owner, scope: 'mine', query: query() })
    const forged = [
      'not-a-cursor',
      Buffer.from(JSON.stringify(["1'); drop table action_plans; --", '2026-01-01 00:00:00+00', randomUUID()])).toString('base64url'),
      Buffer.from(JSON.stringify(['2026-01-01', 'yesterday', randomUUID()])).toString('base64url'),
    ]
    for (const after of forged) {
      const page = await listActionPlans(testDb.db, { userId: owner, scope: 'mine', query: query({ after }) })
      expect(page.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id))
      expect(page.isFirst).toBe(true)
    }
    // A cursor from beyond the last plan: the first page, not an empty one.
    const beyond = Buffer.from(JSON.stringify(['9999-12-31', '1970-01-01 00:00:00+00', randomUUID()])).toString('base64url')
    const page = await listActionPlans(testDb.db, { userId: owner, scope: 'mine', query: query({ after: beyond }) })
    expect([page.isFirst, page.rows.length, Boolean(page.next)]).toEqual([true, 25, true])
  })

  it('reads bad query parameters as defaults instead of failing', () => {
    const parsed = planListQuerySchema.parse({ sort: 'user_id; drop', dir: 'sideways', status: 'nope', priority: '9', after: 'x'.repeat(5000), due: 'yesterday' })
    expect(parsed).toEqual({ sort: 'due', dir: 'asc', status: undefined, priority: undefined, due: undefined, session: undefined, client: undefined, q: undefined, after: undefined, before: undefined })
  })

  it('the dashboard lists open plans, soonest first', async () => {
    expect((await listOpenActionPlans(testDb.db, { userId })).map((r) => r.title)).toEqual([
      'Call the landlord',
      'Running shoes',
      'Sign up for a 5k',
      'Read about budgeting',
    ])
  })
})

describe('a plan’s details, edits and history', () => {
  it('keeps every status change in the history, with who made it', async () => {
    const id = await plan(userId, { title: 'Draft the proposal', timelineStart: day(0), timelineEnd: day(5) })
    await setActionPlanStatus(testDb.db, { userId, id, status: 'in_progress' })
    await setActionPlanStatus(testDb.db, { userId, id, status: 'in_progress' }) // a double submit: no second entry
    await setActionPlanStatus(testDb.db, { userId, id, status: 'completed' })
    const details = await getActionPlan(testDb.db, { userId, id })
    expect(details.history.map((h) => [h.from, h.to, h.byName])).toEqual([
      ['in_progress', 'completed', 'Tara'],
      ['pending', 'in_progress', 'Tara'],
      [null, 'pending', 'Tara'],
    ])
    expect(details).toMatchObject({ isOwner: true, canEdit: true, sessionId: null })
  })

  it('refuses bad input with a message and changes nothing', async () => {
    const id = await plan(userId, { title: 'Original', timelineStart: day(1), timelineEnd: day(9) })
    const before = await getActionPlan(testDb.db, { userId, id })

    const unknownStatus = await caught(setActionPlanStatus(testDb.db, { userId, id, status: 'finished-ish' }))
    expect([unknownStatus.kind, unknownStatus.message]).toEqual(['invalid', 'Choose one of: not started, in progress, done, blocked.'])

    const backwards = await caught(updateActionPlan(testDb.db, { userId, id, input: { title: 'Changed', timelineStart: day(9), timelineEnd: day(1) } }))
    expect(backwards.fieldErrors.timelineEnd).toEqual(['The due date cannot be before the start date.'])

    const emptyTitle = await caught(updateActionPlan(testDb.db, { userId, id, input: { title: '   ' } }))
    expect(emptyTitle.fieldErrors.title).toEqual(['Give the plan a title.'])

    const badTypes = await caught(updateActionPlan(testDb.db, { userId, id, input: { title: 'x', priority: 'high', timelineEnd: '31/12/2026' } }))
    expect(Object.keys(badTypes.fieldErrors).sort()).toEqual(['priority', 'timelineEnd'])

    const after = await getActionPlan(testDb.db, { userId, id })
    expect(after).toEqual(before)
  })

  it('answers another user’s plan id as not found, and leaves it alone', async () => {
    const stranger = await createUser(testDb.db)
    const id = await plan(userId, { title: 'Mine alone' })
    // Each attempt starts only when awaited, so no refusal goes unhandled while another runs.
    for (const attempt of [
      () => getActionPlan(testDb.db, { userId: stranger, id }),
      () => setActionPlanStatus(testDb.db, { userId: stranger, id, status: 'blocked' }),
      () => updateActionPlan(testDb.db, { userId: stranger, id, input: { title: 'Hijacked' } }),
      () => addMilestone(testDb.db, { userId: stranger, planId: id, requestKey: randomUUID(), input: { title: 'Sneaky' } }),
    ]) {
      const error = await caught(attempt())
      expect(error.kind).toBe('not_found')
      expect(error.message).not.toMatch(/forbidden|permission|policy/i)
    }
    expect(await getActionPlan(testDb.db, { userId, id })).toMatchObject({ title: 'Mine alone', status: 'pending', milestones: [] })
  })

  it('creates a hand-written plan once, however often the form is sent', async () => {
    const requestKey = randomUUID()
    const [first, second] = await Promise.all([
      createActionPlan(testDb.db, { userId, requestKey, input: { title: 'Once only' } }),
      createActionPlan(testDb.db, { userId, requestKey, input: { title: 'Once only' } }),
    ])
    const third = await createActionPlan(testDb.db, { userId, requestKey, input: { title: 'Once only' } })
    expect(new Set([first, second, third]).size).toBe(1)
    const page = await listActionPlans(testDb.db, { userId, scope: 'mine', query: query({ q: 'once only' }) })
    expect(page.rows).toHaveLength(1)
  })
})

describe('milestones', () => {
  it('are added once per form, edited, reordered, completed and reopened, with progress and completed_at in step', async () => {
    const planId = await plan(userId, { title: 'Run a 5k', timelineEnd: day(30) })
    const key = randomUUID()
    await addMilestone(testDb.db, { userId, planId, requestKey: key, input: { title: 'Run 1k', dueDate: day(5) } })
    await addMilestone(testDb.db, { userId, planId, requestKey: key, input: { title: 'Run 1k', dueDate: day(5) } })
    await addMilestone(testDb.db, { userId, planId, requestKey: randomUUID(), input: { title: 'Run 3k', dueDate: day(15) } })
    await addMilestone(testDb.db, { userId, planId, requestKey: randomUUID(), input: { title: 'Run 5k' } })
    let details = await getActionPlan(testDb.db, { userId, id: planId })
    expect(details.milestones.map((m) => m.title)).toEqual(['Run 1k', 'Run 3k', 'Run 5k'])
    const [first, second, third] = details.milestones

    await moveMilestone(testDb.db, { userId, planId, milestoneId: third!.id, direction: 'up' })
    await moveMilestone(testDb.db, { userId, planId, milestoneId: first!.id, direction: 'up' }) // already first: nothing happens
    await updateMilestone(testDb.db, { userId, planId, milestoneId: second!.id, input: { title: 'Run 3k without stopping', dueDate: day(16) } })
    await setMilestoneCompleted(testDb.db, { userId, planId, milestoneId: first!.id, completed: true })
    details = await getActionPlan(testDb.db, { userId, id: planId })
    expect(details.milestones.map((m) => [m.title, m.completed, m.completedAt !== null])).toEqual([
      ['Run 1k', true, true],
      ['Run 5k', false, false],
      ['Run 3k without stopping', false, false],
    ])

    await setMilestoneCompleted(testDb.db, { userId, planId, milestoneId: first!.id, completed: false })
    await deleteMilestone(testDb.db, { userId, planId, milestoneId: third!.id })
    details = await getActionPlan(testDb.db, { userId, id: planId })
    expect(details.milestones.map((m) => [m.title, m.completed, m.completedAt])).toEqual([
      ['Run 1k', false, null],
      ['Run 3k without stopping', false, null],
    ])
  })

  it('a milestone of another plan is not found, and not touched', async () => {
    const mine = await plan(userId, { title: 'Plan A' })
    const other = await plan(userId, { title: 'Plan B' })
    await addMilestone(testDb.db, { userId, planId: other, requestKey: randomUUID(), input: { title: 'Belongs to B' } })
    const [milestone] = (await getActionPlan(testDb.db, { userId, id: other })).milestones
    for (const attempt of [
      () => setMilestoneCompleted(testDb.db, { userId, planId: mine, milestoneId: milestone!.id, completed: true }),
      () => updateMilestone(testDb.db, { userId, planId: mine, milestoneId: milestone!.id, input: { title: 'Moved' } }),
      () => deleteMilestone(testDb.db, { userId, planId: mine, milestoneId: milestone!.id }),
      () => moveMilestone(testDb.db, { userId, planId: mine, milestoneId: milestone!.id, direction: 'down' }),
    ]) {
      expect((await caught(attempt())).message).toBe('That milestone is not part of this plan.')
    }
    expect((await getActionPlan(testDb.db, { userId, id: other })).milestones).toMatchObject([{ title: 'Belongs to B', completed: false }])
  })

  it('refuses an empty title or a bad date', async () => {
    const planId = await plan(userId, { title: 'Plan C' })
    const error = await caught(addMilestone(testDb.db, { userId, planId, requestKey: randomUUID(), input: { title: '', dueDate: '2026-02-30' } }))
    expect(error.fieldErrors).toEqual({ title: ['Give the milestone a title.'], dueDate: ['That is not a real date.'] })
    expect((await getActionPlan(testDb.db, { userId, id: planId })).milestones).toEqual([])
  })
})

describe('the coach’s view', () => {
  it('a coach sees a client’s shared plans and not a private one; a client of another program sees none', async () => {
    const coach = await createUser(testDb.db, { displayName: 'Coach Kim' })
    const client = await createUser(testDb.db, { displayName: 'Client Lou' })
    const otherClient = await createUser(testDb.db, { displayName: 'Elsewhere Eve' })
    const programId = await createProgram(testDb.db, { userId: coach, name: 'Kim Coaching' })
    const otherProgram = await createProgram(testDb.db, { userId: await createUser(testDb.db), name: 'Other' })
    await acceptInvite(testDb.db, { userId: client, token: (await createInvite(testDb.db, { userId: coach, programId, role: 'client' })).token })
    void otherProgram

    const sharedSession = await testDb.db.asService(async (tx) => {
      const [s] = await tx.query<{ id: string }>(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, visibility, title, completed_at, started_at)
         values ($1, $2, $3, 'shared', 'Shared one', now(), now()) returning id`,
        [client, coach, programId],
      )
      return s!.id
    })
    await testDb.db.asService((tx) =>
      tx.query(`insert into public.action_plans (session_id, user_id, title, timeline_end) values ($1, $2, 'Shared plan', $3)`, [sharedSession, client, day(-2)]),
    )
    await plan(client, { title: 'Private plan', timelineEnd: day(-2) })

    const coachView = await listActionPlans(testDb.db, { userId: coach, scope: 'clients', query: query() })
    expect(coachView.rows.map((r) => [r.title, r.clientName, r.overdue])).toEqual([['Shared plan', 'Client Lou', true]])
    expect((await listActionPlans(testDb.db, { userId: coach, scope: 'clients', query: query({ client }) })).rows).toHaveLength(1)
    expect((await listActionPlans(testDb.db, { userId: coach, scope: 'clients', query: query({ client: otherClient }) })).rows).toHaveLength(0)
    expect(await listClientsWithOverdue(testDb.db, { userId: coach })).toEqual([{ clientId: client, clientName: 'Client Lou', overdue: 1, open: 1 }])

    expect((await listActionPlans(testDb.db, { userId: otherClient, scope: 'clients', query: query() })).rows).toHaveLength(0)
    expect((await listActionPlans(testDb.db, { userId: otherClient, scope: 'mine', query: query() })).rows).toHaveLength(0)

    // The coach reads the shared plan but cannot edit a client's self-coaching plan.
    const sharedPlan = coachView.rows[0]!
    expect(await getActionPlan(testDb.db, { userId: coach, id: sharedPlan.id })).toMatchObject({ canEdit: false, isOwner: false })
    expect((await caught(setActionPlanStatus(testDb.db, { userId: coach, id: sharedPlan.id, status: 'blocked' }))).kind).toBe('not_found')
  })
})

describe('the calendar feed', () => {
  it('is valid iCalendar with only this user’s due dates; resetting stops the old link', async () => {
    const owner = await createUser(testDb.db)
    const planId = await plan(owner, { title: 'Submit, the; report\\now', description: 'Line one\nLine two', timelineEnd: day(7) })
    await plan(owner, { title: 'No date' })
    await addMilestone(testDb.db, { userId: owner, planId, requestKey: randomUUID(), input: { title: `A long milestone ${'é'.repeat(60)}`, dueDate: day(3) } })
    await plan(userId, { title: 'Not the owner’s', timelineEnd: day(2) })

    const token = await resetCalendarFeed(testDb.db, { userId: owner })
    const ics = await calendarFeed(testDb.db, { token })
    expect(ics).not.toBeNull()
    expect(ics!.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true)
    const calendar = new ICAL.Component(ICAL.parse(ics!))
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0')
    const events = calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component))
    expect(events.map((e) => [e.summary, e.startDate.toString()])).toEqual(
      expect.arrayContaining([
        ['Due: Submit, the; report\\now', day(7)],
        [`Milestone: A long milestone ${'é'.repeat(60)}`, day(3)],
      ]),
    )
    expect(events).toHaveLength(2)
    expect(events.find((e) => e.summary.startsWith('Due'))?.description).toBe('Line one\nLine two')
    expect(ics).not.toContain('Not the owner’s')

    const newToken = await resetCalendarFeed(testDb.db, { userId: owner })
    expect(await calendarFeed(testDb.db, { token })).toBeNull()
    expect(await calendarFeed(testDb.db, { token: newToken })).not.toBeNull()
    await removeCalendarFeed(testDb.db, { userId: owner })
    expect(await calendarFeed(testDb.db, { token: newToken })).toBeNull()
    expect(await calendarFeed(testDb.db, { token: 'made-up' })).toBeNull()
  })
})

describe('text the database cannot store', () => {
  it('a NUL in a plan title, a program name or a session name is refused with a message, and nothing is written', async () => {
    const userId = await createUser(testDb.db)
    const before = await testDb.db.asService((tx) => tx.query<{ n: number }>('select count(*)::int as n from public.action_plans where user_id = $1', [userId]))
    const plan = await caught(createActionPlan(testDb.db, { userId, requestKey: randomUUID(), input: { title: 'Bad\u0000title' } }))
    expect([plan.kind, plan.message]).toEqual(['invalid', 'This contains a character that cannot be saved (a NUL byte or a broken emoji). Remove it and try again.'])
    const program = await caught(createProgram(testDb.db, { userId, name: 'Bad\u0000name' }))
    expect(program.kind).toBe('invalid')
    const session = await caught(startSession(testDb.db, { userId, sessionType: 'self_coaching', title: 'Bad\u0000name' }))
    expect(session.kind).toBe('invalid')
    const after = await testDb.db.asService((tx) => tx.query<{ n: number }>('select count(*)::int as n from public.action_plans where user_id = $1', [userId]))
    expect(after).toEqual(before)
  })
})
