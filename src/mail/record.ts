/**
 * What was e-mailed from an output folder (issue 15): a sidecar of `out/manifest.json`,
 * `out/.envois.json`, and the alerts already sent, `out/.alertes.json`.
 *
 * Why a sidecar rather than the manifest: the manifest says what was produced from what and holds
 * no clock time (same data and templates, same bytes), which `alses verify` relies on, and
 * `alses render` rewrites it from its own schema (unknown fields would be dropped); a sending
 * carries a time and the relay's reply, and changes when nothing is produced. The files start
 * with a dot, so `alses verify` does not count them as outputs. Alerts have their own file because
 * they are recorded without the folder's lock (a run locked out alerts too), which must never
 * overwrite a sending recorded meanwhile by the run holding the lock.
 */
import path from 'node:path';
import { z } from 'zod';
import { displayPath } from '../diagnostics.ts';
import { AlsesError, diagnosticError } from '../errors.ts';
import { writeAtomic } from '../output/atomic.ts';
import { productFileSchema, readJsonFile } from '../output/json.ts';

/** File name of the sendings' record inside an output folder. */
export const SENT_FILE = '.envois.json';
/** File name of the alerts' record inside an output folder. */
export const ALERTS_FILE = '.alertes.json';

const sentSchema = z.object({
  /** When the relay took the message (ISO, UTC; the clock). */
  time: z.string(),
  /** SHA-256 of the report's PDF: the version sent. */
  version: z.string(),
  messageId: z.string(),
  subject: z.string(),
  /** Recipients the relay accepted. */
  recipients: z.array(z.string()),
  /** Recipients the relay refused. */
  rejected: z.array(z.string()),
  /** The relay's reply. */
  response: z.string(),
});

const pendingSchema = z.object({
  /** When the first failed attempt ended (ISO, UTC). */
  since: z.string(),
  version: z.string(),
  messageId: z.string(),
  subject: z.string(),
  text: z.string(),
  /** The message's `Date` (ISO). */
  date: z.string(),
  references: z.string().optional(),
  /** Files to attach, by name in the output folder, with the SHA-256 they had. */
  attachments: z.array(z.object({ filename: z.string(), contentType: z.string(), sha256: z.string() })),
  /** Runs that tried and failed. */
  runs: z.number().int().positive(),
  /** French reason of the last failure. */
  error: z.string(),
});

const reportSchema = z.object({
  /** Month of the report, `YYYY-MM`. */
  month: z.string(),
  /** Every sending of this report, oldest first. */
  sent: z.array(sentSchema),
  /** A message composed but not sent yet: the next run sends it. */
  pending: pendingSchema.optional(),
});

/** Schema of `out/.envois.json`. */
export const sentRecordSchema = productFileSchema('reports', reportSchema); // by report base name (`rapport-mensuel-2019-09`)

/** Contents of `out/.envois.json`. */
export type SentRecord = z.infer<typeof sentRecordSchema>;
/** One report's sendings. */
export type ReportSendings = z.infer<typeof reportSchema>;
/** One sending. */
export type Sending = z.infer<typeof sentSchema>;
/** A message waiting for the next run. */
export type PendingSending = z.infer<typeof pendingSchema>;

/** By `YYYY-MM/cause`: the alert already sent for that month and cause. */
const alertsSchema = productFileSchema('alerts', z.object({ time: z.string(), messageId: z.string(), recipients: z.array(z.string()) }));

/** Contents of `out/.alertes.json`. */
export type AlertRecord = z.infer<typeof alertsSchema>;

/** Reads a record; absent, it is `empty`. */
async function readRecord<T>(file: string, schema: z.ZodType<T>, empty: T): Promise<T> {
  const read = await readJsonFile(file, schema);
  switch (read.status) {
    case 'ok':
      return read.value;
    case 'absent':
      return empty;
    case 'unreadable':
      throw new AlsesError('OUTPUT', `Registre des envois « ${file} » illisible : ${read.reason}`);
    case 'invalid':
      throw diagnosticError('OUTPUT', {
        severity: 'error',
        ruleId: 'mail/record-invalid',
        message: `Registre des envois « ${file} » illisible (attendu : le fichier JSON écrit par alses monthly) ; rien n'est envoyé tant qu'il n'est pas réparé ou supprimé`,
        place: { file: displayPath(file) },
      });
  }
}

const serialize = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');

/**
 * Reads `outDir/.envois.json`; absent, it is empty.
 * @throws AlsesError OUTPUT when it exists but cannot be read or parsed: sending then stops
 *   rather than send every report again.
 */
export function readSentRecord(outDir: string): Promise<SentRecord> {
  return readRecord(path.join(outDir, SENT_FILE), sentRecordSchema, { product: 'alses-reports', reports: {} });
}

/**
 * Writes `outDir/.envois.json` atomically. Callers hold the output folder's lock.
 * @throws AlsesError OUTPUT when it cannot be written.
 */
export async function writeSentRecord(outDir: string, record: SentRecord): Promise<void> {
  const reports = Object.fromEntries(Object.entries(record.reports).sort(([a], [b]) => (a < b ? -1 : 1)));
  await writeAtomic(path.join(outDir, SENT_FILE), serialize({ product: record.product, reports }));
}

/**
 * Reads `outDir/.alertes.json`; absent, it is empty.
 * @throws AlsesError OUTPUT when it exists but cannot be read or parsed.
 */
export function readAlertRecord(outDir: string): Promise<AlertRecord> {
  return readRecord(path.join(outDir, ALERTS_FILE), alertsSchema, { product: 'alses-reports', alerts: {} });
}

/**
 * Writes `outDir/.alertes.json` atomically (the folder is created if needed).
 * @throws AlsesError OUTPUT when it cannot be written.
 */
export async function writeAlertRecord(outDir: string, record: AlertRecord): Promise<void> {
  await writeAtomic(path.join(outDir, ALERTS_FILE), serialize(record));
}
