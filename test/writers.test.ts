/**
 * Writers: the same Document AST rendered as PDF, DOCX and HTML reads back the same, tables keep
 * their header and totals across pages, and output bytes depend only on the input.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DomUtils } from 'htmlparser2';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { cell, column, document, emphasis, heading, image, lineBreak, list, pageBreak, paragraph, row, strong, table } from '../src/document/builders.ts';
import type { DocumentMeta, DocumentNode, TableRow } from '../src/document/nodes.ts';
import { parseHtmlSubset } from '../src/document/parse.ts';
import { serializeAll } from '../src/jobs/serialize.ts';
import { FONT_FACES, fontMetrics } from '../src/fonts.ts';
import { toDocx } from '../src/writers/docx/index.ts';
import { COMMON } from '../src/writers/glyphs.ts';
import { htmlDocument, toHtml } from '../src/writers/html.ts';
import { toPdfDefinition } from '../src/writers/pdf/index.ts';
import { BORDER_WIDTH, CELL_PADDING, documentDate, PAGE_MARGINS, textWidth } from '../src/writers/shared.ts';
import { readZip, writeZip } from '../src/writers/zip.ts';
import { preflight } from './helpers/pdfa.ts';
import { docxTables, docxXml, htmlTables, parseXml, pdfInfo, pdfOutline, pdfStructure, pdfText, wordText, type PdfStructElement } from './helpers/readback.ts';
import { REMARK_WORDS, tallRow } from './helpers/documents.ts';
import { renderDocx, renderPdf as renderPdfBytes } from './helpers/writers.ts';

const FIXTURES = new URL('./fixtures/writers/', import.meta.url);
const ROOT = new URL('..', import.meta.url).pathname;
const PNG = new Uint8Array(readFileSync(new URL('two-colours.png', FIXTURES)));
const SVG = readFileSync(new URL('chart.svg', FIXTURES), 'utf8');

const META = {
  title: 'Liste des ALSES au sein des collèges – juillet 2019',
  subject: 'Annexe à la délibération du 1er juillet 2019',
  author: 'Département du Nord',
  date: '2019-07-01',
  header: 'Annexe à la délibération du 1er juillet 2019',
  footer: 'Département du Nord – ALSES',
} satisfies Partial<DocumentMeta>;

/** The literal value that must never be read as markup. */
const TRICKY = 'A & B <i>';

/** A small annex: title, text, lists, a table with caption, colspan, numbers and a total. */
const small = (meta: Partial<DocumentMeta> = {}): DocumentNode =>
  document({ ...META, ...meta }, [
    heading(1, 'Liste des ALSES au sein des collèges'),
    paragraph(['Les ', strong('ALSES'), ' sont des ', emphasis('éducateurs de prévention'), ` ; valeur : ${TRICKY}.`]),
    list([['régulation des tensions,'], ['lien avec les partenaires.']]),
    heading(2, 'État au 15 juillet 2019'),
    table({
      caption: ['Tableau 1 – ALSES par collège'],
      columns: [column(30), column(50), column(20, 'right')],
      header: [row('Commune', 'Collège', 'ETP')],
      body: [row('Lille', 'Collège Jean Macé', '0,5'), row('Roubaix', TRICKY, '1'), row('Tourcoing', 'Collège Lucie Aubrac', '1\u202f234,5')],
      footer: [row(cell('TOTAL', { colspan: 2 }), '1\u202f236')],
    }),
  ]);

const SMALL_TABLE = [
  ['Commune', 'Collège', 'ETP'],
  ['Lille', 'Collège Jean Macé', '0,5'],
  ['Roubaix', TRICKY, '1'],
  ['Tourcoing', 'Collège Lucie Aubrac', '1\u202f234,5'],
  ['TOTAL', '1\u202f236'],
];

/** A one-table document with `n` generated body rows and a TOTAL row. */
const longTable = (n: number, options: { footer?: boolean; meta?: Partial<DocumentMeta> } = {}): DocumentNode => {
  const body: TableRow[] = Array.from({ length: n }, (_, i) => row(`Commune ${i + 1}`, `Collège ${i + 1}`, cell(String(i + 1))));
  return document({ ...META, header: '', ...options.meta }, [
    table({
      columns: [column(40), column(40), column(20, 'right')],
      header: [row('Commune', 'Collège', 'ETP')],
      body,
      ...(options.footer === false ? {} : { footer: [row(cell('TOTAL', { colspan: 2 }), String(n))] }),
    }),
  ]);
};

