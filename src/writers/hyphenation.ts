/**
 * French hyphenation of justified text: soft hyphens (U+00AD) at the points the TeX French
 * patterns allow (`hyphen/fr`, Liang's algorithm), so that a justified line can end in the middle
 * of a long word instead of opening wide gaps between words. The text keeps every character it
 * had: a soft hyphen only says where a line may break, and shows as "-" only there.
 *
 * French usage (Imprimerie nationale, TeX's `\lefthyphenmin` 2 and `\righthyphenmin` 3): at least
 * two letters before the break and three after it; words with a capital (acronyms such as ALSES,
 * REP, commune names as published, proper names, and the first word of a sentence) are not
 * hyphenated.
 */
// The French patterns; a CommonJS module whose functions Node's ESM loader only sees on its default export.
import hyphen from 'hyphen/fr/index.js';
import { remembered } from './process-cache.ts';

/** The soft hyphen: where a line may break, drawn as "-" only when it does. */
export const SOFT_HYPHEN = '\u00ad';

/**
 * The mark of a hyphenation point in the PDF writer: the zero width space (U+200B), a line break
 * opportunity that the font draws with no width. Not the soft hyphen: fontkit keeps, for each
 * glyph, the code point it was first asked for, and the soft hyphen shares the hyphen's glyph in
 * Source Sans 3, so measuring one soft hyphen would turn every hyphen of the process into an
 * ignorable character (neither drawn nor extracted).
 */
export const BREAK_MARK = '\u200b';

/** Fewest letters before a hyphenation point and after it (French usage). */
const LEFT_MIN = 2;
const RIGHT_MIN = 3;

/** A word: letters, with the apostrophes (’ or ') of elisions inside. */
const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)*/gu;

/**
 * `text` with `mark` (by default the soft hyphen) at the French hyphenation points of its words of
 * at least 6 letters (see the module's rules). Text that already holds a soft hyphen or the mark
 * is returned as it is. Each word's points are kept for the process (every document of a run
 * repeats most of the words of the others).
 */
export function hyphenateFrench(text: string, mark: string = SOFT_HYPHEN): string {
  if (text.includes(SOFT_HYPHEN) || text.includes(mark)) return text;
  return text.replace(WORD, (word) => {
    if (word.length < 6 || /\p{Lu}/u.test(word)) return word;
    return remembered(hyphenated, WORDS_KEPT, `${mark}${word}`, () => hyphenateWord(word, mark));
  });
}

/** Words kept hyphenated (the documents of a run share most of their words) before the cache is emptied. */
const WORDS_KEPT = 50_000;

/** Hyphenated words of the process, keyed by mark and word. */
const hyphenated = new Map<string, string>();

/** One word (6 letters or more, no capital) with `mark` at its French hyphenation points. */
function hyphenateWord(word: string, mark: string): string {
  const parts = hyphen.hyphenateSync(word, { minWordLength: 6 }).split(SOFT_HYPHEN);
  // After an elision (l’institution), count the letters from the apostrophe.
  let out = parts[0] ?? '';
  for (let i = 1; i < parts.length; i++) {
    const before = out.split(/['’]/).pop() ?? out;
    const after = parts.slice(i).join('');
    out += (before.length >= LEFT_MIN && after.length >= RIGHT_MIN ? mark : '') + parts[i];
  }
  return out;
}

