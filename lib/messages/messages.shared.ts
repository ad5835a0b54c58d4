import { z } from '../zod.shared'

/** The messages page's forms, shared by its action and its components. */

/** A message's text: what a person types, checked the same way on both sides. */
export const messageBodySchema = z
  .string({ error: 'Write the message first.' })
  .trim()
  .min(1, 'Write the message first.')
  .max(4000, 'A message can be at most 4,000 characters. Shorten it, or send it in two.')

/** Who a message goes to: one of the viewer's coaches or clients, in the program they share ("person:program"). */
export const recipientSchema = z
  .string({ error: 'Choose who to write to.' })
  .regex(/^[0-9a-f-]{36}:[0-9a-f-]{36}$/i, 'Choose who to write to from the list.')
  .transform((value) => {
    const [userId, programId] = value.split(':') as [string, string]
    return { userId, programId }
  })

export const messagesPageForm = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('send'), to: recipientSchema, messageId: z.uuid('Reload the page and send it again.'), body: messageBodySchema }),
  z.object({ intent: z.literal('mark-read'), upTo: z.iso.datetime({ error: 'Reload the page and try again.' }) }),
])
