/**
 * Keyset ("cursor") pagination: a page starts after (or ends before) the row a cursor names,
 * compared in SQL on the page's own order, so page 40 costs what page 1 costs — no offset
 * that reads and throws away every earlier row (issue 10, docs/decisions/016-keyset-pages-and-search-under-rls.md).
 *
 * The order is always `<key> <dir> nulls last, <created_at> desc, <id> asc`: a sort key the
 * person chose, then newest first, then the id, which makes every row's place unique. A
 * cursor carries those three values of one row, as text the database gave (so a timestamp
 * keeps its microseconds), and is cast back to the key's type in the query.
 */

/** The SQL type of a sort key, to cast a cursor's key back to. */
export type KeyType = 'text' | 'int' | 'date'

export interface KeysetOrder {
  /** The sort key, an SQL expression over the query's row (e.g. `lower(a.title)`). */
  key: string
  keyType: KeyType
  dir: 'asc' | 'desc'
  /** The row's creation time and id columns (e.g. `a.created_at`, `a.id`). */
  createdAt: string
  id: string
}

/** One row's place in the order. */
export interface Cursor {
  key: string | null
  createdAt: string
  id: string
}

export type PageRequest = { after: Cursor } | { before: Cursor } | Record<string, never>

const keyPatterns: Record<KeyType, RegExp> = {
  text: /^[\s\S]{0,400}$/,
  int: /^-?\d{1,9}$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
}
// What Postgres prints for a timestamptz cast to text (DateStyle ISO).
const timestampPattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.createdAt, cursor.id]), 'utf8').toString('base64url')
}

/**
 * A cursor from a URL, or null when it is not one this order could have made (edited,
 * truncated, or from another sort): the page then starts at the beginning instead of failing.
 */
export function decodeCursor(value: string | undefined, keyType: KeyType): Cursor | null {
  if (!value || value.length > 1200) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null
  const [key, createdAt, id] = parsed as unknown[]
  if (!(key === null || (typeof key === 'string' && keyPatterns[keyType].test(key)))) return null
  if (typeof createdAt !== 'string' || !timestampPattern.test(createdAt)) return null
  if (typeof id !== 'string' || !uuidPattern.test(id)) return null
  return { key, createdAt, id }
}

/** The columns to select so that any row of a page can become a cursor. */
export function cursorColumns(order: KeysetOrder): string {
  return `(${order.key})::text as cursor_key, ${order.createdAt}::text as cursor_created_at, ${order.id} as cursor_id`
}

export interface CursorColumns {
  cursor_key: string | null
  cursor_created_at: string
  cursor_id: string
}

/**
 * The `order by` and the condition for one page. Going back (`before`) reads the order
 * reversed and `page()` turns the rows round again. `param` adds a parameter and returns
 * its placeholder, so cursor values never enter the query's text.
 */
export function keysetQuery(order: KeysetOrder, request: PageRequest, param: (value: unknown) => string): { where: string | null; orderBy: string } {
  const backwards = 'before' in request
  const forward = `${order.key} ${order.dir} nulls last, ${order.createdAt} desc, ${order.id} asc`
  const reverse = `${order.key} ${order.dir === 'asc' ? 'desc' : 'asc'} nulls first, ${order.createdAt} asc, ${order.id} desc`
  const cursor = 'after' in request ? request.after : 'before' in request ? request.before : null
  if (!cursor) return { where: null, orderBy: forward }

  // Sent as text and cast in SQL: a driver that learns a parameter is a timestamptz (postgres.js
  // with prepared statements) would turn the string into a JS Date and drop its microseconds.
  const createdAt = `${param(cursor.createdAt)}::text`
  const id = param(cursor.id)
  // Among rows with the cursor's key: after = older, or as old with a greater id.
  const tieAfter = `(${order.createdAt} < ${createdAt}::timestamptz or (${order.createdAt} = ${createdAt}::timestamptz and ${order.id} > ${id}::uuid))`
  const tieBefore = `(${order.createdAt} > ${createdAt}::timestamptz or (${order.createdAt} = ${createdAt}::timestamptz and ${order.id} < ${id}::uuid))`
  let where: string
  if (cursor.key === null) {
    // Rows without a key come last.
    where = backwards ? `(${order.key} is not null or ${tieBefore})` : `(${order.key} is null and ${tieAfter})`
  } else {
    const key = `${param(cursor.key)}::text::${order.keyType}`
    const later = order.dir === 'asc' ? '>' : '<'
    const earlier = order.dir === 'asc' ? '<' : '>'
    where = backwards
      ? `(${order.key} ${earlier} ${key} or (${order.key} = ${key} and ${tieBefore}))`
      : `(${order.key} ${later} ${key} or ${order.key} is null or (${order.key} = ${key} and ${tieAfter}))`
  }
  return { where, orderBy: backwards ? reverse : forward }
}

export interface KeysetPage<Row> {
  rows: Row[]
  /** Where the next page starts (after the last row), when there is one. */
  next: string | null
  /** Where the previous page ends (before the first row), when there is one. */
  previous: string | null
}

/**
 * A page from rows read with `limit pageSize + 1`: the extra row only says that there is
 * more in the direction read.
 */
export function keysetPage<Row extends CursorColumns>(fetched: Row[], request: PageRequest, pageSize: number): KeysetPage<Row> {
  const backwards = 'before' in request
  const more = fetched.length > pageSize
  const rows = fetched.slice(0, pageSize)
  if (backwards) rows.reverse()
  const cursorOf = (row: Row | undefined) =>
    row ? encodeCursor({ key: row.cursor_key, createdAt: row.cursor_created_at, id: row.cursor_id }) : null
  const hasNext = backwards ? rows.length > 0 : more
  const hasPrevious = backwards ? more : 'after' in request && rows.length > 0
  return {
    rows,
    next: hasNext ? cursorOf(rows.at(-1)) : null,
    previous: hasPrevious ? cursorOf(rows[0]) : null,
  }
}
