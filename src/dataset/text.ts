/**
 * Small text helpers shared by the dataset readers: tolerant comparison keys, ISO dates, and the
 * French wording of values inside diagnostics.
 */
import { MONTHS_FR } from '../format.ts';
import type { IsoDate } from './model.ts';

/**
 * Folds a label for tolerant comparison: case, accents, ligatures (œ, æ), spaces, hyphens,
 * apostrophes and other punctuation are ignored; "+" is kept so that "REP" ≠ "REP+".
 * Used for CSV headers, collège/commune identity and sigles ("Séigné" ≡ "SEIGNE",
 * "REP +" ≡ "rep+", "Villeneuve d'Ascq" ≡ "VILLENEUVE D ASCQ").
 */
export function foldForComparison(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^\p{L}\p{N}+]/gu, '');
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `true` if `s` is an ISO `YYYY-MM-DD` string naming a real calendar day (2019-02-30 is not;
 * 2020-02-29 is). Dates carry no time zone: they are calendar days in Europe/Paris.
 */
export function isIsoDate(s: string): s is IsoDate {
  const m = ISO_DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  // Day 0 of the next month is the last day of this month (UTC avoids DST surprises).
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d <= daysInMonth;
}

/** `2019-07-15` → `15/07/2019`, for diagnostics read by staff (input assumed valid). */
export function frenchDate(date: IsoDate): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/**
 * `2019-07-10` → `10 juillet 2019`, `2019-07-01` → `1er juillet 2019`, for messages that tell a
 * story about dates (input assumed valid; plain spaces, unlike `formatDate` for documents).
 */
export function frenchLongDate(date: IsoDate): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${d === 1 ? '1er' : String(d)} ${MONTHS_FR[m - 1]} ${y}`;
}

/** Quotes a value in French guillemets: `« rentree-2019 »`. */
export const guillemets = (value: unknown): string => `« ${String(value)} »`;

/** Quotes a value as diagnostics do: `"1,5"`. */
export const quote = (value: unknown): string => `"${String(value)}"`;
