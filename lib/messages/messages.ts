import type { AttentionReason } from '../attention/attention.shared'
import { upsertDismissal } from '../attention/needs-attention'
import type { Database } from '../db/database'
import { AppError } from '../errors'
import type { Mailer } from '../mail/mailer'

/**
 * In-app messages between a coach and a client of the same program (issue 13, point 5):
 * the follow-ups a coach sends from "needs attention", and the client's replies. The
 * database decides who may write to whom (a coach to their clients, a client to their
 * coaches, in the program they share); a message is never edited once sent. With SMTP
 * configured, the message-emails job also emails each one to its recipient, once.
 */

export interface Message {
  id: string
  programId: string
  programName: string
  senderId: string
  senderName: string
  recipientId: string
  recipientName: string
  body: string
  createdAt: string
  readAt: string | null
  /** Sent by the viewer (else received). */
  mine: boolean
}

export interface Correspondent {
  userId: string
  name: string
  programId: string
  programName: string
  /** The correspondent's role towards the viewer. */
  role: 'coach' | 'client'
}

export const messagesPageSize = 30

interface MessageRow {
  id: string
  program_id: string
  program_name: string | null
  sender_id: string
  sender_name: string | null
  recipient_id: string
  recipient_name: string | null
  body: string
  created_at: Date
  read_at: Date | null
}

/**
 * The viewer's messages, sent and received, newest first: one keyset page (`before` is the
 * cursor the previous page returned), whatever the length of the history.
 */
export async function listMessages(
  db: Database,
  { userId, before = null, limit = messagesPageSize }: { userId: string; before?: string | null; limit?: number },
): Promise<{ messages: Message[]; next: string | null; unread: number }> {
  const cursor = parseCursor(before)
  return db.asUser(userId, async (tx) => {
    const rows = await tx.query<MessageRow>(
      `with mine as (
         (select * from public.messages m
          where m.recipient_id = $1 and ($2::timestamptz is null or (m.created_at, m.id) < ($2::timestamptz, $3::uuid))
          order by m.created_at desc, m.id desc limit $4)
         union all
         (select * from public.messages m
          where m.sender_id = $1 and ($2::timestamptz is null or (m.created_at, m.id) < ($2::timestamptz, $3::uuid))
          order by m.created_at desc, m.id desc limit $4)
       )
       select m.id, m.program_id, p.name as program_name, m.sender_id, sp.display_name as sender_name,
              m.recipient_id, rp.display_name as recipient_name, m.body, m.created_at, m.read_at
       from mine m
       left join public.programs p on p.id = m.program_id
       left join public.profiles sp on sp.id = m.sender_id
       left join public.profiles rp on rp.id = m.recipient_id
       order by m.created_at desc, m.id desc
       limit $4`,
      [userId, cursor?.createdAt ?? null, cursor?.id ?? null, limit + 1],
    )
    const [unread] = await tx.query<{ n: number }>(
      'select count(*)::int as n from (select 1 from public.messages where recipient_id = $1 and read_at is null limit 100) u',
      [userId],
    )
    const page = rows.slice(0, limit).map((row) => toMessage(row, userId))
    const last = page.at(-1)
    return { messages: page, next: rows.length > limit && last ? `${last.createdAt}_${last.id}` : null, unread: unread?.n ?? 0 }
  })
}

/** How many unread messages the viewer has (counted up to 100). */
export async function unreadCount(db: Database, { userId }: { userId: string }): Promise<number> {
  const [row] = await db.asUser(userId, (tx) =>
    tx.query<{ n: number }>('select count(*)::int as n from (select 1 from public.messages where recipient_id = $1 and read_at is null limit 100) u', [userId]),
  )
  return row?.n ?? 0
}

/** The people the viewer may write to: their clients (as a coach) and their coaches (as a client), per program. */
export async function listCorrespondents(db: Database, { userId }: { userId: string }): Promise<Correspondent[]> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query<{ user_id: string; name: string | null; program_id: string; program_name: string; role: 'coach' | 'client' }>(
      `select c.client_id as user_id, pr.display_name as name, c.program_id, p.name as program_name, 'client' as role
       from private.my_clients() c join public.programs p on p.id = c.program_id left join public.profiles pr on pr.id = c.client_id
       union all
       select c.coach_id, pr.display_name, c.program_id, p.name, 'coach'
       from private.my_coaches() c join public.programs p on p.id = c.program_id left join public.profiles pr on pr.id = c.coach_id
       where c.coach_id <> $1
       order by 2, 4
       limit 500`,
      [userId],
    ),
  )
  return rows.map((row) => ({ userId: row.user_id, name: row.name ?? 'Someone', programId: row.program_id, programName: row.program_name, role: row.role }))
}

/**
 * Sends a message. From a needs-attention item, `about` names the reasons it follows up,
 * and they are dismissed in the same transaction: the coach has acted on them.
 */
