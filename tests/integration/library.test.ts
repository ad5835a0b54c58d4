/**
 * The coach's library through lib/library, on a real Postgres: templates and their
 * snapshots, lineage ("has Diego done it?"), modules and their derived progress, Mark
 * Complete once, and prescriptions validated rule by rule (in Zod and in the database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { completeSession, getSession } from '#lib/coaching/sessions'
import { sqlState } from '#lib/db/database'
import { assignModule, assignTemplate, clientOverview, dueSessions, moduleRuns, startFromTemplate, templateStandings } from '#lib/library/assigning'
import {
  exerciseCategories,
  muscleGroups,
  prescriptionSchema,
  templateForm,
  type TemplateFormValue,
} from '#lib/library/library.shared'
import { createModule, getModule, saveModule } from '#lib/library/modules'
import { createExercise, createTag, createTemplate, deleteTemplate, getTemplate, listTemplates, saveTemplate, searchExercises } from '#lib/library/templates'
import { createProgram } from '#lib/programs/programs'
import { caught } from '../support/app-error'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'

let testDb: TestDatabase
let coach: string
let diego: string
let amara: string
let programId: string

async function join(userId: string, program: string, role: 'client' | 'coach' = 'client') {
  await testDb.db.asService((tx) =>
    tx.query('insert into public.program_members (program_id, user_id, role) values ($1, $2, $3)', [program, userId, role]),
  )
}

const strengthItem = {
  kind: 'exercise' as const,
  title: 'Squat for strength',
  instructions: 'Brace, sit between the hips.',
  exercise: 'back squat',
  prescriptionType: 'strength' as const,
  sets: 3,
  reps: 5,
  intensityKind: 'percent_1rm',
  intensityValue: 75,
  restSeconds: 180,
  tempo: '3010',
  metrics: [{ kind: 'number' as const, label: 'Top set', unit: 'kg', target: 100, benchmark: true }],
}

function form(overrides: Partial<Record<keyof TemplateFormValue, unknown>> = {}) {
  return { intent: 'save', title: 'Initial Assessment', description: 'Where you are starting from', includesConversation: false, items: [strengthItem], ...overrides } as never
}

beforeAll(async () => {
  testDb = await createTestDatabase()
  coach = await createUser(testDb.db, { displayName: 'Coach Cleo' })
  diego = await createUser(testDb.db, { displayName: 'Diego' })
  amara = await createUser(testDb.db, { displayName: 'Amara' })
  programId = await createProgram(testDb.db, { userId: coach, name: 'North Star' })
  await join(diego, programId)
  await join(amara, programId)
})

afterAll(async () => {
  await testDb?.close()
})

describe('the exercise catalog', () => {
  it('has at least 50 system exercises, with the categories and muscle groups the app knows', async () => {
    const [row] = await testDb.db.asService((tx) =>
      tx.query<{ n: number; categories: string[]; groups: string[]; all_categories: string[]; all_groups: string[] }>(
        `select count(*)::int as n, private.exercise_categories() as all_categories, private.muscle_groups() as all_groups,
                array_agg(distinct category) as categories, array(select distinct unnest(muscle_groups) from public.exercises) as groups
         from public.exercises where program_id is null`,
      ),
    )
    expect(row!.n).toBeGreaterThanOrEqual(50)
    expect(row!.all_categories).toEqual([...exerciseCategories])
    expect(row!.all_groups).toEqual([...muscleGroups])
    expect(new Set(row!.categories)).toEqual(new Set(exerciseCategories))
  })

  it('is searched by name prefix, the program’s own included, another program’s not', async () => {
    const other = await createUser(testDb.db, { displayName: 'Other coach' })
    const otherProgram = await createProgram(testDb.db, { userId: other, name: 'Elsewhere' })
    await createExercise(testDb.db, { userId: other, programId: otherProgram, input: { intent: 'create-exercise', name: 'Bench hop', category: 'plyometric' } })
    await createExercise(testDb.db, { userId: coach, programId, input: { intent: 'create-exercise', name: 'Bench step-over', category: 'plyometric', muscleGroups: ['quadriceps'] } })
    const names = (await searchExercises(testDb.db, { userId: coach, programId, prefix: 'BENCH' })).map((e) => e.name)
    expect(names).toEqual(['Bench press', 'Bench step-over'])
    expect(await searchExercises(testDb.db, { userId: coach, programId, prefix: '%' })).toEqual([])
  })

  it('refuses a second exercise of the same name in one catalog, whatever the capitals', async () => {
    const error = await caught(createExercise(testDb.db, { userId: coach, programId, input: { intent: 'create-exercise', name: 'bench STEP-over', category: 'plyometric' } }))
    expect(error).toMatchObject({ kind: 'conflict', fieldErrors: { name: ['That name is taken in your catalog.'] } })
  })
})

describe('templates', () => {
  it('save items in order with their exercise, prescription and metrics; an unknown exercise is an error on its item, and nothing is saved', async () => {
    const templateId = await createTemplate(testDb.db, { userId: coach, programId, title: 'Strength day' })
    const tag = await createTag(testDb.db, { userId: coach, programId, name: 'Strength', colour: 'red' })
    await saveTemplate(testDb.db, {
      userId: coach,
      templateId,
      input: form({ title: 'Strength day', tagIds: [tag.id], items: [strengthItem, { kind: 'reflection', title: 'How did it feel?', metrics: [{ kind: 'scale', label: 'Effort', target: 7 }] }] }),
    })
    const saved = await getTemplate(testDb.db, { userId: coach, templateId })
    expect(saved?.items.map((i) => [i.title, i.exerciseName, i.prescription?.type ?? null, i.metrics.map((m) => m.label)])).toEqual([
      ['Squat for strength', 'Back squat', 'strength', ['Top set']],
      ['How did it feel?', null, null, ['Effort']],
    ])
    expect(saved?.tags.map((t) => t.name)).toEqual(['Strength'])

    const error = await caught(
      saveTemplate(testDb.db, { userId: coach, templateId, input: form({ title: 'Renamed', items: [{ ...strengthItem, exercise: 'Moon squat' }] }) }),
    )
    expect(error.fieldErrors['items.0.exercise']?.[0]).toMatch(/no “Moon squat” in the catalog/)
    expect((await getTemplate(testDb.db, { userId: coach, templateId }))?.title).toBe('Strength day')
  })

  it('list newest first, a page at a time, and by tag', async () => {
    const tag = await createTag(testDb.db, { userId: coach, programId, name: 'Milestone', colour: 'green' })
    const ids: string[] = []
    for (let n = 0; n < 27; n += 1) ids.push(await createTemplate(testDb.db, { userId: coach, programId, title: `Drill ${n}` }))
    await saveTemplate(testDb.db, { userId: coach, templateId: ids[3]!, input: form({ title: 'Drill 3', tagIds: [tag.id], items: [] }) })
    const first = await listTemplates(testDb.db, { userId: coach, programId })
    expect(first.templates).toHaveLength(25)
    expect(first.templates[0]!.title).toBe('Drill 26')
    const second = await listTemplates(testDb.db, { userId: coach, programId, after: first.next })
    expect([...first.templates, ...second.templates].map((t) => t.id)).toContain(ids[0])
    expect(new Set([...first.templates, ...second.templates].map((t) => t.id)).size).toBe(first.templates.length + second.templates.length)
    expect((await listTemplates(testDb.db, { userId: coach, programId, tagId: tag.id })).templates.map((t) => t.title)).toEqual(['Drill 3'])
  })
})

describe('assigning a template', () => {
  let templateId: string

  beforeAll(async () => {
    templateId = await createTemplate(testDb.db, { userId: coach, programId, title: 'Initial Assessment' })
    await saveTemplate(testDb.db, { userId: coach, templateId, input: form() })
  })

  it('snapshots the items: editing the template afterwards does not change the session', async () => {
    const [sessionId] = await assignTemplate(testDb.db, { userId: coach, templateId, clientIds: [diego], dueOn: '2026-12-20' })
    const before = await getSession(testDb.db, { userId: diego, sessionId: sessionId! })
    await saveTemplate(testDb.db, {
      userId: coach,
      templateId,
      input: form({ items: [{ ...strengthItem, title: 'Changed later', sets: 5 }, { kind: 'drill', title: 'Added later' }] }),
    })
    const after = await getSession(testDb.db, { userId: diego, sessionId: sessionId! })
    expect(after.items).toEqual(before.items)
    expect(after.items.map((i) => [i.title, i.exercise?.name, i.prescription])).toEqual([
      ['Squat for strength', 'Back squat', { type: 'strength', sets: 3, reps: 5, intensity: { kind: 'percent_1rm', value: 75 }, restSeconds: 180, tempo: '3010' }],
    ])
    expect(after).toMatchObject({ source: 'coach_assigned', coachId: coach, programId, templateId, hasConversation: false })
    expect((await getTemplate(testDb.db, { userId: coach, templateId }))?.sessionCount).toBe(1)
    // The template's history stays: it cannot be deleted while sessions came from it.
    expect(await caught(deleteTemplate(testDb.db, { userId: coach, templateId }))).toMatchObject({ kind: 'conflict' })
  })

  it('is due at the end of the day in the client’s own time zone', async () => {
    await testDb.db.asService((tx) => tx.query(`update public.profiles set timezone = 'Pacific/Auckland' where id = $1`, [amara]))
    const [sessionId] = await assignTemplate(testDb.db, { userId: coach, templateId, clientIds: [amara], dueOn: '2026-12-20' })
    const session = await getSession(testDb.db, { userId: amara, sessionId: sessionId! })
    // 23:59:59 on 20 December in Auckland (UTC+13) is 10:59:59 UTC.
    expect(session.dueAt?.toISOString()).toBe('2026-12-20T10:59:59.000Z')
  })

  it('is all or nothing: a person outside the program makes the whole assignment fail', async () => {
    const stranger = await createUser(testDb.db, { displayName: 'Stranger' })
    const before = (await getTemplate(testDb.db, { userId: coach, templateId }))?.sessionCount
    const error = await caught(assignTemplate(testDb.db, { userId: coach, templateId, clientIds: [diego, stranger], dueOn: '2026-12-24' }))
    expect(error.kind).toBe('not_found')
    expect((await getTemplate(testDb.db, { userId: coach, templateId }))?.sessionCount).toBe(before)
  })

  it('keeps what the coach planned: the client cannot change the items, due date or name; the coach can move the date', async () => {
    const [sessionId] = await assignTemplate(testDb.db, { userId: coach, templateId, clientIds: [diego], dueOn: '2026-12-21' })
    await expect(
      testDb.db.asUser(diego, (tx) => tx.query(`update public.coaching_sessions set items = '[]' where id = $1`, [sessionId])),
    ).rejects.toSatisfy((error: unknown) => sqlState(error) === '42501')
    for (const change of [`due_at = now()`, `title = 'Mine now'`]) {
      await expect(
        testDb.db.asUser(diego, (tx) => tx.query(`update public.coaching_sessions set ${change} where id = $1`, [sessionId])),
      ).rejects.toMatchObject({ kind: 'not_found' })
    }
    const moved = await testDb.db.asUser(coach, (tx) =>
      tx.query(`update public.coaching_sessions set due_at = due_at + interval '1 day' where id = $1 returning id`, [sessionId]),
    )
    expect(moved).toHaveLength(1)
  })

  it('a client starts one from a public template only, and the database writes its items, not the client', async () => {
    expect(await caught(startFromTemplate(testDb.db, { userId: diego, templateId }))).toMatchObject({ kind: 'not_found' })
    await saveTemplate(testDb.db, { userId: coach, templateId, input: form({ isPublic: true }) })
    // Direct SQL with forged items: the snapshot replaces them.
    const [forged] = await testDb.db.asUser(diego, (tx) =>
      tx.query<{ id: string; items: { title: string }[]; source: string }>(
        `insert into public.coaching_sessions (user_id, program_id, title, session_template_id, items)
         values ($1, $2, 'Mine', $3, '[{"title": "Forged"}]') returning id, items, source`,
        [diego, programId, templateId],
      ),
    )
    expect(forged!.items.map((i) => i.title)).toEqual(['Squat for strength'])
    const sessionId = await startFromTemplate(testDb.db, { userId: diego, templateId })
    expect(await getSession(testDb.db, { userId: diego, sessionId })).toMatchObject({ source: 'self_assigned', visibility: 'private', templateId })
  })
})

describe('“has Diego done it?”', () => {
  it('answers per client of the program: done with its date, due, overdue, or never assigned', async () => {
    const templateId = await createTemplate(testDb.db, { userId: coach, programId, title: 'Vision Development' })
    const [overdue] = await assignTemplate(testDb.db, { userId: coach, templateId, clientIds: [amara], dueOn: '2026-11-01' })
    const [done] = await assignTemplate(testDb.db, { userId: coach, templateId, clientIds: [diego], dueOn: '2026-11-01' })
    await completeSession(testDb.db, { userId: diego, sessionId: done! })
    const now = new Date('2026-12-03T12:00:00Z')
    const standings = await templateStandings(testDb.db, { userId: coach, templateId, now })
    expect(standings.map((s) => [s.clientName, s.state])).toEqual([
      ['Amara', 'overdue'],
      ['Diego', 'done'],
    ])
    expect(standings.find((s) => s.clientName === 'Amara')?.sessionId).toBe(overdue)
    expect(standings.find((s) => s.clientName === 'Diego')?.completedAt).toBeInstanceOf(Date)

    const late = await createUser(testDb.db, { displayName: 'Zed' })
    await join(late, programId)
    expect((await templateStandings(testDb.db, { userId: coach, templateId, now })).at(-1)).toMatchObject({ clientName: 'Zed', state: 'never' })
  })
})

describe('modules', () => {
  it('run as one session per step, due on their day offsets, with progress derived from completed sessions', async () => {
    const assessment = await createTemplate(testDb.db, { userId: coach, programId, title: 'Assessment' })
    const vision = await createTemplate(testDb.db, { userId: coach, programId, title: 'Vision' })
    const moduleId = await createModule(testDb.db, { userId: coach, programId, name: 'Onboarding' })
    await saveModule(testDb.db, {
      userId: coach,
      moduleId,
      input: { name: 'Onboarding', description: '', steps: [{ templateId: assessment, dayOffset: 0 }, { templateId: vision, dayOffset: 7 }] },
    })
    expect((await getModule(testDb.db, { userId: coach, moduleId }))?.steps.map((s) => [s.templateTitle, s.dayOffset])).toEqual([
      ['Assessment', 0],
      ['Vision', 7],
    ])
    const { runIds, sessionIds } = await assignModule(testDb.db, { userId: coach, moduleId, clientIds: [diego, amara], startOn: '2026-12-07' })
    expect(runIds).toHaveLength(2)
    expect(sessionIds).toHaveLength(4)
    const sessions = await Promise.all(sessionIds.map((sessionId) => getSession(testDb.db, { userId: coach, sessionId })))
    const diegos = sessions.filter((s) => s.clientId === diego)
    expect(diegos.map((s) => [s.title, s.sessionDate])).toEqual([
      ['Assessment', '2026-12-07'],
      ['Vision', '2026-12-14'],
    ])
    expect(new Set(diegos.map((s) => s.moduleRunId)).size).toBe(1)

    const progress = async () => (await moduleRuns(testDb.db, { userId: diego, clientId: diego })).find((r) => r.moduleName === 'Onboarding')
    expect(await progress()).toMatchObject({ completed: 0, total: 2 })
    await completeSession(testDb.db, { userId: diego, sessionId: diegos[0]!.id })
    expect(await progress()).toMatchObject({ completed: 1, total: 2 })
    // The coach sees the same, and Amara's run is untouched.
    expect((await moduleRuns(testDb.db, { userId: coach, clientId: amara })).find((r) => r.moduleName === 'Onboarding')).toMatchObject({ completed: 0, total: 2 })

    const overview = await clientOverview(testDb.db, { userId: coach, programId, clientId: diego, now: new Date('2026-12-20T00:00:00Z') })
    expect(overview?.runs.find((r) => r.moduleName === 'Onboarding')).toMatchObject({ completed: 1, total: 2 })
    expect(overview?.overdue.map((s) => s.title)).toContain('Vision')
    const due = await dueSessions(testDb.db, { userId: coach, as: 'coach', until: new Date('2026-12-20T00:00:00Z'), now: new Date('2026-12-10T00:00:00Z') })
    expect(due.filter((s) => s.title === 'Vision').map((s) => [s.clientName, s.state]).sort()).toEqual([
      ['Amara', 'due'],
      ['Diego', 'due'],
    ])
  })

  it('refuses a template of another program as a step', async () => {
    const other = await createUser(testDb.db, { displayName: 'Other coach' })
    const otherProgram = await createProgram(testDb.db, { userId: other, name: 'Elsewhere again' })
    const foreign = await createTemplate(testDb.db, { userId: other, programId: otherProgram, title: 'Theirs' })
    const moduleId = await createModule(testDb.db, { userId: coach, programId, name: 'Mixed' })
    const error = await caught(saveModule(testDb.db, { userId: coach, moduleId, input: { name: 'Mixed', description: '', steps: [{ templateId: foreign, dayOffset: 0 }] } }))
    expect(error.kind).toBe('invalid')
    expect((await getModule(testDb.db, { userId: coach, moduleId }))?.steps).toEqual([])
  })
})

describe('Mark Complete', () => {
  it('sets completed_at once, by the client or the assigning coach; later changes are refused, also as direct SQL', async () => {
    const templateId = await createTemplate(testDb.db, { userId: coach, programId, title: 'Check-up' })
    const byClient = (await assignTemplate(testDb.db, { userId: coach, templateId, clientIds: [diego], dueOn: '2026-12-30' }))[0]!
    const byCoach = (await assignTemplate(testDb.db, { userId: coach, templateId, clientIds: [diego], dueOn: '2026-12-31' }))[0]!
    await completeSession(testDb.db, { userId: diego, sessionId: byClient })
    await completeSession(testDb.db, { userId: coach, sessionId: byCoach })
    const completedAt = (await getSession(testDb.db, { userId: diego, sessionId: byClient })).completedAt
    expect(completedAt).toBeInstanceOf(Date)
    expect(await caught(completeSession(testDb.db, { userId: diego, sessionId: byClient }))).toMatchObject({ kind: 'conflict' })
    for (const actor of [diego, coach]) {
      await expect(
        testDb.db.asUser(actor, (tx) => tx.query('update public.coaching_sessions set completed_at = null where id = $1', [byClient])),
      ).rejects.toMatchObject({ kind: 'invalid' })
    }
    await expect(
      testDb.db.asService((tx) => tx.query(`update public.coaching_sessions set completed_at = now() + interval '1 day' where id = $1`, [byClient])),
    ).rejects.toMatchObject({ kind: 'invalid' })
    expect((await getSession(testDb.db, { userId: diego, sessionId: byClient })).completedAt).toEqual(completedAt)
  })

  it('is never set by the database on its own: finishing a template’s items leaves it open until someone marks it', async () => {
    const templateId = await createTemplate(testDb.db, { userId: coach, programId, title: 'Open until marked' })
    const [sessionId] = await assignTemplate(testDb.db, { userId: coach, templateId, clientIds: [amara], dueOn: '2026-12-30' })
    const [row] = await testDb.db.asService((tx) =>
      tx.query<{ n: number }>(
        `select count(*)::int as n from pg_trigger t join pg_proc p on p.oid = t.tgfoid
         where t.tgrelid = 'public.coaching_sessions'::regclass and not t.tgisinternal and p.prosrc ilike '%new.completed_at :=%'`,
      ),
    )
    expect(row!.n).toBe(0)
    expect((await getSession(testDb.db, { userId: amara, sessionId: sessionId! })).completedAt).toBeNull()
  })
})

describe('prescriptions', () => {
  const strength = { type: 'strength', sets: 3, reps: 5, intensity: { kind: 'rpe', value: 8 }, restSeconds: 120, tempo: '2010' }
  const endurance = { type: 'endurance', modality: 'run', durationMinutes: 40, distanceKm: 8, intensity: { kind: 'hr_zone', value: 2 } }

  it.each([
    ['sets', { ...strength, sets: 0 }, 'Sets: give a whole number from 1 to 20.'],
    ['sets', { ...strength, sets: 21 }, 'Sets: give a whole number from 1 to 20.'],
    ['reps', { ...strength, reps: 51 }, 'Reps: give a whole number from 1 to 50.'],
    ['% of 1RM', { ...strength, intensity: { kind: 'percent_1rm', value: 130 } }, 'Intensity: give a % of 1RM from 1 to 120.'],
    ['RPE', { ...strength, intensity: { kind: 'rpe', value: 11 } }, 'Intensity: give an RPE from 1 to 10.'],
    ['rest', { ...strength, restSeconds: 601 }, 'Rest: give a whole number from 0 to 600.'],
    ['tempo', { ...strength, tempo: '30X0' }, 'Tempo: four digits, such as 3010 (down, pause, up, pause in seconds).'],
    ['modality', { ...endurance, modality: 'ski' }, 'Modality: choose run, bike, row or swim.'],
    ['duration', { ...endurance, durationMinutes: 0 }, 'Duration: give the minutes, from 1 to 1,440.'],
    ['distance', { ...endurance, distanceKm: -1 }, 'Distance: give kilometres above 0.'],
    ['heart-rate zone', { ...endurance, intensity: { kind: 'hr_zone', value: 6 } }, 'Heart-rate zone: give a whole number from 1 to 5.'],
    ['% of FTP', { ...endurance, intensity: { kind: 'percent_ftp', value: 250 } }, 'Intensity: give a % of FTP from 1 to 200.'],
  ])('refuses bad %s with its own message, in the form and in the database', async (_rule, prescription, message) => {
    const parsed = prescriptionSchema.safeParse(prescription)
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([message])

    const templateId = await createTemplate(testDb.db, { userId: coach, programId, title: 'Direct SQL' })
    await expect(
      testDb.db.asUser(coach, (tx) =>
        tx.query(
          `insert into public.template_items (template_id, program_id, position, kind, title, prescription)
           values ($1, $2, 0, 'exercise', 'x', $3::jsonb)`,
          [templateId, programId, JSON.stringify(prescription)],
        ),
      ),
    ).rejects.toMatchObject({ kind: 'invalid' })
  })

  it('accepts valid ones, in the database too', async () => {
    for (const prescription of [strength, endurance, { ...strength, intensity: null, restSeconds: null, tempo: null }]) {
      expect(prescriptionSchema.safeParse(prescription).success).toBe(true)
      const templateId = await createTemplate(testDb.db, { userId: coach, programId, title: 'Valid' })
      const rows = await testDb.db.asUser(coach, (tx) =>
        tx.query(
          `insert into public.template_items (template_id, program_id, position, kind, title, prescription)
           values ($1, $2, 0, 'exercise', 'x', $3::jsonb) returning id`,
          [templateId, programId, JSON.stringify(prescription)],
        ),
      )
      expect(rows).toHaveLength(1)
    }
  })

  it('puts each rule’s message on its input in the editor form', () => {
    const parsed = templateForm.safeParse(form({ items: [{ ...strengthItem, sets: 25, tempo: 'fast', intensityValue: 200 }] }))
    expect(parsed.success).toBe(false)
    const byPath = Object.fromEntries(parsed.error!.issues.map((i) => [i.path.join('.'), i.message]))
    expect(byPath).toEqual({
      'items.0.sets': 'Sets: give a whole number from 1 to 20.',
      'items.0.intensityValue': 'Intensity: give a % of 1RM from 1 to 120.',
      'items.0.tempo': 'Tempo: four digits, such as 3010 (down, pause, up, pause in seconds).',
    })
  })
})

describe('the editor form', () => {
  it('takes its own output again, as lib/ does with what a route hands it', () => {
    const once = templateForm.parse(form({ items: [{ ...strengthItem, intensityKind: '', intensityValue: undefined, tempo: undefined, metrics: [{ kind: 'scale', label: 'Effort' }] }] }))
    expect(templateForm.parse(once)).toEqual(once)
  })
})
