/**
 * How each stage's fields appear in a form, and how a submitted form turns back into the
 * fields object (validated on the server by the stage's Zod schema in lib/coaching/stages).
 * Shared by the review form in the browser and the action that parses it, so it stays
 * free of server code.
 */

export type FieldSpec =
  | { key: string; label: string; kind: 'rating' }
  | { key: string; label: string; kind: 'text' }
  | { key: string; label: string; kind: 'list'; hint?: string }
  | { key: string; label: string; kind: 'smart' }
  | { key: string; label: string; kind: 'actionSteps' }
  | { key: string; label: string; kind: 'actionReviews' }

export const fieldSpecsBySlug: Record<string, FieldSpec[]> = {
  check_in: [
    { key: 'presenceLevel', label: 'How present you feel (1–10)', kind: 'rating' },
    { key: 'emotionalState', label: 'How you are feeling', kind: 'text' },
    { key: 'previousActionsReview', label: 'How last time’s actions went', kind: 'actionReviews' },
    { key: 'readinessScore', label: 'How ready you are for today (1–10)', kind: 'rating' },
  ],
  starting_point: [
    { key: 'topic', label: 'Today’s topic', kind: 'text' },
    { key: 'problemStatement', label: 'The problem, in one sentence', kind: 'text' },
    { key: 'currentStateRating', label: 'Where things stand (1–10)', kind: 'rating' },
    { key: 'strengths', label: 'Strengths', kind: 'list' },
    { key: 'obstacles', label: 'Obstacles', kind: 'list' },
    { key: 'resources', label: 'Resources', kind: 'list' },
  ],
  connect: [
    { key: 'options', label: 'Options you came up with', kind: 'list' },
    { key: 'insights', label: 'Insights', kind: 'list' },
    { key: 'challenges', label: 'Challenges', kind: 'list' },
    { key: 'barriers', label: 'What is really in the way', kind: 'list' },
  ],
  finish: [
    { key: 'goalStatement', label: 'Your goal', kind: 'text' },
    { key: 'smartCriteria', label: 'Making the goal SMART', kind: 'smart' },
    { key: 'actionSteps', label: 'Action steps you agreed to', kind: 'actionSteps' },
    { key: 'obstacles', label: 'Obstacles you expect', kind: 'list' },
    { key: 'contingencyPlans', label: 'If an obstacle happens', kind: 'list' },
  ],
  check_out: [
    { key: 'keyLearnings', label: 'Key learnings', kind: 'list' },
    { key: 'insights', label: 'Insights you take away', kind: 'list' },
    { key: 'sessionValueRating', label: 'How valuable the session was (1–10)', kind: 'rating' },
    { key: 'clarityLevel', label: 'How clear your next steps are (1–10)', kind: 'rating' },
  ],
}

export const smartKeys = [
  { key: 'specific', label: 'Specific — what exactly' },
  { key: 'measurable', label: 'Measurable — how you will know' },
  { key: 'achievable', label: 'Achievable — why it is within reach' },
  { key: 'relevant', label: 'Relevant — why it matters now' },
  { key: 'timeBound', label: 'Time-bound — by when' },
] as const

/** Blank rows offered for new action steps under the existing ones. */
export const extraActionStepRows = 2

function textOrNull(value: FormDataEntryValue | null): string | null {
  const text = typeof value === 'string' ? value.trim() : ''
  return text === '' ? null : text
}

function numberOrNull(value: FormDataEntryValue | null): number | string | null {
  const text = textOrNull(value)
  if (text === null) return null
  const number = Number(text)
  // Not a number: passed on as text so validation says what is wrong.
  return Number.isFinite(number) ? number : text
}

function lines(value: FormDataEntryValue | null): string[] {
  return (typeof value === 'string' ? value : '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
}

function rowIndexes(formData: FormData, prefix: string): number[] {
  const indexes = new Set<number>()
  for (const key of formData.keys()) {
    const match = new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(key)
    if (match) indexes.add(Number(match[1]))
  }
  return [...indexes].sort((a, b) => a - b)
}

/** The fields object a stage's review form describes. Unknown stages give an empty object. */
export function fieldsFromForm(slug: string, formData: FormData): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  for (const spec of fieldSpecsBySlug[slug] ?? []) {
    const name = `fields.${spec.key}`
    switch (spec.kind) {
      case 'rating':
        fields[spec.key] = numberOrNull(formData.get(name))
        break
      case 'text':
        fields[spec.key] = textOrNull(formData.get(name))
        break
      case 'list':
        fields[spec.key] = lines(formData.get(name))
        break
      case 'smart':
        fields[spec.key] = Object.fromEntries(smartKeys.map(({ key }) => [key, textOrNull(formData.get(`${name}.${key}`))]))
        break
      case 'actionSteps':
        fields[spec.key] = rowIndexes(formData, name)
          .map((index) => ({
            title: textOrNull(formData.get(`${name}.${index}.title`)),
            description: textOrNull(formData.get(`${name}.${index}.description`)),
            dueDate: textOrNull(formData.get(`${name}.${index}.dueDate`)),
            priority: numberOrNull(formData.get(`${name}.${index}.priority`)),
          }))
          // A row left entirely blank is an unused slot, not a step.
          .filter((step) => step.title || step.description || step.dueDate)
        break
      case 'actionReviews':
        fields[spec.key] = rowIndexes(formData, name).map((index) => ({
          actionPlanId: textOrNull(formData.get(`${name}.${index}.actionPlanId`)),
          title: textOrNull(formData.get(`${name}.${index}.title`)),
          progress: textOrNull(formData.get(`${name}.${index}.progress`)),
          whatGotInTheWay: textOrNull(formData.get(`${name}.${index}.whatGotInTheWay`)),
        }))
        break
    }
  }
  return fields
}
