/**
 * PDF writer: Document AST → pdfmake document definition → PDF bytes.
 *
 * Layout: A4 in the document's orientation, margins and type sizes from `shared.ts`, Source Sans 3
 * embedded (subsets). Tables have explicit column widths, header rows repeated on every page
 * (`headerRows`), rows that may break across pages (a row taller than a page is never dropped),
 * and footer rows (totals) kept on the page of the last body row.
 *
 * Keeping things together, all with pdfmake's public `pageBreakBefore` hook:
 * - a run of headings, a table's caption and header rows stay with what follows them (the
 *   group is pushed to the next page, as a whole, when that content starts on a later page);
 * - footer rows: pdfmake cannot break a table before a given row without leaving an empty,
 *   bordered stub of that row behind, so `renderPdf` lays out, looks where the last body row and
 *   the first footer row landed, and when they are on different pages lays out again with the
 *   table split before its last body row, the second part starting a page with the header rows
 *   repeated — which reads exactly like a page break inside the table.
 *
 * For the record and for everyone (see README, "Documents pour l'archivage et l'accessibilité"):
 * PDF/A-1b (`pdfa.ts`: escaped XMP, bookmark counts, opaque images); title shown in the window
 * title, language; nested bookmarks on the headings; tagged content (`pdf-tags.ts`: the structure
 * tree is built here, beside the definition, and filled while pdfmake draws).
 *
 * Reproducible: the creation and modification dates are `meta.date` at 00:00 Europe/Paris, and
 * the file ID pdfkit writes is an MD5 of those document properties, so the same input gives the
 * same bytes.
 */
import LineBreaker from 'linebreak';
import pdfmake from 'pdfmake';
import type {
  Content,
  CustomTableLayout,
  Node as PdfNode,
  NodeQueries,
  Style,
  TableCell as PdfTableCell,
  TDocumentDefinitions,
} from 'pdfmake/interfaces.js';
import type { Diagnostic } from '../diagnostics.ts';
import { inlineText } from '../document/builders.ts';
import { assertNever, type Block, type DocumentNode, type HeadingNode, type ImageNode, type Inline, type TableNode, type TableRow } from '../document/nodes.ts';
import { FONT_PATHS, isFontFile, measureText, type FontFace } from '../fonts.ts';
import { glyphMissingWarning, missingGlyphs } from './glyphs.ts';
import { attachStructure, installStructureMarking, PAGINATION, STRUCTURE_KEY, structNode, type StructNode, type StructureMark } from './pdf-tags.ts';
import { opaquePng, PDFA_OPTIONS, prepareForPdfa } from './pdfa.ts';
import {
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
  pageLabel,
  pngBytes,
  PRODUCER,
  RUNNING_OFFSET,
  svgMarkup,
  textWidth,
  type CheckedTable,
} from './shared.ts';

/** A pdfmake document definition and what could not be shown as asked. */
export interface PdfDefinition {
  /**
   * The pdfmake definition (points, A4). pdfmake mutates a definition while printing it: print
   * each definition once.
   */
  readonly definition: TDocumentDefinitions;
  /** Problems met (malformed table, unreadable image…); the document is still complete. */
  readonly warnings: Diagnostic[];
}

/**
 * Builds the pdfmake document definition of `doc`, and warns of characters the font cannot
 * print (`writer/glyph-missing`): no I/O but reading the font's character maps once per process.
 * Footer rows are kept with the last body row only by `renderPdf`, which may lay the document
 * out more than once.
 * @throws InvalidInputError when `meta.date` is not a `YYYY-MM-DD` date.
 */
export function toPdfDefinition(doc: DocumentNode): PdfDefinition {
  const { definition, warnings } = buildPdf(doc, new Set());
  return { definition, warnings };
}

/**
 * Renders `doc` as PDF bytes (fonts read from the font package; nothing else is read, no URL is
 * fetched).
 * @param warnings when given, receives what could not be shown as asked (as `toPdfDefinition`).
 * @throws InvalidInputError when `meta.date` is invalid; Error when pdfmake fails (e.g. an SVG
 * image that is not well-formed XML).
 */