/** Every PDF this file renders, checked against PDF/A-1b at the end (one Preflight run). */
const rendered = new Map<string, Uint8Array>();
const renderPdf = async (doc: DocumentNode): Promise<Uint8Array> => {
  const bytes = await renderPdfBytes(doc);
  rendered.set(`writers-${rendered.size + 1}.pdf`, bytes);
  return bytes;
};

/**
 * A remark taller than a page: 1 400 numbered words in one cell, between two short rows, under
 * a header row and above a TOTAL row.
 */
const tallRowDoc = (orientation: 'portrait' | 'landscape'): DocumentNode => tallRow({ ...META, header: 'Annexe – remarques' }, orientation);

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const lines = (page: string | undefined) => (page ?? '').split('\n');

describe('shared', () => {
  it('dates files at 00:00 Europe/Paris on meta.date, summer and winter', () => {
    expect(documentDate({ date: '2019-07-01' }).toISOString()).toBe('2019-06-30T22:00:00.000Z');
    expect(documentDate({ date: '2019-01-15' }).toISOString()).toBe('2019-01-14T23:00:00.000Z');
    expect(documentDate({ date: '2019-03-31' }).toISOString()).toBe('2019-03-30T23:00:00.000Z'); // change to summer time that night
    expect(() => documentDate({ date: '2019-02-30' })).toThrow(/2019-02-30/);
    expect(() => documentDate({ date: '1/7/2019' })).toThrow(/AAAA-MM-JJ/);
  });

  it('zip: writes entries in order with a fixed date, and reads them back', async () => {
    const entries = [
      { path: '[Content_Types].xml', data: new TextEncoder().encode('<Types/>') },
      { path: 'word/é.xml', data: new Uint8Array(1000).fill(65) },
    ];
    const a = await writeZip(entries, new Date('2019-06-30T22:00:00Z'));
    expect(sha256(await writeZip(entries, new Date('2019-06-30T22:00:00Z')))).toBe(sha256(a));
    expect(readZip(a).map((e) => [e.path, e.data.length])).toEqual([
      ['[Content_Types].xml', 8],
      ['word/é.xml', 1000],
    ]);
    // The local header of each entry: DEFLATE (8), sizes and CRC in the header (no data
    // descriptor: flag bit 3 clear), the date 2019-06-30 22:00:00 in MS-DOS fields, and no extra
    // field (the Unix time one would depend on the machine's time zone).
    const view = new DataView(a.buffer, a.byteOffset, a.byteLength);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint16(6, true) & 0b1000).toBe(0);
    expect(view.getUint16(8, true)).toBe(8);
    const time = view.getUint16(10, true);
    const day = view.getUint16(12, true);
    expect([(day >> 9) + 1980, (day >> 5) & 15, day & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2]).toEqual([2019, 6, 30, 22, 0, 0]);
    expect(view.getUint32(18, true)).toBeGreaterThan(0); // compressed size
    expect(view.getUint32(22, true)).toBe(8); // uncompressed size
    expect(view.getUint16(28, true)).toBe(0); // extra field length
  });

  it('zip: the same bytes whatever the machine\'s time zone', () => {
    const script = `import('./src/writers/zip.ts').then(async ({ writeZip }) => { const z = await writeZip([{ path: 'a.xml', data: new TextEncoder().encode('<a/>') }], new Date('2019-06-30T22:00:00Z')); process.stdout.write(Buffer.from(z).toString('hex')); });`;
    const run = (tz: string) => execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, env: { ...process.env, TZ: tz }, encoding: 'utf8' });
    const utc = run('UTC');
    expect(utc).toMatch(/^504b0304/);
    expect(run('Pacific/Auckland')).toBe(utc);
    expect(run('America/Los_Angeles')).toBe(utc);
  });
});

