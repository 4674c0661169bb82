/**
 * The HTML page is a faithful preview of the PDF (issue 10), checked in Debian's chromium
 * (playwright-core; no browser download) against the PDF written by the same run:
 * - every text of the page is set in the embedded Source Sans 3 (the fonts Chromium really used,
 *   read through the DevTools protocol), nothing in a fallback font;
 * - on screen, at the PDF's text width, every table cell breaks into the same lines as the PDF's
 *   cell (the cells of the PDF read through its structure tree: TH/TD and their marked content);
 * - printed by Chromium: the PDF's page size, the running header, footer and "Page X / Y" on
 *   every page, where the PDF has them; as many pages as the PDF, each with the same lines of text
 *   (paragraphs, cells, chart labels) as the PDF's page, each within 2.5 pt of its place there;
 * - on a 320 px wide screen: no number of a table cut across lines, no horizontal scrolling;
 * - every label of the charts lies inside its chart, shown at the chart's own size.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { create, type Font } from 'fontkit';
import { FONT_FACES, FONT_FAMILY, fontBytes } from '../src/fonts.ts';
import { FONT_SIZE, LINE_HEIGHT, pageLabel, textWidth } from '../src/writers/shared.ts';
import { launchChromium } from './helpers/browser.ts';
import { runCli } from './helpers/cli.ts';

const LISTE = 'annexe-liste-juillet-2019';
const RAPPORT = 'rapport-mensuel-2019-09';
/** CSS pixels per point. */
const PX = 4 / 3;

let out: string;
let browser: Browser;

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'alses-html-preview-'));
  expect((await runCli(['render', '--out', out, '--format', 'pdf,html'])).code).toBe(0);
  expect((await runCli(['monthly', '--month', '2019-09', '--out', out])).code).toBe(0);
  browser = await launchChromium();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await rm(out, { recursive: true, force: true });
});

/** The document's HTML page opened from its file, in a window wider than a page unless told, its fonts loaded. */
async function open(name: string, width = 1000): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height: 1200 }, locale: 'fr-FR' })).newPage();
  await page.goto(pathToFileURL(path.join(out, `${name}.html`)).href);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  return page;
}

const openPdf = async (bytes: Uint8Array): Promise<PDFDocumentProxy> => getDocument({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false }).promise;

/** A cell's text as compared: Unicode-compatible forms (pdf.js splits no ligature then), no white space. */
const squeeze = (text: string): string => text.normalize('NFKC').replace(/\s/g, '');

/** Text pieces of a PDF (pdf.js), with their marked-content id (`p<ref>R_mc<n>`, or none). */
interface Piece {
  readonly page: number;
  readonly str: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly size: number;
  readonly mark: string | null;
}

async function pieces(pdf: PDFDocumentProxy, p: number): Promise<Piece[]> {
  const items = (await (await pdf.getPage(p)).getTextContent({ includeMarkedContent: true })).items;
  const found: Piece[] = [];
  let mark: string | null = null;
  for (const item of items) {
    if ('type' in item) mark = item.type === 'beginMarkedContentProps' || item.type === 'beginMarkedContent' ? (item.id ?? null) : null;
    else if (item.str.trim() !== '') found.push({ page: p, str: item.str, x: item.transform[4], y: item.transform[5], width: item.width, size: Math.abs(item.transform[3]), mark });
  }
  return found;
}

/** Pieces → lines of text: grouped by page and baseline, top to bottom, left to right, squeezed. */
function linesOf(list: readonly Piece[]): string[] {
  const lines = new Map<string, Piece[]>();
  for (const piece of list) {
    const key = `${piece.page}:${Math.round(piece.y * 10)}`;
    lines.set(key, [...(lines.get(key) ?? []), piece]);
  }
  return [...lines.values()]
    .sort((a, b) => a[0]!.page - b[0]!.page || b[0]!.y - a[0]!.y)
    .map((line) => squeeze(line.sort((a, b) => a.x - b.x).map((p) => p.str).join('')))
    .filter((line) => line !== '');
}

