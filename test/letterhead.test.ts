/**
 * Letterhead, reference and signature block (issue 10, items 1–3): the collectivité's logo and
 * address on the first page of every document, "Annexe n° N à la délibération n° X du D" in the
 * running header and under the letterhead, the signature block and the publication mention at the
 * end — in the PDF, DOCX and HTML read back; and the logo's placed errors.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DomUtils } from 'htmlparser2';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/dataset/load.ts';
import { document, heading, paragraph } from '../src/document/builders.ts';
import { toHtml } from '../src/writers/html.ts';
import { toPdfDefinition } from '../src/writers/pdf/index.ts';
import { ROOT, runCli } from './helpers/cli.ts';
import { docxXml, parseXml, pdfImageCounts, pdfPageImages, pdfText, pdfTextItems, wordText } from './helpers/readback.ts';
import { checkPdfUa, failingRules } from './helpers/pdfua.ts';
import { renderDocx } from './helpers/writers.ts';

/** pdf.js reads U+00A0 as a space; DOCX and HTML keep it. The HTML's soft hyphens (U+00AD, the PDF's hyphenation points) are dropped. */
const plain = (s: string): string => s.replace(/\u00a0/g, ' ').replaceAll('\u00ad', '');

/** Text of each paragraph of a DOCX part (runs joined, superscripts inline), U+00A0 as a space. */
const docxParagraphs = (xml: string): string[] => DomUtils.getElementsByTagName('w:p', parseXml(xml).children, true).map((p) => plain(wordText(p)));

const SIGNATAIRE = `  signataire:
    lieu: Lille
    qualite: Le Président du Conseil départemental
    prenom: Camille
    nom: Martin
    mention: Pour le Président et par délégation
`;

let data: string;
let out: string;
const read = (name: string) => readFile(path.join(out, name));

/** A copy of data/ with a numbered délibération, a default signataire and a signed catalogue entry. */
async function dataCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'alses-letterhead-'));
  await cp(path.join(ROOT, 'data'), dir, { recursive: true });
  const file = path.join(dir, 'dispositif.yaml');
  let yaml = await readFile(file, 'utf8');
  yaml = yaml.replace('  nom: Département du Nord\n', `  nom: Département du Nord\n${SIGNATAIRE}`).replace('  # logo: logo.png\n', '  logo: logo.png\n');
  yaml = yaml.replace('  - id: 2019-07-01\n    date: 2019-07-01\n', '  - id: 2019-07-01\n    date: 2019-07-01\n    numero: DL-2019-42\n');
  yaml = yaml.replace(
    '    deploiement: rentree-2019\n    annexe: 1\n',
    '    deploiement: rentree-2019\n    annexe: 1\n    signature: { lieu: Lille, date: 2019-07-03, qualite: Le Vice-président, prenom: Dominique, nom: Dupont }\n',
  );
  await writeFile(file, yaml);
  return dir;
}

