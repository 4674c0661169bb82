/**
 * The DOCX's styles and numbering: heading level 1 uses Word's "Title" style, levels 2 and 3
 * "Heading 1" and "Heading 2" with outline levels 1 and 2; sizes from `../shared.ts`.
 */
import { AlignmentType, HeadingLevel, LevelFormat } from 'docx';
import type { Align } from '../../document/nodes.ts';
import { FONT_FAMILY } from '../../fonts.ts';
import { FONT_SIZE, twips } from '../shared.ts';

/** Points → half-points (the unit of run sizes), rounded. */
export const halfPoints = (points: number): number => Math.round(points * 2);

/** Paragraph and run styles: default (language, body size), title, headings 1–2, caption. */
export const STYLES = (language: string) => {
  const black = { font: FONT_FAMILY, color: '000000' };
  return {
    default: {
      document: {
        run: { font: FONT_FAMILY, size: halfPoints(FONT_SIZE.body), language: { value: language } },
        paragraph: { spacing: { after: twips(6) } },
      },
      title: {
        run: { ...black, size: halfPoints(FONT_SIZE.heading1), bold: true },
        paragraph: { alignment: AlignmentType.CENTER, spacing: { before: 0, after: twips(14) }, keepNext: true, keepLines: true },
      },
      heading1: {
        run: { ...black, size: halfPoints(FONT_SIZE.heading2), bold: true, italics: false },
        paragraph: { spacing: { before: twips(10), after: twips(6) }, keepNext: true, keepLines: true, outlineLevel: 0 },
      },
      heading2: {
        run: { ...black, size: halfPoints(FONT_SIZE.heading3), bold: true, italics: false },
        paragraph: { spacing: { before: twips(8), after: twips(4) }, keepNext: true, keepLines: true, outlineLevel: 1 },
      },
      caption: {
        run: { ...black, size: halfPoints(FONT_SIZE.table + 1), bold: true, italics: false },
        paragraph: { spacing: { before: twips(6), after: twips(4) }, keepNext: true },
      },
    },
  };
};

const LIST_INDENT = { left: 360, hanging: 260 } as const; // twips

/** Numbering definitions of bullet and ordered lists. */
export const NUMBERING = [
  {
    reference: 'alses-bullet',
    levels: [{ level: 0, format: LevelFormat.BULLET, text: '•', alignment: AlignmentType.LEFT, style: { paragraph: { indent: LIST_INDENT } } }],
  },
  {
    reference: 'alses-ordered',
    levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.LEFT, style: { paragraph: { indent: LIST_INDENT } } }],
  },
];

/** Paragraph style of each heading level. */
export const HEADING = { 1: HeadingLevel.TITLE, 2: HeadingLevel.HEADING_1, 3: HeadingLevel.HEADING_2 } as const;

/** Paragraph alignment of each alignment of the AST. */
export const ALIGN: Record<Align, (typeof AlignmentType)[keyof typeof AlignmentType]> = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
  justify: AlignmentType.BOTH,
};
