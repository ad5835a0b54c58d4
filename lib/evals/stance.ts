import type { ActionReview, AnyStageFields, SmartCriteria, StageNumber } from '../coaching/stages.shared'

/**
 * The coaching stance in a simulated conversation (decision 021; ../shared/COACHING.md,
 * "The stance" and "What a reviewer checks"): the coach mostly asks, one short open
 * question per reply, no lectures, advice only when the client asked for it, and the
 * stage's "done" reached. The checks are plain heuristics over the text, the same for
 * every model, so two models' numbers compare; they are not a judgement of quality.
 */

/** A reply longer than this is a lecture ("a few sentences at most"). */
export const maxReplyWords = 80

export interface Exchange {
  client: string
  coach: string
}

/**
 * A text with what is inside double quotes blanked to x's, same length: a coach who quotes the
 * client ("You said “what would you do?”") is neither asking that question nor giving that
 * advice. A quotation that ends a sentence keeps a full stop, so the sentence still ends there.
 */
function withoutQuotations(text: string): string {
  return text.replace(/"[^"\n]+"|“[^”\n]+”/g, (quoted) => {
    const inner = quoted.slice(1, -1)
    const end = /[.!?…]$/.test(inner) ? '.' : 'x'
    return `${quoted[0]}${'x'.repeat(inner.length - 1)}${end}${quoted.at(-1)}`
  })
}