describe('PDF', () => {
  it('reads back title, text and the table row by row', async () => {
    const pages = await pdfText(await renderPdf(small()));
    expect(pages).toHaveLength(1);
    const text = lines(pages[0]);
    expect(text[0]).toBe(META.header);
    expect(text).toContain('Liste des ALSES au sein des collèges');
    expect(text).toContain(`Les ALSES sont des éducateurs de prévention ; valeur : ${TRICKY}.`);
    expect(text).toContain('Tableau 1 – ALSES par collège');
    const start = text.indexOf('Commune Collège ETP');
    // pdf.js reads U+202F back as a plain space (see pdfText).
    expect(text.slice(start, start + 5)).toEqual(SMALL_TABLE.map((r) => r.join(' ').replace(/\u202f/g, ' ')));
    expect(text.at(-1)).toBe(`${META.footer} Page 1 / 1`);
  });

  it('definition: A4 in points, widths filling the text width, header and footer rows styled', () => {
    const { definition, warnings } = toPdfDefinition(small());
    expect(warnings).toEqual([]);
    expect(definition).toMatchObject({ pageSize: 'A4', pageOrientation: 'portrait', language: 'fr-FR', displayTitle: true });
    expect(definition.info).toMatchObject({ title: META.title, author: META.author, subject: META.subject, creator: 'alses-reports', producer: 'alses-reports' });
    expect(definition.info?.creationDate?.toISOString()).toBe('2019-06-30T22:00:00.000Z');
    const json = JSON.stringify(definition.content);
    const tableNode = (JSON.parse(json) as unknown[]).flatMap((c) => (c as { stack?: unknown[] }).stack ?? [c]).find((c) => (c as { table?: unknown }).table) as {
      table: { widths: number[]; headerRows: number; dontBreakRows: boolean; body: Record<string, unknown>[][] };
    };
    const { widths, headerRows, dontBreakRows, body } = tableNode.table;
    const outer = widths.reduce((s, w) => s + w, 0) + widths.length * 2 * CELL_PADDING.x + (widths.length + 1) * BORDER_WIDTH;
    expect(outer).toBeCloseTo(textWidth('portrait'), 6);
    expect(headerRows).toBe(1);
    expect(dontBreakRows).toBe(false);
    expect(body[0]?.[0]).toMatchObject({ bold: true, fillColor: '#E6E6E6' });
    expect(body[1]?.[2]).toMatchObject({ alignment: 'right' });
    expect(body[1]?.[0]).not.toHaveProperty('bold');
    expect(body.at(-1)?.[0]).toMatchObject({ bold: true, colSpan: 2 });
    expect(body.at(-1)?.[1]).toEqual({});
  });

  it('styles each text run itself, as pdfmake ignores the style of nested text (pdfmake#1174)', () => {
    const { definition } = toPdfDefinition(document(META, [paragraph(['a ', strong('b ', emphasis('c')), lineBreak(), 'd'])]));
    const runs = (definition.content as unknown as { text: Record<string, unknown>[] }[])[0]?.text ?? [];
    // Each run also carries the paragraph's structure element (tagged PDF), the same for all.
    expect(new Set(runs.map((r) => r.alsesStructure)).size).toBe(1);
    expect(runs[0]?.alsesStructure).toMatchObject({ role: 'P' });
    expect(runs.map(({ alsesStructure: _, ...run }) => run)).toEqual([
      { text: 'a ' },
      { text: 'b ', bold: true },
      { text: 'c', bold: true, italics: true },
      { text: '\n' },
      { text: 'd' },
    ]);
  });

  it('justifies lines without a gap after the hyphen of a word (pdfmake#1368)', async () => {
    // Hyphenated words at the start, inside and at the end of lines of a justified paragraph
    // (the filler shifts them along), one after a bold run, one before a line break.
    const filler = (n: number) => Array.from({ length: n }, (_, i) => `mot${i}`).join(' ');
    const words = ['co-animateurs', 'plus-value', 'ci-dessous', 'et/ou', 'Nord–Pas-de-Calais'];
    const sentences = Array.from({ length: 9 }, (_, i) => `${filler(i + 4)} ${words[i % words.length]},`);
    const text = `Plus-value : ${sentences.join(' ')} rendez-vous.`;
    const pages = await pdfText(await renderPdf(document(META, [paragraph([text]), paragraph(['Les ', strong('ALSES'), ' co-animateurs ', lineBreak(), 'ci-dessous'])])));
    const body = lines(pages[0]).slice(1, -1);
    expect(body.join(' ')).toContain(text);
    expect(body.join(' ')).toContain('Les ALSES co-animateurs ci-dessous');
    for (const line of body) expect(line).not.toMatch(/[-/–] \p{L}/u);
  });

  it('keeps hyphenated words whole in justified text only, unless wider than a line', () => {
    const long = Array.from({ length: 60 }, () => 'très').join('-');
    const { definition } = toPdfDefinition(document(META, [paragraph([`Les co-animateurs ${long} fin`]), paragraph(['Les co-animateurs'], 'left')]));
    const [justified, left] = (definition.content as unknown as { text: Record<string, unknown>[] }[]).map((p) => p.text.map(({ alsesStructure: _, ...run }) => run));
    expect(justified).toEqual([{ text: 'Les ' }, { text: 'co-animateurs ', noWrap: true }, { text: `${long} fin` }]);
    expect(left).toEqual([{ text: 'Les co-animateurs' }]);
  });

  it('repeats the header row at the top of every page of a 300-row table', async () => {
    const pages = await pdfText(await renderPdf(longTable(300)));
    expect(pages.length).toBeGreaterThan(5);
    for (const page of pages) expect(lines(page)[0]).toBe('Commune Collège ETP');
    expect(lines(pages[1])[1]).toMatch(/^Commune \d+ Collège \d+ \d+$/);
    const all = pages.flatMap((p) => lines(p)).filter((l) => /^Commune \d/.test(l));
    expect(all).toHaveLength(300);
  });

  it('keeps the TOTAL row on the page of the last 3 body rows when it would start a page alone', async () => {
    // k = body rows that fill the first page exactly: with a TOTAL row, it would not fit there.
    const full = await pdfText(await renderPdf(longTable(120, { footer: false })));
    const k = lines(full[0]).filter((l) => /^Commune \d/.test(l)).length;
    const pages = await pdfText(await renderPdf(longTable(k)));
    expect(pages).toHaveLength(2);
    const row = (i: number) => `Commune ${i} Collège ${i} ${i}`;
    expect(lines(pages[1]).slice(0, 5)).toEqual(['Commune Collège ETP', row(k - 2), row(k - 1), row(k), `TOTAL ${k}`]);
    expect(lines(pages[0]).filter((l) => /^Commune \d/.test(l))).toHaveLength(k - 3);
    // One row fewer: everything fits on one page, no break is added.
    const fits = await pdfText(await renderPdf(longTable(k - 1)));
    expect(fits).toHaveLength(1);
  });

  it('prints a cell taller than a page in full, across pages', async () => {
    const tall = Array.from({ length: 120 }, (_, i) => `ligne ${i + 1}`).flatMap((l, i) => (i === 0 ? [l] : [lineBreak(), l]));
    const doc = document({ ...META, header: '' }, [
      table({
        columns: [column(30), column(70)],
        header: [row('Collège', 'Observations')],
        body: [row('Avant', 'court'), row('Long', cell(tall)), row('Après', 'court')],
        footer: [row('TOTAL', '3')],
      }),
    ]);
    const text = (await pdfText(await renderPdf(doc))).flatMap(lines);
    const found = text.flatMap((l) => l.match(/ligne \d+/g) ?? []);
    expect(found).toEqual(Array.from({ length: 120 }, (_, i) => `ligne ${i + 1}`));
    expect(text).toContain('Après court');
    expect(text).toContain('TOTAL 3');
  });

  // Regression: with `dontBreakRows: true`, pdfmake silently drops a row taller than a page.
  it.each(['portrait', 'landscape'] as const)('%s: prints a remark taller than a page in full, the header row repeated on every page it spans', async (orientation) => {
    const pages = (await pdfText(await renderPdf(tallRowDoc(orientation)))).map(lines);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const words = pages.flat().flatMap((l) => l.match(/mot\d+/g) ?? []);
    expect(words).toEqual(REMARK_WORDS); // all of them, once, in order
    expect(pages[0]?.slice(0, 3)).toEqual(['Annexe – remarques', 'Remarques par collège', 'Collège Observations ETP']);
    for (const page of pages.slice(1)) expect(page.slice(0, 2)).toEqual(['Annexe – remarques', 'Collège Observations ETP']);
    const last = pages.at(-1) ?? [];
    expect(last).toContain('Après court 1');
    expect(last).toContain('TOTAL 3');
  });

  it('keeps a heading with the paragraph after it', async () => {
    let pushed = 0;
    for (let filler = 28; filler <= 36; filler++) {
      const doc = document({ ...META, header: '' }, [
        ...Array.from({ length: filler }, (_, i) => paragraph([`Paragraphe ${i + 1}`])),
        heading(2, 'Section suivante'),
        paragraph(['Premier paragraphe de la section']),
      ]);
      const pages = (await pdfText(await renderPdf(doc))).map(lines);
      const page = pages.findIndex((p) => p.includes('Section suivante'));
      expect(pages[page]).toContain('Premier paragraphe de la section');
      if (page > 0 && pages[page]?.[0] === 'Section suivante' && pages[page - 1]?.some((l) => l === `Paragraphe ${filler}`)) pushed++;
    }
    expect(pushed).toBeGreaterThan(0); // the range met at least one page end
  });

  it('tags the structure: lists, spanning cells, figures with their text alternative', async () => {
    const doc = document(META, [
      heading(1, 'Titre'),
      list([['premier'], ['second']], true),
      table({ columns: [column(50), column(50)], header: [row('A', 'B')], body: [row(cell('AB', { colspan: 2 }))] }),
      image('png', PNG, 'Deux couleurs', 80, 40),
      image('svg', SVG, 'ETP par année', 240, 120),
    ]);
    const { elements, unmarked, artifacts } = await pdfStructure(await renderPdf(doc));
    // A figure's own text (an SVG's labels) is hidden behind its alternative: left out here.
    const strip = (e: PdfStructElement): unknown => [e.role, ...(e.alt ? [e.alt] : []), ...(e.text && e.role !== 'Figure' ? [e.text] : []), ...e.children.map(strip)];
    expect(elements.map(strip)).toEqual([
      [
        'Document',
        ['H1', 'Titre'],
        ['L', ['LI', ['Lbl', '1.'], ['LBody', 'premier']], ['LI', ['Lbl', '2.'], ['LBody', 'second']]],
        ['Table', ['THead', ['TR', ['TH', 'A'], ['TH', 'B']]], ['TBody', ['TR', ['TD', 'AB']]]],
        ['Figure', 'Deux couleurs'],
        ['Figure', 'ETP par année'],
      ],
    ]);
    expect(unmarked).toEqual([]);
    expect(artifacts[0]).toEqual([META.header, META.footer, 'Page 1 / 1']); // list numbers are labels (Lbl), not artifacts
    const raw = Buffer.from(await renderPdf(doc)).toString('latin1');
    expect(raw).toMatch(/\/S \/TD\n\/A <<\n\/O \/Table\n\/ColSpan 2\n>>/);
    expect(raw).toMatch(/\/S \/TH\n\/A <<\n\/O \/Table\n\/Scope \/Column\n>>/);
  });

  it('warns of characters Source Sans 3 cannot print, in any face, header and footer included', () => {
    const doc = document({ ...META, footer: 'Pied ☃' }, [paragraph(['Kanji ', strong('漢'), ' et 1\u202f234 « ok »'])]);
    expect(toPdfDefinition(doc).warnings).toEqual([
      expect.objectContaining({ ruleId: 'writer/glyph-missing', message: expect.stringContaining(': « ☃ » (U+2603), « 漢 » (U+6F22)') }),
    ]);
    expect(toPdfDefinition(small()).warnings).toEqual([]);
  });

  it('takes for printable without looking them up only characters every face has', () => {
    const common = Array.from({ length: 0x2100 }, (_, c) => String.fromCodePoint(c)).filter((c) => COMMON.test(c));
    expect(common.length).toBeGreaterThan(300); // ASCII, Latin-1, Latin Extended-A and the punctuation listed
    for (const face of FONT_FACES) expect(common.filter((c) => !fontMetrics(face).has(c.codePointAt(0)!)), face).toEqual([]);
  });

  it('lays out an empty heading without a bookmark (pdfmake fails on a bookmark without a line)', async () => {
    const doc = document(META, [heading(1, 'Titre'), heading(2), heading(3, ' '), paragraph(['Texte'])]);
    expect((await pdfOutline(await renderPdf(doc))).map((b) => [b.title, b.items.length])).toEqual([['Titre', 0]]);
  });

  it('points each bookmark at its heading: start and top of the heading line', async () => {
    const doc = document({ ...META, header: '' }, [heading(1, 'Titre'), ...Array.from({ length: 20 }, (_, i) => paragraph([`Paragraphe ${i + 1}`])), heading(2, 'Plus bas')]);
    const [title] = await pdfOutline(await renderPdf(doc));
    expect(title).toMatchObject({ title: 'Titre', page: 1 });
    expect(title?.left).toBeGreaterThan(250); // centred
    expect(title?.top).toBeCloseTo(841.89 - PAGE_MARGINS.top, 0);
    const lower = title?.items[0];
    expect(lower).toMatchObject({ title: 'Plus bas', page: 1, left: PAGE_MARGINS.left });
    expect(lower?.top).toBeLessThan(600); // well down the page, not its top (pdfmake's own target)
  });

  it('writes document properties, language and dates from meta, not the clock', async () => {
    const info = await pdfInfo(await renderPdf(small()));
    expect(info).toMatchObject({
      title: META.title,
      author: META.author,
      subject: META.subject,
      creator: 'alses-reports',
      producer: 'alses-reports',
      lang: 'fr-FR',
      creationDate: 'D:20190630220000Z',
      modDate: 'D:20190630220000Z',
      pages: 1,
      pageSize: [595.28, 841.89],
    });
  });

  it('honours landscape orientation', async () => {
    const info = await pdfInfo(await renderPdf(small({ orientation: 'landscape' })));
    expect(info.pageSize).toEqual([841.89, 595.28]);
  });

  it('shows PNG and SVG images, and page breaks', async () => {
    const doc = document(META, [paragraph(['Avant']), image('png', PNG, 'Deux couleurs', 80, 40), pageBreak(), image('svg', SVG, 'ETP par année', 240, 120)]);
    const { warnings } = toPdfDefinition(doc);
    expect(warnings).toEqual([]);
    const pages = await pdfText(await renderPdf(doc));
    expect(pages).toHaveLength(2);
    expect(pages[1]).toContain('ETP par année'); // SVG text drawn with the embedded font
  });
});

