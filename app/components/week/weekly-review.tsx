import { getFormProps, getInputProps, getTextareaProps, type SubmissionResult } from '@conform-to/react'
import { Form } from '@remix-run/react'
import { reviewEditForm } from '#lib/weekly/weeks.shared'
import { useSchemaForm } from '~/components/conform'
import { FormError, SubmitButton, TextAreaField, TextField } from '~/components/form'
import { Card } from '~/components/layout'

/** A weekly review as the page gets it (dates as strings). */
export interface ReviewData {
  id: string
  adherence: number | null
  volume: { strengthKg: number; sets: number; endurance: { modality: string; minutes: number; distanceKm: number }[]; loggedSessions: number; averageRpe: number | null }
  fatigueAnalysis: string
  patterns: string[]
  suggestions: { suggestion: string; reasoning: string }[]
  disclaimer: string
  writtenBy: 'model' | 'numbers'
  editedAt: Date | string | null
  releasedAt: Date | string | null
}

/** The numbers, counted by the app; the words, by the model or from the numbers, reviewed by the coach. */
export function WeeklyReviewView({ review }: { review: ReviewData }) {
  const v = review.volume
  return (
    <div className="flex flex-col gap-3 text-sm">
      <ul className="flex flex-wrap gap-3">
        <li className="rounded-md border border-slate-200 px-3 py-2">
          <span className="block font-semibold">{review.adherence === null ? 'Nothing planned' : `${Math.round(review.adherence * 100)} % of planned sessions done`}</span>
          <span className="text-slate-600">{v.loggedSessions} logged</span>
        </li>
        {v.sets > 0 ? (
          <li className="rounded-md border border-slate-200 px-3 py-2">
            <span className="block font-semibold">{Math.round(v.strengthKg).toLocaleString('en')} kg lifted</span>
            <span className="text-slate-600">over {v.sets} sets</span>
          </li>
        ) : null}
        {v.endurance.map((e) => (
          <li key={e.modality} className="rounded-md border border-slate-200 px-3 py-2">
            <span className="block font-semibold">
              {e.modality}: {Math.round(e.minutes)} min
            </span>
            {e.distanceKm > 0 ? <span className="text-slate-600">{e.distanceKm} km</span> : null}
          </li>
        ))}
        {v.averageRpe !== null ? (
          <li className="rounded-md border border-slate-200 px-3 py-2">
            <span className="block font-semibold">Effort {v.averageRpe} / 10</span>
            <span className="text-slate-600">average RPE</span>
          </li>
        ) : null}
      </ul>
      <p className="text-slate-800">{review.fatigueAnalysis}</p>
      {review.patterns.length > 0 ? (
        <ul className="list-disc pl-5 text-slate-800">
          {review.patterns.map((pattern) => (
            <li key={pattern}>{pattern}</li>
          ))}
        </ul>
      ) : null}
      <div>
        <h3 className="font-semibold text-slate-900">For next week</h3>
        <ul className="flex flex-col gap-2">
          {review.suggestions.map((s) => (
            <li key={s.suggestion}>
              <span className="font-medium">{s.suggestion}</span> <span className="text-slate-600">— {s.reasoning}</span>
            </li>
          ))}
        </ul>
      </div>
      <p className="text-xs text-slate-500">{review.disclaimer}</p>
    </div>
  )
}

/** The coach edits the words and releases the review; the numbers are not theirs to change. */
export function WeeklyReviewCoachCard({ review, lastResult, busyIntent }: { review: ReviewData; lastResult: SubmissionResult<string[]> | null; busyIntent: unknown }) {
  const [form, fields] = useSchemaForm({
    id: `review-${review.id}`,
    schema: reviewEditForm,
    lastResult,
    defaultValue: { intent: 'edit-review', reviewId: review.id, fatigueAnalysis: review.fatigueAnalysis, patterns: review.patterns.join('\n'), suggestions: review.suggestions } as never,
  })
  const suggestions = fields.suggestions.getFieldList()
  return (
    <Card title={`Weekly review · ${review.releasedAt ? 'released to the client' : 'not released yet'}`}>
      <WeeklyReviewView review={review} />
      {review.releasedAt ? null : (
        <div className="mt-4 flex flex-col gap-4 border-t border-slate-100 pt-4">
          <Form method="post" {...getFormProps(form)} className="flex flex-col gap-3">
            <input type="hidden" name="intent" value="edit-review" />
            <input {...getInputProps(fields.reviewId, { type: 'hidden' })} />
            <FormError>{form.errors?.join(' ')}</FormError>
            <p className="text-sm text-slate-600">
              {review.writtenBy === 'model' ? 'Written by the AI from the numbers above.' : 'Written from the numbers above.'} Change the words before the client sees them.
            </p>
            <TextAreaField label="Fatigue analysis" {...getTextareaProps(fields.fatigueAnalysis)} rows={3} errors={fields.fatigueAnalysis.errors} />
            <TextAreaField label="Patterns (one per line)" {...getTextareaProps(fields.patterns)} rows={3} errors={fields.patterns.errors} />
            {suggestions.map((suggestion, index) => {
              const f = suggestion.getFieldset()
              return (
                <fieldset key={suggestion.key} className="grid gap-2 rounded-md border border-slate-200 p-2 sm:grid-cols-2">
                  <legend className="px-1 text-sm font-medium">Suggestion {index + 1}</legend>
                  <TextField label="Suggestion" {...getInputProps(f.suggestion, { type: 'text' })} errors={f.suggestion.errors} />
                  <TextField label="Reasoning" {...getInputProps(f.reasoning, { type: 'text' })} errors={f.reasoning.errors} />
                </fieldset>
              )
            })}
            <div>
              <SubmitButton variant="secondary" pending={busyIntent === 'edit-review'} pendingText="Saving…">
                Save the review
              </SubmitButton>
            </div>
          </Form>
          <Form method="post">
            <input type="hidden" name="reviewId" value={review.id} />
            <SubmitButton name="intent" value="release-review" pending={busyIntent === 'release-review'} pendingText="Releasing…">
              Release to the client
            </SubmitButton>
          </Form>
        </div>
      )}
    </Card>
  )
}
