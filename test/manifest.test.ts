/**
 * The manifest (`out/manifest.json`) and `alses verify`: every output recorded with its SHA-256
 * and size, its template, its input files and the product version; verify lists files changed,
 * removed or added since, with exit 1.
 */
import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestSchema } from '../src/output/manifest.ts';
import { runCli } from './helpers/cli.ts';

let out: string;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'alses-manifest-'));
  expect((await runCli(['render', '--out', out])).code).toBe(0);
  expect((await runCli(['monthly', '--month', '2019-09', '--out', out])).code).toBe(0);
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('manifest.json', () => {
  it('records every output of both runs with SHA-256, size, content date, template, inputs and version', async () => {
    const manifest = manifestSchema.parse(JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')));
    expect(Object.keys(manifest.outputs)).toHaveLength(12);
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { version: string };
    for (const [name, record] of Object.entries(manifest.outputs)) {
      const bytes = await readFile(path.join(out, name));
      expect(record.sha256, name).toBe(sha(bytes));
      expect(record.size, name).toBe(bytes.byteLength);
      expect(record.productVersion).toBe(pkg.version);
      expect(record.template.sha256).toBe(sha(await readFile(record.template.path)));
      for (const input of record.inputs) expect(input.sha256, input.path).toBe(sha(await readFile(input.path)));
      expect(record.inputs.map((i) => i.path)).toEqual(expect.arrayContaining(['data/dispositif.yaml', 'data/etats/2019-07-15.csv', 'data/deploiements/rentree-2019.csv']));
    }
    expect(manifest.outputs['annexe-liste-juillet-2019.pdf']!.date).toBe('2019-07-15');
    expect(manifest.outputs['annexe-deploiement-rentree-2019.docx']!.date).toBe('2019-07-01');
    expect(manifest.outputs['rapport-mensuel-2019-09.pdf']!.date).toBe('2019-09-30');
    expect(manifest.outputs['rapport-mensuel-2019-09.pdf']!.template.path).toBe('templates/rapport-mensuel.hbs');
  });

  it('is itself reproducible: re-running changes nothing', async () => {
    const before = await readFile(path.join(out, 'manifest.json'));
    const again = await runCli(['render', '--out', out]);
    expect(again.stdout).not.toContain('écrit : ');
    expect(await readFile(path.join(out, 'manifest.json'))).toEqual(before);
  });
});

describe('alses verify', () => {
  it('passes on an untouched folder (exit 0)', async () => {
    const run = await runCli(['verify', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Conforme au manifeste');
  });

  it('lists a changed, a removed and an added file (exit 1); --sources flags changed data', async () => {
    const copy = await mkdtemp(path.join(tmpdir(), 'alses-verify-'));
    try {
      expect((await runCli(['render', '--out', copy])).code).toBe(0);
      await appendFile(path.join(copy, 'note-presentation.html'), '<!-- retouche -->');
      await unlink(path.join(copy, 'annexe-liste-juillet-2019.pdf'));
      await writeFile(path.join(copy, 'intrus.docx'), 'x');
      const run = await runCli(['verify', copy]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^modifié {2}note-presentation\.html {2}modifié \(attendu : \d+ octets/m);
      expect(run.stdout).toMatch(/^supprimé {2}annexe-liste-juillet-2019\.pdf/m);
      expect(run.stdout).toMatch(/^ajouté {2}intrus\.docx/m);
      expect(run.stdout).toContain('3 différences avec le manifeste.');
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('a folder without manifest is exit 1 with a French message', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'alses-verify-empty-'));
    try {
      const run = await runCli(['verify', empty]);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('Aucun manifeste dans');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('a run that cannot write everything replaces nothing', () => {
  it('a folder where an output should go: exit 3 in French, no file replaced, manifest still true', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alses-partial-'));
    try {
      const data = path.join(dir, 'data');
      await cp('data', data, { recursive: true });
      const outDir = path.join(dir, 'out');
      expect((await runCli(['render', '--out', outDir, '--data', data])).code).toBe(0);
      const before = await readFile(path.join(outDir, 'annexe-liste-juillet-2019.html'));
      // The data change, and a folder now stands where one output goes.
      const etat = path.join(data, 'etats/2019-07-15.csv');
      await writeFile(etat, (await readFile(etat, 'utf8')).replace('Jules Ferry;CAPEP', 'Jules Ferry;AEP'));
      await rm(path.join(outDir, 'note-presentation.html'));
      await mkdir(path.join(outDir, 'note-presentation.html'));
      const run = await runCli(['render', '--format', 'html', '--out', outDir, '--data', data]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('note-presentation.html » impossible : un dossier porte déjà ce nom');
      expect(run.stdout).not.toContain('écrit');
      expect(await readFile(path.join(outDir, 'annexe-liste-juillet-2019.html'))).toEqual(before);
      expect((await readdir(outDir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      await rm(path.join(outDir, 'note-presentation.html'), { recursive: true });
      const verify = await runCli(['verify', outDir]);
      expect(verify.stdout).toMatch(/^supprimé {2}note-presentation\.html/m);
      expect(verify.stdout).toContain('1 différence avec le manifeste.');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an output path that is a file, not a folder: exit 3 with a French reason', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alses-outfile-'));
    try {
      const file = path.join(dir, 'out');
      await writeFile(file, 'x');
      const run = await runCli(['render', '--out', file]);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`Dossier de sortie « ${file} » inutilisable : un fichier porte déjà ce nom (EEXIST)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
