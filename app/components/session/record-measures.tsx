import { parseWithZod } from '@conform-to/zod/v4'
import { useFetcher } from '@remix-run/react'
import { useId, useState, type FormEvent } from 'react'
import type { SessionItem } from '#lib/library/library.shared'
import { complianceBandInfo } from '#lib/measures/compliance.shared'
import type { Measure, SessionCompliance } from '#lib/measures/measures'
import {
  describeMeasureValue,
  describeTimeSlot,
  enduranceMetrics,
  measureForm,
  measureValueOf,
  modificationOf,
  standardMetrics,
  strengthSetMetrics,
  type StandardMetricKey,
} from '#lib/measures/measures.shared'
import { FormError, SubmitButton } from '~/components/form'
import { describeOfflineStatus, type OutboxEntry } from '~/offline/outbox'
import { useOffline } from '~/offline/offline-provider'
import type { action as measuresAction } from '~/routes/sessions.$sessionId.measures'
import type { SessionData } from './use-session'

type Kind = 'number' | 'scale' | 'yes_no' | 'text'
interface Row {
  itemKey: string | null
  metricKey: string
  label: string
  unit: string | null
  kind: Kind
  target: number | null
  perSet: boolean
}

const colourClass = { green: 'bg-green-100 text-green-900', amber: 'bg-amber-100 text-amber-900', red: 'bg-red-100 text-red-900' } as const

/** What an item records: its own metrics, then a strength set or an endurance effort as its prescription says. */
function rowsOf(item: SessionItem | null): Row[] {
  const standard = (keys: readonly StandardMetricKey[], perSet: boolean): Row[] =>
    keys.map((key) => ({ itemKey: item?.key ?? null, metricKey: key, label: standardMetrics[key].label, unit: standardMetrics[key].unit, kind: standardMetrics[key].kind, target: null, perSet }))
  if (!item) return [...standard(strengthSetMetrics, true), ...standard(enduranceMetrics, false)]
  const own: Row[] = item.metrics.map((metric) => ({
    itemKey: item.key,
    metricKey: metric.key.toLowerCase(),
    label: metric.label,
    unit: metric.unit,
    kind: metric.kind,
    target: metric.target ?? metric.targetMin,
    perSet: item.prescription?.type === 'strength',
  }))
  if (item.prescription?.type === 'strength') return [...own, ...standard(strengthSetMetrics, true)]
  if (item.prescription?.type === 'endurance') return [...own, ...standard(enduranceMetrics, false)]
  return own
}

/**
 * Recording a session, one field per metric, quick on a phone: each metric of each item (and
 * a set's weight, reps and RPE, or an effort's duration, distance, heart rate and power)
 * with its unit, prefilled with its target; every value recorded so far beside it, a
 * correction for each (the old value stays, marked corrected), and how it stands against the
 * plan in words and colour.
 */
