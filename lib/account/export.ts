import { strToU8, zipSync, type Zippable } from 'fflate'
import { recordAccountEvent } from '../audit/account-events'
import type { Database, Tx } from '../db/database'
import { renderExportHtml } from './export-html'
import {
  exportFiles,
  exportFormatVersion,
  exportHtmlFile,
  exportManifestFile,
  manifestSchema,
  type ExportData,
  type ExportFileName,
} from './export.shared'

/**
 * What each file holds, as one query per file returning one JSON value (so timestamps keep
 * their offset and microseconds). All run as the user, under row-level security, so no
 * file can hold what the person may not read: a client's own records; a coach's programs,
 * library and invites, and of their clients only the sessions (with their stages, plans
 * and milestones) shared or led with them — released to them, in the words of issue 15.
 * `$1` is the user's id.
 */
const fileQueries: Record<Exclude<ExportFileName, 'profile.json' | 'activity.json'>, string> = {
  'memberships.json': `
    select m.program_id, p.name as program_name, m.role, m.created_at
    from public.program_members m join public.programs p on p.id = m.program_id
    where m.user_id = $1 order by m.created_at, m.program_id`,
  'programs.json': `
    select p.id, p.name, p.created_by, p.created_at, p.updated_at
    from public.programs p
    where p.id in (select m.program_id from public.program_members m where m.user_id = $1 and m.role = 'coach')
    order by p.created_at, p.id`,
  'invites.json': `
    select i.id, i.program_id, i.role, i.note, i.expires_at, i.accepted_at, i.created_at
    from public.program_invites i where i.created_by = $1 order by i.created_at, i.id`,
  'sessions.json': `
    select s.id, s.user_id, s.coach_id, s.program_id, s.session_type, s.source, s.visibility, s.title,
           s.current_stage, s.summary, s.items, s.session_template_id, s.module_id, s.due_at, s.session_date,
           s.started_at, s.completed_at, s.cancelled_at, s.released_at, s.created_at, s.updated_at
    from exported_sessions s order by s.session_date, s.created_at, s.id`,
  'stage-responses.json': `
    select r.id, r.session_id, r.stage_number, r.stage_name, r.responses, r.completed_at, r.created_at, r.updated_at
    from public.stage_responses r where r.session_id in (select s.id from exported_sessions s)
    order by r.session_id, r.stage_number`,
  'summary-drafts.json': `
    select d.session_id, d.summary, d.created_at, d.updated_at
    from public.session_summary_drafts d where d.session_id in (select s.id from exported_sessions s)
    order by d.session_id`,
  'session-memories.json': `
    select m.session_id, m.items, m.updated_at
    from public.session_memories m where m.session_id in (select s.id from exported_sessions s)
    order by m.session_id`,
  'action-plans.json': `
    select a.id, a.session_id, a.user_id, a.title, a.description, a.goal_statement, a.smart_criteria, a.priority,
           a.status, a.theme, a.timeline_start, a.timeline_end, a.created_at, a.updated_at
    from exported_plans a order by a.created_at, a.id`,
  'milestones.json': `
    select m.id, m.action_plan_id, m.title, m.description, m.due_date, m.position, m.completed, m.completed_at,
           m.created_at, m.updated_at
    from public.milestones m where m.action_plan_id in (select a.id from exported_plans a)
    order by m.action_plan_id, m.position, m.created_at`,
  // Measures of the exported sessions (a coach's: only of sessions shared with or led by them), every version.
  'measures.json': `
    select m.id, m.session_id, m.user_id, m.item_key, m.exercise_id, m.metric_key, m.set_number,
           m.value_numeric::float8 as value_numeric, m.value_scale, m.value_boolean, m.value_text, m.unit,
           m.modification, m.modification_reason, m.recorded_by, m.recorded_at, m.competition_type, m.competition_id,
           m.supersedes_id
    from public.measures m where m.session_id in (select s.id from exported_sessions s)
    order by m.recorded_at, m.id`,
  'benchmarks.json': `
    select b.id, b.user_id, b.program_id, b.kind, b.exercise_id, b.name, b.metric_key, b.value::float8 as value, b.unit,
           b.zones::float8[] as zones, b.recorded_on, b.recorded_at
    from public.benchmarks b where b.user_id = $1
    order by b.recorded_on, b.recorded_at, b.id`,
  // A client's plans (every version); a coach's, the plans they wrote.
  'weekly-plans.json': `
    select w.id, w.client_id, w.program_id, w.coach_id, w.week_start, w.status, w.version, w.replaces_id, w.note,
           w.seen_at, w.created_at, w.updated_at
    from public.weekly_plans w where w.client_id = $1 or w.coach_id = $1
    order by w.week_start, w.version, w.id`,
  'weekly-plan-items.json': `
    select i.id, i.plan_id, i.key, i.position, i.day, i.title, i.instructions, i.session_template_id, i.prescription, i.session_id
    from public.weekly_plan_items i
    where i.plan_id in (select w.id from public.weekly_plans w where w.client_id = $1 or w.coach_id = $1)
    order by i.plan_id, i.position`,
  // A client's reviews they can read (released, or with no program).
  'weekly-reviews.json': `
    select r.id, r.client_id, r.program_id, r.week_start, r.adherence::float8 as adherence, r.volume, r.fatigue_analysis,
           r.patterns, r.suggestions, r.disclaimer, r.written_by, r.generated_at, r.released_at
    from public.weekly_reviews r where r.client_id = $1
    order by r.week_start, r.id`,
  // Whether they get the weekly email digest, and which weeks' digests were sent (decision 029).
  'email-digest-settings.json': `
    select s.user_id, s.weekly, s.updated_at from public.email_digest_settings s where s.user_id = $1`,
  'email-digests-sent.json': `
    select d.period_start, d.status, d.item_count, d.claimed_at, d.sent_at
    from public.email_digests_sent d where d.user_id = $1 order by d.period_start`,
  // Messages they sent or received; a coach's dismissals of needs-attention reasons (decision 028).
  'messages.json': `
    select m.id, m.program_id, m.sender_id, m.recipient_id, m.body, m.about, m.created_at, m.read_at, m.emailed_at
    from public.messages m where m.sender_id = $1 or m.recipient_id = $1
    order by m.created_at, m.id`,
  'attention-dismissals.json': `
    select d.client_id, d.program_id, d.reason, d.dismissed_at
    from public.attention_dismissals d where d.coach_id = $1
    order by d.dismissed_at, d.client_id, d.reason`,
  'templates.json': `
    select t.id, t.program_id, t.title, t.description, t.includes_conversation, t.stage_prompts, t.is_public,
           t.created_at, t.updated_at
    from public.session_templates t where t.program_id in (select p.id from coached_programs p)
    order by t.created_at, t.id`,
  'template-items.json': `
    select i.id, i.template_id, i.position, i.kind, i.title, i.instructions, i.exercise_id, i.prescription, i.metrics, i.created_at
    from public.template_items i where i.program_id in (select p.id from coached_programs p)
    order by i.template_id, i.position`,
  'tags.json': `
    select t.id, t.program_id, t.name, t.colour, t.created_at
    from public.tags t where t.program_id in (select p.id from coached_programs p) order by t.created_at, t.id`,
  'template-tags.json': `
    select t.template_id, t.tag_id
    from public.template_tags t where t.program_id in (select p.id from coached_programs p) order by t.template_id, t.tag_id`,
  'modules.json': `
    select m.id, m.program_id, m.name, m.description, m.created_at, m.updated_at
    from public.modules m where m.program_id in (select p.id from coached_programs p) order by m.created_at, m.id`,
  'module-steps.json': `
    select s.id, s.module_id, s.position, s.template_id, s.day_offset
    from public.module_steps s where s.program_id in (select p.id from coached_programs p) order by s.module_id, s.position`,
  'exercises.json': `
    select e.id, e.program_id, e.name, e.category, e.muscle_groups, e.is_public, e.created_at
    from public.exercises e where e.program_id in (select p.id from coached_programs p) order by e.created_at, e.id`,
}

