import { getFormProps, getInputProps, getSelectProps } from '@conform-to/react'
import { useFetcher } from '@remix-run/react'
import { timeSlotLabels, timeSlots, trainingDetailsForm } from '#lib/measures/measures.shared'
import type { TrainingDetails } from '#lib/measures/measures'
import { useSchemaForm } from '~/components/conform'
import { FormError, Notice, SelectField, SubmitButton, TextField } from '~/components/form'
import type { action as trainingAction } from '~/routes/sessions.$sessionId.training'

/**
 * A training session's details, chosen once for the whole session: the activity type, the
 * day it was done (a day within a week of the planned one logs it after the fact), the time
 * of day every measure in it inherits, and whether it was a competition. By its own fetcher.
 */
export function TrainingDetailsForm({ sessionId, details, editable }: { sessionId: string; details: TrainingDetails; editable: boolean }) {
  const fetcher = useFetcher<typeof trainingAction>()
  const data = fetcher.state === 'idle' ? fetcher.data : undefined
  const [form, fields] = useSchemaForm({
    id: `training-${sessionId}`,
    schema: trainingDetailsForm,
    lastResult: data?.result,
    defaultValue: {
      intent: 'training-details',
      activityType: details.activityType,
      activityLabel: details.activityLabel ?? '',
      sessionDate: details.sessionDate,
      timeSlot: details.timeSlot ?? '',
      isCompetition: details.isCompetition ? 'on' : undefined,
      competitionType: details.competitionType ?? '',
      competitionId: details.competitionId ?? '',
    } as never,
  })
  const custom = (fields.activityType.value ?? details.activityType) === 'CUSTOM'
  const competition = fields.isCompetition.value === 'on'
  return (
    <fetcher.Form method="post" action={`/sessions/${sessionId}/training`} {...getFormProps(form)} className="flex flex-col gap-3" aria-label="Training details">
      <input type="hidden" name="intent" value="training-details" />
      {data?.ok ? <Notice>Saved. Every value in this session takes this time of day.</Notice> : null}
      <FormError>{form.errors?.join(' ')}</FormError>
      <fieldset disabled={!editable} className="grid gap-3 sm:grid-cols-2">
        <SelectField label="Activity" {...getSelectProps(fields.activityType)} errors={fields.activityType.errors}>
          {details.types.map((type) => (
            <option key={type.code} value={type.code}>
              {type.label}
            </option>
          ))}
        </SelectField>
        {custom ? <TextField label="Your name for it" {...getInputProps(fields.activityLabel, { type: 'text' })} maxLength={60} errors={fields.activityLabel.errors} /> : null}
        <TextField
          label="Day done"
          {...getInputProps(fields.sessionDate, { type: 'date' })}
          hint={details.plannedDate ? `Planned for ${details.plannedDate}; a day up to a week from it counts for it.` : 'An earlier day logs it after the fact (up to a week).'}
          errors={fields.sessionDate.errors}
        />
        <SelectField label="Time of day" {...getSelectProps(fields.timeSlot)} errors={fields.timeSlot.errors}>
          <option value="">Not set</option>
          {timeSlots.map((slot) => (
            <option key={slot} value={slot}>
              {timeSlotLabels[slot]}
            </option>
          ))}
        </SelectField>
        <label className="flex items-center gap-2 text-sm text-slate-800 sm:col-span-2">
          <input {...getInputProps(fields.isCompetition, { type: 'checkbox' })} className="h-4 w-4" />
          This was a competition
        </label>
        {competition ? (
          <>
            <TextField label="Competition type" {...getInputProps(fields.competitionType, { type: 'text' })} maxLength={60} errors={fields.competitionType.errors} />
            <TextField label="Competition id" {...getInputProps(fields.competitionId, { type: 'text' })} maxLength={100} errors={fields.competitionId.errors} />
          </>
        ) : null}
      </fieldset>
      {editable ? (
        <div>
          <SubmitButton variant="secondary" pending={fetcher.state !== 'idle'} pendingText="Saving…">
            Save details
          </SubmitButton>
        </div>
      ) : null}
    </fetcher.Form>
  )
}
