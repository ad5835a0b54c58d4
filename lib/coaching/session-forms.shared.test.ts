import { parseWithZod } from '@conform-to/zod/v4'
import { describe, expect, it } from 'vitest'
import { stageReviewForm } from './session-forms.shared'
import { emptyFields, stageFieldSchemas, stages } from './stages.shared'

function formData(entries: Record<string, string>): FormData {
  const data = new FormData()
  for (const [name, value] of Object.entries(entries)) data.append(name, value)
  return data
}

describe('a stage’s review form', () => {
  it.each(stages.map((stage) => [stage.name, stage] as const))('%s: an untouched form is the empty fields', (_name, stage) => {
    const blanks = Object.fromEntries(stage.fieldSpecs.filter((spec) => spec.kind !== 'smart' && spec.kind !== 'actionSteps' && spec.kind !== 'actionReviews').map((spec) => [spec.key, '']))
    const submission = parseWithZod(formData({ intent: 'save-fields', ...blanks }), { schema: stageReviewForm(stage.slug) })
    expect(submission.status).toBe('success')
    if (submission.status !== 'success') return
    const { intent: _intent, ...fields } = submission.value
    expect(fields).toEqual(emptyFields(stage.slug))
  })

  it('reads ratings, texts, lines, SMART parts, step rows and review rows into the stage’s fields', () => {
    const submission = parseWithZod(
      formData({
        intent: 'save-fields',
        goalStatement: '  Run 5k  ',
        'smartCriteria.specific': 'A 5k run',
        'smartCriteria.timeBound': '',
        'actionSteps[0].title': 'Buy shoes',
        'actionSteps[0].dueDate': '2026-12-09',
        'actionSteps[0].priority': '2',
        'actionSteps[0].description': '',
        'actionSteps[0].milestones[0].title': 'Try on three pairs',
        'actionSteps[0].milestones[0].dueDate': '2026-12-05',
        'actionSteps[0].milestones[1].title': '',
        'actionSteps[0].milestones[1].dueDate': '',
        'actionSteps[1].title': '',
        'actionSteps[1].dueDate': '',
        'actionSteps[1].priority': '',
        obstacles: 'Rain\n\n  Dark evenings ',
        contingencyPlans: '',
      }),
      { schema: stageReviewForm('finish') },
    )
    expect(submission.status).toBe('success')
    if (submission.status !== 'success') return
    const { intent: _intent, ...fields } = submission.value
    expect(stageFieldSchemas.finish.parse(fields)).toEqual({
      goalStatement: 'Run 5k',
      smartCriteria: { specific: 'A 5k run', measurable: null, achievable: null, relevant: null, timeBound: null },
      actionSteps: [{ title: 'Buy shoes', description: null, dueDate: '2026-12-09', priority: 2, milestones: [{ title: 'Try on three pairs', dueDate: '2026-12-05' }] }],
      obstacles: ['Rain', 'Dark evenings'],
      contingencyPlans: [],
    })
  })

  it('says what is wrong, on the input that is wrong', () => {
    const rating = parseWithZod(formData({ intent: 'save-fields', presenceLevel: '11', readinessScore: 'lots' }), { schema: stageReviewForm('check_in') })
    expect(rating).toMatchObject({
      status: 'error',
      error: { presenceLevel: ['Give a whole number from 1 to 10.'], readinessScore: ['Give a whole number from 1 to 10.'] },
    })

    const step = parseWithZod(formData({ intent: 'save-fields', 'actionSteps[0].title': '', 'actionSteps[0].dueDate': '2026-02-30' }), {
      schema: stageReviewForm('finish'),
    })
    expect(step).toMatchObject({ status: 'error', error: { 'actionSteps[0].dueDate': ['That is not a real date.'] } })
  })

  it('keeps each remembered plan’s review row, “not discussed” included', () => {
    const id = '0b7f4a52-4b64-4c57-9d6f-2d1a3f7c9e10'
    const submission = parseWithZod(
      formData({ intent: 'save-fields', 'previousActionsReview[0].actionPlanId': id, 'previousActionsReview[0].title': 'Buy shoes', 'previousActionsReview[0].progress': '' }),
      { schema: stageReviewForm('check_in') },
    )
    expect(submission).toMatchObject({
      status: 'success',
      value: { previousActionsReview: [{ actionPlanId: id, title: 'Buy shoes', progress: null, whatGotInTheWay: null }] },
    })
  })
})
