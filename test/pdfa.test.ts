/**
 * Documents fit for the record: every PDF the product writes is PDF/A-1b as Apache PDFBox
 * Preflight checks it (the annexes, the monthly report with its charts, and writer documents
 * with every kind of content: a title full of XML specials, PNG with and without transparency,
 * SVG, a landscape table over many pages); and every character they print has a glyph in the
 * embedded Source Sans 3.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { DomUtils, parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell, column, document, emphasis, heading, image, lineBreak, list, paragraph, row, strong, table } from '../src/document/builders.ts';
import type { DocumentMeta, DocumentNode } from '../src/document/nodes.ts';
import { fontMetrics, type FontFace, type FontMetrics } from '../src/fonts.ts';
import { opaquePng, pngHasTransparency } from '../src/writers/pdf/pdfa.ts';
import { runCli } from './helpers/cli.ts';
import { renderPdf } from './helpers/writers.ts';
import { preflight, type PreflightResult } from './helpers/pdfa.ts';
import { pdfFonts, pdfInfo, pdfText } from './helpers/readback.ts';

const FIXTURES = new URL('./fixtures/writers/', import.meta.url);

const META = {
  title: 'Document de test',
  subject: 'Annexe à la délibération du 1er juillet 2019',
  author: 'Département du Nord',
  date: '2019-07-01',
  header: 'Département du Nord — Essai',
  footer: 'Essai PDF/A',
} satisfies Partial<DocumentMeta>;

/** Every XML special character: pdfkit pastes the title into the XMP packet unescaped. */
const XML_SPECIALS = `A & B < C > D " E ' F`;

/**
 * French typography as the documents print it: U+202F (thousands, before ; ! ? and inside
 * guillemets as Intl and the helpers write them), U+00A0, œ, dashes, ellipsis, apostrophe…
 */
const TYPOGRAPHY = '1\u202f234 ETP ; 50\u00a0% : « guillemets » — œuvre, Œ, cœur… l’ALSES – n° 3, 12 €, ÉÀÇ, ça ! Vraiment\u202f? « Oui\u202f» ; déjà';

/** A PNG with an alpha channel: a half-transparent blue disc on a transparent background. */
const ALPHA_PNG = new Resvg('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><circle cx="10" cy="10" r="9" fill="#1f77b4" fill-opacity="0.5"/></svg>').render().asPng();

const typographyDocument = (): DocumentNode =>
  document({ ...META, title: 'Typographie française' }, [
    heading(1, TYPOGRAPHY),
    heading(2, TYPOGRAPHY),
    paragraph([TYPOGRAPHY, lineBreak(), strong(TYPOGRAPHY), lineBreak(), emphasis(TYPOGRAPHY), lineBreak(), strong(emphasis(TYPOGRAPHY))]),
    list([[TYPOGRAPHY], [emphasis(TYPOGRAPHY)]], true),
    table({
      caption: [TYPOGRAPHY],
      columns: [column(70), column(30, 'right')],
      header: [row(TYPOGRAPHY, 'ETP')],
      body: [row(TYPOGRAPHY, '1\u202f234,5')],
      footer: [row('TOTAL', '1\u202f234,5')],
    }),
  ]);

/** Writer documents, beside the CLI's: file name → document. */
const WRITER_DOCUMENTS: Record<string, () => DocumentNode> = {
  'titre-xml.pdf': () =>
    document({ ...META, title: XML_SPECIALS, subject: `Sujet ${XML_SPECIALS}`, author: `Auteur ${XML_SPECIALS}` }, [heading(1, XML_SPECIALS), paragraph([XML_SPECIALS])]),
  'images.pdf': () =>
    document(META, [
      heading(1, 'Images'),
      image('png', new Uint8Array(ALPHA_PNG), 'Disque bleu semi-transparent', 80, 40),
      image('png', PNG, 'Deux couleurs', 80, 40),
      image('svg', SVG, 'ETP par année', 240, 120),
    ]),
  'paysage-long.pdf': () =>
    document({ ...META, orientation: 'landscape' }, [
      heading(1, 'Liste longue'),
      heading(2, 'Collèges'),
      table({
        caption: ['Tableau 1 – Collèges'],
        columns: [column(40), column(40), column(20, 'right')],
        header: [row('Commune', 'Collège', 'ETP')],
        body: Array.from({ length: 120 }, (_, i) => row(`Commune ${i + 1}`, `Collège ${i + 1}`, cell('1'))),
        footer: [row(cell('TOTAL', { colspan: 2 }), '120')],
      }),
    ]),
  'typographie.pdf': typographyDocument,
};

