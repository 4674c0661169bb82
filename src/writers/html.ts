/**
 * HTML writer: Document AST → one standalone HTML5 page (preview of the PDF/DOCX content).
 *
 * The page needs nothing else, and is set as the PDF is: the CSS is embedded, with the PDF's
 * type sizes and line height, and its page geometry (`html-page.ts`: a sheet on screen; printed,
 * A4 in the document's orientation, the PDF's margins, running header, footer and "Page X / Y" on
 * every page; header rows repeated when a table spans pages); the fonts are embedded
 * (`html-fonts.ts`: Source Sans 3 subsets as data URLs, added by `serialise`); images are inline
 * (SVG markup, PNG as data URLs). Every
 * text and attribute value is escaped; SVG markup is inserted as is, but only when it holds no
 * script, event handler, `javascript:` link or foreign object.
 */
import type { Diagnostic } from '../diagnostics.ts';
import { measureText } from '../fonts.ts';
import { escapeXml } from '../xml.ts';
import { embedFonts } from './html-fonts.ts';
import { pageCss } from './html-page.ts';
import { hyphenatedText } from './html-hyphenation.ts';
import { ROWS_TOGETHER } from './pdf/keep-together.ts';
import type { Built, Writer } from './index.ts';
import { inlineText } from '../document/builders.ts';
import { textWithOrdinals } from '../document/ordinals.ts';
import { assertNever, type Align, type Block, type DocumentNode, type ImageNode, type Inline, type TableNode, type TableRow } from '../document/nodes.ts';
import {
  badImage,
  BORDER_WIDTH,
  CELL_PADDING,
  cellAlign,
  cellStarts,
  checkTable,
  FONT_SIZE,
  HEADER_FILL,
  nodeWarning,
  openingBlocks,
  LINE_HEIGHT,
  PRODUCER,
  publicationBlocks,
  rasterBytes,
  runningHeaderLines,
  signatureBlocks,
  svgMarkup,
  textWidth,
  type CheckedTable,
} from './shared.ts';

/** An HTML page and what could not be shown as asked. */
export interface HtmlResult {
  /** The complete page, UTF-8 text starting with `<!DOCTYPE html>`. */
  readonly html: string;
  /** Problems met (malformed table, unsafe or unreadable image…); the page is still complete. */
  readonly warnings: Diagnostic[];
}

/**
 * The HTML page of `doc` (see `htmlDocument` for the warnings), without the embedded fonts the
 * writer adds when serialising. No I/O but reading the font's metrics once per process; never
 * throws on content.
 */
export function toHtml(doc: DocumentNode): string {
  return htmlDocument(doc).html;
}

/**
 * The HTML writer: `build` as `htmlDocument`; `serialise`: the page with its fonts embedded
 * (`embedFonts`) as UTF-8 bytes.
 */
export const htmlWriter: Writer<string> = {
  build(doc: DocumentNode): Built<string> {
    const { html, warnings } = htmlDocument(doc);
    return { value: html, warnings };
  },
  serialise: async (html: string): Promise<Uint8Array> => new TextEncoder().encode(await embedFonts(html)),
};

/** The HTML page of `doc` and the warnings met while writing it (no I/O but the font's metrics). */
export function htmlDocument(doc: DocumentNode): HtmlResult {
  const { meta } = doc;
  const warnings: Diagnostic[] = [];
  const body = contentToHtml(doc, warnings);
  const lang = meta.language.split('-')[0] || 'fr';
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(meta.title)}</title>`,
    meta.author ? `<meta name="author" content="${escapeHtml(meta.author)}">` : '',
    meta.subject ? `<meta name="description" content="${escapeHtml(meta.subject)}">` : '',
    `<meta name="generator" content="${PRODUCER}">`,
    `<meta name="dcterms.date" content="${escapeHtml(meta.date)}">`,
    `<style>\n${css(doc)}</style>`,
  ].filter((line) => line !== '');
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head>',
    ...head,
    '</head>',
    `<body class="${meta.orientation}">`,
    runningHeaderLines(meta).length ? `<header class="running">${runningHeaderLines(meta).map((line) => inlinesToHtml(textWithOrdinals(line))).join('<br>')}</header>` : '',
    '<main>',
    body,
    '</main>',
    meta.footer ? `<footer class="running">${escapeHtml(meta.footer)}</footer>` : '',
    '</body>',
    '</html>',
    '',
  ]
    .filter((line, i, all) => line !== '' || i === all.length - 1)
    .join('\n');
  return { html, warnings };
}

// ---------------------------------------------------------------- escaping

/** Escapes text for HTML content and double- or single-quoted attribute values (`'` as `&#39;`). */
export const escapeHtml = (value: string): string => escapeXml(value, '&#39;');

