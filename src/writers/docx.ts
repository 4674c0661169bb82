/**
 * DOCX writer: Document AST → `docx` Document → DOCX bytes.
 *
 * Layout mirrors the PDF (A4, same margins and type sizes, Source Sans 3): heading level 1 uses
 * Word's "Title" style, levels 2 and 3 "Heading 1" and "Heading 2" with outline levels 1 and 2
 * (so Word's navigation pane, LibreOffice's navigator and screen readers list the sections under
 * the title). Tables have a fixed layout with widths in twips on the grid and on every cell
 * (LibreOffice ignores percentage widths), header rows marked as such and repeated on each page
 * (`w:tblHeader`), their caption as accessible name (`w:tblCaption`), footer rows that cannot
 * split and follow the last body row (`w:keepNext` on it), right-aligned number columns and
 * colspans (`w:gridSpan`); body rows may break across pages, so a cell taller than a page is
 * printed in full. Images carry their text alternative (`wp:docPr` `descr` and `title`); the
 * document its language (fr-FR, default run properties), title, subject and author.
 *
 * `renderDocx` embeds the four font files, adds the table captions, and makes the bytes
 * reproducible: `docx` stamps
 * `docProps/core.xml` and the ZIP entries with the clock, and keys the embedded fonts with random
 * GUIDs; the package is rewritten with `meta.date`, keys derived from the fonts' SHA-256, and
 * entries in a fixed order.
 */
import { createHash } from 'node:crypto';
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  Header,
  HeadingLevel,
  ImageRun,
  LevelFormat,
  Packer,
  PageBreak,
  PageNumber,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  WidthType,
  type IRunOptions,
} from 'docx';
import type { Diagnostic } from '../diagnostics.ts';
import { inlineText } from '../document/builders.ts';
import { assertNever, type Align, type Block, type DocumentNode, type ImageNode, type Inline, type TableNode, type TableRow as AstRow } from '../document/nodes.ts';
import { FONT_FAMILY, fontBytes, type FontFace } from '../fonts.ts';
import {
  A4,
  badImage,
  BORDER_WIDTH,
  CELL_PADDING,
  cellAlign,
  cellStarts,
  checkTable,
  documentDate,
  FONT_SIZE,
  HEADER_FILL,
  PAGE_MARGINS,
  pngBytes,
  RUNNING_OFFSET,
  svgMarkup,
  textWidth,
  twips,
  type CheckedTable,
} from './shared.ts';
import { escapeXml } from '../xml.ts';
import { readZip, writeZip, type ZipEntry } from './zip.ts';

/** A `docx` Document and what could not be shown as asked. */
export interface DocxResult {
  /** The document, ready for `Packer` (A4; lengths inside are twips, type sizes half-points). */
  readonly document: Document;
  /** Problems met (malformed table, SVG without a PNG fallback…); the document is still complete. */
  readonly warnings: Diagnostic[];
  /**
   * Accessible name of each table, in document order (its caption; `undefined` without one):
   * `docx` cannot write `w:tblCaption`, so `renderDocx` adds it to the package.
   */
  readonly tableTitles: readonly (string | undefined)[];
}

/** Font files to embed, as `fontBytes` reads them. */
export type DocxFonts = Readonly<Record<FontFace, Buffer>>;

/**
 * Builds the `docx` Document of `doc`: no I/O. Without `fonts`, runs name "Source Sans 3" but the
 * font is not embedded (Word then substitutes a font where it is not installed).
 * @throws InvalidInputError when `meta.date` is not a `YYYY-MM-DD` date.
 */
