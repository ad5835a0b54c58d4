import { Form } from '@remix-run/react'
import { LineChart } from '~/components/charts/line-chart'
import { SelectField, SubmitButton } from '~/components/form'
import { Card } from '~/components/layout'

/** The progress page's data as the loader sends it (dates as strings). */
export interface ProgressData {
  adherence: { days: number; due: number; completed: number; share: number | null }[]
  weeks: { weekStart: string; due: number; completed: number; share: number | null }[]
  benchmarks: { current: { id: string; name: string; unit: string; value: number; recordedOn: string }; history: { value: number; recordedOn: string }[] }[]
  ratings: { sessionId: string; sessionDate: string; values: Record<string, number> }[]
  metricLabels: string[]
  metric: { label: string; unit: string | null; points: { sessionDate: string; target: number | null; actual: number | null }[] } | null
}

const percent = (share: number | null) => (share === null ? 'nothing due' : `${Math.round(share * 100)} %`)
const shortDate = (isoDate: string) => new Date(`${isoDate}T12:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' })

function trend(first: number | null | undefined, last: number | null | undefined, unit: string) {
  if (first === null || first === undefined || last === null || last === undefined) return 'No values yet.'
  if (first === last) return `Steady at ${last}${unit}.`
  return `${last > first ? 'Up' : 'Down'} from ${first}${unit} to ${last}${unit}.`
}

/**
 * A person's progress: adherence (in words and by week), each benchmark over time, a planned
 * metric against its target, and the ratings they gave in their sessions. Charts with their
 * numbers as tables; the same for the client and their coach (who sees what is shared).
 */
export function ProgressView({ progress, ratingSeries, who }: { progress: ProgressData; ratingSeries: { key: string; label: string }[]; who: 'you' | string }) {
  const subject = who === 'you' ? 'You' : who
  return (
    <div className="flex flex-col gap-6">
      <Card title="Adherence">
        <ul className="mb-4 flex flex-wrap gap-4 text-sm">
          {progress.adherence.map((window) => (
            <li key={window.days} className="rounded-md border border-slate-200 px-3 py-2">
              <span className="block font-semibold text-slate-900">Last {window.days} days: {percent(window.share)}</span>
              <span className="text-slate-600">
                {window.completed} of {window.due} planned sessions done
              </span>
            </li>
          ))}
        </ul>
        <LineChart
          title="Planned sessions done, by week (%)"
          domain={[0, 100]}
          valueLabel="Done"
          unit="%"
          points={progress.weeks.map((week) => ({ label: shortDate(week.weekStart), value: week.share === null ? null : Math.round(week.share * 100) }))}
          summary={`${subject} did ${progress.weeks.reduce((sum, week) => sum + week.completed, 0)} of ${progress.weeks.reduce((sum, week) => sum + week.due, 0)} planned sessions in the last ${progress.weeks.length} weeks.`}
        />
      </Card>

      <Card title="Benchmarks">
        {progress.benchmarks.length === 0 ? (
          <p className="text-sm text-slate-600">No benchmarks yet. A benchmark (a 1RM, FTP, a 5 km pace) recorded in a session shows here over time.</p>
        ) : (
          <div className="grid gap-6 md:grid-cols-2">
            {progress.benchmarks.map(({ current, history }) => (
              <div key={current.id}>
                <p className="mb-1 text-sm text-slate-800">
                  Current: <strong>{current.value} {current.unit}</strong> (since {shortDate(current.recordedOn)})
                </p>
                <LineChart
                  title={current.name}
                  unit={current.unit}
                  points={history.map((value) => ({ label: shortDate(value.recordedOn), value: value.value }))}
                  summary={trend(history[0]?.value, history.at(-1)?.value, ` ${current.unit}`)}
                />
              </div>
            ))}
          </div>
        )}
      </Card>

      <Card title="Planned against done">
        {progress.metric ? (
          <div className="flex flex-col gap-4">
            {progress.metricLabels.length > 1 ? (
              <Form method="get" className="flex flex-wrap items-end gap-3">
                <SelectField label="Metric" name="metric" defaultValue={progress.metric.label}>
                  {progress.metricLabels.map((label) => (
                    <option key={label} value={label}>
                      {label}
                    </option>
                  ))}
                </SelectField>
                <SubmitButton variant="secondary">Show</SubmitButton>
              </Form>
            ) : null}
            <LineChart
              title={`${progress.metric.label} over the latest sessions`}
              unit={progress.metric.unit}
              points={progress.metric.points.map((point) => ({ label: shortDate(point.sessionDate), value: point.actual, target: point.target }))}
              summary={`${progress.metric.points.filter((point) => point.actual !== null).length} of ${progress.metric.points.length} sessions recorded; ${trend(progress.metric.points.find((p) => p.actual !== null)?.actual, [...progress.metric.points].reverse().find((p) => p.actual !== null)?.actual, progress.metric.unit ? ` ${progress.metric.unit}` : '')}`}
            />
          </div>
        ) : (
          <p className="text-sm text-slate-600">No session with a planned target yet. Targets come from the sessions a coach assigns.</p>
        )}
      </Card>

      <Card title="Ratings from the sessions">
        {progress.ratings.length === 0 ? (
          <p className="text-sm text-slate-600">No ratings yet. The ratings given in Check In, Starting Point and Check Out show here over time.</p>
        ) : (
          <div className="grid gap-6 md:grid-cols-2">
            {ratingSeries
              .filter((series) => progress.ratings.some((point) => point.values[series.key] !== undefined))
              .map((series) => {
                const points = progress.ratings.filter((point) => point.values[series.key] !== undefined)
                return (
                  <LineChart
                    key={series.key}
                    title={series.label}
                    domain={[1, 10]}
                    valueLabel="Rating"
                    points={points.map((point) => ({ label: shortDate(point.sessionDate), value: point.values[series.key]! }))}
                    summary={trend(points[0]?.values[series.key], points.at(-1)?.values[series.key], ' out of 10')}
                  />
                )
              })}
          </div>
        )}
      </Card>
    </div>
  )
}
