/**
 * The French e-mails of the product (issue 15): the monthly report sent to its readers, and the
 * alert sent to the operator when a run fails. Pure functions: no clock, no I/O.
 *
 * The report's message is derived from its content only: its `Message-ID` names the report and
 * the SHA-256 of its PDF, and its `Date` is the report's date (00:00 Europe/Paris on the month's
 * last day, the date written in the PDF) — so a re-send of the same report is the same message,
 * which mail clients and the relay recognise, and an updated report is a new one.
 */
import path from 'node:path';
import { formatDiagnostic, sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import { formatDate, formatMonth } from '../dates.ts';
import { countOf, formatEtp, formatNumber } from '../format.ts';
import type { RapportMensuelContext } from '../reports/rapport-mensuel.ts';
import { documentDate } from '../writers/shared.ts';

/** An attachment, read from the output folder. */
export interface MailAttachment {
  /** File name shown to the reader (`rapport-mensuel-2019-09.pdf`). */
  readonly filename: string;
  readonly contentType: string;
  readonly content: Uint8Array;
}

/** A message ready to send (addresses excepted: the sender and recipients are the run's). */
export interface MailMessage {
  readonly subject: string;
  /** Plain-text body, French, `\n` line ends. */
  readonly text: string;
  /** `<…@domain>`, derived from the content. */
  readonly messageId: string;
  readonly date: Date;
  /** `Message-ID` of the message this one updates, for threading. */
  readonly references?: string;
  readonly attachments: readonly MailAttachment[];
}

/** MIME types of the attachable formats. */
export const CONTENT_TYPES = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
} as const;
/** A format that can be attached to the report's e-mail. */
export type AttachableFormat = keyof typeof CONTENT_TYPES;

/** Plain text: French dates and months keep ordinary spaces in an e-mail. */
const plain = (s: string): string => s.replace(/[\u00a0\u202f]/g, ' ');

/**
 * A month (`AAAA-MM`) after « de », as French writes it: "de septembre 2019", "d'août 2019",
 * "d'octobre 2019" (elision before a vowel), ordinary spaces.
 */
export const ofMonth = (month: string): string => {
  const name = plain(formatMonth(month));
  return /^[aeiouyâéè]/i.test(name) ? `d'${name}` : `de ${name}`;
};

const signed = (n: number): string => (n > 0 ? `+${formatNumber(n)}` : formatNumber(n));

/** `Rapport mensuel ALSES — septembre 2019`, with ` (mis à jour)` for an updated report. */
export function monthlySubject(month: string, updated: boolean): string {
  return `Rapport mensuel ALSES — ${plain(formatMonth(month))}${updated ? ' (mis à jour)' : ''}`;
}

/** `<rapport-mensuel-2019-09.0ed88f7f0c4fbe28@exemple.fr>`: the report and its PDF's SHA-256. */
export function monthlyMessageId(baseName: string, version: string, domain: string): string {
  return `<${baseName}.${version.slice(0, 16)}@${domain}>`;
}

/** Input of `monthlyMessage`. */
export interface MonthlyMessageInput {
  /** The report's view model (`buildRapportMensuelContext`): key figures and changes. */
  readonly context: Pick<RapportMensuelContext, 'mois' | 'date' | 'datePrecedente' | 'chiffresCles' | 'changements' | 'premierMois'>;
  /** Base name of the report's files: `rapport-mensuel-2019-09`. */
  readonly baseName: string;
  /** The report's version: SHA-256 of its PDF, hex. */
  readonly version: string;
  /** Domain of the sender, for the `Message-ID`. */
  readonly domain: string;
  readonly attachments: readonly MailAttachment[];
  /** The last version sent before, when this one updates it. */
  readonly previous?: { readonly messageId: string; readonly time: string };
}

/**
 * The monthly report's e-mail: subject "Rapport mensuel ALSES — septembre 2019" (with
 * "(mis à jour)" when `previous` is given), a short French body with the key figures of the
 * report (ETP, collèges, structures, conventions; variation since the previous month's end) and
 * the changes of the month, and the report's files attached.
 */
export function monthlyMessage(input: MonthlyMessageInput): MailMessage {
  const { context: c } = input;
  const lines = [
    'Bonjour,',
    '',
    `Veuillez trouver ci-joint le rapport mensuel du dispositif ALSES ${ofMonth(c.mois)} : l'état au ${plain(formatDate(c.date))}.`,
  ];
  if (input.previous)
    lines.push('', `Ce rapport remplace celui envoyé le ${plain(formatDate(input.previous.time.slice(0, 10)))} : les données du mois ont été corrigées depuis.`);
  lines.push('', c.premierMois ? `Chiffres clés au ${plain(formatDate(c.date))} :` : `Chiffres clés au ${plain(formatDate(c.date))} (évolution depuis le ${plain(formatDate(c.datePrecedente))}) :`);
  for (const k of c.chiffresCles) lines.push(`- ${k.libelle} : ${formatEtp(k.apres)}${c.premierMois ? '' : ` (${signed(k.variation)})`}`);
  lines.push('', ...changeLines(c.changements));
  lines.push('', `Pièces jointes : ${input.attachments.map((a) => `${a.filename} (${formatNumber(Math.ceil(a.content.byteLength / 1024))} Ko)`).join(', ')}.`);
  lines.push('', '-- ', 'Message envoyé automatiquement par alses-reports (alses monthly) ; merci de ne pas y répondre.');
  return {
    subject: monthlySubject(c.mois, input.previous !== undefined),
    text: plain(lines.join('\n')) + '\n',
    messageId: monthlyMessageId(input.baseName, input.version, input.domain),
    date: documentDate({ date: c.date }),
    ...(input.previous ? { references: input.previous.messageId } : {}),
    attachments: input.attachments,
  };
}

