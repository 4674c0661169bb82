/**
 * The validated domain of the ALSES scheme (DESIGN.md, "Data contract"). Built by `loadDataset`
 * from `data/dispositif.yaml` and the CSV files it names; every figure a document shows is computed
 * from these values. What dispositif.yaml declares is typed from its zod schemas (`schema.ts`).
 *
 * Units: `etp` is in ETP (équivalent temps plein, 1 = one full-time post); dates are ISO
 * `YYYY-MM-DD` strings meaning a calendar day in Europe/Paris.
 */
import type { z } from 'zod';
import type { IsoDate } from '../dates.ts';
import type { Place } from '../diagnostics.ts';
import type { deliberationSchema, deploiementEntrySchema, DispositifFile, documentEntrySchema, etatEntrySchema, objectifSchema, OBJECTIF_TYPES, structurePorteuseSchema } from './schema.ts';
import { foldForComparison } from './text.ts';

/** Education priority labels (éducation prioritaire); the published "REP +" is normalised to "REP+". */
export const EDUCATION_PRIORITAIRE = ['REP', 'REP+'] as const;
/** Education priority of a collège. */
export type EducationPrioritaire = (typeof EDUCATION_PRIORITAIRE)[number];

/**
 * Marker written instead of a structure porteuse while the convention is being negotiated
 * (as published in the July 2019 list).
 */
export const PENDING_STRUCTURE = 'en cours de négociation';

/** ISO calendar date `YYYY-MM-DD` (Europe/Paris): defined in `src/dates.ts`. */
export type { IsoDate };

/** Kind of objectif: `effectif` (posts in place) or `creations` (posts created since a date). */
export type ObjectifType = (typeof OBJECTIF_TYPES)[number];

/** The collectivité that funds the scheme and signs the documents (`nom` as printed). */
export type Collectivite = Readonly<DispositifFile['collectivite']>;

/** A deliberation of the collectivité's assembly (fields: `deliberationSchema`). */
export type Deliberation = Readonly<z.output<typeof deliberationSchema>>;

/** An association that carries ALSES posts (fields: `structurePorteuseSchema`). */
export type StructurePorteuse = Readonly<z.output<typeof structurePorteuseSchema>>;

/** A target of the scheme set by deliberations, in ETP (fields: `objectifSchema`). */
export type Objectif = Readonly<z.output<typeof objectifSchema>>;

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

/**
 * Identity of a collège: commune + name, ignoring case, accents, spaces and punctuation
 * ("GRANDE SYNTHÉ / Jules Verne" ≡ "Grande-Synthe / JULES VERNE").
 */
export const collegeKey = (row: { readonly commune: string; readonly college: string }): string =>
  `${foldForComparison(row.commune)}/${foldForComparison(row.college)}`;

/**
 * The structure porteuse of a row as documents and canonical files print it: its sigle,
 * "en cours de négociation" while the convention is negotiated, else `nonDesignee` (default "").
 */
export function structurePorteuseLibelle(row: Pick<Affectation, 'structurePorteuse' | 'conventionEnNegociation'>, nonDesignee = ''): string {
  return row.conventionEnNegociation ? PENDING_STRUCTURE : (row.structurePorteuse ?? nonDesignee);
}

/** The list of collèges hosting ALSES posts on a date ("état au 15 juillet 2019"): its entry in dispositif.yaml and its rows. */
export type Etat = Readonly<z.output<typeof etatEntrySchema>> & AffectationTable;

/** Posts created by a deliberation, effective at a date ("déploiement à la rentrée 2019"): its entry in dispositif.yaml and its rows. */
export type Deploiement = Readonly<z.output<typeof deploiementEntrySchema>> & AffectationTable;

/** The rows of an état or a déploiement and where they were read. */
export interface AffectationTable {
  /**
   * Where the rows were read, as diagnostics show it: the CSV file relative to the working folder
   * (e.g. `data/etats/2019-07-15.csv`), or the workbook (`alses.xlsx`; the sheet is in each row's place).
   */
  readonly source: string;
  /** Rows in file order. */
  readonly rows: readonly Affectation[];
}

/** The whole validated dataset. */
export interface Dataset {
  readonly collectivite: Collectivite;
  /** The scheme: sigle "ALSES", name "Acteurs de Liaison Sociale en Environnement Scolaire". */
  readonly dispositif: Readonly<DispositifFile['dispositif']>;
  readonly deliberations: readonly Deliberation[];
  readonly structuresPorteuses: readonly StructurePorteuse[];
  readonly objectifs: readonly Objectif[];
  /** États sorted by date. */
  readonly etats: readonly Etat[];
  /** Déploiements sorted by `effet`. */
  readonly deploiements: readonly Deploiement[];
  /** The catalogue of documents attached to deliberations, in file order. */
  readonly documents: readonly CatalogueDocument[];
  /** The collectivité's logo (`collectivite.logo`), read from the data folder; absent without one. */
  readonly logo?: Logo;
}

/**
 * The letterhead's logo box, in points: the logo is printed `height` high, its width following
 * its ratio but at most `maxWidth` (then its height is smaller). An SVG logo is rasterised at
 * `dpi` for this printed size.
 */
export const LOGO_BOX = { height: 48, maxWidth: 170, dpi: 300 } as const;

/**
 * A logo for the letterhead, as every writer embeds it: PNG or JPEG bytes (an SVG file is
 * rasterised to PNG when read, see `LOGO_BOX`) and their size in pixels.
 */
export interface Logo {
  /** `png` or `jpeg`: the format of `data`. */
  readonly format: 'png' | 'jpeg';
  /** The image's bytes: the file's own for PNG and JPEG, the rasterised picture for SVG. */
  readonly data: Uint8Array;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** The file as dispositif.yaml names it, relative to the data folder, e.g. `logo.png`. */
  readonly fichier: string;
  /** The file's path as shown in messages and manifests. */
  readonly source: string;
  /** The file's bytes as read (what `alses import` copies). */
  readonly bytes: Uint8Array;
}

/** A document of the catalogue (`documents:` of dispositif.yaml). */
export type CatalogueDocument = Readonly<z.output<typeof documentEntrySchema>>;
