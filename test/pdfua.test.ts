/**
 * The PDF/UA structure checker (test/helpers/pdfua.ts) on what the product writes — the catalogue
 * documents, a monthly report (charts and lists), a 1,000-row table, a document of lists — and on
 * PDFs broken on purpose to prove each rule can fail (README, « Vérifications PDF/UA
 * automatiques »).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOGO_BOX } from '../src/dataset/model.ts';
import { PASSWORD_VARIABLE } from '../src/signature/password.ts';
import { makeTestCertificate } from './helpers/certificate.ts';
import { runCli } from './helpers/cli.ts';
import { cell, column, document, emphasis, heading, lineBreak, list, row, strong, table } from '../src/document/builders.ts';
import { A4, PAGE_MARGINS } from '../src/writers/shared.ts';
import { checkPdfUa, failingRules, PDFUA_RULES, structureText, structureTree, type PdfUaReport, type StructNode } from './helpers/pdfua.ts';
import { renderPdf } from './helpers/writers.ts';

const CATALOGUE = ['annexe-deploiement-rentree-2019', 'annexe-liste-juillet-2019', 'note-presentation'];
let out: string;
const reports = new Map<string, PdfUaReport>();
const pdfs = new Map<string, Uint8Array>();

/** A table of 1,000 body rows under a repeated header row, with a total row: about 25 pages. */
const thousandRows = document({ title: 'Tableau de 1 000 lignes', date: '2019-09-30' }, [
  heading(1, 'Collèges'),
  table({
    caption: ['Un millier de collèges'],
    columns: [column(60), column(20), column(20, 'right')],
    header: [row('Collège', 'Commune', 'ETP')],
    body: Array.from({ length: 1000 }, (_, i) => row(`Collège n° ${i + 1}`, `Commune ${i % 37}`, '1')),
    footer: [row(cell('TOTAL', { colspan: 2 }), '1 000')],
  }),
]);

/**
 * Lists of every kind the template language has: bulleted and numbered, items with emphasis and
 * line breaks, two lists in a row, a list running over a page break. (Nested lists are not part
 * of it: `<ul>` inside `<li>` is a template/misplaced-tag error, so no writer receives one.)
 */
const lists = document({ title: 'Listes', date: '2019-09-30' }, [
  heading(1, 'Listes'),
  list([['Premier point'], [strong('Deuxième'), ' point, ', emphasis('souligné')], ['Troisième', lineBreak(), 'sur deux lignes']]),
  list([['Première étape'], ['Deuxième étape'], ['Troisième étape']], true),
  list([['Juste après une autre liste']]),
  heading(2, 'Une longue liste'),
  list(Array.from({ length: 80 }, (_, i) => [`Élément ${i + 1} d'une liste qui passe d'une page à l'autre`]), true),
]);

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'alses-pdfua-'));
  expect((await runCli(['render', '--out', out, '--format', 'pdf'])).code).toBe(0);
  expect((await runCli(['monthly', '--month', '2019-09', '--out', out])).code).toBe(0);
  for (const name of [...CATALOGUE, 'rapport-mensuel-2019-09']) pdfs.set(name, new Uint8Array(await readFile(path.join(out, `${name}.pdf`))));
  pdfs.set('tableau-1000-lignes', await renderPdf(thousandRows));
  pdfs.set('listes', await renderPdf(lists));
  for (const [name, bytes] of pdfs) reports.set(name, await checkPdfUa(bytes));
}, 180_000);
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

/** The elements of a role in a structure tree, in document order. */
const elements = (nodes: readonly StructNode[], role: string): StructNode[] => nodes.flatMap((n) => [...(n.role === role ? [n] : []), ...elements(n.children, role)]);

describe('every PDF the product makes meets every rule of the checker', () => {
  it.each([...CATALOGUE, 'rapport-mensuel-2019-09', 'tableau-1000-lignes', 'listes'])('%s', (name) => {
    expect(failingRules(reports.get(name)!)).toEqual({});
  });
});

