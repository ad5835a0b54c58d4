/**
 * "Download my data" (issue 15, point 2): the export is read as the person under row-level
 * security, so a client's holds their own records, their coach's holds the coach's programs
 * and library and of the clients only what was shared with or led by the coach, and another
 * client's holds nothing of theirs — compared record by record, by id. Every JSON file in
 * the ZIP parses with its schema, the readable page opens in Chromium, the route answers a
 * ZIP and the export is in the audit log.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readExport, zipExport } from '#lib/account/export'
import { exportFiles, exportHtmlFile, exportManifestFile, manifestSchema, type ExportData, type ExportFileName } from '#lib/account/export.shared'
import { withAuditTrail } from '#lib/auth/audit-trail'
import { createBuiltInAuth } from '#lib/auth/built-in-auth'
import type { Tx } from '#lib/db/database'
import { action as exportAction } from '../../app/routes/settings.export'
import { launchChromium } from '../e2e/support/browser'
import { CookieJar } from '../support/cookie-jar'
import { createTestDatabase, createUser, type TestDatabase } from '../support/database'
import { callRoute } from '../support/route-call'

let testDb: TestDatabase
const person = { ana: '', ben: '', coach: '', outsider: '', otherCoach: '' }
const rows = {
  program: '',
  otherProgram: '',
  template: '',
  item: '',
  tag: '',
  module: '',
  step: '',
  exercise: '',
  invite: '',
  sessions: {} as Record<string, string>,
  stages: {} as Record<string, string>,
  plans: {} as Record<string, string>,
  milestones: {} as Record<string, string>,
}

const service = <T>(work: (tx: Tx) => Promise<T>) => testDb.db.asService(work)

beforeAll(async () => {
  testDb = await createTestDatabase()
  person.ana = await createUser(testDb.db, { displayName: 'Ana Client' })
  person.ben = await createUser(testDb.db, { displayName: 'Ben Client' })
  person.coach = await createUser(testDb.db, { displayName: 'Cleo Coach' })
  person.outsider = await createUser(testDb.db, { displayName: 'Olu Outside' })
  person.otherCoach = await createUser(testDb.db, { displayName: 'Oren Coach' })
  await service(async (tx) => {
    const one = async (sql: string, params: unknown[]) => (await tx.query<{ id: string }>(sql, params))[0]!.id
    rows.program = await one(`insert into public.programs (name, created_by) values ('North Star', $1) returning id`, [person.coach])
    rows.otherProgram = await one(`insert into public.programs (name, created_by) values ('Elsewhere', $1) returning id`, [person.otherCoach])
    await tx.query(
      `insert into public.program_members (program_id, user_id, role) values ($1, $2, 'client'), ($1, $3, 'client'), ($4, $5, 'client')`,
      [rows.program, person.ana, person.ben, rows.otherProgram, person.outsider],
    )
    rows.invite = await one(
      `insert into public.program_invites (program_id, role, token_hash, created_by, expires_at)
       values ($1, 'client', md5('a') || md5('b'), $2, now() + interval '7 days') returning id`,
      [rows.program, person.coach],
    )
    rows.template = await one(`insert into public.session_templates (program_id, title, created_by) values ($1, 'Weekly review', $2) returning id`, [
      rows.program,
      person.coach,
    ])
    rows.item = await one(`insert into public.template_items (template_id, program_id, position, kind, title) values ($1, $2, 0, 'reflection', 'What went well?') returning id`, [
      rows.template,
      rows.program,
    ])
    rows.tag = await one(`insert into public.tags (program_id, name) values ($1, 'Reflection') returning id`, [rows.program])
    await tx.query('insert into public.template_tags (template_id, tag_id, program_id) values ($1, $2, $3)', [rows.template, rows.tag, rows.program])
    rows.module = await one(`insert into public.modules (program_id, name, created_by) values ($1, 'Onboarding', $2) returning id`, [rows.program, person.coach])
    rows.step = await one(`insert into public.module_steps (module_id, program_id, position, template_id, day_offset) values ($1, $2, 0, $3, 0) returning id`, [
      rows.module,
      rows.program,
      rows.template,
    ])
    rows.exercise = await one(`insert into public.exercises (name, category, program_id, created_by) values ('Box breathing', (select private.exercise_categories())[1], $1, $2) returning id`, [
      rows.program,
      person.coach,
    ])
    // The other program's library, which nobody here may take.
    await tx.query(`insert into public.session_templates (program_id, title, created_by) values ($1, 'Not yours', $2)`, [rows.otherProgram, person.otherCoach])

    const session = async (key: string, client: string, kind: 'private' | 'shared' | 'led' | 'ledUnreleased') => {
      const coached = kind !== 'private'
      rows.sessions[key] = await one(
        `insert into public.coaching_sessions (user_id, coach_id, program_id, session_type, source, visibility, title, released_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8) returning id`,
        [
          client,
          coached ? person.coach : null,
          coached ? rows.program : null,
          kind.startsWith('led') ? 'coach_led' : 'self_coaching',
          kind.startsWith('led') ? 'coach_assigned' : 'self_assigned',
          coached ? 'shared' : 'private',
          `${key} <session>`,
          kind === 'led' ? new Date() : null,
        ],
      )
      rows.stages[key] = await one(
        `insert into public.stage_responses (session_id, stage_number, stage_name, responses)
         values ($1, 1, 'check_in', $2::jsonb) returning id`,
        [rows.sessions[key], JSON.stringify({ transcript: [{ id: 'm1', role: 'client', content: `I said this in ${key}`, at: new Date().toISOString() }], fields: { emotionalState: 'calm' }, fieldsDraft: null })],
      )
      rows.plans[key] = await one(`insert into public.action_plans (session_id, user_id, title) values ($1, $2, $3) returning id`, [
        rows.sessions[key],
        client,
        `Plan of ${key}`,
      ])
      rows.milestones[key] = await one(`insert into public.milestones (action_plan_id, title) values ($1, 'Step one') returning id`, [rows.plans[key]])
    }
    await session('anaPrivate', person.ana, 'private')
    await session('anaShared', person.ana, 'shared')
    await session('anaLed', person.ana, 'led')
    await session('anaLedUnreleased', person.ana, 'ledUnreleased')
    await session('benPrivate', person.ben, 'private')
    await session('benShared', person.ben, 'shared')
    await session('outsiderPrivate', person.outsider, 'private')
    rows.plans.anaOwn = await one(`insert into public.action_plans (user_id, title) values ($1, 'Ana’s own plan') returning id`, [person.ana])
  })
})

afterAll(async () => {
  await testDb?.close()
})

const idsOf = (items: readonly { id?: string }[]) => items.map((item) => item.id).sort()
const pick = (group: Record<string, string>, keys: string[]) => keys.map((key) => group[key]!).sort()

describe('what each person’s export holds', () => {
  it('a client: all their own records — a coach-led session’s content only once the coach released it — and nobody else’s', async () => {
    const data = await readExport(testDb.db, { userId: person.ana })
    expect(data['profile.json']).toMatchObject({ id: person.ana, display_name: 'Ana Client', email: expect.stringContaining('@') })
    expect(idsOf(data['sessions.json'])).toEqual(pick(rows.sessions, ['anaPrivate', 'anaShared', 'anaLed', 'anaLedUnreleased']))
    expect(idsOf(data['stage-responses.json'])).toEqual(pick(rows.stages, ['anaPrivate', 'anaShared', 'anaLed']))
    expect(idsOf(data['action-plans.json'])).toEqual([...pick(rows.plans, ['anaPrivate', 'anaShared', 'anaLed']), rows.plans.anaOwn!].sort())
    expect(idsOf(data['milestones.json'])).toEqual(pick(rows.milestones, ['anaPrivate', 'anaShared', 'anaLed']))
    expect(data['memberships.json']).toEqual([expect.objectContaining({ program_id: rows.program, role: 'client', program_name: 'North Star' })])
    for (const name of ['programs.json', 'invites.json', 'templates.json', 'template-items.json', 'tags.json', 'template-tags.json', 'modules.json', 'module-steps.json', 'exercises.json'] as const) {
      expect([name, data[name]]).toEqual([name, []])
    }
  })

  it('their coach: the programs, library and invites they run, and of the clients only what was shared with or led by them', async () => {
    const data = await readExport(testDb.db, { userId: person.coach })
    const coached = ['anaShared', 'anaLed', 'anaLedUnreleased', 'benShared']
    expect(idsOf(data['sessions.json'])).toEqual(pick(rows.sessions, coached))
    expect(idsOf(data['stage-responses.json'])).toEqual(pick(rows.stages, coached))
    expect(idsOf(data['action-plans.json'])).toEqual(pick(rows.plans, coached))
    expect(idsOf(data['milestones.json'])).toEqual(pick(rows.milestones, coached))
    expect(idsOf(data['programs.json'])).toEqual([rows.program])
    expect(idsOf(data['invites.json'])).toEqual([rows.invite])
    expect(idsOf(data['templates.json'])).toEqual([rows.template])
    expect(idsOf(data['template-items.json'])).toEqual([rows.item])
    expect(idsOf(data['tags.json'])).toEqual([rows.tag])
    expect(data['template-tags.json']).toEqual([{ template_id: rows.template, tag_id: rows.tag }])
    expect(idsOf(data['modules.json'])).toEqual([rows.module])
    expect(idsOf(data['module-steps.json'])).toEqual([rows.step])
    expect(idsOf(data['exercises.json'])).toEqual([rows.exercise])
    expect(data['profile.json'].id).toBe(person.coach)
  })

  it('another client: only their own, nothing of Ana’s; an outsider: nothing of this program', async () => {
    const ben = await readExport(testDb.db, { userId: person.ben })
    expect(idsOf(ben['sessions.json'])).toEqual(pick(rows.sessions, ['benPrivate', 'benShared']))
    expect(idsOf(ben['action-plans.json'])).toEqual(pick(rows.plans, ['benPrivate', 'benShared']))
    expect(idsOf(ben['stage-responses.json'])).toEqual(pick(rows.stages, ['benPrivate', 'benShared']))
    expect(JSON.stringify(ben)).not.toContain(person.ana)

    const outsider = await readExport(testDb.db, { userId: person.outsider })
    expect(idsOf(outsider['sessions.json'])).toEqual([rows.sessions.outsiderPrivate])
    expect(outsider['templates.json']).toEqual([])
    expect(JSON.stringify(outsider)).not.toMatch(new RegExp([person.ana, person.ben, person.coach, rows.program].join('|')))
  })

  it('the activity file holds the person’s own entries', async () => {
    const data = await readExport(testDb.db, { userId: person.ana })
    const entries = data['activity.json']
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['session.created', 'action_plan.created']))
    expect(entries.every((e) => e.entity_id === null || e.entity_id !== rows.sessions.benPrivate)).toBe(true)
  })
})

describe('measures, benchmarks and weekly plans', () => {
  const extra = { measures: {} as Record<string, string>, benchmark: '', plan: '', planItem: '' }
  beforeAll(async () => {
    await service(async (tx) => {
      const one = async (sql: string, params: unknown[]) => (await tx.query<{ id: string }>(sql, params))[0]!.id
      for (const key of ['anaPrivate', 'anaShared', 'benShared']) {
        extra.measures[key] = await one(
          `insert into public.measures (session_id, user_id, metric_key, value_numeric, unit, recorded_by)
           values ($1, (select user_id from public.coaching_sessions where id = $1), 'distance', 5, 'km', 'client') returning id`,
          [rows.sessions[key]],
        )
      }
      extra.benchmark = await one(`insert into public.benchmarks (user_id, kind, value, unit) values ($1, 'ftp', 250, 'W') returning id`, [person.ana])
      extra.plan = await one(
        `insert into public.weekly_plans (client_id, program_id, coach_id, week_start, note) values ($1, $2, $3, '2027-01-04', 'Base week') returning id`,
        [person.ana, rows.program, person.coach],
      )
      extra.planItem = await one(
        `insert into public.weekly_plan_items (plan_id, client_id, program_id, position, day, title) values ($1, $2, $3, 0, '2027-01-05', 'Easy run') returning id`,
        [extra.plan, person.ana, rows.program],
      )
    })
  })

  it('a client takes their measures, benchmarks and weekly plans; their coach the measures of what is shared with them and the plans they wrote; another client none of it', async () => {
    const ana = await readExport(testDb.db, { userId: person.ana })
    expect(idsOf(ana['measures.json'])).toEqual(pick(extra.measures, ['anaPrivate', 'anaShared']))
    expect(idsOf(ana['benchmarks.json'])).toEqual([extra.benchmark])
    expect(idsOf(ana['weekly-plans.json'])).toEqual([extra.plan])
    expect(idsOf(ana['weekly-plan-items.json'])).toEqual([extra.planItem])

    const coach = await readExport(testDb.db, { userId: person.coach })
    expect(idsOf(coach['measures.json'])).toEqual(pick(extra.measures, ['anaShared', 'benShared']))
    expect(coach['benchmarks.json']).toEqual([])
    expect(idsOf(coach['weekly-plans.json'])).toEqual([extra.plan])

    const ben = await readExport(testDb.db, { userId: person.ben })
    expect(idsOf(ben['measures.json'])).toEqual([extra.measures.benShared])
    expect(ben['benchmarks.json']).toEqual([])
    expect(ben['weekly-plans.json']).toEqual([])
    for (const name of Object.keys(exportFiles) as ExportFileName[]) expect([name, exportFiles[name].safeParse(ana[name]).success]).toEqual([name, true])
  })
})

describe('messages and needs-attention dismissals', () => {
  const message = { anaToCoach: '', coachToAna: '', coachToBen: '', elsewhere: '' }
  beforeAll(async () => {
    await service(async (tx) => {
      const send = async (from: string, to: string, program: string, body: string) =>
        (
          await tx.query<{ id: string }>(
            `insert into public.messages (program_id, sender_id, recipient_id, body) values ($1, $2, $3, $4) returning id`,
            [program, from, to, body],
          )
        )[0]!.id
      message.anaToCoach = await send(person.ana, person.coach, rows.program, 'The week went well.')
      message.coachToAna = await send(person.coach, person.ana, rows.program, 'How did the long run feel?')
      message.coachToBen = await send(person.coach, person.ben, rows.program, 'Checking in, Ben.')
      message.elsewhere = await send(person.otherCoach, person.outsider, rows.otherProgram, 'Not for this program.')
      await tx.query(`insert into public.attention_dismissals (coach_id, client_id, program_id, reason) values ($1, $2, $3, 'inactive')`, [
        person.coach,
        person.ana,
        rows.program,
      ])
    })
  })

  it('each person takes the messages they sent or received and no one else’s; a coach takes their own dismissals, the client none', async () => {
    const ana = await readExport(testDb.db, { userId: person.ana })
    expect(idsOf(ana['messages.json'])).toEqual([message.anaToCoach, message.coachToAna].sort())
    expect(ana['messages.json'].find((m) => m.id === message.coachToAna)?.body).toBe('How did the long run feel?')
    expect(ana['attention-dismissals.json']).toEqual([])

    const coach = await readExport(testDb.db, { userId: person.coach })
    expect(idsOf(coach['messages.json'])).toEqual([message.anaToCoach, message.coachToAna, message.coachToBen].sort())
    expect(coach['attention-dismissals.json']).toEqual([expect.objectContaining({ client_id: person.ana, program_id: rows.program, reason: 'inactive' })])

    const ben = await readExport(testDb.db, { userId: person.ben })
    expect(idsOf(ben['messages.json'])).toEqual([message.coachToBen])
    const otherCoach = await readExport(testDb.db, { userId: person.otherCoach })
    expect(idsOf(otherCoach['messages.json'])).toEqual([message.elsewhere])
    expect(otherCoach['attention-dismissals.json']).toEqual([])
  })
})

/**
 * Where each table's rows go in the export, or why they do not. A new table fails this test
 * until someone decides which, so nothing a person owns is left out by forgetting.
 */
