/**
 * Normalised text match, the eval suite's default way of saying that an extracted value is
 * the one a careful coach recorded (decision 021). Both texts are lower-cased, stripped of
 * accents, punctuation and quotes, and reduced to their content words (common function
 * words dropped, a plural or -ing ending trimmed); two texts match when the F1 of their
 * content words is at least `matchThreshold`. A model may tidy the client's words, so an
 * exact comparison would score paraphrase as failure; a threshold of one half still tells
 * "tax season at work" from "the mortgage".
 */

export const matchThreshold = 0.5

const stopwords = new Set(
  `a an the and or but so of to in on at by for with from into onto about as is are was were be been being am do does did done
   i me my mine we us our you your he him his she her it its they them their this that these those there here
   just really very quite maybe bit kind sort like honestly actually well also too then than not no yes
   will would could should can might may shall have has had get got going gonna lol haha hmm ugh oh um`
    .split(/\s+/)
    .filter(Boolean),
)

/** Lower case, no accents, straight quotes, no punctuation, single spaces. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘`]/g, "'")
    .replace(/'(s|re|ve|ll|d|m|t)\b/g, ' $1')
    .replace(/[^a-z0-9\s]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

function stem(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3)
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1)
  return word
}

/** The content words of a text, normalised and trimmed of endings, in order. */
export function contentTokens(text: string): string[] {
  return normaliseText(text)
    .split(' ')
    .filter((word) => word.length > 0 && !stopwords.has(word) && !/^(s|re|ve|ll|d|m|t)$/.test(word))
    .map(stem)
}

/** F1 of two texts' content words (multiset overlap); 1 for two texts with no content words that normalise alike. */
export function tokenF1(a: string, b: string): number {
  const left = contentTokens(a)
  const right = contentTokens(b)
  if (left.length === 0 || right.length === 0) return normaliseText(a) === normaliseText(b) ? 1 : 0
  const counts = new Map<string, number>()
  for (const token of right) counts.set(token, (counts.get(token) ?? 0) + 1)
  let overlap = 0
  for (const token of left) {
    const left = counts.get(token) ?? 0
    if (left > 0) {
      overlap += 1
      counts.set(token, left - 1)
    }
  }
  if (overlap === 0) return 0
  const precision = overlap / left.length
  const recall = overlap / right.length
  return (2 * precision * recall) / (precision + recall)
}

export type TextMatcher = (expected: string, predicted: string) => boolean

export const normalisedMatch: TextMatcher = (expected, predicted) => tokenF1(expected, predicted) >= matchThreshold

/**
 * How much of a claimed text the source supports: the share of its content words that the
 * source contains (1 for a text with none). The faithfulness checks call a value supported
 * at one half or more.
 */
export function supportIn(claim: string, sourceTokens: ReadonlySet<string>): number {
  const tokens = contentTokens(claim)
  if (tokens.length === 0) return 1
  return tokens.filter((token) => sourceTokens.has(token)).length / tokens.length
}
