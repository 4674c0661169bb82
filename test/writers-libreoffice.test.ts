/**
 * DOCX files open elsewhere: LibreOffice (headless, `libreoffice-writer-nogui`, installed by
 * `.ci/run`) converts every DOCX the product writes to PDF without error, and the converted PDF
 * holds the same table cells as our own PDF of the same document — rows in the same order, long
 * cells in full, header rows repeated after a page break, in portrait and landscape.
 *
 * LibreOffice sets the text in the Source Sans 3 embedded in the DOCX (subsets), not in a
 * substitute: the machine has no Source Sans 3 installed, as a DOCX without embedded fonts shows.
 *
 * All files are converted by one LibreOffice process, with a fresh profile (no clash with a
 * LibreOffice already running): about 2 s for the lot.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Packer } from 'docx';
import { DomUtils } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell, column, document, heading, lineBreak, paragraph, row, table } from '../src/document/builders.ts';
import type { DocumentMeta, DocumentNode } from '../src/document/nodes.ts';
import { toDocx } from '../src/writers/docx/index.ts';
import { runCli } from './helpers/cli.ts';
import { docxTables, docxXml, parseXml, pdfText } from './helpers/readback.ts';
import { squash } from './helpers/reference.ts';
import { REMARK_WORDS, tallRow } from './helpers/documents.ts';
import { renderDocx, renderPdf } from './helpers/writers.ts';

const META = {
  title: 'Essai LibreOffice',
  subject: 'Annexe à la délibération du 1er juillet 2019',
  author: 'Département du Nord',
  date: '2019-07-01',
  header: 'Annexe – remarques',
  footer: 'Département du Nord',
} satisfies Partial<DocumentMeta>;


/** A remark taller than a page, between short rows, under a header row, above TOTAL. */
const tallRowDoc = (orientation: 'portrait' | 'landscape'): DocumentNode => tallRow(META, orientation);

/** Writer documents converted beside the CLI's: base name → document. */
const WRITER_DOCUMENTS: Record<string, () => DocumentNode> = {
  'remarque-portrait': () => tallRowDoc('portrait'),
  'remarque-paysage': () => tallRowDoc('landscape'),
  'cellules-diverses': () =>
    document({ ...META, header: '' }, [
      paragraph(['Avant le tableau.']),
      table({
        caption: ['Tableau 1 – Cellules'],
        columns: [column(30), column(50), column(20, 'right')],
        header: [row('Commune', 'Collège', 'ETP')],
        body: [row('Roubaix', 'A & B <i>', '0,5'), row('Tourcoing', cell(['Collège', lineBreak(), 'Lucie Aubrac']), '1\u202f234,5'), row(cell('Deux colonnes', { colspan: 2 }), '1')],
        footer: [row(cell('TOTAL', { colspan: 2 }), '1\u202f236')],
      }),
    ]),
};

const CLI_DOCUMENTS = ['annexe-deploiement-rentree-2019', 'annexe-liste-juillet-2019', 'note-presentation', 'rapport-mensuel-2019-09'];
const NAMES = [...CLI_DOCUMENTS, ...Object.keys(WRITER_DOCUMENTS)];
/** A DOCX naming Source Sans 3 without embedding it: what LibreOffice does without the embedded font. */
const NO_FONTS = 'sans-police-embarquee';

let work: string;
const docx = new Map<string, Uint8Array>();
const ours = new Map<string, string[][]>();
const theirs = new Map<string, string[][]>();
let conversion: { stdout: string; stderr: string };
let pdfDir: string;

/** Lines of each page, white space squashed. */
const pageLines = async (bytes: Uint8Array) => (await pdfText(bytes)).map((p) => p.split('\n').map(squash));

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'alses-lo-'));
  const cliOut = path.join(work, 'cli');
  expect((await runCli(['render', '--out', cliOut, '--format', 'pdf,docx'])).code).toBe(0);
  expect((await runCli(['monthly', '--month', '2019-09', '--out', cliOut])).code).toBe(0);
  for (const name of CLI_DOCUMENTS) {
    docx.set(name, new Uint8Array(await readFile(path.join(cliOut, `${name}.docx`))));
    ours.set(name, await pageLines(await readFile(path.join(cliOut, `${name}.pdf`))));
  }
  for (const [name, doc] of Object.entries(WRITER_DOCUMENTS)) {
    docx.set(name, await renderDocx(doc()));
    ours.set(name, await pageLines(await renderPdf(doc())));
  }

  const input = path.join(work, 'docx');
  const output = path.join(work, 'pdf');
  await mkdir(input);
  for (const [name, bytes] of docx) await writeFile(path.join(input, `${name}.docx`), bytes);
  await writeFile(path.join(input, `${NO_FONTS}.docx`), await Packer.toBuffer(toDocx(WRITER_DOCUMENTS['cellules-diverses']!()).document));
  if (spawnSync('soffice', ['--version']).error) throw new Error('LibreOffice (soffice) is not installed: apt-get install -y --no-install-recommends libreoffice-writer-nogui');
  conversion = await promisify(execFile)(
    'soffice',
    [
      `-env:UserInstallation=${pathToFileURL(path.join(work, 'profile')).href}`,
      '--headless',
      '--norestore',
      '--convert-to',
      'pdf',
      '--outdir',
      output,
      // The DOCX without fonts first: LibreOffice keeps the fonts a document embeds for the session.
      ...[NO_FONTS, ...NAMES].map((n) => path.join(input, `${n}.docx`)),
    ],
    { timeout: 180_000 },
  );
  pdfDir = output;
  for (const f of await readdir(output)) if (f !== `${NO_FONTS}.pdf`) theirs.set(f.replace(/\.pdf$/, ''), await pageLines(await readFile(path.join(output, f))));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Words of a text, white space of any kind squashed. */
