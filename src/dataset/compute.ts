/**
 * Figures computed from the dataset (DESIGN.md: every figure a document shows is computed, never
 * typed into a template): the state on a date, totals in ETP, counts of collèges, and progress
 * towards an objectif.
 */
import { diagnosticError } from '../errors.ts';
import { sumEtp, toHundredths, fromHundredths } from './etp.ts';
import type { Affectation, Dataset, Deploiement, IsoDate, Objectif } from './model.ts';
import { collegeKey } from './model.ts';
import { CALENDAR_DATE_EXPECTED, formatShortDate, isIsoDate } from '../dates.ts';
import { quote } from './text.ts';

/** The collèges hosting ALSES on a date, and where that list comes from. */
export interface EtatAu {
  /** The date asked for (Europe/Paris calendar day). */
  readonly date: IsoDate;
  /** Date of the état the state starts from: the latest état on or before `date`. */
  readonly etatDate: IsoDate;
  /** The état's rows, then the rows of each deployment added, in order of `effet`. */
  readonly rows: readonly Affectation[];
  /** Deployments added to the état: effective after `etatDate` and on or before `date`. */
  readonly deploiements: readonly Deploiement[];
}

/**
 * The state on a date D (DESIGN.md, "Data contract"): the latest état ≤ D, plus the deployments
 * effective after that état's date and ≤ D.
 *
 * Example on the real data: 2019-07-31 → état of 2019-07-15 (41 ETP, 42 collèges);
 * 2019-09-30 → plus "rentrée 2019" (52 ETP, 53 collèges).
 *
 * @throws AlsesError `INVALID_INPUT` if `date` is not an ISO calendar date or no état is dated
 *   on or before it.
 */
export function etatAu(dataset: Dataset, date: IsoDate): EtatAu {
  checkDate(date);
  const etat = dataset.etats.filter((e) => e.date <= date).sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0)).at(-1);
  if (!etat) {
    const first = dataset.etats.map((e) => e.date).sort()[0];
    const expected = `une date à partir du ${first ? formatShortDate(first) : '…'}, date du premier état`;
    throw diagnosticError('INVALID_INPUT', {
      severity: 'error',
      ruleId: 'etat/before-first',
      message: `aucun état des ALSES au ${formatShortDate(date)} ou avant (attendu : ${expected})`,
      actual: date,
      expected,
    });
  }
  const deploiements = dataset.deploiements
    .filter((d) => d.effet > etat.date && d.effet <= date)
    .sort((a, b) => (a.effet < b.effet ? -1 : a.effet > b.effet ? 1 : 0));
  return { date, etatDate: etat.date, rows: [...etat.rows, ...deploiements.flatMap((d) => d.rows)], deploiements };
}

/** @throws AlsesError INVALID_INPUT (`date/invalid`) if `date` is not an ISO calendar date. */
function checkDate(date: IsoDate): void {
  if (isIsoDate(date)) return;
  throw diagnosticError('INVALID_INPUT', {
    severity: 'error',
    ruleId: 'date/invalid',
    message: `date ${quote(date)} invalide (attendu : ${CALENDAR_DATE_EXPECTED})`,
    actual: date,
    expected: CALENDAR_DATE_EXPECTED,
  });
}

/**
 * The collation of `inCommuneOrder`, made once: `localeCompare` with options sets up the locale
 * and options again at each of the n·log n comparisons (some 0.1 s of CPU time for 10,000 rows);
 * ECMA-402 defines it as the `compare` of a collator of the same locale and options, so the
 * order is the same.
 */
const communeCollator = new Intl.Collator('fr', { sensitivity: 'base' });

/**
 * Rows in commune order, as the published annexes and états list them: French collation,
 * case and accents ignored (« Éragny » among the E); a stable sort keeps the typed order within a
 * commune (the 2019 annexes list DENAIN Turgot before DENAIN Bayard).
 */
export function inCommuneOrder<T extends { readonly commune: string }>(rows: readonly T[]): T[] {
  const { compare } = communeCollator;
  return [...rows].sort((a, b) => compare(a.commune, b.commune));
}

/**
 * The rows a new état file starts from (`alses etat`, `alses classeur`, and `alses import`'s
 * comparison): the state on its date (`etatAu`) in commune order, a post without a structure
 * porteuse yet « en cours de négociation ».
 */
export function newEtatRows(state: EtatAu): Affectation[] {
  return inCommuneOrder(state.rows.map((r) => (r.structurePorteuse === null ? { ...r, conventionEnNegociation: true } : r)));
}

/**
 * Total of the rows in ETP, added exactly (in hundredths of ETP as integers): 0,5 + 0,5 = 1 and
 * 41 rows of the état of 2019-07-15 give exactly 41.
 */
export function totalEtp(rows: readonly { readonly etp: number }[]): number {
  return sumEtp(rows.map((r) => r.etp));
}

/** Number of distinct collèges among the rows (commune + collège, compared ignoring case and accents). */
export function countColleges(rows: readonly { readonly commune: string; readonly college: string }[]): number {
  return new Set(rows.map(collegeKey)).size;
}

/** Progress towards an objectif on a date, in ETP. */
export interface ObjectifProgress {
  /** ETP reached on the date. */
  readonly atteint: number;
  /** Target, in ETP (`objectif.cible`). */
  readonly cible: number;
  /** ETP still to reach: max(0, cible − atteint). */
  readonly reste: number;
}

/**
 * Progress of an objectif on a date:
 * - `effectif`: ETP in place on the date (`totalEtp(etatAu(dataset, date).rows)`);
 * - `creations`: ETP of the deployments decided by a deliberation dated on or after `depuis`
 *   and effective on or before the date (an unknown deliberation id counts as not decided).
 *
 * On the real data at 2019-09-30: "cinquantaine-2020" → 52 reached; "pauvrete-2021" → 11 reached,
 * 19 to go.
 *
 * @throws AlsesError `INVALID_INPUT` as `etatAu` does (effectif), or if a `creations` objectif
 *   has no `depuis`.
 */
export function objectifProgress(dataset: Dataset, objectif: Objectif, date: IsoDate): ObjectifProgress {
  let atteint: number;
  if (objectif.type === 'effectif') {
    atteint = totalEtp(etatAu(dataset, date).rows);
  } else {
    const depuis = objectif.depuis;
    if (depuis === undefined) {
      throw diagnosticError('INVALID_INPUT', {
        severity: 'error',
        ruleId: 'objectif/depuis-required',
        message: `objectif ${quote(objectif.id)} de type "creations" sans date "depuis" (attendu : ex. 2018-12-17)`,
        field: 'depuis',
        expected: 'ex. 2018-12-17',
      });
    }
    checkDate(date);
    const decidedOn = new Map(dataset.deliberations.map((d) => [d.id, d.date]));
    const counted = dataset.deploiements.filter((d) => {
      const decided = decidedOn.get(d.deliberation);
      return decided !== undefined && decided >= depuis && d.effet <= date;
    });
    atteint = totalEtp(counted.flatMap((d) => d.rows));
  }
  const reste = fromHundredths(Math.max(0, toHundredths(objectif.cible) - toHundredths(atteint)));
  return { atteint, cible: objectif.cible, reste };
}
