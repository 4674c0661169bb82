/**
 * The catalogue through the web server's JSON API (README, "Page web"): a numbered annex added
 * with POST /api/catalogue is written to a copy of data/dispositif.yaml, listed, and renders
 * with its « Annexe n° … à la délibération du … » line; every problem of a refused entry comes
 * at once, each with its field; the data folder's lock is taken; DELETE removes the entry.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withOutputLock } from '../src/output/lock.ts';
import { buildServer } from '../src/server/app.ts';
import { runCli } from './helpers/cli.ts';
import { htmlTables } from './helpers/readback.ts';
import { expectedRows, LISTE_JUILLET_2019, squash } from './helpers/reference.ts';

let tmp: string;
let data: string;
let app: FastifyInstance;
let original: string;
const yaml = () => readFile(path.join(data, 'dispositif.yaml'), 'utf8');
const post = (payload: Record<string, unknown>) => app.inject({ method: 'POST', url: '/api/catalogue', payload });

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'alses-server-catalogue-'));
  data = path.join(tmp, 'data');
  await cp('data', data, { recursive: true });
  original = await yaml();
  app = await buildServer({ dataDir: data, templatesDir: 'templates', outDir: path.join(tmp, 'out'), limits: { timeoutMs: 60_000, maxMemoryMb: 512, threads: 1 } });
});
afterAll(async () => {
  await app?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('POST /api/catalogue', () => {
  it('refuses an entry with every problem at once, each with its field, and writes nothing (422)', async () => {
    const res = await post({ id: 'Annexe 3', modele: 'annexe-liste', au: '15/07/2019', deploiement: 'rentree-2019', deliberation: '2019-07-02', annexe: 'trois' });
    expect(res.statusCode).toBe(422);
    const body = res.json() as { erreur: string; problemes: { champ: string; message: string }[] };
    expect(body.erreur).toBe('Le document n\'a pas été ajouté au catalogue.');
    expect(body.problemes.map((p) => p.champ).sort()).toEqual(['annexe', 'au', 'deliberation', 'deploiement', 'id']);
    const of = (champ: string) => body.problemes.find((p) => p.champ === champ)!.message;
    expect(of('id')).toBe('le champ id « Annexe 3 » est invalide (attendu : minuscules, chiffres et tirets, au plus 80 caractères, ex. annexe-liste-juillet-2020)');
    expect(of('au')).toBe('le champ au « 15/07/2019 » n\'est pas une date (attendu : AAAA-MM-JJ, ex. 2020-07-06)');
    expect(of('annexe')).toBe('le champ annexe « trois » est invalide (attendu : un numéro entier de 1 à 999, ex. 1)');
    expect(of('deploiement')).toBe('le modèle « annexe-liste » ne prend pas le champ deploiement (attendu : le champ au)');
    expect(of('deliberation')).toContain('le champ deliberation « 2019-07-02 » absente de');
    // The API names its JSON fields, never the command's options (regression: « --au » to an API client).
    expect(body.problemes.filter((p) => p.message.includes('--'))).toEqual([]);
    expect(await yaml()).toBe(original);
  });

  it('refuses an annex number of 20 digits in French, as any other wrong number (trial finding: Zod\'s English « Too big »)', async () => {
    const res = await post({ id: 'annexe-liste-2', modele: 'annexe-liste', au: '2019-07-15', deliberation: '2019-07-01', annexe: '99999999999999999999' });
    expect(res.statusCode).toBe(422);
    expect((res.json() as { problemes: unknown[] }).problemes).toEqual([
      { champ: 'annexe', message: 'le champ annexe « 99999999999999999999 » est invalide (attendu : un numéro entier de 1 à 999, ex. 1)' },
    ]);
    expect(await yaml()).toBe(original);
  });

  it('adds a list dated on no état\'s date with a warning naming the état it will show, on the page and in the API (staff trial: 2021-07-14 for 15/07/2021 gave last year\'s list silently)', async () => {
    const res = await post({ id: 'liste-aout-2019', modele: 'annexe-liste', au: '2019-08-01' });
    expect(res.statusCode, res.body).toBe(201);
    const warning =
      "Aucun état n'est daté du 01/08/2019 : le document « liste-aout-2019 » montrera l'état calculé à cette date, celui du 15/07/2019 et les déploiements effectifs jusqu'au 01/08/2019. Pour la liste d'un état, sa date exacte.";
    expect((res.json() as { avertissements?: string[] }).avertissements).toEqual([warning]);
    const page = await app.inject({ url: '/?fait=catalogue&id=liste-aout-2019' });
    expect(page.body.replace(/&#39;/g, "'")).toContain(`ajouté au catalogue de ${data}/dispositif.yaml : il figure dans la liste des documents ci-dessous, prêt à télécharger. Attention : ${warning}`);
    expect((await app.inject({ method: 'DELETE', url: '/api/catalogue/liste-aout-2019' })).statusCode).toBe(200);
    // An état's own date: no warning.
    const exact = await post({ id: 'liste-juillet-2019-ter', modele: 'annexe-liste', au: '2019-07-15' });
    expect(exact.json()).toEqual({ id: 'liste-juillet-2019-ter', fichiers: [expect.stringMatching(/dispositif\.yaml$/)] });
    expect((await app.inject({ url: '/?fait=catalogue&id=liste-juillet-2019-ter' })).body).not.toContain('Attention');
    expect((await app.inject({ method: 'DELETE', url: '/api/catalogue/liste-juillet-2019-ter' })).statusCode).toBe(200);
    expect(await yaml()).toBe(original);
  });

  it('the page\'s « Retirer du catalogue » removes an entry only when confirmed (staff trial: one click removed it)', async () => {
    expect((await post({ id: 'liste-a-retirer', modele: 'annexe-liste', au: '2019-07-15' })).statusCode).toBe(201);
    const withEntry = await yaml();
    const home = await app.inject({ url: '/' });
    expect(home.body).toContain('<input type="checkbox" id="retirer-confirme" name="confirme" value="oui" required> <label for="retirer-confirme">Oui, retirer ce document du catalogue</label>');
    const remove = (payload: string) => app.inject({ method: 'POST', url: '/catalogue/retirer', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });
    const unconfirmed = await remove('id=liste-a-retirer');
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('Rien n&#39;a été retiré : cochez « Oui, retirer ce document du catalogue » pour confirmer le retrait de « liste-a-retirer ».');
    expect(await yaml()).toBe(withEntry);
    const confirmed = await remove('id=liste-a-retirer&confirme=oui');
    expect(confirmed.statusCode).toBe(303);
    expect(confirmed.headers.location).toBe('/?fait=retire&id=liste-a-retirer');
    expect(await yaml()).toBe(original);
  });

  it('refuses a list of the state before the first état (re-check: accepted, then every document was blocked)', async () => {
    const res = await post({ id: 'liste-2018', modele: 'annexe-liste', au: '2018-01-01' });
    expect(res.statusCode).toBe(422);
    expect((res.json() as { problemes: unknown[] }).problemes).toEqual([
      { champ: 'au', message: "le champ au « 2018-01-01 » : avant le premier état, du 15/07/2019, il n'y a aucun état à montrer (attendu : une date à partir du 15/07/2019, de préférence celle d'un état : 2019-07-15)" },
    ]);
    expect(await yaml()).toBe(original);
  });

  it('refuses a modèle that needs a parameter not given, and an id already in the catalogue, in the order of the fields', async () => {
    const res = await post({ id: 'annexe-liste-juillet-2019', modele: 'annexe-deploiement', annexe: 1 });
    expect(res.statusCode).toBe(422);
    const { problemes } = res.json() as { problemes: { champ: string; message: string }[] };
    expect(problemes).toEqual([
      { champ: 'id', message: expect.stringContaining('le document « annexe-liste-juillet-2019 » existe déjà dans') },
      { champ: 'deploiement', message: 'le modèle « annexe-deploiement » demande le champ deploiement (attendu : le déploiement dont le document liste les postes)' },
    ]);
    expect(await yaml()).toBe(original);
  });

  it('refuses what would print a wrong « Annexe n° … » line: another délibération than the déploiement\'s (regression: written, then every document and the monthly report were blocked), a number without délibération, a number taken (regression: both accepted)', async () => {
    const mismatch = await post({ id: 'annexe-deploiement-bis', modele: 'annexe-deploiement', deploiement: 'rentree-2019', deliberation: '2019-07-01-bis', annexe: 4 });
    // (an unknown délibération: refused as such, not as a mismatch)
    expect((mismatch.json() as { problemes: { champ: string }[] }).problemes.map((p) => p.champ)).toEqual(['deliberation']);
    await cp(path.join(data, 'dispositif.yaml'), path.join(tmp, 'avant.yaml'));
    const yamlText = await yaml();
    // A second délibération, as « alses deliberation ajouter » registers it.
    expect((await runCli(['deliberation', 'ajouter', '--data', data, '--date', '2020-07-06', '--objet', 'postes 2020'])).code).toBe(0);
    try {
      const other = await post({ id: 'annexe-deploiement-bis', modele: 'annexe-deploiement', deploiement: 'rentree-2019', deliberation: '2020-07-06', annexe: 4 });
      expect(other.statusCode).toBe(422);
      expect((other.json() as { problemes: unknown[] }).problemes).toEqual([
        {
          champ: 'deliberation',
          message:
            "le champ deliberation « 2020-07-06 » : le déploiement « rentree-2019 » a été décidé par la délibération « 2019-07-01 », à laquelle ce document est annexé (attendu : celle-ci, ou aucune : elle se déduit du déploiement)",
        },
      ]);
      const orphan = await post({ id: 'annexe-liste-2020', modele: 'annexe-liste', au: '2019-07-15', annexe: 2 });
      expect((orphan.json() as { problemes: unknown[] }).problemes).toEqual([
        {
          champ: 'annexe',
          message: "le champ annexe « 2 » sans délibération : une annexe est numérotée dans la délibération à laquelle elle est jointe (attendu : la délibération à laquelle l'annexe est jointe, ou pas de numéro d'annexe)",
        },
      ]);
      // Annexe n° 1 of the délibération of 1 July 2019 is the déploiement's (by its déploiement), n° 2 the list's (named).
      for (const [entry, taken] of [
        [{ id: 'liste-bis', modele: 'annexe-liste', au: '2019-07-15', deliberation: '2019-07-01', annexe: 1 }, 'annexe-deploiement-rentree-2019'],
        [{ id: 'deploiement-bis', modele: 'annexe-deploiement', deploiement: 'rentree-2019', annexe: '2' }, 'annexe-liste-juillet-2019'],
      ] as const) {
        const res = await post(entry);
        expect(res.statusCode).toBe(422);
        expect((res.json() as { problemes: unknown[] }).problemes).toEqual([
          { champ: 'annexe', message: `le champ annexe « ${entry.annexe} » déjà donné au document « ${taken} », annexe de la même délibération « 2019-07-01 » (attendu : un autre numéro, ex. 3)` },
        ]);
      }
      // The same number for another délibération is free.
      const free = await post({ id: 'liste-2020', modele: 'annexe-liste', au: '2019-07-15', deliberation: '2020-07-06', annexe: 1 });
      expect(free.statusCode, free.body).toBe(201);
      expect((await runCli(['validate', '--data', data])).code).toBe(0);
    } finally {
      await cp(path.join(tmp, 'avant.yaml'), path.join(data, 'dispositif.yaml'));
    }
    expect(await yaml()).toBe(yamlText);
  });

  it('answers 409 while another command holds the data folder\'s lock, and writes nothing', async () => {
    const res = await withOutputLock(data, 0, () => post({ id: 'annexe-liste-2', modele: 'annexe-liste', au: '2019-07-15' }), { folder: 'données' });
    expect(res.statusCode).toBe(409);
    expect((res.json() as { erreur: string }).erreur).toContain('Une autre production est en cours dans');
    // The page has no --wait: the message names no command-line option (finding: « utilisez --wait » on the page).
    expect((res.json() as { erreur: string }).erreur).not.toContain('--wait');
    expect(await yaml()).toBe(original);
  });

  it('adds a numbered annex: listed, rendered with its « Annexe n° 3 » line and the reference table; DELETE removes it', async () => {
    const res = await post({ id: 'annexe-liste-juillet-2019-bis', modele: 'annexe-liste', au: '2019-07-15', deliberation: '2019-07-01', annexe: '3' });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ id: 'annexe-liste-juillet-2019-bis', fichiers: [expect.stringMatching(/dispositif\.yaml$/)] });
    expect(await yaml()).toBe(`${original}  - id: annexe-liste-juillet-2019-bis\n    modele: annexe-liste\n    au: 2019-07-15\n    deliberation: 2019-07-01\n    annexe: 3\n`);

    const list = (await app.inject({ url: '/api/documents' })).json() as { documents: { id: string }[] };
    expect(list.documents.map((d) => d.id)).toContain('annexe-liste-juillet-2019-bis');
    const doc = await app.inject({ url: '/api/documents/annexe-liste-juillet-2019-bis.html' });
    expect(doc.statusCode).toBe(200);
    // The reference line under the letterhead (not only the running header), « 1<sup>er</sup> » as the 2019 annexes set it.
    expect(doc.body).toContain('<strong>Annexe n°\u00a03 à la délibération du 1<sup>er</sup>\u00a0juillet\u00a02019</strong>');
    expect(htmlTables(doc.body).map((t) => t.map((r) => r.map(squash)))).toEqual([expectedRows(LISTE_JUILLET_2019)]);

    const del = await app.inject({ method: 'DELETE', url: '/api/catalogue/annexe-liste-juillet-2019-bis' });
    expect(del.statusCode).toBe(200);
    expect(await yaml()).toBe(original);
    const again = await app.inject({ method: 'DELETE', url: '/api/catalogue/annexe-liste-juillet-2019-bis' });
    expect(again.statusCode).toBe(404);
    expect((again.json() as { erreur: string }).erreur).toContain('le document « annexe-liste-juillet-2019-bis » n\'est pas dans');
  });

  it('the page\'s list of documents gives each numbered annex its « Annexe n° … » line, and says what a generic one produces without a choice (trial findings)', async () => {
    const page = await app.inject({ url: '/' });
    const rows = htmlTables(page.body.slice(page.body.lastIndexOf('<table', page.body.indexOf('<caption>Documents à produire')))).at(0)!.map((r) => r.map(squash));
    const row = (id: string) => rows.find((r) => new RegExp(`(^| )${id}( |$)`).test(r[0]!))?.[0];
    expect(row('annexe-liste-juillet-2019')).toContain('annexe-liste-juillet-2019 Annexe n° 2 à la délibération du 1er juillet 2019');
    expect(row('annexe-deploiement-rentree-2019')).toContain('Annexe n° 1 à la délibération du 1er juillet 2019');
    expect(row('note-presentation')).not.toContain('Annexe n°');
    expect(row('annexe-liste')).toMatch(/annexe-liste Sans choix : état au 15\/07\/2019 ; pour un autre choix : « Aperçu et paramètres »$/);
    expect(row('annexe-deploiement')).toMatch(/annexe-deploiement Sans choix : déploiement rentrée 2019 ; pour un autre choix/);
  });

  it('GET /api/catalogue offers the annex modèles with their parameters, and the délibérations in French', async () => {
    const res = await app.inject({ url: '/api/catalogue' });
    const body = res.json() as { modeles: { name: string; parametres: string[] }[]; deliberations: { id: string; label: string }[] };
    expect(body.modeles.map((m) => [m.name, m.parametres])).toEqual([
      ['annexe-deploiement', ['deploiement']],
      ['annexe-liste', ['au']],
      ['note-presentation', []],
    ]);
    expect(body.deliberations.find((d) => d.id === '2019-07-01')!.label).toMatch(/^du 01\/07\/2019 — /);
  });
});

describe('alses document ajouter, the same job on the command line', () => {
  it('reports every problem at once, named by its option (exit 2), and writes nothing', async () => {
    const run = await runCli(['document', 'ajouter', '--data', data, '--id', 'Annexe 3', '--modele', 'annexe-liste', '--annexe', '0']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--id « Annexe 3 » est invalide (attendu : minuscules, chiffres et tirets, au plus 80 caractères, ex. annexe-liste-juillet-2020)');
    expect(run.stderr).toContain('le modèle « annexe-liste » demande --au (attendu : la date de l\'état que le document présente, AAAA-MM-JJ)');
    expect(run.stderr).toContain('--annexe « 0 » est invalide (attendu : un numéro entier de 1 à 999, ex. 1)');
    expect(await yaml()).toBe(original);
  });

  it('a list before the first état written by hand in dispositif.yaml is its own error, naming the document: the command renders the others (it was « Aucun état au 01/01/2018 ou avant », from the dry run of the templates)', async () => {
    await writeFile(path.join(data, 'dispositif.yaml'), `${original}  - id: liste-2018\n    modele: annexe-liste\n    au: 2018-01-01\n`);
    try {
      const validate = await runCli(['validate', '--data', data]);
      expect(validate.code).toBe(1);
      expect(validate.stderr).toMatch(/dispositif\.yaml:\d+:9 {2}erreur {2}document "liste-2018" : état demandé au 1er janvier 2018, avant le premier état/);
      const render = await runCli(['render', '--data', data, '--out', path.join(tmp, 'sortie-2018'), '--format', 'html', 'annexe-liste-juillet-2019']);
      expect(render.code, render.stderr).toBe(0);
      expect(await readFile(path.join(tmp, 'sortie-2018', 'annexe-liste-juillet-2019.html'), 'utf8')).toContain('Liste des ALSES au sein des collèges');
    } finally {
      await writeFile(path.join(data, 'dispositif.yaml'), original);
    }
  });

  it('writes a list dated on no état\'s date and warns on its error output (exit 0)', async () => {
    const run = await runCli(['document', 'ajouter', '--data', data, '--id', 'liste-aout-2019', '--modele', 'annexe-liste', '--au', '2019-08-01']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      "alses : avertissement : Aucun état n'est daté du 01/08/2019 : le document « liste-aout-2019 » montrera l'état calculé à cette date, celui du 15/07/2019 et les déploiements effectifs jusqu'au 01/08/2019. Pour la liste d'un état, sa date exacte.\n",
    );
    expect((await runCli(['document', 'supprimer', '--data', data, '--id', 'liste-aout-2019'])).code).toBe(0);
    expect(await yaml()).toBe(original);
  });
});
