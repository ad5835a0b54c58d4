import { displayNameSchema, newPasswordSchema } from './auth/credentials.shared'
import { z } from './zod.shared'

/**
 * The settings page's forms, one schema each, shared by its action (Conform's parseWithZod)
 * and its components. Each form says which it is by its `intent`.
 */

/** A time zone this runtime knows (IANA names such as Europe/London, or UTC). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value })
    return true
  } catch {
    return false
  }
}

export const timeZoneSchema = z
  .string({ error: 'Choose your time zone.' })
  .trim()
  .min(1, 'Choose your time zone.')
  .max(64, 'Choose your time zone from the list.')
  .refine(isTimeZone, 'Choose your time zone from the list.')

/** An ISO 3166-1 alpha-2 code, or empty for "not saying" (the international support list). */
export const countrySchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^([A-Z]{2})?$/, 'Choose your country from the list.')
  .optional()
  .transform((value) => value || null)

export const profileForm = z.object({
  intent: z.literal('profile'),
  displayName: displayNameSchema,
  timezone: timeZoneSchema,
  country: countrySchema,
})

export const passwordForm = z.object({
  intent: z.literal('password'),
  currentPassword: z.string({ error: 'Enter your current password.' }).min(1, 'Enter your current password.').max(200, 'That password is too long.'),
  newPassword: newPasswordSchema,
})

export const signOutOthersForm = z.object({ intent: z.literal('sign-out-others') })

export const memoryForm = z.object({ intent: z.enum(['memory-pause', 'memory-resume', 'memory-clear']) })

/** The weekly email digest on or off (offered only when the server has SMTP set). */
export const digestForm = z.object({ intent: z.enum(['digest-on', 'digest-off']) })

export const settingsForm = z.discriminatedUnion('intent', [profileForm, passwordForm, signOutOthersForm, memoryForm, digestForm])
