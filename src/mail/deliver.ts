/**
 * Sending the monthly report to its readers exactly once per version (issue 15). Runs under the
 * output folder's lock, right after the report is published, so two runs never send the same
 * report twice.
 *
 * - a report whose version (SHA-256 of its PDF) was already sent is not sent again;
 * - a report rewritten because its data changed is sent again, subject "(mis à jour)";
 * - a sending that fails (after the retries within the run) is kept in `out/.envois.json` as
 *   pending, with its composed message; the next run — for any month — sends it first.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { displayPath } from '../diagnostics.ts';
import { AlsesError, diagnosticError } from '../errors.ts';
import { sha256 } from '../output/manifest.ts';
import type { RapportMensuelContext } from '../reports/rapport-mensuel.ts';
import { CONTENT_TYPES, monthlyMessage, type AttachableFormat, type MailAttachment, type MailMessage } from './message.ts';
import { readSentRecord, writeSentRecord, type PendingSending, type ReportSendings } from './record.ts';
import { sendWithRetry, type SendOutcome, type SendingOptions } from './send.ts';

/** One sending as the JSON log shows it (`mail` field). */
export interface DeliveryLog {
  /** Month of the report, `YYYY-MM`. */
  readonly month: string;
  /** `sent`: the relay took it; `already-sent`: this version was sent before; `failed`: kept for the next run. */
  readonly status: 'sent' | 'already-sent' | 'failed';
  readonly subject?: string;
  readonly messageId?: string;
  /** Recipients the relay accepted (`sent`), or to whom the message was addressed. */
  readonly recipients: readonly string[];
  /** Recipients the relay refused while accepting others. */
  readonly rejected?: readonly string[];
  /** The relay's last reply. */
  readonly response?: string;
  readonly attempts?: number;
  /** French reason of a failure. */
  readonly error?: string;
}

/** What the monthly job hands over once the report is published. */
export interface DeliveryInput {
  readonly outDir: string;
  /** Month of the report, `YYYY-MM`. */
  readonly month: string;
  /** Base name of its files: `rapport-mensuel-2019-09`. */
  readonly baseName: string;
  /** Its view model: the key figures of the message body come from it. */
  readonly context: RapportMensuelContext;
  /** Files published (or left unchanged) by the run, with their SHA-256. */
  readonly outputs: readonly { readonly path: string; readonly sha256: string }[];
}

/** Who gets the report, and how to reach the relay. */
export interface DeliveryRequest extends SendingOptions {
  /** Formats attached; the PDF always is. */
  readonly attach: readonly AttachableFormat[];
}

/**
 * Sends what must be sent from `input.outDir`: first the messages left pending by earlier runs,
 * then this month's report unless its version was already sent. Records each sending or failure
 * in `out/.envois.json` as soon as it happens. After a temporary failure that outlasted the
 * retries, the next messages are tried once only (the relay is down; no point waiting again).
 * Callers hold the output folder's lock.
 * @returns one entry per message considered, for the log; never throws for an SMTP failure.
 * @throws AlsesError OUTPUT when the record cannot be read or written (nothing is sent then, so
 *   that no report is sent twice).
 */
