/**
 * View model of the annexes and the note de présentation: what a template can read. Every figure
 * is computed here from the Dataset — templates never type a figure.
 *
 * Units: ETP (équivalent temps plein); dates ISO `YYYY-MM-DD` (Europe/Paris).
 */
import type { Affectation, Dataset, Deliberation, IsoDate, Logo, Objectif } from '../dataset/model.ts';
import type { DispositifFile } from '../dataset/schema.ts';
import { structurePorteuseLibelle } from '../dataset/model.ts';
import type { Diagnostic, Place } from '../diagnostics.ts';
import { inCommuneOrder, objectifProgress, etatAu, totalEtp, type EtatAu } from '../dataset/compute.ts';
import { foldForComparison } from '../dataset/text.ts';
import { CALENDAR_DATE_EXPECTED, formatShortDate, isIsoDate, yearOf } from '../dates.ts';

/** A deliberation as templates see it. */
export interface DeliberationView extends Deliberation {
  /** Year of the deliberation (e.g. 2019). */
  readonly annee: number;
}

/** A row of an état or déploiement as templates see it. */
export interface AffectationView {
  readonly commune: string;
  readonly college: string;
  /** Structure porteuse as printed: its sigle, "en cours de négociation", or "" if not designated. */
  readonly structurePorteuse: string;
  /** ETP of the row. */
  readonly etp: number;
  /** "REP", "REP +" (as printed) or "". */
  readonly educationPrioritaire: string;
  readonly uai: string;
}

/** Figures of a list of rows. */
export interface RowsSummary {
  readonly rows: readonly AffectationView[];
  /** Sum of ETP. */
  readonly totalEtp: number;
  /** Number of collèges (rows). */
  readonly nombreColleges: number;
  /** Number of distinct communes. */
  readonly nombreCommunes: number;
  /** Number of distinct structures porteuses designated. */
  readonly nombreStructures: number;
  /** Number of collèges whose convention is "en cours de négociation". */
  readonly nombreEnNegociation: number;
  /** Number of collèges in REP, in REP+, and in either. */
  readonly nombreRep: number;
  readonly nombreRepPlus: number;
  readonly nombreEducationPrioritaire: number;
}

/** An état as templates see it. */
export interface EtatView extends RowsSummary {
  readonly date: IsoDate;
}

/** A déploiement as templates see it. */
export interface DeploiementView extends RowsSummary {
  readonly id: string;
  readonly libelle: string;
  readonly effet: IsoDate;
  readonly deliberation: DeliberationView;
}

/** An objectif with its progress at the document's date. */
export interface ObjectifView {
  readonly id: string;
  readonly libelle: string;
  readonly type: Objectif['type'];
  /** Target, in ETP. */
  readonly cible: number;
  readonly echeance: IsoDate;
  /** Year of the deadline (e.g. 2020). */
  readonly anneeEcheance: number;
  /** The deliberations that set it, in date order. */
  readonly deliberations: readonly DeliberationView[];
  /** ETP reached at the date, or at the deadline once it has passed (in place for `effectif`, created for `creations`). */
  readonly atteint: number;
  /** ETP still to reach (≥ 0), at the same date as `atteint`. */
  readonly reste: number;
  /** `true` when the deadline has passed at the document's date ("échu"): `atteint` is then the figure at the deadline. */
  readonly echu: boolean;
}

/** Everything an annex template can read. */
export interface AnnexeContext {
  readonly collectivite: Dataset['collectivite'];
  readonly dispositif: Dataset['dispositif'];
  /** Deliberations by id (e.g. `deliberations.[2019-07-01].date`). */
  readonly deliberations: Readonly<Record<string, DeliberationView>>;
  /** The deliberation the document is annexed to; `null` when the front matter names none. */
  readonly deliberation: DeliberationView | null;
  /** Objectifs by id, with progress at `date`. */
  readonly objectifs: Readonly<Record<string, ObjectifView>>;
  /** The état named by the front matter (`data.etat`); `null` when none. */
  readonly etat: EtatView | null;
  /** The déploiement named by the front matter (`data.deploiement`); `null` when none. */
  readonly deploiement: DeploiementView | null;
  /** Date the content refers to. */
  readonly date: IsoDate;
  /** Annex number of the catalogue entry ("Annexe n° 2"); `null` for a document that is no numbered annex. */
  readonly annexe: number | null;
  /** The collectivité's logo for the letterhead; `null` without one. */
  readonly logo: Logo | null;
  /** Who signs the document (catalogue entry, else the collectivité's `signataire`); `null`: unsigned. */
  readonly signature: Signataire | null;
  /** Date the document is published ("Publié le …"); `null` when not given. */
  readonly publication: IsoDate | null;
}

