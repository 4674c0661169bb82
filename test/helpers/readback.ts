/**
 * Reading rendered documents back, for tests: the text of PDF pages, PDF properties, the tables of
 * a DOCX or an HTML page. Shared by every test of the project; each function is small and does
 * one thing.
 *
 * Tools: pdfjs-dist (legacy build, for Node), jszip to open DOCX packages, htmlparser2 to parse
 * XML and HTML (never regular expressions).
 */
import { inflateSync } from 'node:zlib';
import { DomUtils, parseDocument } from 'htmlparser2';
import JSZip from 'jszip';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';

type Element = ReturnType<typeof DomUtils.getElementsByTagName>[number];
type AnyNode = Element['children'][number];

// ---------------------------------------------------------------- PDF

async function openPdf(bytes: Uint8Array) {
  // pdfjs takes ownership of (detaches) the buffer it is given: give it a copy.
  return getDocument({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false }).promise;
}

/** A piece of text as drawn on a PDF page: its string, size and baseline (points, y upwards). */
export interface PdfTextItem {
  readonly page: number;
  readonly str: string;
  /** Font size in points (the text matrix's vertical scale). */
  readonly size: number;
  readonly x: number;
  /** Baseline, y growing upwards. */
  readonly y: number;
  /** Advance width of the piece, in points. */
  readonly width: number;
}

/** Every non-empty piece of text of a PDF, page by page, in content order. */
export async function pdfTextItems(bytes: Uint8Array): Promise<PdfTextItem[]> {
  const pdf = await openPdf(bytes);
  try {
    const out: PdfTextItem[] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      const content = await (await pdf.getPage(p)).getTextContent({ disableNormalization: true });
      for (const i of content.items) {
        if (!('str' in i) || i.str === '') continue;
        out.push({ page: p, str: i.str, size: Math.abs(i.transform[3] ?? 0), x: i.transform[4] ?? 0, y: i.transform[5] ?? 0, width: i.width });
      }
    }
    return out;
  } finally {
    await pdf.destroy();
  }
}

/**
 * Text of each page of a PDF, top to bottom: one line of text per line of the page, pieces on a
 * line joined left to right with one space where they stand apart (so a table row reads as
 * `Commune 1 Collège Jean Moulin 1 AAE 0,5`). Runs of spaces are collapsed and lines trimmed.
 * Text is not Unicode-normalised, but pdf.js reads every space character as U+0020: U+00A0 and
 * U+202F (French thousands separator) come back as plain spaces, although the PDF holds them.
 */
