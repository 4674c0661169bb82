/**
 * A workbook dropped on the web page holding only the new rentrée's sheets (README, "Chaque
 * année", "Avec un classeur"): read over data/ as `alses validate --classeur` reads it — the
 * other états and déploiements come from data/'s CSV files — then offered for rendering and
 * saved into data/ as `alses import --ecraser` would. Through `fastify.inject`.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.ts';
import { runCli } from './helpers/cli.ts';
import { pdfText } from './helpers/readback.ts';
import { squashUnhyphenated } from './helpers/reference.ts';
import { multipart } from './helpers/server.ts';

let tmp: string;
let data: string;
let xlsx: string;
let app: FastifyInstance;

/** The « Délibérations » sheet of the rentrée 2020: its header and its délibération. */
const DELIBERATION_2020 = [
  ['Id', 'Date', 'Objet', 'Numéro'],
  ['2020-07-06', '2020-07-06', 'déploiement de 5 postes ALSES supplémentaires à la rentrée 2020', 'DL-2020-123'],
];

/** The five collèges of the rentrée 2020, as staff type them. */
const RENTREE_2020 = [
  ['LILLE', 'Carnot', 'REP +', 1],
  ['ROUBAIX', 'Jean Lebas', 'REP +', 1],
  ['TOURCOING', 'Roger Salengro', 'REP', 0.5],
  ['VALENCIENNES', 'Jean Moulin', 'REP +', 1],
  ['MAUBEUGE', 'Coutelle', 'REP', 1],
] as const;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'alses-server-overlay-'));
  data = path.join(tmp, 'data');
  await cp('data', data, { recursive: true });
  // Only the rentrée 2020: its deliberation, its déploiement and the déploiement's collèges.
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('Délibérations').addRows(DELIBERATION_2020);
  wb.addWorksheet('Déploiements').addRows([
    ['Id', 'Libellé', 'Délibération', 'Effet'],
    ['rentree-2020', 'rentrée 2020', '2020-07-06', '2020-09-01'],
  ]);
  wb.addWorksheet('Déploiement rentree-2020').addRows([['Commune', 'Collège', 'Éducation prioritaire', 'ETP'], ...RENTREE_2020.map((r) => [...r])]);
  await mkdir(path.join(tmp, 'classeurs'));
  xlsx = path.join(tmp, 'classeurs', 'rentree-2020.xlsx');
  await writeFile(xlsx, Buffer.from(await wb.xlsx.writeBuffer()));
  app = await buildServer({ dataDir: data, templatesDir: 'templates', outDir: path.join(tmp, 'out'), limits: { timeoutMs: 60_000, maxMemoryMb: 512, threads: 1 }, uploadLimitBytes: 256 * 1024 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await rm(tmp, { recursive: true, force: true });
});

/** The fingerprint of data/ a home page sends back with its save form (empty when it has none). */
const shownOn = (body: string): string => /<input type="hidden" name="donnees" value="([0-9a-f]{64})">/.exec(body)?.[1] ?? '';

/**
 * A browser session that dropped the test workbook with Tourcoing's ETP (cell D4 of its
 * déploiement sheet) set to `etp`: its home page, with the fingerprint the save form sends, and
 * « Enregistrer » with a fingerprint (or with a raw form body).
 */
async function session(name: string, etp: number) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(xlsx);
  wb.getWorksheet('Déploiement rentree-2020')!.getCell('D4').value = etp;
  const upload = await app.inject({ method: 'POST', url: '/donnees', ...multipart([{ name, bytes: Buffer.from(await wb.xlsx.writeBuffer()) }]) });
  const cookie = String(upload.headers['set-cookie']).split(';')[0]!;
  const page = async () => {
    const home = await app.inject({ url: '/', headers: { cookie } });
    return { body: home.body, shown: shownOn(home.body) };
  };
  const save = (shown: string, payload = `donnees=${shown}`) =>
    app.inject({ method: 'POST', url: '/donnees/enregistrer', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload });
  return { page, save };
}

