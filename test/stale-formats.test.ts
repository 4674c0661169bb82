/**
 * Rendering some formats after a data change leaves no older version beside the new one: the
 * other formats of the same documents, made from the older data, are removed in the same
 * publication (and from the manifest), and the command says so in French; formats made from the
 * same data, and other documents, are kept.
 */
import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.ts';

let dir: string;
let data: string;
let out: string;
const exists = (f: string) => access(path.join(out, f)).then(() => true, () => false);
const manifestNames = async () => Object.keys((JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { outputs: Record<string, unknown> }).outputs);
const LISTE = 'annexe-liste-juillet-2019';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-stale-'));
  data = path.join(dir, 'data');
  out = path.join(dir, 'out');
  await cp('data', data, { recursive: true });
  const run = await runCli(['render', '--data', data, '--out', out, '--format', 'html']);
  expect(run.stderr).toBe('');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('alses render --format pdf,docx beside older HTML', () => {
  it('from the same data: the HTML is still current and kept', async () => {
    const run = await runCli(['render', LISTE, '--data', data, '--out', out, '--format', 'pdf,docx']);
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain('supprimé');
    expect(await exists(`${LISTE}.html`)).toBe(true);
    expect(await manifestNames()).toContain(`${LISTE}.html`);
  });

  it('after a data change: the stale HTML of that document is removed and named, the other documents kept', async () => {
    const etat = path.join(data, 'etats/2019-07-15.csv');
    await writeFile(etat, (await readFile(etat, 'utf8')).replace('ANZIN;Jules Ferry;', 'ANZIN;Jules-Ferry;'));
    const run = await runCli(['render', LISTE, '--data', data, '--out', out, '--format', 'pdf,docx']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter(Boolean).sort()).toEqual(
      [`écrit : ${path.join(out, `${LISTE}.docx`)}`, `écrit : ${path.join(out, `${LISTE}.pdf`)}`, `supprimé (périmé) : ${path.join(out, `${LISTE}.html`)}`].sort(),
    );
    expect(await exists(`${LISTE}.html`)).toBe(false);
    const names = await manifestNames();
    expect(names).not.toContain(`${LISTE}.html`);
    expect(names).toEqual(expect.arrayContaining([`${LISTE}.pdf`, `${LISTE}.docx`, 'annexe-deploiement-rentree-2019.html', 'note-presentation.html']));
    expect(await exists('annexe-deploiement-rentree-2019.html')).toBe(true);
    const verify = await runCli(['verify', out]);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  });
});
