/**
 * Small text helpers shared by the dataset readers: tolerant comparison keys and the quoting of
 * values inside diagnostics.
 */

/** Text of ASCII characters only. */
const ASCII = /^[\u0000-\u007F]*$/;
/** In ASCII lower case, what `foldForComparison` drops: all but letters, digits and "+". */
const NOT_ASCII_KEPT = /[^a-z0-9+]/g;

/**
 * Folds a label for tolerant comparison: case, accents, ligatures (œ, æ), spaces, hyphens,
 * apostrophes and other punctuation are ignored; "+" is kept so that "REP" ≠ "REP+".
 * Used for CSV headers, collège/commune identity and sigles ("Séigné" ≡ "SEIGNE",
 * "REP +" ≡ "rep+", "Villeneuve d'Ascq" ≡ "VILLENEUVE D ASCQ").
 */
export function foldForComparison(s: string): string {
  // ASCII (many names, most sigles, headers): decomposition, marks and ligatures do not occur, and the
  // letters and digits are a-z, A-Z, 0-9; the same key, without the Unicode passes.
  if (ASCII.test(s)) return s.toLowerCase().replace(NOT_ASCII_KEPT, '');
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^\p{L}\p{N}+]/gu, '');
}

/** A character's code as messages write it: `U+202E`, `U+1F600`. */
export const codePoint = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * A value as messages show it: its control characters (U+0000–001F, U+007F–009F) and
 * bidirectional controls (U+202E « right-to-left override », U+2066–2069, U+200E/200F, U+061C)
 * written as their code, `⟨U+202E⟩`. Shown raw, an escape sequence (U+001B) recolours or clears
 * the operator's terminal, a line break splits the message, and U+202E reverses the rest of its
 * line on a terminal or a page, hiding what is wrong (issue 12).
 */
export const visible = (value: string): string =>
  value.replace(/[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, (c) => `⟨${codePoint(c)}⟩`);

/** Quotes a value in French guillemets: `« rentree-2019 »` (`visible`). */
export const guillemets = (value: unknown): string => `« ${visible(String(value))} »`;

/** Quotes a value as diagnostics do: `"1,5"` (`visible`). */
export const quote = (value: unknown): string => `"${visible(String(value))}"`;
