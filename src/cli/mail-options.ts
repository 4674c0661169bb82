/**
 * The e-mail side of `alses monthly` (issue 15): options `--destinataires`,
 * `--destinataires-fichier`, `--joindre`, `--alerte`, `--quiet`, and `MonthlyMailing`, which the
 * command's handler calls at three points: before the run (settings, recipients), under the lock
 * after publishing (send the report), and at the end (exit code, alert, log fields).
 *
 * The SMTP relay and its credentials come from the environment only (src/mail/settings.ts).
 */
import type { Argv } from 'yargs';
import { AlsesError, EXIT_CODES } from '../errors.ts';
import { alertFailure, type AlertLog } from '../mail/alert.ts';
import { deliverMonthly, deliveryFailed, type DeliveryLog } from '../mail/deliver.ts';
import { ofMonth, type AlertCause, type AttachableFormat } from '../mail/message.ts';
import { smtpTransmit, type Transmit } from '../mail/send.ts';
import { parseAddresses, readAddressFile, readSmtpSettings, type Env, type SmtpSettings } from '../mail/settings.ts';
import type { MonthlyLog, PublishedMonthly } from '../jobs/monthly.ts';
import { nonEmptyPath } from './shared.ts';
import { formatShortDate } from '../dates.ts';

/** The e-mail options of `alses monthly`. */
export interface MailArgs {
  destinataires?: string;
  'destinataires-fichier'?: string;
  joindre: string;
  alerte?: string;
  quiet: boolean;
}

const ATTACHABLE = ['pdf', 'docx'] as const satisfies readonly AttachableFormat[];

/** Adds the e-mail options to the `monthly` command. */
export function withMailOptions<T>(yargs: Argv<T>): Argv<T & MailArgs> {
  return yargs
    .option('destinataires', { type: 'string', requiresArg: true, describe: 'Envoyer le rapport à ces adresses, séparées par des virgules (serveur : ALSES_SMTP_URL)' })
    .option('destinataires-fichier', { type: 'string', requiresArg: true, describe: 'Envoyer le rapport aux adresses de ce fichier (une par ligne)', coerce: nonEmptyPath('destinataires-fichier') })
    .option('joindre', { type: 'string', requiresArg: true, default: 'pdf', describe: 'Formats joints au message : pdf, ou pdf,docx' })
    .option('alerte', { type: 'string', requiresArg: true, describe: 'Prévenir cette adresse (ou ces adresses) par message si l\'exécution échoue, une fois par mois et par cause' })
    .option('quiet', { type: 'boolean', default: false, describe: 'Rien sur la sortie standard si tout va bien (pour cron) ; le journal JSON est toujours écrit' });
}

/** The `mail`/`alert` fields a run adds to its log line. */
export type MailLogFields = Pick<MonthlyLog, 'mail' | 'alert'>;

/** Cause of alert for each exit code of a failed run. */
const CAUSE_BY_CODE: Record<number, AlertCause> = {
  [EXIT_CODES.INVALID_INPUT]: 'invalid',
  [EXIT_CODES.USAGE]: 'usage',
  [EXIT_CODES.OUTPUT]: 'failed',
  [EXIT_CODES.LOCKED]: 'locked',
  [EXIT_CODES.MAIL]: 'unsent',
  [EXIT_CODES.STALE]: 'stale',
};

/**
 * The e-mailing of one monthly run. Create it from the command's arguments, call `prepare()`
 * before the run, pass `afterPublish` to `runMonthly`, then `finish()` with the run's outcome.
 */
export class MonthlyMailing {
  private settings?: SmtpSettings;
  private transmit?: Transmit;
  private recipients: string[] = [];
  private alertTo: string[] = [];
  private attach: AttachableFormat[] = ['pdf'];
  private deliveries: DeliveryLog[] = [];

  constructor(
    private readonly args: MailArgs & { out: string; log?: string },
    private readonly env: Env = process.env,
  ) {}

  /**
   * Reads the recipients and the SMTP settings, when the run sends anything.
   * @throws AlsesError USAGE on an invalid address, an unknown format to attach, or a missing or
   *   invalid `ALSES_SMTP_URL` / credentials (exit 2, before anything is rendered).
   */
  async prepare(): Promise<void> {
    const { args } = this;
    if (args.destinataires !== undefined) this.recipients.push(...parseAddresses(args.destinataires, '--destinataires'));
    if (args['destinataires-fichier'] !== undefined) this.recipients.push(...(await readAddressFile(args['destinataires-fichier'], '--destinataires-fichier')));
    this.recipients = [...new Set(this.recipients)];
    if (args.alerte !== undefined) this.alertTo = parseAddresses(args.alerte, '--alerte');
    const attach = args.joindre.split(',').map((f) => f.trim().toLowerCase());
    for (const f of attach)
      if (!(ATTACHABLE as readonly string[]).includes(f)) throw new AlsesError('USAGE', `Format joint « ${f} » inconnu pour --joindre (attendu : pdf, docx ; ex. --joindre pdf,docx)`);
    this.attach = [...new Set(['pdf', ...attach])] as AttachableFormat[];
    if (!this.recipients.length && !this.alertTo.length) return;
    this.settings = await readSmtpSettings(this.env);
    this.transmit = smtpTransmit(this.settings);
  }

