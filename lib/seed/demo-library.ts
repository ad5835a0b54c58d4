import { completeSession } from '../coaching/sessions'
import type { Database } from '../db/database'
import { assignModule, assignTemplate } from '../library/assigning'
import type { TemplateFormValue } from '../library/library.shared'
import { createModule, saveModule } from '../library/modules'
import { createTag, createTemplate, saveTemplate } from '../library/templates'

type ItemInput = Partial<TemplateFormValue['items'][number]> & Pick<TemplateFormValue['items'][number], 'kind' | 'title'>

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10)

/**
 * The demo coach's library: tags, an onboarding module (Initial Assessment → Vision
 * Development → Training Plan Review), a strength template with catalog exercises and
 * prescriptions, a public reflection template, and sessions assigned from them in several
 * states — completed, overdue and due.
 */
export async function seedDemoLibrary(db: Database, { coach, programId, diego, amara }: { coach: string; programId: string; diego: string; amara: string }) {
  const tag = async (name: string, colour: 'green' | 'red' | 'violet' | 'amber') => (await createTag(db, { userId: coach, programId, name, colour })).id
  const onboarding = await tag('Onboarding', 'green')
  const strength = await tag('Strength', 'red')
  const reflection = await tag('Reflection', 'violet')
  const milestone = await tag('Milestone', 'amber')

  const template = async (title: string, fields: { description: string; includesConversation?: boolean; isPublic?: boolean; tagIds: string[]; items: ItemInput[] }) => {
    const templateId = await createTemplate(db, { userId: coach, programId, title })
    await saveTemplate(db, {
      userId: coach,
      templateId,
      input: { intent: 'save', title, includesConversation: false, isPublic: false, ...fields } as never,
    })
    return templateId
  }

  const assessment = await template('Initial Assessment', {
    description: 'Where you are starting from: energy, confidence and how you move.',
    tagIds: [onboarding, milestone],
    items: [
      { kind: 'reflection', title: 'How is your energy this week?', metrics: [{ kind: 'scale', label: 'Energy', benchmark: false } as never] },
      { kind: 'reflection', title: 'How confident are you in your main goal?', metrics: [{ kind: 'scale', label: 'Confidence', benchmark: true } as never] },
      { kind: 'drill', title: 'Movement screen', instructions: 'Five slow bodyweight squats and a toe touch; note anything that pinches.', metrics: [{ kind: 'yes_no', label: 'Pain-free', benchmark: false } as never] },
    ],
  })
  const vision = await template('Vision Development', {
    description: 'A coaching conversation about where you want to be in a year.',
    includesConversation: true,
    tagIds: [onboarding],
    items: [],
  })
  const review = await template('Training Plan Review', {
    description: 'Look back at the first two weeks and set the next block.',
    includesConversation: true,
    tagIds: [onboarding, milestone],
    items: [{ kind: 'reflection', title: 'What got in the way?', metrics: [{ kind: 'text', label: 'In your words', benchmark: false } as never] }],
  })
  const lowerBody = await template('Lower body strength', {
    description: 'Squat and hinge, with a top set to track.',
    tagIds: [strength],
    items: [
      {
        kind: 'exercise',
        title: 'Squat',
        instructions: 'Brace, sit between the hips, drive up.',
        exercise: 'Back squat',
        prescriptionType: 'strength',
        sets: 3,
        reps: 5,
        intensityKind: 'percent_1rm',
        intensityValue: 75,
        restSeconds: 180,
        tempo: '3010',
        metrics: [{ kind: 'number', label: 'Top set', unit: 'kg', target: 100, benchmark: true } as never],
      },
      {
        kind: 'exercise',
        title: 'Hinge',
        exercise: 'Romanian deadlift',
        prescriptionType: 'strength',
        sets: 3,
        reps: 8,
        intensityKind: 'rpe',
        intensityValue: 7,
        restSeconds: 120,
        metrics: [{ kind: 'number', label: 'Load', unit: 'kg', targetMin: 60, targetMax: 70, benchmark: false } as never],
      },
      { kind: 'exercise', title: 'Easy run to finish', exercise: 'Easy run', prescriptionType: 'endurance', modality: 'run', durationMinutes: 20, intensityKind: 'hr_zone', intensityValue: 2 },
    ],
  })
  await template('Weekly reflection', {
    description: 'Ten minutes at the end of the week.',
    isPublic: true,
    tagIds: [reflection],
    items: [
      { kind: 'reflection', title: 'What went well?', metrics: [{ kind: 'text', label: 'Went well', benchmark: false } as never] },
      { kind: 'reflection', title: 'Did you do what you planned?', metrics: [{ kind: 'yes_no', label: 'Done as planned', benchmark: false } as never] },
    ],
  })

  const moduleId = await createModule(db, { userId: coach, programId, name: 'Onboarding' })
  await saveModule(db, {
    userId: coach,
    moduleId,
    input: {
      name: 'Onboarding',
      description: 'The first two weeks with a new client.',
      steps: [
        { templateId: assessment, dayOffset: 0 },
        { templateId: vision, dayOffset: 7 },
        { templateId: review, dayOffset: 14 },
      ],
    },
  })
  // Diego started onboarding ten days ago: the assessment is done, the vision overdue, the review due.
  const { sessionIds } = await assignModule(db, { userId: coach, moduleId, clientIds: [diego], startOn: day(-10) })
  await completeSession(db, { userId: diego, sessionId: sessionIds[0]! })
  await assignTemplate(db, { userId: coach, templateId: lowerBody, clientIds: [diego, amara], dueOn: day(2) })
}
