/**
 * The scheduled monthly job (`alses monthly`): renders `templates/rapport-mensuel.hbs` for one
 * month into `out/rapport-mensuel-YYYY-MM.{pdf,docx,html}`, safe to run from cron and forget:
 * - idempotent: output is byte-reproducible; a file whose bytes would not change is not rewritten
 *   and the run reports "unchanged";
 * - safe under overlap: a lock on the output folder (shared with `alses render`); a second run
 *   waits up to `waitMs`, then fails with code LOCKED (exit 4);
 * - atomic: each file is written to a temp file then renamed; on any failure before writing, the
 *   previous report is untouched;
 * - one JSON log line per run (see `MonthlyLog`); `out/manifest.json` records each file's origin.
 */
import { etpParMoisChart, etpParStructureChart } from '../charts/index.ts';
import type { Dataset } from '../dataset/model.ts';
import { hasErrors, type Diagnostic } from '../diagnostics.ts';
import type { ChartSource } from '../document/parse.ts';
import { InvalidInputError } from '../errors.ts';
import { withOutputLock } from '../output.ts';
import { publish, type PublishedFile, type PublishResult } from '../publish.ts';
import type { ManifestKey } from '../signature/manifest.ts';
import { buildRapportMensuelContext, etpParMois } from './mensuel.ts';
import { renderTemplate } from './document.ts';
import { loadInputs, serializeAll, type Format } from './pipeline.ts';

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
  /** Key signing the manifest (src/signature/manifest.ts); none: unsigned. */
  readonly manifestKey?: ManifestKey;
}

/** Result of a successful run. */
export interface MonthlyResult {
  readonly month: string;
  /** `unchanged` when every output was already identical. */
  readonly status: 'written' | 'unchanged';
  readonly outputs: readonly PublishResult[];
  readonly diagnostics: readonly Diagnostic[];
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
}

/** Base name of the outputs for a month: `rapport-mensuel-2019-09`. */
export const monthlyBaseName = (month: string): string => `${MONTHLY_TEMPLATE}-${month}`;

/**
 * Charts of the monthly report: ETP per structure porteuse at the month's end, and ETP per month
 * from the first état's month to this month against the `effectif` objectif.
 */
export async function monthlyCharts(dataset: Dataset, context: ReturnType<typeof buildRapportMensuelContext>): Promise<{ charts: Record<string, ChartSource>; views: Record<string, { alt: string; width: number; height: number }> }> {
  const parStructure = await etpParStructureChart(context.parStructure.map((r) => ({ structurePorteuse: r.libelle, etp: r.etp })));
  const first = dataset.etats[0]?.date.slice(0, 7) ?? context.mois;
  const objectif = dataset.objectifs.find((o) => o.type === 'effectif');
  const parMois = await etpParMoisChart(etpParMois(dataset, first, context.mois), objectif ? { cible: objectif.cible, libelle: objectif.libelle } : undefined);
  return {
    charts: {
      'etp-par-structure': { format: 'svg', data: parStructure.svg, png: parStructure.png },
      'etp-par-mois': { format: 'svg', data: parMois.svg, png: parMois.png },
    },
    views: {
      etpParStructure: { alt: parStructure.alt, width: parStructure.width, height: parStructure.height },
      etpParMois: { alt: parMois.alt, width: parMois.width, height: parMois.height },
    },
  };
}

/**
 * Renders the report of a month in memory.
 * @returns files to write (with their provenance) and diagnostics; no file when any error.
 * @throws AlsesError USAGE (bad month), INVALID_INPUT (no état for the month), OUTPUT (the
 *   template fails while running); Error from writers.
 */
export async function renderMonthly(options: Omit<MonthlyOptions, 'waitMs'>): Promise<{ files: PublishedFile[]; diagnostics: Diagnostic[] }> {
  const { dataset, templates, diagnostics, sources } = await loadInputs(options.dataDir, options.templatesDir, [MONTHLY_TEMPLATE]);
  if (!dataset || hasErrors(diagnostics)) return { files: [], diagnostics };
  const template = templates.templates[0]!;
  const context = buildRapportMensuelContext(dataset, options.month, template.file);
  const { charts, views } = await monthlyCharts(dataset, context);
  const result = renderTemplate(dataset, templates, template, { charts, context: { ...context, graphiques: views } });
  diagnostics.push(...result.diagnostics);
  if (!result.rendered || hasErrors(diagnostics)) return { files: [], diagnostics };
  const rendered = { ...result.rendered, name: monthlyBaseName(options.month) };
  return { files: await serializeAll([rendered], options.outDir, options.formats, sources, diagnostics), diagnostics };
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
    const { files, diagnostics } = await renderMonthly(options);
    if (hasErrors(diagnostics)) throw new InvalidInputError('Données ou modèle invalides : aucun fichier écrit.', diagnostics);
    const outputs = await publish(options.outDir, files, options.manifestKey ? { manifestKey: options.manifestKey } : {});
    return { month: options.month, status: outputs.every((o) => o.status === 'unchanged') ? 'unchanged' : 'written', outputs, diagnostics };
  });
}