/**
 * The lines of every table cell of a tagged PDF, cells in document order (TH and TD of the
 * structure tree; header rows repeated on later pages are artifacts, so not counted again).
 * pdf.js gives each page the tables that have content on it, whole, with the content drawn on
 * that page: a page's first table continues the previous page's last one when its header cells
 * have no content on the page (a table starting on a page draws its header rows there).
 */
async function pdfCellLines(bytes: Uint8Array): Promise<string[][]> {
  type Node = { role?: string; type?: string; id?: string; children?: Node[] };
  const pdf = await openPdf(bytes);
  try {
    const tables: Piece[][][] = [];
    for (let p = 1; p <= pdf.numPages; p++) {
      const marks = new Map<string, Piece[]>();
      for (const piece of await pieces(pdf, p)) if (piece.mark) marks.set(piece.mark, [...(marks.get(piece.mark) ?? []), piece]);
      const content = (n: Node): Piece[] => (n.children ?? []).flatMap((k) => (k.type === 'content' && k.id ? (marks.get(k.id) ?? []) : []));
      const cellsOf = (n: Node): Node[] => (n.role === 'TH' || n.role === 'TD' ? [n] : (n.children ?? []).flatMap(cellsOf));
      const tablesOf = (n: Node): Node[] => (n.role === 'Table' ? [n] : (n.children ?? []).flatMap(tablesOf));
      tablesOf(((await (await pdf.getPage(p)).getStructTree()) ?? {}) as Node).forEach((table, i) => {
        const cells = cellsOf(table);
        const last = tables.at(-1);
        const continued = i === 0 && last !== undefined && last.length === cells.length && cells.every((c) => c.role !== 'TH' || content(c).length === 0);
        if (continued) cells.forEach((c, k) => last[k]!.push(...content(c)));
        else tables.push(cells.map(content));
      });
    }
    return tables.flatMap((cells) => cells.map(linesOf));
  } finally {
    await pdf.destroy();
  }
}

/**
 * The lines of every table cell of the page as Chromium laid them out, cells in document order:
 * each visible character's box (a DOM Range), a new line where a box starts below the line's.
 */
const htmlCellLines = (page: Page): Promise<string[][]> =>
  page.evaluate(() =>
    [...document.querySelectorAll('main table th, main table td')].map((cell) => {
      const lines: string[] = [];
      let top = Number.NEGATIVE_INFINITY;
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        for (let i = 0; i < node.data.length; i++) {
          if (/\s/.test(node.data[i]!)) continue;
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const box = range.getClientRects()[0];
          if (!box) continue;
          if (box.top > top + box.height / 2) {
            lines.push(node.data[i]!);
            top = box.top;
          } else lines.push(`${lines.pop() ?? ''}${node.data[i]!}`);
        }
      }
      return lines;
    }),
  );

it('LINE_HEIGHT, the line height of the page, is the one pdfkit gives each face of Source Sans 3', () => {
  for (const face of FONT_FACES) {
    const font = create(fontBytes()[face]) as Font;
    expect((font.ascent - font.descent + font.lineGap) / font.unitsPerEm, face).toBeCloseTo(LINE_HEIGHT, 6);
  }
});

