import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data } from '@remix-run/node'
import type { $ZodType } from 'zod/v4/core'
import { isAppError } from '#lib/errors'
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
 * Conform: the submission of a form parsed with the form's own Zod schema (the one its
 * component validates with). `reply()` carries the errors and what was typed back to the form.
 */
type ReplyOptions = { formErrors?: string[]; fieldErrors?: Record<string, string[]>; resetForm?: boolean }

export async function readSubmission<Schema extends $ZodType>(request: Request, schema: Schema) {
  const formData = await readForm(request)
  const submission = parseWithZod(formData, { schema })
  // Passwords are never sent back to the page, not even as what was typed.
  const passwords = [...new Set(formData.keys())].filter((key) => /password/i.test(key))
  const unsavable = [...formData].filter(([, value]) => typeof value === 'string' && hasUnsavableCharacters(value)).map(([key]) => key)
  if (unsavable.length === 0 && passwords.length === 0) return submission
  // Text the database cannot store (a NUL, half of an emoji) is refused on its field, with
  // everything typed kept, before any of it reaches lib/.
  const unsavableErrors = Object.fromEntries(unsavable.map((key) => [key, [unsavableCharactersMessage]]))
  const reply = (options?: ReplyOptions) => {
    if (options?.resetForm) return submission.reply({ resetForm: true })
    if (unsavable.length === 0) return submission.reply({ ...options, hideFields: passwords })
    return submission.reply({
      ...options,
      formErrors: [unsavableCharactersMessage],
      fieldErrors: { ...options?.fieldErrors, ...unsavableErrors },
      hideFields: passwords,
    })
  }
  return { ...submission, ...(unsavable.length > 0 ? { status: 'error' as const } : {}), reply } as unknown as typeof submission
}

/** A submission that did not pass its schema: the form shows each error on its input, and says so above them. */
export function invalidSubmission(submission: { reply(options?: ReplyOptions): SubmissionResult<string[]> }) {
  return data({ ok: false as const, result: submission.reply({ formErrors: ['Please fix the marked fields.'] }) }, { status: 400 })
}

/** An AppError from lib/ as the form's errors (its message for the form, its fields' on theirs); anything else is a 500. */
export function submissionFailure(submission: { reply(options?: ReplyOptions): SubmissionResult<string[]> }, error: unknown) {
  if (!isAppError(error)) throw error
  // `ok: false` keeps this type apart from the actions' own answers, which would otherwise be folded into it.
  return data({ ok: false as const, result: submission.reply({ formErrors: [error.message], fieldErrors: conformPaths(error.fieldErrors) }) }, { status: error.status })
}

/** lib/ names nested fields "actionSteps.0.dueDate"; Conform names them "actionSteps[0].dueDate". */
function conformPaths(fieldErrors: Record<string, string[] | undefined> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [path, messages] of Object.entries(fieldErrors ?? {})) {
    if (messages?.length) out[path.replace(/\.(\d+)(?=\.|$)/g, '[$1]')] = messages
  }
  return out
}
