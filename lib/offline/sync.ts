import type { Database, Tx } from '../db/database'
import { AppError, isAppError } from '../errors'
import { completeSessionIn } from '../coaching/sessions'
import type { MeasureValue } from '../measures/measures.shared'
import type { SyncEntry, SyncResult } from './sync.shared'

/**
 * Writing what a device recorded without signal, entry by entry in the device's order, as
 * the person who sent it (decision 030). Each entry is its own unit of work: the write (a
 * measure through the same trigger and policies as online, or Mark Complete through the
 * same checks) and its receipt (public.sync_receipts, keyed by sender and client id) commit
 * together or not at all. A send of an entry that has a receipt answers as the first did
 * and writes nothing; two sends at once meet at the unique client id and the loser reads
 * the winner's receipt.
 */
export async function syncEntries(db: Database, { userId, entries }: { userId: string; entries: SyncEntry[] }): Promise<SyncResult[]> {
  const ordered = [...entries].sort((a, b) => a.sequence - b.sequence)
  const results: SyncResult[] = []
  for (const entry of ordered) results.push(await syncEntry(db, userId, entry))
  // Answered in the order sent, so the device matches them up by id or by place.
  return entries.map((entry) => results.find((result) => result.clientId === entry.clientId)!)
}

interface Receipt {
  measure_id: string | null
}

async function receiptOf(tx: Tx, clientId: string): Promise<Receipt | undefined> {
  const [row] = await tx.query<Receipt>('select measure_id from public.sync_receipts where user_id = (select auth.uid()) and client_id = $1', [clientId])
  return row
}

async function syncEntry(db: Database, userId: string, entry: SyncEntry): Promise<SyncResult> {
  try {
    return await db.asUser(userId, async (tx) => {
      const earlier = await receiptOf(tx, entry.clientId)
      if (earlier) return { clientId: entry.clientId, status: 'synced', duplicate: true, measureId: earlier.measure_id }
      const measureId = await write(tx, userId, entry)
      await tx.query(
        `insert into public.sync_receipts (user_id, client_id, kind, session_id, measure_id, device_sequence, device_recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [userId, entry.clientId, entry.kind, entry.sessionId, measureId, entry.sequence, entry.deviceTime],
      )
      return { clientId: entry.clientId, status: 'synced', duplicate: false, measureId }
    })
  } catch (error) {
    // Sent twice at once: the other send wrote it (its receipt is there now).
    const earlier = await db.asUser(userId, (tx) => receiptOf(tx, entry.clientId)).catch(() => undefined)
    if (earlier) return { clientId: entry.clientId, status: 'synced', duplicate: true, measureId: earlier.measure_id }
    if (isAppError(error) && error.kind !== 'unavailable') {
      // Row-level security says only "not found"; say what that means for an entry.
      const reason = error.kind === 'not_found' && error.message === 'Not found.' ? 'That session is not there, or you may not record in it.' : error.message
      return { clientId: entry.clientId, status: 'refused', conflict: error.kind === 'conflict', reason }
    }
    if (!isAppError(error)) console.error('offline sync: an entry failed', error)
    return { clientId: entry.clientId, status: 'failed', reason: isAppError(error) ? error.message : 'Something went wrong on our side. It will be tried again.' }
  }
}

const valueColumns = (value: MeasureValue | null) => [
  value?.kind === 'number' ? value.value : null,
  value?.kind === 'scale' ? value.value : null,
  value?.kind === 'yes_no' ? value.value : null,
  value?.kind === 'text' ? value.value : null,
]

/** The entry's write, as online: the database's trigger and policies decide. Returns the measure written, if any. */
async function write(tx: Tx, userId: string, entry: SyncEntry): Promise<string | null> {
  switch (entry.kind) {
    case 'record': {
      if (entry.modification?.kind === 'skipped' ? entry.value !== null : entry.value === null) {
        throw new AppError('invalid', entry.value === null ? 'Give a value, or mark it skipped.' : 'A skipped item has no value.')
      }
      const [row] = await tx.query<{ id: string }>(
        `insert into public.measures
           (session_id, item_key, metric_key, set_number, value_numeric, value_scale, value_boolean, value_text,
            modification, modification_reason, recorded_by, recorder_id, client_id, device_recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'client', $11, $12, $13)
         returning id`,
        [
          entry.sessionId, entry.itemKey, entry.metricKey, entry.setNumber, ...valueColumns(entry.value),
          entry.modification?.kind ?? null, entry.modification?.reason ?? null, userId, entry.clientId, entry.deviceTime,
        ],
      )
      return row!.id
    }
    case 'correct': {
      if (entry.modification?.kind === 'skipped' ? entry.value !== null : entry.value === null) {
        throw new AppError('invalid', entry.value === null ? 'Give the corrected value, or mark it skipped.' : 'A skipped item has no value.')
      }
      const priorId = 'measureId' in entry.supersedes ? entry.supersedes.measureId : (await receiptOf(tx, entry.supersedes.clientId))?.measure_id
      if (!priorId) throw new AppError('invalid', 'The value this corrects has not reached the server yet: it is sent first, then this correction.')
      const [prior] = await tx.query<{ metric_key: string; session_id: string }>('select metric_key, session_id from public.measures where id = $1', [priorId])
      if (!prior || prior.session_id !== entry.sessionId) throw new AppError('not_found', 'That measure does not exist, or you cannot correct it.')
      // A correction is a new version: the trigger takes what it measures from the version it corrects.
      const [row] = await tx.query<{ id: string }>(
        `insert into public.measures
           (supersedes_id, metric_key, value_numeric, value_scale, value_boolean, value_text, modification, modification_reason,
            recorded_by, recorder_id, client_id, device_recorded_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, 'client', $9, $10, $11)
         returning id`,
        [priorId, prior.metric_key, ...valueColumns(entry.value), entry.modification?.kind ?? null, entry.modification?.reason ?? null, userId, entry.clientId, entry.deviceTime],
      )
      return row!.id
    }
    case 'complete': {
      const [session] = await tx.query<{ completed_at: Date | null; cancelled_at: Date | null }>(
        'select completed_at, cancelled_at from public.coaching_sessions where id = $1',
        [entry.sessionId],
      )
      if (!session) throw new AppError('not_found', 'That session does not exist, or you cannot mark it complete.')
      if (session.completed_at) {
        throw new AppError('conflict', `This session was marked complete on the server meanwhile (${session.completed_at.toISOString().slice(0, 16).replace('T', ' ')} UTC): nothing more is recorded in it.`)
      }
      if (session.cancelled_at) throw new AppError('conflict', 'This session was cancelled on the server meanwhile: nothing more is recorded in it.')
      await completeSessionIn(tx, { userId, sessionId: entry.sessionId })
      return null
    }
  }
}


/**
 * The sessions a device keeps for offline use: the person's running one and their next
 * planned ones (due from yesterday to a week ahead, not done or cancelled), soonest first.
 * Their pages hold the items, prescriptions and targets.
 */
export async function sessionsToKeepOffline(db: Database, { userId, limit = 5 }: { userId: string; limit?: number }): Promise<{ id: string; title: string }[]> {
  return db.asUser(userId, (tx) =>
    tx.query<{ id: string; title: string }>(
      `select s.id, s.title from public.coaching_sessions s
       where s.user_id = $1 and s.completed_at is null and s.cancelled_at is null
         and (s.started_at is not null or (s.due_at >= now() - interval '1 day' and s.due_at < now() + interval '8 days'))
       order by s.started_at is null, s.due_at nulls last, s.id
       limit $2`,
      [userId, limit],
    ),
  )
}
