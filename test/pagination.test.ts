/**
 * Pagination that reads well, read back from real output: the list annex (its template and data,
 * its table given N collèges), signed and published, in PDF (pdf.js text of our PDF) and DOCX
 * (pdf.js text of LibreOffice's PDF of it):
 * - a table's caption is never the last thing on a page: the page where the table starts holds at
 *   least 3 of its body rows (all of them when it has fewer);
 * - the page where a table ends holds at least 3 of its body rows (or all), with its TOTAL row;
 * - the signature block and the publication mention are never alone on a page: they stand on the
 *   page of the table's last rows (in DOCX, in a one-row table joined to the table, whose last
 *   rows are kept with it: LibreOffice 7.4 honours that on every page, as Word does);
 * - a paragraph never leaves its first line alone at the foot of a page, nor its last line alone at
 *   the top of the next (PDF; DOCX asks Word and LibreOffice for widow control, and LibreOffice's
 *   layout of it is checked).
 * The numbers of rows tried are every N up to 8 and every N around each page boundary of the
 * table (found by laying out 200 rows), for the table crossing a page at every possible place.
 * The caption's place on the page is swept too, by paragraphs put before the table.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { document, heading, paragraph, text } from '../src/document/builders.ts';
import type { Block, DocumentNode, TableNode } from '../src/document/nodes.ts';
import { renderDocuments } from '../src/jobs/render.ts';
import { REMARK_WORDS } from './helpers/documents.ts';
import { docxXml, pdfText } from './helpers/readback.ts';
import { renderDocx, renderPdf } from './helpers/writers.ts';

const ROOT = new URL('../', import.meta.url);
const SIGNATURE = { fait: 'Fait à Lille, le 1er juillet 2019', mention: 'Pour le Président et par délégation', qualite: 'Le Président du Conseil départemental', nom: 'Jean Dupont' };
const PUBLICATION = 'Publié le 5 juillet 2019';
/** Fewest body rows on the page where a table starts and on the page where it ends. */
const TOGETHER = 3;

let annex: DocumentNode;
let work: string;

