/** `npm run seed`'s demo data: created once, and showing the product working for each demo account. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listActionPlans, listClientsWithOverdue, planListQuerySchema } from '#lib/plans/action-plans'
import { listSessions } from '#lib/coaching/sessions'
import { dueSessions, moduleRuns } from '#lib/library/assigning'
import { listTemplates } from '#lib/library/templates'
import { listPrograms } from '#lib/programs/programs'
import { demoAccounts, seedDemo } from '#lib/seed/demo'
import { createTestDatabase, type TestDatabase } from '../support/database'

let testDb: TestDatabase
const idOf = async (email: string) => {
  const [row] = await testDb.db.asService((tx) => tx.query<{ id: string }>('select id from auth.users where email = $1', [email]))
  return row!.id
}

beforeAll(async () => {
  testDb = await createTestDatabase()
})
afterAll(async () => {
  await testDb?.close()
})

describe('demo data', () => {
  it('is created once', async () => {
    expect(await seedDemo(testDb.db)).toEqual({ created: true })
    expect(await seedDemo(testDb.db)).toEqual({ created: false })
  })

  it('gives each demo account something to see', async () => {
    const [coach, diego, amara] = await Promise.all(demoAccounts.map((a) => idOf(a.email)))
    const query = planListQuerySchema.parse({})
    const diegoPlans = await listActionPlans(testDb.db, { userId: diego!, scope: 'mine', query })
    expect(diegoPlans.rows.map((r) => r.status).sort()).toEqual(['completed', 'in_progress', 'pending'])
    expect(diegoPlans.rows.some((r) => r.milestonesDone === 1 && r.milestonesTotal === 3)).toBe(true)

    const amaraPlans = await listActionPlans(testDb.db, { userId: amara!, scope: 'mine', query })
    expect(amaraPlans.rows).toHaveLength(3)
    expect(amaraPlans.rows.some((r) => r.overdue)).toBe(true)

    const coachView = await listActionPlans(testDb.db, { userId: coach!, scope: 'clients', query })
    expect(coachView.rows).toHaveLength(5) // Diego's shared plans and Amara's coach-led ones; not Amara's own
    expect((await listClientsWithOverdue(testDb.db, { userId: coach! })).map((c) => [c.clientName, c.overdue])).toEqual([
      ['Diego (demo client)', 1],
      ['Amara (demo client)', 0],
    ])
    expect([...new Set((await listSessions(testDb.db, { userId: coach! })).map((s) => s.clientName))].sort()).toEqual(['Amara (demo client)', 'Diego (demo client)'])
  })

  it('gives the coach a library, and sessions assigned from it in several states', async () => {
    const [coach, diego] = await Promise.all(demoAccounts.slice(0, 2).map((a) => idOf(a.email)))
    const [program] = await listPrograms(testDb.db, { userId: coach! })
    const { templates } = await listTemplates(testDb.db, { userId: coach!, programId: program!.id })
    expect(templates.map((t) => t.title).sort()).toEqual(['Initial Assessment', 'Lower body strength', 'Training Plan Review', 'Vision Development', 'Weekly reflection'])
    expect(templates.find((t) => t.title === 'Lower body strength')?.tags.map((t) => t.name)).toEqual(['Strength'])
    const [run] = await moduleRuns(testDb.db, { userId: diego!, clientId: diego! })
    expect(run).toMatchObject({ moduleName: 'Onboarding', completed: 1, total: 3 })
    const due = await dueSessions(testDb.db, { userId: coach!, as: 'coach', until: new Date(Date.now() + 7 * 86_400_000) })
    expect(due.map((s) => [s.clientName, s.title, s.state]).sort()).toEqual([
      ['Amara (demo client)', 'Lower body strength', 'due'],
      ['Diego (demo client)', 'Lower body strength', 'due'],
      ['Diego (demo client)', 'Training Plan Review', 'due'],
      ['Diego (demo client)', 'Vision Development', 'overdue'],
    ])
  })
})
