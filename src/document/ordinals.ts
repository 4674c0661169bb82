/**
 * French ordinals in text: the "er" of "1er" before a month name set as a superscript
 * ("1<sup>er</sup> juillet 2019", Imprimerie nationale), wherever the product writes a date in
 * words — template text (the parser), the letterhead's reference, the signature block and the
 * running header.
 */
import { MONTHS_FR } from '../dates.ts';
import { at, superscript, text } from './builders.ts';
import type { Inline, SourcePosition } from './nodes.ts';

/**
 * "1er" before a month name, followed by a space or a no-break space: the day of a date in words
 * ("1er juillet 2019", `formatDate`), whose "er" is set as a superscript.
 */
const FIRST_OF_MONTH = new RegExp(`(?<![\\p{L}\\p{N}])1(er)(?=[ \u00a0](?:${MONTHS_FR.join('|')})(?![\\p{L}]))`, 'gu');

/**
 * Text → text nodes, with the "er" of each "1er" before a month name as a superscript. Other
 * text is one text node. `position`: where the text comes from in a template, if it does.
 */
export function textWithOrdinals(value: string, position?: SourcePosition): Inline[] {
  // Most text (every table cell) has no "1er": one substring search instead of the pattern's.
  if (!value.includes('1er')) return [at(text(value), position)];
  const out: Inline[] = [];
  let last = 0;
  for (const m of value.matchAll(FIRST_OF_MONTH)) {
    const start = m.index + 1;
    out.push(at(text(value.slice(last, start)), position), at(superscript(m[1] ?? ''), position));
    last = start + 2;
  }
  if (last === 0) return [at(text(value), position)];
  if (last < value.length) out.push(at(text(value.slice(last)), position));
  return out;
}

/** Superscript modifier letters for the ending of "1er" (U+1D49 ᵉ, U+02B3 ʳ), in Source Sans 3. */
const SUPERSCRIPT_LETTERS: Readonly<Record<string, string>> = { e: '\u1d49', r: '\u02b3' };

/**
 * Text with the "er" of each "1er" before a month name written in superscript modifier letters
 * ("1ᵉʳ juillet 2019"): for text that cannot carry a superscript node, such as a CSS generated
 * content string (the HTML's printed running header, `writers/html-page.ts`).
 */
export function ordinalsAsLetters(value: string): string {
  return value.replace(FIRST_OF_MONTH, (_, ending: string) => `1${[...ending].map((c) => SUPERSCRIPT_LETTERS[c] ?? c).join('')}`);
}
