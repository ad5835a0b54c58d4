import { z } from './zod.shared'

/** A calendar date as 'YYYY-MM-DD' that exists (no 30 February). */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-31.')
  .refine((value) => {
    const date = new Date(`${value}T00:00:00Z`)
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value
  }, 'That is not a real date.')

/**
 * The one way dates and times are shown: in a named time zone (the person's, from their
 * profile), never the runtime's — the server's and the browser's differ, and text that
 * differs between the server render and hydration breaks hydration. An unknown zone name
 * falls back to UTC rather than failing the page.
 */
export function formatDate(value: Date | string, { timeZone, time = false }: { timeZone: string; time?: boolean }): string {
  const options: Intl.DateTimeFormatOptions = time
    ? { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }
    : { day: 'numeric', month: 'short', year: 'numeric' }
  const date = new Date(value)
  try {
    return date.toLocaleString('en-GB', { ...options, timeZone })
  } catch {
    return date.toLocaleString('en-GB', { ...options, timeZone: 'UTC' })
  }
}

/** The calendar date (YYYY-MM-DD) of a moment in a named time zone; UTC for an unknown zone. */
export function isoDateInZone(value: Date, timeZone: string): string {
  const format = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(value)
  try {
    return format(timeZone)
  } catch {
    return format('UTC')
  }
}