describe('a workbook of the rentrée 2020 sheets only, dropped on the page', () => {
  it('POST /api/validation: valid, like alses validate --classeur (no missing sheet for the 2019 état and déploiement)', async () => {
    const res = await app.inject({ method: 'POST', url: '/api/validation', ...multipart([{ name: 'rentree-2020.xlsx', bytes: await readFile(xlsx) }]) });
    const cli = await runCli(['validate', '--format', 'json', '--data', data, '--classeur', xlsx]);
    expect(JSON.parse(cli.stdout)).toEqual({ valide: true, problemes: [] });
    expect(res.json()).toEqual({ valide: true, problemes: [] });
    expect(res.statusCode).toBe(200);
  });

  it('the page offers the new déploiement, renders its annex, and saves the workbook into data/', async () => {
    const upload = await app.inject({ method: 'POST', url: '/donnees', ...multipart([{ name: 'rentree-2020.xlsx', bytes: await readFile(xlsx) }]) });
    expect(upload.statusCode).toBe(303);
    const cookie = String(upload.headers['set-cookie']).split(';')[0]!;

    const home = await app.inject({ url: '/', headers: { cookie } });
    expect(home.body).toContain('classeur « rentree-2020.xlsx » (les feuilles absentes viennent de data/)');
    expect(home.body).toContain('Aucun problème');
    // Counts agreed in French, not « état(s) ».
    expect(home.body).toContain(' : 1 état, 2 déploiements, 58 lignes.');
    // What « Enregistrer » would write, as alses import shows it, before anything is written.
    expect(home.body).toContain("<h3 id=\"t-changements\">Ce que l'enregistrement écrira dans <code>data/</code></h3>");
    const changes = /<pre class="changements">([\s\S]*?)<\/pre>/.exec(home.body)?.[1]?.split('\n');
    expect(changes).toContain('dispositif.yaml : modifié');
    expect(changes).toContain('deploiements/rentree-2020.csv : 5 lignes, nouveau');
    // The entries the workbook adds, in words, not YAML lines (trial finding: « +     libelle: rentrée 2020 »); the new déploiement's collèges.
    expect(changes).toContain('  + déploiement &quot;rentree-2020&quot; (rentrée 2020), effectif le 01/09/2020 (deploiements/rentree-2020.csv)');
    expect(changes?.some((l) => /^ {2}\+ {3}/.test(l))).toBe(false);
    expect(changes).toContain('  + LILLE — Carnot');
    expect(changes).toContain('logo.png : inchangé');
    expect(changes?.some((l) => l.startsWith('etats/2019-07-15.csv'))).toBe(false); // kept as it is: not listed
    expect(await readFile(path.join(data, 'dispositif.yaml'), 'utf8')).not.toContain('rentree-2020');

    const pdf = await app.inject({ url: '/api/documents/annexe-deploiement.pdf?deploiement=rentree-2020', headers: { cookie } });
    expect(pdf.statusCode).toBe(200);
    const text = squashUnhyphenated((await pdfText(pdf.rawPayload)).join('\n'));
    expect(text).toContain('Déploiement du dispositif ALSES à la rentrée 2020');
    expect(text).toContain('4,5 ETP dans 5 collèges');
    expect(text).toContain('TOURCOING Roger Salengro REP 0,5');

    // The page's save form carries the fingerprint of data/ its preview was made from.
    const shown = /<input type="hidden" name="donnees" value="([0-9a-f]{64})">/.exec(home.body)?.[1];
    expect(shown).toBeDefined();
    const save = await app.inject({ method: 'POST', url: '/donnees/enregistrer', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `donnees=${shown}` });
    expect(save.statusCode).toBe(303);
    // dispositif.yaml replaced: its previous version kept, in a folder the notice names.
    const location = String(save.headers.location);
    const stamp = /^\/\?fait=enregistre&ecrits=2&inchanges=3&sauvegarde=(\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2})$/.exec(location)?.[1];
    expect(stamp, location).toBeDefined();
    const saved = await app.inject({ url: location, headers: { cookie } });
    expect(saved.body).toContain(': 2 fichiers écrits, 3 inchangés. Version précédente des fichiers remplacés gardée dans ');
    expect(saved.body).toContain(`/.sauvegardes/${stamp}/.`);
    expect(await readFile(path.join(data, '.sauvegardes', stamp!, 'dispositif.yaml'))).toEqual(await readFile('data/dispositif.yaml'));
    // Counts that are not counts give no notice.
    expect((await app.inject({ url: '/?fait=enregistre&ecrits=abc&inchanges=-5', headers: { cookie } })).body).not.toContain('Données enregistrées');
    // A name that is not a backup's is not shown.
    expect((await app.inject({ url: '/?fait=enregistre&ecrits=1&inchanges=0&sauvegarde=%3Cb%3E', headers: { cookie } })).body).not.toContain('Version précédente');
    expect(await readFile(path.join(data, 'deploiements/rentree-2020.csv'), 'utf8')).toContain('TOURCOING;Roger Salengro;REP;0,5');
    expect(await readFile(path.join(data, 'dispositif.yaml'), 'utf8')).toContain('numero: DL-2020-123');
    // data/'s own files are kept.
    expect(await readFile(path.join(data, 'etats/2019-07-15.csv'))).toEqual(await readFile('data/etats/2019-07-15.csv'));
  }, 120_000);

  it('two sessions: the second « Enregistrer » after the first refuses to write a plan it did not show, then shows the new one (regression: it overwrote the first save silently)', async () => {
    const first = await session('premier.xlsx', 1);
    const second = await session('second.xlsx', 0.25);
    const seenByFirst = await first.page();
    const seenBySecond = await second.page();
    expect(seenBySecond.body).toContain('  ~ TOURCOING — Roger Salengro : ETP « 0,5 » → « 0,25 »');
    expect((await first.save(seenByFirst.shown)).statusCode).toBe(303);
    const csv = path.join(data, 'deploiements/rentree-2020.csv');
    const afterFirst = await readFile(csv, 'utf8');
    expect(afterFirst).toContain('TOURCOING;Roger Salengro;REP;1\n');

    const refused = await second.save(seenBySecond.shown);
    expect(refused.statusCode).toBe(409);
    const text = refused.body.replace(/&#39;/g, "'");
    expect(text).toContain("Rien n'a été écrit : ");
    expect(text).toContain("a changé depuis l'affichage de cette page (un autre enregistrement, une commande). Vérifiez ci-dessous ce que l'enregistrement écrira maintenant, puis enregistrez de nouveau.");
    // The new plan, against what the first session saved.
    expect(refused.body).toContain('  ~ TOURCOING — Roger Salengro : ETP « 1 » → « 0,25 »');
    expect(await readFile(csv, 'utf8')).toBe(afterFirst);
    const seenAgain = await second.page();
    expect((await second.save(seenAgain.shown)).statusCode).toBe(303);
    expect(await readFile(csv, 'utf8')).toContain('TOURCOING;Roger Salengro;REP;0,25\n');
  }, 120_000);

  it('a page left open is read over data/ as it is now: saving it keeps what a colleague saved in between (trial finding: the upload\'s copy of dispositif.yaml was written back, removing a colleague\'s catalogue entry)', async () => {
    const { page, save } = await session('page-ouverte.xlsx', 0.75);
    const { shown } = await page();
    // Meanwhile a colleague adds a document to the catalogue (the JSON API writes into data/).
    const added = await app.inject({ method: 'POST', url: '/api/catalogue', payload: { id: 'liste-du-collegue', modele: 'annexe-liste', au: '2019-07-15' } });
    expect(added.statusCode, added.body).toBe(201);
    const refused = await save(shown);
    expect(refused.statusCode).toBe(409);
    // The new plan changes the ETP only: dispositif.yaml is unchanged, nothing of the colleague's is removed.
    expect(refused.body).toContain('  ~ TOURCOING — Roger Salengro : ETP « 0,25 » → « 0,75 »');
    expect(refused.body).toMatch(/dispositif\.yaml : inchangé/);
    expect(refused.body).not.toMatch(/−[^\n]*liste-du-collegue/);
    // The page's documents are those of data/ as it is now, the colleague's among them.
    expect(refused.body).toContain('<a href="/documents/liste-du-collegue">Aperçu');
    expect((await save(shownOn(refused.body))).statusCode).toBe(303);
    expect(await readFile(path.join(data, 'dispositif.yaml'), 'utf8')).toContain('  - id: liste-du-collegue\n    modele: annexe-liste\n    au: 2019-07-15\n');
    expect(await readFile(path.join(data, 'deploiements/rentree-2020.csv'), 'utf8')).toContain('TOURCOING;Roger Salengro;REP;0,75\n');
  }, 120_000);

  it('two saves sent at once: one writes, the other writes nothing (409), checked under data/\'s lock (hostile trial: both wrote, the second over the first); a form without its fingerprint is refused (400)', async () => {
    const saver = async (name: string, etp: number) => {
      const { page, save } = await session(name, etp);
      const { shown } = await page();
      return (payload?: string) => save(shown, payload);
    };
    const first = await saver('ensemble-1.xlsx', 0.3);
    const second = await saver('ensemble-2.xlsx', 0.4);
    const missing = await first('');
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('champ « donnees » absent');
    const answers = await Promise.all([first(), second()]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([303, 409]);
    const refused = answers.find((a) => a.statusCode === 409)!;
    expect(refused.body.replace(/&#39;/g, "'")).toContain("a changé depuis l'affichage de cette page");
    const winner = answers[0]!.statusCode === 303 ? '0,3' : '0,4';
    expect(await readFile(path.join(data, 'deploiements/rentree-2020.csv'), 'utf8')).toContain(`TOURCOING;Roger Salengro;REP;${winner}\n`);
  }, 120_000);

  it('a new déploiement without its sheet: the message names the data folder, not the workspace\'s temporary folder (trial finding: « dans "/tmp/alses-serve-…/espace-…" »)', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Délibérations').addRows(DELIBERATION_2020);
    wb.addWorksheet('Déploiements').addRows([
      ['Id', 'Libellé', 'Délibération', 'Effet'],
      ['rentree-2021', 'rentrée 2021', '2020-07-06', '2021-09-01'],
    ]);
    wb.addWorksheet('Feuil1').addRows([['Commune', 'Collège', 'Éducation prioritaire', 'ETP'], ['LILLE', 'Verlaine', 'REP', 1]]);
    const upload = await app.inject({ method: 'POST', url: '/donnees', ...multipart([{ name: 'sans-feuille.xlsx', bytes: Buffer.from(await wb.xlsx.writeBuffer()) }]) });
    const cookie = String(upload.headers['set-cookie']).split(';')[0]!;
    const home = (await app.inject({ url: '/', headers: { cookie } })).body.replace(/&quot;/g, '"');
    expect(home).toContain(`ni fichier "deploiements/rentree-2021.csv" dans "${data}" : ajoutez au classeur la feuille`);
    expect(home).not.toContain(os.tmpdir() + path.sep + 'alses-serve-');
  });

  it('a faulty row of that workbook: the problem at its sheet and cell, counted in French', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    wb.getWorksheet('Déploiement rentree-2020')!.getCell('D4').value = 1.5;
    const upload = await app.inject({ method: 'POST', url: '/donnees', ...multipart([{ name: 'rentree-2020-faux.xlsx', bytes: Buffer.from(await wb.xlsx.writeBuffer()) }]) });
    const cookie = String(upload.headers['set-cookie']).split(';')[0]!;
    const home = await app.inject({ url: '/', headers: { cookie } });
    expect(home.body).toContain('rentree-2020-faux.xlsx Déploiement rentree-2020!D4');
    expect(home.body).toContain('<p>1 erreur, 0 avertissement.</p>');
  });

  it('a problem of a whole sheet (its name) shows no row of it (trial finding: the title row, A1 marked as the faulty cell)', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    wb.addWorksheet('Etat 15-07-2022').addRows([['Titre du tableau'], ['Commune', 'Collège', 'Structure porteuse', 'ETP'], ['ANZIN', 'Jules Ferry', 'CAPEP', 1]]);
    const upload = await app.inject({ method: 'POST', url: '/donnees', ...multipart([{ name: 'nom-de-feuille.xlsx', bytes: Buffer.from(await wb.xlsx.writeBuffer()) }]) });
    const cookie = String(upload.headers['set-cookie']).split(';')[0]!;
    const home = await app.inject({ url: '/', headers: { cookie } });
    expect(home.body).toContain('nom-de-feuille.xlsx Etat 15-07-2022!A1');
    expect(home.body).toContain('xlsx/sheet-name');
    expect(home.body).not.toContain('de la feuille « Etat 15-07-2022 »');
  });
});