export async function renderPdf(doc: DocumentNode, warnings?: Diagnostic[]): Promise<Uint8Array> {
  configurePdfmake();
  let split = new Set<number>();
  for (let pass = 0; ; pass++) {
    const built = buildPdf(doc, split);
    const bytes = await print(built);
    const orphan = built.probe.firstOrphanFooter(split);
    // Each pass splits one more table; the bound only guards against a layout that never settles.
    if (orphan === undefined || pass > built.tableCount) {
      warnings?.push(...built.warnings);
      return bytes;
    }
    split = new Set([...split, orphan]);
  }
}

/**
 * Lays out and prints a definition; before the pdfkit document is ended, its structure tree is
 * attached and it is mended for PDF/A-1b.
 */
async function print(built: Built): Promise<Uint8Array> {
  const pdf = await pdfmake.createPdf(built.definition).getStream();
  attachStructure(pdf, built.structure);
  prepareForPdfa(pdf);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    pdf.on('error', reject);
    pdf.end();
  });
}

/** Family name under which the definition refers to Source Sans 3 (pdfmake's font table). */
const PDF_FONT_FAMILY = 'SourceSans3';

/** Fonts and resource policies of the (process-wide) pdfmake instance: only the font files may be read. */
function configurePdfmake(): void {
  installStructureMarking();
  pdfmake.setFonts({ [PDF_FONT_FAMILY]: { ...FONT_PATHS } });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => isFontFile(path));
}

// ---------------------------------------------------------------- document

/** Prefix of the node ids this writer sets, to find nodes again in `pageBreakBefore`. */
const ID = 'alses-';

interface Built extends PdfDefinition {
  readonly probe: LayoutProbe;
  readonly tableCount: number;
  /** Root of the structure tree (tagged PDF), filled in while the definition is drawn. */
  readonly structure: StructNode;
}

/** State of one build: options, counters and what the layout probe must watch. */
interface Ctx {
  readonly width: number;
  readonly warnings: Diagnostic[];
  /** Tables (by order in the document) to split before their last body row. */
  readonly split: ReadonlySet<number>;
  readonly probe: LayoutProbe;
  tables: number;
  groups: number;
  /** Root of the structure tree: each block adds its element. */
  readonly structure: StructNode;
  /** Ids of the last heading of each level, parents of the bookmarks of the headings below them. */
  readonly outline: { [level in 1 | 2 | 3]?: string };
  headings: number;
}

function buildPdf(doc: DocumentNode, split: ReadonlySet<number>): Built {
  const { meta } = doc;
  const date = documentDate(meta);
  const ctx: Ctx = { width: textWidth(meta.orientation), warnings: [], split, probe: new LayoutProbe(), tables: 0, groups: 0, structure: structNode('Document'), outline: {}, headings: 0 };
  const content = groupBlocks(doc.children, ctx);
  const definition: TDocumentDefinitions = {
    pageSize: 'A4',
    pageOrientation: meta.orientation,
    pageMargins: [PAGE_MARGINS.left, PAGE_MARGINS.top, PAGE_MARGINS.right, PAGE_MARGINS.bottom],
    ...PDFA_OPTIONS,
    language: meta.language,
    displayTitle: true,
    tagged: true,
    info: {
      title: meta.title,
      subject: meta.subject,
      author: meta.author,
      creator: PRODUCER,
      producer: PRODUCER,
      creationDate: date,
      modDate: date,
    },
    defaultStyle: { font: PDF_FONT_FAMILY, fontSize: FONT_SIZE.body },
    header: () =>
      meta.header === ''
        ? null
        : { text: [running(meta.header)], fontSize: FONT_SIZE.running, color: '#404040', margin: [PAGE_MARGINS.left, RUNNING_OFFSET, PAGE_MARGINS.right, 0] },
    footer: (page: number, pages: number) => ({
      columns: [
        { text: [running(meta.footer)], width: '*' },
        { text: [running(pageLabel(page, pages))], width: 'auto', alignment: 'right' },
      ],
      columnGap: 12,
      fontSize: FONT_SIZE.running,
      color: '#404040',
      margin: [PAGE_MARGINS.left, PAGE_MARGINS.bottom - RUNNING_OFFSET - FONT_SIZE.running * 1.2, PAGE_MARGINS.right, 0],
    }),
    content,
    pageBreakBefore: ctx.probe.pageBreakBefore,
  };
  ctx.warnings.push(...glyphWarnings(definition));
  return { definition, warnings: ctx.warnings, probe: ctx.probe, tableCount: ctx.tables, structure: ctx.structure };
}

