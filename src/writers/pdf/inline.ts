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
  return inlines.flatMap((node): Content[] => {
    switch (node.type) {
      case 'text':
        return [{ text: node.value, ...style, [STRUCTURE_KEY]: mark } as Content];
      case 'strong':
        return inlinesToPdf(node.children, { ...style, bold: true }, mark);
      case 'emphasis':
        return inlinesToPdf(node.children, { ...style, italics: true }, mark);
      case 'superscript':
        // pdfmake's `sup`: 70 % of the size, baseline raised (a true superscript, not a glyph).
        return inlinesToPdf(node.children, { ...style, sup: true }, mark);
      case 'lineBreak':
        return [{ text: '\n', [STRUCTURE_KEY]: mark } as Content];
      default:
        return assertNever(node);
    }
  });
}
