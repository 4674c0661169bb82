/**
 * View model of the monthly status report ("rapport mensuel"): the state of the ALSES scheme on
 * the last day of a month, compared with the last day of the previous month (DESIGN.md: the state
 * on a date D = the latest état ≤ D plus the déploiements effective after it and ≤ D).
 *
 * Units: ETP; months `YYYY-MM` and dates `YYYY-MM-DD` in Europe/Paris.
 */
import { etpParMoisChart, etpParStructureChart } from '../charts/index.ts';
import type { Affectation, Dataset, IsoDate } from '../dataset/model.ts';
import { collegeKey, structurePorteuseLibelle } from '../dataset/model.ts';
import { AlsesError, diagnosticError, InvalidInputError } from '../errors.ts';
import { formatDate, nextMonth, parisMonth, previousMonth } from '../dates.ts';
import { sumEtp } from '../dataset/etp.ts';
import { totalEtp } from '../dataset/compute.ts';
import type { ChartSource } from '../document/parse.ts';
import { buildAnnexeContext, etatAuIfAny, summarize, type AnnexeContext, type DeliberationView, type ObjectifView, type RowsSummary } from './annexe.ts';

/** Label of posts whose structure porteuse is not designated yet (e.g. new deployments). */
export const STRUCTURE_NON_DESIGNEE = 'non désignée';

/** Posts grouped by a key (structure porteuse or commune). */
export interface Repartition {
  /** Structure porteuse or commune, as printed. */
  readonly libelle: string;
  readonly nombreColleges: number;
  /** ETP, exact to the hundredth. */
  readonly etp: number;
}

/** A collège whose ETP (numbers, in ETP) or structure porteuse (texts) changed during the month. */
export interface Modification<T extends number | string> {
  readonly commune: string;
  readonly college: string;
  readonly avant: T;
  readonly apres: T;
}

/** What changed between the previous month's last day and this month's. */
export interface Changements {
  readonly ajouts: RowsSummary;
  readonly retraits: RowsSummary;
  readonly etpModifies: readonly Modification<number>[];
  readonly structuresModifiees: readonly Modification<string>[];
  /** `true` when nothing changed. */
  readonly aucun: boolean;
}

/** Everything the monthly report template can read. */
export interface RapportMensuelContext extends AnnexeContext {
  /** Month of the report, `YYYY-MM`. */
  readonly mois: string;
  /**
   * Set when the newest état or déploiement of the data is more than `mois` months older than the
   * report's date (stale data: the report says so, and `alses monthly` exits with code 6).
   */
  readonly donneesAnciennes: { readonly derniereDate: IsoDate; readonly mois: number } | null;
  /** Last day of the month (the report's date). */
  readonly date: IsoDate;
  /** Last day of the previous month. */
  readonly datePrecedente: IsoDate;
  /** State at `date`. */
  readonly etatMois: RowsSummary & { readonly etatDate: IsoDate };
  /** State at `datePrecedente`; `null` when no état is that old (first month of the data). */
  readonly etatPrecedent: RowsSummary | null;
  /** `true` when the data has no état at the previous month's end (no comparison possible). */
  readonly premierMois: boolean;
  /** Key figures: previous month, this month, variation (0 on the first month). */
  readonly chiffresCles: readonly { readonly libelle: string; readonly avant: number; readonly apres: number; readonly variation: number }[];
  /** Déploiements added to the état to get the state at `date`, with their deliberation. */
  readonly deploiementsEffectifs: readonly { readonly libelle: string; readonly effet: IsoDate; readonly deliberation: DeliberationView }[];
  readonly parStructure: readonly Repartition[];
  readonly parCommune: readonly Repartition[];
  /** Posts created by déploiements effective by `date`, and how many are in REP or REP+. */
  readonly deployes: { readonly etp: number; readonly nombreColleges: number; readonly nombreRep: number; readonly nombreRepPlus: number; readonly part: number };
  /** Collèges whose convention is still "en cours de négociation". */
  readonly enNegociation: readonly { readonly commune: string; readonly college: string; readonly etp: number }[];
  /** Objectifs with progress at `date`, in data order. */
  readonly objectifsListe: readonly ObjectifView[];
  /** Changes since the previous month; `null` for the first month of the data. */
  readonly changements: Changements | null;
}

/**
 * Last day of a month `YYYY-MM`.
 * @throws AlsesError USAGE when `month` is not a valid `YYYY-MM`.
 */
