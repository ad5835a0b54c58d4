import { z } from '../zod.shared'

/**
 * The rules a new password must meet. Each rule that fails gets its own message, so the
 * person signing up sees everything to fix at once.
 */
export const passwordRules = [
  { test: (password: string) => password.length >= 12, message: 'Use at least 12 characters.' },
  { test: (password: string) => /\p{Lu}/u.test(password), message: 'Include an upper-case letter.' },
  { test: (password: string) => /\p{Ll}/u.test(password), message: 'Include a lower-case letter.' },
  { test: (password: string) => /\p{Nd}/u.test(password), message: 'Include a digit.' },
  // Hashing is deliberately slow; an enormous password must not tie up the server.
  { test: (password: string) => password.length <= 200, message: 'Use at most 200 characters.' },
] as const

export function passwordProblems(password: string): string[] {
  return passwordRules.filter((rule) => !rule.test(password)).map((rule) => rule.message)
}

/** Emails are compared and stored in lower case. */
export const emailSchema = z
  .string({ error: 'Enter your email address.' })
  .trim()
  .toLowerCase()
  .min(1, 'Enter your email address.')
  .max(254, 'That email address is too long.')
  .pipe(z.email('Enter a valid email address, like name@example.com.'))

export const newPasswordSchema = z.string({ error: 'Choose a password.' }).superRefine((password, ctx) => {
  for (const message of passwordProblems(password)) ctx.addIssue({ code: 'custom', message })
})

export const displayNameSchema = z
  .string({ error: 'Enter your name.' })
  .trim()
  .min(1, 'Enter your name.')
  .max(100, 'Use at most 100 characters for your name.')

export const signUpSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  displayName: displayNameSchema,
})
export type SignUpInput = z.infer<typeof signUpSchema>

export const signInSchema = z.object({
  email: emailSchema,
  password: z.string({ error: 'Enter your password.' }).min(1, 'Enter your password.').max(200, 'That password is too long.'),
})
export type SignInInput = z.infer<typeof signInSchema>

/**
 * The sign-in pages' forms, one schema each, shared by the action (Conform's parseWithZod)
 * and the component. Passwords are never sent back to the page (app/utils/forms.server.ts).
 */
export const forgotPasswordForm = z.object({ email: emailSchema })

/** The built-in auth's reset link carries a token; Supabase's recovery session needs none. */
export const resetPasswordForm = z.object({
  token: z.string().max(200).default(''),
  password: newPasswordSchema,
})

/**
 * The sign-in page: signing in, or (offered when the email is not confirmed yet) sending the
 * confirmation email again, which needs no password.
 */
export const signInForm = z
  .object({
    intent: z.enum(['sign-in', 'resend-confirmation']).default('sign-in'),
    email: emailSchema,
    password: z.string().optional(),
    redirectTo: z.string().optional(),
  })
  .superRefine((form, ctx) => {
    if (form.intent !== 'sign-in') return
    const problem = signInSchema.shape.password.safeParse(form.password ?? '')
    for (const issue of problem.error?.issues ?? []) ctx.addIssue({ code: 'custom', path: ['password'], message: issue.message })
  })

/** Signing up, perhaps through a program's invite link, which it then accepts. */
export const signUpForm = signUpSchema.extend({
  redirectTo: z.string().optional(),
  inviteToken: z.string().optional(),
})
