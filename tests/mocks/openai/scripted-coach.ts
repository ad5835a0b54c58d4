import { stages, type FieldSpec } from '../../../lib/coaching/stages.shared'
import { isRecord, parseRequest } from './request'
import type { RecordedCall, Responder } from './types'

/** The default responder: a scripted coach that makes a whole session possible. */

function isoDay(offsetDays: number): string {
  const date = new Date()
  date.setUTCDate(date.getUTCDate() + offsetDays)
  return date.toISOString().slice(0, 10)
}

/** The last user message of a call, as the person wrote it: delimiting tags removed, spaces collapsed. */
export function lastUserMessage(call: RecordedCall): string {
  const { userTexts } = parseRequest(call.api, call.body)
  return (userTexts.at(-1) ?? '')
    .replace(/<\/?\s*client_message\s*>/gi, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/** The scripted coach's reply to a conversation turn: it reflects, then asks one open question. */
export function coachReply(call: RecordedCall): string {
  const said = lastUserMessage(call)
  if (!said) return 'What would you like to focus on today?'
  const quote = said.length > 40 ? `${said.slice(0, 40).trimEnd()}…` : said
  return `You said "${quote}". What matters most to you about that?`
}

interface FinishStep {
  title: string
  dueDate: string | null
}

/** The Finish stage's fields, when the prompt carries them as a `Finish: {...}` line (summary and action-plan prompts do). */
function finishFromPrompt(userText: string): { goalStatement: string | null; steps: FinishStep[] } | null {
  const match = /^Finish: (\{.*\})\s*$/m.exec(userText)
  if (!match?.[1]) return null
  try {
    const parsed: unknown = JSON.parse(match[1])
    if (!isRecord(parsed) || !Array.isArray(parsed.actionSteps)) return null
    const steps = parsed.actionSteps.filter(isRecord).map((step, index) => ({
      title: typeof step.title === 'string' && step.title.trim() ? step.title.trim().slice(0, 200) : `Step ${index + 1}`,
      dueDate: typeof step.dueDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(step.dueDate) ? step.dueDate : null,
    }))
    return { goalStatement: typeof parsed.goalStatement === 'string' ? parsed.goalStatement : null, steps }
  } catch {
    return null
  }
}

const scriptedGoal = 'Share a clear plan for the new project with my team within two weeks.'

function scriptedSteps(): (FinishStep & { description: string; priority: number })[] {
  return [
    { title: 'Draft a one-page project outline', description: 'Write the outline on Tuesday morning before email.', dueDate: isoDay(7), priority: 1 },
    { title: 'Review the outline with my manager', description: 'Book thirty minutes and ask for honest feedback.', dueDate: isoDay(14), priority: 2 },
  ]
}

function smartCriteria(timeBound: string) {
  return {
    specific: 'A one-page plan the whole team has read.',
    measurable: 'The outline is written and my manager has commented on it.',
    achievable: 'I have protected time on Tuesday mornings.',
    relevant: 'The team is waiting on a direction to start.',
    timeBound,
  }
}

/** The stage whose fields a structured call asks for: the one whose field keys are the schema's. */
export function stageAskedFor(call: RecordedCall): (typeof stages)[number] | null {
  const asked = [...call.schemaKeys].sort().join(',')
  return stages.find((stage) => stage.fieldSpecs.map((spec) => spec.key).sort().join(',') === asked) ?? null
}

/** The open action plans the context names ("- Open action plan <id>: <text>"), as the model would see them. */
function openActionsFromPrompt(userText: string): { id: string; title: string }[] {
  return [...userText.matchAll(/^- Open action plan ([0-9a-f-]{36}): (.+)$/gm)].map(([, id = '', text = '']) => ({
    id,
    title: text.replace(/\s*\([^)]*\)\s*$/, '').slice(0, 200),
  }))
}

/** A faithful model's answer for one field, by the field's kind in the stage registry. */
function scriptedField(spec: FieldSpec, call: RecordedCall): unknown {
  switch (spec.kind) {
    case 'rating':
      return 7
    case 'text':
      return spec.key === 'goalStatement' ? scriptedGoal : `In my words: ${spec.label.toLowerCase()}.`.slice(0, spec.max)
    case 'list':
      return [`${spec.label}, as I put it`]
    case 'smart':
      return smartCriteria(`By ${isoDay(14)}`)
    case 'actionSteps':
      return scriptedSteps()
    case 'actionReviews':
      return openActionsFromPrompt(call.userText).map(({ id, title }) => ({
        actionPlanId: id,
        title,
        progress: 'partly',
        whatGotInTheWay: 'Meetings took most of the week.',
      }))
  }
}

/**
 * The object the scripted coach returns for a structured call, chosen by the requested
 * schema's top-level keys; each is valid against the app's Zod schema with those keys.
 * A stage's fields come from the stage registry, field by field. Unknown schemas get `{}`.
 */
export function scriptedObject(call: RecordedCall): unknown {
  const keys = new Set(call.schemaKeys)
  const stage = stageAskedFor(call)
  if (stage) return Object.fromEntries(stage.fieldSpecs.map((spec) => [spec.key, scriptedField(spec, call)]))
  if (keys.has('executiveSummary')) {
    // lib/coaching/summary-schema.ts
    const finish = finishFromPrompt(call.userText)
    const steps = finish && finish.steps.length > 0 ? finish.steps : scriptedSteps()
    return {
      executiveSummary:
        'You came to talk about getting the new project plan started. You noticed that waiting for a perfect plan was holding you back. You chose to start with a rough outline and get early feedback.',
      keyInsights: ['Starting rough beats waiting for perfect.'],
      goalStatement: finish?.goalStatement ?? scriptedGoal,
      actionPlan: steps.slice(0, 12).map((step) => ({ title: step.title, dueDate: step.dueDate })),
      successMetrics: ['The outline is shared with the team', 'My manager has given feedback'],
      supportAndAccountability: 'Your manager will review the outline; your next Check In starts with how it went.',
    }
  }
  if (keys.has('plans')) {
    // lib/plans/from-session.ts: enrichmentSchema
    const finish = finishFromPrompt(call.userText)
    const steps: FinishStep[] = finish && finish.steps.length > 0 ? finish.steps : [{ title: 'Step 1', dueDate: null }, { title: 'Step 2', dueDate: null }]
    return {
      plans: steps.slice(0, 12).map((step, index) => {
        const due = step.dueDate
        const first = isoDay(3)
        const milestones = due
          ? [
              { title: 'Make a start', dueDate: first < due ? first : due },
              { title: 'Finish and check', dueDate: due },
            ]
          : [
              { title: 'Make a start', dueDate: first },
              { title: 'Finish and check', dueDate: isoDay(5) },
            ]
        return {
          stepNumber: index + 1,
          description: `A concrete step towards the goal: ${step.title}.`.slice(0, 2000),
          smartCriteria: smartCriteria(due ? `By ${due}` : 'Within a week'),
          milestones,
        }
      }),
    }
  }
  if (keys.has('crisis')) {
    // lib/coaching/safety-check.ts: safetyCheckSchema — asked only about messages the rules find
    // ambiguous (negated, over, a figure of speech), which a faithful model reads as no crisis.
    return { crisis: false, category: 'none' }
  }
  if (keys.has('questions')) {
    // lib/coaching/stage-work.ts: suggestionsSchema
    return {
      questions: ['What would make today’s session worthwhile for you?', 'What have you already tried?', 'What would you do if you knew you could not fail?'],
      missing: ['A rating of where things stand now'],
    }
  }
  return {}
}

/** The default responder: a coaching reply for a conversation turn, a fitting object for a structured call. */
export const scriptedCoach: Responder = (call) =>
  call.structured ? { kind: 'object', value: scriptedObject(call) } : { kind: 'text', text: coachReply(call) }
