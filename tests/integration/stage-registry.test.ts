/**
 * The database's own checks on stages (the number/name pairs, current_stage's range and
 * which fields are ratings) are written in the migrations; the stage registry
 * (lib/coaching/stages.shared.ts) is where the app reads them. This keeps the two in step:
 * every stage and rating the registry names is accepted, and nothing else is.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lastStage, stages } from '#lib/coaching/stages.shared'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let sessionId: string

beforeAll(async () => {
  testDb = await createTestDatabase()
  const userId = await createUser(testDb.db)
  const [session] = await testDb.db.asService((tx) =>
    tx.query<{ id: string }>(`insert into public.coaching_sessions (user_id, title) values ($1, 'Registry') returning id`, [userId]),
  )
  if (!session) throw new Error('no session')
  sessionId = session.id
})

afterAll(async () => {
  await testDb?.close()
})

function writeStage(number: number, slug: string, fields: Record<string, unknown> = {}) {
  return testDb.db.asService((tx) =>
    tx.query(
      `insert into public.stage_responses (session_id, stage_number, stage_name, responses) values ($1, $2, $3, $4::jsonb)
       on conflict (session_id, stage_number) do update set stage_name = excluded.stage_name, responses = excluded.responses`,
      [sessionId, number, slug, JSON.stringify({ fields })],
    ),
  )
}

function setCurrentStage(number: number) {
  return testDb.db.asService((tx) => tx.query('update public.coaching_sessions set current_stage = $2 where id = $1', [sessionId, number]))
}

describe('the database agrees with the stage registry', () => {
  it.each(stages.map((stage) => [stage.number, stage.slug] as const))('accepts stage %i as %s, and as current stage', async (number, slug) => {
    await expect(writeStage(number, slug)).resolves.toBeDefined()
    await expect(setCurrentStage(number)).resolves.toBeDefined()
  })

  it('refuses a stage number the registry does not have', async () => {
    for (const number of [0, lastStage + 1]) {
      await expect(writeStage(number, stages[0].slug)).rejects.toMatchObject({ kind: 'invalid' })
      await expect(setCurrentStage(number)).rejects.toMatchObject({ kind: 'invalid' })
    }
  })

  it('refuses a stage name paired with another stage’s number', async () => {
    for (const stage of stages) {
      const other = stages.find((candidate) => candidate.number !== stage.number)!
      await expect(writeStage(stage.number, other.slug)).rejects.toMatchObject({ kind: 'invalid' })
    }
  })

  it.each(stages.map((stage) => [stage.name, stage] as const))('checks exactly the rating fields of %s as ratings', async (_name, stage) => {
    for (const spec of stage.fieldSpecs) {
      const outOfRange = writeStage(stage.number, stage.slug, { [spec.key]: 11 })
      if (spec.kind === 'rating') {
        await expect(outOfRange).rejects.toMatchObject({ kind: 'invalid' })
        await expect(writeStage(stage.number, stage.slug, { [spec.key]: 7 })).resolves.toBeDefined()
      } else {
        // Not a rating: the app's schema judges it, the database's rating check does not.
        await expect(outOfRange).resolves.toBeDefined()
      }
    }
  })
})