/**
 * A warning for the characters of the definition that no glyph of the face printing them shows.
 * Walks the content as pdfmake styles it: text runs inherit bold and italics from the nodes
 * around them; the running header and footer are read from one page.
 */
function glyphWarnings(definition: TDocumentDefinitions): Diagnostic[] {
  const text: Record<FontFace, string[]> = { normal: [], bold: [], italics: [], bolditalics: [] };
  const walk = (node: unknown, bold: boolean, italics: boolean): void => {
    if (typeof node === 'string') text[bold ? (italics ? 'bolditalics' : 'bold') : italics ? 'italics' : 'normal'].push(node);
    else if (Array.isArray(node)) node.forEach((n) => walk(n, bold, italics));
    else if (node !== null && typeof node === 'object') {
      const n = node as { bold?: unknown; italics?: unknown; table?: { body?: unknown } } & Record<string, unknown>;
      const b = typeof n.bold === 'boolean' ? n.bold : bold;
      const i = typeof n.italics === 'boolean' ? n.italics : italics;
      for (const key of ['text', 'stack', 'ul', 'ol', 'columns'] as const) walk(n[key], b, i);
      walk(n.table?.body, b, i);
    }
  };
  walk(definition.content, false, false);
  for (const part of [definition.header, definition.footer]) if (typeof part === 'function') walk(part(1, 1, { width: 0, height: 0, orientation: 'portrait' }), false, false);
  const warning = glyphMissingWarning([...new Set((Object.keys(text) as FontFace[]).flatMap((face) => missingGlyphs(text[face].join(''), face)))]);
  return warning ? [warning] : [];
}

/** A run of the running header or footer: page furniture, an artifact for assistive technology. */
const running = (text: string): Content => ({ text, [STRUCTURE_KEY]: PAGINATION }) as Content;

/**
 * Top-level blocks. Each run of headings with the block after it, and each table with its caption,
 * form one stack that the probe keeps together (keep-with-next). A page break becomes a break
 * before the next block, which the probe skips when that block already starts a page (so a block
 * ending at the foot of a page never leaves a blank page behind); a page break at the end of the
 * document is dropped. The last block loses its bottom margin, which pdfmake would otherwise carry
 * over to a new, empty page when it ends at the foot of one.
 */
function groupBlocks(blocks: readonly Block[], ctx: Ctx): Content[] {
  const out: Content[] = [];
  let headings: Content[] = [];
  let breakNext = false;
  const emit = (nodes: Content[]) => {
    const first = nodes[0] as { id?: string } | undefined;
    if (breakNext && first !== undefined) {
      first.id ??= `${ID}b${ctx.groups++}`;
      ctx.probe.breakBefore.add(first.id);
      breakNext = false;
    }
    out.push(...nodes);
  };
  for (const block of blocks) {
    if (block.type === 'heading') {
      headings.push(...blockToPdf(block, ctx));
    } else if (block.type === 'pageBreak') {
      emit(headings);
      headings = [];
      breakNext = true;
    } else if (headings.length === 0 && block.type !== 'table') {
      emit(blockToPdf(block, ctx));
    } else {
      const group = `${ID}g${ctx.groups++}`;
      const marker = `${group}-next`;
      if (block.type !== 'table') ctx.probe.groups.set(group, marker); // tables register their first body row
      // A stack's id is passed on to pageBreakBefore, although @types/pdfmake does not list it.
      emit([{ stack: [...headings, ...blockToPdf(block, ctx, { group, marker })], id: group } as Content]);
      headings = [];
    }
  }
  emit(headings);
  dropBottomMargin(out.at(-1));
  return out;
}

/** Sets the bottom margin of the last leaf of `node` (through stacks) to 0. */
function dropBottomMargin(node: Content | undefined): void {
  const n = node as { stack?: Content[]; margin?: [number, number, number, number] } | undefined;
  if (n?.stack) dropBottomMargin(n.stack.at(-1));
  else if (Array.isArray(n?.margin)) n.margin = [n.margin[0], n.margin[1], n.margin[2], 0];
}

/** Where a block sits in a keep-together group: the group's id, and the id to give the block. */
interface Placement {
  readonly group: string;
  readonly marker: string;
}

