/** `npm run seed`'s demo data: created once, and showing the product working for each demo account. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { listActionPlans, listClientsWithOverdue, planListQuerySchema } from '#lib/plans/action-plans'
import { listSessions } from '#lib/coaching/sessions'
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
    expect((await listSessions(testDb.db, { userId: coach! })).map((s) => s.clientName).sort()).toEqual(['Amara (demo client)', 'Diego (demo client)'])
  })
})