export function RecordMeasures({
  session,
  measures,
  compliance,
  canRecord,
}: {
  session: SessionData
  measures: Measure[]
  compliance: SessionCompliance
  canRecord: boolean
}) {
  const groups: { item: SessionItem | null; title: string }[] =
    session.items.length > 0 ? session.items.map((item) => ({ item, title: item.title })) : [{ item: null, title: 'Log what you did' }]
  const slot = measures[0]?.timeSlot ?? null
  const offline = useOffline()
  const serverClientIds = new Set(measures.flatMap((m) => (m.clientId ? [m.clientId] : [])))
  const syncedHere = new Set((offline?.entries ?? []).filter((e) => e.status === 'synced').map((e) => e.clientId))
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm text-slate-600">
        {compliance.planned > 0 ? `${compliance.onPlan} of ${compliance.planned} planned metrics on plan. ` : ''}
        Time of day: {describeTimeSlot(slot)}.
      </p>
      {groups.map(({ item, title }) => (
        <section key={item?.key ?? 'log'} aria-label={title} className="rounded-md border border-slate-200 p-3">
          <h3 className="font-semibold text-slate-900">{title}</h3>
          <ul className="mt-2 flex flex-col gap-3">
            {rowsOf(item).map((row) => {
              // Set by set, each value before its correction.
              const recorded = measures
                .filter((m) => m.itemKey === row.itemKey && m.metricKey === row.metricKey)
                .sort((a, b) => (a.setNumber ?? 0) - (b.setNumber ?? 0) || new Date(a.recordedAt).getTime() - new Date(b.recordedAt).getTime())
              const current = recorded.filter((m) => m.supersededById === null)
              // Recorded on this device and not (yet) among the server's rows.
              const onDevice = (offline?.entries ?? []).filter(
                (e): e is Extract<OutboxEntry, { kind: 'record' }> =>
                  e.kind === 'record' && e.sessionId === session.id && e.itemKey === row.itemKey && e.metricKey === row.metricKey && !serverClientIds.has(e.clientId),
              )
              const planned = compliance.metrics.find((m) => m.itemKey === row.itemKey && m.metricKey === row.metricKey)
              return (
                <li key={row.metricKey} className="flex flex-col gap-2 border-t border-slate-100 pt-2 first:border-t-0 first:pt-0">
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <span className="font-medium text-slate-800">
                      {row.label}
                      {row.unit && row.unit !== row.label.toLowerCase() ? ` (${row.unit})` : ''}
                    </span>
                    {planned ? (
                      <span className={`rounded-full px-2 py-0.5 text-sm ${colourClass[planned.colour]}`}>
                        {planned.actual === null ? 'Not done' : `${complianceBandInfo[planned.band].label} · ${planned.percent} % of target`}
                        {planned.reason ? ` · ${planned.reason}` : ''}
                      </span>
                    ) : null}
                  </div>
                  {recorded.length + onDevice.length > 0 ? (
                    <ol className="flex flex-col gap-1 text-sm text-slate-700" aria-label={`${row.label}: recorded`}>
                      {recorded.map((m) => (
                        <li key={m.id} className={m.supersededById ? 'text-slate-500 line-through' : ''}>
                          {m.setNumber ? `Set ${m.setNumber}: ` : ''}
                          {describeMeasureValue(m.value, m.unit)}
                          {m.modification ? ` (${m.modification.kind}: ${m.modification.reason})` : ''}
                          {m.recordedBy === 'coach' ? ' · by the coach' : ''}
                          {m.supersededById ? ' · corrected' : ''}
                          {m.clientId && syncedHere.has(m.clientId) ? ' · synced' : ''}
                          {!m.supersededById && canRecord ? <CorrectForm sessionId={session.id} measure={m} row={row} /> : null}
                        </li>
                      ))}
                      {onDevice.map((entry) => (
                        <OfflineEntryItem key={entry.clientId} entry={entry} row={row} />
                      ))}
                    </ol>
                  ) : null}
                  {/* Keyed by the next set: once a value is recorded, the form starts again from the target and the next set. */}
                  {canRecord ? (
                    <RecordForm
                      key={`${row.metricKey}-${current.length + onDevice.length + 1}`}
                      sessionId={session.id}
                      row={row}
                      nextSet={current.length + onDevice.length + 1}
                    />
                  ) : null}
                </li>
              )
            })}
          </ul>
        </section>
      ))}
    </div>
  )
}

function ValueInput({ row, defaultValue, label }: { row: Row; defaultValue: number | null; label: string }) {
  const id = useId()
  const inputClass = 'w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-sm'
  return (
    <div className="flex min-w-0 flex-1 flex-col gap-1">
      <label htmlFor={id} className="text-sm text-slate-700">
        {label}
      </label>
      {row.kind === 'number' || row.kind === 'scale' ? (
        <input
          id={id}
          name="numberValue"
          type="number"
          inputMode="decimal"
          step={row.kind === 'scale' ? 1 : 'any'}
          min={row.kind === 'scale' ? 1 : 0}
          max={row.kind === 'scale' ? 10 : undefined}
          defaultValue={defaultValue ?? undefined}
          className={inputClass}
        />
      ) : row.kind === 'yes_no' ? (
        <select id={id} name="yesNo" className={inputClass} defaultValue="yes">
          <option value="yes">Yes</option>
          <option value="no">No</option>
        </select>
      ) : (
        <textarea id={id} name="textValue" rows={2} maxLength={2000} className={inputClass} />
      )}
    </div>
  )
}