const exportOfTable: Record<string, ExportFileName | { notExported: string }> = {
  profiles: 'profile.json',
  program_members: 'memberships.json',
  programs: 'programs.json',
  program_invites: 'invites.json',
  coaching_sessions: 'sessions.json',
  stage_responses: 'stage-responses.json',
  session_summary_drafts: 'summary-drafts.json',
  session_memories: 'session-memories.json',
  action_plans: 'action-plans.json',
  milestones: 'milestones.json',
  measures: 'measures.json',
  benchmarks: 'benchmarks.json',
  weekly_plans: 'weekly-plans.json',
  weekly_plan_items: 'weekly-plan-items.json',
  weekly_reviews: 'weekly-reviews.json',
  email_digest_settings: 'email-digest-settings.json',
  email_digests_sent: 'email-digests-sent.json',
  messages: 'messages.json',
  attention_dismissals: 'attention-dismissals.json',
  session_templates: 'templates.json',
  template_items: 'template-items.json',
  tags: 'tags.json',
  template_tags: 'template-tags.json',
  modules: 'modules.json',
  module_steps: 'module-steps.json',
  exercises: 'exercises.json',
  audit_log: 'activity.json',
  session_types: { notExported: 'the app’s vocabulary of session kinds, the same for everyone' },
  calendar_feeds: { notExported: 'only the hash of the feed link’s secret; the feed itself is the plans, which are exported' },
  reply_claims: { notExported: 'which chat message a reply was claimed for, so two tabs get one reply; the messages are in stage-responses.json' },
  sync_receipts: { notExported: 'which offline entries already synced; the entries themselves are in measures.json and sessions.json' },
}

