import { describe, expect, it } from 'vitest'
import { describeAiMode } from './ai/model'
import { countOf } from './words.shared'

describe('words for people', () => {
  it('counts with the right noun', () => {
    expect([0, 1, 2, 1200].map((n) => countOf(n, 'client'))).toEqual(['0 clients', '1 client', '2 clients', '1,200 clients'])
    expect(countOf(1, 'person', 'people')).toBe('1 person')
  })

  it('tells the person coached that the AI is off, not how to configure the server', () => {
    const { on, label } = describeAiMode(null)
    expect(on).toBe(false)
    expect(label).toMatch(/^AI is off: you are in guided mode/)
    expect(label).not.toMatch(/OPENAI|AI_MODEL|start the app/)
  })
})