/** The changes of the month, as the report's "Changements du mois" section words them. */
function changeLines(ch: RapportMensuelContext['changements']): string[] {
  if (!ch) return ['Premier mois couvert par les données : pas de comparaison avec le mois précédent.'];
  if (ch.aucun) return ['Aucun changement au cours du mois.'];
  const lines = ['Changements du mois :'];
  if (ch.ajouts.nombreColleges)
    lines.push(`- ${countOf(ch.ajouts.nombreColleges, 'collège ajouté', 'collèges ajoutés')} (${formatEtp(ch.ajouts.totalEtp)} ETP, dont ${formatNumber(ch.ajouts.nombreEducationPrioritaire)} en REP ou REP +)`);
  if (ch.retraits.nombreColleges) lines.push(`- ${countOf(ch.retraits.nombreColleges, 'collège retiré', 'collèges retirés')} (${formatEtp(ch.retraits.totalEtp)} ETP)`);
  if (ch.etpModifies.length) lines.push(`- ETP modifiés : ${formatNumber(ch.etpModifies.length)}`);
  if (ch.structuresModifiees.length) lines.push(`- Structures porteuses changées : ${formatNumber(ch.structuresModifiees.length)}`);
  return lines;
}

/**
 * Why a run failed, as the alert names it. `stale` (data too old) is a slot for the stale-data
 * check another issue adds to the monthly job; `unsent` is a report written but not e-mailed.
 */
export const ALERT_CAUSES = {
  invalid: 'données ou modèle invalides',
  failed: 'échec de production ou d\'écriture',
  locked: 'dossier de sortie verrouillé trop longtemps par une autre production',
  stale: 'données périmées',
  unsent: 'rapport écrit mais non envoyé',
  usage: 'erreur d\'utilisation ou de configuration',
} as const;
/** A cause of alert. */
export type AlertCause = keyof typeof ALERT_CAUSES;

/** How many problems an alert quotes (the rest: `alses validate`). */
export const ALERT_MAX_PROBLEMS = 10;

/** Input of `alertMessage`. */
export interface AlertInput {
  /** Month of the report, `YYYY-MM`. */
  readonly month: string;
  readonly cause: AlertCause;
  /** Exit code of the run. */
  readonly exitCode: number;
  /** The run's French error message. */
  readonly error: string;
  readonly diagnostics: readonly Diagnostic[];
  /** When the run ended (the clock: an alert is about an event, not a content). */
  readonly time: Date;
  /** Machine and output folder, so that the operator knows where to look. */
  readonly host: string;
  readonly outDir: string;
  readonly logFile?: string;
  readonly domain: string;
}

/**
 * The operator's alert: subject "Alerte ALSES — rapport mensuel de septembre 2019 : données
 * invalides", a French body with the error, the first problems with their places, and what to do.
 */
export function alertMessage(input: AlertInput): MailMessage {
  const month = ofMonth(input.month);
  const errors = sortDiagnostics(input.diagnostics.filter((d) => d.severity === 'error'));
  const lines = [
    'Bonjour,',
    '',
    input.cause === 'stale'
      ? `Le rapport mensuel ALSES ${month} est produit, mais ses données sont anciennes (code de sortie ${input.exitCode}).`
      : input.cause === 'unsent'
        ? `Le rapport mensuel ALSES ${month} est écrit, mais n'a pas été envoyé (code de sortie ${input.exitCode}).`
        : `La production du rapport mensuel ALSES ${month} a échoué (${ALERT_CAUSES[input.cause]}, code de sortie ${input.exitCode}).`,
    '',
    `Machine : ${input.host}`,
    `Dossier de sortie : ${path.resolve(input.outDir)}`,
    ...(input.logFile ? [`Journal : ${path.resolve(input.logFile)}`] : []),
    `Fin de l'exécution : ${input.time.toISOString()}`,
    '',
    `Erreur : ${input.error}`,
  ];
  if (errors.length) {
    lines.push('', errors.length > ALERT_MAX_PROBLEMS ? `Premiers problèmes (${ALERT_MAX_PROBLEMS} sur ${errors.length}) :` : 'Problèmes :');
    for (const d of errors.slice(0, ALERT_MAX_PROBLEMS)) lines.push(`  ${formatDiagnostic(d)}`);
  }
  lines.push('', ...ADVICE[input.cause]);
  lines.push('', '-- ', `Alerte envoyée automatiquement par alses-reports, au plus une fois par mois de rapport et par cause.`);
  return {
    subject: `Alerte ALSES — rapport mensuel ${month} : ${ALERT_CAUSES[input.cause]}`,
    text: plain(lines.join('\n')) + '\n',
    messageId: `<alerte-${input.month}-${input.cause}.${input.time.getTime().toString(36)}@${input.domain}>`,
    date: input.time,
    attachments: [],
  };
}

const ADVICE: Record<AlertCause, readonly string[]> = {
  invalid: ['À faire : corriger les données (alses validate liste tous les problèmes), puis relancer alses monthly pour ce mois.'],
  failed: ['À faire : voir le message ci-dessus (modèle, dossier de sortie, disque), puis relancer alses monthly pour ce mois. Le rapport précédent est intact.'],
  locked: ['À faire : vérifier qu\'aucune production n\'est bloquée (verrou .alses.lock du dossier de sortie), puis relancer alses monthly pour ce mois.'],
  stale: ['À faire : mettre à jour les données (nouvel état), puis relancer alses monthly pour ce mois.'],
  unsent: ['Le rapport est écrit dans le dossier de sortie ; il sera envoyé à la prochaine exécution de alses monthly (ou relancez-la pour ce mois).'],
  usage: ['À faire : vérifier la ligne de commande et la configuration (ALSES_SMTP_URL, identifiants, --destinataires).'],
};
