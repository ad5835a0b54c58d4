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

/** Everything the program page can send: an invite, withdrawing one, removing a client, leaving. */
export const programPageForm = z.discriminatedUnion('intent', [
  inviteSchema.extend({ intent: z.literal('invite') }),
  z.object({ intent: z.literal('withdraw-invite'), inviteId: memberId }),
  z.object({ intent: z.literal('remove-client'), clientId: memberId }),
  z.object({ intent: z.literal('leave') }),
])

/** Accepting an invite: one button; the token is in the link. */
export const acceptInviteForm = z.object({})
