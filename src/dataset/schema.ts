/**
 * The shape of `data/dispositif.yaml` (DESIGN.md, "Data contract"), as zod schemas with French
 * keys as staff write them; the domain types of `model.ts` are inferred from them.
 * Cross-references (deliberation ids, files) are checked in `rules/cross-references.ts`.
 */
import { z } from 'zod';
import { CALENDAR_DATE_EXPECTED, isIsoDate } from '../dates.ts';
import type { RuleId } from '../rules.ts';
import { matiereCodeSchema, siretSchema } from './scdl-fields.ts';
import { quote } from './text.ts';

/** Name of the file describing the scheme, in the data folder. */
export const DISPOSITIF_FILE = 'dispositif.yaml';

/** Kinds of objectif: a number of posts in place, or a number of posts created since a date. */
export const OBJECTIF_TYPES = ['effectif', 'creations'] as const;

/** Rule id zod custom issues carry in `params.ruleId`. */
export interface RuleParams {
  readonly ruleId: RuleId;
  /** The offending value (`Diagnostic.actual`). */
  readonly actual?: string;
  /** What was expected (`Diagnostic.expected`). */
  readonly expected?: string;
}

/** Non-empty text (surrounding spaces removed). */
const text = z.string().trim().min(1).describe('un texte');

/** ISO calendar date `YYYY-MM-DD`, a real day (`date/invalid` otherwise). */
export const isoDateSchema = z
  .string()
  .superRefine((value, ctx) => {
    if (!isIsoDate(value)) {
      ctx.addIssue({
        code: 'custom',
        message: `date ${quote(value)} invalide (attendu : ${CALENDAR_DATE_EXPECTED})`,
        params: { ruleId: 'date/invalid', actual: value, expected: CALENDAR_DATE_EXPECTED } satisfies RuleParams,
      });
    }
  })
  .describe('une date AAAA-MM-JJ, ex. 2019-07-15');

/** `deliberations[]`: a deliberation of the collectivité's assembly. */
export const deliberationSchema = z.strictObject({
  /** Identifier used by other records; the ISO date by convention, e.g. "2019-07-01". */
  id: text,
  /** Date of the deliberation. */
  date: isoDateSchema,
  /** Deciding body, when published (e.g. "Commission permanente"). */
  instance: text.optional(),
  /** Number as the collectivité writes it (e.g. "DL-2020-123"), when it has one. */
  numero: text.optional(),
  /** What it decided, as published. */
  objet: text,
  /** Matière code of the ACTES nomenclature, e.g. "8.2"; only needed by `alses opendata`. */
  matiere: matiereCodeSchema.optional(),
});

/** `structuresPorteuses[]`: an association that carries ALSES posts. */
export const structurePorteuseSchema = z.strictObject({
  /** Name or acronym as published, e.g. "CAPEP", "Bouée des jeunes". */
  sigle: text,
  /** Full name, when known. */
  nom: text.optional(),
});

/** `objectifs[]`: a target in ETP set by deliberations; `creations` needs `depuis`. */
export const objectifSchema = z
  .strictObject({
    /** Identifier, e.g. "cinquantaine-2020". */
    id: text,
    /** Wording as published, e.g. "atteindre une cinquantaine de postes sur le territoire d'ici 2020". */
    libelle: text,
    /** `effectif`: ETP in place at `echeance`; `creations`: ETP created by deployments decided from `depuis`. */
    type: z.enum(OBJECTIF_TYPES).describe(OBJECTIF_TYPES.join(' ou ')),
    /** Target figure, in ETP. */
    cible: z.number().positive().describe("un nombre d'ETP, ex. 50"),
    /** Date by which the target is to be met. */
    echeance: isoDateSchema,
    /** For `creations`: deployments decided on or after this date count. */
    depuis: isoDateSchema.optional(),
    /** Ids of the deliberations that set it. */
    deliberations: z.array(text).default([]),
  })
  .superRefine((o, ctx) => {
    if (o.type === 'creations' && o.depuis === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['depuis'],
        message: `objectif ${quote(o.id)} de type "creations" sans date "depuis" (attendu : la date à partir de laquelle les créations comptent, ex. 2018-12-17)`,
        params: { ruleId: 'objectif/depuis-required' } satisfies RuleParams,
      });
    }
  });

/** `etats[]`: the date of an état and its CSV file. */
export const etatEntrySchema = z.strictObject({
  /** Date of the état. */
  date: isoDateSchema,
  /** Its CSV file, relative to the data folder (e.g. `etats/2019-07-15.csv`). */
  fichier: text,
});

/** What an identifier of a déploiement or a catalogue document is made of: lower-case letters, digits and hyphens. */
export const IDENTIFIER_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Longest identifier of a déploiement or a catalogue document, in characters. Both name output
 * files (`<id>.docx`, `annexe-deploiement-<id>.pdf`, and their temporary `.<name>.<pid>.<hex>.tmp`
 * while publishing), which file systems limit to 255 bytes: a longer id was accepted, then every
 * render failed when writing (ENAMETOOLONG, issue 12).
 */
export const IDENTIFIER_MAX_LENGTH = 80;

/** What an identifier must be, as messages say it. */
export const IDENTIFIER_EXPECTED = `minuscules, chiffres et tirets, au plus ${IDENTIFIER_MAX_LENGTH} caractères`;

/**
 * Highest annex number: a délibération has a few annexes; a number beyond this is a typo (a
 * 20-digit number typed in the page's form was refused in Zod's English).
 */
