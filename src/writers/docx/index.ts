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
 * This module holds the document and the switch over blocks; `inline.ts` the switch over inlines,
 * `table.ts`, `images.ts` and `styles.ts` their concerns. `docxWriter` embeds Source Sans 3, and
 * `package.ts` subsets the embedded faces (the French repertoire and the document's characters;
 * the italic faces only when used), leaves out the parts `docx` writes that the document does not
 * use (notes, theme, empty relationships), adds the table captions, makes the bytes reproducible
 * (`docx` stamps the package with the clock and random font keys) and zips the package once.
 */
import { Document, Footer, Header, PageBreak, PageNumber, Paragraph, Table, TabStopType, TextRun, type IParagraphOptions } from 'docx';
import type { Diagnostic } from '../../diagnostics.ts';
import { textWithOrdinals } from '../../document/ordinals.ts';
import { ACTE_NATURES, assertNever, type ActeMeta, type Block, type DocumentNode, type ParagraphNode } from '../../document/nodes.ts';
import { FONT_FAMILY, fontBytes, type FontFace } from '../../fonts.ts';
import type { Built, Writer } from '../index.ts';
import { A4, documentDate, FONT_SIZE, openingBlocks, PAGE_MARGINS, publicationBlocks, RUNNING_OFFSET, signatureBlocks, textWidth, twips } from '../shared.ts';
import type { Ctx } from './context.ts';
import { imageToDocx } from './images.ts';
import { inlinesToRuns } from './inline.ts';
import { dropUnusedParts, reproducible, subsetFonts } from './package.ts';
import { compileParts } from './patches/compiler.ts';
import { ALIGN, halfPoints, HEADING, NUMBERING, STYLES } from './styles.ts';
import { closingTable, tableToDocx } from './table.ts';

/** A `docx` Document and what could not be shown as asked. */
export interface DocxResult {
  /** The document, ready for `Packer` (A4; lengths inside are twips, type sizes half-points). */
  readonly document: Document;
  /** Problems met (malformed table, SVG without a PNG fallback…); the document is still complete. */
  readonly warnings: Diagnostic[];
  /**
   * Accessible name of each table, in document order (its caption; `undefined` without one):
   * `docx` cannot write `w:tblCaption`, so `docxWriter` adds it to the package.
   */
  readonly tableTitles: readonly (string | undefined)[];
  /**
   * Body rows, as XML text, of each table of more than `STREAMED_ROWS` body rows, in document
   * order: `document` holds a placeholder row for them, which `docxWriter.serialise` replaces
   * (`Packer` alone would write the placeholder).
   */
  readonly bodyRows: readonly (readonly string[])[];
}

/**
 * Tables with more body rows than this have them written as XML text rather than `docx` objects
 * (same bytes, a fraction of the memory and time): the annexes' tables (tens of rows) stay `docx`
 * objects, a list of thousands of collèges is streamed.
 */
export const STREAMED_ROWS = 200;

/**
 * The délibération a document is annexed to, as custom document properties (`docProps/custom.xml`,
 * Word: Fichier › Informations › Propriétés avancées › Personnalisation), named as the PDF's XMP
 * `acte` schema names them: nature (code and label), date, number and matière when known.
 */
export function acteProperties(acte: ActeMeta): { name: string; value: string }[] {
  const values = { ActeNature: acte.nature, ActeNatureLibelle: ACTE_NATURES[acte.nature], ActeDate: acte.date, ActeNumero: acte.numero, ActeMatiere: acte.matiere };
  return Object.entries(values).flatMap(([name, value]) => (value === undefined ? [] : [{ name, value }]));
}

/** Font files to embed, as `fontBytes` reads them. */
export type DocxFonts = Readonly<Record<FontFace, Buffer>>;

/**
 * Builds the `docx` Document of `doc`: no I/O. Without `fonts`, runs name "Source Sans 3" but the
 * font is not embedded (Word then substitutes a font where it is not installed). Tables of more
 * than `streamFrom` body rows have them as XML text (`bodyRows`).
 * @throws InvalidInputError when `meta.date` is not a `YYYY-MM-DD` date.
 */
