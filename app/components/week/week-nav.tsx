import { Link } from '@remix-run/react'
import { addDays } from '#lib/weekly/weeks.shared'

const dateLabel = (isoDate: string) => new Date(`${isoDate}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' })

/** "Week of 7 December 2026" with the weeks before and after, as links (`?start=`). */
export function WeekNav({ weekStart, basePath }: { weekStart: string; basePath: string }) {
  return (
    <nav aria-label="Weeks" className="flex flex-wrap items-center gap-3 text-sm">
      <Link to={`${basePath}?start=${addDays(weekStart, -7)}`} className="text-brand-700 underline">
        ← Previous week
      </Link>
      <span className="font-semibold text-slate-900">Week of {dateLabel(weekStart)}</span>
      <Link to={`${basePath}?start=${addDays(weekStart, 7)}`} className="text-brand-700 underline">
        Next week →
      </Link>
    </nav>
  )
}