const words = (s: string): string[] => squash(s).split(' ').filter((w) => w !== '');

/** `true` when `needle`'s words appear in `hay` in this order (other words may come between). */
function inOrder(hay: readonly string[], needle: readonly string[]): boolean {
  let at = 0;
  for (const w of hay) if (w === needle[at]) at++;
  return at === needle.length;
}

/** The rows, as lines, that a PDF prints on one line, in order of first appearance. */
function rowLines(pages: readonly string[][], rows: readonly string[][]): string[] {
  const wanted = new Set(rows.map((r) => squash(r.filter((c) => c !== '').join(' '))));
  return [...new Set(pages.flat().filter((l) => wanted.has(l)))];
}

describe('LibreOffice converts every DOCX', () => {
  it('without error, one PDF per DOCX', () => {
    expect(conversion.stderr).not.toMatch(/error/i);
    for (const name of NAMES) expect(conversion.stdout).toContain(`${name}.docx -> `);
    expect([...theirs.keys()].sort()).toEqual([...NAMES].sort());
  });

  it('every DOCX gives its table widths in twips, never in percent (LibreOffice ignores those)', async () => {
    for (const [name, bytes] of docx) {
      const xml = parseXml(await docxXml(bytes, 'word/document.xml'));
      const widths = ['w:tblW', 'w:tcW'].flatMap((tag) => DomUtils.getElementsByTagName(tag, xml.children, true));
      expect(widths.length, name).toBeGreaterThan(0);
      for (const w of widths) expect(w.attribs['w:type'], name).toBe('dxa');
      expect(DomUtils.getElementsByTagName('w:gridCol', xml.children, true).every((g) => Number(g.attribs['w:w']) > 0), name).toBe(true);
    }
  });

  describe.each(NAMES)('%s', (name) => {
    it('LibreOffice prints every table cell, words in order, as our PDF does', async () => {
      const tables = await docxTables(docx.get(name)!);
      expect(tables.length).toBeGreaterThan(0);
      const hay = { ours: ours.get(name)!.flat().flatMap(words), theirs: theirs.get(name)!.flat().flatMap(words) };
      for (const cells of tables.flat(2)) {
        expect(inOrder(hay.ours, words(cells)), `our PDF: ${cells.slice(0, 60)}`).toBe(true);
        expect(inOrder(hay.theirs, words(cells)), `LibreOffice: ${cells.slice(0, 60)}`).toBe(true);
      }
    });

    it('rows that fit on one line are the same lines, in the same order', async () => {
      const rows = (await docxTables(docx.get(name)!)).flat();
      const mine = rowLines(ours.get(name)!, rows);
      expect(mine.length).toBeGreaterThan(0);
      expect(rowLines(theirs.get(name)!, rows)).toEqual(mine);
    });
  });

  it.each(['remarque-portrait', 'remarque-paysage'])('%s: the remark in full, the header row repeated on every page', (name) => {
    const pages = theirs.get(name)!;
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.flat().flatMap((l) => l.match(/mot\d+/g) ?? [])).toEqual(REMARK_WORDS);
    for (const page of pages.slice(1)) expect(page.slice(0, 2)).toEqual([META.header, 'Collège Observations ETP']);
    expect(pages.flat()).toContain('TOTAL 3');
  });
});

/** Base names of the fonts of a PDF, as `pdffonts` (poppler-utils) lists them, subset prefix removed. */
async function pdfFonts(file: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)('pdffonts', [file]);
  return [...new Set(stdout.split('\n').slice(2).filter((l) => l.trim() !== '').map((l) => (l.split(/\s+/)[0] ?? '').replace(/^[A-Z]{6}\+/, '')))].sort();
}

describe('LibreOffice sets the text in the embedded Source Sans 3', () => {
  it('uses a substitute for a DOCX that names Source Sans 3 without embedding it (none is installed)', async () => {
    const fonts = await pdfFonts(path.join(pdfDir, `${NO_FONTS}.pdf`));
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.join(' ')).not.toMatch(/SourceSans3/);
  });

  it.each(NAMES)('%s: every font of the converted PDF is a face of Source Sans 3', async (name) => {
    const fonts = await pdfFonts(path.join(pdfDir, `${name}.pdf`));
    expect(fonts).toContain('SourceSans3-Regular');
    for (const font of fonts) expect(font).toMatch(/^SourceSans3-(Regular|Bold|Italic|BoldItalic)$/);
  });
});