/** One block → pdfmake content (several nodes for a caption and a table, or a split table). */
function blockToPdf(node: Block, ctx: Ctx, place?: Placement): Content[] {
  const id = place === undefined ? {} : { id: place.marker };
  switch (node.type) {
    case 'heading':
      return [headingToPdf(node, ctx)];
    case 'paragraph': {
      const p = structNode('P', ctx.structure);
      const alignment = node.align ?? 'justify';
      const text = inlinesToPdf(node.children, {}, p);
      return [{ text: alignment === 'justify' ? keepWordsWhole(text, ctx.width, FONT_SIZE.body) : text, alignment, margin: [0, 0, 0, 6], ...id }];
    }
    case 'list': {
      const l = structNode('L', ctx.structure);
      const items = node.items.map((item) => ({ text: inlinesToPdf(item.children, {}, structNode('LBody', structNode('LI', l))) }));
      return [node.ordered ? { ol: items, margin: [0, 0, 0, 6], ...id } : { ul: items, margin: [0, 0, 0, 6], ...id }];
    }
    case 'table':
      return tableToPdf(node, ctx, place?.group);
    case 'pageBreak':
      return []; // groupBlocks makes it a break before the next block
    case 'image':
      return [imageToPdf(node, ctx, id)];
    default:
      return assertNever(node);
  }
}

/**
 * A heading, with its bookmark: level 1 at the top of the outline, level 2 under the last level 1,
 * level 3 under the last level 2 (or level 1), all open, so that the bookmarks show the sections
 * as the text nests them.
 */
function headingToPdf(node: HeadingNode, ctx: Ctx): Content {
  const text = inlinesToPdf(node.children, {}, structNode(`H${node.level}`, ctx.structure));
  const title = inlineText(node.children).trim();
  // An empty heading lays out no line, and pdfmake would fail hanging a bookmark on it.
  if (title === '') return { text, ...HEADING_STYLE[node.level] };
  const id = `${ID}h${ctx.headings++}`;
  const parent = node.level === 3 ? (ctx.outline[2] ?? ctx.outline[1]) : node.level === 2 ? ctx.outline[1] : undefined;
  ctx.outline[node.level] = id;
  if (node.level === 1) delete ctx.outline[2];
  if (node.level <= 2) delete ctx.outline[3];
  return {
    text,
    ...HEADING_STYLE[node.level],
    headlineLevel: node.level,
    id,
    outline: true,
    outlineText: title,
    outlineExpanded: true,
    ...(parent === undefined ? {} : { outlineParentId: parent }),
  } as Content; // pdfmake takes an id on any node, although @types/pdfmake does not list it here
}

/** Level 1 is the printed title of the document: centred; levels 2 and 3 are section titles. */
const HEADING_STYLE: Record<1 | 2 | 3, Style> = {
  1: { fontSize: FONT_SIZE.heading1, bold: true, alignment: 'center', margin: [0, 0, 0, 14] },
  2: { fontSize: FONT_SIZE.heading2, bold: true, margin: [0, 10, 0, 6] },
  3: { fontSize: FONT_SIZE.heading3, bold: true, margin: [0, 8, 0, 4] },
};

/**
 * Inline content → a flat pdfmake text array: one leaf per text run, carrying its own bold and
 * italics, as pdfmake ignores the style of a nested text array (bpampuch/pdfmake#1174), and the
 * structure element it belongs to (pdfmake copies it onto the lines it lays out).
 */
function inlinesToPdf(inlines: readonly Inline[], style: { bold?: true; italics?: true }, mark: StructureMark): Content[] {
  return inlines.flatMap((node): Content[] => {
    switch (node.type) {
      case 'text':
        return [{ text: node.value, ...style, [STRUCTURE_KEY]: mark } as Content];
      case 'strong':
        return inlinesToPdf(node.children, { ...style, bold: true }, mark);
      case 'emphasis':
        return inlinesToPdf(node.children, { ...style, italics: true }, mark);
      case 'lineBreak':
        return [{ text: '\n', [STRUCTURE_KEY]: mark } as Content];
      default:
        return assertNever(node);
    }
  });
}

/**
 * Justified text without a gap inside hyphenated words. pdfmake breaks text where Unicode line
 * breaking allows it — after the hyphen of « co-animateurs », after « / » or « – » — into one
 * inline per piece, and justifies a line by spreading its slack evenly between all its inlines
 * (`ElementWriter.alignLine`), so the slack also lands after the hyphen: « co- animateurs », on
 * the page and in copied text (bpampuch/pdfmake#1368). Here each word (a run between spaces)
 * with such a break inside becomes a text run of its own, with the spaces after it, that pdfmake
 * lays out as one inline (`noWrap`): the slack then goes only between words. A word wider than
 * `width` (the text width, in points) is left as it is, as it must break to fit. Runs without
 * such words come back unchanged; line breaks stay in plain runs. `bold`: the runs' default weight.
 */
