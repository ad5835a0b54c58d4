import { randomUUID } from 'node:crypto'
import type { Database, Tx } from '../db/database'
import { AppError } from '../errors'
import type { StageSlug } from '../coaching/stages.shared'
import {
  exerciseForm,
  metricSchema,
  prescriptionOfRow,
  prescriptionSchema,
  templateForm,
  templateItemSchema,
  type ExerciseCategory,
  type MuscleGroup,
  type Tag,
  type TagColour,
  type TemplateFormValue,
  type TemplateItem,
} from './library.shared'
import type { z } from 'zod'

export type { Tag } from './library.shared'

/**
 * The library's templates, their items and tags, and the exercise catalog. Every function
 * runs as the signed-in user: row-level security decides (a program's coaches write its
 * library; a client reads only public templates of their programs), and a refusal reads as
 * "not found". The forms' schemas live in library.shared.ts.
 */

export interface Exercise {
  id: string
  name: string
  category: ExerciseCategory
  muscleGroups: MuscleGroup[]
  programId: string | null
  isPublic: boolean
}

export interface TemplateSummary {
  id: string
  title: string
  description: string
  includesConversation: boolean
  isPublic: boolean
  itemCount: number
  tags: Tag[]
  createdAt: Date
}

export interface Template extends TemplateSummary {
  programId: string
  stagePrompts: Partial<Record<StageSlug, string>>
  items: (TemplateItem & { exerciseName: string | null })[]
  /** Sessions made from it that the signed-in coach can see. */
  sessionCount: number
}

// ─── exercises ───────────────────────────────────────────────────────────────────────

type ExerciseRow = { id: string; name: string; category: ExerciseCategory; muscle_groups: MuscleGroup[]; program_id: string | null; is_public: boolean }
const exerciseOf = (row: ExerciseRow): Exercise => ({
  id: row.id,
  name: row.name,
  category: row.category,
  muscleGroups: row.muscle_groups,
  programId: row.program_id,
  isPublic: row.is_public,
})

/**
 * The catalog as a program's coach sees it: the system's, public ones and the program's own,
 * by name prefix (an index range), at most `limit`.
 */
