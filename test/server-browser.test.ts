/**
 * The staff page in a real browser (Debian's chromium driven by playwright-core; no browser
 * download): upload the seed workbook and see no problem; upload one with a broken ETP and see
 * the French message and the marked cell; preview the July 2019 list and download its PDF and
 * DOCX, read back cell by cell; produce a monthly report; axe-core on every page state.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.ts';
import { BROKEN_ROW, brokenEtpWorkbook, expectListeDocx, expectListePdf, listenLocally, seedWorkbook } from './helpers/server.ts';
import { launchChromium } from './helpers/browser.ts';

const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let tmp: string;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;

/** Runs axe-core on the page as it is; returns its violations (rule id, impact, targets). */
async function axeViolations(p: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  await p.evaluate(AXE_SOURCE);
  return p.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

/** Presses a form's button and waits for the page it leads to. */
async function submit(p: Page, button: string): Promise<void> {
  await Promise.all([p.waitForEvent('load'), p.getByRole('button', { name: button }).click()]);
}

/** Downloads what a link gives when clicked; returns its bytes. */
async function download(p: Page, name: string): Promise<Uint8Array> {
  const [file] = await Promise.all([p.waitForEvent('download'), p.getByRole('link', { name }).first().click()]);
  return new Uint8Array(await readFile((await file.path())!));
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'alses-server-browser-'));
  await cp('data', path.join(tmp, 'data'), { recursive: true });
  app = await buildServer({ dataDir: path.join(tmp, 'data'), templatesDir: 'templates', outDir: path.join(tmp, 'out'), limits: { timeoutMs: 60_000, maxMemoryMb: 512, threads: 2 } });
  base = await listenLocally(app);
  browser = await launchChromium();
  // bypassCSP: the page allows no script; axe-core is injected by the test only.
  page = await (await browser.newContext({ acceptDownloads: true, bypassCSP: true, locale: 'fr-FR' })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('the staff page, in chromium', () => {
  it('home: data/ is valid, documents listed, keyboard starts at the skip link, no axe violation', async () => {
    await page.goto(base + '/');
    await expect(page.locator('#aucun-probleme').textContent()).resolves.toMatch(/Aucun problème/);
    expect(await page.getByRole('row').filter({ hasText: 'annexe-liste-juillet-2019' }).count()).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Aller au contenu');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('the seed workbook uploaded (right after keyboard use): zero problems', async () => {
    await page.setInputFiles('#fichiers', await seedWorkbook(path.join(tmp, 'seed')));
    await submit(page, 'Vérifier ces données');
    expect(await page.locator('main').textContent()).toMatch(/classeur « alses\.xlsx »/);
    expect(await page.locator('#aucun-probleme').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Enregistrer dans les données' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('« Enregistrer dans les données » goes through import: canonical files in data/, still valid', async () => {
    await submit(page, 'Enregistrer dans les données');
    // (then, when files were replaced, the folder that keeps their previous version)
    const [, written, unchanged] = /: (\d+) fichiers? écrits?, (\d+) inchangés?\.(?: Version précédente des fichiers remplacés gardée dans \S+\/\.sauvegardes\/[\d_-]+\/\.)?$/.exec((await page.getByRole('status').textContent()) ?? '') ?? [];
    // dispositif.yaml, the état, the déploiement and the logo data/ holds.
    expect(Number(written) + Number(unchanged)).toBe(4);
    expect(await page.locator('main').textContent()).toMatch(/Données du dossier/);
    expect(await page.locator('#aucun-probleme').count()).toBe(1);
  });

  it('a workbook with a broken ETP: the French message, its place, and the row with the faulty cell marked', async () => {
    await page.setInputFiles('#fichiers', await brokenEtpWorkbook(path.join(tmp, 'broken')));
    await submit(page, 'Vérifier ces données');
    // No counts of the data in use while it has errors (they would leave out the faulty sheet).
    expect(await page.locator('section[aria-labelledby="t-donnees"] p').first().textContent()).toBe(
      'Données déposées sur cette page : classeur « alses-etp-faux.xlsx » (les feuilles absentes viennent de data/).',
    );
    const problem = page.locator('li.probleme').first();
    expect(await problem.textContent()).toMatch(/Erreur — alses-etp-faux\.xlsx État 2019-07-15!D10/);
    expect(await problem.textContent()).toMatch(/ETP "1[.,]5" hors limites/);
    const marked = problem.locator('td.en-faute');
    expect(await marked.count()).toBe(1);
    expect(await marked.textContent()).toMatch(new RegExp(`^1[.,]5 \\(cellule D${BROKEN_ROW} en faute\\)$`));
    expect(await problem.locator('caption').textContent()).toBe(`Ligne ${BROKEN_ROW} de la feuille « État 2019-07-15 », cellule en faute marquée`);
    expect(await page.getByRole('button', { name: 'Enregistrer dans les données' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await submit(page, 'Revenir aux données de data/');
    expect(await page.locator('#aucun-probleme').count()).toBe(1);
  });

  it('preview of annexe-liste-juillet-2019: its PDF pages; PDF and DOCX downloads hold the reference table', async () => {
    await page.locator('a[href="/documents/annexe-liste-juillet-2019"]').click();
    await page.waitForURL(/\/documents\/annexe-liste-juillet-2019$/);
    const images = page.locator('.apercu img');
    expect(await images.count()).toBe(2);
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('.apercu img')].every((i) => i.complete && i.naturalWidth === 800));
    expect(await axeViolations(page)).toEqual([]);
    await expectListePdf(await download(page, 'PDF'));
    await expectListeDocx(await download(page, 'DOCX'));
  });

  it('a past month\'s report produced from the page, then listed', async () => {
    await page.goto(base + '/');
    await page.fill('#mois', '2019-07');
    await submit(page, 'Produire le rapport');
    expect(page.url()).toMatch(/fait=rapport/);
    expect(await page.getByRole('status').textContent()).toBe('Rapport mensuel de juillet\u00a02019 produit.');
    expect(await page.getByRole('row').filter({ hasText: '2019-07' }).getByRole('link').count()).toBe(3);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a report on stale data says so on the page, as alses monthly does (exit 6)', async () => {
    await page.goto(base + '/');
    await page.fill('#mois', '2021-01');
    await submit(page, 'Produire le rapport');
    expect(await page.getByRole('status').textContent()).toBe(
      "Rapport mensuel de janvier\u00a02021 produit. Attention : données anciennes, l'état ou le déploiement le plus récent date du 2\u00a0septembre\u00a02019 ; ajoutez le nouvel état (classeur déposé sur cette page, ou « alses etat »), puis produisez à nouveau le rapport.",
    );
    expect(await page.getByRole('row').filter({ hasText: '2021-01' }).getByRole('link').count()).toBe(3);
  });
});