export async function pdfText(bytes: Uint8Array): Promise<string[]> {
  const pdf = await openPdf(bytes);
  try {
    const pages: string[] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      const page = await pdf.getPage(p);
      const content = await page.getTextContent({ disableNormalization: true });
      const items = content.items.filter((i): i is TextItem => 'str' in i && i.str !== '');
      // Group by baseline (y grows upwards in PDF space), allowing for small shifts; a smaller
      // item raised less than half its line's size above it (a superscript: the "er" of "1er")
      // belongs to that line.
      const lines: { y: number; size: number; items: TextItem[] }[] = [];
      const sizeOf = (item: TextItem): number => Math.abs(item.transform[3] ?? 10) || 10;
      for (const item of [...items].sort((a, b) => sizeOf(b) - sizeOf(a))) {
        const y = item.transform[5] ?? 0;
        const size = sizeOf(item);
        const line = lines.find((l) => Math.abs(l.y - y) < 2 || (size < l.size * 0.8 && y > l.y && y - l.y < l.size * 0.5));
        if (line) line.items.push(item);
        else lines.push({ y, size, items: [item] });
      }
      lines.sort((a, b) => b.y - a.y);
      pages.push(lines.map((l) => joinLine(l.items)).join('\n'));
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

/** The raster images drawn on each page of a PDF (`paintImageXObject` operators, JPEG ones too): their size in pixels, in drawing order. */
export async function pdfPageImages(bytes: Uint8Array): Promise<{ width: number; height: number }[][]> {
  const pdf = await openPdf(bytes);
  try {
    const pages: { width: number; height: number }[][] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      const ops = await (await pdf.getPage(p)).getOperatorList();
      pages.push(ops.fnArray.flatMap((fn, i) => (fn === OPS.paintImageXObject ? [{ width: Number(ops.argsArray[i][1]), height: Number(ops.argsArray[i][2]) }] : [])));
    }
    return pages;
  } finally {
    await pdf.destroy();
  }
}

/** Number of raster images (`paintImageXObject` operators) drawn on each page of a PDF. */
export async function pdfImageCounts(bytes: Uint8Array): Promise<number[]> {
  return (await pdfPageImages(bytes)).map((images) => images.length);
}

function joinLine(items: TextItem[]): string {
  items.sort((a, b) => (a.transform[4] ?? 0) - (b.transform[4] ?? 0));
  let text = '';
  let end = -Infinity;
  for (const item of items) {
    const x = item.transform[4] ?? 0;
    const size = Math.abs(item.transform[0] ?? 10) || 10;
    if (text !== '' && x - end > size * 0.15) text += ' ';
    text += item.str;
    end = x + item.width;
  }
  return text.replace(/ {2,}/g, ' ').trim();
}

/** Properties of a PDF: document information, catalog language, page count. */
export interface PdfInfo {
  readonly title: string;
  readonly author: string;
  readonly subject: string;
  readonly creator: string;
  readonly producer: string;
  /** `/Lang` of the catalog, e.g. "fr-FR" (empty when absent). */
  readonly lang: string;
  /** Raw PDF date strings, e.g. "D:20190630220000Z" (empty when absent). */
  readonly creationDate: string;
  readonly modDate: string;
  readonly pages: number;
  /** Page size in points, of the first page: [width, height]. */
  readonly pageSize: readonly [number, number];
  /** `/DisplayDocTitle` of the viewer preferences: the window shows the title, not the file name. */
  readonly displayDocTitle: boolean;
  /** `/Marked` of the catalog's `/MarkInfo`: the PDF says it is tagged. */
  readonly marked: boolean;
  /**
   * The XMP metadata packet as pdf.js parses it (`dc:title`, `dc:creator`, `pdfaid:part`…), or
   * `undefined` when there is none or it is not well-formed XML.
   */
  readonly xmp: Readonly<Record<string, string>> | undefined;
}

/** Reads the properties of a PDF. */
export async function pdfInfo(bytes: Uint8Array): Promise<PdfInfo> {
  const pdf = await openPdf(bytes);
  try {
    const { info: rawInfo, metadata } = await pdf.getMetadata();
    const info = rawInfo as Record<string, unknown>;
    const preferences = (await pdf.getViewerPreferences()) as Record<string, unknown> | null;
    const str = (key: string) => (typeof info[key] === 'string' ? (info[key] as string) : '');
    const first = await pdf.getPage(1);
    const [x0 = 0, y0 = 0, x1 = 0, y1 = 0] = first.view;
    return {
      title: str('Title'),
      author: str('Author'),
      subject: str('Subject'),
      creator: str('Creator'),
      producer: str('Producer'),
      lang: str('Language'),
      creationDate: str('CreationDate'),
      modDate: str('ModDate'),
      pages: pdf.numPages,
      pageSize: [Math.round((x1 - x0) * 100) / 100, Math.round((y1 - y0) * 100) / 100],
      displayDocTitle: preferences?.DisplayDocTitle === true,
      marked: (await pdf.getMarkInfo())?.Marked === true,
      // pdf.js drops a packet it cannot parse (metadata is then null).
      xmp: metadata ? Object.fromEntries([...(metadata as unknown as Iterable<[string, unknown]>)].map(([k, v]) => [k, String(v)])) : undefined,
    };
  } finally {
    await pdf.destroy();
  }
}

/** A font embedded in a PDF and the characters drawn with it. */
export interface PdfFont {
  /** PostScript name without the subset tag, e.g. `SourceSans3-Bold`. */
  readonly name: string;
  /** `true` when the font file is embedded (`FontFile`, `FontFile2` or `FontFile3`). */
  readonly embedded: boolean;
  /**
   * Every character its `ToUnicode` map lists, i.e. drawn with it somewhere; in code point order.
   * A character the font lacks is drawn with glyph 0 (`.notdef`), which pdfkit maps to U+0000
   * (so `pdfText` reads it back as `\0`): it is not listed here.
   */
  readonly characters: readonly string[];
}

/**
 * The fonts of a PDF and the characters each draws, read from their `ToUnicode` maps (the map a
 * viewer uses to copy text: it lists every glyph of the subset and the text it stands for).
 */
export function pdfFonts(bytes: Uint8Array): PdfFont[] {
  const objects = pdfObjects(bytes);
  const ref = (dict: string, key: string) => objects.get(new RegExp(`/${key} (\\d+) 0 R`).exec(dict)?.[1] ?? '');
  const fonts: PdfFont[] = [];
  for (const { dict } of objects.values()) {
    if (!/\/Type \/Font\b/.test(dict) || /\/Subtype \/CIDFontType/.test(dict)) continue;
    const name = (/\/BaseFont \/(?:[A-Z]{6}\+)?([^\s/]+)/.exec(dict)?.[1] ?? '').replace(/#20/g, ' ');
    const descendant = objects.get(/\/DescendantFonts \[(\d+) 0 R\]/.exec(dict)?.[1] ?? '');
    const descriptor = ref(descendant?.dict ?? dict, 'FontDescriptor');
    const embedded = /\/FontFile[23]? \d+ 0 R/.test(descriptor?.dict ?? '');
    const map = toUnicode(ref(dict, 'ToUnicode')?.stream?.toString('latin1') ?? '');
    const characters = [...new Set([...map.values()].flatMap((s) => [...s]))].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
    fonts.push({ name, embedded, characters: characters.filter((c) => c !== '\0') });
  }
  return fonts;
}

/**
 * The objects of a PDF as pdfkit writes them (PDF 1.4: no object streams, no cross-reference
 * stream): object number → dictionary source (latin1) and stream bytes (inflated).
 */
function pdfObjects(bytes: Uint8Array): Map<string, { dict: string; stream?: Buffer }> {
  const pdf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const objects = new Map<string, { dict: string; stream?: Buffer }>();
  for (const m of pdf.toString('latin1').matchAll(/(?:^|\n)(\d+) 0 obj\n(<<[\s\S]*?>>)\n(stream\n|endobj)/g)) {
    const dict = m[2] ?? '';
    let stream: Buffer | undefined;
    if (m[3] === 'stream\n') {
      const start = (m.index ?? 0) + m[0].length;
      const raw = pdf.subarray(start, start + Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0));
      stream = dict.includes('/FlateDecode') ? inflateSync(raw) : raw;
    }
    objects.set(m[1] ?? '', { dict, ...(stream ? { stream } : {}) });
  }
  return objects;
}

/** The text of a PDF literal string source `(…)`: escapes resolved, UTF-16BE when it starts with a BOM. */
function pdfString(source: string): string {
  let raw = '';
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
  for (let i = 1; i < source.length - 1; i++) {
    const c = source[i] ?? '';
    if (c !== '\\') {
      raw += c;
      continue;
    }
    const next = source[++i] ?? '';
    const octal = /^[0-7]{1,3}/.exec(source.slice(i, i + 3))?.[0];
    if (octal) {
      raw += String.fromCharCode(parseInt(octal, 8));
      i += octal.length - 1;
    } else raw += escapes[next] ?? next;
  }
  if (!raw.startsWith('\xfe\xff')) return raw;
  let text = '';
  for (let i = 2; i + 1 < raw.length; i += 2) text += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
  return text;
}

/** A `ToUnicode` CMap → character code → text (bfchar and both bfrange forms). */
function toUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const utf16 = (hex: string) => String.fromCharCode(...(hex.match(/.{4}/g) ?? []).map((h) => parseInt(h, 16)));
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]*)>/g)) map.set(parseInt(m[1] ?? '', 16), utf16(m[2] ?? ''));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const m of (block[1] ?? '').matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]*>)/g)) {
      const lo = parseInt(m[1] ?? '', 16);
      const hi = parseInt(m[2] ?? '', 16);
      const target = m[3] ?? '';
      if (target.startsWith('[')) {
        [...target.matchAll(/<([0-9a-fA-F]*)>/g)].forEach((t, i) => map.set(lo + i, utf16(t[1] ?? '')));
      } else {
        const first = utf16(target.slice(1, -1));
        for (let code = lo; code <= hi; code++) map.set(code, first.slice(0, -1) + String.fromCharCode(first.charCodeAt(first.length - 1) + code - lo));
      }
    }
  }
  return map;
}

