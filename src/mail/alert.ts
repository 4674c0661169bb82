/**
 * Alerting the operator when a monthly run fails (issue 15): one French e-mail per report month
 * and cause at most, recorded in `out/.alertes.json` (see record.ts for why a separate file).
 */
import { hostname } from 'node:os';
import type { Diagnostic } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';
import { alertMessage, type AlertCause } from './message.ts';
import { readAlertRecord, writeAlertRecord, type AlertRecord } from './record.ts';
import { sendWithRetry, type SendingOptions } from './send.ts';

/** The alert as the JSON log shows it (`alert` field). */
export interface AlertLog {
  readonly cause: AlertCause;
  /** `sent`; `already-sent` (this month and cause, at `time`); `failed` (the relay refused or is down). */
  readonly status: 'sent' | 'already-sent' | 'failed';
  readonly recipients: readonly string[];
  readonly messageId?: string;
  /** When the alert was sent (for `already-sent`: the first time). */
  readonly time?: string;
  readonly response?: string;
  /** French reason of a failure, or of a record that could not be kept. */
  readonly error?: string;
}

/** A failed run, and where to send its alert. */
export interface AlertRequest extends SendingOptions {
  readonly outDir: string;
  /** Month of the report, `YYYY-MM`. */
  readonly month: string;
  readonly cause: AlertCause;
  readonly exitCode: number;
  /** French error message of the run. */
  readonly error: string;
  readonly diagnostics: readonly Diagnostic[];
  readonly logFile?: string;
}

/**
 * Sends the alert of a failed run unless one was already sent for this month and cause. Never
 * throws: a record that cannot be read means sending anyway (better twice than never); one that
 * cannot be written is noted in the result.
 */
export async function alertFailure(request: AlertRequest): Promise<AlertLog> {
  const key = `${request.month}/${request.cause}`;
  const base = { cause: request.cause, recipients: request.to };
  let record: AlertRecord | undefined;
  let recordError: string | undefined;
  try {
    record = await readAlertRecord(request.outDir);
  } catch (err) {
    recordError = err instanceof AlsesError ? err.message : String(err);
  }
  const done = record?.alerts[key];
  if (done) return { ...base, status: 'already-sent', messageId: done.messageId, time: done.time };
  const time = (request.now ?? (() => new Date()))();
  let message;
  try {
    message = alertMessage({ ...request, time, host: hostname() });
  } catch (err) {
    return { ...base, status: 'failed', error: `alerte impossible à rédiger : ${err instanceof Error ? err.message : String(err)}` };
  }
  const outcome = await sendWithRetry(request.transmit, message, { to: request.to }, request.retryDelaysMs, request.sleep);
  if (!outcome.ok) return { ...base, status: 'failed', messageId: message.messageId, ...(outcome.response ? { response: outcome.response } : {}), error: outcome.error };
  const alerts = { ...(record?.alerts ?? {}), [key]: { time: time.toISOString(), messageId: message.messageId, recipients: [...outcome.accepted] } };
  try {
    await writeAlertRecord(request.outDir, { product: 'alses-reports', alerts });
  } catch (err) {
    recordError = err instanceof AlsesError ? err.message : String(err);
  }
  return { ...base, status: 'sent', recipients: outcome.accepted, messageId: message.messageId, time: time.toISOString(), response: outcome.response, ...(recordError ? { error: recordError } : {}) };
}
