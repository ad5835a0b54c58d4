import { SMTPServer } from 'smtp-server'

/** An email as it arrived: envelope, headers, and the decoded plain-text body. */
export interface ReceivedEmail {
  from: string
  to: string[]
  subject: string
  text: string
  /** The header block as it arrived (folded lines joined), for headers the fields above do not cover. */
  headers: string
}

/** One header's value (folded lines unfolded), or null when the email has none. */
export function headerOf(email: ReceivedEmail, name: string): string | null {
  const escaped = name.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')
  return new RegExp(`^${escaped}:[ \\t]*(.*)$`, 'im').exec(email.headers)?.[1]?.trim() ?? null
}

export interface SmtpReceiver {
  url: string
  emails: ReceivedEmail[]
  /** Resolves once `count` emails have arrived (SMTP delivery finishes after sendMail returns to the sender). */
  waitFor(count: number): Promise<ReceivedEmail[]>
  close(): Promise<void>
}

function decodeBody(headers: string, body: string): string {
  const encoding = /^content-transfer-encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase()
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    return Buffer.from(bytes, 'latin1').toString('utf8')
  }
  return body
}

/** A real SMTP server on a free local port that keeps what it receives (no TLS, no auth). */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const emails: ReceivedEmail[] = []
  const waiters: { count: number; resolve: (emails: ReceivedEmail[]) => void }[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        const split = raw.indexOf('\r\n\r\n')
        const headers = raw.slice(0, split)
        emails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: /^subject:\s*(.*)$/im.exec(headers)?.[1]?.trim() ?? '',
          text: decodeBody(headers, raw.slice(split + 4)),
          headers: headers.replace(/\r?\n[ \t]+/g, ' '),
        })
        for (const waiter of waiters.filter((w) => emails.length >= w.count)) waiter.resolve([...emails])
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.server.address()
  if (!address || typeof address === 'string') throw new Error('The SMTP receiver has no TCP port')
  const { port } = address
  return {
    url: `smtp://127.0.0.1:${port}`,
    emails,
    waitFor(count) {
      if (emails.length >= count) return Promise.resolve([...emails])
      return new Promise((resolve) => waiters.push({ count, resolve }))
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** The first http(s) link in a text. */
export function linkIn(text: string): string {
  const match = /https?:\/\/\S+/.exec(text)
  if (!match) throw new Error(`No link in:\n${text}`)
  return match[0]
}
