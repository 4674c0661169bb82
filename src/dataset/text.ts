/**
 * Small text helpers shared by the dataset readers: tolerant comparison keys and the quoting of
 * values inside diagnostics.
 */

/**
 * Folds a label for tolerant comparison: case, accents, ligatures (œ, æ), spaces, hyphens,
 * apostrophes and other punctuation are ignored; "+" is kept so that "REP" ≠ "REP+".
 * Used for CSV headers, collège/commune identity and sigles ("Séigné" ≡ "SEIGNE",
 * "REP +" ≡ "rep+", "Villeneuve d'Ascq" ≡ "VILLENEUVE D ASCQ").
 */
export function foldForComparison(s: string): string {
  // Latin text (names and sigles are): folded character by character from a table, the same key
  // without the four Unicode passes over the whole text (see `LATIN_FOLDS`).
  let folded = '';
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code >= LATIN_END) return foldText(s);
    folded += latinFolds[code]!;
  }
  return folded;
}

/**
 * `foldForComparison` by its definition, pass by pass over the whole text, for any text: what it
 * uses beyond Latin, what its table of Latin characters is made from, and what test/fold.test.ts
 * checks the table against.
 */
export function foldText(s: string): string {
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^\p{L}\p{N}+]/gu, '');
}

/**
 * End of the characters folded from `latinFolds`: Basic Latin to Latin Extended-B (U+0000 to
 * U+024F). Each of them is a whole character (no surrogate, no combining mark), decomposes,
 * lower-cases (no context rule such as the Greek final sigma) and is kept or dropped on its own,
 * so the folding of a text of them is the folding of each in turn (checked on random texts by
 * test/dataset.test.ts).
 */
const LATIN_END = 0x250;

/** `foldText` of each character below `LATIN_END`, by its code. */
const latinFolds: readonly string[] = Array.from({ length: LATIN_END }, (_, code) => foldText(String.fromCharCode(code)));

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
