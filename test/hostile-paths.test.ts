/**
 * Confinement and tamper evidence (issue 12 "Nothing lost, nothing leaked"): one regression test
 * per finding, named after what the product used to do.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAll } from '../src/jobs/render.ts';
import { publish } from '../src/output/publish.ts';
import { VERIFY_IGNORED } from '../src/output/verify.ts';
import { readJsonFile } from '../src/output/json.ts';
import { z } from 'zod';
import { ROOT, runCli } from './helpers/cli.ts';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
let dir: string;
/** An output folder rendered once (one annex, HTML), copied by each test that changes it. */
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-paths-'));
  base = path.join(dir, 'base');
  expect((await runCli(['render', 'annexe-liste-juillet-2019', '--format', 'html', '--out', base])).code).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh copy of the rendered output folder. */
async function outCopy(name: string): Promise<string> {
  const out = path.join(dir, name);
  await cp(base, out, { recursive: true });
  return out;
}

/** A copy of data/ and templates/ under `dir/<name>`. */
async function inputsCopy(name: string): Promise<{ data: string; templates: string }> {
  const data = path.join(dir, name, 'data');
  const templates = path.join(dir, name, 'templates');
  await cp(path.join(ROOT, 'data'), data, { recursive: true });
  await cp(path.join(ROOT, 'templates'), templates, { recursive: true });
  return { data, templates };
}

