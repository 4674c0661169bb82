/**
 * axe-core on every HTML document the product writes: the catalogue documents (`alses render`)
 * and the monthly report (charts, lists, tables), each opened from its file in Debian's chromium
 * (playwright-core; no browser download), as a reader would open it. Zero violations expected,
 * whatever their impact.
 */
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './helpers/browser.ts';
import { runCli } from './helpers/cli.ts';

const AXE_SOURCE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let out: string;
let browser: Browser;
let pages: string[] = [];

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'alses-html-axe-'));
  expect((await runCli(['render', '--out', out, '--format', 'html'])).code).toBe(0);
  expect((await runCli(['monthly', '--month', '2019-09', '--out', out])).code).toBe(0);
  pages = (await readdir(out)).filter((n) => n.endsWith('.html')).sort();
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await rm(out, { recursive: true, force: true });
});

/** axe-core's violations on a page opened at `url`, or showing `html`: rule id, impact, first targets. */
async function axeViolations(target: { url: string } | { html: string }): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  // bypassCSP: a document allows no script; axe-core is injected by the test only.
  const context = await browser.newContext({ bypassCSP: true, locale: 'fr-FR' });
  try {
    const page = await context.newPage();
    if ('url' in target) await page.goto(target.url);
    else await page.setContent(target.html);
    await page.evaluate(AXE_SOURCE);
    return await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
      const { violations } = await axe.run(document, { resultTypes: ['violations'] });
      return violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
  } finally {
    await context.close();
  }
}

describe('axe-core finds no violation in the HTML documents', () => {
  it('writes the catalogue documents and the monthly report', () => {
    expect(pages).toEqual(['annexe-deploiement-rentree-2019.html', 'annexe-liste-juillet-2019.html', 'note-presentation.html', 'rapport-mensuel-2019-09.html']);
  });

  it.each(['annexe-deploiement-rentree-2019', 'annexe-liste-juillet-2019', 'note-presentation', 'rapport-mensuel-2019-09'])('%s.html', async (name) => {
    expect(await axeViolations({ url: pathToFileURL(path.join(out, `${name}.html`)).href })).toEqual([]);
  });
});

it('axe-core does report violations: a page without language, title nor image text fails', async () => {
  const ids = (await axeViolations({ html: '<!DOCTYPE html><html><head></head><body><img src="data:image/png;base64,"></body></html>' })).map((v) => v.id);
  expect(ids).toEqual(expect.arrayContaining(['document-title', 'html-has-lang', 'image-alt']));
});
