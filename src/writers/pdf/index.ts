/**
 * PDF writer: Document AST → pdfmake document definition → PDF bytes.
 *
 * Layout: A4 in the document's orientation, margins and type sizes from `../shared.ts`, Source
 * Sans 3 embedded (subsets). This module holds the document and the switch over blocks; the
 * other concerns have a module each:
 * - `inline.ts`: inline content → text runs (the switch over inlines);
 * - `table.ts`: tables, with header rows repeated on every page and footer rows (totals) kept on
 *   the page of the last body row;
 * - `keep-together.ts`: headings and captions kept with what follows them, page breaks, and the
 *   layout probe that tells when a table must be split and the document laid out again;
 * - `justify.ts`: justified text without a gap inside hyphenated words;
 * - `images.ts`: PNG and SVG images;
 * - `styles.ts`: fixed styles;
 * - `tags.ts`: tagged PDF, the structure tree built beside the definition and filled while
 *   pdfmake draws;
 * - `pdfa.ts`: PDF/A-1b (escaped XMP, bookmark counts, opaque images);
 * - `patches/`: every reach into pdfmake's or pdfkit's internals, each naming its upstream issue.
 *
 * For the record and for everyone (see README, "Documents pour l'archivage et l'accessibilité"):
 * PDF/A-1b, title shown in the window title, language, nested bookmarks on the headings, tagged
 * content.
 *
 * Reproducible: the creation and modification dates are `meta.date` at 00:00 Europe/Paris, and
 * the file ID pdfkit writes is an MD5 of those document properties, so the same input gives the
 * same bytes.
 */
import type { Content, TDocumentDefinitions } from 'pdfmake/interfaces.js';
import type { Diagnostic } from '../../diagnostics.ts';
import { inlineText } from '../../document/builders.ts';
import { textWithOrdinals } from '../../document/ordinals.ts';
import { assertNever, type ActeMeta, type Block, type DocumentNode, type HeadingNode } from '../../document/nodes.ts';
import { FONT_PATHS, isFontFile, type FontFace } from '../../fonts.ts';
import { progress, progressShown } from '../../progress.ts';
import { COMMON, glyphMissingWarning, missingGlyphs } from '../glyphs.ts';
import type { Built, Writer } from '../index.ts';
import { documentDate, FONT_SIZE, openingBlocks, PAGE_MARGINS, pageLabel, PRODUCER, publicationBlocks, RUNNING_FOOTER_TOP, runningHeaderLines, runningHeaderTop, signatureBlocks, textWidth } from '../shared.ts';
import { ID, NO_BREAKS, type Ctx, type Placement, type TableBreaks } from './context.ts';
import { imageToPdf } from './images.ts';
import { inlinesToPdf } from './inline.ts';
import { keepWordsWhole } from './justify.ts';
import { dropBottomMargin, groupBlocks, LayoutProbe, PARAGRAPH_STYLE } from './keep-together.ts';
import { shareParsedFonts } from './patches/fonts.ts';
import { installStructureMarking } from './patches/renderer.ts';
import { installHyphenation } from './patches/hyphenation.ts';
import { loadPdfmake } from './patches/deferred-loads.ts';
import { discardLayoutWhen, layOutBeforeDrawing, LayoutDiscarded } from './patches/layout-only.ts';
import { releaseMemoryEarly } from './patches/memory.ts';
import { skipUnbrokenRows } from './patches/page-breaks.ts';
import { parseSvgOnce } from './patches/svg-measure.ts';
import { installWidowControl } from './patches/widows.ts';
import { PDFA_OPTIONS, prepareForPdfa } from './pdfa.ts';
import { HEADING_STYLE, PDF_FONT_FAMILY } from './styles.ts';
import { tableToPdf } from './table.ts';
import { attachStructure, LABEL_KEY, PAGINATION, STRUCTURE_KEY, structNode, type StructNode } from './tags.ts';

/** pdfmake, loaded with the modules it never runs here deferred (`patches/deferred-loads.ts`). */
const pdfmake = loadPdfmake();

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
 * Footer rows are kept with the last body row only when printing (`pdfWriter.serialise`), which
 * may lay the document out more than once.
 * @throws InvalidInputError when `meta.date` is not a `YYYY-MM-DD` date.
 */
export function toPdfDefinition(doc: DocumentNode): PdfDefinition {
  const { definition, warnings } = buildPdf(doc, NO_BREAKS);
  return { definition, warnings };
}

/**
 * What the PDF writer builds: the definition of a first layout, and the document to build it
 * again from when a table must be split. Serialise it once (pdfmake mutates the definition).
 */
export interface PdfBuild {
  readonly doc: DocumentNode;
  readonly first: PdfPass;
}

