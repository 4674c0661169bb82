/**
 * Inline content → DOCX text runs.
 */
import { TextRun, type IRunOptions } from 'docx';
import { assertNever, type Inline } from '../../document/nodes.ts';

/** Inline content → runs; `style` carries bold/italics down nested strong/emphasis. */
export function inlinesToRuns(inlines: readonly Inline[], style: IRunOptions = {}): TextRun[] {
  return inlines.flatMap((node): TextRun[] => {
    switch (node.type) {
      case 'text':
        return [new TextRun({ ...style, text: node.value })];
      case 'strong':
        return inlinesToRuns(node.children, { ...style, bold: true });
      case 'emphasis':
        return inlinesToRuns(node.children, { ...style, italics: true });
      case 'superscript':
        return inlinesToRuns(node.children, { ...style, superScript: true });
      case 'lineBreak':
        return [new TextRun({ ...style, break: 1 })];
      default:
        return assertNever(node);
    }
  });
}
