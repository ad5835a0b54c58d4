import { Link } from '@remix-run/react'
import type { DueState } from '#lib/library/library.shared'
import { daysOfWeek } from '#lib/weekly/weeks.shared'
import { DueBadge } from '~/components/library/badges'

/** A planned session as the week view shows it (dates arrive as strings from the loader). */
export interface WeekDayItem {
  itemId: string
  day: string
  title: string
  sessionId: string | null
  dueAt: Date | string | null
  completedAt: Date | string | null
  state: 'done' | 'overdue' | 'due' | 'not_due' | 'cancelled' | 'unknown'
}

const dayName = (isoDate: string) =>
  new Date(`${isoDate}T12:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', day: 'numeric', month: 'short', timeZone: 'UTC' })

/**
 * Seven days, Monday first, each with its planned sessions and whether they are done; today
 * is marked in words as well as colour. A vertical list on a phone, seven columns on a wide
 * screen.
 */
export function WeekDays({ weekStart, today, items, timeZone }: { weekStart: string; today: string; items: WeekDayItem[]; timeZone: string }) {
  const days = daysOfWeek(weekStart)
  const planned = items.filter((item) => item.state !== 'cancelled')
  const done = planned.filter((item) => item.state === 'done').length
  return (
    <div className="flex flex-col gap-3">
      <p className="text-sm text-slate-700" aria-live="polite">
        {planned.length === 0 ? 'Nothing planned this week.' : `${done} of ${planned.length} planned sessions done.`}
      </p>
      <ol className="grid gap-2 lg:grid-cols-7">
        {days.map((day) => {
          const isToday = day === today
          const dayItems = planned.filter((item) => item.day === day)
          return (
            <li
              key={day}
              aria-current={isToday ? 'date' : undefined}
              className={`flex flex-col gap-2 rounded-md border p-2 ${isToday ? 'border-brand-600 bg-brand-50' : 'border-slate-200 bg-white'}`}
            >
              <h3 className="text-sm font-semibold text-slate-900">
                {dayName(day)}
                {isToday ? <span className="ml-1 text-xs font-medium text-brand-700">(today)</span> : null}
              </h3>
              {dayItems.length === 0 ? (
                <p className="text-xs text-slate-500">Rest</p>
              ) : (
                <ul className="flex flex-col gap-2">
                  {dayItems.map((item) => (
                    <li key={item.itemId} className="flex flex-col gap-1 text-sm">
                      {item.sessionId && item.state !== 'unknown' ? (
                        <Link to={`/sessions/${item.sessionId}`} className="font-medium text-brand-700 underline">
                          {item.title}
                        </Link>
                      ) : (
                        <span className="font-medium text-slate-800">{item.title}</span>
                      )}
                      {item.state === 'unknown' ? (
                        <span className="text-xs text-slate-600">Planned by another coach</span>
                      ) : (
                        <DueBadge state={item.state as DueState} completedAt={item.completedAt} dueAt={item.dueAt} timeZone={timeZone} />
                      )}
                    </li>
                  ))}
                </ul>
              )}
            </li>
          )
        })}
      </ol>
    </div>
  )
}