  /** The hook `runMonthly` calls under the lock after publishing; `undefined` when there are no recipients. */
  get afterPublish(): ((published: PublishedMonthly) => Promise<void>) | undefined {
    const { settings, transmit } = this;
    if (!settings || !transmit || !this.recipients.length) return undefined;
    return async (published) => {
      try {
        this.deliveries = await deliverMonthly(published, { to: this.recipients, attach: this.attach, domain: settings.domain, retryDelaysMs: settings.retryDelaysMs, transmit });
      } catch (err) {
        // The report is written: a record that cannot be kept is a sending failure (exit 5), not a render failure.
        this.deliveries = [{ month: published.month, status: 'failed', recipients: this.recipients, error: err instanceof Error ? err.message : String(err) }];
      }
    };
  }

  /** The exit code of a run that wrote its report: `MAIL` (5) when a sending failed, else 0. */
  exitCode(): number {
    return deliveryFailed(this.deliveries) ? EXIT_CODES.MAIL : 0;
  }

  /**
   * Prints the sendings (stdout unless `--quiet`; failures always on stderr, in French).
   */
  print(quiet: boolean): void {
    for (const d of this.deliveries) {
      if (d.status === 'failed')
        process.stderr.write(`alses : rapport ${ofMonth(d.month)} non envoyé : ${d.error ?? 'échec'}${d.attempts ? ` (${d.attempts} tentative${d.attempts > 1 ? 's' : ''})` : ''} ; il sera envoyé à la prochaine exécution (code 5).\n`);
      else if (d.rejected?.length) process.stderr.write(`alses : adresses refusées par le serveur SMTP pour le rapport ${ofMonth(d.month)} : ${d.rejected.join(', ')}\n`);
      if (!quiet && d.status !== 'failed') process.stdout.write(`${d.status === 'sent' ? 'envoyé' : 'déjà envoyé'} : ${d.subject ?? d.month} → ${d.recipients.join(', ')}\n`);
    }
  }

  /**
   * Ends the run: sends the failure alert when `exitCode` is not 0 and `--alerte` was given, and
   * returns the log fields (`mail`, `alert`). A failed alert is also said on stderr.
   * @param failure the error that ended the run, if any (its diagnostics go into the alert).
   * @param stale for a report written from old data (exit 6): the date of the latest état or
   *   déploiement and how many months before the report's month it is.
   */
  async finish(month: string, exitCode: number, failure?: unknown, stale?: { readonly derniereDate: string; readonly mois: number }): Promise<MailLogFields> {
    const fields: { mail?: DeliveryLog[]; alert?: AlertLog } = this.deliveries.length ? { mail: this.deliveries } : {};
    const { settings, transmit } = this;
    if (exitCode === 0 || !this.alertTo.length || !settings || !transmit) return fields;
    const unsent = this.deliveries.find((d) => d.status === 'failed');
    const sent = this.deliveries.some((d) => d.status === 'sent' || d.status === 'already-sent');
    const error =
      failure instanceof Error
        ? failure.message
        : failure !== undefined
          ? String(failure)
          : unsent || !stale
            ? `rapport ${ofMonth(unsent?.month ?? month)} non envoyé : ${unsent?.error ?? 'échec'}`
            : `données anciennes : l'état ou le déploiement le plus récent date du ${formatShortDate(stale.derniereDate)}, plus de ${stale.mois} mois avant la fin du mois du rapport ; le rapport est écrit${sent ? ' et envoyé' : ''} (attendu : un état plus récent, voir « alses etat --au AAAA-MM-JJ »)`;
    fields.alert = await alertFailure({
      outDir: this.args.out,
      month,
      cause: CAUSE_BY_CODE[exitCode] ?? 'failed',
      exitCode,
      error,
      diagnostics: failure instanceof AlsesError ? failure.diagnostics : [],
      ...(this.args.log ? { logFile: this.args.log } : {}),
      to: this.alertTo,
      domain: settings.domain,
      retryDelaysMs: settings.retryDelaysMs,
      transmit,
    });
    if (fields.alert.status === 'failed') process.stderr.write(`alses : alerte non envoyée à ${this.alertTo.join(', ')} : ${fields.alert.error ?? 'échec'}\n`);
    return fields;
  }
}
