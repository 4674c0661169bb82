/**
 * Accessible documents (RGAA 13.3, downloadable office documents), checked on what the product
 * writes — the annexes and the monthly report:
 * - DOCX: real heading styles with outline levels, table header rows marked as headers and
 *   tables named by their caption, language fr-FR, title and subject, a text alternative on
 *   every image and chart;
 * - PDF: title shown in the window title, language fr-FR, bookmarks nested like the headings and
 *   leading to their page; tagged (structure tree): headings, paragraphs, lists, tables with
 *   header cells, figures with their text alternative, page furniture as artifacts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DomUtils } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { docxTables, docxXml, parseXml, pdfInfo, pdfOutline, pdfStructure, pdfText, wordText, type PdfBookmark, type PdfStructElement } from './helpers/readback.ts';
import { squash } from './helpers/reference.ts';

type Element = ReturnType<typeof DomUtils.getElementsByTagName>[number];

const DOCUMENTS = ['annexe-deploiement-rentree-2019', 'annexe-liste-juillet-2019', 'note-presentation', 'rapport-mensuel-2019-09'];

let out: string;
const file = async (name: string) => new Uint8Array(await readFile(path.join(out, name)));

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'alses-a11y-'));
  expect((await runCli(['render', '--out', out, '--format', 'pdf,docx'])).code).toBe(0);
  expect((await runCli(['monthly', '--month', '2019-09', '--out', out])).code).toBe(0);
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const elements = (root: { children: Element['children'] }, tag: string): Element[] => DomUtils.getElementsByTagName(tag, root.children, true);
const attr = (root: Element | undefined, tag: string, name = 'w:val') => (root ? elements(root, tag)[0]?.attribs[name] : undefined);

/** Heading levels of the DOCX paragraph styles: the document title, then sections. */
const HEADING_STYLES: Record<string, 1 | 2 | 3> = { Title: 1, Heading1: 2, Heading2: 3 };

/** The headings of a DOCX body, in order: level (1 = title) and text. */
async function docxHeadings(bytes: Uint8Array): Promise<{ level: 1 | 2 | 3; text: string }[]> {
  const body = parseXml(await docxXml(bytes, 'word/document.xml'));
  return elements(body, 'w:p').flatMap((p) => {
    const level = HEADING_STYLES[attr(p, 'w:pStyle') ?? ''];
    return level ? [{ level, text: squash(wordText(p)) }] : [];
  });
}

/** Bookmark titles as a tree (`title` or `title > [children]`), to compare with the headings. */
type Tree = (string | [string, Tree])[];
const bookmarkTree = (items: readonly PdfBookmark[]): Tree => items.map((b) => (b.items.length ? [squash(b.title), bookmarkTree(b.items)] : squash(b.title)));

/** The headings nested as the PDF writer nests bookmarks: level 2 under level 1, level 3 under level 2. */
function headingTree(headings: readonly { level: 1 | 2 | 3; text: string }[]): Tree {
  const root: Tree = [];
  const open: { level: number; children: Tree }[] = [{ level: 0, children: root }];
  for (const h of headings) {
    while ((open.at(-1)?.level ?? 0) >= h.level) open.pop();
    const children: Tree = [];
    open.at(-1)!.children.push([h.text, children]);
    open.push({ level: h.level, children });
  }
  const flatten = (tree: Tree): Tree => tree.map((n) => (Array.isArray(n) ? (n[1].length ? [n[0], flatten(n[1])] : n[0]) : n));
  return flatten(root);
}

/** Elements of a structure tree with one of `roles`, in reading order (not looking inside them). */
const find = (elements: readonly PdfStructElement[], ...roles: string[]): PdfStructElement[] =>
  elements.flatMap((e) => (roles.includes(e.role) ? [e] : find(e.children, ...roles)));

/** A tagged table as rows of cell texts: THead, TBody and TFoot rows in order. */
const taggedTable = (table: PdfStructElement): string[][] => find(table.children, 'TR').map((tr) => tr.children.map((c) => squash(c.text)));

