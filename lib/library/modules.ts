import type { Database } from '../db/database'
import { AppError } from '../errors'
import { moduleForm, moduleStepRow } from './library.shared'
import type { z } from 'zod'

/** Modules: a program's ordered templates, each step with a day offset from the start. */

export interface ModuleSummary {
  id: string
  name: string
  description: string
  stepCount: number
  runCount: number
}

export interface ModuleStep {
  templateId: string
  templateTitle: string
  dayOffset: number
}

export interface Module extends ModuleSummary {
  programId: string
  steps: ModuleStep[]
}

export async function listModules(db: Database, { userId, programId }: { userId: string; programId: string }): Promise<ModuleSummary[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ id: string; name: string; description: string; step_count: number; run_count: number }>(
      `select m.id, m.name, m.description,
              (select count(*)::int from public.module_steps st where st.module_id = m.id) as step_count,
              (select count(distinct s.module_run_id)::int from public.coaching_sessions s where s.module_id = m.id) as run_count
       from public.modules m where m.program_id = $1
       order by lower(m.name)
       limit 200`,
      [programId],
    ),
  )
  return rows.map((row) => ({ id: row.id, name: row.name, description: row.description, stepCount: row.step_count, runCount: row.run_count }))
}

export async function createModule(db: Database, { userId, programId, name }: { userId: string; programId: string; name: string }): Promise<string> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ id: string }>('insert into public.modules (program_id, name, created_by) values ($1, $2, $3) returning id', [programId, name, userId]),
  )
  if (!row) throw new AppError('not_found', 'You can only add modules to a program you coach.')
  return row.id
}

export async function getModule(db: Database, { userId, moduleId }: { userId: string; moduleId: string }): Promise<Module | null> {
  return db.asUser(userId, async (tx) => {
    const [row] = await tx.query<{ id: string; program_id: string; name: string; description: string; run_count: number }>(
      `select m.id, m.program_id, m.name, m.description,
              (select count(distinct s.module_run_id)::int from public.coaching_sessions s where s.module_id = m.id) as run_count
       from public.modules m where m.id = $1`,
      [moduleId],
    )
    if (!row) return null
    const steps = await tx.query<{ template_id: string; template_title: string; day_offset: number }>(
      `select st.template_id, t.title as template_title, st.day_offset
       from public.module_steps st join public.session_templates t on t.id = st.template_id
       where st.module_id = $1 order by st.position`,
      [moduleId],
    )
    return {
      id: row.id,
      programId: row.program_id,
      name: row.name,
      description: row.description,
      runCount: row.run_count,
      stepCount: steps.length,
      steps: steps.map((step) => ({ templateId: step.template_id, templateTitle: step.template_title, dayOffset: step.day_offset })),
    }
  })
}

type SaveInput = z.output<typeof moduleForm>

/** Saves the module's name, description and steps in their order, in one transaction. */
export async function saveModule(
  db: Database,
  { userId, moduleId, input }: { userId: string; moduleId: string; input: Omit<SaveInput, 'intent'> },
): Promise<void> {
  const steps = input.steps.map((step) => moduleStepRow.parse(step))
  await db.asUser(userId, async (tx) => {
    const [module] = await tx.query<{ program_id: string }>(
      'update public.modules set name = $2, description = $3 where id = $1 returning program_id',
      [moduleId, input.name, input.description],
    )
    if (!module) throw new AppError('not_found', 'That module does not exist, or you cannot edit it.')
    await tx.query('delete from public.module_steps where module_id = $1', [moduleId])
    if (steps.length === 0) return
    const inserted = await tx.query(
      `insert into public.module_steps (module_id, program_id, position, template_id, day_offset)
       select $1, t.program_id, step.position, t.id, step.day_offset
       from jsonb_to_recordset($2::jsonb) as step(position int, template_id uuid, day_offset int)
       join public.session_templates t on t.id = step.template_id and t.program_id = $3
       returning id`,
      [moduleId, JSON.stringify(steps.map((step, position) => ({ position, template_id: step.templateId, day_offset: step.dayOffset }))), module.program_id],
    )
    if (inserted.length !== steps.length) {
      throw new AppError('invalid', 'One of those templates is not in this program’s library.', { steps: ['Choose templates from this program’s library.'] })
    }
  })
}

export async function deleteModule(db: Database, { userId, moduleId }: { userId: string; moduleId: string }): Promise<void> {
  const rows = await db.asUser(userId, (tx) => tx.query('delete from public.modules where id = $1 returning id', [moduleId]))
  if (rows.length === 0) throw new AppError('not_found', 'That module does not exist, or you cannot delete it.')
}
