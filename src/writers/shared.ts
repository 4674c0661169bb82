/**
 * What the PDF, DOCX and HTML writers share: page geometry, type sizes, the document date, and
 * table checks. Lengths are in typographic points (1 pt = 1/72 in) unless a name says otherwise
 * (`…Twips`: 1/20 pt, the unit of WordprocessingML).
 */
import type { Diagnostic } from '../diagnostics.ts';
import { lineBreak, paragraph, strong } from '../document/builders.ts';
import { textWithOrdinals } from '../document/ordinals.ts';
import type { Align, Block, DocumentMeta, ImageNode, Inline, Orientation, TableCell, TableColumn, TableRow } from '../document/nodes.ts';
import { nodeWarning } from '../document/validate.ts';
import { isIsoDate, parisMidnight } from '../dates.ts';
import { InvalidInputError } from '../errors.ts';

/** Name written as creator/producer of the files. */
export const PRODUCER = 'alses-reports';

/** A4 portrait, in points (210 × 297 mm). */
export const A4 = { width: 595.28, height: 841.89 } as const;

/** Twips per point. */
export const TWIPS_PER_POINT = 20;

/** Points → twips, rounded to a whole twip. */
export const twips = (points: number): number => Math.round(points * TWIPS_PER_POINT);

/**
 * Page margins in points: 2 cm left and right, 2.5 cm top and bottom so that the running header
 * and footer fit in them.
 */
export const PAGE_MARGINS = { top: 70.87, right: 56.69, bottom: 70.87, left: 56.69 } as const;

/** Distance from the page edge to the running header (top) and footer (bottom), in points (1 cm). */
export const RUNNING_OFFSET = 28.35;

/**
 * Distance from the page's top edge to the top of the running header's first line, in points:
 * `RUNNING_OFFSET`, less a line when it has two (header and reference), so both fit above the text.
 */
export const runningHeaderTop = (lines: number): number => (lines > 1 ? RUNNING_OFFSET - FONT_SIZE.running * 1.2 : RUNNING_OFFSET);

/** Type sizes in points. */
export const FONT_SIZE = {
  body: 10.5,
  table: 9,
  running: 8,
  heading1: 16,
  heading2: 13,
  heading3: 11.5,
} as const;

/** Lines of the running header: its text, then the document's reference; none empty. */
export const runningHeaderLines = (meta: Pick<DocumentMeta, 'header' | 'reference'>): string[] => [meta.header, meta.reference ?? ''].filter((line) => line !== '');

/** Distance from the top of the bottom margin to the top of the running footer's line, in points. */
export const RUNNING_FOOTER_TOP = PAGE_MARGINS.bottom - RUNNING_OFFSET - FONT_SIZE.running * 1.2;

/**
 * Height of a line of text as a multiple of its font size: Source Sans 3's (hhea ascender −
 * descender + line gap) / units per em = (1024 + 400 + 0) / 1000, the height pdfkit gives a line
 * (pdfmake's default `lineHeight` of 1) and what CSS `line-height: normal` gives it.
 */
export const LINE_HEIGHT = 1.424;

/** Background of table header rows (light grey), as a 6-digit hex RGB without `#`. */
export const HEADER_FILL = 'E6E6E6';

/** Thickness of table borders, in points. */
export const BORDER_WIDTH = 0.5;

/** Inner padding of table cells, in points: left/right and top/bottom. */
export const CELL_PADDING = { x: 4, y: 2 } as const;

/** Page size in points for an orientation (A4 either way). */
export function pageSize(orientation: Orientation): { width: number; height: number } {
  return orientation === 'landscape' ? { width: A4.height, height: A4.width } : { width: A4.width, height: A4.height };
}

/** Width available to text (page width minus left and right margins), in points. */
export const textWidth = (orientation: Orientation): number => pageSize(orientation).width - PAGE_MARGINS.left - PAGE_MARGINS.right;

/** "Page X / Y", as printed at the bottom right of every page. */
export const pageLabel = (page: number | string, pages: number | string): string => `Page ${page} / ${pages}`;

/**
 * The instant of 00:00 in Europe/Paris on `meta.date` (`YYYY-MM-DD`): the creation and
 * modification date written in the files, so that output never depends on the clock.
 * @throws InvalidInputError when the date is not a real calendar day written `YYYY-MM-DD`.
 */