describe('DOCX', () => {
  it('reads back the table cells exactly', async () => {
    const bytes = await renderDocx(small());
    expect(await docxTables(bytes)).toEqual([SMALL_TABLE]);
    const body = await docxXml(bytes, 'word/document.xml');
    expect(body).toContain('A &amp; B &lt;i&gt;'); // escaped once: shown literally
  });

  it('marks header rows to repeat, keeps TOTAL with the last body row, fixes widths in twips', async () => {
    const xml = parseXml(await docxXml(await renderDocx(longTable(300)), 'word/document.xml'));
    const [tbl] = DomUtils.getElementsByTagName('w:tbl', xml.children, true);
    expect(tbl).toBeDefined();
    const rows = DomUtils.getElementsByTagName('w:tr', tbl?.children ?? [], false);
    expect(rows).toHaveLength(302);
    const has = (el: (typeof rows)[number] | undefined, tag: string) => DomUtils.getElementsByTagName(tag, el?.children ?? [], true).length > 0;
    expect(has(rows[0], 'w:tblHeader')).toBe(true);
    expect(rows.slice(1).some((r) => has(r, 'w:tblHeader'))).toBe(false);
    expect(has(rows.at(-2), 'w:keepNext')).toBe(true); // last body row kept with TOTAL
    // Orphans and widows: the first 3 body rows stay with the header, the last 3 together.
    expect([1, 2, 3, 4].map((i) => has(rows[i], 'w:keepNext'))).toEqual([true, true, false, false]);
    expect([-5, -4, -3].map((i) => has(rows.at(i), 'w:keepNext'))).toEqual([false, true, true]);
    expect(has(rows.at(-1), 'w:cantSplit')).toBe(true);
    const layout = DomUtils.getElementsByTagName('w:tblLayout', tbl?.children ?? [], true)[0];
    expect(layout?.attribs['w:type']).toBe('fixed');
    const grid = DomUtils.getElementsByTagName('w:gridCol', tbl?.children ?? [], true).map((g) => Number(g.attribs['w:w']));
    expect(grid.reduce((s, w) => s + w, 0)).toBe(Math.round(textWidth('portrait') * 20));
    expect(grid[0]).toBe(Math.round(0.4 * textWidth('portrait') * 20));
  });

  it.each(['portrait', 'landscape'] as const)('%s: keeps a remark taller than a page whole, in a row that may break, under a repeated header row', async (orientation) => {
    const bytes = await renderDocx(tallRowDoc(orientation));
    const [tbl] = await docxTables(bytes);
    expect(tbl?.[2]).toEqual(['Long', REMARK_WORDS.join(' '), '1']);
    const xml = parseXml(await docxXml(bytes, 'word/document.xml'));
    const rows = DomUtils.getElementsByTagName('w:tr', xml.children, true);
    const has = (el: (typeof rows)[number] | undefined, tag: string) => DomUtils.getElementsByTagName(tag, el?.children ?? [], true).length > 0;
    expect(rows.map((r) => wordText(DomUtils.getElementsByTagName('w:tc', r.children, false)[0]!))).toEqual(['Collège', 'Avant', 'Long', 'Après', 'TOTAL']);
    expect(has(rows[0], 'w:tblHeader')).toBe(true);
    expect(has(rows[2], 'w:cantSplit')).toBe(false); // Word and LibreOffice may break it across pages
  });

  it('writes properties, language, embedded font and dates from meta', async () => {
    const bytes = await renderDocx(small());
    const core = parseXml(await docxXml(bytes, 'docProps/core.xml'));
    const text = (tag: string) => DomUtils.textContent(DomUtils.getElementsByTagName(tag, core.children, true));
    expect(text('dc:title')).toBe(META.title);
    expect(text('dc:subject')).toBe(META.subject);
    expect(text('dc:creator')).toBe(META.author);
    expect(text('dcterms:created')).toBe('2019-06-30T22:00:00Z');
    expect(text('dcterms:modified')).toBe('2019-06-30T22:00:00Z');
    expect(text('cp:revision')).toBe('1');
    const styles = await docxXml(bytes, 'word/styles.xml');
    expect(styles).toContain('w:val="fr-FR"');
    expect(styles).toContain('w:ascii="Source Sans 3"');
    const fonts = await docxXml(bytes, 'word/fontTable.xml');
    for (const face of ['w:embedRegular', 'w:embedBold', 'w:embedItalic', 'w:embedBoldItalic']) expect(fonts).toContain(face);
    const header = await docxXml(bytes, 'word/header1.xml');
    // The running header is text with the "er" of "1er juillet" as a superscript run.
    expect(header).toMatch(/>Annexe à la délibération du 1<\/w:t><\/w:r><w:r><w:rPr>(?:(?!<\/w:rPr>).)*<w:vertAlign w:val="superscript"\/><\/w:rPr><w:t xml:space="preserve">er<\/w:t><\/w:r><w:r>(?:(?!<w:t).)*<w:t xml:space="preserve"> juillet 2019</);
    const footer = await docxXml(bytes, 'word/footer1.xml');
    expect(footer).toContain('PAGE');
    expect(footer).toContain('NUMPAGES');
  });

  it('honours landscape orientation', async () => {
    const xml = parseXml(await docxXml(await renderDocx(small({ orientation: 'landscape' })), 'word/document.xml'));
    const size = DomUtils.getElementsByTagName('w:pgSz', xml.children, true)[0]?.attribs;
    expect(size).toMatchObject({ 'w:w': '16838', 'w:h': '11906', 'w:orient': 'landscape' });
  });

  it('uses Title and Heading styles, and describes images', async () => {
    const doc = document(META, [heading(1, 'Titre'), heading(2, 'Section'), heading(3, 'Sous-section'), image('png', PNG, 'Deux couleurs', 80, 40)]);
    const xml = await docxXml(await renderDocx(doc), 'word/document.xml');
    for (const style of ['Title', 'Heading1', 'Heading2']) expect(xml).toContain(`w:pStyle w:val="${style}"`);
    expect(xml).toMatch(/<wp:docPr id="1" name="Image 1" descr="Deux couleurs"\/>/);
    const svg = toDocx(document(META, [image('svg', SVG, 'ETP par année', 240, 120)]));
    expect(svg.warnings.map((w) => w.ruleId)).toEqual(['docx/svg-fallback']);
  });
});

