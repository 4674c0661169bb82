/**
 * Justified text: French hyphenation, and no gap inside hyphenated words (bpampuch/pdfmake#1368),
 * measured with the font's own advance widths (`src/fonts.ts`).
 */
import { createRequire } from 'node:module';
import type LineBreakerClass from 'linebreak';
import type { Content } from 'pdfmake/interfaces.js';
import { measureText, type FontFace } from '../../fonts.ts';
import { BREAK_MARK, hyphenateFrench } from '../hyphenation.ts';
import { remembered } from '../process-cache.ts';

/**
 * linebreak's CommonJS build, the one pdfkit requires: importing `linebreak` would load its ES
 * module build beside it (a second copy of its Unicode data, decoded again at each cold start).
 */
const LineBreaker = createRequire(import.meta.url)('linebreak') as typeof LineBreakerClass;

/**
 * Justified text without a gap inside hyphenated words. pdfmake breaks text where Unicode line
 * breaking allows it — after the hyphen of « co-animateurs », after « / » or « – » — into one
 * inline per piece, and justifies a line by spreading its slack evenly between all its inlines
 * (`ElementWriter.alignLine`), so the slack also lands after the hyphen: « co- animateurs », on
 * the page and in copied text (bpampuch/pdfmake#1368). Here each word (a run between spaces)
 * with such a break inside becomes a text run of its own, with the spaces after it, that pdfmake
 * lays out as one inline (`noWrap`): the slack then goes only between words. A word wider than
 * `width` (the text width, in points) is left as it is, as it must break to fit. Line breaks
 * stay in plain runs. `bold`: the runs' default weight.
 *
 * The other words get a mark (`BREAK_MARK`) at their French hyphenation points
 * (`hyphenateFrench`), which `patches/hyphenation.ts` turns into a hyphen at the end of a line and
 * into nothing inside one; a word kept whole gets none.
 * Pinned by test/writers.test.ts ("justifies lines without a gap after the hyphen …") and
 * test/hyphenation.test.ts.
 */
export function keepWordsWhole(runs: Content[], width: number, fontSize: number, bold = false): Content[] {
  return runs.flatMap((run): Content[] => {
    const leaf = run as { text?: unknown; bold?: boolean; italics?: boolean };
    if (typeof leaf.text !== 'string') return [run];
    const text = hyphenateFrench(leaf.text, BREAK_MARK);
    const face: FontFace = (leaf.bold ?? bold) ? (leaf.italics ? 'bolditalics' : 'bold') : leaf.italics ? 'italics' : 'normal';
    const out: Content[] = [];
    let plain = '';
    let last = 0;
    for (const match of text.matchAll(/[^ \t\r\n]+[ \t]*/g)) {
      const whole = match[0].replaceAll(BREAK_MARK, '');
      const word = whole.replace(/[ \t]+$/, '');
      plain += text.slice(last, match.index);
      last = match.index + match[0].length;
      if (innerBreaks(word) && measureText(word, fontSize, face) <= width) {
        if (plain !== '') out.push({ ...leaf, text: plain } as Content);
        out.push({ ...leaf, text: whole, noWrap: true } as Content);
        plain = '';
      } else {
        plain += match[0];
      }
    }
    if (out.length === 0) return [text === leaf.text ? run : ({ ...leaf, text } as Content)];
    plain += text.slice(last);
    if (plain !== '') out.push({ ...leaf, text: plain } as Content);
    return out;
  });
}

/**
 * `true` when pdfmake may break `word` (no white space in it) somewhere inside it: asked of
 * `linebreak` (Unicode line breaking, UAX #14), the line breaker pdfmake uses, pinned to the
 * version pdfmake depends on so that both find the same breaks. Each word's answer is kept for the
 * process.
 */
function innerBreaks(word: string): boolean {
  return remembered(breaksInside, WORDS_KEPT, word, () => {
    const breaker = new LineBreaker(word);
    for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) if (bk.position > 0 && bk.position < word.length) return true;
    return false;
  });
}

/** Words whose answer `innerBreaks` keeps (the documents of a run share most of their words) before emptying. */
const WORDS_KEPT = 50_000;

/** `innerBreaks` of the words met in the process. */
const breaksInside = new Map<string, boolean>();