function keepWordsWhole(runs: Content[], width: number, fontSize: number, bold = false): Content[] {
  return runs.flatMap((run): Content[] => {
    const leaf = run as { text?: unknown; bold?: boolean; italics?: boolean };
    if (typeof leaf.text !== 'string') return [run];
    const text = leaf.text;
    const face: FontFace = (leaf.bold ?? bold) ? (leaf.italics ? 'bolditalics' : 'bold') : leaf.italics ? 'italics' : 'normal';
    const out: Content[] = [];
    let plain = '';
    let last = 0;
    for (const match of text.matchAll(/[^ \t\r\n]+[ \t]*/g)) {
      const word = match[0].replace(/[ \t]+$/, '');
      plain += text.slice(last, match.index);
      last = match.index + match[0].length;
      if (innerBreaks(word) && measureText(word, fontSize, face) <= width) {
        if (plain !== '') out.push({ ...leaf, text: plain } as Content);
        out.push({ ...leaf, text: match[0], noWrap: true } as Content);
        plain = '';
      } else {
        plain += match[0];
      }
    }
    if (out.length === 0) return [run];
    plain += text.slice(last);
    if (plain !== '') out.push({ ...leaf, text: plain } as Content);
    return out;
  });
}

/**
 * `true` when pdfmake may break `word` (no white space in it) somewhere inside it: asked of
 * `linebreak` (Unicode line breaking, UAX #14), the line breaker pdfmake uses, pinned to the
 * version pdfmake depends on so that both find the same breaks.
 */
function innerBreaks(word: string): boolean {
  const breaker = new LineBreaker(word);
  for (let bk = breaker.nextBreak(); bk; bk = breaker.nextBreak()) if (bk.position > 0 && bk.position < word.length) return true;
  return false;
}


// ---------------------------------------------------------------- images

/** svg node options pdfmake passes on to svg-to-pdfkit (not in @types/pdfmake). */
interface SvgExtras {
  font: string;
  options: { imageCallback: (link: string) => string; warningCallback: (message: string) => void };
}

/** An image → a pdfmake image or svg node, tagged as a Figure with its text alternative. */
function imageToPdf(node: ImageNode, ctx: Ctx, id: { id?: string }): Content {
  // Never wider than the text: scale down, keeping the ratio.
  const scale = Math.min(1, ctx.width / node.width);
  const size = { width: node.width * scale, height: node.height * scale };
  const margin: [number, number, number, number] = [0, 4, 0, 8];
  const figure = () => ({ [STRUCTURE_KEY]: structNode('Figure', ctx.structure, { alt: node.alt }) });
  if (node.format === 'png') {
    const png = pngBytes(node);
    // PDF/A-1 allows no transparency: an alpha channel is flattened onto white.
    if (png) return { image: `data:image/png;base64,${Buffer.from(opaquePng(png)).toString('base64')}`, ...size, margin, ...id, ...figure() } as Content;
  } else {
    const svg = svgMarkup(node);
    if (svg) {
      const extras: SvgExtras = {
        font: PDF_FONT_FAMILY,
        // An SVG must not make the renderer read local files or URLs: only inline data images.
        options: { imageCallback: (link) => (link.startsWith('data:') ? link : ''), warningCallback: () => undefined },
      };
      return { svg, ...size, margin, ...id, ...extras, ...figure() } as Content;
    }
  }
  ctx.warnings.push(badImage(node));
  return { text: inlinesToPdf([{ type: 'text', value: `[${node.alt}]` }], { italics: true }, structNode('P', ctx.structure)), margin, ...id };
}

// ---------------------------------------------------------------- tables

const TABLE_LAYOUT: CustomTableLayout = {
  hLineWidth: () => BORDER_WIDTH,
  vLineWidth: () => BORDER_WIDTH,
  hLineColor: 'black',
  vLineColor: 'black',
  paddingLeft: () => CELL_PADDING.x,
  paddingRight: () => CELL_PADDING.x,
  paddingTop: () => CELL_PADDING.y,
  paddingBottom: () => CELL_PADDING.y,
};