describe('HTML', () => {
  it('is a standalone French page with the table read back exactly', () => {
    const html = toHtml(small());
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="fr">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain(`<title>${META.title}</title>`);
    expect(html).toMatch(/<style>[\s\S]*size: A4 portrait;[\s\S]*<\/style>/);
    expect(htmlTables(html)).toEqual([SMALL_TABLE]);
    expect(html).toMatch(/<thead>[\s\S]*<tbody>[\s\S]*<tfoot>/);
    expect(html).toContain('<td class="right">0,5</td>');
    expect(html).toContain('A &amp; B &lt;i&gt;');
    expect(html).not.toContain(TRICKY);
  });

  it('inlines SVG with an accessible name and PNG as a data URL', () => {
    const { html, warnings } = htmlDocument(document(META, [image('svg', SVG, 'ETP "annuels"', 240, 120), image('png', PNG, 'Deux couleurs', 80, 40)]));
    expect(warnings).toEqual([]);
    expect(html).toContain('<svg role="img" aria-label="ETP &quot;annuels&quot;" xmlns="http://www.w3.org/2000/svg"');
    expect(html).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="Deux couleurs" width="107" height="53"/);
  });

  it('refuses SVG carrying scripts', () => {
    const { html, warnings } = htmlDocument(document(META, [image('svg', '<svg onload="alert(1)"></svg>', 'Graphique', 10, 10)]));
    expect(warnings.map((w) => w.ruleId)).toEqual(['html/unsafe-svg']);
    expect(html).not.toContain('onload');
  });
});