// ---------------------------------------------------------------- blocks

/**
 * The document's content: the letterhead and reference (`div.letterhead`) before the template's
 * blocks; after them, the signature block (`div.signature`) in one `div.keep` with the last
 * paragraph, which printing does not break, then the publication mention (`div.publication`).
 */
function contentToHtml(doc: DocumentNode, warnings: Diagnostic[]): string {
  const width = textWidth(doc.meta.orientation);
  const blocks = (list: readonly Block[]): string[] => list.map((block) => blockToHtml(block, width, warnings));
  const opening = openingBlocks(doc.meta);
  const signature = signatureBlocks(doc.meta);
  const last = doc.children.at(-1);
  const keepLast = signature.length > 0 && last?.type === 'paragraph';
  const out = opening.length ? [`<div class="letterhead">`, ...blocks(opening), '</div>'] : [];
  out.push(...blocks(keepLast ? doc.children.slice(0, -1) : doc.children));
  if (signature.length) {
    const block = ['<div class="signature">', ...blocks(signature), '</div>'];
    out.push(...(keepLast ? ['<div class="keep">', ...blocks([last]), ...block, '</div>'] : block));
  }
  const publication = publicationBlocks(doc.meta);
  if (publication.length) out.push('<div class="publication">', ...blocks(publication), '</div>');
  return out.join('\n');
}

/**
 * One block; `width`: the text width, in points. Justified text carries soft hyphens at the
 * hyphenation points the PDF writer may break at (`html-hyphenation.ts`).
 */
function blockToHtml(node: Block, width: number, warnings: Diagnostic[]): string {
  switch (node.type) {
    case 'heading':
      return `<h${node.level}>${inlinesToHtml(node.children)}</h${node.level}>`;
    case 'paragraph': {
      const align = node.align ?? 'justify';
      return `<p class="${align}">${inlinesToHtml(node.children, align === 'justify' ? { width, fontSize: FONT_SIZE.body } : undefined)}</p>`;
    }
    case 'list': {
      const tag = node.ordered ? 'ol' : 'ul';
      return `<${tag}>\n${node.items.map((item) => `<li>${inlinesToHtml(item.children)}</li>`).join('\n')}\n</${tag}>`;
    }
    case 'table':
      return tableToHtml(node, width, warnings);
    case 'pageBreak':
      return '<hr class="page-break">';
    case 'image':
      return imageToHtml(node, warnings);
    default:
      return assertNever(node);
  }
}

/** Where and how justified text is set, for its hyphenation: text width and type size, in points. */
interface Justified {
  readonly width: number;
  readonly fontSize: number;
  readonly bold?: boolean;
}

/** Inline nodes → markup; `justified`: the text is justified, and hyphenated as the PDF's. */
function inlinesToHtml(inlines: readonly Inline[], justified?: Justified): string {
  return inlines
    .map((node) => {
      switch (node.type) {
        case 'text':
          return escapeHtml(justified ? hyphenatedText(node.value, justified.width, justified.fontSize, justified.bold) : node.value);
        case 'strong':
          return `<strong>${inlinesToHtml(node.children, justified && { ...justified, bold: true })}</strong>`;
        case 'emphasis':
          return `<em>${inlinesToHtml(node.children, justified)}</em>`;
        case 'superscript':
          return `<sup>${inlinesToHtml(node.children, justified)}</sup>`;
        case 'lineBreak':
          return '<br>';
        default:
          return assertNever(node);
      }
    })
    .join('');
}

// ---------------------------------------------------------------- tables

/**
 * A table; `width`: the text width, in points. As in the PDF (`pdf/keep-together.ts`), printing
 * keeps the caption and header rows with the first `ROWS_TOGETHER` body rows, and the last
 * `ROWS_TOGETHER` body rows with the footer rows (`break-after` / `break-before: avoid`).
 */