/** A bookmark of a PDF and the bookmarks under it. */
export interface PdfBookmark {
  readonly title: string;
  /** `true` when shown open (its children visible), per its `/Count`. */
  readonly open: boolean;
  /** 1-based number of the page it leads to. */
  readonly page: number;
  /** Where on that page (`/XYZ left top` destination, PDF points from the bottom left), when given. */
  readonly left?: number;
  readonly top?: number;
  readonly items: readonly PdfBookmark[];
}

/** The bookmarks (outline) of a PDF, as a tree in document order; empty when it has none. */
export async function pdfOutline(bytes: Uint8Array): Promise<PdfBookmark[]> {
  const pdf = await openPdf(bytes);
  try {
    type Node = { title: string; count: number | undefined; dest: string | unknown[] | null; items: Node[] };
    const convert = async (nodes: readonly Node[]): Promise<PdfBookmark[]> => {
      const out: PdfBookmark[] = [];
      for (const n of nodes) {
        const dest = typeof n.dest === 'string' ? await pdf.getDestination(n.dest) : n.dest;
        const target = dest?.[0] as { num: number; gen: number } | undefined;
        const page = target ? (await pdf.getPageIndex(target)) + 1 : 0;
        const [left, top] = (dest?.[1] as { name?: string } | undefined)?.name === 'XYZ' ? [dest?.[2], dest?.[3]] : [];
        out.push({
          title: n.title,
          open: (n.count ?? 0) > 0,
          page,
          ...(typeof left === 'number' ? { left } : {}),
          ...(typeof top === 'number' ? { top } : {}),
          items: await convert(n.items),
        });
      }
      return out;
    };
    return await convert(((await pdf.getOutline()) ?? []) as Node[]); // awaited before `finally` destroys the document
  } finally {
    await pdf.destroy();
  }
}

