/**
 * Patch of pdfmake's text measure and line writer (internal `pdfmake/js/TextInlines.js` and
 * `pdfmake/js/ElementWriter.js`) for hyphenation points.
 *
 * pdfmake 0.3 has no hyphenation (upstream: bpampuch/pdfmake#1511, "hyphenating text", open):
 * it breaks lines where Unicode line breaking allows, but draws a soft hyphen (U+00AD) everywhere
 * with the font's glyph for it, in the middle of a line too, and justifies a line by spreading its
 * slack between all its pieces — after a break inside a word too, opening a gap in the word. The
 * PDF writer marks hyphenation points with `BREAK_MARK` (U+200B, a break opportunity of no width;
 * see `hyphenation.ts` for why not U+00AD), and this patch:
 * - `TextInlines.widthOfText`: measures a piece that ends with the mark with the width of a
 *   hyphen added, so that a line ending there leaves room for its hyphen;
 * - `Line.addInline` and `Line.hasEnoughSpaceForInline`: once a piece follows a piece ending with
 *   the mark, that mark is inside the line and draws no hyphen: its width no longer counts when
 *   pdfmake decides what fits (without this, every break point of a line took a hyphen's width
 *   and justified lines broke a few words early);
 * - `ElementWriter.alignLine` (called for each laid-out line, before it is justified and drawn):
 *   the mark ending the line becomes "-" (U+002D), so the hyphen shows and text extraction reads
 *   "-"; a mark inside the line is dropped with the hyphen's width, and its piece is joined to the
 *   next one when both have the same style, so that the slack of justification goes between words
 *   only and the word is drawn whole; then the line is justified with its slack between words
 *   only (`justifyBetweenWords`: not between the "1" and the superscript "er" of "1er" either).
 * Pinned by test/hyphenation.test.ts.
 */
import { createRequire } from 'node:module';
import { BREAK_MARK } from '../../hyphenation.ts';

/** A piece of a line as pdfmake lays it out (internal `TextInlines` result). */
interface PdfmakeInline {
  text: string;
  width: number;
  x: number;
  leadingCut?: number;
  trailingCut?: number;
  fontSize: number;
  fontFeatures?: unknown;
  font: { widthOfString(text: string, size: number, features?: unknown): number };
  [key: string | symbol]: unknown;
}

/** A line as pdfmake lays it out (internal `Line`). */
interface PdfmakeLine {
  inlines: PdfmakeInline[];
  inlineWidths: number;
  leadingCut: number;
  trailingCut: number;
  newLineForced?: boolean;
  lastLineInParagraph?: boolean;
  getWidth(): number;
}

/** Properties of a piece that are not its style: two pieces differing only in these can be joined. */
const LAYOUT_KEYS = new Set(['text', 'width', 'x', 'leadingCut', 'trailingCut', 'justifyShift', 'noNewLine']);