function tableToHtml(node: TableNode, width: number, warnings: Diagnostic[]): string {
  const label = node.caption ? inlineText(node.caption) : 'sans titre';
  const checked = checkTable(node, label);
  warnings.push(...checked.warnings);
  const caption = node.caption ? `<p class="caption">${inlinesToHtml(node.caption)}</p>` : '';
  const { table } = checked;
  if (!table) return caption;
  const lines = ['<table>'];
  if (node.caption) lines.push(`<caption>${inlinesToHtml(node.caption)}</caption>`);
  lines.push('<colgroup>', ...table.columns.map((c) => `<col style="width: ${round(c.width)}%">`), '</colgroup>');
  const body = table.body.length;
  const keep = (i: number): string =>
    [i < ROWS_TOGETHER - 1 && i < body - 1 ? 'keep-next' : '', i > 0 && i >= body - (ROWS_TOGETHER - 1) ? 'keep-previous' : ''].filter((c) => c !== '').join(' ');
  const section = (tag: string, rows: readonly TableRow[], cellTag: 'th' | 'td', keepRow: (i: number) => string) => {
    if (rows.length === 0) return;
    lines.push(`<${tag}>`, ...rows.map((row, i) => rowToHtml(row, table, cellTag, width, keepRow(i))), `</${tag}>`);
  };
  section('thead', table.header, 'th', () => 'keep-next');
  // Chromium does not avoid a break after the header rows, but does before the first body row.
  section('tbody', table.body, 'td', (i) => (i === 0 && table.header.length > 0 ? `${keep(i)} keep-previous`.trim() : keep(i)));
  section('tfoot', table.footer, 'td', () => 'keep-previous');
  lines.push('</table>');
  return lines.join('\n');
}

/** A row; `width`: the table's width, in points; `keep`: its keep classes (`tableToHtml`), if any. */
function rowToHtml(row: TableRow, table: CheckedTable, tag: 'th' | 'td', width: number, keep: string): string {
  const starts = cellStarts(row);
  const cells = row.cells.map((cell, i) => {
    const start = starts[i] ?? 0;
    const align: Align = cellAlign(cell, table.columns, start);
    const attrs = [tag === 'th' ? ' scope="col"' : '', cell.colspan > 1 ? ` colspan="${cell.colspan}"` : '', align === 'left' ? '' : ` class="${align}"`].join('');
    // The width the PDF's cell text has (`pdf/table.ts`), for the words kept whole.
    const cellWidth = Math.max(1, ((table.columns[start]?.width ?? 0) / 100) * (width - BORDER_WIDTH) - 2 * CELL_PADDING.x - BORDER_WIDTH);
    const justified = align === 'justify' ? { width: cellWidth, fontSize: FONT_SIZE.table, bold: tag === 'th' || table.footer.includes(row) } : undefined;
    return `<${tag}${attrs}>${inlinesToHtml(cell.children, justified)}</${tag}>`;
  });
  return `<tr${keep ? ` class="${keep}"` : ''}>${cells.join('')}</tr>`;
}

const round = (x: number): string => String(Math.round(x * 100) / 100);

// ---------------------------------------------------------------- images

/** Markup an SVG may not carry into the page: scripts, event handlers, `javascript:` links, foreign objects. */
const UNSAFE_SVG = /<script\b|\son[a-z]+\s*=|javascript:|<foreignObject\b|<iframe\b/i;