/** Sentences, each as written and with its quotations blanked: split after ., !, ? or … and a space, never inside quotes. */
function splitSentences(text: string): { text: string; own: string }[] {
  const own = withoutQuotations(text)
  const sentences: { text: string; own: string }[] = []
  let start = 0
  for (const boundary of own.matchAll(/(?<=[.!?…]["”)]?)\s+/g)) {
    sentences.push({ text: text.slice(start, boundary.index), own: own.slice(start, boundary.index) })
    start = boundary.index + boundary[0].length
  }
  sentences.push({ text: text.slice(start), own: own.slice(start) })
  return sentences.map((s) => ({ text: s.text.trim(), own: s.own.trim() })).filter((s) => /[\p{L}\p{N}]/u.test(s.text))
}

/** Sentences of a reply, as written; a quotation's own punctuation does not end one. */
export function sentencesOf(text: string): string[] {
  return splitSentences(text).map((s) => s.text)
}

/** Whether a sentence (its quotations blanked) asks a question. */
export function isQuestion(sentence: string): boolean {
  return /\?["”)]?$/.test(withoutQuotations(sentence).trim())
}

export function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length
}

const adviceStatement = /\b(you should|you could|you might want to|you may want to|you need to|you ought to|i (?:would )?(?:suggest|recommend)|i'd (?:suggest|recommend|try)|my advice|try to|one option (?:is|would be)|it might help to|it may help to|consider (?:\w+ing)|make sure (?:you|to))\b/i
const adviceQuestion = /\b(have you (?:tried|considered|thought about)|why not|what if you tried|how about (?:\w+ing)|could (?:a|an|the) [\w\s-]{1,40} (?:work|help))\b/i

/** Whether a reply gives advice: a directive statement, or a suggestion dressed as a question. */
export function givesAdvice(reply: string): boolean {
  return splitSentences(reply).some(({ own }) => (isQuestion(own) ? adviceQuestion.test(own) : adviceStatement.test(own)))
}

const adviceRequest = /\b(what would you do|what should i do|what do you (?:suggest|recommend|advise|think i should)|any (?:tips|advice|suggestions|ideas)|(?:do|can) you (?:have |give me )?(?:any |some )?(?:tips|advice|suggestions|ideas)|can you (?:suggest|recommend|advise)|give me (?:some |any )?(?:advice|tips))\b/i

export function asksForAdvice(message: string): boolean {
  return adviceRequest.test(message.replace(/[’‘]/g, "'"))
}

export interface ReplyStance {
  words: number
  sentences: number
  questions: number
  advice: boolean
  adviceAsked: boolean
}

export function replyStance(exchange: Exchange): ReplyStance {
  const sentences = splitSentences(exchange.coach)
  return {
    words: wordCount(exchange.coach),
    sentences: sentences.length,
    questions: sentences.filter((s) => isQuestion(s.own)).length,
    advice: givesAdvice(exchange.coach),
    adviceAsked: asksForAdvice(exchange.client),
  }
}

export interface StanceTotals {
  replies: number
  sentences: number
  questionSentences: number
  /** Replies with exactly one question. */
  oneQuestion: number
  /** Replies with no question at all. */
  noQuestion: number
  words: number
  maxWords: number
  /** Replies longer than maxReplyWords. */
  lectures: number
  adviceAsked: number
  adviceGivenWhenAsked: number
  /** Replies with advice the client had not asked for. */
  unsolicitedAdvice: number
}

export function stanceTotals(replies: readonly ReplyStance[]): StanceTotals {
  return {
    replies: replies.length,
    sentences: replies.reduce((n, r) => n + r.sentences, 0),
    questionSentences: replies.reduce((n, r) => n + r.questions, 0),
    oneQuestion: replies.filter((r) => r.questions === 1).length,
    noQuestion: replies.filter((r) => r.questions === 0).length,
    words: replies.reduce((n, r) => n + r.words, 0),
    maxWords: replies.reduce((n, r) => Math.max(n, r.words), 0),
    lectures: replies.filter((r) => r.words > maxReplyWords).length,
    adviceAsked: replies.filter((r) => r.adviceAsked).length,
    adviceGivenWhenAsked: replies.filter((r) => r.adviceAsked && r.advice).length,
    unsolicitedAdvice: replies.filter((r) => r.advice && !r.adviceAsked).length,
  }
}

/**
 * Whether a stage's "done" holds for its fields (COACHING.md, "what done looks like", and
 * each stage prompt's "When to move on"), with the reason when it does not.
 */
export function stageDone(stage: StageNumber, fields: AnyStageFields): { done: boolean; missing: string[] } {
  const f = fields as Record<string, unknown>
  const missing: string[] = []
  const need = (ok: boolean, what: string) => {
    if (!ok) missing.push(what)
  }
  const filled = (key: string) => f[key] !== null && f[key] !== undefined && f[key] !== ''
  const count = (key: string) => (Array.isArray(f[key]) ? (f[key] as unknown[]).length : 0)
  switch (stage) {
    case 1:
      need(filled('presenceLevel'), 'presence rated')
      need(filled('readinessScore'), 'readiness rated')
      need((f.previousActionsReview as ActionReview[]).every((r) => r.progress !== null), 'each open action reviewed')
      break
    case 2:
      need(filled('topic'), 'a topic')
      need(filled('problemStatement'), 'a problem statement')
      need(filled('currentStateRating'), 'a current-state rating')
      need(count('strengths') > 0, 'strengths')
      need(count('obstacles') > 0, 'obstacles')
      need(count('resources') > 0, 'resources')
      break
    case 3:
      need(count('options') >= 3, 'three options of their own')
      need(count('insights') > 0, 'an insight')
      need(count('barriers') > 0, 'what is really in the way')
      break
    case 4: {
      const steps = f.actionSteps as { dueDate: string | null }[]
      need(filled('goalStatement'), 'a goal statement')
      need(Object.values(f.smartCriteria as SmartCriteria).every((part) => part !== null && part !== ''), 'all five SMART criteria')
      need(steps.length > 0 && steps.every((step) => step.dueDate !== null), 'action steps, each with a date')
      need(count('obstacles') > 0 && count('contingencyPlans') > 0, 'obstacles with a contingency')
      break
    }
    case 5:
      need(count('keyLearnings') > 0, 'key learnings')
      need(count('insights') > 0, 'insights')
      need(filled('sessionValueRating'), 'value rated')
      need(filled('clarityLevel'), 'clarity rated')
      break
  }
  return { done: missing.length === 0, missing }
}
