import { fieldSpecsOf, stageInfo } from '../coaching/stages.shared'
import type { ExportData } from './export.shared'

/**
 * The export's readable page: every session (its stages' fields and transcripts, its
 * summary) and every plan with its milestones, as one self-contained HTML file — no
 * scripts, no outside styles or images — that any browser opens from the disk.
 */
export function renderExportHtml(data: ExportData, { exportedAt }: { exportedAt: Date }): string {
  const profile = data['profile.json']
  const stagesBySession = groupBy(data['stage-responses.json'], (stage) => stage.session_id)
  const milestonesByPlan = groupBy(data['milestones.json'], (milestone) => milestone.action_plan_id)
  const sessions = data['sessions.json']
  const plans = data['action-plans.json']

  const sessionSections = sessions.map((session) => {
    const status = session.completed_at ? 'Completed' : session.cancelled_at ? 'Cancelled' : 'In progress'
    const stages = (stagesBySession.get(session.id) ?? []).sort((a, b) => a.stage_number - b.stage_number)
    return `<section class="session" data-session-id="${escapeHtml(session.id)}">
  <h3>${escapeHtml(session.title)}</h3>
  <p class="meta">${escapeHtml(session.session_date)} · ${status}${session.user_id === profile.id ? '' : ' · a client’s session you coach'}</p>
  ${stages.map(renderStage).join('\n  ')}
  ${session.summary ? `<h4>Summary</h4>${renderValue(session.summary)}` : ''}
</section>`
  })

  const planSections = plans.map((plan) => {
    const milestones = (milestonesByPlan.get(plan.id) ?? []).sort((a, b) => a.position - b.position)
    return `<section class="plan" data-plan-id="${escapeHtml(plan.id)}">
  <h3>${escapeHtml(plan.title)}</h3>
  <p class="meta">${escapeHtml(plan.status.replace('_', ' '))}${plan.timeline_end ? ` · due ${escapeHtml(plan.timeline_end)}` : ''}</p>
  ${plan.description ? `<p>${escapeHtml(plan.description)}</p>` : ''}
  ${milestones.length ? `<ul>${milestones.map((m) => `<li>${m.completed ? '☑' : '☐'} ${escapeHtml(m.title)}${m.due_date ? ` (by ${escapeHtml(m.due_date)})` : ''}</li>`).join('')}</ul>` : ''}
</section>`
  })

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Stagecoach: ${escapeHtml(profile.display_name)}’s sessions and plans</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #1e293b; }
  section { border-top: 1px solid #cbd5e1; padding: 0.5rem 0 1rem; }
  .meta { color: #64748b; font-size: 0.9rem; margin-top: 0; }
  .message { margin: 0.25rem 0; }
  .message .who { font-weight: 600; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
  dt { font-weight: 600; }
  dd { margin: 0; white-space: pre-wrap; }
</style>
</head>
<body>
<h1>${escapeHtml(profile.display_name)}’s sessions and plans</h1>
<p class="meta">Exported from Stagecoach on ${escapeHtml(exportedAt.toISOString())}. Everything is also in the JSON files beside this page.</p>
<h2 id="sessions">Sessions (${sessions.length})</h2>
${sessionSections.join('\n') || '<p>No sessions.</p>'}
<h2 id="plans">Action plans (${plans.length})</h2>
${planSections.join('\n') || '<p>No action plans.</p>'}
</body>
</html>
`
}

function renderStage(stage: ExportData['stage-responses.json'][number]): string {
  const name = safeStageName(stage.stage_number, stage.stage_name)
  const responses = stage.responses
  const transcript = Array.isArray(responses.transcript) ? responses.transcript : []
  const fields = isRecord(responses.fields) ? responses.fields : null
  const labels = new Map(fieldSpecsOf(stage.stage_name).map((spec) => [spec.key, spec.label]))
  const whoSaid = { client: 'You', coach: 'Coach', assistant: 'Coach (AI or guided)' } as Record<string, string>
  return `<div class="stage"><h4>${escapeHtml(name)}</h4>
    ${transcript
      .filter(isRecord)
      .map((m) => `<p class="message"><span class="who">${escapeHtml(whoSaid[String(m.role)] ?? String(m.role))}:</span> ${escapeHtml(String(m.content ?? ''))}</p>`)
      .join('\n    ')}
    ${fields ? `<dl>${Object.entries(fields).map(([key, value]) => `<dt>${escapeHtml(labels.get(key) ?? key)}</dt><dd>${renderPlain(value)}</dd>`).join('')}</dl>` : ''}
  </div>`
}

function renderValue(value: unknown): string {
  if (!isRecord(value)) return `<p>${renderPlain(value)}</p>`
  return `<dl>${Object.entries(value).map(([key, inner]) => `<dt>${escapeHtml(key)}</dt><dd>${renderPlain(inner)}</dd>`).join('')}</dl>`
}

/** A field's value as text: strings as they are, lists one per line, anything else as JSON. */
function renderPlain(value: unknown): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'string') return escapeHtml(value)
  if (typeof value === 'number' || typeof value === 'boolean') return escapeHtml(String(value))
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return escapeHtml(value.join('\n'))
  return escapeHtml(JSON.stringify(value, null, 1))
}

function safeStageName(number: number, slug: string): string {
  try {
    return stageInfo(number).name
  } catch {
    return slug
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>()
  for (const item of items) {
    const k = key(item)
    const group = groups.get(k)
    if (group) group.push(item)
    else groups.set(k, [item])
  }
  return groups
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')
}