export function lastDayOfMonth(month: string): IsoDate {
  if (!/^[1-9]\d{3}-(0[1-9]|1[0-2])$/.test(month)) throw new AlsesError('USAGE', `Mois « ${month} » invalide (attendu : AAAA-MM, ex. 2019-09)`);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const day = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${month}-${String(day).padStart(2, '0')}`;
}

/**
 * Checks the month of a report: a valid `YYYY-MM` that has ended (Europe/Paris) at `now` — the
 * report describes the state on the month's last day.
 * @throws AlsesError USAGE on a malformed month, or the current month or one to come.
 */
export function checkReportMonth(month: string, now: Date = new Date()): void {
  lastDayOfMonth(month);
  const last = defaultMonth(now);
  if (month > last) throw new AlsesError('USAGE', `Mois « ${month} » non terminé (attendu : un mois achevé, au plus ${last})`);
}

/**
 * The previous calendar month in Europe/Paris at instant `now` (the default of `alses monthly`):
 * on 2019-10-01 00:30 Paris time (2019-09-30 22:30 UTC) it is "2019-09".
 */
export function defaultMonth(now: Date = new Date()): string {
  return previousMonth(parisMonth(now));
}

const structureLabel = (a: Affectation): string => structurePorteuseLibelle(a, STRUCTURE_NON_DESIGNEE);

/** Groups rows by a label; sorted by ETP descending, then label. */
export function repartition(rows: readonly Affectation[], label: (a: Affectation) => string): Repartition[] {
  const groups = new Map<string, Affectation[]>();
  for (const r of rows) groups.set(label(r), [...(groups.get(label(r)) ?? []), r]);
  return [...groups.entries()]
    .map(([libelle, rs]) => ({ libelle, nombreColleges: rs.length, etp: totalEtp(rs) }))
    .sort((a, b) => b.etp - a.etp || a.libelle.localeCompare(b.libelle, 'fr'));
}

/** Differences between two states, collège by collège. */
export function changements(before: readonly Affectation[], after: readonly Affectation[]): Changements {
  const b = new Map(before.map((r) => [collegeKey(r), r]));
  const a = new Map(after.map((r) => [collegeKey(r), r]));
  const ajouts = after.filter((r) => !b.has(collegeKey(r)));
  const retraits = before.filter((r) => !a.has(collegeKey(r)));
  const etpModifies: Modification<number>[] = [];
  const structuresModifiees: Modification<string>[] = [];
  for (const r of after) {
    const old = b.get(collegeKey(r));
    if (!old) continue;
    if (old.etp !== r.etp) etpModifies.push({ commune: r.commune, college: r.college, avant: old.etp, apres: r.etp });
    if (structureLabel(old) !== structureLabel(r)) structuresModifiees.push({ commune: r.commune, college: r.college, avant: structureLabel(old), apres: structureLabel(r) });
  }
  return {
    ajouts: summarize(ajouts),
    retraits: summarize(retraits),
    etpModifies,
    structuresModifiees,
    aucun: ajouts.length + retraits.length + etpModifies.length + structuresModifiees.length === 0,
  };
}

/** ETP in place at the last day of each month from `first` to `last` (both `YYYY-MM`). */
export function etpParMois(dataset: Dataset, first: string, last: string): { mois: string; etp: number }[] {
  const out: { mois: string; etp: number }[] = [];
  for (let m = first; m <= last; m = nextMonth(m)) out.push({ mois: m, etp: totalEtp(etatAuIfAny(dataset, lastDayOfMonth(m))?.rows ?? []) });
  return out;
}

/** Default age, in months, past which the newest état or déploiement makes the data stale. */
export const DEFAULT_STALE_MONTHS = 12;

/** The same day `months` months later (clamped to the month's last day), ISO. */
function addMonths(iso: IsoDate, months: number): IsoDate {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const total = y * 12 + (m - 1) + months;
  const month = `${String(Math.floor(total / 12)).padStart(4, '0')}-${String((total % 12) + 1).padStart(2, '0')}`;
  const last = lastDayOfMonth(month);
  return `${month}-${String(d).padStart(2, '0')}` > last ? last : `${month}-${String(d).padStart(2, '0')}`;
}

/**
 * Builds the monthly report's view model for `month` (`YYYY-MM`).
 * @param options.staleMonths age in months past which the data is stale (default 12).
 * @throws AlsesError USAGE on an invalid month; INVALID_INPUT when the data holds no état on or
 *   before the month's last day (the message names the first état's date).
 */
export function buildRapportMensuelContext(dataset: Dataset, month: string, file: string, options: { staleMonths?: number } = {}): RapportMensuelContext {
  const date = lastDayOfMonth(month);
  const staleMonths = options.staleMonths ?? DEFAULT_STALE_MONTHS;
  const derniereDate = [...dataset.etats.map((e) => e.date), ...dataset.deploiements.map((d) => d.effet)].sort().at(-1);
  const donneesAnciennes = derniereDate !== undefined && addMonths(derniereDate, staleMonths) < date ? { derniereDate, mois: staleMonths } : null;
  const datePrecedente = lastDayOfMonth(previousMonth(month));
  const now = etatAuIfAny(dataset, date);
  if (!now) {
    const first = dataset.etats[0]?.date;
    const expected = `un mois à partir du premier état${first ? `, daté du ${formatDate(first)}` : ''}`;
    throw diagnosticError('INVALID_INPUT', {
      severity: 'error',
      ruleId: 'etat/before-first',
      message: `Aucun état des ALSES au ${formatDate(date)} (attendu : ${expected})`,
      place: { file },
      actual: month,
      expected,
    });
  }
  const before = etatAuIfAny(dataset, datePrecedente);
  const annexe = buildAnnexeContext(dataset, { date }, file);
  const base = annexe.context;
  if (!base) throw new InvalidInputError(`Données incomplètes pour le rapport de ${month}`, annexe.diagnostics);
  const deployedRows = dataset.deploiements.filter((d) => d.effet <= date).flatMap((d) => d.rows);
  const deployedSummary = summarize(deployedRows);
  const repEtp = totalEtp(deployedRows.filter((r) => r.educationPrioritaire !== undefined));
  const etatMois = { ...summarize(now.rows), etatDate: now.etatDate };
  const etatPrecedent = before ? summarize(before.rows) : undefined;
  return {
    ...base,
    mois: month,
    donneesAnciennes,
    date,
    datePrecedente,
    etatMois,
    etatPrecedent: etatPrecedent ?? null,
    premierMois: !etatPrecedent,
    chiffresCles: (
      [
        ['ETP en place', 'totalEtp'],
        ['Collèges couverts', 'nombreColleges'],
        ['Structures porteuses désignées', 'nombreStructures'],
        ['Conventions en cours de négociation', 'nombreEnNegociation'],
      ] as const
    ).map(([libelle, field]) => {
      const apres = etatMois[field];
      const avant = etatPrecedent ? etatPrecedent[field] : 0;
      return { libelle, avant, apres, variation: etatPrecedent ? sumEtp([apres, -avant]) : 0 };
    }),
    deploiementsEffectifs: now.deploiements.map((d) => ({ libelle: d.libelle, effet: d.effet, deliberation: base.deliberations[d.deliberation]! })),
    parStructure: repartition(now.rows, structureLabel),
    parCommune: repartition(now.rows, (a) => a.commune),
    deployes: {
      etp: deployedSummary.totalEtp,
      nombreColleges: deployedSummary.nombreColleges,
      nombreRep: deployedSummary.nombreRep,
      nombreRepPlus: deployedSummary.nombreRepPlus,
      part: deployedSummary.totalEtp > 0 ? repEtp / deployedSummary.totalEtp : 0,
    },
    enNegociation: now.rows.filter((r) => r.conventionEnNegociation).map((r) => ({ commune: r.commune, college: r.college, etp: r.etp })),
    objectifsListe: dataset.objectifs.map((o) => base.objectifs[o.id]!),
    changements: before ? changements(before.rows, now.rows) : null,
  };
}

/**
 * Charts of the monthly report: ETP per structure porteuse at the month's end, and ETP per month
 * from the first état's month to this month against the `effectif` objectif.
 */
export async function monthlyCharts(dataset: Dataset, context: RapportMensuelContext): Promise<{ charts: Record<string, ChartSource>; views: Record<string, { alt: string; width: number; height: number }> }> {
  const parStructure = await etpParStructureChart(context.parStructure.map((r) => ({ structurePorteuse: r.libelle, etp: r.etp })));
  const first = dataset.etats[0]?.date.slice(0, 7) ?? context.mois;
  // An objectif whose deadline has passed is no longer drawn as a target ahead.
  const objectif = dataset.objectifs.find((o) => o.type === 'effectif' && o.echeance >= context.date);
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
