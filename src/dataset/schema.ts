/**
 * The shape of `data/dispositif.yaml` (DESIGN.md, "Data contract"), as zod schemas with French
 * keys as staff write them. Cross-references (deliberation ids, files) are checked in `load.ts`.
 */
import { z } from 'zod';
import { OBJECTIF_TYPES } from './model.ts';
import { matiereCodeSchema, siretSchema } from './scdl-fields.ts';
import { isIsoDate, quote } from './text.ts';

/** Rule id zod custom issues carry in `params.ruleId`. */
export interface RuleParams {
  readonly ruleId: string;
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
        message: `date ${quote(value)} invalide (attendu : une date du calendrier au format AAAA-MM-JJ, ex. 2019-07-15)`,
        params: { ruleId: 'date/invalid' } satisfies RuleParams,
      });
    }
  })
  .describe('une date AAAA-MM-JJ, ex. 2019-07-15');

/**
 * `deliberations[]`: id (the ISO date by convention), date, instance when published, objet;
 * `matiere`, the ACTES matière code, only needed by `alses opendata`.
 */
export const deliberationSchema = z.strictObject({
  id: text,
  date: isoDateSchema,
  instance: text.optional(),
  objet: text,
  matiere: matiereCodeSchema.optional(),
});

/** `structuresPorteuses[]`: sigle as published, full name when known. */
export const structurePorteuseSchema = z.strictObject({
  sigle: text,
  nom: text.optional(),
});

/** `objectifs[]`: a target in ETP set by deliberations; `creations` needs `depuis`. */
export const objectifSchema = z
  .strictObject({
    id: text,
    libelle: text,
    type: z.enum(OBJECTIF_TYPES).describe(OBJECTIF_TYPES.join(' ou ')),
    cible: z.number().positive().describe("un nombre d'ETP, ex. 50"),
    echeance: isoDateSchema,
    depuis: isoDateSchema.optional(),
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

/** `etats[]`: the date of an état and its CSV file (path relative to the data folder). */
export const etatEntrySchema = z.strictObject({
  date: isoDateSchema,
  fichier: text,
});

/** `deploiements[]`: posts created by a deliberation, effective at `effet`. */
export const deploiementEntrySchema = z.strictObject({
  id: text,
  libelle: text,
  fichier: text,
  deliberation: text,
  effet: isoDateSchema,
});

/** The whole `dispositif.yaml`. */
export const dispositifSchema = z.strictObject({
  // `siret`: only needed by `alses opendata`.
  collectivite: z.strictObject({ nom: text, siret: siretSchema.optional() }),
  dispositif: z.strictObject({ sigle: text, nom: text }),
  deliberations: z.array(deliberationSchema).default([]),
  structuresPorteuses: z.array(structurePorteuseSchema).default([]),
  objectifs: z.array(objectifSchema).default([]),
  etats: z.array(etatEntrySchema).min(1),
  deploiements: z.array(deploiementEntrySchema).default([]),
});

/** `dispositif.yaml` once validated. */
export type DispositifFile = z.output<typeof dispositifSchema>;
