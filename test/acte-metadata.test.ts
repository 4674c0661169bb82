/**
 * Metadata for transmission (ACTES): a document annexed to a délibération names it — nature
 * (DE, « 1 Délibérations »), date, number and matière when the data give them — in the PDF's XMP
 * (`acte` schema, declared as a PDF/A-1 extension schema) and in the DOCX's custom properties.
 * Read back from the files the CLI writes.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTE_NS } from '../src/writers/pdf/pdfa.ts';
import { runCli } from './helpers/cli.ts';
import { preflight } from './helpers/pdfa.ts';
import { docxXml } from './helpers/readback.ts';

let dir: string;
const out = () => path.join(dir, 'out');

/** The XMP packet of a PDF, as pdf.js reads it. */
async function xmp(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), verbosity: 0, isEvalSupported: false }).promise;
  try {
    const { metadata } = (await pdf.getMetadata()) as { metadata: { getRaw(): string } | null };
    return metadata?.getRaw() ?? '';
  } finally {
    await pdf.destroy();
  }
}

/** The custom properties of a DOCX: name → value. */
const customProperties = async (bytes: Uint8Array): Promise<Record<string, string>> =>
  Object.fromEntries([...(await docxXml(bytes, 'docProps/custom.xml')).matchAll(/name="([^"]+)"><vt:lpwstr>([^<]*)<\/vt:lpwstr>/g)].map(([, n, v]) => [n!, v!]));

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-acte-'));
  // The sample data, the délibération of 1 July 2019 given a number (with characters XML escapes) and a matière.
  await cp(path.join(import.meta.dirname, '../data'), path.join(dir, 'data'), { recursive: true });
  const file = path.join(dir, 'data/dispositif.yaml');
  const yaml = await readFile(file, 'utf8');
  const numbered = yaml.replace('  - id: 2019-07-01\n    date: 2019-07-01\n', '  - id: 2019-07-01\n    date: 2019-07-01\n    numero: DL-2019 & <07>\n    matiere: "8.2"\n');
  expect(numbered).not.toBe(yaml);
  await writeFile(file, numbered);
  const render = await runCli(['render', 'annexe-liste-juillet-2019', '--data', path.join(dir, 'data'), '--out', out(), '--format', 'pdf', '--format', 'docx']);
  expect(render.code, render.stderr).toBe(0);
  const monthly = await runCli(['monthly', '--month', '2019-09', '--data', path.join(dir, 'data'), '--out', out()]);
  expect(monthly.code, monthly.stderr).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('an annex to a délibération', () => {
  it('names it in the PDF\'s XMP: nature, date, number, matière, values escaped', async () => {
    const packet = await xmp(await readFile(path.join(out(), 'annexe-liste-juillet-2019.pdf')));
    expect(packet).toContain(`xmlns:acte="${ACTE_NS}"`);
    for (const line of ['<acte:nature>DE</acte:nature>', '<acte:natureLibelle>1 Délibérations</acte:natureLibelle>', '<acte:date>2019-07-01</acte:date>', '<acte:numero>DL-2019 &amp; &lt;07&gt;</acte:numero>', '<acte:matiere>8.2</acte:matiere>'])
      expect(packet).toContain(line);
    // Declared for PDF/A-1 (ISO 19005-1 § 6.7.8), each property with its type.
    expect(packet).toContain(`<pdfaSchema:namespaceURI>${ACTE_NS}</pdfaSchema:namespaceURI>`);
    expect(packet).toMatch(/<pdfaProperty:name>date<\/pdfaProperty:name>\s*<pdfaProperty:valueType>Date<\/pdfaProperty:valueType>/);
  });

  it('stays PDF/A-1b valid with its extension schemas (Preflight)', async () => {
    const [result] = await preflight(new Map([['annexe.pdf', new Uint8Array(await readFile(path.join(out(), 'annexe-liste-juillet-2019.pdf')))]]));
    expect(result!.errors).toEqual([]);
    expect(result!.valid).toBe(true);
  });

  it('names it in the DOCX\'s custom properties (docProps/custom.xml)', async () => {
    expect(await customProperties(await readFile(path.join(out(), 'annexe-liste-juillet-2019.docx')))).toEqual({
      ActeNature: 'DE',
      ActeNatureLibelle: '1 Délibérations',
      ActeDate: '2019-07-01',
      ActeNumero: 'DL-2019 &amp; &lt;07&gt;',
      ActeMatiere: '8.2',
    });
  });
});

describe('a document annexed to no délibération (the monthly report)', () => {
  it('has no acte metadata, in the PDF nor the DOCX', async () => {
    const packet = await xmp(await readFile(path.join(out(), 'rapport-mensuel-2019-09.pdf')));
    expect(packet).not.toContain('acte:');
    expect(packet).toContain('<pdfuaid:part>1</pdfuaid:part>');
    const docx = await readFile(path.join(out(), 'rapport-mensuel-2019-09.docx'));
    expect(Object.keys(await customProperties(docx).catch(() => ({})))).toEqual([]);
  });
});
