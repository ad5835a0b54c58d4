import { fieldSpecsOf } from '#lib/coaching/stages.shared'

/**
 * How a submitted review form turns back into a stage's fields object, by each field's kind
 * in the stage registry (validated on the server by the stage's Zod schema). Shared by the
 * review form in the browser and the action that parses it, so it stays free of server code.
 */

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
  for (const spec of fieldSpecsOf(slug)) {
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
        fields[spec.key] = Object.fromEntries(spec.parts.map(({ key }) => [key, textOrNull(formData.get(`${name}.${key}`))]))
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