function Failure({ data }: { data: unknown }) {
  const result = (data as { result?: { status?: string; error?: Record<string, string[] | null> } } | undefined)?.result
  if (result?.status !== 'error' || !result.error) return null
  const messages = Object.values(result.error).flatMap((m) => m ?? [])
  return <FormError>{[...new Set(messages)].join(' ')}</FormError>
}

/**
 * Without signal, a form's submission goes to the device's outbox instead (decision 030):
 * read with the same schema as the action, stamped with a new client id and the device's
 * time, and synced when the browser is back online. Returns what was wrong, if anything.
 */
function useOfflineSubmit() {
  const offline = useOffline()
  const [problem, setProblem] = useState<string | null>(null)
  function submitOffline(event: FormEvent<HTMLFormElement>, toEntry: (value: ReturnType<typeof readMeasureForm>) => Parameters<NonNullable<typeof offline>['record']>[0] | null) {
    if (!offline || offline.online) return
    event.preventDefault()
    const submission = readMeasureForm(new FormData(event.currentTarget))
    const entry = toEntry(submission)
    if (!entry) return
    setProblem(null)
    void offline.record(entry)
  }
  return { submitOffline, problem, setProblem }
}

function readMeasureForm(formData: FormData) {
  const submission = parseWithZod(formData, { schema: measureForm })
  if (submission.status !== 'success') return { error: Object.values(submission.error ?? {}).flat().filter(Boolean).join(' ') || 'Check the value.' } as const
  const value = measureValueOf(submission.value)
  const modification = modificationOf(submission.value)
  if (modification?.kind === 'skipped' ? false : value === null) return { error: 'Give a value, or mark it skipped.' } as const
  if (modification && !modification.reason) return { error: 'Say why, so your coach knows.' } as const
  return { form: submission.value, value, modification } as const
}

const deviceNow = () => new Date().toISOString()

function RecordForm({ sessionId, row, nextSet }: { sessionId: string; row: Row; nextSet: number }) {
  const fetcher = useFetcher<typeof measuresAction>()
  const setId = useId()
  const reasonId = useId()
  const { submitOffline, problem, setProblem } = useOfflineSubmit()
  const onSubmit = (event: FormEvent<HTMLFormElement>) =>
    submitOffline(event, (read) => {
      if ('error' in read) {
        setProblem(read.error ?? null)
        return null
      }
      const setNumber = read.form.intent === 'record' ? (read.form.setNumber ?? null) : null
      return {
        kind: 'record',
        clientId: crypto.randomUUID(),
        deviceTime: deviceNow(),
        sessionId,
        itemKey: row.itemKey,
        metricKey: row.metricKey,
        setNumber,
        value: read.value,
        modification: read.modification,
      }
    })
  return (
    <fetcher.Form method="post" action={`/sessions/${sessionId}/measures`} className="flex flex-col gap-2" aria-label={`Record ${row.label}`} onSubmit={onSubmit}>
      <input type="hidden" name="intent" value="record" />
      {row.itemKey ? <input type="hidden" name="itemKey" value={row.itemKey} /> : null}
      <input type="hidden" name="metricKey" value={row.metricKey} />
      <input type="hidden" name="kind" value={row.kind} />
      <div className="flex items-end gap-2">
        {row.perSet ? (
          <div className="flex w-20 flex-col gap-1">
            <label htmlFor={setId} className="text-sm text-slate-700">
              Set
            </label>
            <input id={setId} name="setNumber" type="number" inputMode="numeric" min={1} max={50} defaultValue={nextSet} className="w-full rounded-md border border-slate-300 px-3 py-2 text-base" />
          </div>
        ) : null}
        <ValueInput row={row} defaultValue={row.target} label={`${row.label}${row.unit && row.unit !== row.label.toLowerCase() ? `, ${row.unit}` : ''}`} />
        <SubmitButton pending={fetcher.state !== 'idle'} pendingText="Saving…">
          Record
        </SubmitButton>
      </div>
      <details className="text-sm text-slate-700">
        <summary>Skipped it?</summary>
        <div className="mt-2 flex flex-col gap-1">
          <label className="flex items-center gap-2">
            <input type="checkbox" name="skipped" value="on" /> Skipped
          </label>
          <label htmlFor={reasonId}>Why (your coach sees this)</label>
          <input id={reasonId} name="reason" type="text" maxLength={500} className="w-full rounded-md border border-slate-300 px-3 py-2 text-base" />
        </div>
      </details>
      <Failure data={fetcher.data} />
      {problem ? <FormError>{problem}</FormError> : null}
    </fetcher.Form>
  )
}