/**
 * A table → [caption, table] or, when `ctx.split` says so, [caption, table without its last body
 * row, table of header rows + last body row + footer rows starting a new page]. Registers with
 * the probe the first body row (kept with the caption and header) and the rows around the footer.
 */
function tableToPdf(node: TableNode, ctx: Ctx, group: string | undefined): Content[] {
  const n = ctx.tables++;
  const label = node.caption ? inlineText(node.caption) : `n° ${n + 1}`;
  const { table, warnings } = checkTable(node, label);
  ctx.warnings.push(...warnings);
  const out: Content[] = [];
  const structure = table ? structNode('Table', ctx.structure) : undefined;
  if (node.caption) {
    const caption = structure ? structNode('Caption', structure) : structNode('P', ctx.structure);
    out.push({ text: inlinesToPdf(node.caption, {}, caption), bold: true, fontSize: FONT_SIZE.table + 1, margin: [0, 6, 0, 4] });
  }
  if (!table || !structure) return out;

  // Column widths: pdfmake's are content widths, without paddings and borders. Each column's outer
  // width (content + paddings + one border) is its share of the text width less the last border.
  const widths = table.columns.map((c) => Math.max(1, (c.width / 100) * (ctx.width - BORDER_WIDTH) - 2 * CELL_PADDING.x - BORDER_WIDTH));
  // Rows are numbered across header, body and footer; some get ids so the probe can find them.
  const h = table.header.length;
  const b = table.body.length;
  const rowId = (index: number) => `${ID}t${n}-r${index}-`;
  const start = rowId(b > 0 ? h : h + b); // first body row, else first footer row
  const tail = rowId(h + b - 1);
  const foot = rowId(h + b);
  const marked = new Set([start, tail, foot]);
  // Structure elements of the cells, made once: a split table draws its header rows twice.
  const cells = {
    header: structRows(table.header, 'THead', 'header', structure),
    body: structRows(table.body, 'TBody', 'body', structure),
    footer: structRows(table.footer, 'TFoot', 'footer', structure),
  };
  const rows = (list: readonly TableRow[], kind: RowKind, first: number) =>
    list.map((row, i) => rowToPdf(row, table, widths, kind, marked.has(rowId(first + i)) ? rowId(first + i) : undefined, cells[kind][i] ?? []));
  const table_ = (body: PdfTableCell[][], extra: object = {}): Content => ({
    table: { widths: [...widths], headerRows: h, dontBreakRows: false, body },
    layout: TABLE_LAYOUT,
    fontSize: FONT_SIZE.table,
    margin: [0, 0, 0, 8],
    ...extra,
  });

  if (group !== undefined) {
    ctx.probe.groups.set(group, start);
    if (table.footer.length > 0 && b > 0) ctx.probe.footers.push({ table: n, group, tail, foot, splittable: b >= 2 });
    if (ctx.split.has(n) && b < 2) ctx.probe.breakBefore.add(group);
  }
  const body = rows(table.body, 'body', h);
  if (ctx.split.has(n) && b >= 2) {
    // The last body row and the footer rows start a new page, under the header rows.
    out.push(table_([...rows(table.header, 'header', 0), ...body.slice(0, -1)], { margin: [0, 0, 0, 0] }));
    out.push(table_([...rows(table.header, 'header', 0), ...body.slice(-1), ...rows(table.footer, 'footer', h + b)], { pageBreak: 'before' }));
  } else {
    out.push(table_([...rows(table.header, 'header', 0), ...body, ...rows(table.footer, 'footer', h + b)]));
  }
  return out;
}

type RowKind = 'header' | 'body' | 'footer';

/**
 * Structure elements of a part of a table (THead, TBody, TFoot; none for no rows): a TR per row,
 * a TH (heading its column; repeated on each page) or TD per cell, with its column span.
 */
function structRows(rows: readonly TableRow[], role: 'THead' | 'TBody' | 'TFoot', kind: RowKind, table: StructNode): StructNode[][] {
  if (rows.length === 0) return [];
  const part = structNode(role, table);
  return rows.map((row) => {
    const tr = structNode('TR', part);
    return row.cells.map((cell) =>
      structNode(kind === 'header' ? 'TH' : 'TD', tr, {
        ...(kind === 'header' ? { scope: 'Column', repeated: true } : {}),
        ...(cell.colspan > 1 ? { colSpan: cell.colspan } : {}),
      }),
    );
  });
}

