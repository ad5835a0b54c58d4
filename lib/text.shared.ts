/**
 * Text Postgres cannot store: a NUL character (text and jsonb refuse it) or half of a
 * UTF-16 surrogate pair (not a character at all). Input with either is refused with a
 * clear message before anything is written, instead of failing inside the database.
 */
const unsavable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export function hasUnsavableCharacters(text: string): boolean {
  return unsavable.test(text)
}

export const unsavableCharactersMessage =
  'This contains a character that cannot be saved (a NUL byte or a broken emoji). Remove it and try again.'