/**
 * The PDF writer. `build`: as `toPdfDefinition`. `serialise`: PDF bytes, fonts read from the font
 * package, their tables decoded once per process (nothing else is read, no URL is fetched); throws Error when pdfmake fails (e.g. an SVG
 * image that is not well-formed XML).
 */
export const pdfWriter: Writer<PdfBuild> = {
  build(doc: DocumentNode): Built<PdfBuild> {
    const first = buildPdf(doc, NO_BREAKS);
    return { value: { doc, first }, warnings: first.warnings };
  },
  serialise: layOut,
};

/**
 * Prints the document, laying it out again as long as the layout probe finds a table that ends
 * badly (too few rows on its last page, footer rows or signature block alone), each time with one
 * more decision on where tables break (`keep-together.ts`). Only the last layout is drawn.
 */
async function layOut({ doc, first }: PdfBuild): Promise<Uint8Array> {
  configurePdfmake();
  let built = first;
  for (;;) {
    const pass = built;
    let next: TableBreaks | undefined;
    let asked = false;
    const ask = () => ((asked = true), (next = pass.probe.nextBreaks(pass.breaks)) !== undefined);
    // Asked once laid out, before drawing: a layout done again is not drawn (`patches/layout-only.ts`).
    discardLayoutWhen(pass.probe.pageBreakBefore, ask);
    const bytes = await print(pass);
    if (!asked) ask();
    if (next === undefined) {
      if (bytes === undefined) throw new Error('PDF layout discarded, yet no other layout asked');
      return bytes;
    }
    // Built again for its layout only: the warnings (glyphs included) are those of the first build.
    built = buildPdf(doc, next, false);
  }
}

/**
 * Lays out and prints a definition; before the pdfkit document is ended, its structure tree is
 * attached and it is mended for PDF/A-1b. `undefined` when the layout was discarded before
 * drawing (`discardLayoutWhen`).
 */
async function print(built: PdfPass): Promise<Uint8Array | undefined> {
  let pdf;
  try {
    pdf = await pdfmake.createPdf(built.definition).getStream();
  } catch (err) {
    if (err instanceof LayoutDiscarded) return undefined;
    throw err;
  }
  attachStructure(pdf, built.structure);
  prepareForPdfa(pdf, built.acte);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => {
      // One copy of the file (a large PDF is tens of MB): the chunks are dropped once joined.
      const joined = Buffer.concat(chunks);
      chunks.length = 0;
      resolve(new Uint8Array(joined.buffer, joined.byteOffset, joined.byteLength));
    });
    pdf.on('error', reject);
    pdf.end();
  });
}

/**
 * Fonts and resource policies of the (process-wide) pdfmake instance: only the font files may be
 * read; their tables are decoded once per process (`patches/fonts.ts`).
 */
function configurePdfmake(): void {
  installStructureMarking();
  installHyphenation();
  installWidowControl(PARAGRAPH_STYLE);
  shareParsedFonts();
  releaseMemoryEarly();
  skipUnbrokenRows();
  parseSvgOnce();
  layOutBeforeDrawing();
  pdfmake.setFonts({ [PDF_FONT_FAMILY]: { ...FONT_PATHS } });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy((path) => isFontFile(path));
  // pdfmake takes `undefined` for no callback, although its types do not say so.
  pdfmake.setProgressCallback((progressShown() ? drawingProgress() : undefined) as unknown as (fraction: number) => void);
}

/** pdfmake's progress (share of the laid-out items drawn) → « mise en page 40 % », once per percent. */
function drawingProgress(): (fraction: number) => void {
  let shown = -1;
  return (fraction) => {
    const percent = Math.floor(fraction * 100);
    if (percent !== shown) progress.detail(`mise en page ${(shown = percent)} %`);
  };
}

// ---------------------------------------------------------------- document

/** One build of the definition, with where its tables break and what the layout probe watches. */
interface PdfPass extends PdfDefinition {
  readonly breaks: TableBreaks;
  readonly probe: LayoutProbe;
  /** Root of the structure tree (tagged PDF), filled in while the definition is drawn. */
  readonly structure: StructNode;
  /** The délibération the document is annexed to (XMP), if any. */
  readonly acte?: ActeMeta | undefined;
}

/**
 * Builds the definition with the table breaks `breaks`. `checkGlyphs`: whether to look for
 * characters the font cannot print (`writer/glyph-missing`); a build made again for another
 * layout skips it, the text being the same.
 */
