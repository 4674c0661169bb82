/**
 * Official identifiers a row may carry, checked when present:
 * - UAI (Unité Administrative Immatriculée, the national number of a school): 7 digits and a
 *   check letter — the 7-digit number modulo 23, as an index into the alphabet without I, O
 *   and Q (e.g. 0750654D: 750654 mod 23 = 3 → "D");
 * - code INSEE of a commune (Code officiel géographique): 5 characters, the département on two
 *   (2A and 2B for Corsica since 1976, 97x overseas) and the commune on three (e.g. 59009).
 */
import type { RuleId } from '../../rules.ts';
import { quote } from '../text.ts';

/** The 23 check letters of a UAI, in order: the alphabet without I, O and Q. */
export const UAI_CHECK_LETTERS = 'ABCDEFGHJKLMNPRSTUVWXYZ';

/** Check letter of a UAI from its 7 digits ("0750654" → "D"). */
export function uaiCheckLetter(digits: string): string {
  return UAI_CHECK_LETTERS[Number(digits) % 23]!;
}

/** Outcome of checking an identifier: the normalised value, or a rule and a French message. */
export type IdentifierCheck =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly ruleId: RuleId; readonly message: string; readonly expected: string };

/** Checks a UAI (case-insensitive): `uai/format` or `uai/check-letter` when wrong. */
export function checkUai(raw: string): IdentifierCheck {
  const value = raw.trim().toUpperCase();
  const m = /^(\d{7})([A-Z])$/.exec(value);
  if (!m) return { ok: false, ruleId: 'uai/format', message: `UAI ${quote(raw)} invalide (attendu : 7 chiffres et une lettre, ex. 0590001F)`, expected: '7 chiffres et une lettre, ex. 0590001F' };
  const expected = uaiCheckLetter(m[1]!);
  if (m[2] !== expected) {
    return {
      ok: false,
      ruleId: 'uai/check-letter',
      message: `UAI ${quote(raw)} : lettre de contrôle ${quote(m[2])} incorrecte (attendu : ${quote(m[1]! + expected)}, la lettre de ${m[1]} étant ${quote(expected)} ; vérifier les chiffres et la lettre)`,
      expected: m[1]! + expected,
    };
  }
  return { ok: true, value };
}

const INSEE_EXPECTED = "5 caractères : le département sur 2 (2A ou 2B en Corse) et la commune sur 3, ex. 59009";

/** Checks a code INSEE of a commune (case-insensitive): `insee/format` when wrong. */
export function checkInsee(raw: string): IdentifierCheck {
  const value = raw.trim().toUpperCase();
  const fail = (why: string): IdentifierCheck => ({ ok: false, ruleId: 'insee/format', message: `code INSEE ${quote(raw)} invalide${why} (attendu : ${INSEE_EXPECTED})`, expected: INSEE_EXPECTED });
  if (!/^(\d\d|2A|2B)\d{3}$/.test(value)) return fail('');
  const departement = value.slice(0, 2);
  if (departement === '20') return fail(' : la Corse s’écrit 2A (Corse-du-Sud) ou 2B (Haute-Corse), ex. 2A004');
  const n = Number(departement);
  const known = departement === '2A' || departement === '2B' || (n >= 1 && n <= 95) || (n === 97 && /^97[1-8]/.test(value)) || (n === 98 && /^98[4-8]/.test(value));
  if (!known) return fail(` : département ${quote(departement)} inexistant`);
  return { ok: true, value };
}