const editManifest = async (out: string, edit: (m: { outputs: Record<string, unknown> }) => void): Promise<void> => {
  const file = path.join(out, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as { outputs: Record<string, unknown> };
  edit(manifest);
  await writeFile(file, JSON.stringify(manifest, null, 2) + '\n');
};

describe('finding 1: import --to followed a symlinked sub-folder out of the target', () => {
  it('refuses the link, in French naming the file, and writes nothing anywhere', async () => {
    const target = path.join(dir, 'import-target');
    const elsewhere = path.join(dir, 'import-elsewhere');
    await mkdir(target, { recursive: true });
    await mkdir(elsewhere, { recursive: true });
    await symlink(elsewhere, path.join(target, 'etats'));
    const run = await runCli(['import', path.join(ROOT, 'data'), '--to', target]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Écriture de « ${path.join(target, 'etats', '2019-07-15.csv')} » refusée : le chemin passe par un lien symbolique qui sort du dossier « ${target} »`);
    expect(run.stderr).toContain("aucun fichier n'a été écrit");
    expect(await readdir(elsewhere)).toEqual([]);
    expect((await readdir(target)).sort()).toEqual(['etats']);
  });
});

describe('finding 2: verify followed ../ keys of the manifest and printed the size and hash of any file', () => {
  it('reports a key leading out of the folder (.., absolute, symbolic link) as « clé hors du dossier », never read', async () => {
    const out = await outCopy('keys');
    const secret = path.join(dir, 'secret.txt');
    await writeFile(secret, 'secret du voisin\n');
    await symlink(secret, path.join(out, 'lien.pdf'));
    const record = { sha256: '0'.repeat(64), size: 1, date: '2019-07-15', template: { path: 't', sha256: '0'.repeat(64) }, inputs: [], productVersion: '0' };
    await editManifest(out, (m) => {
      m.outputs['../secret.txt'] = record;
      m.outputs[secret] = record;
      m.outputs['lien.pdf'] = record;
    });
    const run = await runCli(['verify', out]);
    expect(run.code).toBe(1);
    for (const key of ['../secret.txt', secret, 'lien.pdf']) expect(run.stdout).toMatch(new RegExp(`erreur  ${key.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}  clé hors du dossier de sortie`));
    // Neither the size (17 bytes) nor the SHA-256 of the file outside is printed.
    expect(run.stdout).not.toContain(sha(Buffer.from('secret du voisin\n')).slice(0, 12));
    expect(run.stdout).not.toMatch(/17 octets/);
  });
});

describe('finding 3: verify did not report hidden files, sub-folders and symlinks added to out/', () => {
  it('reports every extra entry (hidden, folder and its content, link not followed), not the product\'s own files', async () => {
    const out = await outCopy('extra');
    await writeFile(path.join(out, '.cache'), 'x');
    await mkdir(path.join(out, 'sous', 'plus'), { recursive: true });
    await writeFile(path.join(out, 'sous', 'plus', 'doc.pdf'), 'x');
    await symlink('/etc', path.join(out, 'etc'));
    await writeFile(path.join(out, '.envois.json'), '{}');
    const run = await runCli(['verify', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('ajouté  .cache  fichier caché ajouté');
    expect(run.stdout).toContain('ajouté  sous  dossier ajouté');
    expect(run.stdout).toContain('ajouté  sous/plus  dossier ajouté');
    expect(run.stdout).toContain('ajouté  sous/plus/doc.pdf  ajouté');
    expect(run.stdout).toContain('ajouté  etc  lien symbolique ajouté (absent du manifeste ; non suivi)');
    expect(run.stdout).not.toContain('etc/');
    expect(run.stdout).not.toContain('.envois.json');
    expect(run.stdout).toContain('5 différences');
    expect(VERIFY_IGNORED).toEqual(expect.arrayContaining(['manifest.json', 'manifest.json.sig', '.alses.lock', '.envois.json', '.alertes.json', '.alses-journal.json']));
  });
});

describe('finding 4: a corrupted manifest was silently rebuilt and the records of other documents lost', () => {
  const damaged = '{\n  "product": "alses-reports",\n  "outputs": {\n    "a.pdf": { "sha256": tru }\n';
  for (const command of ['render', 'monthly', 'verify'] as const) {
    it(`${command} stops with exit 3, naming the file, line and column, and what to do; nothing is written`, async () => {
      const out = await outCopy(`damaged-${command}`);
      await writeFile(path.join(out, 'manifest.json'), damaged);
      const before = (await readdir(out)).sort();
      const args = command === 'verify' ? ['verify', out] : command === 'render' ? ['render', 'annexe-liste-juillet-2019', '--format', 'pdf', '--out', out] : ['monthly', '--month', '2019-07', '--out', out];
      const run = await runCli(args);
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(`${path.join(out, 'manifest.json')}:4:26  erreur  Manifeste « ${path.join(out, 'manifest.json')} » endommagé : JSON invalide, caractère inattendu`);
      expect(run.stderr).toMatch(/Restaurez-le depuis une sauvegarde ; ou bien, sciemment, supprimez-le/);
      expect(await readFile(path.join(out, 'manifest.json'), 'utf8')).toBe(damaged);
      expect((await readdir(out)).sort()).toEqual(before);
    });
  }

  it('a manifest of the wrong shape is placed at the value', async () => {
    const out = await outCopy('damaged-shape');
    await editManifest(out, (m) => (m.outputs['x.pdf'] = { sha256: 12 }));
    const run = await runCli(['verify', out]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/manifest\.json:\d+:\d+ {2}erreur {2}Manifeste .* endommagé : contenu inattendu en « outputs\.x\.pdf\.sha256 »/);
  });
});

describe('finding 5: editing a PDF and manifest.json together passed verify', () => {
  it('an unsigned manifest: verify says it proves only consistency', async () => {
    const run = await runCli(['verify', base]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('attention : manifeste non signé (aucun manifest.json.sig) : verify ne prouve que la cohérence des documents avec le manifeste, pas leur authenticité');
  });

  it('a signed manifest edited with its document fails even without the public key', async () => {
    // Not dir/keys: that is an output folder copied above (outCopy('keys')), where alses cles now refuses to write.
    const keys = path.join(dir, 'cles-manifeste');
    expect((await runCli(['cles', '--vers', keys])).code).toBe(0);
    const out = path.join(dir, 'signed');
    expect((await runCli(['render', 'annexe-liste-juillet-2019', '--format', 'html', '--out', out, '--cle-privee', path.join(keys, 'cle-privee-manifeste.pem')])).code).toBe(0);
    const name = 'annexe-liste-juillet-2019.html';
    const forged = Buffer.from((await readFile(path.join(out, name), 'utf8')).replace('41', '42'));
    await writeFile(path.join(out, name), forged);
    await editManifest(out, (m) => Object.assign(m.outputs[name] as object, { sha256: sha(forged), size: forged.byteLength }));
    const run = await runCli(['verify', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('Signature du manifeste invalide : le manifeste a été modifié après sa signature');
  });
});

describe('finding 6: data edited during a run got its new hash recorded beside documents made from the old data', () => {
  it('records the SHA-256 of the bytes read, even when the file changes before publishing', async () => {
    const { data, templates } = await inputsCopy('during-run');
    const etat = path.join(data, 'etats', '2019-07-15.csv');
    const read = await readFile(etat);
    const { files } = await renderAll({ dataDir: data, templatesDir: templates, outDir: path.join(dir, 'during-run-out'), names: ['annexe-liste-juillet-2019'], formats: ['html'] });
    await writeFile(etat, Buffer.concat([read, Buffer.from('LILLE;Nouveau;CAPEP;1\n')]));
    await publish(path.join(dir, 'during-run-out'), files);
    const manifest = JSON.parse(await readFile(path.join(dir, 'during-run-out', 'manifest.json'), 'utf8')) as { outputs: Record<string, { inputs: { path: string; sha256: string }[] }> };
    const recorded = manifest.outputs['annexe-liste-juillet-2019.html']!.inputs.find((i) => i.path.endsWith('etats/2019-07-15.csv'));
    expect(recorded?.sha256).toBe(sha(read));
    expect(recorded?.sha256).not.toBe(sha(await readFile(etat)));
  });
});

describe('finding 7: --out / was accepted', () => {
  it.each([
    ['/', "c'est la racine du système"],
    [homedir(), "c'est votre dossier personnel"],
    ['data', "c'est le dossier des données"],
    ['templates', "c'est le dossier des modèles"],
    ['.', 'il contient le dossier des données'],
  ])('render --out %s is a usage error (exit 2), nothing written', async (out, why) => {
    const run = await runCli(['render', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Dossier « ${out} » refusé pour --out : ${why}`);
    expect(run.stdout).not.toContain('écrit');
  });

  it('monthly --out / and import --to / are refused too', async () => {
    expect((await runCli(['monthly', '--month', '2019-07', '--out', '/'])).stderr).toContain("Dossier « / » refusé pour --out : c'est la racine du système");
    const run = await runCli(['import', path.join(ROOT, 'data'), '--to', '/']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Dossier « / » refusé pour --to : c'est la racine du système");
  });
});

describe('finding 8: commands never read outside the folders they were given', () => {
  it('a template linked to a file outside the templates folder is not read (template/outside)', async () => {
    const { data, templates } = await inputsCopy('template-link');
    await symlink('/etc/passwd', path.join(templates, 'fuite.hbs'));
    const run = await runCli(['validate', '--data', data, '--templates', templates]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`modèle « ${path.join(templates, 'fuite.hbs')} » hors du dossier des modèles`);
    expect(run.stderr).not.toContain('root:');
  });

  it('a template that is a FIFO is refused at once (no hang)', async () => {
    const { data, templates } = await inputsCopy('template-fifo');
    execFileSync('mkfifo', [path.join(templates, 'partials', 'tube.hbs')]);
    const run = await runCli(['validate', '--data', data, '--templates', templates]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/tube\.hbs" n'est pas un fichier ordinaire/);
  });

  it('a logo linked out of the data folder is refused (logo/outside)', async () => {
    const { data, templates } = await inputsCopy('logo-link');
    await rm(path.join(data, 'logo.png'), { force: true });
    await symlink('/etc/passwd', path.join(data, 'logo.png'));
    const yaml = path.join(data, 'dispositif.yaml');
    const text = await readFile(yaml, 'utf8');
    await writeFile(yaml, text.replace(/# logo: .*/, 'logo: logo.png'));
    const run = await runCli(['validate', '--data', data, '--templates', templates]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/dispositif\.yaml:\d+:\d+ {2}erreur {2}logo "logo\.png" hors du dossier de données/);
  });

  it.each([
    ['{{> ../../etc/passwd}}', /annexe-liste\.hbs:\d+:\d+ {2}erreur {2}partiel « \.\.\/\.\.\/etc\/passwd » introuvable/],
    ['<img src="../../etc/passwd" alt="x">', /annexe-liste\.hbs:\d+:\d+ {2}erreur {2}Source d'image « \.\.\/\.\.\/etc\/passwd » interdite/],
  ])('%s in a template names nothing outside: a template error, nothing read', async (markup, expected) => {
    const { data, templates } = await inputsCopy(`template-traversal-${markup.length}`);
    const file = path.join(templates, 'annexe-liste.hbs');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace(/\n---\n/, `\n---\n${markup}\n`));
    const run = await runCli(['validate', '--data', data, '--templates', templates]);
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('root:');
    expect(run.stderr).toMatch(expected);
  });
});

describe('the product\'s registers beside the outputs (.envois.json, .alertes.json) are read only when regular files', () => {
  it('a register linked to /dev/zero, or a FIFO, is unreadable at once, in French (no endless read)', async () => {
    const link = path.join(dir, '.envois.json');
    await symlink('/dev/zero', link);
    expect(await readJsonFile(link, z.object({}))).toEqual({ status: 'unreadable', reason: 'lien symbolique (non suivi)' });
    const tube = path.join(dir, '.alertes.json');
    execFileSync('mkfifo', [tube]);
    expect(await readJsonFile(tube, z.object({}))).toEqual({ status: 'unreadable', reason: "ce n'est pas un fichier ordinaire" });
  });
});
