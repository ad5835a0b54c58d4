import { data } from '@remix-run/node'
import type { z } from 'zod'
import { AppError, isAppError } from '#lib/errors'
import { hasUnsavableCharacters, unsavableCharactersMessage } from '#lib/text'

/**
 * The form a form action was sent: only a form (URL-encoded or multipart) is read, and a
 * body that cannot be read as one is a 400 with a message, never a 500. The size and the
 * origin were already checked for every request by the server (app/server/request-guard.ts).
 */
export async function readForm(request: Request): Promise<FormData> {
  const type = request.headers.get('Content-Type') ?? ''
  if (!/^\s*(application\/x-www-form-urlencoded|multipart\/form-data)\b/i.test(type)) {
    throw data('This page expects a form. Send it from the page’s own form.', { status: 415 })
  }
  try {
    return await request.formData()
  } catch {
    throw data('The form could not be read. Reload the page and send it again.', { status: 400 })
  }
}

/**
 * What a form action sends back when something is wrong: a message for the whole form,
 * messages per field, and the values the person typed, so nothing they wrote is lost.
 */
export interface FormFailure {
  ok: false
  formError: string | null
  fieldErrors: Record<string, string[] | undefined>
  values: Record<string, string>
}

/** The form's text values, except passwords, which are never sent back to the page. */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {}
  for (const [key, value] of formData) {
    if (typeof value === 'string' && !/password/i.test(key)) values[key] = value
  }
  return values
}

export function formFailure(
  formData: FormData,
  failure: { formError?: string | null; fieldErrors?: Record<string, string[] | undefined>; status?: number },
) {
  const body: FormFailure = {
    ok: false,
    formError: failure.formError ?? null,
    fieldErrors: failure.fieldErrors ?? {},
    values: formValues(formData),
  }
  return data(body, { status: failure.status ?? 400 })
}

/** Parses form fields with a Zod schema; on failure returns the response to send. */
export function parseForm<Schema extends z.ZodType>(
  formData: FormData,
  schema: Schema,
): { success: true; data: z.output<Schema> } | { success: false; response: ReturnType<typeof formFailure> } {
  const unsavable = [...formData].filter(([, value]) => typeof value === 'string' && hasUnsavableCharacters(value)).map(([key]) => key)
  if (unsavable.length > 0) {
    return {
      success: false,
      response: formFailure(formData, {
        formError: unsavableCharactersMessage,
        fieldErrors: Object.fromEntries(unsavable.map((key) => [key, [unsavableCharactersMessage]])),
      }),
    }
  }
  const result = schema.safeParse(Object.fromEntries(formData))
  if (result.success) return { success: true, data: result.data }
  const fieldErrors: Record<string, string[]> = {}
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '_form')
    ;(fieldErrors[key] ??= []).push(issue.message)
  }
  return {
    success: false,
    response: formFailure(formData, { formError: 'Please fix the marked fields.', fieldErrors }),
  }
}

/** Turns an AppError into the form's failure response; anything else is rethrown (a 500). */
export function appErrorToFormFailure(formData: FormData, error: unknown) {
  if (!isAppError(error)) throw error
  return formFailure(formData, {
    formError: error.message,
    fieldErrors: error.fieldErrors,
    status: error.status,
  })
}

export { AppError }