beforeAll(async () => {
  data = await dataCopy();
  out = await mkdtemp(path.join(tmpdir(), 'alses-letterhead-out-'));
  const run = await runCli(['render', '--data', data, '--out', out, '--publie-le', '2019-07-05']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect((await runCli(['monthly', '--data', data, '--month', '2019-09', '--out', out])).code).toBe(0);
}, 120_000);
afterAll(async () => {
  await rm(data, { recursive: true, force: true });
  await rm(out, { recursive: true, force: true });
});

describe('PDF', () => {
  it('shows the logo, the address and the reference on page 1, the reference in the running header of every page', async () => {
    const bytes = await read('annexe-liste-juillet-2019.pdf');
    const pages = await pdfText(bytes);
    const reference = 'Annexe n° 2 à la délibération n° DL-2019-42 du 1er juillet 2019';
    const first = pages[0]!.split('\n');
    expect(first.slice(0, 2)).toEqual(['Département du Nord — Dispositif ALSES — État au 15 juillet 2019', reference]);
    expect(first.slice(2, 6)).toEqual(['Département du Nord', '51 rue Gustave Delory', '59047 Lille Cedex', reference]);
    for (const page of pages) expect(page.split('\n')[1]).toBe(reference);
    const images = await pdfImageCounts(bytes);
    expect(images[0]).toBe(1);
    expect(images.slice(1).every((n) => n === 0)).toBe(true);
  });

  it('passes the PDF/UA checker with the logo (a Figure with its text alternative) and the signature', async () => {
    for (const name of ['annexe-liste-juillet-2019.pdf', 'note-presentation.pdf']) expect(failingRules(await checkPdfUa(await read(name)))).toEqual({});
  });

  it("takes a deployment annex's délibération, and ends with the entry's signature and the publication mention", async () => {
    const pages = await pdfText(await read('annexe-deploiement-rentree-2019.pdf'));
    expect(pages[0]).toContain('Annexe n° 1 à la délibération n° DL-2019-42 du 1er juillet 2019');
    const last = pages.at(-1)!.split('\n');
    const fait = last.indexOf('Fait à Lille, le 3 juillet 2019');
    expect(last.slice(fait, fait + 4)).toEqual(['Fait à Lille, le 3 juillet 2019', 'Le Vice-président', 'Dominique DUPONT', 'Publié le 5 juillet 2019']);
  });

  it("signs with the collectivité's signataire by default, mention line included; the note has no reference", async () => {
    const pages = await pdfText(await read('note-presentation.pdf'));
    expect(pages.join('\n')).not.toContain('Annexe n°');
    expect(pages[0]!.split('\n').slice(0, 3)).toContain('Département du Nord');
    const last = pages.at(-1)!.split('\n');
    const fait = last.findIndex((l) => l.startsWith('Fait à Lille'));
    expect(last.slice(fait + 1, fait + 5)).toEqual(['Pour le Président et par délégation', 'Le Président du Conseil départemental', 'Camille MARTIN', 'Publié le 5 juillet 2019']);
  });

  it('puts the letterhead on the monthly report, without reference or signature', async () => {
    const bytes = await read('rapport-mensuel-2019-09.pdf');
    const pages = await pdfText(bytes);
    expect(pages[0]).toContain('51 rue Gustave Delory');
    expect(pages.join('\n')).not.toMatch(/Annexe n°|Fait à/);
    expect((await pdfImageCounts(bytes))[0]).toBeGreaterThanOrEqual(1);
  });
});

describe('DOCX', () => {
  it('has the reference in the header and the body, the address, the signature, and the logo in word/media', async () => {
    const bytes = await read('annexe-liste-juillet-2019.docx');
    const xml = await docxXml(bytes, 'word/document.xml');
    const body = docxParagraphs(xml).join('\n');
    for (const t of ['Annexe n° 2 à la délibération n° DL-2019-42 du 1er juillet 2019', '51 rue Gustave Delory', 'Fait à Lille, le 1er juillet 2019', 'Pour le Président et par délégation', 'Camille MARTIN', 'Publié le 5 juillet 2019'])
      expect(body).toContain(t);
    expect(xml).toContain('descr="Département du Nord"');
    expect(xml).toMatch(/<w:keepNext\/>/);
    const zip = await JSZip.loadAsync(bytes);
    const headers = await Promise.all(zip.file(/^word\/header\d*\.xml$/).map((f) => f.async('string')));
    expect(headers.flatMap(docxParagraphs).join('\n')).toContain('Annexe n° 2 à la délibération n° DL-2019-42 du 1er juillet 2019');
    const logo = await readFile(path.join(ROOT, 'data', 'logo.png'));
    const media = await Promise.all(zip.file(/^word\/media\//).map((f) => f.async('nodebuffer')));
    expect(media.some((m) => m.equals(logo))).toBe(true);
  });
});

describe('HTML', () => {
  it('has the logo with its text alternative, the address, the reference and the signature kept together', async () => {
    const html = plain(await readFile(path.join(out, 'annexe-liste-juillet-2019.html'), 'utf8'));
    expect(html).toMatch(/<div class="letterhead">\n<p class="image"><img src="data:image\/png;base64,[^"]+" alt="Département du Nord"/);
    expect(html).toContain('Département du Nord<br>51 rue Gustave Delory<br>59047 Lille Cedex');
    expect(html).toContain('<strong>Annexe n° 2 à la délibération n° DL-2019-42 du 1<sup>er</sup> juillet 2019</strong>');
    expect(html).toMatch(/<\/table>\n<div class="signature">\n<p class="right">Fait à Lille, le 1<sup>er<\/sup> juillet 2019<\/p>/);
    expect(html).toContain('Camille MARTIN');
    expect(html).toContain('Publié le 5 juillet 2019');
  });
});

describe('every document of the catalogue and the monthly report (issue 10, done when)', () => {
  /** Each document: its file name, the annex number and the signatory the catalogue gives it. */
  let documents: { name: string; annexe?: number; signe?: { qualite: string; nom: string } }[];
  let logo: { bytes: Buffer; width: number; height: number };
  let adresse: string[];
  /** Words with a straight apostrophe in the data (a commune « VILLENEUVE D'ASCQ », « d'ici 2020 »…): printed as typed. */
  let dataWords: Set<string>;
  const APOSTROPHE_WORD = /[\p{L}\p{N}]*'[\p{L}\p{N}]*/gu;
  /** "1er" written inline before a month name (instead of 1 and a superscript "er"). */
  const INLINE_FIRST = /(?<![\p{L}\p{N}])1er[ \u00a0](?:janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre)/u;

  beforeAll(async () => {
    const { dataset } = await loadDataset(data);
    const signataire = dataset!.collectivite.signataire!;
    documents = [
      ...dataset!.documents.map((d) => {
        const s = d.signature ?? signataire;
        return { name: d.id, ...(d.annexe !== undefined ? { annexe: d.annexe } : {}), signe: { qualite: s.qualite, nom: `${s.prenom} ${s.nom.toLocaleUpperCase('fr-FR')}` } };
      }),
      { name: 'rapport-mensuel-2019-09' },
    ];
    expect(documents.map((d) => d.name)).toEqual(['annexe-deploiement-rentree-2019', 'annexe-liste-juillet-2019', 'note-presentation', 'rapport-mensuel-2019-09']);
    logo = { bytes: await readFile(path.join(data, dataset!.collectivite.logo!)), width: dataset!.logo!.width, height: dataset!.logo!.height };
    adresse = [dataset!.collectivite.nom, ...dataset!.collectivite.adresse!];
    const yaml = (await readFile(path.join(data, 'dispositif.yaml'), 'utf8')).replace(/(^|\s)#.*$/gm, '');
    const csv = await Promise.all([...dataset!.etats, ...dataset!.deploiements].map((t) => readFile(t.source, 'utf8')));
    dataWords = new Set([yaml, ...csv].flatMap((t) => t.match(APOSTROPHE_WORD) ?? []));
  });

  it('PDF: logo painted on page 1, address and annex reference on page 1, signature on the last page', async () => {
    for (const d of documents) {
      const bytes = await read(`${d.name}.pdf`);
      const images = await pdfPageImages(bytes);
      expect(images[0]!.slice(0, 1), d.name).toEqual([{ width: logo.width, height: logo.height }]);
      const pages = await pdfText(bytes);
      const first = pages[0]!.split('\n');
      expect(first.slice(first.indexOf(adresse[0]!), first.indexOf(adresse[0]!) + adresse.length), d.name).toEqual(adresse);
      if (d.annexe !== undefined) expect(pages[0], d.name).toContain(`Annexe n° ${d.annexe} à la délibération n° DL-2019-42 du 1er juillet 2019`);
      else expect(pages.join('\n'), d.name).not.toContain('Annexe n°');
      if (d.signe) expect(pages.at(-1), d.name).toMatch(new RegExp(`${d.signe.qualite}\n${d.signe.nom}\nPublié le 5 juillet 2019`));
      else expect(pages.join('\n'), d.name).not.toContain('Fait à');
    }
  });

  it('DOCX: the logo in word/media, drawn before the address in the first section; address, reference and signature', async () => {
    for (const d of documents) {
      const bytes = await read(`${d.name}.docx`);
      const zip = await JSZip.loadAsync(bytes);
      const xml = await zip.file('word/document.xml')!.async('string');
      const rels = await zip.file('word/_rels/document.xml.rels')!.async('string');
      const embed = /<w:drawing>[\s\S]*?r:embed="([^"]+)"/.exec(xml)?.[1];
      const target = new RegExp(`Id="${embed}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`Target="([^"]+)"[^>]*Id="${embed}"`).exec(rels)?.[1];
      expect(target, d.name).toBeDefined();
      expect((await zip.file(`word/${target}`)!.async('nodebuffer')).equals(logo.bytes), d.name).toBe(true);
      expect(xml.indexOf('<w:drawing>'), d.name).toBeLessThan(xml.indexOf('51 rue Gustave Delory'));
      expect(xml.indexOf('<w:sectPr'), d.name).toBeGreaterThan(xml.indexOf('<w:drawing>'));
      const body = docxParagraphs(xml);
      expect(body.find((p) => p.startsWith(adresse[0]!)), d.name).toBe(adresse.join('\n'));
      if (d.annexe !== undefined) expect(body, d.name).toContain(`Annexe n° ${d.annexe} à la délibération n° DL-2019-42 du 1er juillet 2019`);
      if (d.signe) expect(body, d.name).toContain(`${d.signe.qualite}\n${d.signe.nom}`);
      else expect(body.join('\n'), d.name).not.toContain('Fait à');
    }
  });

  it('HTML: the logo as a data URL first in the letterhead, address, reference and signature', async () => {
    for (const d of documents) {
      const html = plain(await readFile(path.join(out, `${d.name}.html`), 'utf8'));
      const src = /<div class="letterhead">\n<p class="image"><img src="data:image\/png;base64,([^"]+)"/.exec(html)?.[1];
      expect(src && Buffer.from(src, 'base64').equals(logo.bytes), d.name).toBe(true);
      expect(html, d.name).toContain(adresse.join('<br>'));
      if (d.annexe !== undefined) expect(html, d.name).toContain(`<strong>Annexe n° ${d.annexe} à la délibération n° DL-2019-42 du 1<sup>er</sup> juillet 2019</strong>`);
      if (d.signe) expect(html, d.name).toContain(`${d.signe.qualite}<br>${d.signe.nom}`);
    }
  });

  it("no straight apostrophe (U+0027) in the product's own text of any PDF, DOCX or HTML: only in words the data spells so", async () => {
    expect([...dataWords]).toContain("D'ASCQ");
    for (const d of documents) {
      const pdf = (await pdfText(await read(`${d.name}.pdf`))).join('\n');
      const docx = docxParagraphs(await docxXml(await read(`${d.name}.docx`), 'word/document.xml')).join('\n');
      const html = plain(await readFile(path.join(out, `${d.name}.html`), 'utf8')).replace(/<[^>]*>/g, ' ').replaceAll('&#39;', "'");
      for (const [format, textOf] of [['pdf', pdf], ['docx', docx], ['html', html]] as const) {
        const words = textOf.match(APOSTROPHE_WORD) ?? [];
        expect(words.filter((w) => !dataWords.has(w)), `${d.name}.${format}`).toEqual([]);
      }
    }
  });

  it('"1er" before a month: "er" smaller and raised in PDF (running header included), superscript in DOCX, <sup> in HTML — never inline', async () => {
    for (const d of documents) {
      const items = await pdfTextItems(await read(`${d.name}.pdf`));
      expect(items.filter((i) => INLINE_FIRST.test(i.str)).map((i) => i.str), d.name).toEqual([]);
      const ers = items.flatMap((er, i) => (er.str === 'er' && items[i - 1]?.str.endsWith('1') ? [{ before: items[i - 1]!, er }] : []));
      if (d.annexe !== undefined || d.signe) expect(ers.length, d.name).toBeGreaterThan(0);
      for (const { before, er } of ers) {
        expect(er.size, d.name).toBeLessThan(before.size * 0.8);
        expect(er.y, d.name).toBeGreaterThan(before.y + 1);
      }
      const zip = await JSZip.loadAsync(await read(`${d.name}.docx`));
      for (const part of zip.file(/^word\/(document|header\d*|footer\d*)\.xml$/)) {
        const xml = await part.async('string');
        expect([...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]!).filter((t) => INLINE_FIRST.test(t)), `${d.name} ${part.name}`).toEqual([]);
      }
      const html = await readFile(path.join(out, `${d.name}.html`), 'utf8');
      expect(INLINE_FIRST.test(html.replace(/<[^>]*>/g, '')) && !/1<sup>er<\/sup>/.test(html) ? 'inline' : 'ok', d.name).toBe('ok');
      expect(html.replace(/<[^>]*>/g, (tag) => (tag === '<sup>' || tag === '</sup>' ? tag : '')).match(INLINE_FIRST), d.name).toBeNull();
      if (d.annexe !== undefined || d.signe) {
        expect(html, d.name).toContain('1<sup>er</sup>');
        expect(await docxXml(await read(`${d.name}.docx`), 'word/document.xml'), d.name).toContain('<w:vertAlign w:val="superscript"/>');
      }
    }
  });
});