let PNG: Uint8Array;
let SVG: string;
let out: string;
/** Every PDF checked: file name → bytes. */
const pdfs = new Map<string, Uint8Array>();
const verdicts = new Map<string, PreflightResult>();
/** The text of the HTML pages the CLI wrote, beside its PDFs. */
const htmlText: string[] = [];

const CLI_PDFS = ['annexe-deploiement-rentree-2019.pdf', 'annexe-liste-juillet-2019.pdf', 'note-presentation.pdf', 'rapport-mensuel-2019-09.pdf'];

beforeAll(async () => {
  PNG = new Uint8Array(await readFile(new URL('two-colours.png', FIXTURES)));
  SVG = await readFile(new URL('chart.svg', FIXTURES), 'utf8');
  out = await mkdtemp(path.join(tmpdir(), 'alses-pdfa-'));
  expect((await runCli(['render', '--out', out, '--format', 'pdf,html'])).code).toBe(0);
  expect((await runCli(['monthly', '--month', '2019-09', '--out', out])).code).toBe(0);
  for (const f of (await readdir(out)).sort()) {
    if (f.endsWith('.pdf')) pdfs.set(f, new Uint8Array(await readFile(path.join(out, f))));
    if (f.endsWith('.html')) htmlText.push(DomUtils.textContent(parseDocument(await readFile(path.join(out, f), 'utf8'))));
  }
  for (const [name, doc] of Object.entries(WRITER_DOCUMENTS)) pdfs.set(name, await renderPdf(doc()));
  for (const result of await preflight(pdfs)) verdicts.set(result.name, result);
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('PDF/A-1b (Apache PDFBox Preflight)', () => {
  it('checks the annexes, the monthly report and the writer documents', () => {
    expect([...pdfs.keys()].sort()).toEqual([...CLI_PDFS, ...Object.keys(WRITER_DOCUMENTS)].sort());
  });

  it.each([...CLI_PDFS, ...Object.keys(WRITER_DOCUMENTS)])('%s is valid PDF/A-1b', (name) => {
    const verdict = verdicts.get(name);
    expect(verdict?.errors, name).toEqual([]);
    expect(verdict?.valid).toBe(true);
  });

  it('identifies itself as PDF/A-1b: PDF 1.4, pdfaid part 1 conformance B, sRGB output intent', async () => {
    for (const [name, bytes] of pdfs) {
      const raw = Buffer.from(bytes).toString('latin1');
      expect(raw.startsWith('%PDF-1.4\n'), name).toBe(true);
      expect(raw, name).toMatch(/\/S \/GTS_PDFA1/);
      const { xmp } = await pdfInfo(bytes);
      expect(xmp, name).toMatchObject({ 'pdfaid:part': '1', 'pdfaid:conformance': 'B' });
    }
  });

  it('escapes the title, subject and author in XMP, and keeps them exact in both places', async () => {
    const info = await pdfInfo(pdfs.get('titre-xml.pdf')!);
    expect(info).toMatchObject({ title: XML_SPECIALS, subject: `Sujet ${XML_SPECIALS}`, author: `Auteur ${XML_SPECIALS}` });
    // pdf.js drops an XMP packet that is not well-formed XML: that it reads these proves the escaping.
    expect(info.xmp).toMatchObject({ 'dc:title': XML_SPECIALS, 'dc:description': `Sujet ${XML_SPECIALS}`, 'dc:creator': `Auteur ${XML_SPECIALS}` });
    // PDF/A-1 wants every Info entry mirrored in XMP; pdfkit alone writes no xmp:ModifyDate.
    expect(info.xmp).toMatchObject({ 'xmp:createdate': '2019-06-30T22:00:00Z', 'xmp:modifydate': '2019-06-30T22:00:00Z', 'pdf:producer': 'alses-reports' });
  });

  it('writes PNG images without transparency, which PDF/A-1 forbids', () => {
    expect(pngHasTransparency(ALPHA_PNG)).toBe(true);
    expect(pngHasTransparency(PNG)).toBe(false);
    expect(pngHasTransparency(opaquePng(ALPHA_PNG))).toBe(false);
    expect(opaquePng(PNG)).toBe(PNG); // opaque images are left as they are
    // Flattened once per process: the same file again (the logo of every document) gets the
    // same opaque PNG back, not flattened anew.
    const flat = opaquePng(ALPHA_PNG);
    expect(opaquePng(Uint8Array.from(ALPHA_PNG))).toBe(flat);
    expect(pngHasTransparency(flat)).toBe(false);
    for (const [name, bytes] of pdfs) expect(Buffer.from(bytes).toString('latin1'), name).not.toMatch(/\/SMask|\/CA 0|\/ca 0/);
  });
});

// ---------------------------------------------------------------- fonts

const FACE_OF: Record<string, FontFace> = {
  'SourceSans3-Regular': 'normal',
  'SourceSans3-Bold': 'bold',
  'SourceSans3-Italic': 'italics',
  'SourceSans3-BoldItalic': 'bolditalics',
};
const cmapOf = async (face: FontFace): Promise<FontMetrics> => fontMetrics(face);
const hex = (c: string) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} ${c}`;

describe('glyphs: every character printed has one in the embedded font', () => {
  it('every font of every PDF is an embedded face of Source Sans 3', () => {
    for (const [name, bytes] of pdfs) {
      for (const font of pdfFonts(bytes)) {
        expect(Object.keys(FACE_OF), `${name}: ${font.name}`).toContain(font.name);
        expect(font.embedded, `${name}: ${font.name}`).toBe(true);
      }
    }
  });

  it("no character of any PDF is drawn with .notdef, and each is in its face's character map", async () => {
    for (const [name, bytes] of pdfs) {
      // .notdef (glyph 0) reads back as U+0000.
      expect((await pdfText(bytes)).join('\n').includes('\0'), name).toBe(false);
      for (const font of pdfFonts(bytes)) {
        const cmap = await cmapOf(FACE_OF[font.name]!);
        expect(font.characters.filter((c) => !/\s/.test(c) && !cmap.has(c.codePointAt(0)!)).map(hex), `${name}: ${font.name}`).toEqual([]);
      }
    }
  });

  it('the French typography sample is drawn in all four faces, U+202F and U+00A0 included', async () => {
    const fonts = pdfFonts(pdfs.get('typographie.pdf')!);
    expect(fonts.map((f) => f.name).sort()).toEqual(Object.keys(FACE_OF).sort());
    for (const font of fonts) {
      for (const c of ['\u202f', 'œ', 'Œ', '—', '–', '…', '’', '«', '»', '€', '°', 'Ç']) expect(font.characters.map(hex), font.name).toContain(hex(c));
    }
    // U+00A0 shares the glyph of U+0020, so a PDF maps it back to a plain space: check the font itself.
    for (const face of Object.values(FACE_OF)) {
      const cmap = await cmapOf(face);
      for (const c of new Set(TYPOGRAPHY)) expect(cmap.has(c.codePointAt(0)!), `${face}: ${hex(c)}`).toBe(true);
    }
    const text = (await pdfText(pdfs.get('typographie.pdf')!)).join('\n');
    expect(text).toContain('« guillemets » — œuvre, Œ, cœur… l’ALSES – n° 3, 12 €');
  });

  it('every character of the documents’ text (HTML twin of each PDF) has a glyph in all four faces', async () => {
    const characters = new Set(htmlText.join('').replace(/\s/g, ''));
    expect(characters.size).toBeGreaterThan(50);
    for (const face of Object.values(FACE_OF)) {
      const cmap = await cmapOf(face);
      expect([...characters].filter((c) => !cmap.has(c.codePointAt(0)!)).map(hex), face).toEqual([]);
    }
  });

  it('would see a character the font lacks (the check has teeth)', async () => {
    const bytes = await renderPdf(document(META, [paragraph(['Kanji 漢 et bonhomme ☃'])]));
    expect((await pdfText(bytes))[0]).toContain('Kanji \0 et bonhomme \0');
    const cmap = await cmapOf('normal');
    expect(['漢', '☃'].filter((c) => !cmap.has(c.codePointAt(0)!))).toEqual(['漢', '☃']);
  });
});