function imageToHtml(node: ImageNode, warnings: Diagnostic[]): string {
  const box = `width: ${round(node.width)}pt`;
  if (node.format !== 'svg') {
    const bytes = rasterBytes(node);
    if (bytes) {
      const px = (pt: number) => Math.round((pt * 4) / 3);
      const src = `data:image/${node.format};base64,${Buffer.from(bytes).toString('base64')}`;
      return `<p class="image"><img src="${src}" alt="${escapeHtml(node.alt)}" width="${px(node.width)}" height="${px(node.height)}" style="${box}"></p>`;
    }
  } else {
    const svg = svgMarkup(node);
    if (svg && UNSAFE_SVG.test(svg)) {
      warnings.push(
        nodeWarning(node, 'html/unsafe-svg', `Image SVG « ${node.alt} » : contient un script, un gestionnaire d'événement ou un objet étranger ; texte de remplacement affiché à la place`),
      );
      return `<p class="image-alt">[${escapeHtml(node.alt)}]</p>`;
    }
    if (svg) {
      // The root element gets the accessible name; a role or label it had is replaced.
      const start = svg.indexOf('<svg');
      const root = svg.slice(start).replace(/^<svg\b([^>]*)>/, (_whole, attrs: string) => {
        const kept = attrs.replace(/\s(?:role|aria-label)\s*=\s*("[^"]*"|'[^']*')/g, '');
        return `<svg role="img" aria-label="${escapeHtml(node.alt)}"${kept}>`;
      });
      return `<div class="image" style="${box}">${root}</div>`;
    }
  }
  warnings.push(badImage(node));
  return `<p class="image-alt">[${escapeHtml(node.alt)}]</p>`;
}

// ---------------------------------------------------------------- style

/** Thickness of table borders on the page, in points: one CSS pixel. */
const CELL_BORDER = 0.75;

/**
 * The embedded style sheet: screen and print, sizes from `shared.ts` (points); the page geometry,
 * running header and footer from `html-page.ts`.
 */
function css(doc: DocumentNode): string {
  // A browser draws no line thinner than a device pixel: cell borders are one CSS pixel, and
  // the paddings are thinner by as much, so that rows are as tall and text as wide as the PDF's.
  const thicker = CELL_BORDER - BORDER_WIDTH;
  return `html { color: #000; background: #fff; }
body {
  font-family: "Source Sans 3", "Source Sans Pro", Arial, sans-serif;
  font-size: ${FONT_SIZE.body}pt; line-height: ${LINE_HEIGHT};
}
h1 { font-size: ${FONT_SIZE.heading1}pt; text-align: center; margin: 0 0 14pt; }
/* Space above a block is padding, which a page break keeps, as the PDF does (margins it drops). */
h2 { font-size: ${FONT_SIZE.heading2}pt; margin: 0 0 6pt; padding-top: 10pt; }
h3 { font-size: ${FONT_SIZE.heading3}pt; margin: 0 0 4pt; padding-top: 8pt; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 6pt; }
ul, ol { margin: 0 0 6pt; padding-left: ${round(measureText('9. ', FONT_SIZE.body))}pt; } /* pdfmake’s gap: the width of "9. " */
/* Blocks keep their own margins, as in the PDF: the margins of flex items do not collapse. */
main, .letterhead, .keep, .signature { display: flex; flex-direction: column; }
.left { text-align: left; } .center { text-align: center; } .right { text-align: right; } .justify { text-align: justify; hyphens: manual; }
sup { line-height: 0; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; font-size: ${FONT_SIZE.table}pt; margin: 0 0 8pt; }
caption { caption-side: top; text-align: left; font-weight: bold; font-size: ${FONT_SIZE.table + 1}pt; padding: 6pt 0 4pt; break-after: avoid; page-break-after: avoid; }
th, td { border: ${CELL_BORDER}pt solid #000; padding: ${round(CELL_PADDING.y - thicker / 2)}pt ${round(CELL_PADDING.x - thicker / 2)}pt; vertical-align: top; overflow-wrap: anywhere; }
th { text-align: left; }
th.center, td.center { text-align: center; } th.right, td.right { text-align: right; } th.justify, td.justify { text-align: justify; }
thead th { background: #${HEADER_FILL}; font-weight: bold; }
tfoot td { font-weight: bold; }
thead { display: table-header-group; }
tfoot { display: table-row-group; } /* printed once, after the last body row */
tr { break-inside: avoid; page-break-inside: avoid; }
/* Orphan and widow rows, as in the PDF: see tableToHtml. */
tr.keep-next { break-after: avoid; page-break-after: avoid; }
tr.keep-previous { break-before: avoid; page-break-before: avoid; }
.image, .image-alt { margin: 0 0 8pt; padding-top: 4pt; }
.image svg { width: 100%; height: auto; display: block; }
.image img { display: block; } /* no line box around it: as tall as the image in the PDF */
.image, .image img { max-width: 100%; height: auto; }
.image-alt { font-style: italic; }
.signature { padding-top: 12pt; }
.publication { padding-top: 8pt; }
.keep, .signature { break-inside: avoid; page-break-inside: avoid; }
hr.page-break { border: 0; border-top: 1px dashed #999; margin: 2em 0; }
sup { font-size: 0.58em; line-height: 0; vertical-align: 0.75em; } /* as pdfmake sets a superscript */
@media print {
  hr.page-break { border: 0; margin: 0; break-after: page; page-break-after: always; }
  thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
${pageCss(doc.meta)}`;
}