describe('lists: L > LI > Lbl + LBody', () => {
  it('tags each list item\'s bullet or number as Lbl, before the item\'s body', async () => {
    const lists = elements(await structureTree(pdfs.get('listes')!), 'L');
    expect(lists.map((l) => l.children.length)).toEqual([3, 3, 1, 80]);
    for (const l of lists) for (const li of l.children) expect(li.children.map((c) => c.role)).toEqual(['Lbl', 'LBody']);
  });

  it('labels numbers with their text and bullets with the bullet character (/ActualText)', async () => {
    const text = await structureText(pdfs.get('listes')!);
    // The numbers, as pdfmake draws them ("1. "), each in its own Lbl.
    for (const n of [1, 2, 3, 80]) expect(text).toMatch(new RegExp(`Lbl \\(block\\)\\n\\s+"${n}\\. ?"`));
    // The bullets are drawn discs: each Lbl says "•" (U+2022, UTF-16BE) in /ActualText.
    const bullet = Buffer.from('/ActualText (\u00fe\u00ff\u0020\u0022)', 'latin1');
    const bytes = Buffer.from(pdfs.get('listes')!);
    let count = 0;
    for (let at = bytes.indexOf(bullet); at >= 0; at = bytes.indexOf(bullet, at + 1)) count++;
    expect(count).toBe(4); // 3 + 1 bulleted items
  });
});

describe('figures: /Alt and /BBox', () => {
  it('gives the logo and each chart Figure the /BBox it is drawn in (PDF units, inside the text block of an A4 page)', async () => {
    // The letterhead's logo, then the two charts.
    const figures = elements(await structureTree(pdfs.get('rapport-mensuel-2019-09')!), 'Figure');
    expect(figures).toHaveLength(3);
    for (const [i, f] of figures.entries()) {
      const box = /^\[([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)\]$/.exec(f.attributes.BBox ?? '')?.slice(1).map(Number);
      expect(box, f.attributes.BBox).toBeDefined();
      const [left, bottom, right, top] = box as [number, number, number, number];
      expect(left).toBeCloseTo(PAGE_MARGINS.left, 1);
      expect(right).toBeLessThanOrEqual(A4.width - PAGE_MARGINS.right + 0.01);
      expect(bottom).toBeGreaterThanOrEqual(PAGE_MARGINS.bottom - 0.01);
      expect(top).toBeLessThanOrEqual(A4.height - PAGE_MARGINS.top + 0.01);
      if (i === 0) expect(top - bottom).toBeCloseTo(LOGO_BOX.height, 1);
      else expect(top - bottom).toBeGreaterThan(100);
    }
  });
});

it('the PDFs declare PDF/UA-1 (pdfuaid:part 1 in XMP, its schema declared for PDF/A-1)', () => {
  for (const name of [...CATALOGUE, 'rapport-mensuel-2019-09']) {
    const xmp = Buffer.from(pdfs.get(name)!).toString('utf8');
    expect(xmp, name).toContain('<pdfuaid:part>1</pdfuaid:part>');
    expect(xmp, name).toContain('<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>');
  }
});

// The signature field added by `alses signer` is a Widget annotation outside the structure tree
// (28-010 wants it in a Form element): the signer's to-do, pinned here until it is done.
it('a signed annex keeps every rule but one: its signature widget is not tagged yet', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'alses-pdfua-signe-'));
  const saved = process.env[PASSWORD_VARIABLE];
  try {
    const cert = await makeTestCertificate(dir);
    process.env[PASSWORD_VARIABLE] = cert.password;
    const signed = path.join(dir, 'signee.pdf');
    expect((await runCli(['signer', path.join(out, 'annexe-liste-juillet-2019.pdf'), '--certificat', cert.p12, '--vers', signed])).code).toBe(0);
    const report = await checkPdfUa(await readFile(signed));
    expect(Object.keys(failingRules(report)).sort()).toEqual(['annotations-tagged']);
    expect(report['annotations-tagged']).toEqual([expect.stringMatching(/^page 1 : annotation Widget \(\d+R\) absente de la structure$/)]);
  } finally {
    if (saved === undefined) delete process.env[PASSWORD_VARIABLE];
    else process.env[PASSWORD_VARIABLE] = saved;
    await rm(dir, { recursive: true, force: true });
  }
});

/** The parts of pdfkit's (0.19) tagging API these tests use; @types/pdfkit lacks some. */
interface StructElement {
  add(child: StructElement | MarkedContent): StructElement;
  end(): void;
}
type MarkedContent = object;
interface TaggingDoc {
  struct(type: string, options?: Record<string, unknown>, children?: (() => void) | (StructElement | MarkedContent)[]): StructElement;
  addStructure(s: StructElement): TaggingDoc;
  markContent(tag: string, options?: Record<string, unknown>): TaggingDoc;
  markStructureContent(tag: string, options?: Record<string, unknown>): MarkedContent;
  endMarkedContent(): TaggingDoc;
  addContent(operators: string): TaggingDoc;
  text(text: string, x?: number, y?: number): TaggingDoc;
  rect(x: number, y: number, w: number, h: number): TaggingDoc;
  fill(color?: string): TaggingDoc;
  on(event: 'data', fn: (chunk: Buffer) => void): void;
  on(event: 'end', fn: () => void): void;
  end(): void;
}

