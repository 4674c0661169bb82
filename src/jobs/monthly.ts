/**
 * The scheduled monthly job (`alses monthly`): renders `templates/rapport-mensuel.hbs` for one
 * month into `out/rapport-mensuel-YYYY-MM.{pdf,docx,html}`, safe to run from cron and forget:
 * - idempotent: output is byte-reproducible; a file whose bytes would not change is not rewritten
 *   and the run reports "unchanged";
 * - safe under overlap: a lock on the output folder (shared with `alses render`); a second run
 *   waits up to `waitMs`, then fails with code LOCKED (exit 4);
 * - atomic: the report's files, the manifest and its signature are published as one journaled
 *   transaction (output/transaction.ts): on any failure the previous report and manifest are
 *   untouched; a run killed while publishing is completed or undone by the next command;
 * - one JSON log line per run (see `MonthlyLog`); `out/manifest.json` records each file's origin.
 */
import { formatDate } from '../dates.ts';
import { hasErrors, type Diagnostic } from '../diagnostics.ts';
import { InvalidInputError } from '../errors.ts';
import { faultPoint } from '../output/fault.ts';
import { checkStop, withOutputLock } from '../output/lock.ts';
import { publish, type PublishedFile, type PublishResult } from '../output/publish.ts';
import { progressPhase } from '../progress.ts';
import type { ManifestKey } from '../signature/manifest.ts';
import { buildRapportMensuelContext, lastDayOfMonth, monthlyCharts, type RapportMensuelContext } from '../reports/rapport-mensuel.ts';
import { renderTemplate } from '../templates/render.ts';
import { loadInputs } from './inputs.ts';
import { blocking, scopeDiagnostics, stateDependencies } from './scope.ts';
import { serializeAll, type Format } from './serialize.ts';
import { FORMATS } from '../writers/index.ts';
import type { AlertLog } from '../mail/alert.ts';
import type { DeliveryLog } from '../mail/deliver.ts';

const isIsoMonth = (month: string): boolean => /^\d{4}-(0[1-9]|1[0-2])$/.test(month);

/** Name of the monthly report template (without `.hbs`). */
export const MONTHLY_TEMPLATE = 'rapport-mensuel';

/** Options of a monthly run. */
export interface MonthlyOptions {
  readonly dataDir: string;
  readonly templatesDir: string;
  readonly outDir: string;
  /** Month `YYYY-MM`. */
  readonly month: string;
  readonly formats: readonly Format[];
  /** How long to wait for another run's lock, in ms (0: fail at once). */
  readonly waitMs?: number;
  /** Age in months past which the newest état or déploiement makes the data stale (default 12). */
  readonly staleMonths?: number;
  /** Key signing the manifest (src/signature/manifest.ts); none: unsigned. */
  readonly manifestKey?: ManifestKey | undefined;
  /** Issue 15 hook: runs under the lock once the report is published (e-mails it, src/mail/deliver.ts). */
  readonly afterPublish?: (published: PublishedMonthly) => Promise<void>;
}

/** What a run published, as `afterPublish` gets it. */
export interface PublishedMonthly {
  readonly outDir: string;
  /** Month `YYYY-MM`. */
  readonly month: string;
  /** Base name of the files: `rapport-mensuel-2019-09`. */
  readonly baseName: string;
  /** The report's view model (key figures, changes). */
  readonly context: RapportMensuelContext;
  readonly outputs: readonly PublishResult[];
}

/** Result of a successful run. */
export interface MonthlyResult {
  readonly month: string;
  /** `unchanged` when every output was already identical. */
  readonly status: 'written' | 'unchanged';
  readonly outputs: readonly PublishResult[];
  readonly diagnostics: readonly Diagnostic[];
  /** Set when the data is stale (see `RapportMensuelContext.donneesAnciennes`). */
  readonly stale?: { readonly derniereDate: string; readonly mois: number } | undefined;
}

/** The JSON log line written once per run (on stderr, or appended to `--log`). */
export interface MonthlyLog {
  readonly time: string;
  readonly month: string;
  readonly status: 'written' | 'unchanged' | 'invalid' | 'locked' | 'failed' | 'usage';
  readonly durationMs: number;
  readonly exitCode: number;
  readonly outputs: readonly { readonly path: string; readonly sha256: string; readonly status: string }[];
  readonly error?: string;
  /** The newest état or déploiement date when the data is stale, and the threshold in months. */
  readonly stale?: { readonly derniereDate: string; readonly mois: number };
  /** Issue 15: the report's sendings (`--destinataires`) and the failure alert (`--alerte`). */
  readonly mail?: readonly DeliveryLog[];
  readonly alert?: AlertLog;
}