export async function searchExercises(
  db: Database,
  { userId, programId, prefix, limit = 20 }: { userId: string; programId: string; prefix: string; limit?: number },
): Promise<Exercise[]> {
  const pattern = `${prefix.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const rows = await db.asUser(userId, (tx) =>
    tx.query<ExerciseRow>(
      `select id, name, category, muscle_groups, program_id, is_public
       from public.exercises
       where lower(name) like $2 and (program_id is null or is_public or program_id = $1)
       order by lower(name), program_id nulls first
       limit $3`,
      [programId, pattern, Math.min(Math.max(limit, 1), 100)],
    ),
  )
  return rows.map(exerciseOf)
}

export async function createExercise(
  db: Database,
  { userId, programId, input }: { userId: string; programId: string; input: z.input<typeof exerciseForm> },
): Promise<Exercise> {
  const parsed = exerciseForm.safeParse(input)
  if (!parsed.success) throw invalid('Check the exercise.', parsed.error.issues)
  const { name, category, muscleGroups, isPublic } = parsed.data
  try {
    const [row] = await db.asUser(userId, (tx) =>
      tx.query<ExerciseRow>(
        `insert into public.exercises (name, category, muscle_groups, program_id, is_public, created_by)
         values ($1, $2, $3, $4, $5, $6)
         returning id, name, category, muscle_groups, program_id, is_public`,
        [name, category, muscleGroups, programId, isPublic, userId],
      ),
    )
    return exerciseOf(row!)
  } catch (error) {
    if (error instanceof AppError && error.kind === 'conflict') {
      throw new AppError('conflict', `Your catalog already has an exercise called “${name}”.`, { name: ['That name is taken in your catalog.'] })
    }
    throw error
  }
}

// ─── tags ────────────────────────────────────────────────────────────────────────────

export async function listTags(db: Database, { userId, programId }: { userId: string; programId: string }): Promise<Tag[]> {
  return db.asUser(userId, (tx) =>
    tx.query<Tag>('select id, name, colour from public.tags where program_id = $1 order by lower(name)', [programId]),
  )
}

export async function createTag(
  db: Database,
  { userId, programId, name, colour }: { userId: string; programId: string; name: string; colour: TagColour },
): Promise<Tag> {
  try {
    const [row] = await db.asUser(userId, (tx) =>
      tx.query<Tag>('insert into public.tags (program_id, name, colour) values ($1, $2, $3) returning id, name, colour', [programId, name, colour]),
    )
    return row!
  } catch (error) {
    if (error instanceof AppError && error.kind === 'conflict') {
      throw new AppError('conflict', `There is already a tag called “${name}”.`, { name: ['That tag exists already.'] })
    }
    throw error
  }
}

export async function deleteTag(db: Database, { userId, tagId }: { userId: string; tagId: string }): Promise<void> {
  const rows = await db.asUser(userId, (tx) => tx.query('delete from public.tags where id = $1 returning id', [tagId]))
  if (rows.length === 0) throw new AppError('not_found', 'That tag does not exist, or you cannot remove it.')
}

// ─── templates ───────────────────────────────────────────────────────────────────────

export const templatePageSize = 25

type SummaryRow = {
  id: string
  title: string
  description: string
  includes_conversation: boolean
  is_public: boolean
  item_count: number
  tags: Tag[] | null
  created_at: Date
}
const summaryOf = (row: SummaryRow): TemplateSummary => ({
  id: row.id,
  title: row.title,
  description: row.description,
  includesConversation: row.includes_conversation,
  isPublic: row.is_public,
  itemCount: row.item_count,
  tags: row.tags ?? [],
  createdAt: new Date(row.created_at),
})

const summaryColumns = `
  t.id, t.title, t.description, t.includes_conversation, t.is_public, t.created_at,
  (select count(*)::int from public.template_items i where i.template_id = t.id) as item_count,
  (select jsonb_agg(jsonb_build_object('id', g.id, 'name', g.name, 'colour', g.colour) order by lower(g.name))
     from public.template_tags tt join public.tags g on g.id = tt.tag_id where tt.template_id = t.id) as tags`

/**
 * A program's library, newest first, a page at a time (keyset: `after` is the last row's
 * cursor), optionally only the templates with a tag.
 */
export async function listTemplates(
  db: Database,
  { userId, programId, tagId, after }: { userId: string; programId: string; tagId?: string | null; after?: string | null },
): Promise<{ templates: TemplateSummary[]; next: string | null }> {
  const cursor = decodeCursor(after)
  const rows = await db.asUser(userId, (tx) =>
    tx.query<SummaryRow>(
      `select ${summaryColumns}
       from public.session_templates t
       where t.program_id = $1
         and ($2::uuid is null or exists (select 1 from public.template_tags tt where tt.template_id = t.id and tt.tag_id = $2))
         and ($3::timestamptz is null or (t.created_at, t.id) < ($3::timestamptz, $4::uuid))
       order by t.created_at desc, t.id desc
       limit ${templatePageSize + 1}`,
      [programId, tagId ?? null, cursor?.createdAt ?? null, cursor?.id ?? null],
    ),
  )
  const page = rows.slice(0, templatePageSize).map(summaryOf)
  const last = page.at(-1)
  return { templates: page, next: rows.length > templatePageSize && last ? encodeCursor(last) : null }
}

/** The public templates of the programs a client belongs to: what they may start themselves. */
export async function listPublicTemplates(db: Database, { userId }: { userId: string }): Promise<(TemplateSummary & { programId: string; programName: string })[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<SummaryRow & { program_id: string; program_name: string }>(
      `select ${summaryColumns}, t.program_id, p.name as program_name
       from public.session_templates t
       join public.programs p on p.id = t.program_id
       join public.program_members me on me.program_id = t.program_id and me.user_id = $1 and me.role = 'client'
       where t.is_public
       order by p.name, t.title
       limit 100`,
      [userId],
    ),
  )
  return rows.map((row) => ({ ...summaryOf(row), programId: row.program_id, programName: row.program_name }))
}

export async function createTemplate(
  db: Database,
  { userId, programId, title }: { userId: string; programId: string; title: string },
): Promise<string> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ id: string }>(
      `insert into public.session_templates (program_id, title, created_by) values ($1, $2, $3) returning id`,
      [programId, title, userId],
    ),
  )
  if (!row) throw new AppError('not_found', 'You can only add templates to a program you coach.')
  return row.id
}

export async function getTemplate(db: Database, { userId, templateId }: { userId: string; templateId: string }): Promise<Template | null> {
  return db.asUser(userId, async (tx) => {
    const [row] = await tx.query<SummaryRow & { program_id: string; stage_prompts: Template['stagePrompts']; session_count: number }>(
      `select ${summaryColumns}, t.program_id, t.stage_prompts,
              (select count(*)::int from public.coaching_sessions s where s.session_template_id = t.id) as session_count
       from public.session_templates t where t.id = $1`,
      [templateId],
    )
    if (!row) return null
    const items = await tx.query<{
      key: string
      kind: TemplateItem['kind']
      title: string
      instructions: string
      exercise_id: string | null
      exercise_name: string | null
      prescription: TemplateItem['prescription']
      metrics: TemplateItem['metrics']
    }>(
      `select i.key, i.kind, i.title, i.instructions, i.exercise_id, e.name as exercise_name, i.prescription, i.metrics
       from public.template_items i
       left join public.exercises e on e.id = i.exercise_id
       where i.template_id = $1
       order by i.position`,
      [templateId],
    )
    return {
      ...summaryOf(row),
      programId: row.program_id,
      stagePrompts: row.stage_prompts,
      sessionCount: row.session_count,
      items: items.map((item) => ({
        key: item.key,
        kind: item.kind,
        title: item.title,
        instructions: item.instructions,
        exerciseId: item.exercise_id,
        exerciseName: item.exercise_name,
        prescription: item.prescription,
        metrics: item.metrics,
      })),
    }
  })
}

/**
 * Saves the whole template as the editor sends it: its fields, its tags, and its items in
 * their new order (each keeps its key, so later records still point at it). One
 * transaction: a template is never half-saved. Exercise names are looked up in the
 * catalog the program may use; an unknown one is an error on its item.
 */
export async function saveTemplate(
  db: Database,
  { userId, templateId, input }: { userId: string; templateId: string; input: z.input<typeof templateForm> | TemplateFormValue },
): Promise<void> {
  const parsed = templateForm.safeParse(input)
  if (!parsed.success) throw invalid('Please fix the marked fields.', parsed.error.issues)
  const form = parsed.data
  await db.asUser(userId, async (tx) => {
    const [template] = await tx.query<{ program_id: string }>(
      `update public.session_templates
       set title = $2, description = $3, includes_conversation = $4, is_public = $5, stage_prompts = $6::jsonb
       where id = $1 returning program_id`,
      [templateId, form.title, form.description, form.includesConversation, form.isPublic, JSON.stringify(stagePromptsOf(form))],
    )
    if (!template) throw new AppError('not_found', 'That template does not exist, or you cannot edit it.')
    const items = await itemsOf(tx, template.program_id, form)
    await tx.query('delete from public.template_items where template_id = $1', [templateId])
    if (items.length > 0) {
      await tx.query(
        `insert into public.template_items (template_id, program_id, key, position, kind, title, instructions, exercise_id, prescription, metrics)
         select $1, $2, i.key, i.position, i.kind, i.title, i.instructions, i.exercise_id, i.prescription, i.metrics
         from jsonb_to_recordset($3::jsonb) as i(key uuid, position int, kind text, title text, instructions text, exercise_id uuid, prescription jsonb, metrics jsonb)`,
        [templateId, template.program_id, JSON.stringify(items)],
      )
    }
    await tx.query('delete from public.template_tags where template_id = $1', [templateId])
    if (form.tagIds.length > 0) {
      const tagged = await tx.query(
        `insert into public.template_tags (template_id, tag_id, program_id)
         select $1, g.id, g.program_id from public.tags g where g.id = any($2::uuid[]) and g.program_id = $3
         returning tag_id`,
        [templateId, form.tagIds, template.program_id],
      )
      if (tagged.length !== new Set(form.tagIds).size) throw new AppError('invalid', 'One of those tags is not this program’s.', { tagIds: ['Choose this program’s tags.'] })
    }
  })
}

function stagePromptsOf(form: TemplateFormValue): Partial<Record<StageSlug, string>> {
  return Object.fromEntries(Object.entries(form.stagePrompts ?? {}).filter(([, text]) => text)) as Partial<Record<StageSlug, string>>
}

/** The editor's rows as stored items: exercise names resolved, prescriptions and metrics in their stored shape. */
async function itemsOf(tx: Tx, programId: string, form: TemplateFormValue) {
  const names = [...new Set(form.items.filter((item) => item.kind === 'exercise' && item.exercise).map((item) => item.exercise.toLowerCase()))]
  const found = names.length
    ? await tx.query<{ id: string; lower_name: string }>(
        `select distinct on (lower(name)) id, lower(name) as lower_name from public.exercises
         where lower(name) = any($2::text[]) and (program_id is null or is_public or program_id = $1)
         order by lower(name), (program_id = $1) desc nulls last`,
        [programId, names],
      )
    : []
  const idByName = new Map(found.map((row) => [row.lower_name, row.id]))
  const fieldErrors: Record<string, string[]> = {}
  const items = form.items.map((row, position) => {
    const exerciseId = row.kind === 'exercise' && row.exercise ? idByName.get(row.exercise.toLowerCase()) ?? null : null
    if (row.kind === 'exercise' && row.exercise && !exerciseId) {
      fieldErrors[`items.${position}.exercise`] = [`There is no “${row.exercise}” in the catalog. Pick one from the list, or add it to your catalog first.`]
    }
    const item: TemplateItem = templateItemSchema.parse({
      key: row.key ?? randomUUID(),
      kind: row.kind,
      title: row.title,
      instructions: row.instructions,
      exerciseId,
      prescription: row.kind === 'exercise' ? prescriptionSchema.nullable().parse(prescriptionOfRow(row)) : null,
      metrics: row.metrics.map((metric) => metricSchema.parse({ ...metric, key: metric.key ?? randomUUID() })),
    })
    return {
      key: item.key,
      position,
      kind: item.kind,
      title: item.title,
      instructions: item.instructions,
      exercise_id: item.exerciseId,
      prescription: item.prescription,
      metrics: item.metrics,
    }
  })
  if (Object.keys(fieldErrors).length > 0) throw new AppError('invalid', 'Please fix the marked fields.', fieldErrors)
  return items
}

export async function deleteTemplate(db: Database, { userId, templateId }: { userId: string; templateId: string }): Promise<void> {
  await db.asUser(userId, async (tx) => {
    const [uses] = await tx.query<{ sessions: number; steps: number }>(
      `select (select count(*)::int from public.coaching_sessions s where s.session_template_id = $1) as sessions,
              (select count(*)::int from public.module_steps m where m.template_id = $1) as steps`,
      [templateId],
    )
    if (uses && uses.sessions > 0) {
      throw new AppError('conflict', `${uses.sessions === 1 ? 'A session was' : `${uses.sessions} sessions were`} made from this template, so it stays as their history.`)
    }
    if (uses && uses.steps > 0) throw new AppError('conflict', 'This template is a step of a module. Take it out of the module first.')
    const rows = await tx.query('delete from public.session_templates where id = $1 returning id', [templateId])
    if (rows.length === 0) throw new AppError('not_found', 'That template does not exist, or you cannot delete it.')
  })
}

// ─── cursors and errors ──────────────────────────────────────────────────────────────

function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url')
}

function decodeCursor(cursor: string | null | undefined): { createdAt: string; id: string } | null {
  if (!cursor) return null
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown]
    if (typeof createdAt === 'string' && !Number.isNaN(Date.parse(createdAt)) && typeof id === 'string' && /^[0-9a-f-]{36}$/i.test(id)) {
      return { createdAt, id }
    }
  } catch {
    // An unreadable cursor starts from the first page.
  }
  return null
}

function invalid(message: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): AppError {
  const fieldErrors: Record<string, string[]> = {}
  for (const issue of issues) {
    const path = issue.path.map(String).join('.')
    ;(fieldErrors[path] ??= []).push(issue.message)
  }
  return new AppError('invalid', message, fieldErrors)
}

/** The program, when the signed-in user coaches it (the library pages are its coaches'); null otherwise. */
export async function coachedProgram(db: Database, { userId, programId }: { userId: string; programId: string }): Promise<{ id: string; name: string } | null> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ id: string; name: string }>(
      `select p.id, p.name from public.programs p
       join public.program_members me on me.program_id = p.id and me.user_id = $2 and me.role = 'coach'
       where p.id = $1`,
      [programId, userId],
    ),
  )
  return row ?? null
}

/** The clients of a program the signed-in user coaches, by name: whom a template or module can be assigned to. */
export async function programClients(db: Database, { userId, programId }: { userId: string; programId: string }): Promise<{ id: string; name: string }[]> {
  return db.asUser(userId, (tx) =>
    tx.query<{ id: string; name: string }>(
      `select m.user_id as id, coalesce(p.display_name, 'A client') as name
       from public.program_members m
       left join public.profiles p on p.id = m.user_id
       where m.program_id = $1 and m.role = 'client'
         and m.program_id in (select me.program_id from public.program_members me where me.user_id = $2 and me.role = 'coach')
       order by lower(coalesce(p.display_name, '')), m.user_id
       limit 500`,
      [programId, userId],
    ),
  )
}

/** Every template of a program by title, for choosing one (a module's steps); at most 500. */
export async function templateChoices(db: Database, { userId, programId }: { userId: string; programId: string }): Promise<{ id: string; title: string }[]> {
  return db.asUser(userId, (tx) =>
    tx.query<{ id: string; title: string }>(
      'select id, title from public.session_templates where program_id = $1 order by lower(title), id limit 500',
      [programId],
    ),
  )
}