function CorrectForm({ sessionId, measure, row }: { sessionId: string; measure: Measure; row: Row }) {
  const fetcher = useFetcher<typeof measuresAction>()
  const current = measure.value && (measure.value.kind === 'number' || measure.value.kind === 'scale') ? measure.value.value : null
  const { submitOffline, problem, setProblem } = useOfflineSubmit()
  // Offline, a correction is a new version too: it names the version it corrects.
  const onSubmit = (event: FormEvent<HTMLFormElement>) =>
    submitOffline(event, (read) => {
      if ('error' in read) {
        setProblem(read.error ?? null)
        return null
      }
      return { kind: 'correct', clientId: crypto.randomUUID(), deviceTime: deviceNow(), sessionId, supersedes: { measureId: measure.id }, value: read.value, modification: read.modification }
    })
  return (
    <details className="mt-1">
      <summary className="cursor-pointer text-brand-700 underline">Correct</summary>
      <fetcher.Form method="post" action={`/sessions/${sessionId}/measures`} className="mt-2 flex items-end gap-2" aria-label={`Correct ${row.label}`} onSubmit={onSubmit}>
        <input type="hidden" name="intent" value="correct" />
        <input type="hidden" name="measureId" value={measure.id} />
        <input type="hidden" name="kind" value={row.kind} />
        <ValueInput row={row} defaultValue={current} label="Corrected value" />
        <SubmitButton variant="secondary" pending={fetcher.state !== 'idle'} pendingText="Saving…">
          Save correction
        </SubmitButton>
      </fetcher.Form>
      <Failure data={fetcher.data} />
      {problem ? <FormError>{problem}</FormError> : null}
    </details>
  )
}

/** A value recorded on this device: its status, and for an error the server's reason with retry, edit and discard. */
function OfflineEntryItem({ entry, row }: { entry: Extract<OutboxEntry, { kind: 'record' }>; row: Row }) {
  const offline = useOffline()
  const [editing, setEditing] = useState(false)
  const editId = useId()
  const tone = entry.status === 'error' ? 'text-red-800' : entry.status === 'pending' ? 'text-amber-900' : 'text-slate-700'
  return (
    <li className={tone}>
      {entry.setNumber ? `Set ${entry.setNumber}: ` : ''}
      {describeMeasureValue(entry.value, row.unit)}
      {entry.modification ? ` (${entry.modification.kind}: ${entry.modification.reason})` : ''} · {describeOfflineStatus(entry)}
      {entry.status === 'error' && offline ? (
        <span className="ml-2 inline-flex flex-wrap gap-2">
          {entry.conflict ? null : (
            <button type="button" className="underline" onClick={() => void offline.retry(entry.clientId)}>
              Retry
            </button>
          )}
          {entry.conflict || row.kind === 'text' || row.kind === 'yes_no' ? null : (
            <button type="button" className="underline" onClick={() => setEditing(!editing)}>
              Edit
            </button>
          )}
          <button type="button" className="underline" onClick={() => void offline.discard(entry.clientId)}>
            Discard
          </button>
        </span>
      ) : null}
      {editing && offline ? (
        <form
          className="mt-1 flex items-end gap-2"
          aria-label={`Edit ${row.label}`}
          onSubmit={(event) => {
            event.preventDefault()
            const value = Number(new FormData(event.currentTarget).get('value'))
            if (!Number.isFinite(value)) return
            setEditing(false)
            void offline.edit(entry.clientId, { value: row.kind === 'scale' ? { kind: 'scale', value } : { kind: 'number', value }, modification: null })
          }}
        >
          <label htmlFor={editId} className="sr-only">
            New value
          </label>
          <input id={editId} name="value" type="number" step="any" min={0} className="w-24 rounded-md border border-slate-300 px-2 py-1" />
          <button type="submit" className="underline">
            Save and retry
          </button>
        </form>
      ) : null}
    </li>
  )
}
