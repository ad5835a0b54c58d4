import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react'

/** Every control has a visible label; errors are tied to it for screen readers. */
function FieldShell({
  id,
  label,
  hint,
  errors,
  children,
}: {
  id: string
  label: ReactNode
  hint?: ReactNode
  errors?: string[]
  children: ReactNode
}) {
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-slate-600">
          {hint}
        </p>
      ) : null}
      {children}
      {errors && errors.length > 0 ? (
        <ul id={`${id}-errors`} className="text-sm text-red-700" aria-live="polite">
          {errors.map((error) => (
            <li key={error}>{error}</li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

const controlClass =
  'w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 shadow-sm ' +
  'aria-[invalid=true]:border-red-600 disabled:bg-slate-100'

function describedBy(id: string, hint: unknown, errors: string[] | undefined) {
  return [hint ? `${id}-hint` : null, errors?.length ? `${id}-errors` : null].filter(Boolean).join(' ') || undefined
}

export function TextField({
  label,
  hint,
  errors,
  ...input
}: { label: ReactNode; hint?: ReactNode; errors?: string[] } & InputHTMLAttributes<HTMLInputElement>) {
  const generatedId = useId()
  const id = input.id ?? generatedId
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors}>
      <input
        {...input}
        id={id}
        className={controlClass}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
      />
    </FieldShell>
  )
}

export function TextAreaField({
  label,
  hint,
  errors,
  ...textarea
}: { label: ReactNode; hint?: ReactNode; errors?: string[] } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const generatedId = useId()
  const id = textarea.id ?? generatedId
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors}>
      <textarea
        {...textarea}
        id={id}
        className={controlClass}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
      />
    </FieldShell>
  )
}

export function SelectField({
  label,
  hint,
  errors,
  children,
  ...select
}: { label: ReactNode; hint?: ReactNode; errors?: string[] } & SelectHTMLAttributes<HTMLSelectElement>) {
  const generatedId = useId()
  const id = select.id ?? generatedId
  return (
    <FieldShell id={id} label={label} hint={hint} errors={errors}>
      <select
        {...select}
        id={id}
        className={controlClass}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
      >
        {children}
      </select>
    </FieldShell>
  )
}

/** A message about the whole form, announced when it appears. */
export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      {children}
    </div>
  )
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div role="status" className="rounded-md border border-brand-100 bg-brand-50 px-3 py-2 text-sm text-brand-800">
      {children}
    </div>
  )
}

const buttonStyles = {
  primary: 'bg-brand-700 text-white hover:bg-brand-800 disabled:bg-slate-400',
  secondary: 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400',
  danger: 'border border-red-300 bg-white text-red-700 hover:bg-red-50 disabled:text-slate-400',
} as const

export function buttonClass(variant: keyof typeof buttonStyles = 'primary') {
  return `inline-flex min-h-10 items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-semibold ${buttonStyles[variant]}`
}

/** A submit button that says it is working while its form is being sent. */
export function SubmitButton({
  children,
  pendingText,
  pending,
  variant = 'primary',
  ...button
}: {
  children: ReactNode
  pendingText?: ReactNode
  pending?: boolean
  variant?: keyof typeof buttonStyles
} & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="submit" {...button} disabled={pending || button.disabled} className={buttonClass(variant)}>
      {pending ? (pendingText ?? 'Working…') : children}
    </button>
  )
}
