/**
 * The validated domain of the ALSES scheme (DESIGN.md, "Data contract"). Built by `loadDataset`
 * from `data/dispositif.yaml` and the CSV files it names; every figure a document shows is computed
 * from these values.
 *
 * Units: `etp` is in ETP (équivalent temps plein, 1 = one full-time post); dates are ISO
 * `YYYY-MM-DD` strings meaning a calendar day in Europe/Paris.
 */
import type { Place } from '../diagnostics.ts';

/** Education priority labels (éducation prioritaire); the published "REP +" is normalised to "REP+". */
export const EDUCATION_PRIORITAIRE = ['REP', 'REP+'] as const;
/** Education priority of a collège. */
export type EducationPrioritaire = (typeof EDUCATION_PRIORITAIRE)[number];

/**
 * Marker written instead of a structure porteuse while the convention is being negotiated
 * (as published in the July 2019 list).
 */
export const PENDING_STRUCTURE = 'en cours de négociation';

/** Kinds of objectif: a number of posts in place, or a number of posts created since a date. */
export const OBJECTIF_TYPES = ['effectif', 'creations'] as const;
/** Kind of objectif. */
export type ObjectifType = (typeof OBJECTIF_TYPES)[number];

/** ISO calendar date `YYYY-MM-DD` (Europe/Paris). */
export type IsoDate = string;

/** The collectivité that funds the scheme and signs the documents. */
export interface Collectivite {
  /** Name as printed, e.g. "Département du Nord". */
  readonly nom: string;
  /** SIRET (14 digits, checksum checked), when given; needed by open data. */
  readonly siret?: string;
}

/** A deliberation of the collectivité's assembly. */
export interface Deliberation {
  /** Identifier used by other records, e.g. "2019-07-01". */
  readonly id: string;
  /** Date of the deliberation. */
  readonly date: IsoDate;
  /** Deciding body, when published (e.g. "Commission permanente"). */
  readonly instance?: string;
  /** What it decided, as published. */
  readonly objet: string;
  /** Matière code of the ACTES nomenclature, e.g. "8.2", when given; needed by open data. */
  readonly matiere?: string;
}

/** An association that carries ALSES posts. */
export interface StructurePorteuse {
  /** Name or acronym as published, e.g. "CAPEP", "Bouée des jeunes". */
  readonly sigle: string;
  /** Full name, when known. */
  readonly nom?: string;
}

/** A target of the scheme set by deliberations. */
export interface Objectif {
  /** Identifier, e.g. "cinquantaine-2020". */
  readonly id: string;
  /** Wording as published, e.g. "atteindre une cinquantaine de postes sur le territoire d'ici 2020". */
  readonly libelle: string;
  /** `effectif`: ETP in place at `echeance`; `creations`: ETP created by deployments decided from `depuis`. */
  readonly type: ObjectifType;
  /** Target figure, in ETP. */
  readonly cible: number;
  /** Date by which the target is to be met. */
  readonly echeance: IsoDate;
  /** For `creations`: deployments decided on or after this date count. */
  readonly depuis?: IsoDate;
  /** Ids of the deliberations that set it. */
  readonly deliberations: readonly string[];
}

/** One collège hosting ALSES posts: a row of an état or of a déploiement. */
export interface Affectation {
  /** Commune as published, e.g. "GRANDE SYNTHÉ". */
  readonly commune: string;
  /** Name of the collège as published, e.g. "Jules Verne". */
  readonly college: string;
  /** Sigle of the structure porteuse; `null` while "en cours de négociation" or not yet designated. */
  readonly structurePorteuse: string | null;
  /** `true` when the file says "en cours de négociation". */
  readonly conventionEnNegociation: boolean;
  /** Posts in ETP, 0 < etp ≤ 1. */
  readonly etp: number;
  /** UAI code of the collège (7 digits + check letter, upper case), when given. */
  readonly uai?: string;
  /** Code INSEE of the commune (5 characters, e.g. "59009", "2A004"), when given. */
  readonly insee?: string;
  /** REP or REP+, when given. */
  readonly educationPrioritaire?: EducationPrioritaire;
  /** Where the row was read. */
  readonly place: Place;
}

/** The list of collèges hosting ALSES posts on a date ("état au 15 juillet 2019"). */
export interface Etat {
  /** Date of the état. */
  readonly date: IsoDate;
  /**
   * Source file, relative to the working folder as in diagnostics (e.g. `data/etats/2019-07-15.csv`),
   * or the workbook (`alses.xlsx`; the sheet is in each row's place).
   */
  readonly file: string;
  /** Rows in file order. */
  readonly rows: readonly Affectation[];
}

/** Posts created by a deliberation, effective at a date ("déploiement à la rentrée 2019"). */
export interface Deploiement {
  /** Identifier, e.g. "rentree-2019". */
  readonly id: string;
  /** Wording, e.g. "rentrée 2019". */
  readonly libelle: string;
  /** Id of the deciding deliberation. */
  readonly deliberation: string;
  /** Date the posts take effect (e.g. the pupils' rentrée, 2019-09-02). */
  readonly effet: IsoDate;
  /** Source file or workbook, relative to the working folder as in diagnostics. */
  readonly file: string;
  /** Rows in file order. */
  readonly rows: readonly Affectation[];
}

/** The whole validated dataset. */
export interface Dataset {
  readonly collectivite: Collectivite;
  /** Name of the scheme, e.g. "Acteurs de Liaison Sociale en Environnement Scolaire". */
  readonly dispositif: { readonly sigle: string; readonly nom: string };
  readonly deliberations: readonly Deliberation[];
  readonly structuresPorteuses: readonly StructurePorteuse[];
  readonly objectifs: readonly Objectif[];
  /** États sorted by date. */
  readonly etats: readonly Etat[];
  /** Déploiements sorted by `effet`. */
  readonly deploiements: readonly Deploiement[];
}