/** `true` when two pieces share every style property (font, size, colour, structure mark…). */
function sameStyle(a: PdfmakeInline, b: PdfmakeInline): boolean {
  const keys = new Set([...Reflect.ownKeys(a), ...Reflect.ownKeys(b)].filter((k) => typeof k !== 'string' || !LAYOUT_KEYS.has(k)));
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** Width of a hyphen in a piece's font and size. */
const hyphenWidth = (inline: Pick<PdfmakeInline, 'font' | 'fontSize' | 'fontFeatures'>): number => inline.font.widthOfString('-', inline.fontSize, inline.fontFeatures);

/** Mends the hyphenation marks of one laid-out line (see the module's comment), in place. */
export function mendHyphenation(line: PdfmakeLine): void {
  if (!line.inlines.some((inline) => inline.text.endsWith(BREAK_MARK))) return;
  const out: PdfmakeInline[] = [];
  for (const inline of line.inlines) {
    const previous = out.at(-1);
    if (previous?.text.endsWith(BREAK_MARK)) {
      previous.text = previous.text.slice(0, -1);
      previous.width -= hyphenWidth(previous);
      if (sameStyle(previous, inline)) {
        previous.text += inline.text;
        previous.width += inline.width;
        previous.trailingCut = inline.trailingCut ?? 0;
        continue;
      }
    }
    out.push(inline);
  }
  const last = out.at(-1)!;
  if (last.text.endsWith(BREAK_MARK)) last.text = `${last.text.slice(0, -1)}-`;
  let x = -line.leadingCut;
  for (const inline of out) {
    inline.x = x;
    x += inline.width;
  }
  line.inlines = out;
  line.inlineWidths = x + line.leadingCut;
  line.trailingCut = last.trailingCut ?? 0;
}

/**
 * Justifies a line by spreading its slack between words only — at the pieces that follow white
 * space — not between two pieces of one word (the "1" and the superscript "er" of "1er", a word
 * in two styles). Returns false, leaving pdfmake to justify, when the line is not justified or
 * every piece follows white space (pdfmake then does the same).
 * @param width the width available to the line, in points.
 */
export function justifyBetweenWords(line: PdfmakeLine, width: number): boolean {
  const { inlines } = line;
  if (inlines[0]?.['alignment'] !== 'justify' || line.newLineForced || line.lastLineInParagraph || inlines.length < 2) return false;
  const afterSpace = inlines.map((inline, i) => i > 0 && /\s$/.test(inlines[i - 1]!.text));
  const gaps = afterSpace.filter(Boolean).length;
  if (gaps === 0 || gaps === inlines.length - 1) return false;
  const extra = (width - line.getWidth()) / gaps;
  let shift = 0;
  inlines.forEach((inline, i) => {
    if (afterSpace[i]) shift += extra;
    if (i === 0) return;
    inline.x += shift;
    inline['justifyShift'] = afterSpace[i] ? extra : 0;
  });
  return true;
}

let installed = false;

/**
 * Wraps pdfmake's `TextInlines.widthOfText` and `ElementWriter.alignLine` (the classes pdfmake
 * itself requires) for hyphenation marks, once per process.
 * @throws Error when pdfmake no longer has them (pdfmake upgrade).
 */
export function installHyphenation(): void {
  if (installed) return;
  const require = createRequire(import.meta.url);
  type Measure = (text: string, inline: PdfmakeInline) => number;
  const inlines = (require('pdfmake/js/TextInlines.js') as { default?: { prototype: { widthOfText: Measure } } }).default?.prototype;
  type Writer = { alignLine(line: PdfmakeLine): void; context(): { availableWidth: number } };
  const writer = (require('pdfmake/js/ElementWriter.js') as { default?: { prototype: Writer } }).default?.prototype;
  if (!inlines || typeof inlines.widthOfText !== 'function' || !writer || typeof writer.alignLine !== 'function') {
    throw new Error('pdfmake TextInlines.widthOfText or ElementWriter.alignLine missing (pdfmake upgrade?)');
  }
  const { widthOfText } = inlines;
  inlines.widthOfText = function (this: unknown, text: string, inline: PdfmakeInline) {
    const width = widthOfText.call(this, text, inline);
    return text.endsWith(BREAK_MARK) ? width + hyphenWidth(inline) : width;
  };
  type LineProto = { addInline(inline: PdfmakeInline): void; hasEnoughSpaceForInline(inline: PdfmakeInline, next?: PdfmakeInline[]): boolean };
  const line = (require('pdfmake/js/Line.js') as { default?: { prototype: LineProto } }).default?.prototype;
  if (!line || typeof line.addInline !== 'function' || typeof line.hasEnoughSpaceForInline !== 'function') {
    throw new Error('pdfmake Line.addInline or Line.hasEnoughSpaceForInline missing (pdfmake upgrade?)');
  }
  /** The hyphen width the line's last piece counts and will not draw if something follows it. */
  const pendingHyphen = (self: PdfmakeLine): number => {
    const last = self.inlines.at(-1);
    return last?.text.endsWith(BREAK_MARK) ? hyphenWidth(last) : 0;
  };
  const { addInline, hasEnoughSpaceForInline } = line;
  line.hasEnoughSpaceForInline = function (this: PdfmakeLine & LineProto, inline: PdfmakeInline, next?: PdfmakeInline[]) {
    const saved = this.inlineWidths;
    this.inlineWidths -= pendingHyphen(this);
    try {
      return hasEnoughSpaceForInline.call(this, inline, next);
    } finally {
      this.inlineWidths = saved;
    }
  };
  line.addInline = function (this: PdfmakeLine & LineProto, inline: PdfmakeInline) {
    this.inlineWidths -= pendingHyphen(this); // `mendHyphenation` drops it from the piece's width too
    addInline.call(this, inline);
  };
  const { alignLine } = writer;
  writer.alignLine = function (this: Writer, line: PdfmakeLine) {
    mendHyphenation(line);
    if (!justifyBetweenWords(line, this.context().availableWidth)) alignLine.call(this, line);
  };
  installed = true;
}