/** An element of a tagged PDF's structure tree, with the text of its own marked content. */
export interface PdfStructElement {
  /** Structure type: `Document`, `H1`, `P`, `Table`, `TH`, `TD`, `Figure`… */
  readonly role: string;
  /** Text alternative (`/Alt`), when given. */
  readonly alt?: string;
  /** Text of the content marked for this element, on all pages, pieces joined with a space. */
  readonly text: string;
  readonly children: readonly PdfStructElement[];
}

/** A tagged PDF's logical structure, and where its text is drawn outside of it. */
export interface PdfStructure {
  /** The root's children (usually one `Document` element); empty for an untagged PDF. */
  readonly elements: readonly PdfStructElement[];
  /** Text of each page drawn as artifact (page furniture), one string per artifact. */
  readonly artifacts: readonly (readonly string[])[];
  /** Text drawn in no marked content at all (neither structure nor artifact). */
  readonly unmarked: readonly string[];
}

/**
 * Reads the structure tree of a tagged PDF with the text of each element, as assistive technology
 * sees it: the tree from the PDF's objects (as pdfkit writes them), the text of each
 * marked-content sequence from pdf.js.
 */
export async function pdfStructure(bytes: Uint8Array): Promise<PdfStructure> {
  const { text, artifacts, unmarked } = await markedText(bytes);
  const objects = pdfObjects(bytes);
  const rootRef = /\/StructTreeRoot (\d+) 0 R/.exec([...objects.values()].find((o) => /\/Type \/Catalog\b/.test(o.dict))?.dict ?? '')?.[1];
  const kids = (dict: string) => /\/K \[([^\]]*)\]/.exec(dict)?.[1] ?? '';
  const element = (num: string): PdfStructElement => {
    const dict = objects.get(num)?.dict ?? '';
    const page = /\/Pg (\d+) 0 R/.exec(dict)?.[1];
    const parts: string[] = [];
    const children: PdfStructElement[] = [];
    // K: kid elements (n 0 R), marked-content ids on page Pg (integers), or MCR dictionaries.
    for (const k of kids(dict).matchAll(/<<([\s\S]*?)>>|(\d+) 0 R|(\d+)/g)) {
      if (k[1] !== undefined) parts.push(...(text.get(`p${/\/Pg (\d+) 0 R/.exec(k[1])?.[1]}R_mc${/\/MCID (\d+)/.exec(k[1])?.[1]}`) ?? []));
      else if (k[2] !== undefined) children.push(element(k[2]));
      else parts.push(...(text.get(`p${page}R_mc${k[3]}`) ?? []));
    }
    const alt = /\/Alt (\((?:\\[\s\S]|[^\\)])*\))/.exec(dict)?.[1];
    return {
      role: /\/S \/(\w+)/.exec(dict)?.[1] ?? '',
      ...(alt ? { alt: pdfString(alt) } : {}),
      text: parts.filter((t) => t !== '').join(' '),
      children,
    };
  };
  const elements = rootRef ? [...kids(objects.get(rootRef)?.dict ?? '').matchAll(/(\d+) 0 R/g)].map((m) => element(m[1] ?? '')) : [];
  return { elements, artifacts, unmarked };
}

