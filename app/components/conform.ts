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
}: {
  id: string
  schema: Schema
  lastResult: SubmissionResult<string[]> | null | undefined
  defaultValue?: DefaultValue<input<Schema>>
}) {
  return useForm<input<Schema>, output<Schema>>({
    id,
    lastResult,
    defaultValue,
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
}
