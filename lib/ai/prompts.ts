import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { stageInfo, stages, type StageNumber } from '../coaching/stages.shared'

/**
 * Prompts are versioned text files in prompts/, not strings in code. Each starts with a
 * front matter block naming its version:
 *
 *     ---
 *     version: 3
 *     ---
 *     (markdown)
 *
 * A stage prompt also has a "## Guided questions" section, one `- fieldKey: question` per
 * line: the questions guided mode (no AI) asks, in order. That section is for guided mode
 * only and is left out of what the model sees.
 */

const promptsDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts')

export interface Prompt {
  /** Path under prompts/, e.g. "stages/2-starting-point.md". */
  name: string
  version: number
  /** The markdown after the front matter, without the guided questions. */
  body: string
}

export interface GuidedQuestion {
  field: string
  question: string
}

export interface StagePrompt extends Prompt {
  guidedQuestions: GuidedQuestion[]
  /** The body's `# Stage` title line. */
  title: string
  /** The body's `## Heading` sections by heading, each with its heading line, in file order. */
  sections: Map<string, string>
}

const cache = new Map<string, { prompt: Prompt; guidedQuestions: GuidedQuestion[] }>()

function read(name: string) {
  const cached = cache.get(name)
  if (cached) return cached
  const raw = fs.readFileSync(path.join(promptsDirectory, name), 'utf8').replace(/\r\n/g, '\n')
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(raw)
  const version = Number(/^version:\s*(\d+)\s*$/m.exec(match?.[1] ?? '')?.[1])
  if (!match?.[2] || !Number.isInteger(version)) {
    throw new Error(`prompts/${name} must start with a front matter block containing "version: <number>"`)
  }
  const [body = '', guided = ''] = match[2].split(/^## Guided questions\s*$/m)
  const guidedQuestions = [...guided.matchAll(/^- ([\w.]+):\s*(.+)$/gm)].map(([, field = '', question = '']) => ({
    field,
    question: question.trim(),
  }))
  const entry = { prompt: { name, version, body: body.trim() }, guidedQuestions }
  cache.set(name, entry)
  return entry
}

export function loadPrompt(name: string): Prompt {
  return read(name).prompt
}

export function loadStagePrompt(stage: StageNumber): StagePrompt {
  const { promptFile, name } = stageInfo(stage)
  const { prompt, guidedQuestions } = read(promptFile)
  if (guidedQuestions.length === 0) throw new Error(`prompts/${promptFile} has no guided questions for ${name}`)
  const [title = '', ...rest] = prompt.body.split(/^(?=## )/m)
  const sections = new Map(rest.map((section) => [/^## (.+)$/m.exec(section)?.[1]?.trim() ?? '', section.trim()]))
  return { ...prompt, guidedQuestions, title: title.trim(), sections }
}

/** Fills `{{name}}` placeholders; a placeholder without a value is a bug, not an empty string. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key]
    if (value === undefined) throw new Error(`No value for {{${key}}} in a prompt`)
    return value
  })
}

/**
 * One version string for every prompt that shapes a session's output; part of the
 * summary's cache key, so editing any of these prompts regenerates summaries.
 */
export function promptSetVersion(): string {
  const names = ['system.md', ...stages.map((stage) => stage.promptFile), 'extract-fields.md', 'summary.md', 'action-plans.md', 'weekly-review.md']
  return names.map((name) => `${name}@${loadPrompt(name).version}`).join(',')
}