describe('coverage', () => {
  it('every table of the public schema is either in a file of the export or has a reason it is not', async () => {
    const tables = await service((tx) => tx.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public' order by 1`))
    expect(tables.map((t) => t.name).sort()).toEqual(Object.keys(exportOfTable).sort())
    for (const target of Object.values(exportOfTable)) if (typeof target === 'string') expect(Object.keys(exportFiles)).toContain(target)
  })
})

describe('the ZIP', () => {
  let data: ExportData
  let files: Record<string, Uint8Array>

  beforeAll(async () => {
    data = await readExport(testDb.db, { userId: person.ana })
    files = unzipSync(zipExport(data))
  })

  it('has one JSON file per kind of record, each parsing with its schema, and a manifest that counts them', () => {
    expect(Object.keys(files).sort()).toEqual([...Object.keys(exportFiles), exportHtmlFile, exportManifestFile].sort())
    for (const name of Object.keys(exportFiles) as ExportFileName[]) {
      const parsed = exportFiles[name].safeParse(JSON.parse(strFromU8(files[name]!)))
      expect([name, parsed.success ? 'valid' : parsed.error.message]).toEqual([name, 'valid'])
    }
    const manifest = manifestSchema.parse(JSON.parse(strFromU8(files[exportManifestFile]!)))
    expect(manifest).toMatchObject({ user_id: person.ana, files: { 'sessions.json': 4, 'action-plans.json': 4, 'profile.json': 1 } })
  })

  it('the readable page opens in Chromium with every session and plan, text escaped', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'stagecoach-export-'))
    const browser = await launchChromium()
    try {
      const file = path.join(folder, exportHtmlFile)
      await writeFile(file, files[exportHtmlFile]!)
      const page = await browser.newPage()
      const errors: string[] = []
      page.on('pageerror', (error) => errors.push(error.message))
      await page.goto(pathToFileURL(file).href)
      expect(await page.title()).toBe('Stagecoach: Ana Client’s sessions and plans')
      expect(await page.locator('section.session').count()).toBe(4)
      expect(await page.locator('section.plan').count()).toBe(4)
      await page.getByRole('heading', { name: 'anaPrivate <session>' }).waitFor()
      await page.getByText('I said this in anaShared').waitFor()
      await page.getByText('Ana’s own plan').waitFor()
      expect(await page.locator('script').count()).toBe(0)
      expect(errors).toEqual([])
    } finally {
      await browser.close()
      await rm(folder, { recursive: true, force: true })
    }
  })
})