beforeAll(async () => {
  const { documents } = await renderDocuments({ dataDir: new URL('data', ROOT).pathname, templatesDir: new URL('templates', ROOT).pathname, names: ['annexe-liste-juillet-2019'] });
  const doc = documents[0]?.document;
  if (!doc) throw new Error('annexe-liste-juillet-2019 not rendered');
  annex = { ...doc, meta: { ...doc.meta, signature: SIGNATURE, publication: PUBLICATION } };
  work = await mkdtemp(path.join(tmpdir(), 'alses-pagination-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/**
 * The list annex with `n` body rows (the état's rows over again, the collège of row i named
 * "Collège n° i") and `fill` paragraphs before its table.
 */
function listAnnex(n: number, fill = 0): DocumentNode {
  const children = annex.children.flatMap((block): Block[] => {
    if (block.type !== 'table') return [block];
    const rows = block.body;
    const body = Array.from({ length: n }, (_, i) => {
      const r = rows[i % rows.length]!;
      return { ...r, cells: r.cells.map((c, j) => (j === 1 ? { ...c, children: [text(`Collège n° ${i + 1}`)] } : c)) };
    });
    const table: TableNode = { ...block, body };
    return [...Array.from({ length: fill }, (_, i) => paragraph([`Paragraphe de remplissage ${i + 1}.`])), table];
  });
  return { ...annex, children };
}

/** Where things landed: pages are numbered from 1. */
interface Layout {
  /** Body rows (their n°) of each page. */
  readonly rows: Map<number, number[]>;
  readonly caption: number[];
  readonly total: number[];
  /** Pages of the signature block's and publication mention's lines. */
  readonly closing: number[];
}

function layoutOf(pages: readonly string[]): Layout {
  const layout: Layout = { rows: new Map(), caption: [], total: [], closing: [] };
  pages.forEach((page, i) => {
    for (const line of page.split('\n')) {
      const row = /Collège n° (\d+)\b/.exec(line);
      if (row) layout.rows.set(i + 1, [...(layout.rows.get(i + 1) ?? []), Number(row[1])]);
      if (line.startsWith('Collèges accueillant un ALSES')) layout.caption.push(i + 1);
      if (line.startsWith('TOTAL')) layout.total.push(i + 1);
      if ([SIGNATURE.fait, SIGNATURE.mention, SIGNATURE.qualite, SIGNATURE.nom, PUBLICATION].includes(line)) layout.closing.push(i + 1);
    }
  });
  return layout;
}

/** Rows per page of a table: the number of body rows on each page it spans, in order. */
const rowsPerPage = (layout: Layout): number[] => [...layout.rows.values()].map((r) => r.length);

/**
 * What reads badly in the layout of a table of `n` rows (empty: nothing). `closing`: whether to
 * check the signature block's page.
 */
function problems(layout: Layout, n: number, closing = true): string[] {
  const out: string[] = [];
  const pages = [...layout.rows.keys()];
  const all = [...layout.rows.values()].flat();
  if (all.join() !== Array.from({ length: n }, (_, i) => i + 1).join()) out.push(`rows ${all.join(',')}`);
  const first = pages[0] ?? 0;
  const last = pages.at(-1) ?? 0;
  const need = Math.min(TOGETHER, n);
  if (layout.caption.join() !== String(first)) out.push(`caption on page ${layout.caption.join()}, first rows on page ${first}`);
  if ((layout.rows.get(first)?.length ?? 0) < need) out.push(`${layout.rows.get(first)?.length} rows on the first page`);
  if ((layout.rows.get(last)?.length ?? 0) < need) out.push(`${layout.rows.get(last)?.length} rows on the last page`);
  if (layout.total.join() !== String(last)) out.push(`TOTAL on page ${layout.total.join()}, last rows on page ${last}`);
  if (closing && (layout.closing.length !== 5 || layout.closing.some((p) => p !== last))) out.push(`signature and publication on pages ${layout.closing.join()}, last rows on page ${last}`);
  return out;
}

/** `{ N: problems }` for the layouts with problems. */
function failures(layouts: ReadonlyMap<number, Layout>, check: (layout: Layout, n: number) => string[]): Record<number, string[]> {
  return Object.fromEntries([...layouts].map(([n, l]) => [n, check(l, n)] as const).filter(([, p]) => p.length > 0));
}

/**
 * Numbers of rows to try: 1 to 8, and every number from 8 below to 4 above the rows the pages of
 * a 200-row table end with (the signature block takes about 6 rows' height), up to `max`.
 */
function rowCounts(pages: readonly number[], max: number): number[] {
  const counts = new Set(Array.from({ length: 8 }, (_, i) => i + 1));
  let end = 0;
  for (const rows of pages.slice(0, -1)) {
    end += rows;
    for (let n = end - 8; n <= end + 4; n++) if (n >= 1 && n <= max) counts.add(n);
  }
  return [...counts].sort((a, b) => a - b);
}

/** Paragraphs put before the table: from the caption low on page 1 to the top of page 2. */
const FILLS = Array.from({ length: 26 }, (_, i) => 18 + i);
const FILL_ROWS = 10;

/** Smallest number of rows on the last page of the tables that span pages. */
const minTail = (layouts: Iterable<Layout>): number => Math.min(...[...layouts].map(rowsPerPage).filter((p) => p.length > 1).map((p) => p.at(-1) ?? 0));

describe('PDF', () => {
  it('never ends a page with a lone caption or a table tail under 3 rows; the signature stays with the last rows', async () => {
    const capacity = rowsPerPage(layoutOf(await pdfText(await renderPdf(listAnnex(200)))));
    expect(capacity.length).toBeGreaterThan(4);
    const counts = rowCounts(capacity, 200);
    const layouts = new Map<number, Layout>();
    for (const n of counts) layouts.set(n, layoutOf(await pdfText(await renderPdf(listAnnex(n)))));
    expect(failures(layouts, problems)).toEqual({});
    // The boundaries were met: tables split with exactly 3 rows on their last page.
    expect(minTail(layouts.values())).toBe(TOGETHER);
  }, 300_000);

  it('keeps the caption and header with the first 3 rows wherever the table starts on the page', async () => {
    const layouts = new Map<number, Layout>();
    for (const fill of FILLS) layouts.set(fill, layoutOf(await pdfText(await renderPdf(listAnnex(FILL_ROWS, fill)))));
    expect(failures(layouts, (l) => problems(l, FILL_ROWS))).toEqual({});
    const spread = [...layouts.values()].map(rowsPerPage);
    expect(spread.some((p) => p.length === 2)).toBe(true); // split across a page, 3 rows or more each side
    expect([...layouts.values()].some((l) => l.caption[0] === 2)).toBe(true); // moved whole to page 2
  }, 120_000);
});

/**
 * A long paragraph (`words`, 4 to 9 lines), placed lower and lower on page 1 by `fill` one-line
 * paragraphs before it, after a heading when `titled`.
 */
const paragraphCase = (words: readonly string[], fill: number, titled: boolean): DocumentNode =>
  document({ title: 'Paragraphes', date: '2019-07-01', header: '' }, [
    ...Array.from({ length: fill }, (_, i) => paragraph([`Paragraphe ${i + 1}.`])),
    ...(titled ? [heading(2, 'Section suivante')] : []),
    paragraph([words.join(' ')]),
  ]);

/** Paragraphs of 4 and 9 lines, by number of words. */
const PARAGRAPH_WORDS = [REMARK_WORDS.slice(0, 60), REMARK_WORDS.slice(0, 120)];

/**
 * Where the long paragraph's lines landed: the page of each line, and the number of its lines on
 * its first and last pages; `heading`: the text of the page of its first line has the heading.
 */
function paragraphLines(pageTexts: readonly string[]): { pages: number[]; first: number; last: number; heading: boolean } {
  const lines = pageTexts.map((p) => p.split('\n'));
  const pages = lines.flatMap((page, i) => page.filter((l) => /\bmot\d+\b/.test(l)).map(() => i + 1));
  const count = (page: number | undefined) => pages.filter((p) => p === page).length;
  return { pages, first: count(pages[0]), last: count(pages.at(-1)), heading: lines[(pages[0] ?? 1) - 1]?.includes('Section suivante') ?? false };
}

describe('PDF paragraphs', () => {
  it('never leave their first line alone at the foot of a page, nor their last line alone at the top of the next, nor a heading before them', async () => {
    const ends: { first: number; last: number }[] = [];
    for (const words of PARAGRAPH_WORDS) {
      for (let fill = 24; fill <= 36; fill++) {
        for (const titled of [false, true]) {
          const { pages, first, last, heading } = paragraphLines(await pdfText(await renderPdf(paragraphCase(words, fill, titled))));
          const where = `${words.length} words, ${fill} paragraphs before, heading ${titled}`;
          expect(pages.length, where).toBeGreaterThan(3);
          expect(first, where).toBeGreaterThanOrEqual(2);
          expect(last, where).toBeGreaterThanOrEqual(2);
          if (titled) expect(heading, where).toBe(true);
          if (new Set(pages).size > 1) ends.push({ first, last });
        }
      }
    }
    // The range met page ends, paragraphs split with exactly 2 lines on either side.
    expect(ends.some((e) => e.first === 2)).toBe(true);
    expect(ends.some((e) => e.last === 2)).toBe(true);
  }, 120_000);
});

describe('DOCX, as LibreOffice lays it out', () => {
  /** Converts the DOCX of each document to PDF in one LibreOffice process; their pages' text. */
  async function viaLibreOffice(docs: ReadonlyMap<string, DocumentNode>): Promise<Map<string, string[]>> {
    if (spawnSync('soffice', ['--version']).error) throw new Error('LibreOffice (soffice) is not installed: apt-get install -y --no-install-recommends libreoffice-writer-nogui');
    const batch = await mkdtemp(path.join(work, 'lo-'));
    await mkdir(path.join(batch, 'pdf'));
    const files: string[] = [];
    for (const [name, doc] of docs) {
      files.push(path.join(batch, `${name}.docx`));
      await writeFile(files.at(-1)!, await renderDocx(doc));
    }
    const profile = pathToFileURL(path.join(work, 'profile')).href;
    await promisify(execFile)('soffice', [`-env:UserInstallation=${profile}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', path.join(batch, 'pdf'), ...files], { timeout: 600_000 });
    const out = new Map<string, string[]>();
    for (const name of docs.keys()) out.set(name, await pdfText(new Uint8Array(await readFile(path.join(batch, 'pdf', `${name}.pdf`)))));
    return out;
  }

  it('never ends a page with a lone caption or a table tail under 3 rows; the signature stays with the last rows', async () => {
    const [full] = (await viaLibreOffice(new Map([['n200', listAnnex(200)]]))).values();
    const capacity = rowsPerPage(layoutOf(full ?? []));
    expect(capacity.length).toBeGreaterThan(4);
    // Every page boundary up to 200 rows, as in the PDF; the fills sweep the caption.
    const counts = rowCounts(capacity, 200);
    const docs = new Map<string, DocumentNode>([...counts.map((n) => [`n${n}`, listAnnex(n)] as const), ...FILLS.map((f) => [`f${f}`, listAnnex(FILL_ROWS, f)] as const)]);
    const pages = await viaLibreOffice(docs);
    const layouts = new Map(counts.map((n) => [n, layoutOf(pages.get(`n${n}`) ?? [])]));
    expect(failures(layouts, problems)).toEqual({});
    expect(minTail(layouts.values())).toBe(TOGETHER);
    // The signature block met the foot of a page after a table of two pages and more: it took
    // the table's last rows with it to the next.
    expect([...layouts.values()].some((l) => l.rows.size > 2 && l.rows.get(l.rows.size)?.length === TOGETHER)).toBe(true);
    const fills = new Map(FILLS.map((f) => [f, layoutOf(pages.get(`f${f}`) ?? [])]));
    expect(failures(fills, (l) => problems(l, FILL_ROWS))).toEqual({});
    expect([...fills.values()].some((l) => l.rows.size === 2)).toBe(true);
  }, 900_000);

  it("never leaves a paragraph's first or last line alone on a page", async () => {
    // The fills around page 1's end (found as for the PDF), for paragraphs of 4 and 9 lines.
    const cases = PARAGRAPH_WORDS.flatMap((words) => Array.from({ length: 8 }, (_, i) => [`p${words.length}-${26 + i}`, paragraphCase(words, 26 + i, false)] as const));
    const pages = await viaLibreOffice(new Map(cases));
    const layouts = new Map([...pages].map(([name, texts]) => [name, paragraphLines(texts)]));
    expect(Object.fromEntries([...layouts].filter(([, l]) => l.pages.length < 4 || l.first < 2 || l.last < 2))).toEqual({});
    expect([...layouts.values()].some((l) => new Set(l.pages).size > 1 && l.last === 2)).toBe(true);
  }, 300_000);

  it('keeps the rows that must stay together with keep-with-next, the TOTAL and signature with the last rows; paragraphs control widows', async () => {
    const xml = await docxXml(await renderDocx(listAnnex(12)), 'word/document.xml');
    const rows = xml.slice(0, xml.indexOf('</w:tbl>')).split('<w:tr>').slice(1).map((r) => r.slice(0, r.indexOf('</w:tr>')));
    const keep = rows.map((r) => r.includes('<w:keepNext/>'));
    // Header; body rows 1–2 (with 3) and 10–11 (with 12); row 12 with TOTAL; TOTAL with what follows.
    expect(keep).toEqual([true, true, true, false, false, false, false, false, false, false, true, true, true, true]);
    expect(rows[0]).toContain('<w:tblHeader/>');
    expect(rows.at(-1)).toContain('<w:cantSplit/>');
    // The closing table: straight after the table, one row that cannot split, the signature's
    // paragraphs kept with the next, the publication last; then a hidden empty paragraph.
    const [table, closing, end] = xml.slice(xml.indexOf('<w:tbl>')).split('</w:tbl>');
    expect(table).toContain('Collège n° 12');
    expect(closing?.startsWith('<w:tbl>')).toBe(true);
    expect(closing?.match(/<w:tr>/g)).toHaveLength(1);
    expect(closing).toContain('<w:cantSplit/>');
    const paragraphs = (closing ?? '').split('<w:p>').slice(1);
    expect(paragraphs.map((p) => p.includes('<w:keepNext/>'))).toEqual([true, true, true, false]); // 3 signature paragraphs, publication
    expect(paragraphs.at(-1)).toContain(PUBLICATION);
    expect(end?.slice(0, end.indexOf('<w:sectPr'))).toMatch(/^<w:p><w:pPr>.*<w:rPr><w:vanish\/>.*<\/w:pPr><\/w:p>$/);
    // Body paragraphs: widow and orphan control.
    const intro = xml.split('<w:p>').find((p) => p.includes('État au'));
    expect(intro).toContain('<w:widowControl/>');
  });
});
