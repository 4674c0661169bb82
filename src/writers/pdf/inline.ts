/**
 * Inline content → pdfmake text runs.
 */
import type { Content } from 'pdfmake/interfaces.js';
import { assertNever, type Inline } from '../../document/nodes.ts';
import { STRUCTURE_KEY, type StructureMark } from './tags.ts';

/**
 * Inline content → a flat pdfmake text array: one leaf per text run, carrying its own bold and
 * italics, as pdfmake ignores the style of a nested text array (bpampuch/pdfmake#1174), and the
 * structure element it belongs to (pdfmake copies it onto the lines it lays out).
 */
export function inlinesToPdf(inlines: readonly Inline[], style: { bold?: true; italics?: true; sup?: true }, mark: StructureMark): Content[] {
  // One plain text, as most table cells are: its run directly (the same run `runs` makes).
  const only = inlines.length === 1 ? inlines[0] : undefined;
  if (only?.type === 'text') return [{ text: only.value, ...style, [STRUCTURE_KEY]: mark } as Content];
  // Copied to its length: the array `flatMap` grows keeps room for 16 runs, and pdfmake holds
  // every table cell's runs until the whole document is laid out (some 50 MB for a list annex of
  // 100,000 rows, `npm run bench`).
  return runs(inlines, style, mark).slice();
}

/** `inlinesToPdf`, before the copy. */
function runs(inlines: readonly Inline[], style: { bold?: true; italics?: true; sup?: true }, mark: StructureMark): Content[] {
  return inlines.flatMap((node): Content[] => {
    switch (node.type) {
      case 'text':
        return [{ text: node.value, ...style, [STRUCTURE_KEY]: mark } as Content];
      case 'strong':
        return runs(node.children, { ...style, bold: true }, mark);
      case 'emphasis':
        return runs(node.children, { ...style, italics: true }, mark);
      case 'superscript':
        // pdfmake's `sup`: 70 % of the size, baseline raised (a true superscript, not a glyph).
        return runs(node.children, { ...style, sup: true }, mark);
      case 'lineBreak':
        return [{ text: '\n', [STRUCTURE_KEY]: mark } as Content];
      default:
        return assertNever(node);
    }
  });
}