/**
 * The sessions in an export: the person's own, and those they coach that row-level security
 * lets them read (shared with them or led by them). Plans: their own, and those of the
 * exported sessions they can read (a coach-led session's once released to its client).
 */
const withScope = (query: string) => `
  with coached_programs as (
    select m.program_id as id from public.program_members m where m.user_id = $1 and m.role = 'coach'
  ),
  exported_sessions as (
    select * from public.coaching_sessions s where s.user_id = $1 or s.coach_id = $1
  ),
  exported_plans as (
    select * from public.action_plans a
    where a.user_id = $1 or a.session_id in (select s.id from exported_sessions s)
  )
  select coalesce(jsonb_agg(to_jsonb(rows)), '[]'::jsonb) as value from (${query}) rows`

/**
 * Everything the person may take with them, read as them in one transaction (one unit of
 * work, so the files agree with each other), each file checked against its schema.
 */
export async function readExport(db: Database, { userId }: { userId: string }): Promise<ExportData> {
  const email = await db.asService((tx) =>
    // The sign-in email lives with the auth server (auth.users), which no API role reads:
    // the person's own row only, by their id.
    tx.query<{ email: string | null }>('select email::text as email from auth.users where id = $1', [userId]),
  )
  return db.asUser(userId, async (tx) => {
    const value = async (sql: string) => (await tx.query<{ value: unknown }>(sql, [userId]))[0]?.value
    const [profile] = await tx.query<{ value: Record<string, unknown> }>(
      `select to_jsonb(p) as value from (
         select id, display_name, timezone, country, created_at, updated_at from public.profiles where id = $1
       ) p`,
      [userId],
    )
    const raw: Record<string, unknown> = {
      'profile.json': { ...profile?.value, email: email[0]?.email ?? null },
      'activity.json': await allActivity(tx),
    }
    for (const [name, query] of Object.entries(fileQueries)) raw[name] = await value(withScope(query))
    const data: Partial<Record<ExportFileName, unknown>> = {}
    for (const name of Object.keys(exportFiles) as ExportFileName[]) {
      data[name] = exportFiles[name].parse(raw[name])
    }
    return data as ExportData
  })
}

