/**
 * Keeps the coach's instructions (the system prompt) from reaching a user through a reply
 * that reproduces them. A marker at the end of the prompt (the canary) is not enough: a
 * model can repeat everything before it, drop the marker line, change its case or put
 * invisible characters inside it. So text is compared as a "key" — letters and digits
 * only, NFKC-normalised and lower-cased, with spaces, punctuation and invisible characters
 * dropped — and a reply is a leak when its key contains the canary's key, or any run of
 * `shingleLength` key characters that also occurs in the instructions' key.
 *
 * While streaming, the last `shingleLength` key characters are held back, so a leak is
 * seen before any of the matching text is sent. See docs/security.md.
 */

/** Letters and digits compared at a time: about eight words, longer than any phrase a reply shares with the prompt by chance. */
export const shingleLength = 40

export interface TextKey {
  /** The letters and digits of the text, normalised. */
  key: string
  /** For each key character, the index in the raw text just after the character it came from. */
  rawEnds: number[]
}

const keyCharacter = /[\p{L}\p{N}]/u

export function textKey(text: string): TextKey {
  let key = ''
  const rawEnds: number[] = []
  let index = 0
  for (const character of text) {
    index += character.length
    for (const normalised of character.normalize('NFKC').toLowerCase()) {
      if (!keyCharacter.test(normalised)) continue
      key += normalised
      rawEnds.push(index)
    }
  }
  return { key, rawEnds }
}

export interface ConfidentialText {
  canaryKey: string
  shingles: Set<string>
}

/** What a reply must not reproduce: the canary, and any long enough run of the instructions. */
export function confidentialText(instructions: string[], canary: string): ConfidentialText {
  const shingles = new Set<string>()
  for (const text of instructions) {
    const { key } = textKey(text)
    for (let start = 0; start + shingleLength <= key.length; start++) shingles.add(key.slice(start, start + shingleLength))
  }
  return { canaryKey: textKey(canary).key, shingles }
}

/** Whether a whole text reproduces the instructions. */
export function revealsInstructions(text: string, confidential: ConfidentialText): boolean {
  const { key } = textKey(text)
  if (key.includes(confidential.canaryKey)) return true
  for (let start = 0; start + shingleLength <= key.length; start++) {
    if (confidential.shingles.has(key.slice(start, start + shingleLength))) return true
  }
  return false
}

export class LeakedInstructionsError extends Error {
  constructor() {
    super('The model repeated its instructions')
    this.name = 'LeakedInstructionsError'
  }
}

/**
 * Watches a streamed reply. `push` adds the next piece and returns how much of the raw text
 * (from its start) is safe to send; it throws LeakedInstructionsError as soon as the reply
 * reproduces the instructions. `finish` checks the end and releases the rest.
 */
export class InstructionLeakGuard {
  private text = ''
  private checkedUpTo = 0

  constructor(private readonly confidential: ConfidentialText) {}

  push(delta: string): number {
    this.text += delta
    const { key, rawEnds } = textKey(this.text)
    this.check(key)
    const held = Math.max(shingleLength, this.confidential.canaryKey.length)
    const safeKeyLength = key.length - held
    return safeKeyLength > 0 ? (rawEnds[safeKeyLength - 1] ?? 0) : 0
  }

  /** The whole reply has arrived: all of it is safe to send unless it leaks. */
  finish(): number {
    this.check(textKey(this.text).key)
    return this.text.length
  }

  private check(key: string): void {
    if (key.includes(this.confidential.canaryKey)) throw new LeakedInstructionsError()
    for (let start = this.checkedUpTo; start + shingleLength <= key.length; start++) {
      if (this.confidential.shingles.has(key.slice(start, start + shingleLength))) throw new LeakedInstructionsError()
      this.checkedUpTo = start + 1
    }
  }
}
