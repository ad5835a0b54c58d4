import { z } from '../zod.shared'

/**
 * Deleting an account (issue 15): the confirmation form and what stops a deletion, in words.
 * Pure, so the page and the action share them.
 */
export const deleteAccountForm = z.object({
  password: z.string({ error: 'Enter your password to confirm.' }).min(1, 'Enter your password to confirm.'),
})

/** What must happen before an account can go: programs that still have clients, sessions coached for others. */
export interface DeletionBlockers {
  programs: { id: string; name: string; clients: number }[]
  /** Sessions of other people this person coached, or that sit in a program they created. */
  othersSessions: number
}

export const noBlockers = (blockers: DeletionBlockers) => blockers.programs.length === 0 && blockers.othersSessions === 0

/** The message a coach gets when their account cannot go yet, saying what to do first. */
export function blockersMessage(blockers: DeletionBlockers): string {
  const parts: string[] = []
  if (blockers.programs.length > 0) {
    const list = blockers.programs.map((p) => `${p.name} (${p.clients} client${p.clients === 1 ? '' : 's'})`).join(', ')
    parts.push(
      `You still lead ${list}. Hand each program over to another coach (invite them as a coach, then leave it) or close it by removing its clients, then delete your account.`,
    )
  }
  if (blockers.othersSessions > 0) {
    parts.push(
      `${blockers.othersSessions} session${blockers.othersSessions === 1 ? '' : 's'} you coached belong${blockers.othersSessions === 1 ? 's' : ''} to other people’s records; they stay theirs, so your account cannot be removed from them yet. Ask for help to hand them over.`,
    )
  }
  return parts.join(' ')
}
