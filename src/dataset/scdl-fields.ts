/**
 * Fields of `dispositif.yaml` that open data needs (SCDL « Délibérations », src/opendata/):
 * the collectivité's SIRET and each délibération's matière code in the ACTES nomenclature.
 * Both are optional in the data; `alses opendata` requires them.
 *
 * YAML reads `siret: 22590001800011` and `matiere: 8.2` as numbers (and `8.10` as 8.1), so both
 * must be written as quoted text; a number gets a French message saying so.
 */
import { z } from 'zod';
import type { RuleParams } from './schema.ts';
import { quote } from './text.ts';

/** SIREN of La Poste, whose establishments' SIRET follow another checksum (INSEE). */
const LA_POSTE_SIREN = '356000000';

/**
 * Whether a 14-digit SIRET passes its checksum: the Luhn formula over the 14 digits (INSEE),
 * except for La Poste's establishments, whose digits add up to a multiple of 5.
 */
export function isValidSiret(siret: string): boolean {
  if (!/^\d{14}$/.test(siret)) return false;
  const digits = [...siret].map(Number);
  // La Poste's head office (35600000000048) keeps the Luhn formula.
  if (siret.startsWith(LA_POSTE_SIREN) && siret !== '35600000000048') return digits.reduce((a, b) => a + b, 0) % 5 === 0;
  let sum = 0;
  for (const [i, d] of digits.entries()) {
    // From the right, every second digit is doubled; 14 digits: the even positions from the left.
    const v = i % 2 === 0 ? d * 2 : d;
    sum += v > 9 ? v - 9 : v;
  }
  return sum % 10 === 0;
}

/** Pattern of a matière code (SCDL délibérations 2.1.x, `DELIB_MATIERE_CODE`), e.g. "8.2", "7.10". */
export const MATIERE_CODE_PATTERN = /^\d\.\d{1,2}$/;

/** `collectivite.siret`: 14 digits, checksum valid (`siret/format`, `siret/checksum`). */
export const siretSchema = z
  .union([z.string(), z.number()])
  .superRefine((value, ctx) => {
    if (typeof value === 'number') {
      ctx.addIssue({ code: 'custom', message: `SIRET ${value} écrit comme un nombre (attendu : 14 chiffres entre guillemets, ex. siret: "21590001234504")`, params: { ruleId: 'siret/format' } satisfies RuleParams });
    } else if (!/^\d{14}$/.test(value)) {
      ctx.addIssue({ code: 'custom', message: `SIRET ${quote(value)} invalide (attendu : 14 chiffres sans espace, SIREN puis NIC, ex. "21590001234504")`, params: { ruleId: 'siret/format' } satisfies RuleParams });
    } else if (!isValidSiret(value)) {
      ctx.addIssue({ code: 'custom', message: `SIRET ${quote(value)} erroné : sa clé de contrôle (formule de Luhn) est fausse (attendu : le SIRET exact de la collectivité, voir annuaire-entreprises.data.gouv.fr)`, params: { ruleId: 'siret/checksum' } satisfies RuleParams });
    }
  })
  .transform(String)
  .describe('un SIRET de 14 chiffres entre guillemets');

/** `deliberations[].matiere`: ACTES matière code `N.N` or `N.NN` (`deliberation/matiere`). */
export const matiereCodeSchema = z
  .union([z.string(), z.number()])
  .superRefine((value, ctx) => {
    if (typeof value === 'number') {
      ctx.addIssue({ code: 'custom', message: `code de matière ${value} écrit comme un nombre (attendu : entre guillemets, ex. matiere: "8.2" ; sans guillemets, 8.10 se lirait 8.1)`, params: { ruleId: 'deliberation/matiere' } satisfies RuleParams });
    } else if (!MATIERE_CODE_PATTERN.test(value)) {
      ctx.addIssue({ code: 'custom', message: `code de matière ${quote(value)} invalide (attendu : un code de la nomenclature ACTES, chiffre, point, un ou deux chiffres, ex. "8.2")`, params: { ruleId: 'deliberation/matiere' } satisfies RuleParams });
    }
  })
  .transform(String)
  .describe('un code de matière ACTES entre guillemets, ex. "8.2"');
