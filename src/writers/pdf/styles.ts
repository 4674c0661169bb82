/**
 * The PDF's fixed styles, in points: font family, headings, paragraph and table spacing, table
 * borders and paddings (the sizes themselves come from `../shared.ts`, shared with DOCX and HTML).
 */
import type { CustomTableLayout, Style } from 'pdfmake/interfaces.js';
import { BORDER_WIDTH, CELL_PADDING, FONT_SIZE } from '../shared.ts';

/** Family name under which the definition refers to Source Sans 3 (pdfmake's font table). */
export const PDF_FONT_FAMILY = 'SourceSans3';

/** Level 1 is the printed title of the document: centred; levels 2 and 3 are section titles. */
export const HEADING_STYLE: Record<1 | 2 | 3, Style> = {
  1: { fontSize: FONT_SIZE.heading1, bold: true, alignment: 'center', margin: [0, 0, 0, 14] },
  2: { fontSize: FONT_SIZE.heading2, bold: true, margin: [0, 10, 0, 6] },
  3: { fontSize: FONT_SIZE.heading3, bold: true, margin: [0, 8, 0, 4] },
};

/** Thin black borders on every cell, paddings from `CELL_PADDING`. */
export const TABLE_LAYOUT: CustomTableLayout = {
  hLineWidth: () => BORDER_WIDTH,
  vLineWidth: () => BORDER_WIDTH,
  hLineColor: 'black',
  vLineColor: 'black',
  paddingLeft: () => CELL_PADDING.x,
  paddingRight: () => CELL_PADDING.x,
  paddingTop: () => CELL_PADDING.y,
  paddingBottom: () => CELL_PADDING.y,
};
