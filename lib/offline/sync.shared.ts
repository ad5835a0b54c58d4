import { z } from '../zod.shared'
import { measureValueSchema, metricKeySchema, modificationSchema } from '../measures/measures.shared'

/**
 * What a device sends when it syncs what was recorded without signal, and what the server
 * answers for each entry: the one vocabulary of the sync endpoint (app/routes/offline.sync.ts)
 * and of the browser's outbox (app/offline/). A pure module (decision 010); see decision 030.
 */

/** At most this many entries in one send; a device with more sends them in turns. */
export const syncBatchLimit = 50
/** Tries before an entry the server keeps refusing is shown as an error for the person to deal with. */
export const syncTriesBeforeError = 3

const entryBase = {
  /** The id the device gave the entry: a retried or duplicated send of it writes once. */
  clientId: z.uuid(),
  /** Its place in the device's order of entries. */
  sequence: z.number().int().min(0).max(2_147_483_647),
  /** When it was recorded, by the device's clock. */
  deviceTime: z.iso.datetime({ offset: true }),
}

export const syncEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    ...entryBase,
    kind: z.literal('record'),
    sessionId: z.uuid(),
    itemKey: z.uuid().nullable(),
    metricKey: metricKeySchema,
    setNumber: z.number().int().min(1).max(50).nullable(),
    value: measureValueSchema.nullable(),
    modification: modificationSchema.nullable(),
  }),
  z.object({
    ...entryBase,
    kind: z.literal('correct'),
    sessionId: z.uuid(),
    /** The version corrected: one the server has (its id) or one recorded on this device (its client id). */
    supersedes: z.union([z.object({ measureId: z.uuid() }), z.object({ clientId: z.uuid() })]),
    value: measureValueSchema.nullable(),
    modification: modificationSchema.nullable(),
  }),
  z.object({ ...entryBase, kind: z.literal('complete'), sessionId: z.uuid() }),
])
export type SyncEntry = z.infer<typeof syncEntrySchema>

export const syncRequestSchema = z.object({
  entries: z.array(syncEntrySchema).min(1, 'Send at least one entry.').max(syncBatchLimit, `Send at most ${syncBatchLimit} entries at once.`),
})
export type SyncRequest = z.infer<typeof syncRequestSchema>

/**
 * The server's answer for one entry:
 * - `synced`: written now, or earlier (`duplicate`: a send of it was written before; nothing more was);
 * - `refused`: a rule refused it (the reason says which); `conflict` when the server's side
 *   changed meanwhile (the session completed or cancelled, the value corrected already):
 *   shown to the person, never overwritten; otherwise it may be tried again;
 * - `failed`: something went wrong on the server's side; try again.
 */
export type SyncResult =
  | { clientId: string; status: 'synced'; duplicate: boolean; measureId: string | null }
  | { clientId: string; status: 'refused'; conflict: boolean; reason: string }
  | { clientId: string; status: 'failed'; reason: string }

export interface SyncResponse {
  results: SyncResult[]
}
