/**
 * The catalogue on the staff page, in a real browser (Debian's chromium): a staff member adds a
 * numbered annex to a copy of data/ with the French form — first with mistakes, all shown at
 * once at the top and under each field, the values kept — then it is listed and renders with
 * its « Annexe n° 3 » line; removing it gives dispositif.yaml back byte for byte; axe-core finds
 * no violation on the form, with or without errors.
 */
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.ts';
import { launchChromium } from './helpers/browser.ts';
import { listenLocally } from './helpers/server.ts';
import { htmlTables } from './helpers/readback.ts';
import { expectedRows, LISTE_JUILLET_2019, squash } from './helpers/reference.ts';

const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let tmp: string;
let data: string;
let original: string;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;
const yaml = () => readFile(path.join(data, 'dispositif.yaml'), 'utf8');

async function axeViolations(p: Page): Promise<string[]> {
  await p.evaluate(AXE_SOURCE);
  return p.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string }[] }> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => v.id);
  });
}

async function submit(p: Page, button: string): Promise<void> {
  await Promise.all([p.waitForEvent('load'), p.getByRole('button', { name: button }).click()]);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'alses-catalogue-browser-'));
  data = path.join(tmp, 'data');
  await cp('data', data, { recursive: true });
  original = await yaml();
  app = await buildServer({ dataDir: data, templatesDir: 'templates', outDir: path.join(tmp, 'out'), limits: { timeoutMs: 60_000, maxMemoryMb: 512, threads: 1 } });
  base = await listenLocally(app);
  browser = await launchChromium();
  page = await (await browser.newContext({ bypassCSP: true, locale: 'fr-FR' })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('the catalogue form, in chromium', () => {
  it('a mistaken entry: every problem at the top and under its field, values kept, nothing written', async () => {
    await page.goto(base + '/');
    await page.getByLabel('Identifiant du document').fill('Annexe 3');
    await page.getByLabel('Modèle').selectOption('annexe-liste');
    await page.getByLabel('Déploiement').selectOption('rentree-2019');
    await page.getByLabel("Numéro d'annexe").fill('0');
    await submit(page, 'Ajouter au catalogue');
    const summary = page.locator('#catalogue-problemes');
    expect(await summary.getAttribute('role')).toBe('alert');
    // The summary, far down the page, takes the focus (and the view), and the title says what failed (regression: the page opened at its top, « Accueil »).
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('catalogue-problemes');
    expect(await summary.evaluate((e) => e.getBoundingClientRect().top >= 0 && e.getBoundingClientRect().top < window.innerHeight)).toBe(true);
    expect(await page.title()).toBe('Erreur : document non ajouté au catalogue (4 problèmes) — Documents du dispositif ALSES');
    expect(squash((await summary.textContent())!)).toContain("Le document n'a pas été ajouté : 4 problèmes à corriger.");
    expect(await summary.locator('li a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(['#doc-id', '#doc-au', '#doc-deploiement', '#doc-annexe']);
    // Each field: invalid, and described by its own message.
    const id = page.getByLabel('Identifiant du document');
    expect(await id.getAttribute('aria-invalid')).toBe('true');
    expect(await id.inputValue()).toBe('Annexe 3');
    expect(squash((await page.locator('#doc-id-erreur-0').textContent())!)).toBe("L'identifiant « Annexe 3 » est invalide (attendu : minuscules, chiffres et tirets, au plus 80 caractères, ex. annexe-liste-juillet-2020)");
    expect(squash((await page.locator('#doc-au-erreur-0').textContent())!)).toBe("Le modèle « annexe-liste » demande la date de l'état (attendu : la date de l'état que le document présente, AAAA-MM-JJ)");
    expect(squash((await page.locator('#doc-deploiement-erreur-0').textContent())!)).toBe("Le modèle « annexe-liste » ne prend pas le déploiement (attendu : la date de l'état)");
    expect((await page.getByLabel('Modèle').inputValue())).toBe('annexe-liste');
    expect(await axeViolations(page)).toEqual([]);
    expect(await yaml()).toBe(original);
  });

  it('the corrected entry is added: success notice, listed, rendered with its « Annexe n° 3 » line', async () => {
    await page.getByLabel('Identifiant du document').fill('annexe-liste-juillet-2019-bis');
    await page.getByLabel("Date de l'état").fill('2019-07-15');
    await page.getByLabel('Déploiement').selectOption('');
    await page.getByLabel('Délibération').selectOption('2019-07-01');
    await page.getByLabel("Numéro d'annexe").fill('3');
    await submit(page, 'Ajouter au catalogue');
    expect(squash((await page.getByRole('status').textContent())!)).toMatch(/^Document « annexe-liste-juillet-2019-bis » ajouté au catalogue de .*dispositif\.yaml/);
    expect(await page.getByRole('row').filter({ hasText: 'annexe-liste-juillet-2019-bis' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    const res = await page.request.get(`${base}/documents/annexe-liste-juillet-2019-bis.html`);
    const body = await res.text();
    expect(body).toContain('<strong>Annexe n°\u00a03 à la délibération du 1<sup>er</sup>\u00a0juillet\u00a02019</strong>');
    expect(htmlTables(body).map((t) => t.map((r) => r.map(squash)))).toEqual([expectedRows(LISTE_JUILLET_2019)]);
  });

  it('removing it from the page gives dispositif.yaml back byte for byte', async () => {
    await page.getByLabel('Document', { exact: true }).selectOption('annexe-liste-juillet-2019-bis');
    // The box to confirm is required: the browser does not send the form without it.
    expect(await page.getByLabel('Oui, retirer ce document du catalogue').evaluate((el) => (el as HTMLInputElement).required)).toBe(true);
    await page.getByLabel('Oui, retirer ce document du catalogue').check();
    await submit(page, 'Retirer du catalogue');
    expect(squash((await page.getByRole('status').textContent())!)).toMatch(/^Document « annexe-liste-juillet-2019-bis » retiré du catalogue/);
    expect(await page.getByRole('row').filter({ hasText: 'annexe-liste-juillet-2019-bis' }).count()).toBe(0);
    expect(await yaml()).toBe(original);
  });
});
