import { getFormProps, getInputProps, getSelectProps, getTextareaProps } from '@conform-to/react'
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { isoDateInZone } from '#lib/dates.shared'
import { assignModule, moduleRuns } from '#lib/library/assigning'
import { assignModuleForm, moduleForm, modulePageForm } from '#lib/library/library.shared'
import { deleteModule, getModule, saveModule } from '#lib/library/modules'
import { coachedProgram, programClients, templateChoices } from '#lib/library/templates'
import { getProfile } from '#lib/profiles'
import { countOf } from '#lib/words.shared'
import { useSchemaForm } from '~/components/conform'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FormError, Notice, SelectField, SubmitButton, TextAreaField, TextField, buttonClass } from '~/components/form'
import { Card, EmptyState, PageHeader } from '~/components/layout'
import { ProgressBar } from '~/components/library/badges'
import { LibraryNav } from '~/components/library/library-nav'
import { requireUserId } from '~/utils/auth.server'
import { invalidSubmission, readSubmission, submissionFailure } from '~/utils/forms.server'
import { invariantResponse, requireIdParam } from '~/utils/http'

/** A module: its steps (a template and a day each), assigning it, and its runs' progress. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const moduleId = requireIdParam(params.moduleId)
  const program = await coachedProgram(context.db, { userId, programId })
  invariantResponse(program, 'Not found', { status: 404 })
  const module = await getModule(context.db, { userId, moduleId })
  invariantResponse(module && module.programId === programId, 'Not found', { status: 404 })
  const [templates, clients, runs, profile] = await Promise.all([
    templateChoices(context.db, { userId, programId }),
    programClients(context.db, { userId, programId }),
    moduleRuns(context.db, { userId, moduleId }),
    getProfile(context.db, { userId }),
  ])
  return { program, module, templates, clients, runs, today: isoDateInZone(new Date(), profile?.timezone ?? 'UTC') }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const userId = await requireUserId(request, context)
  const programId = requireIdParam(params.programId)
  const moduleId = requireIdParam(params.moduleId)
  const submission = await readSubmission(request, modulePageForm)
  if (submission.status !== 'success') return invalidSubmission(submission)
  const input = submission.value
  try {
    switch (input.intent) {
      case 'save':
        await saveModule(context.db, { userId, moduleId, input })
        return { ok: true as const, message: 'Module saved.' }
      case 'assign': {
        const { runIds, sessionIds } = await assignModule(context.db, { userId, moduleId, clientIds: input.clientIds, startOn: input.startOn })
        return { ok: true as const, message: `Assigned to ${countOf(runIds.length, 'client')}: ${countOf(sessionIds.length, 'session')} created, starting ${input.startOn}.` }
      }
      case 'delete':
        await deleteModule(context.db, { userId, moduleId })
        return redirect(`/programs/${programId}/library/modules`)
    }
  } catch (error) {
    return submissionFailure(submission, error)
  }
}

export default function ModulePage() {
  const { program, module, templates, clients, runs, today } = useLoaderData<typeof loader>()
  const result = useActionData<typeof action>()
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting' ? navigation.formData?.get('intent') : null
  const failure = result && !result.ok ? result.result : null
  const failedIntent = failure?.initialValue?.intent
  const [form, fields] = useSchemaForm({
    id: 'module-editor',
    schema: moduleForm,
    lastResult: failedIntent === 'save' ? failure : null,
    defaultValue: {
      intent: 'save',
      name: module.name,
      description: module.description,
      steps: module.steps.map((step) => ({ templateId: step.templateId, dayOffset: String(step.dayOffset) })),
    },
  })
  const [assign, assignFields] = useSchemaForm({
    id: 'assign-module',
    schema: assignModuleForm,
    lastResult: failedIntent === 'assign' ? failure : null,
    defaultValue: { intent: 'assign', startOn: today },
    checkInBrowser: false,
  })
  const editor = fields
  const steps = fields.steps.getFieldList()
  const stepsName = fields.steps.name
  const assignInputs = assignFields

  return (
    <div className="flex flex-col gap-6">
      <PageHeader title={module.name}>
        <LibraryNav programId={program.id} current="modules" />
      </PageHeader>
      {result?.ok ? <Notice>{result.message}</Notice> : null}
      {failedIntent === 'delete' ? <FormError>{failure?.error?.['']?.join(' ')}</FormError> : null}

      <Form method="post" {...getFormProps(form)} className="flex flex-col gap-6">
        <input type="hidden" name="intent" value="save" />
        <Card title="Steps">
          <div className="flex flex-col gap-4">
            <FormError>{form.errors?.join(' ')}</FormError>
            <TextField label="Name" {...getInputProps(editor.name, { type: 'text' })} required maxLength={120} errors={editor.name.errors} />
            <TextAreaField label="Description" {...getTextareaProps(editor.description)} rows={2} maxLength={2000} errors={editor.description.errors} />
            {templates.length === 0 ? (
              <EmptyState title="No templates to add yet">
                <Link to={`/programs/${program.id}/library`} className="text-brand-700 underline">
                  Create templates in the library
                </Link>{' '}
                first, then put them in order here.
              </EmptyState>
            ) : null}
            <ol className="flex flex-col gap-3">
              {steps.map((step, index) => {
                const f = step.getFieldset()
                return (
                  <li key={step.key} className="rounded-md border border-slate-200 p-3">
                    <fieldset className="grid gap-3 md:grid-cols-[1fr_10rem_auto] md:items-end">
                      <legend className="mb-1 text-sm font-semibold text-slate-800">Step {index + 1}</legend>
                      <SelectField label="Template" {...getSelectProps(f.templateId)} errors={f.templateId.errors}>
                        <option value="">Choose a template…</option>
                        {templates.map((template) => (
                          <option key={template.id} value={template.id}>
                            {template.title}
                          </option>
                        ))}
                      </SelectField>
                      <TextField label="On day" {...getInputProps(f.dayOffset, { type: 'number' })} min={0} max={365} errors={f.dayOffset.errors} />
                      <div className="flex flex-wrap gap-2">
                        <button {...form.reorder.getButtonProps({ name: stepsName, from: index, to: index - 1 })} disabled={index === 0} className={buttonClass('secondary')} aria-label={`Move step ${index + 1} up`}>
                          Up
                        </button>
                        <button {...form.reorder.getButtonProps({ name: stepsName, from: index, to: index + 1 })} disabled={index === steps.length - 1} className={buttonClass('secondary')} aria-label={`Move step ${index + 1} down`}>
                          Down
                        </button>
                        <button {...form.remove.getButtonProps({ name: stepsName, index })} className={buttonClass('danger')} aria-label={`Remove step ${index + 1}`}>
                          Remove
                        </button>
                      </div>
                    </fieldset>
                  </li>
                )
              })}
            </ol>
            <div className="flex flex-wrap gap-3">
              <button {...form.insert.getButtonProps({ name: stepsName, defaultValue: { templateId: '', dayOffset: String(steps.length * 7) } as never })} className={buttonClass('secondary')}>
                Add a step
              </button>
              <SubmitButton pending={busy === 'save'} pendingText="Saving…">
                Save module
              </SubmitButton>
            </div>
          </div>
        </Card>
      </Form>

      <Card title="Assign to clients">
        {clients.length === 0 ? (
          <EmptyState title="This program has no clients yet">Invite clients from the program page first.</EmptyState>
        ) : (
          <Form method="post" {...getFormProps(assign)} className="flex flex-col gap-4">
            <input type="hidden" name="intent" value="assign" />
            <FormError>{assign.errors?.join(' ')}</FormError>
            <fieldset className="flex flex-col gap-2">
              <legend className="text-sm font-medium text-slate-800">Clients</legend>
              <div className="flex flex-wrap gap-4">
                {clients.map((client) => (
                  <label key={client.id} className="flex items-center gap-2 text-sm">
                    <input type="checkbox" name={assignInputs.clientIds.name} value={client.id} className="h-4 w-4" />
                    {client.name}
                  </label>
                ))}
              </div>
              {assignInputs.clientIds.errors ? <p className="text-sm text-red-700">{assignInputs.clientIds.errors.join(' ')}</p> : null}
            </fieldset>
            <div className="sm:max-w-xs">
              <TextField label="Starting on" {...getInputProps(assignInputs.startOn, { type: 'date' })} required errors={assignInputs.startOn.errors} hint="Day 0 of the module; each step is due that many days later." />
            </div>
            <div>
              <SubmitButton pending={busy === 'assign'} pendingText="Assigning…">
                Assign module
              </SubmitButton>
            </div>
          </Form>
        )}
      </Card>

      <Card title="Progress">
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600">Not assigned to anyone yet.</p>
        ) : (
          <ul className="flex flex-col gap-3">
            {runs.map((run) => (
              <li key={run.runId}>
                <ProgressBar label={`${run.clientName} · from ${run.startedOn}`} completed={run.completed} total={run.total} />
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card title="Delete this module">
        <p className="mb-3 text-sm text-slate-600">Sessions already assigned from it stay with the clients.</p>
        <Form method="post">
          <input type="hidden" name="intent" value="delete" />
          <SubmitButton variant="danger" pending={busy === 'delete'} pendingText="Deleting…">
            Delete module
          </SubmitButton>
        </Form>
      </Card>
    </div>
  )
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.module.name} · Modules · Stagecoach` : 'Module · Stagecoach' }]

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