describe('all formats', () => {
  it('repair malformed tables with a warning instead of failing', async () => {
    const doc = document(META, [
      table({ columns: [column(50), column(30)], header: [row('A', 'B')], body: [row('seul'), row('1', '2', '3')] }),
    ]);
    const { warnings } = toPdfDefinition(doc);
    expect(warnings.map((w) => w.ruleId)).toEqual(['writer/table-width', 'writer/table-colspan', 'writer/table-colspan']);
    expect(toDocx(doc).warnings).toHaveLength(3);
    expect(htmlTables(toHtml(doc))).toEqual([[['A', 'B'], ['seul', ''], ['1', '2']]]);
    expect(await docxTables(await renderDocx(doc))).toEqual([[['A', 'B'], ['seul', ''], ['1', '2']]]);
    expect((await pdfText(await renderPdf(doc)))[0]).toContain('1 2');
  });

  it('place their warnings at the line of the node in the template output (issue 8)', async () => {
    // A table whose widths add up to 90 %: the parser reports it (template/table-columns) at the
    // table's line, and every writer given the parsed blocks repairs it with a warning placed there.
    const html = '<h1>Titre</h1>\n<p>Texte</p>\n<table>\n<colgroup><col width="60%"><col width="30%"></colgroup>\n<tbody><tr><td>A</td><td>B</td></tr></tbody>\n</table>';
    const { blocks, diagnostics } = parseHtmlSubset(html, { file: 'templates/t.hbs' });
    const at = { file: 'templates/t.hbs', line: 3, column: 1 };
    expect(diagnostics.map((d) => [d.ruleId, d.place])).toEqual([['template/table-columns', at]]);
    const doc = document(META, blocks);
    const placed = (warnings: readonly { ruleId: string; place?: unknown }[]) => warnings.map((w) => [w.ruleId, w.place]);
    expect(placed(toPdfDefinition(doc).warnings)).toEqual([['writer/table-width', at]]);
    expect(placed(toDocx(doc).warnings)).toEqual([['writer/table-width', at]]);
    expect(placed(htmlDocument(doc).warnings)).toEqual([['writer/table-width', at]]);
    const found: Parameters<typeof serializeAll>[4] = [];
    await serializeAll([{ name: 't', document: doc, template: 'templates/autre.hbs' }], 'out', ['html'], { sources: [], templates: { hashes: { 'templates/autre.hbs': '0'.repeat(64) } } as never }, found);
    expect(placed(found)).toEqual([['writer/table-width', at]]);
  });

  describe('reproducible bytes', () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    const doc = () => document(META, [...small().children, image('png', PNG, 'Deux couleurs', 80, 40), image('svg', SVG, 'Graphique', 240, 120)]);

    it('PDF: same SHA-256 whatever the clock', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2031-01-01T10:00:00Z'));
      const a = sha256(await renderPdf(doc()));
      vi.setSystemTime(new Date('2042-06-15T18:30:00Z'));
      expect(sha256(await renderPdf(doc()))).toBe(a);
    });

    it('DOCX: same SHA-256 whatever the clock', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2031-01-01T10:00:00Z'));
      const a = sha256(await renderDocx(doc()));
      vi.setSystemTime(new Date('2042-06-15T18:30:00Z'));
      expect(sha256(await renderDocx(doc()))).toBe(a);
    });
  });
});

describe('PDF/A-1b', () => {
  // Last in the file: the PDFs rendered by the tests above, in one Preflight run.
  it('every PDF rendered above is valid PDF/A-1b (Apache PDFBox Preflight)', async () => {
    expect(rendered.size).toBeGreaterThan(15);
    const invalid = (await preflight(rendered)).filter((r) => !r.valid);
    expect(invalid).toEqual([]);
  });
});

beforeAll(() => {
  // The fixtures are what the tests think they are.
  expect(Array.from(PNG.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]);
  expect(SVG).toContain('<svg');
});