export function toDocx(doc: DocumentNode, fonts?: DocxFonts, streamFrom: number = STREAMED_ROWS): DocxResult {
  const { meta } = doc;
  documentDate(meta); // validates the date early: docxWriter writes it into the package
  const ctx: Ctx = { width: textWidth(meta.orientation), warnings: [], lists: 0, images: 0, tableTitles: [], streamFrom, bodyRows: [] };
  const children = contentToDocx(doc, ctx);
  const running = { size: halfPoints(FONT_SIZE.running), color: '404040' };
  const document = new Document({
    title: meta.title,
    subject: meta.subject,
    creator: meta.author,
    lastModifiedBy: meta.author,
    description: meta.subject,
    revision: 1,
    // Word and LibreOffice hyphenate justified text themselves, with their dictionary for the
    // language of the runs (fr-FR, default run properties); words in capitals are left whole.
    hyphenation: { autoHyphenation: true, doNotHyphenateCaps: true },
    ...(meta.acte ? { customProperties: acteProperties(meta.acte) } : {}),
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
          default: new Header({
            children: [meta.header, meta.reference ?? ''].filter((line) => line !== '').map((line) => new Paragraph({ children: inlinesToRuns(textWithOrdinals(line), running) })),
          }),
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
  return { document, warnings: ctx.warnings, tableTitles: ctx.tableTitles, bodyRows: ctx.bodyRows };
}

/**
 * What `docxWriter` gives `docx` to embed for each face: empty stand-ins, which `subsetFonts`
 * replaces with the subsets of `fontBytes()`; the whole faces (1.5 MB) would be copied and
 * obfuscated by `docx` for every document, then thrown away.
 */
const FONT_STANDINS: DocxFonts = { normal: Buffer.alloc(0), bold: Buffer.alloc(0), italics: Buffer.alloc(0), bolditalics: Buffer.alloc(0) };

/** What the DOCX writer builds: the document, fonts embedded, and what its package needs. */
export interface DocxBuild {
  /** The document, embedding `FONT_STANDINS`. */
  readonly document: Document;
  /** The faces whose subsets replace the stand-ins (`fontBytes()`). */
  readonly fonts: DocxFonts;
  /** Accessible name of each table (see `DocxResult`). */
  readonly tableTitles: readonly (string | undefined)[];
  /** Body rows of the streamed tables (see `DocxResult`). */
  readonly bodyRows: readonly (readonly string[])[];
  /** Date of the package's properties and entries: `meta.date` at 00:00 Europe/Paris. */
  readonly date: Date;
}

/**
 * The DOCX writer. `build`: as `toDocx`, with the four faces embedded (stand-ins until
 * `serialise`; the font files are read once per process; throws Error when they cannot be read). `serialise`: the DOCX package without its
 * unused parts (`dropUnusedParts`), its fonts subset (`subsetFonts`), the same input always giving
 * the same bytes.
 */
export const docxWriter: Writer<DocxBuild> = {
  build(doc: DocumentNode): Built<DocxBuild> {
    const fonts = fontBytes();
    const { document, tableTitles, bodyRows, warnings } = toDocx(doc, FONT_STANDINS);
    return { value: { document, fonts, tableTitles, bodyRows, date: documentDate(doc.meta) }, warnings };
  },
  async serialise({ document, fonts, tableTitles, bodyRows, date }: DocxBuild): Promise<Uint8Array> {
    const parts = compileParts(document);
    dropUnusedParts(parts);
    await subsetFonts(parts, fonts, bodyRows);
    return reproducible(parts, date, tableTitles, bodyRows);
  },
};

// ---------------------------------------------------------------- blocks

/**
 * The document's content: the letterhead and reference before the template's blocks; after them,
 * the signature block and the publication mention, never alone on a page: each of their
 * paragraphs is kept whole and with the next (`w:keepLines`, `w:keepNext`), and so is the last
 * block before them: a paragraph, or a table's last rows, the closing paragraphs then in a table
 * of their own that joins it (`closingTable`).
 */
function contentToDocx(doc: DocumentNode, ctx: Ctx): (Paragraph | Table)[] {
  const body = [...openingBlocks(doc.meta), ...doc.children];
  const signature = signatureBlocks(doc.meta).filter((b): b is ParagraphNode => b.type === 'paragraph');
  const closing = [...signature, ...publicationBlocks(doc.meta).filter((b): b is ParagraphNode => b.type === 'paragraph')];
  const last = closing.length > 0 ? body.at(-1) : undefined;
  const out = (last ? body.slice(0, -1) : body).flatMap((block) => blockToDocx(block, ctx));
  // Above the signature, 12 points; under a table, also the line of the empty paragraph that
  // follows any other table.
  const before = (signature.length > 0 ? 12 : 0) + (last?.type === 'table' ? LINE_AFTER_TABLE : 0);
  const paragraphs = closing.map((p, i) =>
    paragraphToDocx(p, {
      keepLines: true,
      ...(i < closing.length - 1 ? { keepNext: true } : {}),
      ...(i === 0 && before > 0 ? { spacing: { before: twips(before) } } : {}),
    }),
  );
  if (last?.type === 'table') return [...out, ...tableToDocx(last, ctx, true), ...closingTable(paragraphs, ctx.width, ctx)];
  if (last?.type === 'paragraph') out.push(paragraphToDocx(last, { keepNext: true, keepLines: true }));
  else if (last) out.push(...blockToDocx(last, ctx));
  return [...out, ...paragraphs];
}

/** Height of the empty paragraph after a table (a line of body text), in points. */
const LINE_AFTER_TABLE = 1.2 * FONT_SIZE.body;

/**
 * A paragraph, with extra paragraph properties (keeping it with the next one…); never a first or
 * last line alone at the foot or top of a page (`w:widowControl`, which Word and LibreOffice
 * apply only where a paragraph asks for it).
 */
const paragraphToDocx = (node: ParagraphNode, extra: Omit<IParagraphOptions, 'children' | 'alignment'> = {}): Paragraph =>
  new Paragraph({ alignment: ALIGN[node.align ?? 'justify'], widowControl: true, children: inlinesToRuns(node.children), ...extra });

function blockToDocx(node: Block, ctx: Ctx): (Paragraph | Table)[] {
  switch (node.type) {
    case 'heading':
      return [new Paragraph({ heading: HEADING[node.level], children: inlinesToRuns(node.children) })];
    case 'paragraph':
      return [paragraphToDocx(node)];
    case 'list': {
      const instance = ctx.lists++;
      const reference = node.ordered ? 'alses-ordered' : 'alses-bullet';
      // Items sit close together; the list as a whole is followed by the usual paragraph spacing.
      return node.items.map(
        (item, i) =>
          new Paragraph({
            numbering: { reference, level: 0, instance },
            widowControl: true,
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