/** A signatory as dispositif.yaml gives it (`collectivite.signataire`, `documents[].signature`). */
export type Signataire = Readonly<NonNullable<DispositifFile['collectivite']['signataire']>>;

const key = foldForComparison;

function affectationView(a: Affectation): AffectationView {
  return {
    commune: a.commune,
    college: a.college,
    structurePorteuse: structurePorteuseLibelle(a),
    etp: a.etp,
    educationPrioritaire: a.educationPrioritaire === 'REP+' ? 'REP +' : (a.educationPrioritaire ?? ''),
    uai: a.uai ?? '',
  };
}

/** Figures of a list of rows (see `RowsSummary`). */
export function summarize(rows: readonly Affectation[]): RowsSummary {
  const structures = new Set(rows.flatMap((r) => (r.structurePorteuse ? [key(r.structurePorteuse)] : [])));
  const rep = rows.filter((r) => r.educationPrioritaire === 'REP').length;
  const repPlus = rows.filter((r) => r.educationPrioritaire === 'REP+').length;
  return {
    rows: rows.map(affectationView),
    totalEtp: totalEtp(rows),
    nombreColleges: rows.length,
    nombreCommunes: new Set(rows.map((r) => key(r.commune))).size,
    nombreStructures: structures.size,
    nombreEnNegociation: rows.filter((r) => r.conventionEnNegociation).length,
    nombreRep: rep,
    nombreRepPlus: repPlus,
    nombreEducationPrioritaire: rep + repPlus,
  };
}

const deliberationView = (d: Deliberation): DeliberationView => ({ ...d, annee: yearOf(d.date) });

/**
 * The state on a date (see `etatAu`), or undefined when the data holds no état on or before it
 * (e.g. the month before the first état).
 */
export function etatAuIfAny(dataset: Dataset, date: IsoDate): EtatAu | undefined {
  return dataset.etats.some((e) => e.date <= date) ? etatAu(dataset, date) : undefined;
}

/**
 * What a document asks for: from its template's front matter (`deliberation`, `data.etat`,
 * `data.deploiement`), or from a catalogue entry or the command line (`au`, `deploiement`).
 */
export interface AnnexeSelection {
  /** Id of the délibération the document is annexed to; default: the déploiement's. */
  readonly deliberation?: string | undefined;
  /** The état on this date (DESIGN.md: latest état ≤ date plus the deployments effective since). */
  readonly etat?: string | undefined;
  /** Id of the déploiement shown. */
  readonly deploiement?: string | undefined;
  readonly date?: string | undefined;
  /** Where each value was given, for messages (default: its front-matter line in the template). */
  readonly places?: Readonly<Partial<Record<'deliberation' | 'etat' | 'deploiement', Place>>>;
  /** The values come from the command line (`--au`, `--deploiement`): messages have no file place. */
  readonly commandLine?: boolean | undefined;
  /** Annex number (catalogue entry's `annexe`). */
  readonly annexe?: number | undefined;
  /** Signatory of the document. */
  readonly signature?: Signataire | undefined;
  /** Publication date (`--publie-le` or the entry's `publication`). */
  readonly publication?: string | undefined;
}

/**
 * Builds the view model of an annex.
 * @param file template file, named in diagnostics.
 * @returns the context, or diagnostics when the selection names a déploiement or deliberation the
 *   dataset does not have, or a date before the first état.
 */
