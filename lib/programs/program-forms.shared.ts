import { z } from '../zod.shared'

/**
 * The forms of the program pages, shared by lib/programs (which validates what it writes),
 * the actions (Conform's parseWithZod) and the components.
 */

export const programNameSchema = z
  .string({ error: 'Give the program a name.' })
  .trim()
  .min(1, 'Give the program a name.')
  .max(120, 'Use at most 120 characters for the name.')

export const inviteSchema = z.object({
  role: z.enum(['client', 'coach'], { error: 'Choose whether you are inviting a client or a coach.' }),
  note: z.string().trim().max(200, 'Keep the note under 200 characters.').default(''),
  expiresInDays: z.coerce
    .number({ error: 'Choose how long the link stays valid.' })
    .int()
    .min(1, 'A link must stay valid for at least 1 day.')
    .max(30, 'A link can stay valid for at most 30 days.')
    .default(7),
})

/** A new program. */
export const createProgramForm = z.object({ name: programNameSchema })

const memberId = z.uuid('Not found')

/** A program's own activity type: a code the database accepts and the label people see. */
export const sessionTypeForm = z.object({
  intent: z.literal('add-session-type'),
  label: z.string({ error: 'Name the activity.' }).trim().min(1, 'Name the activity.').max(60, 'Keep the name under 60 characters.'),
})

/** The activity type's code from its label: "Tension board" → TENSION_BOARD. */
export function sessionTypeCode(label: string): string {
  const code = label
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase()
    .slice(0, 40)
  return /^[A-Z]/.test(code) ? code : `T_${code}`.slice(0, 40)
}

/** Everything the program page can send: an invite, withdrawing one, removing a client, leaving, the training settings. */
export const programPageForm = z.discriminatedUnion('intent', [
  inviteSchema.extend({ intent: z.literal('invite') }),
  z.object({ intent: z.literal('withdraw-invite'), inviteId: memberId }),
  z.object({ intent: z.literal('remove-client'), clientId: memberId }),
  z.object({ intent: z.literal('leave') }),
  z.object({
    intent: z.literal('daily-cap'),
    dailySessionCap: z.number({ error: 'Give a number of sessions from 1 to 20.' }).int('Give a whole number of sessions.').min(1, 'At least 1 session a day.').max(20, 'At most 20 sessions a day.'),
  }),
  z.object({
    intent: z.literal('inactivity-days'),
    inactivityDays: z.number({ error: 'Give a number of days from 2 to 60.' }).int('Give a whole number of days.').min(2, 'At least 2 days.').max(60, 'At most 60 days.'),
  }),
  sessionTypeForm,
  z.object({ intent: z.literal('remove-session-type'), typeId: memberId }),
])

/** Accepting an invite: one button; the token is in the link. */
export const acceptInviteForm = z.object({})
