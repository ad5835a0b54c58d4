import nodemailer from 'nodemailer'
import type { Env } from '../env'

/** Sends plain-text emails (password resets) through the SMTP server in SMTP_URL. */
export interface Mailer {
  send(message: { to: string; subject: string; text: string }): Promise<void>
}

/** The mailer the environment configures, or null when SMTP_URL is not set. */
export function createMailer(env: Pick<Env, 'SMTP_URL' | 'MAIL_FROM'>): Mailer | null {
  if (!env.SMTP_URL) return null
  const transport = nodemailer.createTransport(env.SMTP_URL)
  return {
    async send({ to, subject, text }) {
      await transport.sendMail({ from: env.MAIL_FROM, to, subject, text })
    },
  }
}