/** The text of each marked-content sequence (by pdf.js id, `p<page object>R_mc<MCID>`), of artifacts, and of unmarked content. */
async function markedText(bytes: Uint8Array) {
  const pdf = await openPdf(bytes);
  try {
    const text = new Map<string, string[]>();
    const artifacts: string[][] = [];
    const unmarked: string[] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      const page = await pdf.getPage(p);
      const pageArtifacts: string[] = [];
      const stack: { tag: string; id: string | null; parts: string[] }[] = [];
      const content = await page.getTextContent({ includeMarkedContent: true, disableNormalization: true });
      for (const item of content.items as ({ type?: string; tag?: string; id?: string | null } & Partial<TextItem>)[]) {
        if (item.type === 'beginMarkedContent' || item.type === 'beginMarkedContentProps') {
          stack.push({ tag: item.tag ?? '', id: item.id ?? null, parts: [] });
        } else if (item.type === 'endMarkedContent') {
          const done = stack.pop();
          const joined = done?.parts.join('').replace(/\s+/g, ' ').trim() ?? '';
          if (done?.tag === 'Artifact') {
            if (joined !== '') pageArtifacts.push(joined);
          } else if (done?.id) text.set(done.id, [...(text.get(done.id) ?? []), joined]);
        } else if (typeof item.str === 'string') {
          const open = [...stack].reverse().find((m) => m.tag === 'Artifact' || m.id);
          if (open) open.parts.push(item.str, item.hasEOL ? ' ' : '');
          else if (item.str.trim() !== '') unmarked.push(item.str);
        }
      }
      artifacts.push(pageArtifacts);
    }
    return { text, artifacts, unmarked };
  } finally {
    await pdf.destroy();
  }
}

// ---------------------------------------------------------------- DOCX

/**
 * The XML text of a part of a DOCX package, e.g. `word/document.xml`, `docProps/core.xml`.
 * @throws Error when the package has no such part.
 */
export async function docxXml(bytes: Uint8Array, part: string): Promise<string> {
  const zip = await JSZip.loadAsync(bytes);
  const file = zip.file(part);
  if (!file) throw new Error(`No part ${part} in the DOCX package`);
  return file.async('string');
}

/** Parses XML (tag names keep their prefix, e.g. `w:tbl`; entities are decoded). */
export const parseXml = (xml: string) => parseDocument(xml, { xmlMode: true });

/**
 * Tables of a DOCX body, in document order (nested tables listed after their parent) → rows →
 * text of each cell as Word shows it: paragraphs joined with `\n`, `w:br` as `\n`, `w:tab` as
 * `\t`. A cell spanning columns appears once.
 */
export async function docxTables(bytes: Uint8Array): Promise<string[][][]> {
  const dom = parseXml(await docxXml(bytes, 'word/document.xml'));
  return DomUtils.getElementsByTagName('w:tbl', dom.children, true).map((tbl) =>
    childElements(tbl, 'w:tr').map((tr) => childElements(tr, 'w:tc').map(wordText)),
  );
}

/**
 * Plain text of a WordprocessingML paragraph (`w:p`), or of a container of paragraphs (`w:tc`,
 * `w:body`…, its own paragraphs joined with `\n`, nested tables left out): `w:t` text, `w:br` →
 * `\n`, `w:tab` → `\t`.
 */
export function wordText(element: Element): string {
  if (element.name !== 'w:p') return childElements(element, 'w:p').map(wordText).join('\n');
  const runText = (nodes: readonly AnyNode[]): string =>
    nodes
      .map((n) => {
        if (!DomUtils.isTag(n)) return '';
        if (n.name === 'w:t') return DomUtils.textContent(n);
        if (n.name === 'w:br' || n.name === 'w:cr') return '\n';
        if (n.name === 'w:tab') return '\t';
        return runText(n.children);
      })
      .join('');
  return runText(element.children);
}

const childElements = (parent: Element, name: string): Element[] =>
  parent.children.filter((c): c is Element => DomUtils.isTag(c) && c.name === name);

// ---------------------------------------------------------------- HTML

/**
 * Tables of an HTML page, in document order → rows (of `thead`, `tbody`, `tfoot` in source order,
 * as written) → text of each `th`/`td` with entities decoded and `<br>` as `\n`. Nested tables are
 * listed on their own, not in their parent's cells.
 */
export function htmlTables(html: string): string[][][] {
  const dom = parseDocument(html);
  return DomUtils.getElementsByTagName('table', dom.children, true).map((table) => {
    const rows = table.children
      .filter((c): c is Element => DomUtils.isTag(c))
      .flatMap((c) => (c.name === 'tr' ? [c] : ['thead', 'tbody', 'tfoot'].includes(c.name) ? childElements(c, 'tr') : []));
    return rows.map((tr) => tr.children.filter((c): c is Element => DomUtils.isTag(c) && (c.name === 'th' || c.name === 'td')).map(htmlText));
  });
}

function htmlText(element: Element): string {
  return element.children
    .map((n): string => {
      if (DomUtils.isText(n)) return n.data;
      if (!DomUtils.isTag(n) || n.name === 'table') return '';
      if (n.name === 'br') return '\n';
      return htmlText(n);
    })
    .join('');
}