export function documentDate(meta: Pick<DocumentMeta, 'date'>): Date {
  if (!isIsoDate(meta.date)) {
    const message = `Date du document « ${meta.date} » invalide (attendu : AAAA-MM-JJ, ex. 2019-07-01)`;
    throw new InvalidInputError(message, [{ severity: 'error', ruleId: 'document/date', message, field: 'date' }]);
  }
  return parisMidnight(meta.date);
}

// ---------------------------------------------------------------- tables

/** Table rules and their repair live with the AST (document/validate.ts). */
export { checkTable, nodeWarning, type CheckedTable } from '../document/validate.ts';

/**
 * Alignment of a cell: its own, else that of the column it starts in (numbers are right-aligned
 * through their column).
 */
export function cellAlign(cell: TableCell, columns: readonly TableColumn[], firstColumn: number): Align {
  return cell.align ?? columns[firstColumn]?.align ?? 'left';
}

/** Index of the column each cell of a row starts in. */
export function cellStarts(row: TableRow): number[] {
  const starts: number[] = [];
  let col = 0;
  for (const c of row.cells) {
    starts.push(col);
    col += c.colspan;
  }
  return starts;
}

// ---------------------------------------------------------------- images

/** First bytes of a PNG file and of a JPEG file. */
const SIGNATURES = { png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], jpeg: [0xff, 0xd8, 0xff] } as const;

/**
 * PNG or JPEG bytes of a raster image node (its data as bytes, or as base64 text with or without a
 * `data:image/png;base64,` or `data:image/jpeg;base64,` prefix), or `undefined` when they are not a
 * file of the node's format (or the node is an SVG).
 */
export function rasterBytes(node: ImageNode): Uint8Array | undefined {
  if (node.format === 'svg') return undefined;
  const bytes = typeof node.data === 'string' ? Buffer.from(node.data.replace(/^data:image\/(png|jpeg);base64,/, ''), 'base64') : node.data;
  return SIGNATURES[node.format].every((b, i) => bytes[i] === b) ? bytes : undefined;
}

/** SVG markup of an image node, or `undefined` when its data holds no `<svg` element. */
export function svgMarkup(node: ImageNode): string | undefined {
  const markup = typeof node.data === 'string' ? node.data : new TextDecoder().decode(node.data);
  return /<svg[\s>]/.test(markup) ? markup : undefined;
}

/** Warning for an image whose data does not match its format; writers show its alt text instead. */
export const badImage = (node: ImageNode): Diagnostic =>
  nodeWarning(node, 'writer/image-data', `Image « ${node.alt} » : les données ne sont pas au format ${node.format.toUpperCase()} ; texte de remplacement affiché à la place`);

// ---------------------------------------------------------------- letterhead and signature

/** Lines as one run of inlines separated by line breaks, the "er" of "1er juillet" as a superscript. */
const lines = (values: readonly string[]): Inline[] => values.flatMap((v, i) => (i === 0 ? textWithOrdinals(v) : [lineBreak(), ...textWithOrdinals(v)]));

/**
 * What every writer shows at the top of the first page, before the content: the letterhead's
 * logo, its address (one paragraph, a line each) and the document's reference in bold.
 */
export function openingBlocks(meta: Pick<DocumentMeta, 'letterhead' | 'reference'>): Block[] {
  const out: Block[] = [];
  if (meta.letterhead?.logo) out.push(meta.letterhead.logo);
  if (meta.letterhead?.adresse.length) out.push(paragraph(lines(meta.letterhead.adresse), 'left'));
  if (meta.reference) out.push(paragraph([strong(...textWithOrdinals(meta.reference))], 'left'));
  return out;
}

/**
 * The signature block as paragraphs, right-aligned: « Fait à …, le … », the delegation mention,
 * the office, the name. Writers keep them on one page with the paragraph before them.
 */
export function signatureBlocks(meta: Pick<DocumentMeta, 'signature'>): Block[] {
  const s = meta.signature;
  if (!s) return [];
  return [paragraph(lines([s.fait]), 'right'), ...(s.mention ? [paragraph(lines([s.mention]), 'right')] : []), paragraph(lines([s.qualite, s.nom]), 'right')];
}

/** The publication mention (« Publié le … ») as a paragraph, after the signature. */
export const publicationBlocks = (meta: Pick<DocumentMeta, 'publication'>): Block[] => (meta.publication ? [paragraph(lines([meta.publication]), 'left')] : []);
