import { z } from '../zod.shared'

/**
 * "Download my data" (issue 15): the files of the export ZIP, one per kind of record, each
 * with the Zod schema its JSON follows. The export builder (./export.ts) validates every
 * file with these before zipping, and anyone reading an export can check it with them.
 * Pure, so the browser may import it.
 */

const id = z.uuid()
const timestamp = z.string().describe('An ISO 8601 timestamp with its offset')
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('A calendar date, YYYY-MM-DD')
const json = z.unknown()

export const exportFormatVersion = 1

export const profileSchema = z.object({
  id,
  email: z.string().nullable().describe('The sign-in email, when the account has one'),
  display_name: z.string(),
  timezone: z.string(),
  country: z.string().nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

export const membershipSchema = z.object({
  program_id: id,
  program_name: z.string(),
  role: z.enum(['coach', 'client']),
  created_at: timestamp,
})

export const programSchema = z.object({ id, name: z.string(), created_by: id, created_at: timestamp, updated_at: timestamp })

export const inviteSchema = z.object({
  id,
  program_id: id,
  role: z.enum(['coach', 'client']),
  note: z.string(),
  expires_at: timestamp,
  accepted_at: timestamp.nullable(),
  created_at: timestamp,
})

export const sessionSchema = z.object({
  id,
  user_id: id.describe('The client'),
  coach_id: id.nullable(),
  program_id: id.nullable(),
  session_type: z.enum(['self_coaching', 'coach_led']),
  source: z.enum(['self_assigned', 'coach_assigned']),
  visibility: z.enum(['private', 'shared']),
  title: z.string(),
  current_stage: z.number().int(),
  summary: json.nullable(),
  items: z.array(json),
  session_template_id: id.nullable(),
  module_id: id.nullable(),
  due_at: timestamp.nullable(),
  session_date: date,
  started_at: timestamp.nullable(),
  completed_at: timestamp.nullable(),
  cancelled_at: timestamp.nullable(),
  released_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

export const stageResponseSchema = z.object({
  id,
  session_id: id,
  stage_number: z.number().int().min(1).max(5),
  stage_name: z.string(),
  responses: z.record(z.string(), json).describe('The transcript, the fields drawn from it and their draft'),
  completed_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

export const summaryDraftSchema = z.object({ session_id: id, summary: json, created_at: timestamp, updated_at: timestamp })

export const sessionMemorySchema = z.object({ session_id: id, items: z.array(json), updated_at: timestamp })

export const actionPlanSchema = z.object({
  id,
  session_id: id.nullable(),
  user_id: id,
  title: z.string(),
  description: z.string(),
  goal_statement: z.string(),
  smart_criteria: json,
  priority: z.number().int().nullable(),
  status: z.enum(['pending', 'in_progress', 'completed', 'blocked']),
  theme: z.string(),
  timeline_start: date.nullable(),
  timeline_end: date.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

export const milestoneSchema = z.object({
  id,
  action_plan_id: id,
  title: z.string(),
  description: z.string(),
  due_date: date.nullable(),
  position: z.number().int(),
  completed: z.boolean(),
  completed_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

/** A recorded value (planned vs actual: the plan is the session's items). Every version: a correction supersedes, never replaces. */
export const measureSchema = z.object({
  id,
  session_id: id,
  user_id: id,
  item_key: id.nullable(),
  exercise_id: id.nullable(),
  metric_key: z.string(),
  set_number: z.number().int().nullable(),
  value_numeric: z.number().nullable(),
  value_scale: z.number().int().nullable(),
  value_boolean: z.boolean().nullable(),
  value_text: z.string().nullable(),
  unit: z.string().nullable(),
  modification: z.string().nullable(),
  modification_reason: z.string().nullable(),
  recorded_by: z.enum(['client', 'coach']),
  recorded_at: timestamp,
  competition_type: z.string().nullable(),
  competition_id: z.string().nullable(),
  supersedes_id: id.nullable(),
})

export const benchmarkSchema = z.object({
  id,
  user_id: id,
  program_id: id.nullable(),
  kind: z.string(),
  exercise_id: id.nullable(),
  name: z.string().nullable(),
  metric_key: z.string().nullable(),
  value: z.number(),
  unit: z.string(),
  zones: z.array(z.number()).nullable(),
  recorded_on: date,
  recorded_at: timestamp,
})

export const weeklyPlanSchema = z.object({
  id,
  client_id: id,
  program_id: id,
  coach_id: id.nullable(),
  week_start: date,
  status: z.enum(['active', 'completed', 'archived']),
  version: z.number().int(),
  replaces_id: id.nullable(),
  note: z.string(),
  seen_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
})

export const weeklyPlanItemSchema = z.object({
  id,
  plan_id: id,
  key: id,
  position: z.number().int(),
  day: date,
  title: z.string(),
  instructions: z.string(),
  session_template_id: id.nullable(),
  prescription: json,
  session_id: id.nullable(),
})

export const weeklyReviewSchema = z.object({
  id,
  client_id: id,
  program_id: id.nullable(),
  week_start: date,
  adherence: z.number().nullable(),
  volume: json,
  fatigue_analysis: z.string(),
  patterns: z.array(z.string()),
  suggestions: z.array(z.object({ suggestion: z.string(), reasoning: z.string() })),
  disclaimer: z.string(),
  written_by: z.enum(['model', 'numbers']),
  generated_at: timestamp,
  released_at: timestamp.nullable(),
})

/** Whether the person gets the weekly email digest (no row: never chose, so off). */
export const emailDigestSettingSchema = z.object({ user_id: id, weekly: z.boolean(), updated_at: timestamp })

/** A week whose digest the job took on: sent, empty (nothing was due, no email), or claimed (not known to be sent). */
export const emailDigestSentSchema = z.object({
  period_start: date,
  status: z.enum(['claimed', 'sent', 'empty']),
  item_count: z.number().int(),
  claimed_at: timestamp,
  sent_at: timestamp.nullable(),
})

/** A message the person sent or received (a coach's follow-up, or the client's answer). */
export const messageSchema = z.object({
  id,
  program_id: id,
  sender_id: id,
  recipient_id: id,
  body: z.string(),
  about: z.string().nullable(),
  created_at: timestamp,
  read_at: timestamp.nullable(),
  emailed_at: timestamp.nullable(),
})

/** A coach's "dismiss" on a needs-attention reason: the coach's own working note, in the coach's export only. */
export const attentionDismissalSchema = z.object({ client_id: id, program_id: id, reason: z.string(), dismissed_at: timestamp })

export const templateSchema = z.object({
  id,
  program_id: id,
  title: z.string(),
  description: z.string(),
  includes_conversation: z.boolean(),
  stage_prompts: json,
  is_public: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
})

export const templateItemSchema = z.object({
  id,
  template_id: id,
  position: z.number().int(),
  kind: z.string(),
  title: z.string(),
  instructions: z.string(),
  exercise_id: id.nullable(),
  prescription: json.nullable(),
  metrics: z.array(json),
  created_at: timestamp,
})

export const tagSchema = z.object({ id, program_id: id, name: z.string(), colour: z.string(), created_at: timestamp })
export const templateTagSchema = z.object({ template_id: id, tag_id: id })
export const moduleSchema = z.object({ id, program_id: id, name: z.string(), description: z.string(), created_at: timestamp, updated_at: timestamp })
export const moduleStepSchema = z.object({ id, module_id: id, position: z.number().int(), template_id: id, day_offset: z.number().int() })
export const exerciseSchema = z.object({
  id,
  program_id: id,
  name: z.string(),
  category: z.string(),
  muscle_groups: z.array(z.string()),
  is_public: z.boolean(),
  created_at: timestamp,
})

export const activityEntrySchema = z.object({
  id: z.number().int(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: id.nullable(),
  metadata: z.record(z.string(), json),
  created_at: timestamp,
  by_me: z.boolean(),
  actor_name: z.string().nullable(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
})

/** Every JSON file of the export: its name and the schema of its content. */
export const exportFiles = {
  'profile.json': profileSchema,
  'memberships.json': z.array(membershipSchema),
  'programs.json': z.array(programSchema),
  'invites.json': z.array(inviteSchema),
  'sessions.json': z.array(sessionSchema),
  'stage-responses.json': z.array(stageResponseSchema),
  'summary-drafts.json': z.array(summaryDraftSchema),
  'session-memories.json': z.array(sessionMemorySchema),
  'action-plans.json': z.array(actionPlanSchema),
  'milestones.json': z.array(milestoneSchema),
  'measures.json': z.array(measureSchema),
  'benchmarks.json': z.array(benchmarkSchema),
  'weekly-plans.json': z.array(weeklyPlanSchema),
  'weekly-plan-items.json': z.array(weeklyPlanItemSchema),
  'weekly-reviews.json': z.array(weeklyReviewSchema),
  'email-digest-settings.json': z.array(emailDigestSettingSchema),
  'email-digests-sent.json': z.array(emailDigestSentSchema),
  'messages.json': z.array(messageSchema),
  'attention-dismissals.json': z.array(attentionDismissalSchema),
  'templates.json': z.array(templateSchema),
  'template-items.json': z.array(templateItemSchema),
  'tags.json': z.array(tagSchema),
  'template-tags.json': z.array(templateTagSchema),
  'modules.json': z.array(moduleSchema),
  'module-steps.json': z.array(moduleStepSchema),
  'exercises.json': z.array(exerciseSchema),
  'activity.json': z.array(activityEntrySchema),
} as const

export type ExportFileName = keyof typeof exportFiles
export type ExportData = { [Name in ExportFileName]: z.infer<(typeof exportFiles)[Name]> }

export const manifestSchema = z.object({
  format_version: z.literal(exportFormatVersion),
  exported_at: timestamp,
  user_id: id,
  /** How many records each file holds (1 for profile.json). */
  files: z.record(z.string(), z.number().int().min(0)),
})

/** The readable page of the sessions and plans, beside the JSON files. */
export const exportHtmlFile = 'sessions-and-plans.html'
export const exportManifestFile = 'manifest.json'
