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
  return s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^\p{L}\p{N}+]/gu, '');
}

/** Quotes a value in French guillemets: `« rentree-2019 »`. */
export const guillemets = (value: unknown): string => `« ${String(value)} »`;

/** Quotes a value as diagnostics do: `"1,5"`. */
export const quote = (value: unknown): string => `"${String(value)}"`;