export function toDocx(doc: DocumentNode, fonts?: DocxFonts): DocxResult {
  const { meta } = doc;
  documentDate(meta); // validates the date early: renderDocx writes it into the package
  const ctx: Ctx = { width: textWidth(meta.orientation), warnings: [], lists: 0, images: 0, tableTitles: [] };
  const children = doc.children.flatMap((block) => blockToDocx(block, ctx));
  const running = { size: halfPoints(FONT_SIZE.running), color: '404040' };
  const document = new Document({
    title: meta.title,
    subject: meta.subject,
    creator: meta.author,
    lastModifiedBy: meta.author,
    description: meta.subject,
    revision: 1,
    ...(fonts
      ? { fonts: [{ name: FONT_FAMILY, data: fonts.normal, bold: fonts.bold, italic: fonts.italics, boldItalic: fonts.bolditalics }] }
      : {}),
    styles: STYLES(meta.language),
    numbering: { config: NUMBERING },
    sections: [
      {
        properties: {
          page: {
            size: { width: twips(A4.width), height: twips(A4.height), orientation: meta.orientation },
            margin: {
              top: twips(PAGE_MARGINS.top),
              right: twips(PAGE_MARGINS.right),
              bottom: twips(PAGE_MARGINS.bottom),
              left: twips(PAGE_MARGINS.left),
              header: twips(RUNNING_OFFSET),
              footer: twips(RUNNING_OFFSET),
            },
          },
        },
        headers: {
          default: new Header({ children: meta.header === '' ? [] : [new Paragraph({ children: [new TextRun({ text: meta.header, ...running })] })] }),
        },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                tabStops: [{ type: TabStopType.RIGHT, position: twips(ctx.width) }],
                children: [
                  new TextRun({ text: meta.footer, ...running }),
                  new TextRun({ children: ['\t', 'Page ', PageNumber.CURRENT, ' / ', PageNumber.TOTAL_PAGES], ...running }),
                ],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
  return { document, warnings: ctx.warnings, tableTitles: ctx.tableTitles };
}

/**
 * Renders `doc` as DOCX bytes, fonts embedded; the same input always gives the same bytes.
 * @param warnings when given, receives what could not be shown as asked (as `toDocx`).
 * @throws InvalidInputError when `meta.date` is invalid; Error when the font files cannot be read.
 */
export async function renderDocx(doc: DocumentNode, warnings?: Diagnostic[]): Promise<Uint8Array> {
  const fonts = fontBytes();
  const { document, tableTitles, warnings: found } = toDocx(doc, fonts);
  warnings?.push(...found);
  return reproducible(await Packer.toBuffer(document), documentDate(doc.meta), tableTitles);
}

// ---------------------------------------------------------------- styles

const halfPoints = (points: number): number => Math.round(points * 2);

const STYLES = (language: string) => {
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

const NUMBERING = [
  {
    reference: 'alses-bullet',
    levels: [{ level: 0, format: LevelFormat.BULLET, text: '•', alignment: AlignmentType.LEFT, style: { paragraph: { indent: LIST_INDENT } } }],
  },
  {
    reference: 'alses-ordered',
    levels: [{ level: 0, format: LevelFormat.DECIMAL, text: '%1.', alignment: AlignmentType.LEFT, style: { paragraph: { indent: LIST_INDENT } } }],
  },
];

const HEADING = { 1: HeadingLevel.TITLE, 2: HeadingLevel.HEADING_1, 3: HeadingLevel.HEADING_2 } as const;

const ALIGN: Record<Align, (typeof AlignmentType)[keyof typeof AlignmentType]> = {
  left: AlignmentType.LEFT,
  center: AlignmentType.CENTER,
  right: AlignmentType.RIGHT,
  justify: AlignmentType.BOTH,
};

// ---------------------------------------------------------------- blocks

/** State of one build: text width (points), warnings, and counters for list instances and drawing ids. */
interface Ctx {
  readonly width: number;
  readonly warnings: Diagnostic[];
  lists: number;
  images: number;
  /** Caption of each table written so far, for `w:tblCaption`. */
  readonly tableTitles: (string | undefined)[];
}

function blockToDocx(node: Block, ctx: Ctx): (Paragraph | Table)[] {
  switch (node.type) {
    case 'heading':
      return [new Paragraph({ heading: HEADING[node.level], children: inlinesToRuns(node.children) })];
    case 'paragraph':
      return [new Paragraph({ alignment: ALIGN[node.align ?? 'justify'], children: inlinesToRuns(node.children) })];
    case 'list': {
      const instance = ctx.lists++;
      const reference = node.ordered ? 'alses-ordered' : 'alses-bullet';
      // Items sit close together; the list as a whole is followed by the usual paragraph spacing.
      return node.items.map(
        (item, i) =>
          new Paragraph({
            numbering: { reference, level: 0, instance },
            ...(i < node.items.length - 1 ? { spacing: { after: twips(2) } } : {}),
            children: inlinesToRuns(item.children),
          }),
      );
    }
    case 'table':
      return tableToDocx(node, ctx);
    case 'pageBreak':
      return [new Paragraph({ children: [new PageBreak()] })];
    case 'image':
      return [imageToDocx(node, ctx)];
    default:
      return assertNever(node);
  }
}

/** Inline content → runs; `style` carries bold/italics down nested strong/emphasis. */
function inlinesToRuns(inlines: readonly Inline[], style: IRunOptions = {}): TextRun[] {
  return inlines.flatMap((node): TextRun[] => {
    switch (node.type) {
      case 'text':
        return [new TextRun({ ...style, text: node.value })];
      case 'strong':
        return inlinesToRuns(node.children, { ...style, bold: true });
      case 'emphasis':
        return inlinesToRuns(node.children, { ...style, italics: true });
      case 'lineBreak':
        return [new TextRun({ ...style, break: 1 })];
      default:
        return assertNever(node);
    }
  });
}

// ---------------------------------------------------------------- images

/** Pixels (96 per inch, the unit of `ImageRun` sizes) per point. */
const PIXELS_PER_POINT = 96 / 72;

/**
 * A 1×1 light grey (#F2F2F2) PNG: fallback of SVG images for readers without SVG support, which
 * then show a grey box the size of the image rather than nothing (LibreOffice 7.4 draws a
 * transparent fallback black).
 */
const PLACEHOLDER_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP49OkTAAWwAtccUw7xAAAAAElFTkSuQmCC', 'base64');

function imageToDocx(node: ImageNode, ctx: Ctx): Paragraph {
  const scale = Math.min(1, ctx.width / node.width);
  const transformation = { width: Math.round(node.width * scale * PIXELS_PER_POINT), height: Math.round(node.height * scale * PIXELS_PER_POINT) };
  // Drawing ids must be unique in the document; docx's default comes from a process-wide counter.
  // The text alternative goes in `descr` only (Word's "Alt Text"): a `title` too would make some
  // screen readers read it twice; the name is what Word's selection pane lists.
  const id = ++ctx.images;
  const altText = { id: String(id), name: `Image ${id}`, description: node.alt };
  if (node.format === 'png') {
    const png = pngBytes(node);
    if (png) return new Paragraph({ children: [new ImageRun({ type: 'png', data: png, transformation, altText })] });
  } else {
    const svg = svgMarkup(node);
    if (svg) {
      // Word 2016+ shows the SVG; older Word and LibreOffice show the PNG fallback.
      if (!node.png)
        ctx.warnings.push({
          severity: 'warning',
          ruleId: 'docx/svg-fallback',
          message: `Image SVG « ${node.alt} » sans image PNG de repli : un rectangle gris la remplace dans les logiciels qui ne lisent pas le SVG (Word 2013 et antérieurs, LibreOffice 7.4…)`,
        });
      const fallback = { type: 'png' as const, data: node.png ?? PLACEHOLDER_PNG };
      return new Paragraph({ children: [new ImageRun({ type: 'svg', data: Buffer.from(svg, 'utf8'), fallback, transformation, altText })] });
    }
  }
  ctx.warnings.push(badImage(node));
  return new Paragraph({ children: [new TextRun({ text: `[${node.alt}]`, italics: true })] });
}

// ---------------------------------------------------------------- tables

const BORDER = { style: BorderStyle.SINGLE, size: Math.round(BORDER_WIDTH * 8), color: '000000' }; // size in eighths of a point

/**
 * A table → [caption paragraph, table]. Widths: each column gets its share of the text width in
 * twips (the last one takes the rounding rest, so they add up exactly).
 */
function tableToDocx(node: TableNode, ctx: Ctx): (Paragraph | Table)[] {
  const label = node.caption ? inlineText(node.caption) : 'sans titre';
  const { table, warnings } = checkTable(node, label);
  ctx.warnings.push(...warnings);
  const out: (Paragraph | Table)[] = [];
  if (node.caption) out.push(new Paragraph({ style: 'Caption', children: inlinesToRuns(node.caption) }));
  if (!table) return out;
  ctx.tableTitles.push(node.caption ? inlineText(node.caption) : undefined);

  const total = twips(ctx.width);
  const widths = table.columns.map((c) => Math.round((c.width / 100) * total));
  widths[widths.length - 1] = total - widths.slice(0, -1).reduce((s, w) => s + w, 0);
  const lastBody = table.body.length - 1;
  const rows = [
    ...table.header.map((row) => rowToDocx(row, table, widths, 'header', { tableHeader: true, cantSplit: true, keepNext: true })),
    ...table.body.map((row, i) => rowToDocx(row, table, widths, 'body', i === lastBody && table.footer.length > 0 ? { keepNext: true } : {})),
    ...table.footer.map((row, i) => rowToDocx(row, table, widths, 'footer', { cantSplit: true, keepNext: i < table.footer.length - 1 })),
  ];
  out.push(
    new Table({
      rows,
      width: { size: total, type: WidthType.DXA },
      columnWidths: widths,
      layout: TableLayoutType.FIXED,
      borders: { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER, insideHorizontal: BORDER, insideVertical: BORDER },
      margins: { left: twips(CELL_PADDING.x), right: twips(CELL_PADDING.x), top: twips(CELL_PADDING.y), bottom: twips(CELL_PADDING.y) },
    }),
  );
  // An empty paragraph after the table keeps the next one (or a following table) apart from it.
  out.push(new Paragraph({ spacing: { after: 0 }, children: [] }));
  return out;
}

type RowKind = 'header' | 'body' | 'footer';

function rowToDocx(
  row: AstRow,
  table: CheckedTable,
  widths: readonly number[],
  kind: RowKind,
  options: { tableHeader?: boolean; cantSplit?: boolean; keepNext?: boolean },
): TableRow {
  const starts = cellStarts(row);
  const style: IRunOptions = { size: halfPoints(FONT_SIZE.table), ...(kind === 'body' ? {} : { bold: true }) };
  const cells = row.cells.map((cell, i) => {
    const start = starts[i] ?? 0;
    const width = widths.slice(start, start + cell.colspan).reduce((s, w) => s + w, 0);
    return new TableCell({
      width: { size: width, type: WidthType.DXA },
      ...(cell.colspan > 1 ? { columnSpan: cell.colspan } : {}),
      ...(kind === 'header' ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: HEADER_FILL } } : {}),
      children: [new Paragraph({ alignment: ALIGN[cellAlign(cell, table.columns, start)], spacing: { after: 0 }, children: inlinesToRuns(cell.children, style) })],
    });
  });
  return new TableRow({ children: cells, ...options });
}

// ---------------------------------------------------------------- reproducible package

/**
 * Rewrites a DOCX package so that it only depends on its content: core properties dated `date`,
 * embedded fonts keyed with GUIDs derived from their bytes, ZIP entries in a fixed order (content
 * types, package relationships, then by path) all dated `date`.
 */
function reproducible(packed: Uint8Array, date: Date, tableTitles: readonly (string | undefined)[]): Uint8Array {
  const entries = new Map(readZip(packed).map((e) => [e.path, e.data]));
  const text = (path: string) => new TextDecoder().decode(entries.get(path));
  const setText = (path: string, value: string) => entries.set(path, new TextEncoder().encode(value));

  const body = 'word/document.xml';
  if (entries.has(body)) setText(body, addTableTitles(text(body), tableTitles));

  const core = 'docProps/core.xml';
  if (entries.has(core)) {
    const stamp = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
    setText(core, text(core).replace(/(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(<\/dcterms:(?:created|modified)>)/g, `$1${stamp}$2`));
  }
  rekeyFonts(entries);

  const rank = (path: string) => (path === '[Content_Types].xml' ? 0 : path === '_rels/.rels' ? 1 : 2);
  const ordered: ZipEntry[] = [...entries]
    .map(([path, data]) => ({ path, data }))
    .sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return writeZip(ordered, date);
}

/**
 * Gives each table of the body (`w:tbl`, in document order; the documents nest none) its
 * accessible name: `<w:tblCaption>`, the "Title" of Word's alternative text for tables, which
 * screen readers announce. It goes last in `w:tblPr` (ECMA-376 part 1, 17.4.58: after
 * `w:tblLook`, before `w:tblDescription`, neither of which is written).
 */
function addTableTitles(xml: string, titles: readonly (string | undefined)[]): string {
  let n = 0;
  return xml.replace(/<\/w:tblPr>/g, (end) => {
    const title = titles[n++];
    return title === undefined ? end : `<w:tblCaption w:val="${escapeXml(title)}"/>${end}`;
  });
}

/**
 * Embedded fonts are obfuscated by XOR-ing their first 32 bytes with a key: the GUID written in
 * `word/fontTable.xml` (ECMA-376 part 1, 17.8.1). `docx` draws it at random; this replaces each
 * with a GUID made of the SHA-256 of the font file, re-obfuscating the file to match.
 */
function rekeyFonts(entries: Map<string, Uint8Array>): void {
  const tablePath = 'word/fontTable.xml';
  const relsPath = 'word/_rels/fontTable.xml.rels';
  const table = entries.get(tablePath);
  const rels = entries.get(relsPath);
  if (!table || !rels) return;
  const targets = new Map<string, string>();
  for (const m of new TextDecoder().decode(rels).matchAll(/<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"/g)) {
    targets.set(m[1] ?? '', `word/${m[2] ?? ''}`);
  }
  const xml = new TextDecoder().decode(table).replace(
    /(<w:embed(?:Regular|Bold|Italic|BoldItalic)\b[^>]*?\br:id=")([^"]+)("[^>]*?\bw:fontKey="\{)([0-9A-Fa-f-]{36})(\}")/g,
    (whole, before: string, id: string, middle: string, oldKey: string, after: string) => {
      const path = targets.get(id);
      const file = path === undefined ? undefined : entries.get(path);
      if (path === undefined || file === undefined) return whole;
      const font = xorKey(file, oldKey); // the font file as it was
      const digest = createHash('sha256').update(font).digest('hex').toUpperCase();
      const newKey = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
      entries.set(path, xorKey(font, newKey));
      return `${before}${id}${middle}${newKey}${after}`;
    },
  );
  entries.set(tablePath, new TextEncoder().encode(xml));
}

/** XORs the first 32 bytes with the key's bytes, taken in reverse order (obfuscation is its own inverse). */
function xorKey(bytes: Uint8Array, guid: string): Uint8Array {
  const key = (guid.replace(/-/g, '').match(/../g) ?? []).map((h) => parseInt(h, 16)).reverse();
  const out = bytes.slice();
  for (let i = 0; i < Math.min(32, out.length); i++) out[i] = (out[i] ?? 0) ^ (key[i % key.length] ?? 0);
  return out;
}
