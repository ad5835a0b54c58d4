import { describe, expect, it } from 'vitest'
import { emptyFields, fieldSpecsOf, isLastStage, lastStage, nextStage, stageFieldSchemas, stageInfo, stageNumberSchema, stages } from './stages.shared'

describe('the stage registry', () => {
  it('numbers the stages 1, 2, 3… in order, each with its own slug', () => {
    expect(stages.map((stage) => stage.number)).toEqual(stages.map((_, index) => index + 1))
    expect(new Set(stages.map((stage) => stage.slug)).size).toBe(stages.length)
  })

  it.each(stages.map((stage) => [stage.name, stage] as const))('%s: one field spec per schema field, in order', (_name, stage) => {
    expect(stage.fieldSpecs.map((spec) => spec.key)).toEqual(Object.keys(stageFieldSchemas[stage.slug].shape))
    expect(fieldSpecsOf(stage.slug)).toBe(stage.fieldSpecs)
  })

  it.each(stages.map((stage) => [stage.name, stage] as const))('%s: its empty fields pass its schema and hold nothing', (_name, stage) => {
    const empty = emptyFields(stage.slug)
    expect(stageFieldSchemas[stage.slug].safeParse(empty).success).toBe(true)
    for (const value of Object.values(empty)) {
      if (Array.isArray(value)) expect(value).toEqual([])
      else if (value !== null) expect(Object.values(value).every((part) => part === null)).toBe(true)
    }
  })

  it('knows the last stage and what follows each one', () => {
    expect(stages.filter((stage) => isLastStage(stage.number)).map((stage) => stage.number)).toEqual([lastStage])
    expect(nextStage(lastStage)).toBeNull()
    for (const stage of stages.slice(0, -1)) expect(nextStage(stage.number)).toBe(stage.number + 1)
  })

  it('parses a stage number from a form or URL and refuses one it does not have', () => {
    expect(stageNumberSchema.parse('2')).toBe(2)
    expect(stageNumberSchema.safeParse(String(lastStage + 1)).success).toBe(false)
    expect(() => stageInfo(lastStage + 1)).toThrow()
  })
})