/** Every entry of the person's account activity (public.my_account_activity pages through 200 at a time). */
async function allActivity(tx: Tx): Promise<unknown[]> {
  const entries: Array<Record<string, unknown> & { created_at_text: string; id: number }> = []
  for (;;) {
    const last = entries.at(-1)
    const page = await tx.query<{ value: Record<string, unknown> & { created_at_text: string; id: number } }>(
      `select to_jsonb(a) || jsonb_build_object('created_at_text', a.created_at::text) as value
       from public.my_account_activity($1::timestamptz, $2::bigint, 200) a`,
      [last?.created_at_text ?? null, last?.id ?? null],
    )
    entries.push(...page.map((row) => row.value))
    if (page.length < 200) break
  }
  return entries.map(({ created_at_text: _, ...entry }) => entry)
}

/** How many records each file of an export holds. */
export function exportCounts(data: ExportData): Record<ExportFileName, number> {
  const counts = {} as Record<ExportFileName, number>
  for (const name of Object.keys(exportFiles) as ExportFileName[]) {
    const content = data[name]
    counts[name] = Array.isArray(content) ? content.length : 1
  }
  return counts
}

/** The ZIP: every JSON file, the manifest and the readable page. */
export function zipExport(data: ExportData, { exportedAt = new Date() }: { exportedAt?: Date } = {}): Uint8Array {
  const manifest = manifestSchema.parse({
    format_version: exportFormatVersion,
    exported_at: exportedAt.toISOString(),
    user_id: data['profile.json'].id,
    files: exportCounts(data),
  })
  const files: Zippable = {
    [exportManifestFile]: strToU8(JSON.stringify(manifest, null, 2)),
    [exportHtmlFile]: strToU8(renderExportHtml(data, { exportedAt })),
  }
  for (const name of Object.keys(exportFiles) as ExportFileName[]) {
    files[name] = strToU8(JSON.stringify(data[name], null, 2))
  }
  return zipSync(files, { level: 6, mtime: exportedAt })
}

/**
 * "Download my data": reads the export as the user, records it in the audit log
 * (`data_export`, with how many records of each kind went), and returns the ZIP.
 */
export async function exportAccount(db: Database, { userId }: { userId: string }): Promise<{ zip: Uint8Array; fileName: string }> {
  const exportedAt = new Date()
  const data = await readExport(db, { userId })
  const zip = zipExport(data, { exportedAt })
  const counts = exportCounts(data)
  await recordAccountEvent(db, {
    action: 'data_export',
    actorId: userId,
    metadata: {
      sessions: counts['sessions.json'],
      action_plans: counts['action-plans.json'],
      bytes: zip.byteLength,
    },
  })
  return { zip, fileName: `stagecoach-export-${exportedAt.toISOString().slice(0, 10)}.zip` }
}
