import { useForm, type DefaultValue, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import type { input, output, $ZodType } from 'zod/v4/core'

/**
 * A Conform form validated in the browser with the same Zod schema its action parses with
 * (lib/**\/*-forms.shared.ts). Errors show on blur and clear as the person types; the
 * server's reply (`lastResult`) brings its errors and, without JavaScript, what was typed.
 */
export function useSchemaForm<Schema extends $ZodType<Record<string, unknown>, Record<string, unknown>>>({
  id,
  schema,
  lastResult,
  defaultValue,
  checkInBrowser = true,
}: {
  id: string
  schema: Schema
  lastResult: SubmissionResult<string[]> | null | undefined
  defaultValue?: DefaultValue<input<Schema>>
  /** false: only the server judges (its answer, errors and all, comes back the same with or without JavaScript). */
  checkInBrowser?: boolean
}) {
  return useForm<input<Schema>, output<Schema>>({
    id,
    lastResult,
    defaultValue,
    // Judged only on the server: validate when sent, or Conform would send the server a validation request on every blur.
    shouldValidate: checkInBrowser ? 'onBlur' : 'onSubmit',
    shouldRevalidate: checkInBrowser ? 'onInput' : 'onSubmit',
    onValidate: checkInBrowser ? ({ formData }) => parseWithZod(formData, { schema }) : undefined,
  })
}
