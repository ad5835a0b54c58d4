import { useId } from 'react'

export interface ChartPoint {
  /** The x label, e.g. a date. */
  label: string
  value: number | null
  /** The plan for this point, drawn as a dashed line; null where there is none. */
  target?: number | null
}

const width = 320
const height = 160
const pad = { top: 12, right: 12, bottom: 24, left: 40 }

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(1))

/**
 * A small line chart drawn on the server as SVG (no charting library, nothing loaded in the
 * browser): the values as a line with dots, an optional target as a dashed line, the lowest
 * and highest values on the axis. It scales to the width of a phone. The same numbers are
 * always there as a table (under "Show the numbers"), and the chart's accessible name says
 * what it shows, so nothing depends on seeing the line.
 */
export function LineChart({
  title,
  unit,
  points,
  valueLabel = 'Actual',
  summary,
  domain,
}: {
  title: string
  unit?: string | null
  points: ChartPoint[]
  valueLabel?: string
  /** One sentence a screen reader hears for the chart, e.g. "Up from 100 to 110 kg". */
  summary: string
  /** Fixed y range, e.g. [0, 100] for percentages or [1, 10] for ratings. */
  domain?: [number, number]
}) {
  const id = useId()
  const values = points.flatMap((point) => [point.value, point.target ?? null]).filter((v): v is number => v !== null)
  const hasTarget = points.some((point) => point.target !== undefined && point.target !== null)
  const [low, high] = domain ?? (values.length > 0 ? [Math.min(...values), Math.max(...values)] : [0, 1])
  const span = high - low || 1
  const x = (index: number) => pad.left + (points.length <= 1 ? (width - pad.left - pad.right) / 2 : (index * (width - pad.left - pad.right)) / (points.length - 1))
  const y = (value: number) => pad.top + (1 - (value - low) / span) * (height - pad.top - pad.bottom)
  const path = (pick: (point: ChartPoint) => number | null | undefined) => {
    let d = ''
    let pen = false
    points.forEach((point, index) => {
      const value = pick(point)
      if (value === null || value === undefined) {
        pen = false
        return
      }
      d += `${pen ? 'L' : 'M'}${x(index).toFixed(1)},${y(value).toFixed(1)} `
      pen = true
    })
    return d.trim()
  }
  const suffix = unit ? ` ${unit}` : ''
  return (
    <figure className="flex flex-col gap-2">
      <figcaption id={`${id}-title`} className="text-sm font-semibold text-slate-900">
        {title}
      </figcaption>
      {values.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing recorded yet.</p>
      ) : (
        <svg viewBox={`0 0 ${width} ${height}`} className="h-auto w-full max-w-md" role="img" aria-labelledby={`${id}-title ${id}-summary`}>
          <desc id={`${id}-summary`}>{summary}</desc>
          <line x1={pad.left} x2={width - pad.right} y1={height - pad.bottom} y2={height - pad.bottom} className="stroke-slate-300" />
          <text x={pad.left - 6} y={y(high) + 4} textAnchor="end" className="fill-slate-600 text-[10px]">
            {format(high)}
          </text>
          <text x={pad.left - 6} y={y(low) + 4} textAnchor="end" className="fill-slate-600 text-[10px]">
            {format(low)}
          </text>
          <text x={pad.left} y={height - 6} className="fill-slate-600 text-[10px]">
            {points[0]?.label}
          </text>
          <text x={width - pad.right} y={height - 6} textAnchor="end" className="fill-slate-600 text-[10px]">
            {points.at(-1)?.label}
          </text>
          {hasTarget ? <path d={path((point) => point.target)} className="fill-none stroke-slate-500" strokeDasharray="4 3" strokeWidth={1.5} /> : null}
          <path d={path((point) => point.value)} className="fill-none stroke-brand-700" strokeWidth={2} />
          {points.map((point, index) =>
            point.value === null ? null : <circle key={index} cx={x(index)} cy={y(point.value)} r={3} className="fill-brand-700" />,
          )}
        </svg>
      )}
      {hasTarget && values.length > 0 ? <p className="text-xs text-slate-600">Solid line: {valueLabel.toLowerCase()}. Dashed line: the target.</p> : null}
      {points.length > 0 ? (
        <details className="text-sm">
          <summary className="cursor-pointer text-brand-700 underline">Show the numbers</summary>
          <table className="mt-2 w-full text-left">
            <thead>
              <tr>
                <th scope="col" className="py-1 pr-3 font-medium">
                  When
                </th>
                <th scope="col" className="py-1 pr-3 font-medium">
                  {valueLabel}
                </th>
                {hasTarget ? (
                  <th scope="col" className="py-1 font-medium">
                    Target
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody>
              {points.map((point, index) => (
                <tr key={index} className="border-t border-slate-100">
                  <td className="py-1 pr-3">{point.label}</td>
                  <td className="py-1 pr-3">{point.value === null ? 'Not done' : `${format(point.value)}${suffix}`}</td>
                  {hasTarget ? <td className="py-1">{point.target === null || point.target === undefined ? '—' : `${format(point.target)}${suffix}`}</td> : null}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </figure>
  )
}
