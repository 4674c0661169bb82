/**
 * The glyph check: characters Source Sans 3 cannot print. A PDF prints them as an empty box
 * (`.notdef`), which also breaks PDF/A conformance, so the PDF writer and `alses validate` both
 * report them (`writer/glyph-missing`).
 */
import type { Diagnostic } from '../diagnostics.ts';
import { codePoint } from '../dataset/text.ts';
import { FONT_FACES, fontMetrics, type FontFace } from '../fonts.ts';

/**
 * Characters every face of Source Sans 3 has (checked against the fonts by test/writers.test.ts):
 * printable ASCII, Latin-1, Latin Extended-A (œ, Œ…), U+200B (the PDF writer's hyphenation
 * mark), dashes, quotes, "…", "‰", "€" and U+202F.
 */
export const COMMON = /^[\u0020-\u007E\u00A0-\u017F\u200B\u2010-\u201E\u2020-\u2023\u2026\u2030\u2032\u2033\u2039\u203A\u202F\u20AC]*$/;

/**
 * The characters of `text` the face has no glyph for, each once, in order of appearance (white
 * space aside: every space character has one). Common text (`COMMON`) is not looked up.
 * @throws Error if the font file cannot be read.
 */
export function missingGlyphs(text: string, face: FontFace): string[] {
  if (COMMON.test(text)) return [];
  const font = fontMetrics(face);
  const missing = new Set<string>();
  for (const c of text) if (!/\s/.test(c) && !font.has(c.codePointAt(0) ?? 0)) missing.add(c);
  return [...missing];
}

/** Whether each character looked up so far is printed by every face. */
const printable = new Map<string, boolean>();

/**
 * The characters of `text` some face of Source Sans 3 cannot print, each once. Cheap on large
 * data: common text is not looked up, and each other character is looked up once per process.
 */
export function unprintable(text: string): string[] {
  if (COMMON.test(text)) return [];
  const missing = new Set<string>();
  for (const c of text) {
    let ok = printable.get(c);
    if (ok === undefined) printable.set(c, (ok = FONT_FACES.every((face) => missingGlyphs(c, face).length === 0)));
    if (!ok) missing.add(c);
  }
  return [...missing];
}

/**
 * « 😀 » (U+1F600), « 中 » (U+4E2D): characters as messages show them. An invisible one — a
 * control or format character such as U+202E, which reverses the rest of the line on a
 * terminal or a page (issue 12) — is shown by its code alone: « caractère invisible » (U+202E).
 */
export const describeCharacters = (chars: readonly string[]): string =>
  chars
    .map((c) => `${/^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]$/u.test(c) ? 'caractère invisible' : `« ${c} »`} (${codePoint(c)})`)
    .join(', ');

/**
 * The `writer/glyph-missing` warning for characters no face prints (each once), or none.
 * Shared by the PDF writer and by `alses validate`, which checks without laying out a PDF.
 */
export function glyphMissingWarning(missing: readonly string[]): Diagnostic | undefined {
  if (missing.length === 0) return undefined;
  const list = describeCharacters(missing);
  return { severity: 'warning', ruleId: 'writer/glyph-missing', message: `Caractères absents de la police Source Sans 3, imprimés comme un rectangle vide dans le PDF : ${list}` };
}
