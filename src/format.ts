/**
 * French formatting of figures and running text, as printed in the documents and messages.
 * Numbers follow `Intl.NumberFormat('fr-FR')` (decimal comma, U+202F as thousands separator).
 * Dates: `src/dates.ts`.
 */

const NUMBER = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
const PERCENT = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 1 });

/**
 * Formats a number the French way: `0.5` → "0,5", `41` → "41", `1234` → "1 234" (U+202F).
 * At most two decimals.
 */
export function formatNumber(value: number): string {
  return NUMBER.format(value);
}

/**
 * A count and its noun, agreed the French way: singular for 0 and 1, plural from 2 on
 * (`countOf(0, 'erreur', 'erreurs')` → "0 erreur", `countOf(1234, 'ligne', 'lignes')` → "1 234 lignes").
 */
export function countOf(n: number, one: string, many: string): string {
  return `${formatNumber(n)} ${Math.abs(n) >= 2 ? many : one}`;
}

/** Formats an ETP figure: same as `formatNumber` ("0,5", "1", "41"). */
export const formatEtp = formatNumber;

/**
 * A number as staff type it in a spreadsheet: JavaScript's shortest decimal with a comma, no
 * thousands separator and no rounding (`40.5` → "40,5", `1234.25` → "1234,25"). Callers round
 * first when needed; documents use `formatNumber`.
 */
export function decimalComma(value: number): string {
  return String(value).replace('.', ',');
}

/** Formats a share in [0, 1] as a French percentage: `0.5` → "50 %" (no-break space before %, as ICU writes it). */
export function formatPercent(share: number): string {
  return PERCENT.format(share);
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