/** Base name of the outputs for a month: `rapport-mensuel-2019-09`. */
export const monthlyBaseName = (month: string): string => `${MONTHLY_TEMPLATE}-${month}`;

/**
 * Renders the report of a month in memory.
 * @returns files to write (with their provenance) and diagnostics; no file when any error.
 * @throws AlsesError USAGE (bad month), INVALID_INPUT (no état for the month), OUTPUT (the
 *   template fails while running); Error from writers.
 */
export async function renderMonthly(options: Omit<MonthlyOptions, 'waitMs'>): Promise<{ files: PublishedFile[]; diagnostics: Diagnostic[]; context?: RapportMensuelContext }> {
  const inputs = await loadInputs(options.dataDir, options.templatesDir, [MONTHLY_TEMPLATE]);
  await faultPoint('loaded');
  checkStop(options.outDir);
  const { dataset, templates, sources } = inputs;
  // An état or déploiement dated after the month, with errors, does not block the report.
  const diagnostics =
    inputs.faulty.length && inputs.dispositif && isIsoMonth(options.month)
      ? scopeDiagnostics(inputs.diagnostics, inputs.faulty, blocking(inputs.faulty, stateDependencies(inputs.dispositif, lastDayOfMonth(options.month), true)))
      : inputs.diagnostics;
  if (!dataset || hasErrors(diagnostics)) return { files: [], diagnostics };
  const template = templates.templates[0]!;
  const context = buildRapportMensuelContext(dataset, options.month, template.file, options.staleMonths !== undefined ? { staleMonths: options.staleMonths } : {});
  if (context.donneesAnciennes)
    diagnostics.push({
      severity: 'warning',
      ruleId: 'data/stale',
      message: `Données anciennes : l'état ou le déploiement le plus récent date du ${formatDate(context.donneesAnciennes.derniereDate, ' ')}, plus de ${context.donneesAnciennes.mois} mois avant le ${formatDate(context.date, ' ')} (attendu : un état plus récent ; voir « alses etat --au AAAA-MM-JJ »)`,
      place: { file: sources[0]?.path ?? 'dispositif.yaml' },
      actual: context.donneesAnciennes.derniereDate,
    });
  const { charts, views } = await monthlyCharts(dataset, context);
  const result = renderTemplate(templates, template, { ...context, graphiques: views }, { charts });
  diagnostics.push(...result.diagnostics);
  if (hasErrors(diagnostics)) return { files: [], diagnostics };
  const rendered = { ...result.rendered, name: monthlyBaseName(options.month) };
  return { files: await serializeAll([rendered], options.outDir, options.formats, inputs, diagnostics), diagnostics, context };
}

/**
 * Runs the monthly job under the output folder's lock: renders everything in memory first, then
 * publishes (a failed render writes nothing; unchanged files are not rewritten).
 * @throws AlsesError LOCKED when another run holds the lock past `waitMs`; INVALID_INPUT with all
 *   diagnostics when data or template is invalid (nothing written); USAGE on a bad month;
 *   OUTPUT when rendering fails or a file cannot be written.
 */
export async function runMonthly(options: MonthlyOptions): Promise<MonthlyResult> {
  return withOutputLock(options.outDir, options.waitMs ?? 0, async () => {
    const { files, diagnostics, context } = await renderMonthly(options);
    if (hasErrors(diagnostics)) throw new InvalidInputError('Données ou modèle invalides : aucun fichier écrit.', diagnostics);
    const outputs = await progressPhase('Écriture des fichiers', files.length, 'fichiers', () => publish(options.outDir, files, { manifestKey: options.manifestKey, formats: FORMATS }));
    // The mail attaches the files published, never a stale format just removed.
    if (options.afterPublish && context) await options.afterPublish({ outDir: options.outDir, month: options.month, baseName: monthlyBaseName(options.month), context, outputs: outputs.filter((o) => o.status !== 'removed') });
    return {
      month: options.month,
      status: outputs.every((o) => o.status === 'unchanged') ? 'unchanged' : 'written',
      outputs,
      diagnostics,
      stale: context?.donneesAnciennes ?? undefined,
    };
  });
}
