/**
 * Sending a message through the SMTP relay with nodemailer, retrying temporary failures with
 * backoff within the run (issue 15).
 *
 * Temporary (retried): an SMTP reply 4xx (421 service not available, 450/451/452 try later), and
 * a connection that fails, times out or drops. Permanent (not retried): a 5xx reply (recipient
 * unknown, authentication refused), an invalid envelope.
 */
import type { Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import type { MailMessage } from './message.ts';
import type { SmtpSettings } from './settings.ts';

/** Who gets a message and how to reach the relay: what sending the report and an alert share. */
export interface SendingOptions {
  readonly to: readonly string[];
  /** Domain of the sender, for `Message-ID`s. */
  readonly domain: string;
  /** Waits between attempts after a temporary failure, in ms. */
  readonly retryDelaysMs: readonly number[];
  readonly transmit: Transmit;
  readonly sleep?: Sleep;
  /** The clock, for the record's times. */
  readonly now?: () => Date;
}

/** Addresses of one sending. */
export interface Envelope {
  readonly to: readonly string[];
}

/** What became of a sending, after the retries. */
export type SendOutcome =
  | {
      readonly ok: true;
      readonly messageId: string;
      /** The relay's last reply, e.g. `250 2.0.0 Ok: queued as 4B2F1`. */
      readonly response: string;
      readonly accepted: readonly string[];
      readonly rejected: readonly string[];
      readonly attempts: number;
    }
  | {
      readonly ok: false;
      readonly messageId: string;
      /** French reason, with the relay's reply when there is one. */
      readonly error: string;
      /** The relay's reply (`421 4.3.2 Service not available`), when there is one. */
      readonly response?: string;
      /** `true` when retrying is pointless (5xx). */
      readonly permanent: boolean;
      readonly attempts: number;
    };

/** Sends one message once; rejects with nodemailer's error. Injectable for tests. */
export type Transmit = (message: MailMessage, envelope: Envelope) => Promise<{ response: string; accepted: string[]; rejected: string[] }>;

/** Waits `ms` milliseconds. Injectable for tests. */
export type Sleep = (ms: number) => Promise<void>;

const sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Connection timeouts (ms): a relay that does not answer is a temporary failure, not a hang. */
const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 120_000 } as const;

/**
 * A `Transmit` through the relay of `settings` (one connection per message; no pool, the job
 * sends a handful of messages a month).
 */
export function smtpTransmit(settings: SmtpSettings): Transmit {
  let transport: Transporter<SMTPTransport.SentMessageInfo> | undefined;
  // nodemailer is loaded by the first message only: a monthly run that sends nothing never loads it.
  const open = async (): Promise<Transporter<SMTPTransport.SentMessageInfo>> => (transport ??= (await import('nodemailer')).default.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    ...(settings.auth ? { auth: { user: settings.auth.user, pass: settings.auth.pass } } : {}),
    ...TIMEOUTS,
    disableFileAccess: true,
    disableUrlAccess: true,
  }));
  return async (message, envelope) => {
    const info = await (await open()).sendMail({
      from: settings.from,
      to: [...envelope.to],
      subject: message.subject,
      text: message.text,
      messageId: message.messageId,
      date: message.date,
      ...(message.references ? { references: message.references, inReplyTo: message.references } : {}),
      attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.content) })),
    });
    return { response: info.response, accepted: info.accepted.map(String), rejected: info.rejected.map(String) };
  };
}

/** An SMTP error as nodemailer reports it. */
interface SmtpError {
  readonly code?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly message?: string;
}

/** Whether an error is worth retrying: 4xx replies and connection trouble. */
export function isTemporary(err: unknown): boolean {
  const e = (err ?? {}) as SmtpError;
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500;
  return ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'].includes(e.code ?? '');
}

/** The reason of a failed attempt, in French, with the relay's reply when there is one. */
export function failureReason(err: unknown): string {
  const e = (err ?? {}) as SmtpError;
  if (e.response) return `le serveur SMTP a répondu « ${e.response.trim()} »`;
  if (e.code === 'EAUTH') return 'authentification refusée par le serveur SMTP';
  if (e.code === 'ECONNECTION' || e.code === 'ESOCKET' || e.code === 'ECONNREFUSED') return `connexion au serveur SMTP impossible (${e.message ?? e.code})`;
  if (e.code === 'ETIMEDOUT') return 'le serveur SMTP ne répond pas (délai dépassé)';
  return e.message ?? String(err);
}

/**
 * Sends `message` to `envelope.to`; a temporary failure is retried after each of `delaysMs` in
 * turn, so at most `delaysMs.length + 1` attempts. Never throws: the outcome says what happened.
 * The same `Message-ID` is used for every attempt, so a message the relay did take before a
 * dropped connection is recognisable as one.
 */
export async function sendWithRetry(transmit: Transmit, message: MailMessage, envelope: Envelope, delaysMs: readonly number[], wait: Sleep = sleep): Promise<SendOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      const info = await transmit(message, envelope);
      return { ok: true, messageId: message.messageId, response: info.response, accepted: info.accepted, rejected: info.rejected, attempts: attempt };
    } catch (err) {
      const temporary = isTemporary(err);
      const delay = delaysMs[attempt - 1];
      if (!temporary || delay === undefined) {
        const response = (err as SmtpError | undefined)?.response?.trim();
        return { ok: false, messageId: message.messageId, error: failureReason(err), ...(response ? { response } : {}), permanent: !temporary, attempts: attempt };
      }
      await wait(delay);
    }
  }
}