export async function deliverMonthly(input: DeliveryInput, request: DeliveryRequest): Promise<DeliveryLog[]> {
  const now = request.now ?? (() => new Date());
  const record = await readSentRecord(input.outDir);
  const logs: DeliveryLog[] = [];
  let delays = request.retryDelaysMs;
  const send = async (message: MailMessage): Promise<SendOutcome> => {
    const outcome = await sendWithRetry(request.transmit, message, { to: request.to }, delays, request.sleep);
    if (!outcome.ok && !outcome.permanent) delays = [];
    return outcome;
  };

  for (const [name, entry] of Object.entries(record.reports).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!entry.pending || name === input.baseName) continue;
    const message = await pendingMessage(input.outDir, entry.pending).catch((err: unknown) => (err instanceof AlsesError ? err : undefined));
    if (!message || message instanceof AlsesError) {
      const error = message?.message ?? 'pièces jointes illisibles';
      entry.pending = { ...entry.pending, runs: entry.pending.runs + 1, error };
      logs.push({ month: entry.month, status: 'failed', subject: entry.pending.subject, messageId: entry.pending.messageId, recipients: request.to, error });
    } else {
      logs.push(settle(entry, entry.pending.version, message, await send(message), request.to, now()));
    }
    await writeSentRecord(input.outDir, record);
  }

  const pdf = input.outputs.find((o) => o.path.endsWith('.pdf'));
  if (!pdf) throw new AlsesError('OUTPUT', `Rapport de ${input.month} sans PDF : rien à envoyer (attendu : ${input.baseName}.pdf)`);
  const entry: ReportSendings = record.reports[input.baseName] ?? { month: input.month, sent: [] };
  record.reports[input.baseName] = entry;
  const last = entry.sent.at(-1);
  if (last?.version === pdf.sha256) {
    logs.push({ month: input.month, status: 'already-sent', subject: last.subject, messageId: last.messageId, recipients: last.recipients });
    return logs;
  }
  const attachments = await Promise.all(
    input.outputs
      .filter((o) => o === pdf || request.attach.some((f) => f !== 'pdf' && o.path.endsWith(`.${f}`)))
      .map(async (o): Promise<MailAttachment> => ({ filename: path.basename(o.path), contentType: contentType(o.path), content: await readFile(o.path) })),
  );
  const message = monthlyMessage({
    context: input.context,
    baseName: input.baseName,
    version: pdf.sha256,
    domain: request.domain,
    attachments,
    ...(last ? { previous: { messageId: last.messageId, time: last.time } } : {}),
  });
  logs.push(settle(entry, pdf.sha256, message, await send(message), request.to, now()));
  await writeSentRecord(input.outDir, record);
  return logs;
}

const contentType = (file: string): string => CONTENT_TYPES[path.extname(file).slice(1) as AttachableFormat] ?? 'application/octet-stream';

/** Records an outcome in `entry` (a sending, or a pending message) and returns its log entry. */
function settle(entry: ReportSendings, version: string, message: MailMessage, outcome: SendOutcome, to: readonly string[], time: Date): DeliveryLog {
  const base = { month: entry.month, subject: message.subject, messageId: message.messageId };
  if (outcome.ok) {
    entry.sent.push({ time: time.toISOString(), version, messageId: message.messageId, subject: message.subject, recipients: [...outcome.accepted], rejected: [...outcome.rejected], response: outcome.response });
    delete entry.pending;
    return { ...base, status: 'sent', recipients: outcome.accepted, ...(outcome.rejected.length ? { rejected: outcome.rejected } : {}), response: outcome.response, attempts: outcome.attempts };
  }
  const previous = entry.pending?.version === version ? entry.pending : undefined;
  entry.pending = {
    since: previous?.since ?? time.toISOString(),
    version,
    messageId: message.messageId,
    subject: message.subject,
    text: message.text,
    date: message.date.toISOString(),
    ...(message.references ? { references: message.references } : {}),
    attachments: message.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, sha256: sha256(a.content) })),
    runs: (previous?.runs ?? 0) + 1,
    error: outcome.error,
  };
  return { ...base, status: 'failed', recipients: to, ...(outcome.response ? { response: outcome.response } : {}), attempts: outcome.attempts, error: outcome.error };
}

/**
 * The message of a pending sending, its attachments read back from the output folder.
 * @throws AlsesError OUTPUT when an attachment is missing or changed since (the report was
 *   rendered again without sending: `alses monthly --month` with `--destinataires` sends it).
 */
async function pendingMessage(outDir: string, pending: PendingSending): Promise<MailMessage> {
  const attachments = await Promise.all(
    pending.attachments.map(async (a): Promise<MailAttachment> => {
      const file = path.join(outDir, a.filename);
      const content = await readFile(file).catch(() => undefined);
      if (!content || sha256(content) !== a.sha256)
        throw diagnosticError('OUTPUT', {
          severity: 'error',
          ruleId: 'mail/attachment-changed',
          message: `« ${file} » ${content ? 'a changé' : 'a disparu'} depuis l'échec de son envoi (relancez alses monthly pour ce mois avec --destinataires)`,
          place: { file: displayPath(file) },
        });
      return { filename: a.filename, contentType: a.contentType, content };
    }),
  );
  return {
    subject: pending.subject,
    text: pending.text,
    messageId: pending.messageId,
    date: new Date(pending.date),
    ...(pending.references ? { references: pending.references } : {}),
    attachments,
  };
}

/** Whether some sending of the run failed (exit code `MAIL`). */
export const deliveryFailed = (logs: readonly DeliveryLog[]): boolean => logs.some((l) => l.status === 'failed');