describe('the HTML page is set in the embedded Source Sans 3', () => {
  it.each([LISTE, RAPPORT, 'note-presentation', 'annexe-deploiement-rentree-2019'])('%s.html: every text, chart labels included, with the embedded font', async (name) => {
    const page = await open(name);
    try {
      // Each face is a data URL in the page itself: nothing is fetched.
      const html = await readFile(path.join(out, `${name}.html`), 'utf8');
      expect([...html.matchAll(/@font-face \{ font-family: "([^"]+)"; font-weight: (\d+); font-style: (\w+);[^}]*src: url\(data:font\/woff2;base64,/g)].map((m) => m.slice(1))).toEqual(
        expect.arrayContaining([
          [FONT_FAMILY, '400', 'normal'],
          [FONT_FAMILY, '700', 'normal'],
        ]),
      );
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('DOM.enable');
      await cdp.send('CSS.enable');
      const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
      const { nodeIds } = await cdp.send('DOM.querySelectorAll', { nodeId: root.nodeId, selector: 'header, h1, h2, h3, p, li, caption, th, td, footer, svg text' });
      const used = new Map<string, number>();
      for (const nodeId of nodeIds) {
        const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
        for (const f of fonts) used.set(`${f.familyName} (${f.isCustomFont ? 'embedded' : 'system'})`, (used.get(`${f.familyName} (${f.isCustomFont ? 'embedded' : 'system'})`) ?? 0) + f.glyphCount);
      }
      expect([...used.keys()]).toEqual([`${FONT_FAMILY} (embedded)`]);
    } finally {
      await page.context().close();
    }
  });
});

describe('on screen, table cells break into the lines of the PDF', () => {
  it.each([LISTE, RAPPORT])('%s: same lines in every cell', async (name) => {
    const pdf = new Uint8Array(await readFile(path.join(out, `${name}.pdf`)));
    const page = await open(name);
    try {
      // The text is as wide as the PDF's.
      const width = await page.evaluate(() => document.querySelector('main')!.getBoundingClientRect().width);
      expect(width / PX).toBeCloseTo(textWidth('portrait'), 1);
      const html = await htmlCellLines(page);
      const expected = await pdfCellLines(pdf);
      expect(html.length).toBe(expected.length);
      expect(html.length).toBeGreaterThan(0);
      // Squeezed, each cell says the same in both: only line breaks can differ.
      expect(html.map((lines) => lines.join(''))).toEqual(expected.map((lines) => lines.join('')).map(squeeze));
      const differing = html.flatMap((lines, i) => (JSON.stringify(lines) === JSON.stringify(expected[i]) ? [] : [{ cell: i, html: lines, pdf: expected[i] }]));
      expect(differing).toEqual([]);
    } finally {
      await page.context().close();
    }
  });

  it('the comparison sees line breaks: some cells of the monthly report take two lines', async () => {
    const lines = await pdfCellLines(new Uint8Array(await readFile(path.join(out, `${RAPPORT}.pdf`))));
    expect(lines.filter((cell) => cell.length > 1).length).toBeGreaterThan(0);
  });
});

describe('on a narrow screen, no number of a table is broken across lines', () => {
  it.each([LISTE, RAPPORT, 'note-presentation', 'annexe-deploiement-rentree-2019'])('%s.html, 320 px wide: each number on one line, no horizontal scrolling', async (name) => {
    const page = await open(name, 320);
    try {
      const texts = await page.evaluate(() => [...document.querySelectorAll('main table th, main table td')].map((cell) => cell.textContent ?? ''));
      const lines = await htmlCellLines(page);
      const broken = texts.flatMap((text, i) => (text.match(/\d[\d.,\u00a0\u202f]*\d/g) ?? []).map(squeeze).filter((n) => !lines[i]!.some((line) => line.includes(n))).map((n) => `${n} in « ${text} »`));
      expect(broken).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    } finally {
      await page.context().close();
    }
  });
});

/** A line of the running header or footer: text squeezed, baseline, left and right edges (points, y upwards). */
interface RunningLine {
  readonly text: string;
  readonly y: number;
  readonly left: number;
  readonly right: number;
}

/** The lines set at the running header and footer's size on a page (superscripts joined), top to bottom. */
async function runningLines(pdf: PDFDocumentProxy, p: number): Promise<RunningLine[]> {
  return lineGroups(await pieces(pdf, p))
    .filter((line) => Math.abs(line.size - FONT_SIZE.running) < 0.1)
    .map((line) => ({ text: linesOf(line.pieces.map((piece) => ({ ...piece, y: line.y }))).join(''), y: line.y, left: Math.min(...line.pieces.map((l) => l.x)), right: Math.max(...line.pieces.map((l) => l.x + l.width)) }));
}

describe('printed by Chromium, the page has the PDF geometry and running header and footer', () => {
  it.each([LISTE, RAPPORT])('%s: page size, header, footer and "Page X / Y" on every page, at the PDF places', async (name) => {
    const reference = await openPdf(new Uint8Array(await readFile(path.join(out, `${name}.pdf`))));
    const page = await open(name);
    const printed = await openPdf(new Uint8Array(await page.pdf({ preferCSSPageSize: true, printBackground: true })));
    await page.context().close();
    try {
      const size = (await reference.getPage(1)).getViewport({ scale: 1 });
      // Header lines, then the footer and the page number on one baseline, as on the PDF's first page.
      const expected = await runningLines(reference, 1);
      expect(expected.length).toBeGreaterThanOrEqual(2);
      expect(expected.at(-1)!.text.endsWith(squeeze(pageLabel(1, reference.numPages)))).toBe(true);
      for (let p = 1; p <= printed.numPages; p++) {
        const view = (await printed.getPage(p)).getViewport({ scale: 1 });
        expect(Math.abs(view.width - size.width)).toBeLessThan(1);
        expect(Math.abs(view.height - size.height)).toBeLessThan(1);
        const lines = await runningLines(printed, p);
        const numbered = (line: RunningLine, i: number) =>
          i === expected.length - 1 ? line.text.slice(0, -squeeze(pageLabel(1, reference.numPages)).length) + squeeze(pageLabel(p, printed.numPages)) : line.text;
        expect(lines.map((l) => l.text)).toEqual(expected.map(numbered));
        // Where the PDF has them: baseline, left and right edges within 1 pt.
        lines.forEach((line, i) => {
          const twin = expected[i]!;
          expect(Math.abs(line.y - twin.y), line.text).toBeLessThan(1);
          expect(Math.abs(line.left - twin.left), line.text).toBeLessThan(1);
          expect(Math.abs(line.right - twin.right), line.text).toBeLessThan(1);
        });
      }
    } finally {
      await reference.destroy();
      await printed.destroy();
    }
  });
});

/** A line of text: its pieces, its baseline (points, y upwards) and type size (its largest). */
interface LineGroup {
  readonly pieces: Piece[];
  readonly y: number;
  readonly size: number;
}

/**
 * Pieces → lines, top to bottom: pieces within 1 pt of a line's baseline form a line. pdf.js
 * reports a superscript (the "er" of "1er juillet", raised, in smaller type) as a line of its own:
 * a line of type smaller than 0.8 × the next line's, whose baseline lies above that line's by
 * less than 0.8 × its size (its height band), and whose pieces lie within that line's left and
 * right edges, is a superscript of it and joins it (its text placed by x), nothing dropped.
 */
function lineGroups(list: readonly Piece[]): LineGroup[] {
  const baselines: Piece[][] = [];
  for (const piece of [...list].sort((a, b) => b.y - a.y)) {
    const line = baselines.at(-1);
    if (line && Math.abs(line[0]!.y - piece.y) <= 1) line.push(piece);
    else baselines.push([piece]);
  }
  const lines = baselines.map((pieces): LineGroup => {
    const size = Math.max(...pieces.map((piece) => piece.size));
    return { pieces, size, y: pieces.find((piece) => piece.size === size)!.y };
  });
  const out: LineGroup[] = [];
  lines.forEach((line, i) => {
    const next = lines[i + 1];
    const raised = next ? line.y - next.y : 0;
    const within = next !== undefined && line.pieces.every((piece) => piece.x >= Math.min(...next.pieces.map((n) => n.x)) - 1 && piece.x <= Math.max(...next.pieces.map((n) => n.x + n.width)) + 1);
    if (next && within && line.size < 0.8 * next.size && raised > 0 && raised < 0.8 * next.size) next.pieces.push(...line.pieces);
    else out.push(line);
  });
  return out;
}

/**
 * A line's text as compared: its pieces by x, squeezed; a soft hyphen (U+00AD) as "-": a line
 * that Chromium ends at a soft hyphen shows "-", which pdf.js may read as the soft hyphen itself.
 */
const lineText = (line: LineGroup): string => squeeze([...line.pieces].sort((a, b) => a.x - b.x).map((piece) => piece.str).join('')).replaceAll('\u00ad', '-');

/** The lines of text of a page, top to bottom (`lineGroups`), squeezed; baseline from the top. */
async function pageLines(pdf: PDFDocumentProxy, p: number): Promise<{ text: string; top: number }[]> {
  const height = (await pdf.getPage(p)).getViewport({ scale: 1 }).height;
  return lineGroups(await pieces(pdf, p)).map((line) => ({ text: lineText(line), top: height - line.y }));
}

/**
 * Printed by Chromium, each page holds the PDF page's lines — the same text on each line, hyphens
 * at line ends included, so justified paragraphs break at the same words and the same
 * hyphenation points (soft hyphens, `html-hyphenation.ts`) — each within 2.5 pt of its place.
 */
describe('printed by Chromium, every page holds the lines of the PDF page', () => {
  it.each([LISTE, RAPPORT, 'note-presentation', 'annexe-deploiement-rentree-2019'])('%s: same lines, same pages, each within 2.5 pt of its place in the PDF', async (name) => {
    const reference = await openPdf(new Uint8Array(await readFile(path.join(out, `${name}.pdf`))));
    const page = await open(name);
    const printed = await openPdf(new Uint8Array(await page.pdf({ preferCSSPageSize: true, printBackground: true })));
    await page.context().close();
    try {
      expect(printed.numPages).toBe(reference.numPages);
      for (let p = 1; p <= reference.numPages; p++) {
        const expected = await pageLines(reference, p);
        const lines = await pageLines(printed, p);
        expect(
          lines.map((l) => l.text),
          `page ${p}`,
        ).toEqual(expected.map((l) => l.text));
        const moved = lines.flatMap((line, i) => (Math.abs(line.top - expected[i]!.top) < 2.5 ? [] : [`${line.text} (${line.top.toFixed(1)} pt, PDF ${expected[i]!.top.toFixed(1)} pt)`]));
        expect(moved, `page ${p}`).toEqual([]);
      }
    } finally {
      await reference.destroy();
      await printed.destroy();
    }
  });
});

describe('chart labels are not clipped', () => {
  it('every text of each chart of the monthly report lies inside the chart, shown at its own size', async () => {
    const page = await open(RAPPORT);
    try {
      const charts = await page.evaluate(() =>
        [...document.querySelectorAll('main svg')].map((svg) => {
          const box = svg.getBoundingClientRect();
          const view = (svg as SVGSVGElement).viewBox.baseVal;
          const outside = [...svg.querySelectorAll('text')]
            .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect() }))
            .filter(({ r }) => r.left < box.left - 0.5 || r.top < box.top - 0.5 || r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5)
            .map(({ text }) => text);
          return { width: box.width, viewWidth: view.width, texts: svg.querySelectorAll('text').length, outside };
        }),
      );
      expect(charts.length).toBe(2);
      for (const chart of charts) {
        // 1 SVG unit = 1 pt: the chart is shown at its own size.
        expect(chart.width / PX).toBeCloseTo(chart.viewWidth, 1);
        expect(chart.texts).toBeGreaterThan(0);
        expect(chart.outside).toEqual([]);
      }
    } finally {
      await page.context().close();
    }
  });
});