export async function sendMessage(
  db: Database,
  {
    userId,
    recipientId,
    programId,
    body,
    messageId,
    followsUp = [],
  }: {
    userId: string
    recipientId: string
    programId: string
    body: string
    /** The id the form was given when it was shown: the same form sent twice writes one message. */
    messageId: string
    followsUp?: readonly AttentionReason[]
  },
): Promise<{ id: string; alreadySent: boolean }> {
  return db.asUser(userId, async (tx) => {
    const [allowed] = await tx.query<{ ok: boolean }>(
      `select exists (select 1 from private.my_clients() c where c.client_id = $1 and c.program_id = $2)
           or exists (select 1 from private.my_coaches() c where c.coach_id = $1 and c.program_id = $2) as ok`,
      [recipientId, programId],
    )
    if (!allowed?.ok || recipientId === userId) {
      throw new AppError('not_found', 'You can write to your coaches and your clients, in the program you share. That person is not one of them.')
    }
    const [row] = await tx.query<{ id: string }>(
      `insert into public.messages (id, program_id, sender_id, recipient_id, body, about) values ($1, $2, $3, $4, $5, $6)
       on conflict (id) do nothing returning id`,
      [messageId, programId, userId, recipientId, body, followsUp[0] ?? null],
    )
    if (!row) return { id: messageId, alreadySent: true }
    for (const reason of followsUp) await upsertDismissal(tx, { userId, clientId: recipientId, programId, reason })
    return { id: row.id, alreadySent: false }
  })
}

/** Marks the viewer's received messages read (all of them, or up to a moment: what the page showed). */
export async function markMessagesRead(db: Database, { userId, upTo }: { userId: string; upTo: Date }): Promise<number> {
  const rows = await db.asUser(userId, (tx) =>
    tx.query('update public.messages set read_at = now() where recipient_id = $1 and read_at is null and created_at <= $2 returning id', [
      userId,
      upTo.toISOString(),
    ]),
  )
  return rows.length
}

// ─── email, for the job ──────────────────────────────────────────────────────────────

/** How many messages one run of the job emails at most (the next run takes the rest). */
const emailBatch = 50

/**
 * Emails the messages not yet emailed (the last day's; older ones stay in the app only) to
 * their recipients, as the service. Each is stamped emailed_at right after it is handed to
 * the SMTP server, one by one, so a failure part way leaves the rest for the retry, and a
 * message already stamped is never sent again. (A crash between the hand-off and the
 * stamp would send that one message twice: better than losing it. Decision 028.)
 */
export async function emailPendingMessages(
  db: Database,
  { mail, now = new Date() }: { mail: { mailer: Mailer; appUrl: string } | null; now?: Date },
): Promise<{ emailed: number; waiting: number }> {
  if (!mail) return { emailed: 0, waiting: 0 }
  const { mailer, appUrl } = mail
  const pending = await db.asService((tx) =>
    tx.query<{ id: string; body: string; email: string | null; sender_name: string | null; program_name: string; recipient_name: string | null }>(
      `select m.id, m.body, u.email::text as email, sp.display_name as sender_name, p.name as program_name, rp.display_name as recipient_name
       from public.messages m
       join auth.users u on u.id = m.recipient_id
       join public.programs p on p.id = m.program_id
       left join public.profiles sp on sp.id = m.sender_id
       left join public.profiles rp on rp.id = m.recipient_id
       where m.emailed_at is null and m.created_at > $1::timestamptz - interval '1 day'
       order by m.created_at
       limit ${emailBatch + 1}`,
      [now.toISOString()],
    ),
  )
  let emailed = 0
  for (const message of pending.slice(0, emailBatch)) {
    if (message.email) {
      const sender = message.sender_name ?? 'Someone in your program'
      await mailer.send({
        to: message.email,
        subject: `${sender} sent you a message on Stagecoach`,
        text: [
          `Hi ${message.recipient_name ?? 'there'},`,
          `${sender} wrote to you in ${message.program_name}:`,
          message.body,
          `Read and reply in Stagecoach: ${new URL('/messages', appUrl).toString()}`,
        ].join('\n\n'),
      })
      emailed++
    }
    // Stamped even without an address: there is nowhere to send it, and it stays in the app.
    await db.asService((tx) => tx.query('update public.messages set emailed_at = now() where id = $1 and emailed_at is null', [message.id]))
  }
  return { emailed, waiting: Math.max(0, pending.length - emailBatch) }
}

function toMessage(row: MessageRow, viewerId: string): Message {
  return {
    id: row.id,
    programId: row.program_id,
    programName: row.program_name ?? 'A program',
    senderId: row.sender_id,
    senderName: row.sender_name ?? 'Someone',
    recipientId: row.recipient_id,
    recipientName: row.recipient_name ?? 'Someone',
    body: row.body,
    createdAt: new Date(row.created_at).toISOString(),
    readAt: row.read_at ? new Date(row.read_at).toISOString() : null,
    mine: row.sender_id === viewerId,
  }
}

function parseCursor(value: string | null): { createdAt: string; id: string } | null {
  if (!value) return null
  const match = /^(\d{4}-\d{2}-\d{2}T[\d:.]+Z)_([0-9a-f-]{36})$/i.exec(value)
  if (!match) throw new AppError('invalid', 'That page of messages does not exist. Go back to the newest messages.')
  return { createdAt: match[1]!, id: match[2]! }
}