describe('logo errors', () => {
  /** Loads a copy of the data whose `logo:` line is `logo`, after `prepare` ran in it. */
  async function loadWithLogo(logo: string, prepare: (dir: string) => Promise<void> = async () => {}) {
    const dir = await dataCopy();
    try {
      const file = path.join(dir, 'dispositif.yaml');
      const yaml = await readFile(file, 'utf8');
      await writeFile(file, yaml.replace('  logo: logo.png\n', `  logo: ${logo}\n`));
      await prepare(dir);
      const line = (await readFile(file, 'utf8')).split('\n').findIndex((l) => l.startsWith('  logo:')) + 1;
      const { diagnostics } = await loadDataset(dir);
      return { errors: diagnostics.filter((d) => d.severity === 'error'), line };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  it('places a missing logo at the logo: line', async () => {
    const { errors, line } = await loadWithLogo('absent.png');
    expect(errors.map((d) => [d.ruleId, d.place?.line])).toEqual([['file/missing', line]]);
    expect(errors[0]!.message).toContain('"absent.png" introuvable');
  });

  it('refuses a logo outside the data folder', async () => {
    const { errors, line } = await loadWithLogo('../logo.png');
    expect(errors.map((d) => [d.ruleId, d.place?.line])).toEqual([['logo/outside', line]]);
  });

  it('refuses a file that is not a PNG image', async () => {
    const { errors, line } = await loadWithLogo('logo.jpg', (dir) => writeFile(path.join(dir, 'logo.jpg'), 'pas une image'));
    expect(errors.map((d) => [d.ruleId, d.place?.line])).toEqual([['logo/image', line]]);
    expect(errors[0]!.message).toMatch(/n'est pas une image PNG/);
  });
});

describe('signature block kept with the paragraph before it', () => {
  const signed = document(
    {
      title: 'Note',
      date: '2019-07-01',
      signature: { fait: 'Fait à Lille, le 1er juillet 2019', mention: 'Pour le Président et par délégation', qualite: 'Le Vice-président', nom: 'Dominique DUPONT' },
    },
    [heading(1, 'Note'), paragraph(['Premier paragraphe.']), paragraph(['Dernier paragraphe.'])],
  );

  it('PDF: one unbreakable stack of the last paragraph and the block', () => {
    const content = toPdfDefinition(signed).definition.content as { unbreakable?: boolean; stack?: unknown[] }[];
    const kept = content.at(-1)!;
    expect(kept.unbreakable).toBe(true);
    // Without the hyphenation marks (U+200B) of the justified paragraph.
    expect(JSON.stringify(kept.stack).replaceAll('\u200b', '')).toMatch(/Dernier paragraphe\..*Fait à Lille.*Pour le Président.*Dominique DUPONT/);
  });

  it('DOCX: keepNext from the last paragraph to the name, keepLines on each', async () => {
    const xml = await docxXml(await renderDocx(signed), 'word/document.xml');
    const paragraphs = xml.split('<w:p>').slice(1).concat(xml.split('<w:p ').slice(1));
    const kept = (text: string) => paragraphs.find((p) => p.includes(text))!;
    for (const text of ['Dernier paragraphe.', 'Fait à Lille', 'Pour le Président']) expect(kept(text)).toContain('<w:keepNext/>');
    expect(kept('Dominique DUPONT')).not.toContain('<w:keepNext/>');
    expect(kept('Premier paragraphe.')).not.toContain('<w:keepNext/>');
  });

  it('HTML: the last paragraph and the block in one div.keep', () => {
    expect(toHtml(signed).replaceAll('\u00ad', '')).toMatch(/<div class="keep">\n<p class="justify">Dernier paragraphe\.<\/p>\n<div class="signature">\n<p class="right">Fait à Lille/);
  });
});