export const MAX_ANNEXE = 999;

/** Whether `id` may identify a déploiement or a catalogue document: `IDENTIFIER_PATTERN`, at most `IDENTIFIER_MAX_LENGTH` characters. */
export const isIdentifier = (id: string): boolean => IDENTIFIER_PATTERN.test(id) && id.length <= IDENTIFIER_MAX_LENGTH;

/**
 * An identifier that names files: `IDENTIFIER_PATTERN`, at most `IDENTIFIER_MAX_LENGTH`
 * characters. A déploiement id with `../` made `alses render annexe-deploiement --deploiement`
 * write outside its output folder (issue 12).
 */
const identifier = (example: string) =>
  z
    .string()
    .regex(IDENTIFIER_PATTERN, `attendu : un identifiant en minuscules, chiffres et tirets, ex. ${example}`)
    .max(IDENTIFIER_MAX_LENGTH, `plus de ${IDENTIFIER_MAX_LENGTH} caractères ; attendu : un identifiant d'au plus ${IDENTIFIER_MAX_LENGTH} caractères, ex. ${example}`)
    .describe(`un identifiant en minuscules, chiffres et tirets, au plus ${IDENTIFIER_MAX_LENGTH} caractères, ex. ${example}`);

/** `deploiements[]`: posts created by a deliberation, effective at `effet`. */
export const deploiementEntrySchema = z.strictObject({
  /** Identifier, e.g. "rentree-2019" (`IDENTIFIER_PATTERN`, at most `IDENTIFIER_MAX_LENGTH` characters). */
  id: identifier('rentree-2020'),
  /** Wording, e.g. "rentrée 2019". */
  libelle: text,
  /** Its CSV file, relative to the data folder (e.g. `deploiements/rentree-2019.csv`). */
  fichier: text,
  /** Id of the deciding deliberation. */
  deliberation: text,
  /** Date the posts take effect (e.g. the pupils' rentrée, 2019-09-02). */
  effet: isoDateSchema,
});

/**
 * `signataire` (collectivité) or `documents[].signature`: the signature block printed at the end
 * of a document, « Fait à Lille, le 1er juillet 2019 », the mention, the qualité and the name.
 */
export const signataireSchema = z.strictObject({
  /** Place of signature, e.g. "Lille". */
  lieu: text,
  /** Date of signature; default: the délibération's date, else the document's. */
  date: isoDateSchema.optional(),
  /** Office of the signatory, e.g. "Le Président du Conseil départemental". */
  qualite: text,
  /** First name, e.g. "Jean-René". */
  prenom: text,
  /** Surname, printed in capitals, e.g. "Lecerf". */
  nom: text,
  /** Delegation mention, e.g. "Pour le Président et par délégation". */
  mention: text.optional(),
});

/**
 * `documents[]`: the catalogue of documents attached to deliberations (DESIGN.md, "Documents:
 * generic templates and a catalogue"), all rendered by `alses render` with no argument.
 */
export const documentEntrySchema = z.strictObject({
  /** Identifier, also the base name of the output files, e.g. "annexe-liste-juillet-2019" (`IDENTIFIER_PATTERN`, at most `IDENTIFIER_MAX_LENGTH` characters). */
  id: identifier('annexe-liste-juillet-2020'),
  /** Template name: the file `templates/<modele>.hbs`. */
  modele: text,
  /** Date of the état the document shows (templates taking the parameter `au`). */
  au: isoDateSchema.optional(),
  /** Id of the déploiement the document shows (templates taking the parameter `deploiement`). */
  deploiement: text.optional(),
  /** Id of the deliberation the document is annexed to; a deployment annex takes its deployment's. */
  deliberation: text.optional(),
  /** Annex number ("Annexe n° 2"). */
  annexe: z.number().int().positive().max(MAX_ANNEXE).describe(`un numéro entier de 1 à ${MAX_ANNEXE}, ex. 2`).optional(),
  /** Who signs the document, at its end; default: the collectivité's `signataire`. */
  signature: signataireSchema.optional(),
  /** Date the document is published ("Publié le …"), when it is. */
  publication: isoDateSchema.optional(),
});

/** The whole `dispositif.yaml`. */
export const dispositifSchema = z.strictObject({
  /** The collectivité that funds the scheme and signs the documents; `nom` as printed, e.g. "Département du Nord". */
  collectivite: z.strictObject({
    nom: text,
    /** SIRET, 14 digits; only needed by `alses opendata`. */
    siret: siretSchema.optional(),
    /** Logo for the letterhead: a PNG, JPEG or SVG file inside the data folder (path relative to it). */
    logo: text.optional(),
    /** Postal address printed under the logo, one line per item. */
    adresse: z.array(text).optional(),
    /** Default signatory of the documents (a catalogue entry's `signature` takes precedence). */
    signataire: signataireSchema.optional(),
  }),
  /** The scheme: sigle "ALSES", nom "Acteurs de Liaison Sociale en Environnement Scolaire". */
  dispositif: z.strictObject({ sigle: text, nom: text }),
  deliberations: z.array(deliberationSchema).default([]),
  structuresPorteuses: z.array(structurePorteuseSchema).default([]),
  objectifs: z.array(objectifSchema).default([]),
  etats: z.array(etatEntrySchema).min(1),
  deploiements: z.array(deploiementEntrySchema).default([]),
  documents: z.array(documentEntrySchema).default([]),
});

/** `dispositif.yaml` once validated. */
export type DispositifFile = z.output<typeof dispositifSchema>;
