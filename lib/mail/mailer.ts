import nodemailer from 'nodemailer'
import type { Env } from '../env'

/** Plain-text emails (password resets, the weekly digest) through the SMTP server in SMTP_URL. */
export interface Mailer {
  send(message: {
    to: string
    subject: string
    text: string
    /** Extra headers, e.g. List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) on the digest. */
    headers?: Record<string, string>
  }): Promise<void>
}

/** The mailer the environment configures, or null when SMTP_URL is not set. */
export function createMailer(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM'>): Mailer | null {
  if (!env.SMTP_URL) return null
  const transport = nodemailer.createTransport(env.SMTP_URL)
  return {
    async send({ to, subject, text, headers }) {
      await transport.sendMail({ from: env.MAIL_FROM, to, subject, text, ...(headers ? { headers } : {}) })
    },
  }
}