export function buildAnnexeContext(
  dataset: Dataset,
  selection: AnnexeSelection,
  file: string,
  keyLines: Readonly<Record<string, number>> = {},
): { context?: AnnexeContext; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const FRONT_MATTER_KEYS = { deliberation: 'deliberation', etat: 'data.etat', deploiement: 'data.deploiement' } as const;
  const missing = (key: keyof typeof FRONT_MATTER_KEYS, message: string): void => {
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/data',
      message,
      ...(selection.commandLine ? {} : { place: selection.places?.[key] ?? { file, line: keyLines[FRONT_MATTER_KEYS[key]] ?? 1 } }),
      actual: selection[key],
    });
  };
  const oneOf = (values: readonly string[]): string => `l'un de ${values.join(', ') || 'aucun'}`;
  const deliberations = Object.fromEntries(dataset.deliberations.map((d) => [d.id, deliberationView(d)]));
  const deploiementData = selection.deploiement === undefined ? undefined : dataset.deploiements.find((d) => d.id === selection.deploiement);
  if (selection.deploiement !== undefined && !deploiementData)
    missing('deploiement', `Déploiement « ${selection.deploiement} » absent des données (attendu : ${oneOf(dataset.deploiements.map((d) => d.id))})`);
  const deliberationId = selection.deliberation ?? deploiementData?.deliberation;
  const deliberation = deliberationId === undefined ? undefined : deliberations[deliberationId];
  if (selection.deliberation !== undefined && !deliberation)
    missing('deliberation', `Délibération « ${selection.deliberation} » absente des données (attendu : ${oneOf(Object.keys(deliberations))})`);
  let etatData: { date: IsoDate; rows: readonly Affectation[] } | undefined;
  if (selection.etat !== undefined) {
    const first = dataset.etats[0]?.date;
    if (!isIsoDate(selection.etat)) missing('etat', `Date « ${selection.etat} » invalide (attendu : ${CALENDAR_DATE_EXPECTED})`);
    else if (first === undefined || selection.etat < first)
      missing('etat', `Aucun état au ${formatShortDate(selection.etat)} ou avant (attendu : une date à partir du ${first ? formatShortDate(first) : '…'}, date du premier état)`);
    // In commune order, as the published lists and the états `alses etat` writes: an état typed in
    // another order, or the déploiements added after it (état at 30/09 = état of 15/07 + rentrée),
    // would otherwise be listed as typed, the rentrée's collèges after WAZIERS.
    else etatData = { date: selection.etat, rows: inCommuneOrder(etatAu(dataset, selection.etat).rows) };
  }
  if (diagnostics.length) return { diagnostics };

  const date = selection.date ?? deliberation?.date ?? etatData?.date ?? deploiementData?.effet;
  if (!date) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/date',
      message: 'Date du document inconnue (attendu : « date », « deliberation » ou « data.etat » dans l\'en-tête YAML)',
      place: { file, line: 1 },
    });
    return { diagnostics };
  }
  const objectifs = Object.fromEntries(
    dataset.objectifs.map((o) => {
      // Past its deadline, an objectif is "échu": its figure is the one at the deadline.
      const at = date > o.echeance ? o.echeance : date;
      const { atteint, reste } = dataset.etats.some((e) => e.date <= at) || o.type === 'creations' ? objectifProgress(dataset, o, at) : { atteint: 0, reste: o.cible };
      const view: ObjectifView = {
        id: o.id,
        libelle: o.libelle,
        type: o.type,
        cible: o.cible,
        echeance: o.echeance,
        anneeEcheance: yearOf(o.echeance),
        deliberations: o.deliberations.flatMap((id) => (deliberations[id] ? [deliberations[id]] : [])).sort((a, b) => (a.date < b.date ? -1 : 1)),
        atteint,
        reste,
        echu: date > o.echeance,
      };
      return [o.id, view];
    }),
  );
  const context: AnnexeContext = {
    collectivite: dataset.collectivite,
    dispositif: dataset.dispositif,
    deliberations,
    deliberation: deliberation ?? null,
    objectifs,
    etat: etatData ? { date: etatData.date, ...summarize(etatData.rows) } : null,
    deploiement: deploiementData
      ? {
          id: deploiementData.id,
          libelle: deploiementData.libelle,
          effet: deploiementData.effet,
          deliberation: deliberations[deploiementData.deliberation] ?? deliberationView({ id: deploiementData.deliberation, date: deploiementData.effet, objet: '' }),
          // In commune order, as the published annexes are, whatever the order typed in the file.
          ...summarize(inCommuneOrder(deploiementData.rows)),
        }
      : null,
    date,
    annexe: selection.annexe ?? null,
    logo: dataset.logo ?? null,
    signature: selection.signature ?? null,
    publication: selection.publication ?? null,
  };
  return { context, diagnostics };
}