describe('the route', () => {
  it('answers a signed-in person’s POST with the ZIP, and records the export in the audit log', async () => {
    const auth = withAuditTrail(createBuiltInAuth(testDb.db, { secret: 'export-test-secret-0123456789abcdef0123', secure: false }), testDb.db)
    const email = `exporter-${Date.now()}@example.test`
    const { userId, setCookies } = await auth.signUp({ email, password: 'Export-Horse-42', displayName: 'Exporter' }, { cookieHeader: null, ipAddress: '203.0.113.7' })
    const jar = new CookieJar().apply(setCookies)
    const answer = await callRoute(exportAction, { url: 'http://stagecoach.test/settings/export', form: {}, jar, auth, db: testDb.db })
    expect(answer.status).toBe(200)
    const response = answer.response!
    expect(response.headers.get('Content-Type')).toBe('application/zip')
    expect(response.headers.get('Content-Disposition')).toMatch(/^attachment; filename="stagecoach-export-\d{4}-\d{2}-\d{2}\.zip"$/)
    const unzipped = unzipSync(new Uint8Array(await response.arrayBuffer()))
    expect(JSON.parse(strFromU8(unzipped['profile.json']!))).toMatchObject({ id: userId, email })
    const logged = await service((tx) =>
      tx.query<{ n: number }>(`select count(*)::int as n from public.audit_log where action = 'data_export' and actor_id = $1`, [userId]),
    )
    expect(logged[0]!.n).toBe(1)
  })
})