describe.each(DOCUMENTS)('%s', (name) => {
  describe('DOCX', () => {
    it('uses real heading styles: Title first, then Heading 1 and 2 with outline levels', async () => {
      const bytes = await file(`${name}.docx`);
      const headings = await docxHeadings(bytes);
      expect(headings[0]?.level).toBe(1);
      const styles = parseXml(await docxXml(bytes, 'word/styles.xml'));
      const style = (id: string) => elements(styles, 'w:style').find((s) => s.attribs['w:styleId'] === id);
      expect(attr(style('Heading1'), 'w:outlineLvl')).toBe('0');
      expect(attr(style('Heading2'), 'w:outlineLvl')).toBe('1');
      expect(attr(style('Heading1'), 'w:name')).toBe('Heading 1');
    });

    it('marks the header row of every table as header, and names captioned tables', async () => {
      const bytes = await file(`${name}.docx`);
      const body = parseXml(await docxXml(bytes, 'word/document.xml'));
      const tables = elements(body, 'w:tbl');
      expect(tables.length).toBeGreaterThan(0);
      const captions = elements(body, 'w:p').filter((p) => attr(p, 'w:pStyle') === 'Caption').map((p) => squash(wordText(p)));
      for (const tbl of tables) {
        const first = tbl.children.find((c): c is Element => DomUtils.isTag(c) && c.name === 'w:tr');
        expect(first && elements(first, 'w:tblHeader').length).toBe(1);
      }
      const names = tables.map((t) => attr(t, 'w:tblCaption')).filter((c): c is string => c !== undefined);
      expect(names.map(squash)).toEqual(captions);
    });

    it('states its language (fr-FR), title and subject', async () => {
      const bytes = await file(`${name}.docx`);
      const styles = parseXml(await docxXml(bytes, 'word/styles.xml'));
      const defaults = elements(styles, 'w:rPrDefault')[0];
      expect(attr(defaults, 'w:lang')).toBe('fr-FR');
      const core = parseXml(await docxXml(bytes, 'docProps/core.xml'));
      const text = (tag: string) => squash(DomUtils.textContent(elements(core, tag)));
      const info = await pdfInfo(await file(`${name}.pdf`));
      expect(text('dc:title')).not.toBe('');
      expect(text('dc:title')).toBe(squash(info.title));
      expect(text('dc:subject')).not.toBe('');
      expect(text('dc:subject')).toBe(squash(info.subject));
    });

    it('gives every image and chart a text alternative', async () => {
      const body = parseXml(await docxXml(await file(`${name}.docx`), 'word/document.xml'));
      // The letterhead's logo says what it shows, the collectivité's name; the other images are described.
      const [logo, ...others] = elements(body, 'wp:docPr');
      expect(logo?.attribs.descr).toBe('Département du Nord');
      for (const drawing of others) expect(drawing.attribs.descr?.trim().length ?? 0).toBeGreaterThan(20);
    });
  });

  describe('PDF', () => {
    it('shows its title in the window title and states its language', async () => {
      const info = await pdfInfo(await file(`${name}.pdf`));
      expect(info.title).not.toBe('');
      expect(info.displayDocTitle).toBe(true);
      expect(info.lang).toBe('fr-FR');
    });

    it('has bookmarks for its headings, nested like them, each leading to the page of its heading', async () => {
      const pdf = await file(`${name}.pdf`);
      const outline = await pdfOutline(pdf);
      expect(bookmarkTree(outline)).toEqual(headingTree(await docxHeadings(await file(`${name}.docx`))));
      const pages = (await pdfText(pdf)).map((p) => p.split('\n').map(squash));
      const check = (items: readonly PdfBookmark[]) => {
        for (const b of items) {
          expect(pages[b.page - 1], b.title).toContain(squash(b.title));
          expect(b.open || b.items.length === 0).toBe(true);
          check(b.items);
        }
      };
      check(outline);
    });

    it('is tagged: a Document of headings, paragraphs, lists, tables and figures, everything else an artifact', async () => {
      const pdf = await file(`${name}.pdf`);
      expect((await pdfInfo(pdf)).marked).toBe(true);
      const { elements, artifacts, unmarked } = await pdfStructure(pdf);
      expect(elements.map((e) => e.role)).toEqual(['Document']);
      const roles = new Set(find(elements, 'Document')[0]?.children.map((e) => e.role));
      expect([...roles].filter((r) => !['H1', 'H2', 'H3', 'P', 'L', 'Table', 'Figure'].includes(r))).toEqual([]);
      expect(unmarked).toEqual([]);
      // Page furniture is not read out as content.
      artifacts.forEach((page, i) => expect(page.join(' | ')).toContain(`Page ${i + 1} / ${artifacts.length}`));
    });

    it('tags the headings as H1–H3, as the DOCX styles them', async () => {
      const { elements } = await pdfStructure(await file(`${name}.pdf`));
      const tagged = find(elements, 'H1', 'H2', 'H3').map((h) => ({ level: Number(h.role.slice(1)), text: squash(h.text) }));
      expect(tagged).toEqual(await docxHeadings(await file(`${name}.docx`)));
    });

    it('tags each table cell by cell, header cells as TH heading their column, once (repeats on later pages are artifacts)', async () => {
      const { elements } = await pdfStructure(await file(`${name}.pdf`));
      const tables = find(elements, 'Table');
      expect(tables.map(taggedTable)).toEqual((await docxTables(await file(`${name}.docx`))).map((t) => t.map((r) => r.map(squash))));
      for (const table of tables) {
        const [head, ...parts] = table.children.filter((c) => c.role !== 'Caption');
        expect(head?.role).toBe('THead');
        expect(find(head ? [head] : [], 'TD')).toEqual([]);
        expect(find(parts, 'TH')).toEqual([]);
      }
    });

    it('tags images and charts as figures with the text alternative the DOCX has', async () => {
      const tree = (await pdfStructure(await file(`${name}.pdf`))).elements;
      const body = parseXml(await docxXml(await file(`${name}.docx`), 'word/document.xml'));
      expect(find(tree, 'Figure').map((f) => f.alt)).toEqual(elements(body, 'wp:docPr').map((d) => d.attribs.descr));
    });
  });
});

it('the monthly report has its charts described in words in DOCX', async () => {
  const body = parseXml(await docxXml(await file('rapport-mensuel-2019-09.docx'), 'word/document.xml'));
  // After the letterhead's logo, the two charts.
  const alts = elements(body, 'wp:docPr').map((d) => d.attribs.descr ?? '').slice(1);
  expect(alts).toHaveLength(2);
  expect(alts[0]).toMatch(/ETP par structure porteuse.*Total : 52 ETP/);
  expect(alts[1]).toMatch(/ETP en place par mois.*septembre\s2019 : 52 ETP/);
});