describe('the starting workbook of a new état, from the page', () => {
  it('GET /classeur.xlsx?au=…: the état computed on that date, which dropped back on the page is valid', async () => {
    const home = await app.inject({ url: '/' });
    expect(home.body).toMatch(/<form class="formulaire" method="get" action="\/classeur.xlsx">/);
    expect(home.body).toMatch(/<input type="date" id="classeur-au" name="au" required value="\d{4}-\d{2}-\d{2}"/);

    const got = await app.inject({ url: '/classeur.xlsx?au=2020-07-15' });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(got.headers['content-disposition']).toBe('attachment; filename="classeur-2020-07-15.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(got.rawPayload as never);
    const sheet = wb.getWorksheet('État 2020-07-15')!;
    expect(sheet.getRow(2).values).toEqual([undefined, 'Commune', 'Collège', 'Structure porteuse', 'ETP', 'Éducation prioritaire', 'UAI', 'Code INSEE']);
    expect(sheet.rowCount).toBe(2 + 53);

    const upload = await app.inject({ method: 'POST', url: '/donnees', ...multipart([{ name: 'classeur-2020-07-15.xlsx', bytes: got.rawPayload }]) });
    const cookie = String(upload.headers['set-cookie']).split(';')[0]!;
    const checked = await app.inject({ url: '/', headers: { cookie } });
    expect(checked.body).toContain('Aucun problème');
    expect(checked.body).toContain(' : 2 états, 2 déploiements, ');
  });

  it('a date that is not one, or before the first état: a French notice on the page, no file', async () => {
    const bad = await app.inject({ url: '/classeur.xlsx?au=31%2F09%2F2020' });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toContain('text/html');
    expect(bad.body).toContain('Date « 31/09/2020 » invalide pour le classeur de départ (attendu : une date du calendrier, ex. 15/07/2020).');
    const early = await app.inject({ url: '/classeur.xlsx?au=2018-01-01' });
    expect(early.statusCode).toBe(400);
    expect(early.body).toContain('Classeur de départ : aucun état au 01/01/2018 ou avant : rien à reprendre');
  });
});
