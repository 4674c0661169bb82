/**
 * The main job end to end: `alses render` on the real data writes the annexes as PDF, DOCX and
 * HTML; reading the files back finds every row of both reference tables, cell by cell, in order,
 * with TOTAL 11 and TOTAL 41, and the note de présentation's text with every figure computed.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';
import { docxTables, docxXml, htmlTables, pdfInfo, pdfText, pdfTextItems } from './helpers/readback.ts';
import { DEPLOIEMENT_RENTREE_2019, expectedRows, LISTE_JUILLET_2019, rowPattern, squash, squashUnhyphenated, type ReferenceTable } from './helpers/reference.ts';

let out: string;
const file = (name: string) => readFile(path.join(out, name));

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'alses-annexes-'));
  const run = await runCli(['render', '--out', out]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const ANNEXES = [
  { name: 'annexe-deploiement-rentree-2019', tables: [DEPLOIEMENT_RENTREE_2019] },
  { name: 'annexe-liste-juillet-2019', tables: [LISTE_JUILLET_2019] },
  { name: 'note-presentation', tables: [DEPLOIEMENT_RENTREE_2019, LISTE_JUILLET_2019] },
] as const;


describe('alses render on the real data', () => {
  it('writes exactly one PDF, DOCX and HTML per annex and the manifest, no temp file', async () => {
    expect((await readdir(out)).sort()).toEqual([...ANNEXES.flatMap((a) => ['docx', 'html', 'pdf'].map((f) => `${a.name}.${f}`)), 'manifest.json'].sort());
  });

  describe.each(ANNEXES)('$name', ({ name, tables }) => {
    it('DOCX: every cell of the reference tables, in order', async () => {
      const produced = (await docxTables(await file(`${name}.docx`))).map((t) => t.map((r) => r.map(squash)));
      expect(produced).toEqual(tables.map(expectedRows));
    });

    it('HTML: every cell of the reference tables, in order', async () => {
      const produced = htmlTables((await file(`${name}.html`)).toString('utf8')).map((t) => t.map((r) => r.map(squash)));
      expect(produced).toEqual(tables.map(expectedRows));
    });

    it('PDF: every row of the reference tables as a line, in order', async () => {
      const text = (await pdfText(await file(`${name}.pdf`))).join('\n');
      for (const t of tables) {
        let from = 0;
        for (const row of [...t.body, ['TOTAL', t.total]]) {
          const match = rowPattern(row).exec(text.slice(from));
          expect(match, `${row.join(' | ')} after offset ${from}`).not.toBeNull();
          from += match!.index + match![0].length;
        }
      }
    });
  });

  it('shows "0,5" twice and TOTAL 41 in the July list, in all three formats', async () => {
    const pdf = (await pdfText(await file('annexe-liste-juillet-2019.pdf'))).join('\n');
    expect(pdf.match(/\b0,5\b/g)).toHaveLength(2);
    expect(pdf).toMatch(/TOTAL\s+41/);
    const docx = (await docxTables(await file('annexe-liste-juillet-2019.docx')))[0]!;
    expect(docx.filter((r) => r[3] === '0,5')).toHaveLength(2);
    expect(docx.at(-1)).toEqual(['TOTAL', '41']);
    const html = htmlTables((await file('annexe-liste-juillet-2019.html')).toString('utf8'))[0]!;
    expect(html.filter((r) => r[3] === '0,5')).toHaveLength(2);
  });

  it('the note de présentation carries the reference text with computed figures', async () => {
    // Lines hyphenated inside a word (« spé-\ncialisée ») read as the word.
    const text = squash((await pdfText(await file('note-presentation.pdf'))).join(' ').replace(/(\p{Ll})-\n(\p{Ll})/gu, '$1$2'));
    for (const sentence of [
      'ACTEURS DE LIAISON SOCIALE EN ENVIRONNEMENT SCOLAIRE',
      "Les Acteurs de Liaison Sociale en Environnement Scolaire (ALSES) sont des éducateurs de prévention spécialisée",
      'véhiculent une autre image de l’institution scolaire pour les élèves',
      'pour atteindre une cinquantaine de postes sur le territoire d\'ici 2020 (cf les délibérations du 17 décembre 2015 et du 22 mai 2017).',
      'Le Département compte 41 postes ALSES répartis dans 42 collèges du Département au 15 juillet 2019.',
      'Par ailleurs, par délibération du 17 décembre 2018, le Département s’est engagé dans la stratégie nationale',
      'en créant à l’horizon 2021, 30 postes d’ALSES.',
      'Ainsi, la délibération du 1er juillet 2019 a acté le déploiement de 11 postes ALSES supplémentaires à la rentrée 2019 (cf liste ci-dessous) en privilégiant les collèges en REP ou REP +.',
      'Collèges recevant un poste ALSES à la rentrée 2019 (11 collèges)',
      'Collèges accueillant un ALSES au 15 juillet 2019 (42 collèges)',
    ]) {
      expect(text).toContain(sentence);
    }
  });

  it('sets document properties: title, subject, author = collectivité, language fr-FR', async () => {
    const info = await pdfInfo(await file('annexe-deploiement-rentree-2019.pdf'));
    expect(info.title).toBe('Déploiement du dispositif ALSES à la rentrée 2019');
    expect(squash(info.subject)).toBe('Annexe à la délibération du 1er juillet 2019');
    expect(info.author).toBe('Département du Nord');
    expect(info.lang).toBe('fr-FR');
    const core = await docxXml(await file('annexe-deploiement-rentree-2019.docx'), 'docProps/core.xml');
    expect(core).toContain('<dc:title>Déploiement du dispositif ALSES à la rentrée 2019</dc:title>');
    expect(core).toContain('<dc:creator>Département du Nord</dc:creator>');
    const styles = await docxXml(await file('annexe-deploiement-rentree-2019.docx'), 'word/styles.xml');
    expect(styles).toMatch(/w:lang w:val="fr-FR"/);
    const html = (await file('annexe-deploiement-rentree-2019.html')).toString('utf8');
    expect(html).toMatch(/<html lang="fr/);
    expect(html).toContain('<title>Déploiement du dispositif ALSES à la rentrée 2019</title>');
  });

  it('gives the note its real title in the PDF, DOCX and HTML properties, not its capitalised h1', async () => {
    const title = 'Note de présentation — Acteurs de Liaison Sociale en Environnement Scolaire';
    expect((await pdfInfo(await file('note-presentation.pdf'))).title).toBe(title);
    expect(await docxXml(await file('note-presentation.docx'), 'docProps/core.xml')).toContain(`<dc:title>${title}</dc:title>`);
    expect((await file('note-presentation.html')).toString('utf8')).toContain(`<title>${title}</title>`);
  });

  it('captions each table distinctly from the annex title (no title read twice)', async () => {
    for (const name of ['annexe-deploiement-rentree-2019', 'annexe-liste-juillet-2019']) {
      const info = await pdfInfo(await file(`${name}.pdf`));
      const lines = (await pdfText(await file(`${name}.pdf`))).join('\n').split('\n').map(squash);
      expect(lines.filter((l) => l.toLowerCase() === squash(info.title).toLowerCase()), name).toHaveLength(1);
    }
    const liste = squash((await pdfText(await file('annexe-liste-juillet-2019.pdf'))).join(' '));
    expect(liste).toContain('Collèges accueillant un ALSES au 15 juillet 2019 (42 collèges)');
  });

  describe('French typesetting (issue 10)', () => {
    it('writes the template\'s own text with the typographic apostrophe ’; data values keep what staff typed', async () => {
      // Words hyphenated at a line end (« l’ac- compagnement ») are joined back before matching.
      const note = squashUnhyphenated((await pdfText(await file('note-presentation.pdf'))).join(' '));
      for (const words of ['de l’accompagnement', 'de l’établissement', 'de l’institution', 'avec l’objectif', 'postes d’éducateurs', 's’est engagé', 'l’intervention', 'à l’horizon 2021', 'postes d’ALSES', 'Nombre d’ETP']) {
        expect(note).toContain(words);
      }
      for (const words of ["l'accompagnement", "l'institution", "s'est", "l'horizon", "d'ALSES", "d'ETP"]) expect(note).not.toContain(words);
      // "d'ici 2020" is the objectif's libellé in data/dispositif.yaml: printed as typed.
      expect(note).toContain("territoire d'ici 2020");
      const html = (await file('annexe-deploiement-rentree-2019.html')).toString('utf8');
      expect(html).toContain('Nombre d’ETP');
      expect(await docxXml(await file('annexe-deploiement-rentree-2019.docx'), 'word/document.xml')).toContain('Nombre d’ETP');
    });

    it('sets the "er" of "1er juillet 2019" as a superscript: smaller and raised in PDF, vertAlign in DOCX, <sup> in HTML', async () => {
      const items = await pdfTextItems(await file('annexe-deploiement-rentree-2019.pdf'));
      const ers = items.flatMap((item, i) => {
        const before = items[i - 1];
        return item.str === 'er' && before?.str.endsWith('1') ? [{ before, er: item }] : [];
      });
      expect(ers.length).toBeGreaterThan(0);
      for (const { before, er } of ers) {
        expect(er.size).toBeLessThan(before.size * 0.8);
        expect(er.y).toBeGreaterThan(before.y + 2);
        expect(er.x).toBeGreaterThan(before.x);
      }
      const xml = await docxXml(await file('annexe-deploiement-rentree-2019.docx'), 'word/document.xml');
      expect(xml).toMatch(/<w:r><w:rPr>(?:(?!<\/w:rPr>).)*<w:vertAlign w:val="superscript"\/><\/w:rPr><w:t xml:space="preserve">er<\/w:t><\/w:r>/);
      const html = (await file('annexe-deploiement-rentree-2019.html')).toString('utf8');
      expect(html).toContain('1<sup>er</sup>\u00a0juillet\u00a02019');
    });
  });

  it('prints the running header and "Page X / Y" on every PDF page', async () => {
    const pages = await pdfText(await file('note-presentation.pdf'));
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((p, i) => {
      expect(squash(p)).toContain('Département du Nord — Note de présentation');
      expect(squash(p)).toContain(`Page ${i + 1} / ${pages.length}`);
    });
  });

  it('is byte-reproducible: a second run gives the same SHA-256 for every file', async () => {
    const again = await mkdtemp(path.join(tmpdir(), 'alses-annexes-2-'));
    try {
      expect((await runCli(['render', '--out', again])).code).toBe(0);
      for (const f of await readdir(out)) {
        const h = async (dir: string) => createHash('sha256').update(await readFile(path.join(dir, f))).digest('hex');
        expect(await h(again), f).toBe(await h(out));
      }
    } finally {
      await rm(again, { recursive: true, force: true });
    }
  });
});

describe('a list annex spanning pages (generated data set of 300 collèges)', () => {
  let big: string;
  beforeAll(async () => {
    big = await mkdtemp(path.join(tmpdir(), 'alses-big-'));
    const data = path.join(big, 'data');
    await cp('test/fixtures/dataset/valid-minimal', data, { recursive: true });
    const rows = Array.from({ length: 300 }, (_, i) => `COMMUNE ${String(i + 1).padStart(3, '0')};Collège n° ${i + 1};${i % 2 ? 'CAPEP' : 'AEP'};${i % 3 ? '1' : '0,5'}`);
    await writeFile(path.join(data, 'etats/2019-07-15.csv'), ['Commune;Collège;Structure porteuse;ETP', ...rows].join('\n') + '\n');
    const run = await runCli(['render', 'annexe-liste-juillet-2019', '--data', data, '--out', path.join(big, 'out')]);
    expect(run.stderr).toBe('');
  });
  afterAll(async () => {
    await rm(big, { recursive: true, force: true });
  });

  it('PDF: the header row is repeated at the top of page 2 and every page; TOTAL 250 after the last row', async () => {
    const pages = await pdfText(await readFile(path.join(big, 'out/annexe-liste-juillet-2019.pdf')));
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const header = rowPattern(LISTE_JUILLET_2019.header);
    for (const [i, page] of pages.entries()) {
      const firstRow = page.search(/COMMUNE \d{3}/);
      expect(firstRow, `page ${i + 1}`).toBeGreaterThan(0);
      expect(header.exec(page.slice(0, firstRow)), `header on page ${i + 1}`).not.toBeNull();
    }
    expect(pages.at(-1)).toMatch(/COMMUNE 300\s+Collège n° 300\s+CAPEP\s+1\s+TOTAL\s+250/);
  });

  it('DOCX: the header row is marked to repeat (w:tblHeader), 300 body rows, TOTAL 250', async () => {
    const bytes = await readFile(path.join(big, 'out/annexe-liste-juillet-2019.docx'));
    const [table] = await docxTables(bytes);
    expect(table).toHaveLength(1 + 300 + 1);
    expect(table!.at(-1)).toEqual(['TOTAL', '250']);
    const xml = await docxXml(bytes, 'word/document.xml');
    expect(xml.match(/<w:tblHeader\/>/g)).toHaveLength(1);
  });
});

describe('the deployment annex lists its collèges in commune order, as published', () => {
  let dir: string;
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rows typed in shuffled order come out as the 2019 annex (commune order, typed order within a commune)', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'alses-shuffled-'));
    const data = path.join(dir, 'data');
    await cp('data', data, { recursive: true });
    const csv = path.join(data, 'deploiements/rentree-2019.csv');
    const [header, ...rows] = (await readFile(csv, 'utf8')).trimEnd().split('\n');
    // Communes out of order; within DENAIN, ROUBAIX and TOURCOING the typed order is kept.
    const shuffled = [...rows.filter((_, i) => i % 2 === 1).reverse(), ...rows.filter((_, i) => i % 2 === 0)];
    expect(shuffled.map((r) => r.split(';')[0])).not.toEqual(rows.map((r) => r.split(';')[0]));
    await writeFile(csv, [header, ...shuffled].join('\n') + '\n');
    const run = await runCli(['render', 'annexe-deploiement-rentree-2019', '--format', 'html', '--data', data, '--out', path.join(dir, 'out')]);
    expect(run.stderr).toBe('');
    const produced = htmlTables(await readFile(path.join(dir, 'out/annexe-deploiement-rentree-2019.html'), 'utf8')).map((t) => t.map((r) => r.map(squash)));
    expect(produced).toEqual([expectedRows(DEPLOIEMENT_RENTREE_2019)]);
  });
});
