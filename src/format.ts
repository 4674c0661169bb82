/**
 * French formatting of figures and dates, as printed in the documents.
 * Numbers follow `Intl.NumberFormat('fr-FR')` (decimal comma, U+202F as thousands separator);
 * dates are calendar days in Europe/Paris written "1er juillet 2019", "15 juillet 2019".
 */
import { AlsesError } from './errors.ts';

const NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const PERCENT = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });

/** French month names, January first. */
export const MONTHS_FR = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

/**
 * Formats a number the French way: `0.5` → "0,5", `41` → "41", `1234` → "1 234" (U+202F).
 * At most two decimals.
 */
export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

/** Formats an ETP figure: same as `formatNumber` ("0,5", "1", "41"). */
export const formatEtp = formatNumber;

/** Formats a share in [0, 1] as a French percentage: `0.5` → "50 %" (no-break space before %, as ICU writes it). */
export function formatPercent(share: number): string {
  return PERCENT.format(share);
}

/** Parsed parts of an ISO calendar date. */
interface DateParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/**
 * Parses an ISO date `YYYY-MM-DD` (a calendar day, Europe/Paris).
 * @throws AlsesError INVALID_INPUT if the text is not a valid calendar date.
 */
export function parseIsoDate(iso: string): DateParts {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (m) {
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const d = new Date(Date.UTC(year, month - 1, day));
    if (d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day) return { year, month, day };
  }
  throw new AlsesError('INVALID_INPUT', `Date « ${iso} » invalide (attendu : date AAAA-MM-JJ, ex. 2019-07-15)`);
}

/**
 * Formats an ISO date as French long date: "2019-07-01" → "1er juillet 2019",
 * "2019-07-15" → "15 juillet 2019". Spaces are U+00A0 so the date never breaks across lines.
 * @throws AlsesError INVALID_INPUT on an invalid date.
 */
export function formatDate(iso: string): string {
  const { year, month, day } = parseIsoDate(iso);
  return `${day === 1 ? '1er' : String(day)}\u00a0${MONTHS_FR[month - 1]}\u00a0${year}`;
}

/**
 * Formats the month of an ISO date or of a `YYYY-MM` month: "juillet 2019".
 * @throws AlsesError INVALID_INPUT on an invalid date.
 */
export function formatMonth(isoOrMonth: string): string {
  const { year, month } = parseIsoDate(isoOrMonth.length === 7 ? `${isoOrMonth}-01` : isoOrMonth);
  return `${MONTHS_FR[month - 1]}\u00a0${year}`;
}

/** Year of an ISO date, as a number: "2021-12-31" → 2021. */
export function yearOf(iso: string): number {
  return parseIsoDate(iso).year;
}

/**
 * French spacing of punctuation in running text (Lexique des règles typographiques en usage à
 * l'Imprimerie nationale): a space before ";", "?" and "!" becomes a narrow no-break space
 * (U+202F), a space before ":" and inside « » a no-break space (U+00A0), so that the sign never
 * starts a line. Other spaces are left as they are.
 */
export function frenchSpacing(text: string): string {
  return text
    .replace(/ ([;?!])/g, '\u202f$1')
    .replace(/ :/g, '\u00a0:')
    .replace(/« /g, '«\u00a0')
    .replace(/ »/g, '\u00a0»');
}
