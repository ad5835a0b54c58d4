import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { stageFieldSchemas, stages, stageSlugs, type StageSlug } from '../coaching/stages.shared'
import { fillTemplate, loadPrompt, loadStagePrompt, promptSetVersion } from './prompts'

const promptsDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts')

const otherPrompts = ['system.md', 'extract-fields.md', 'summary.md', 'action-plans.md', 'coach-suggestions.md']

function stageNumberOf(slug: StageSlug) {
  const info = stages.find((stage) => stage.slug === slug)
  if (!info) throw new Error(`No stage ${slug}`)
  return info.number
}

/** The keys guided mode must ask about: the schema's keys, with Finish's SMART criteria one by one. */
function expectedGuidedFields(slug: StageSlug): string[] {
  const shape: Record<string, z.ZodType> = stageFieldSchemas[slug].shape
  return Object.entries(shape).flatMap(([key, schema]) =>
    schema instanceof z.ZodObject ? Object.keys(schema.shape).map((sub) => `${key}.${sub}`) : [key],
  )
}

function fieldSchema(slug: StageSlug, key: string): z.ZodType {
  const shape: Record<string, z.ZodType> = stageFieldSchemas[slug].shape
  const schema = shape[key]
  if (!schema) throw new Error(`No field ${key} in ${slug}`)
  return schema instanceof z.ZodNullable ? (schema.unwrap() as z.ZodType) : schema
}

describe('prompt files', () => {
  it.each(otherPrompts)('%s loads with a version and a body', (name) => {
    const prompt = loadPrompt(name)
    expect(Number.isInteger(prompt.version)).toBe(true)
    expect(prompt.version).toBeGreaterThanOrEqual(1)
    expect(prompt.body.length).toBeGreaterThan(200)
    expect(prompt.body).not.toMatch(/^---/)
  })

  it('the system prompt names the delimiters of untrusted text', () => {
    const { body } = loadPrompt('system.md')
    expect(body).toContain('<client_message>')
    expect(body).toContain('<context>')
  })

  it('the system prompt stays short enough to keep focused', () => {
    const lines = fs.readFileSync(path.join(promptsDirectory, 'system.md'), 'utf8').split('\n').length
    expect(lines).toBeLessThanOrEqual(75)
  })

  it('the extraction, summary and action-plan prompts name their untrusted inputs', () => {
    expect(loadPrompt('extract-fields.md').body).toContain('<transcript>')
    expect(loadPrompt('summary.md').body).toContain('<stages>')
    expect(loadPrompt('action-plans.md').body).toContain('<stages>')
  })

  it('no prompt body has a placeholder that fillTemplate would reject', () => {
    for (const name of otherPrompts) expect(loadPrompt(name).body).not.toContain('{{')
    for (const slug of stageSlugs) expect(loadStagePrompt(stageNumberOf(slug)).body).not.toContain('{{')
  })

  it('the prompt set has one version string', () => {
    expect(promptSetVersion()).toMatch(/^system\.md@\d+,/)
  })
})

describe.each(stageSlugs)('stage prompt %s', (slug) => {
  const number = stageNumberOf(slug)
  const name = stages.find((stage) => stage.slug === slug)?.name ?? ''

  it('loads with a version and the documented sections', () => {
    const prompt = loadStagePrompt(number)
    expect(Number.isInteger(prompt.version)).toBe(true)
    expect(prompt.version).toBeGreaterThanOrEqual(1)
    expect(prompt.body).toMatch(new RegExp(`^# ${name}$`, 'm'))
    for (const section of ['## Purpose', '## Fields to draw out', '## How to coach it', '## Good questions', '## When to move on', '## Extraction notes']) {
      expect(prompt.body).toContain(section)
    }
  })

  it('names every field of the schema in its body', () => {
    const { body } = loadStagePrompt(number)
    for (const key of Object.keys(stageFieldSchemas[slug].shape)) expect(body).toContain(`\`${key}\``)
  })

  it('has exactly one guided question per field of the schema', () => {
    const fields = loadStagePrompt(number).guidedQuestions.map((question) => question.field)
    expect(new Set(fields).size).toBe(fields.length)
    expect([...fields].sort()).toEqual(expectedGuidedFields(slug).sort())
  })

  it('keeps the guided questions out of the body the model sees', () => {
    const raw = fs.readFileSync(path.join(promptsDirectory, loadStagePrompt(number).name), 'utf8')
    expect(raw).toMatch(/^## Guided questions$/m)
    const prompt = loadStagePrompt(number)
    expect(prompt.body).not.toContain('Guided questions')
    for (const { field, question } of prompt.guidedQuestions) {
      expect(question.length).toBeGreaterThan(10)
      expect(prompt.body).not.toContain(`- ${field}: `)
    }
  })

  it('asks in a way guided mode can parse: ratings as a number, lists one per line', () => {
    for (const { field, question } of loadStagePrompt(number).guidedQuestions) {
      if (field.includes('.') || field === 'previousActionsReview') continue
      const schema = fieldSchema(slug, field)
      if (schema instanceof z.ZodNumber) {
        expect(question).toContain('1 to 10')
        expect(question).toMatch(/number/)
      }
      if (schema instanceof z.ZodArray) expect(question).toMatch(/one [\w ]*per line/i)
    }
  })
})

describe('guided questions with special parsing', () => {
  it('Check In reviews each open action plan by its title', () => {
    const review = loadStagePrompt(1).guidedQuestions.find((question) => question.field === 'previousActionsReview')
    expect(review?.question).toContain('{{title}}')
    const filled = fillTemplate(review?.question ?? '', { title: 'Run three times a week' })
    expect(filled).toContain('Run three times a week')
    expect(filled).toMatch(/done/)
    expect(filled).toMatch(/partly/)
    expect(filled).toMatch(/not done/)
    expect(filled).toMatch(/got in the way/)
  })

  it('Finish asks for one action step per line with its day, said the way people say it (decision 020)', () => {
    const finish = loadStagePrompt(4).guidedQuestions
    const steps = finish.find((question) => question.field === 'actionSteps')
    expect(steps?.question).toMatch(/one step per line/)
    expect(steps?.question).toMatch(/by when/)
    expect(steps?.question).not.toContain('YYYY-MM-DD')
    expect(finish.map((question) => question.field)).toEqual([
      'goalStatement',
      'smartCriteria.specific',
      'smartCriteria.measurable',
      'smartCriteria.achievable',
      'smartCriteria.relevant',
      'smartCriteria.timeBound',
      'actionSteps',
      'obstacles',
      'contingencyPlans',
    ])
  })
})