function buildPdf(doc: DocumentNode, breaks: TableBreaks, checkGlyphs = true): PdfPass {
  const { meta } = doc;
  const date = documentDate(meta);
  const ctx: Ctx = { width: textWidth(meta.orientation), warnings: [], breaks, probe: new LayoutProbe(), tables: 0, groups: 0, structure: structNode('Document'), outline: {}, headings: 0 };
  const content = contentToPdf(doc, ctx);
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
      runningHeaderLines(meta).length === 0
        ? null
        : {
            stack: runningHeaderLines(meta).map((line) => ({ text: runningText(line) })),
            fontSize: FONT_SIZE.running,
            color: '#404040',
            // Two lines (header and reference) fit between the page's top edge and its text.
            margin: [PAGE_MARGINS.left, runningHeaderTop(runningHeaderLines(meta).length), PAGE_MARGINS.right, 0],
          },
    footer: (page: number, pages: number) => ({
      columns: [
        { text: [running(meta.footer)], width: '*' },
        { text: [running(pageLabel(page, pages))], width: 'auto', alignment: 'right' },
      ],
      columnGap: 12,
      fontSize: FONT_SIZE.running,
      color: '#404040',
      margin: [PAGE_MARGINS.left, RUNNING_FOOTER_TOP, PAGE_MARGINS.right, 0],
    }),
    content,
    styles: { [PARAGRAPH_STYLE]: {} }, // names body paragraphs for the layout probe
    pageBreakBefore: ctx.probe.pageBreakBefore,
  };
  if (checkGlyphs) ctx.warnings.push(...glyphWarnings(definition));
  return { definition, warnings: ctx.warnings, breaks, probe: ctx.probe, structure: ctx.structure, acte: meta.acte };
}

/**
 * A warning for the characters of the definition that no glyph of the face printing them shows.
 * Walks the content as pdfmake styles it: text runs inherit bold and italics from the nodes
 * around them; the running header and footer are read from one page.
 */
function glyphWarnings(definition: TDocumentDefinitions): Diagnostic[] {
  // Only the texts with a character outside COMMON, which every face prints: the others cannot
  // add a missing character (a list annex of 10,000 rows has 40,000 texts, all common).
  const text: Record<FontFace, string[]> = { normal: [], bold: [], italics: [], bolditalics: [] };
  const walk = (node: unknown, bold: boolean, italics: boolean): void => {
    if (typeof node === 'string') {
      if (!COMMON.test(node)) text[bold ? (italics ? 'bolditalics' : 'bold') : italics ? 'italics' : 'normal'].push(node);
    } else if (Array.isArray(node)) node.forEach((n) => walk(n, bold, italics));
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

/**
 * The document's content: the letterhead and reference before the template's blocks; after them,
 * the signature block and the publication mention, never alone on a page: with the last block in
 * one unbreakable stack, or after a table, on the page of its last rows (the layout probe sees to
 * it, `keep-together.ts`).
 */
function contentToPdf(doc: DocumentNode, ctx: Ctx): Content[] {
  const content = groupBlocks([...openingBlocks(doc.meta), ...doc.children], ctx, blockToPdf);
  const signature = signatureBlocks(doc.meta);
  const after = publicationBlocks(doc.meta);
  if (signature.length > 0 || after.length > 0) {
    const lines = (blocks: readonly Block[], top: number): Content[] => (blocks.length ? [{ stack: blocks.flatMap((b) => blockToPdf(b, ctx)), margin: [0, top, 0, 0] }] : []);
    const closing: Content[] = [...lines(signature, 12), ...lines(after, 8)];
    const last = content.pop();
    if (doc.children.at(-1)?.type === 'table' && last !== undefined) {
      // The probe finds the block by its first line: pdfmake gives the page of a text in an
      // unbreakable block only to a text with an id.
      const first = (closing[0] as { stack: { id?: string }[] }).stack[0];
      if (first) ctx.probe.closing = { id: (first.id = `${ID}closing`), table: ctx.tables - 1 };
      content.push(last, { stack: closing, unbreakable: true });
    } else content.push({ stack: [...(last === undefined ? [] : [last]), ...closing], unbreakable: true });
  }
  dropBottomMargin(content.at(-1));
  return content;
}

/** A run of the running header or footer: page furniture, an artifact for assistive technology. */
const running = (text: string): Content => ({ text, [STRUCTURE_KEY]: PAGINATION }) as Content;

/** A line of the running header as artifact runs, the "er" of "1er juillet" as a superscript. */
const runningText = (line: string): Content[] => inlinesToPdf(textWithOrdinals(line), {}, PAGINATION);

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
      const words = alignment === 'justify' ? keepWordsWhole(text, ctx.width, FONT_SIZE.body) : text;
      return [{ text: words, style: PARAGRAPH_STYLE, alignment, margin: [0, 0, 0, 6], ...id }];
    }
    case 'list': {
      const l = structNode('L', ctx.structure);
      const items = node.items.map((item) => {
        const li = structNode('LI', l);
        // The bullet or number pdfmake draws for the item is its label (`patches/renderer.ts`).
        const label = structNode('Lbl', li);
        return { text: inlinesToPdf(item.children, {}, structNode('LBody', li)), [LABEL_KEY]: label };
      });
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