/** Builds a PDF with raw pdfkit (no pdfmake, none of the product's tagging). */
function pdfkitPdf(options: Record<string, unknown>, draw: (doc: TaggingDoc) => void): Promise<Uint8Array> {
  return new Promise((resolve) => {
    const doc = new PDFDocument({ compress: false, ...options }) as unknown as TaggingDoc;
    const chunks: Buffer[] = [];
    doc.on('data', (c) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    draw(doc);
    doc.end();
  });
}

describe('the checker fails PDFs broken on purpose', () => {
  it('an untagged PDF: untagged text, no structure, no MarkInfo, no language, no title shown', async () => {
    const report = await checkPdfUa(await pdfkitPdf({}, (doc) => doc.text('Texte sans balise', 72, 72)));
    expect(Object.keys(failingRules(report)).sort()).toEqual(['content-tagged', 'lang', 'marked', 'pdfua-identifier', 'title'].sort());
    expect(report['content-tagged']).toContain('page 1 : 1 texte(s) hors de tout contenu balisé ou artefact');
  });

  it('a tagged PDF with every structure defect the rules look for', async () => {
    const bytes = await pdfkitPdf({ tagged: true, lang: 'fr-FR', displayTitle: true, pdfVersion: '1.7', info: { Title: 'Document cassé' } }, (doc) => {
      const root = doc.struct('Document');
      doc.addStructure(root);
      const tagged = (type: string, text: string, options: Record<string, unknown> = {}) => doc.struct(type, options, () => doc.text(text));
      root.add(tagged('H2', 'Commence au niveau 2'));
      root.add(tagged('H4', 'Saute le niveau 3'));
      // Table: a TH without Scope, a TD straight under Table.
      const table = doc.struct('Table');
      root.add(table);
      const tr = doc.struct('TR');
      table.add(tr);
      tr.add(tagged('TH', 'En-tête sans portée'));
      table.add(tagged('TD', 'Cellule hors ligne'));
      // List: LBody straight under L, an LI without Lbl.
      const list = doc.struct('L');
      root.add(list);
      list.add(tagged('LBody', 'Corps hors élément'));
      const li = doc.struct('LI');
      list.add(li);
      li.add(tagged('LBody', 'Élément sans étiquette'));
      // A figure without Alt nor BBox.
      root.add(doc.struct('Figure', {}, () => doc.rect(72, 400, 100, 50).fill('#336699')));
      // Marked content whose MCID no element references, text outside any marked content.
      doc.markStructureContent('P');
      doc.text('MCID orphelin', 72, 500);
      doc.endMarkedContent();
      doc.text('Texte hors structure', 72, 550);
      // Tagged content inside an artifact (raw operators: pdfkit's markContent would close it).
      doc.addContent('/Artifact BMC');
      root.add(tagged('P', 'Balisé dans un artefact'));
      doc.addContent('EMC');
      for (const s of [table, list, li, root]) s.end();
    });
    const report = await checkPdfUa(bytes);
    const failing = Object.keys(failingRules(report)).sort();
    expect(failing).toEqual(
      ['content-tagged', 'content-nesting', 'headings', 'table-structure', 'th-scope', 'list-structure', 'list-labels', 'figure-alt', 'figure-bbox', 'pdfua-identifier'].sort(),
    );
    expect(report.headings).toEqual(['premier titre H2 (attendu : H1)', 'H4 après H2 : niveau sauté']);
    expect(report['table-structure']).toContain('TD dans Table (attendu : TR, THead, TBody, TFoot, Caption)');
    expect(report['list-structure']).toContain('LBody dans L (attendu : LI, L, Caption)');
    expect(report['content-tagged'].join('\n')).toMatch(/texte\(s\) hors de tout contenu balisé ou artefact/);
    expect(report['content-tagged'].join('\n')).toMatch(/MCID n'est relié à aucun élément de structure/);
  });

  it('covers each rule it declares', () => {
    expect(Object.keys(PDFUA_RULES)).toHaveLength(14);
  });
});
