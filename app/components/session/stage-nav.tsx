import { Link } from '@remix-run/react'
import { stages } from '#lib/coaching/stages.shared'
import type { SessionData } from './use-session'

/** The stages as steps: finished ones ticked, the current one marked, later ones not yet open. */
export function StageNav({ session, selected }: { session: SessionData; selected: number | null }) {
  return (
    <nav aria-label="Stages">
      <ol className="grid grid-cols-5 gap-1 sm:gap-2">
        {stages.map((stage) => {
          const data = session.stages.find((s) => s.number === stage.number)
          const done = Boolean(data?.completedAt)
          const state = done ? 'done' : stage.number === session.currentStage ? 'current' : data ? 'open' : 'locked'
          const label = `${stage.number}. ${stage.name}${done ? ' (finished)' : state === 'current' ? ' (current)' : state === 'locked' ? ' (not started)' : ''}`
          const classes = `flex h-full flex-col rounded-md border px-2 py-2 text-xs sm:text-sm ${
            stage.number === selected ? 'border-brand-600 bg-brand-50 font-semibold' : 'border-slate-200 bg-white'
          }`
          return (
            <li key={stage.number}>
              {data ? (
                <Link
                  to={`/sessions/${session.id}/stages/${stage.number}`}
                  aria-current={stage.number === selected ? 'step' : undefined}
                  aria-label={label}
                  className={classes}
                >
                  <span aria-hidden>{done ? '✓' : stage.number}</span>
                  <span className="truncate">{stage.name}</span>
                </Link>
              ) : (
                <span aria-label={label} className={`${classes} text-slate-400`}>
                  <span aria-hidden>{stage.number}</span>
                  <span className="truncate">{stage.name}</span>
                </span>
              )}
            </li>
          )
        })}
      </ol>
    </nav>
  )
}

export function StatusBadge({ status }: { status: string }) {
  const styles: Record<string, string> = {
    active: 'bg-brand-50 text-brand-800',
    completed: 'bg-emerald-50 text-emerald-800',
    cancelled: 'bg-slate-100 text-slate-600',
  }
  const labels: Record<string, string> = { active: 'In progress', completed: 'Completed', cancelled: 'Cancelled' }
  return <span className={`rounded-full px-3 py-1 text-sm font-medium ${styles[status] ?? ''}`}>{labels[status] ?? status}</span>
}
