/**
 * Handlebars helpers for French formatting and simple aggregates, registered on the product's
 * Handlebars environment. Helpers return plain strings: Handlebars escapes them, so a value can
 * never inject markup.
 *
 * | helper | example | prints |
 * |---|---|---|
 * | `etp n` | `{{etp 0.5}}` | 0,5 |
 * | `nombre n` | `{{nombre 1234}}` | 1 234 |
 * | `pourcent share` | `{{pourcent 0.5}}` | 50 % |
 * | `date iso` | `{{date "2019-07-01"}}` | 1er juillet 2019 |
 * | `mois iso` | `{{mois "2019-07-15"}}` | juillet 2019 |
 * | `annee iso` | `{{annee "2021-12-31"}}` | 2021 |
 * | `somme list "field"` | `{{etp (somme etat.rows "etp")}}` | 41 |
 * | `compte list` | `{{compte etat.rows}}` | 42 |
 * | `majuscules s` | `{{majuscules "juillet"}}` | JUILLET |
 * | `pluriel n "un" "des"` | `{{pluriel 2 "poste" "postes"}}` | postes |
 * | `liste items` | `{{liste (array "a" "b" "c")}}` | a, b et c |
 * | `variation n` | `{{variation 11}}` | +11 (− for a loss, 0 for none) |
 */
import type { HelperDelegate } from 'handlebars';
import { sumEtp } from '../dataset/etp.ts';
import { formatDate, formatMonth, yearOf } from '../dates.ts';
import { formatEtp, formatNumber, formatPercent } from '../format.ts';


/** What a helper received, in words: « 12 », « texte », or rien, une liste, un ensemble de champs. */
const received = (v: unknown): string => {
  if (v === undefined || v === null) return 'rien';
  // Handlebars passes its options object last: seen first, no parameter was given.
  if (typeof v === 'object' && 'hash' in v && 'data' in v) return 'rien (paramètre manquant)';
  if (Array.isArray(v)) return 'une liste';
  if (typeof v === 'object') return 'un ensemble de champs';
  return `« ${String(v)} »`;
};
const asNumber = (name: string, v: unknown): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`{{${name}}} attend un nombre, reçu ${received(v)}`);
  return v;
};
const asString = (name: string, v: unknown): string => {
  if (typeof v !== 'string') throw new Error(`{{${name}}} attend un texte, reçu ${received(v)}`);
  return v;
};
const asList = (name: string, v: unknown): readonly unknown[] => {
  if (!Array.isArray(v)) throw new Error(`{{${name}}} attend une liste, reçu ${received(v)}`);
  return v;
};

/** Joins words the French way: "a", "a et b", "a, b et c". */
export function joinFrench(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

/**
 * The helpers, by name. Each throws an Error with a French message when given a value of the
 * wrong kind (reported by the renderer with the template's name).
 */
export const HELPERS: Readonly<Record<string, HelperDelegate>> = {
  etp: (v: unknown) => formatEtp(asNumber('etp', v)),
  nombre: (v: unknown) => formatNumber(asNumber('nombre', v)),
  pourcent: (v: unknown) => formatPercent(asNumber('pourcent', v)),
  date: (v: unknown) => formatDate(asString('date', v)),
  mois: (v: unknown) => formatMonth(asString('mois', v)),
  annee: (v: unknown) => String(yearOf(asString('annee', v))),
  somme: (list: unknown, field: unknown) => {
    const key = asString('somme', field);
    return sumEtp(asList('somme', list).map((item) => asNumber('somme', (item as Record<string, unknown>)[key])));
  },
  compte: (list: unknown) => asList('compte', list).length,
  majuscules: (v: unknown) => asString('majuscules', v).toLocaleUpperCase('fr-FR'),
  pluriel: (n: unknown, one: unknown, many: unknown) => (Math.abs(asNumber('pluriel', n)) >= 2 ? many : one),
  liste: (items: unknown) => joinFrench(asList('liste', items).map((i) => String(i))),
  variation: (v: unknown) => {
    const n = asNumber('variation', v);
    return n > 0 ? `+${formatNumber(n)}` : n < 0 ? `−${formatNumber(-n)}` : '0';
  },
  array: (...args: unknown[]) => args.slice(0, -1),
  eq: (a: unknown, b: unknown) => a === b,
};
