/** The fake's fixed choices: where it listens, how it chunks and counts tokens, what nonsense it says. */

/** Rough token count (ceil(characters / 4)) the fake reports as usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4)
}

export const defaultBaseUrls = ['https://api.openai.com/v1', 'http://fake-llm.test/v1']

/** Characters per streamed chunk when a behaviour does not say. */
export const defaultChunkSize = 12

/** What `nonsense` answers to a structured call: text that is not JSON at all. */
export const nonsenseText = 'Sorry, I would rather talk about the weather today.'
