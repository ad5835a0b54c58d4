/**
 * Command-line pieces every benchmark shares: reading numbers, and the targets (the
 * embedded database or a PostgreSQL server) with the options that go with them.
 */
import { defaultAdminUrl } from './server'

/** Where a benchmark runs the app: on the embedded database, or on a scratch database of a PostgreSQL server. */
export type Target = 'pglite' | 'postgres'

/** `--targets`, `--admin-url` and `--rebuild`, for node:util's parseArgs. */
export function targetOptions(defaultTargets: string) {
  return {
    targets: { type: 'string', default: defaultTargets },
    'admin-url': { type: 'string', default: defaultAdminUrl },
    rebuild: { type: 'boolean', default: false },
  } as const
}

/** `--targets pglite,postgres` as a list; throws on an unknown name. */
export function parseTargets(text: string): Target[] {
  return text.split(',').map((target) => {
    const trimmed = target.trim()
    if (trimmed !== 'pglite' && trimmed !== 'postgres') throw new Error(`--targets: unknown target ${JSON.stringify(trimmed)}`)
    return trimmed
  })
}

/** The value of `--name`, a number > 0 (fractions allowed). */
export function positiveNumber(name: string, text: string): number {
  const value = Number(text)
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(text)}`)
  return value
}

/** The value of `--name`, a whole number ≥ `min`. */
export function wholeNumber(name: string, text: string, { min }: { min: number }): number {
  const value = Number(text)
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`)
  return value
}
