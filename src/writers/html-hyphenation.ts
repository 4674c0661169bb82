/**
 * Hyphenation of the HTML page's justified text, the PDF's: soft hyphens (U+00AD) at the very
 * points where the PDF writer may end a line with a hyphen. Those points are the PDF writer's
 * own (`pdf/justify.ts` `keepWordsWhole`: the French patterns of `hyphen` through
 * `hyphenateFrench`, with no point in a word that already breaks inside, such as « co-animateurs »,
 * nor in a word with a capital), its marks written as soft hyphens. A browser breaks a line at a
 * soft hyphen and shows "-" there only; elsewhere it is invisible, and copied text and
 * assistive technology read the word whole. The style sheet sets `hyphens: manual`, so that no
 * browser adds points of its own (Chromium on Linux has no French dictionary; Firefox has one,
 * whose points differ from the PDF's).
 *
 * No soft hyphen goes between an "f" and the "f", "i" or "l" after it: Chromium still joins them
 * in a ligature, and the PDF it prints then maps that glyph to no text (« e ectif » for
 * « effectif »). Those few points are left to the PDF alone.
 */
import type { Content } from 'pdfmake/interfaces.js';
import { BREAK_MARK, SOFT_HYPHEN } from './hyphenation.ts';
import { keepWordsWhole } from './pdf/justify.ts';

/**
 * `text` (one run of justified text) with soft hyphens where the PDF writer may break it.
 * `width`: the width of the text, in points (of the page, or of a table cell's text, as the PDF
 * writer's); `fontSize` in points; `bold`: set in bold (the words' widths are measured in their face).
 */
export function hyphenatedText(text: string, width: number, fontSize: number, bold = false): string {
  return keepWordsWhole([{ text, ...(bold ? { bold } : {}) } as Content], width, fontSize, bold)
    .map((run) => (run as { text: string }).text)
    .join('')
    .replaceAll(BREAK_MARK, SOFT_HYPHEN)
    .replace(/f\u00ad(?=[fil])/g, 'f');
}