/**
 * A row → pdfmake cells: colspans followed by the empty placeholders pdfmake expects, alignment
 * from the cell or its column, bold header and footer rows, grey header rows, each cell's text
 * tagged with its structure element. `marker`, when given, prefixes the ids of the cells so the
 * layout probe can find the row.
 */
function rowToPdf(
  row: TableRow,
  table: CheckedTable,
  widths: readonly number[],
  kind: RowKind,
  marker: string | undefined,
  structure: readonly StructNode[],
): PdfTableCell[] {
  const starts = cellStarts(row);
  const cells: PdfTableCell[] = [];
  row.cells.forEach((cell, i) => {
    const start = starts[i] ?? 0;
    const alignment = cellAlign(cell, table.columns, start);
    const text = inlinesToPdf(cell.children, {}, structure[i] ?? PAGINATION);
    cells.push({
      // The first column's width is a lower bound of the width of a cell spanning several.
      text: alignment === 'justify' ? keepWordsWhole(text, widths[start] ?? 0, FONT_SIZE.table, kind !== 'body') : text,
      alignment,
      ...(kind === 'body' ? {} : { bold: true }),
      ...(kind === 'header' ? { fillColor: `#${HEADER_FILL}` } : {}),
      ...(cell.colspan > 1 ? { colSpan: cell.colspan } : {}),
      ...(marker === undefined ? {} : { id: `${marker}c${start}` }),
    });
    for (let k = 1; k < cell.colspan; k++) cells.push({});
  });
  return cells;
}

// ---------------------------------------------------------------- layout probe

/** A table whose footer rows must start on the page where its last body row ends. */
interface FooterWatch {
  readonly table: number;
  /** Id of the keep-together group holding the table. */
  readonly group: string;
  /** Id prefix of the cells of the last body row, and of the first footer row. */
  readonly tail: string;
  readonly foot: string;
  /** `true` when the table has 2 body rows or more, so it can be split before its last one. */
  readonly splittable: boolean;
}

/**
 * Watches the layout through pdfmake's `pageBreakBefore` hook. pdfmake calls it once per node,
 * in document order, after laying out; returning `true` makes it lay out again from there. So
 * what is recorded for a node is where it stays.
 */
class LayoutProbe {
  /** Keep-together groups: group id → id (or id prefix) of the first node that must share its page. */
  readonly groups = new Map<string, string>();
  /** Tables whose footer rows are watched. */
  readonly footers: FooterWatch[] = [];
  /** Nodes to push to the next page, unless already at the top of one (page breaks, tables moved whole). */
  readonly breakBefore = new Set<string>();
  /** Pages of each node of ours, and for groups whether they start at the top of a page. */
  private readonly seen = new Map<string, { pages: readonly number[]; atTop: boolean }>();

  /** The `pageBreakBefore` hook of the definition. */
  readonly pageBreakBefore = (node: PdfNode, queries: NodeQueries): boolean => {
    const id = node.id;
    if (id === undefined || !id.startsWith(ID)) return false;
    const first = this.groups.get(id);
    const forced = this.breakBefore.has(id);
    const atTop = (first !== undefined || forced) && !queries.getPreviousNodesOnPage().some((n) => !n.stack);
    this.seen.set(id, { pages: node.pageNumbers, atTop });
    if (atTop) return false;
    if (forced) return true;
    if (first === undefined) return false;
    // Push the group to the next page when what must follow its headings/caption starts there.
    const matches = (n: PdfNode) => n.id !== undefined && n.id.startsWith(first);
    return !queries.getFollowingNodesOnPage().some(matches) && queries.getNodesOnNextPage().some(matches);
  };

  /**
   * The first table, not yet in `done`, whose first footer row starts on a page after its last
   * body row ends.
   */
  firstOrphanFooter(done: ReadonlySet<number>): number | undefined {
    for (const watch of this.footers) {
      if (done.has(watch.table)) continue;
      const tail = this.pagesOf(watch.tail);
      const foot = this.pagesOf(watch.foot);
      const footStart = Math.min(...foot);
      if (tail.length === 0 || foot.length === 0 || tail.includes(footStart)) continue;
      if (!watch.splittable && this.seen.get(watch.group)?.atTop !== false) continue;
      return watch.table;
    }
    return undefined;
  }

  private pagesOf(prefix: string): number[] {
    const pages: number[] = [];
    for (const [id, seen] of this.seen) if (id.startsWith(prefix)) pages.push(...seen.pages);
    return pages;
  }
}
