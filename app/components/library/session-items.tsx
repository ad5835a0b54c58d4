import { describeMetric, describePrescription, itemKindLabels, type SessionItem } from '#lib/library/library.shared'
import { countOf } from '#lib/words.shared'

/**
 * A session's items as the client sees them: each drill, exercise or reflection prompt with
 * its instructions, prescription and what to measure. The template editor's preview uses
 * the same component, so the coach sees exactly this.
 */
export function SessionItems({
  items,
  emptyText = 'This session has no items.',
  weights = {},
}: {
  items: SessionItem[]
  emptyText?: string
  /** By item key: a "% of 1RM" prescription in kilograms from the client's current 1RM, or why not. */
  weights?: Record<string, string>
}) {
  if (items.length === 0) return <p className="text-sm text-slate-600">{emptyText}</p>
  return (
    <ol className="flex flex-col gap-3">
      {items.map((item, index) => (
        <li key={item.key} className="rounded-md border border-slate-200 p-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <h3 className="font-semibold text-slate-900">
              {index + 1}. {item.title}
            </h3>
            <span className="text-xs font-medium uppercase tracking-wide text-slate-500">{itemKindLabels[item.kind]}</span>
          </div>
          {item.exercise ? <p className="text-sm text-slate-700">{item.exercise.name}</p> : null}
          {item.prescription ? <p className="mt-1 text-sm font-medium text-slate-800">{describePrescription(item.prescription)}</p> : null}
          {weights[item.key] ? <p className="mt-1 text-sm text-slate-700">{weights[item.key]}</p> : null}
          {item.instructions ? <p className="mt-1 whitespace-pre-wrap text-sm text-slate-700">{item.instructions}</p> : null}
          {item.metrics.length > 0 ? (
            <div className="mt-2">
              <p className="text-xs font-semibold text-slate-600">To record ({countOf(item.metrics.length, 'metric')})</p>
              <ul className="list-inside list-disc text-sm text-slate-700">
                {item.metrics.map((metric) => (
                  <li key={metric.key}>
                    {metric.label} — {describeMetric(metric)}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </li>
      ))}
    </ol>
  )
}
