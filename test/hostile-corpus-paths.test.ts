/**
 * Hostile-input corpus, part A: paths (issue 12 "Nothing lost, nothing leaked"). Each case
 * mutates a fresh temporary copy of data/, templates/ and a rendered out/ (plus a folder
 * « ailleurs/ » standing for the rest of the machine), runs one command in-process, and checks:
 * - the exit code and the French message with its place (file:line:column, or the path);
 * - no crash (no stack trace, no generic failure) and no hang (per-case timeout);
 * - nothing outside the output folder changed: data/, templates/ and ailleurs/ hashed before and
 *   after (links recorded as links, never followed);
 * - the output folder is either untouched or complete (`alses verify` passes on it).
 * Part B (templates, data values, workbooks, YAML) is test/hostile-corpus-data.test.ts.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, spawnCli, type CliRun } from './helpers/cli.ts';

/** The folders of one case. */
interface Ctx {
  /** The case's own folder, holding the others. */
  readonly root: string;
  readonly data: string;
  readonly templates: string;
  /** A copy of an output folder rendered by `alses render annexe-liste-juillet-2019 --format html`. */
  readonly out: string;
  /** Stands for the rest of the machine: holds `secret.txt`; must never change nor leak. */
  readonly ailleurs: string;
  /** A second data folder, target of `alses import` cases. */
  readonly cible: string;
}

interface Case {
  readonly name: string;
  /** Mutations of the copies (after which the folders are snapshotted). */
  readonly setup?: (c: Ctx) => Promise<void>;
  /** The command line. */
  readonly args: (c: Ctx) => string[];
  readonly code: number;
  /** The French message, with its place, on stdout or stderr. */
  readonly message: (c: Ctx) => RegExp | string;
  /** After the run, `out/` is `untouched` (same entries and bytes), `complete` (verify passes), or `any` (verify's own cases). */
  readonly out: 'untouched' | 'complete' | 'any';
  /** Environment variables for the run. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Needs an account the permissions apply to: run as root, the built CLI runs as a real process
   * under account 65534 (`nobody`, through setpriv, as test/operator-install.test.ts does).
   */
  readonly needsNonRoot?: boolean;
}

const SECRET = 'mot de passe du voisin\n';
const ETAT = 'etats/2019-07-15.csv';
const ANNEXE = 'annexe-liste-juillet-2019';
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

let dir: string;
let base: string;
const tally = { cases: 0, clearErrors: 0, successes: 0, crashes: 0, hangs: 0, partialWrites: 0, dataLost: 0, skipped: 0 };

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-corpus-paths-'));
  await chmod(dir, 0o755); // the permission cases run under another account, which passes through
  base = path.join(dir, 'base-out');
  expect((await runCli(['render', ANNEXE, '--format', 'html', '--out', base])).code).toBe(0);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  process.stdout.write(`corpus chemins : ${JSON.stringify(tally)}\n`);
});

/** Every entry under `folder`: file hashes, links as their target (not followed), folders, others by kind. */
async function snapshot(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    const full = path.join(folder, rel);
    const st = await lstat(full).catch(() => undefined);
    if (!st) return;
    if (st.isSymbolicLink()) out[rel] = `lien → ${await readlink(full)}`;
    else if (st.isDirectory()) {
      out[rel] = 'dossier';
      for (const name of await readdir(full).catch(() => [])) await walk(path.join(rel, name));
    } else if (st.isFile()) out[rel] = await readFile(full).then(sha, () => `illisible ${st.mode & 0o777}`);
    else out[rel] = 'spécial';
  };
  await walk('');
  return out;
}

const yamlOf = (c: Ctx) => path.join(c.data, 'dispositif.yaml');
async function editYaml(c: Ctx, from: string | RegExp, to: string): Promise<void> {
  const text = await readFile(yamlOf(c), 'utf8');
  const next = text.replace(from, to);
  if (next === text) throw new Error(`dispositif.yaml: ${String(from)} not found`);
  await writeFile(yamlOf(c), next);
}
const replaceBy = (c: Ctx, rel: string, make: (file: string) => Promise<void>) => async () => {
  await rm(path.join(c.data, rel), { recursive: true, force: true });
  await make(path.join(c.data, rel));
};
const fifo = async (file: string): Promise<void> => void execFileSync('mkfifo', [file]);
const manifestOf = (c: Ctx) => path.join(c.out, 'manifest.json');
async function editManifest(c: Ctx, edit: (m: { product: string; outputs: Record<string, Record<string, unknown>> }) => void): Promise<void> {
  const m = JSON.parse(await readFile(manifestOf(c), 'utf8')) as { product: string; outputs: Record<string, Record<string, unknown>> };
  edit(m);
  await writeFile(manifestOf(c), JSON.stringify(m, null, 2) + '\n');
}
const aRecord = (m: { outputs: Record<string, Record<string, unknown>> }) => ({ ...Object.values(m.outputs)[0]! });

const validate = (c: Ctx) => ['validate', '--data', c.data, '--templates', c.templates];
const render = (c: Ctx, out = c.out) => ['render', ANNEXE, '--format', 'html', '--data', c.data, '--templates', c.templates, '--out', out, '--wait', '0'];
const verify = (c: Ctx) => ['verify', c.out];
/** A placed data error: `<dispositif.yaml>:L:C  erreur  <text>`. */
const atYaml = (c: Ctx, text: string) => new RegExp(`${esc(yamlOf(c))}:\\d+:\\d+ {2}erreur {2}${text}`);

/** Data files: `fichier:` entries, links, FIFOs, devices, folders, sizes, permissions. */
const DATA_CASES: Case[] = [
  { name: 'fichier: ../../etc/passwd', setup: (c) => editYaml(c, `fichier: ${ETAT}`, 'fichier: ../../../../../../etc/passwd'), args: validate, code: 1, message: (c) => atYaml(c, 'fichier "\\.\\./\\.\\./\\.\\./\\.\\./\\.\\./\\.\\./etc/passwd" hors du dossier de données'), out: 'untouched' },
  { name: 'fichier: /etc/passwd (absolu)', setup: (c) => editYaml(c, `fichier: ${ETAT}`, 'fichier: /etc/passwd'), args: validate, code: 1, message: (c) => atYaml(c, 'fichier "/etc/passwd" hors du dossier de données'), out: 'untouched' },
  { name: 'fichier: vers ailleurs/ par ../', setup: (c) => editYaml(c, `fichier: ${ETAT}`, 'fichier: etats/../../ailleurs/secret.txt'), args: validate, code: 1, message: (c) => atYaml(c, 'fichier "etats/\\.\\./\\.\\./ailleurs/secret\\.txt" hors du dossier de données'), out: 'untouched' },
  { name: 'fichier: chemin absolu vers un fichier du dossier lui-même', setup: (c) => editYaml(c, `fichier: ${ETAT}`, `fichier: ${path.join(c.data, ETAT)}`), args: validate, code: 0, message: () => /^(?![\s\S]*erreur {2})/, out: 'untouched' },
  { name: 'fichier: ./etats/… (détour sans sortie)', setup: (c) => editYaml(c, `fichier: ${ETAT}`, `fichier: ./etats/../${ETAT}`), args: validate, code: 0, message: () => /^(?![\s\S]*erreur {2})/, out: 'untouched' },
  { name: 'fichier: vide', setup: (c) => editYaml(c, `fichier: ${ETAT}`, 'fichier: ""'), args: validate, code: 1, message: (c) => new RegExp(`${esc(yamlOf(c))}:\\d+:\\d+ {2}erreur`), out: 'untouched' },
  { name: 'fichier: le dossier etats/', setup: (c) => editYaml(c, `fichier: ${ETAT}`, 'fichier: etats'), args: validate, code: 1, message: (c) => atYaml(c, '"etats" n\'est pas un fichier ordinaire'), out: 'untouched' },
  { name: 'fichier: dispositif.yaml lui-même', setup: (c) => editYaml(c, `fichier: ${ETAT}`, 'fichier: dispositif.yaml'), args: validate, code: 1, message: (c) => new RegExp(`${esc(yamlOf(c))}:\\d+(:\\d+)? {2}erreur`), out: 'untouched' },
  { name: 'fichier: nom de 5000 caractères', setup: (c) => editYaml(c, `fichier: ${ETAT}`, `fichier: etats/${'a'.repeat(5000)}.csv`), args: validate, code: 1, message: (c) => atYaml(c, 'fichier "etats/a+\\.csv" (illisible|introuvable)'), out: 'untouched' },
  { name: 'fichier: introuvable', setup: (c) => editYaml(c, `fichier: ${ETAT}`, 'fichier: etats/absent.csv'), args: validate, code: 1, message: (c) => atYaml(c, 'fichier "etats/absent\\.csv" introuvable'), out: 'untouched' },
  { name: 'CSV : lien vers ailleurs/secret.txt', setup: (c) => replaceBy(c, ETAT, (f) => symlink(path.join(c.ailleurs, 'secret.txt'), f))(), args: validate, code: 1, message: (c) => atYaml(c, `fichier "${esc(ETAT)}" hors du dossier de données`), out: 'untouched' },
  { name: 'CSV : lien vers /dev/zero', setup: (c) => replaceBy(c, ETAT, (f) => symlink('/dev/zero', f))(), args: validate, code: 1, message: (c) => atYaml(c, `fichier "${esc(ETAT)}" hors du dossier de données`), out: 'untouched' },
  { name: 'CSV : lien vers /dev/null', setup: (c) => replaceBy(c, ETAT, (f) => symlink('/dev/null', f))(), args: validate, code: 1, message: (c) => atYaml(c, `fichier "${esc(ETAT)}" hors du dossier de données`), out: 'untouched' },
  { name: 'CSV : lien cassé', setup: (c) => replaceBy(c, ETAT, (f) => symlink(path.join(c.root, 'nulle-part.csv'), f))(), args: validate, code: 1, message: (c) => atYaml(c, `fichier "${esc(ETAT)}" (hors du dossier de données|introuvable)`), out: 'untouched' },
  { name: 'CSV : lien relatif vers une copie dans le dossier', setup: async (c) => { await cp(path.join(c.data, ETAT), path.join(c.data, 'copie.txt')); await replaceBy(c, ETAT, (f) => symlink('../copie.txt', f))(); }, args: validate, code: 0, message: () => /^(?![\s\S]*erreur {2})/, out: 'untouched' },
  { name: 'CSV : lien en boucle', setup: (c) => replaceBy(c, ETAT, (f) => symlink(f, f))(), args: validate, code: 1, message: (c) => atYaml(c, `fichier "${esc(ETAT)}"`), out: 'untouched' },
  { name: 'dossier etats/ : lien vers ailleurs/', setup: async (c) => { await cp(path.join(c.data, 'etats'), path.join(c.ailleurs, 'etats'), { recursive: true }); await replaceBy(c, 'etats', (f) => symlink(path.join(c.ailleurs, 'etats'), f))(); }, args: validate, code: 1, message: (c) => atYaml(c, `fichier "${esc(ETAT)}" hors du dossier de données`), out: 'untouched' },
  { name: 'CSV : tube nommé (FIFO)', setup: (c) => replaceBy(c, ETAT, fifo)(), args: validate, code: 1, message: (c) => atYaml(c, `"${esc(ETAT)}" n'est pas un fichier ordinaire`), out: 'untouched' },
  { name: 'CSV : un dossier porte son nom', setup: (c) => replaceBy(c, ETAT, (f) => mkdir(f))(), args: validate, code: 1, message: (c) => atYaml(c, `"${esc(ETAT)}" n'est pas un fichier ordinaire`), out: 'untouched' },
  { name: 'CSV : supprimé', setup: (c) => unlink(path.join(c.data, ETAT)), args: validate, code: 1, message: (c) => atYaml(c, `fichier "${esc(ETAT)}" introuvable`), out: 'untouched' },
  { name: 'CSV : droits 000', needsNonRoot: true, setup: (c) => chmod(path.join(c.data, ETAT), 0), args: validate, code: 1, message: (c) => atYaml(c, `fichier "${esc(ETAT)}" illisible`), out: 'untouched' },
  { name: 'CSV : au-delà de la taille maximale', env: { ALSES_TAILLE_MAX_FICHIER_MO: '0.001' }, args: validate, code: 1, message: (c) => new RegExp(`${esc(yamlOf(c))}(:\\d+:\\d+)? {2}erreur {2}fichier "[^"]+" trop gros`), out: 'untouched' },
  { name: 'dispositif.yaml : lien vers /etc/passwd', setup: (c) => replaceBy(c, 'dispositif.yaml', (f) => symlink('/etc/passwd', f))(), args: validate, code: 1, message: (c) => new RegExp(`${esc(yamlOf(c))} {2}erreur {2}"${esc(yamlOf(c))}" est un lien symbolique qui sort du dossier de données`), out: 'untouched' },
  { name: 'dispositif.yaml : lien vers /dev/zero', setup: (c) => replaceBy(c, 'dispositif.yaml', (f) => symlink('/dev/zero', f))(), args: validate, code: 1, message: () => /sort du dossier de données/, out: 'untouched' },
  { name: 'dispositif.yaml : tube nommé', setup: (c) => replaceBy(c, 'dispositif.yaml', fifo)(), args: validate, code: 1, message: (c) => new RegExp(`${esc(yamlOf(c))} {2}erreur {2}"${esc(yamlOf(c))}" n'est pas un fichier ordinaire`), out: 'untouched' },
  { name: 'dispositif.yaml : un dossier', setup: (c) => replaceBy(c, 'dispositif.yaml', (f) => mkdir(f))(), args: validate, code: 1, message: () => /n'est pas un fichier ordinaire/, out: 'untouched' },
  { name: 'dispositif.yaml : absent', setup: (c) => unlink(yamlOf(c)), args: validate, code: 1, message: (c) => new RegExp(`${esc(yamlOf(c))} {2}erreur {2}fichier "[^"]*dispositif\\.yaml" introuvable`), out: 'untouched' },
  { name: 'dispositif.yaml : droits 000', needsNonRoot: true, setup: (c) => chmod(yamlOf(c), 0), args: validate, code: 1, message: () => /illisible/, out: 'untouched' },
  { name: '--data : un fichier texte', args: (c) => ['validate', '--data', path.join(c.ailleurs, 'secret.txt'), '--templates', c.templates], code: 1, message: (c) => `"${path.join(c.ailleurs, 'secret.txt')}" est un fichier (attendu : le dossier des données`, out: 'untouched' },
  { name: '--data : /dev/null', args: (c) => ['validate', '--data', '/dev/null', '--templates', c.templates], code: 1, message: () => /\/dev\/null\/dispositif\.yaml {2}erreur/, out: 'untouched' },
  { name: '--data : dossier absent', args: (c) => ['validate', '--data', path.join(c.root, 'absent'), '--templates', c.templates], code: 1, message: () => /absent\/dispositif\.yaml {2}erreur {2}fichier "[^"]+" introuvable/, out: 'untouched' },
  { name: '--data : classeur qui est un lien vers /dev/zero', setup: (c) => symlink('/dev/zero', path.join(c.root, 'zero.xlsx')), args: (c) => ['validate', '--data', path.join(c.root, 'zero.xlsx'), '--templates', c.templates], code: 1, message: () => /zero\.xlsx {2}erreur {2}"[^"]*zero\.xlsx" n'est pas un fichier ordinaire/, out: 'untouched' },
  { name: '--data : classeur tube nommé', setup: (c) => fifo(path.join(c.root, 'tube.xlsx')), args: (c) => ['validate', '--data', path.join(c.root, 'tube.xlsx'), '--templates', c.templates], code: 1, message: () => /tube\.xlsx" n'est pas un fichier ordinaire/, out: 'untouched' },
  { name: '--data : classeur qui est un dossier', setup: (c) => mkdir(path.join(c.root, 'dossier.xlsx')), args: (c) => ['validate', '--data', path.join(c.root, 'dossier.xlsx'), '--templates', c.templates], code: 1, message: () => /dossier\.xlsx" n'est pas un fichier ordinaire/, out: 'untouched' },
  { name: 'logo: ../ailleurs/secret.txt', setup: (c) => editYaml(c, /logo: logo\.png/, 'logo: ../ailleurs/secret.txt'), args: validate, code: 1, message: (c) => atYaml(c, 'logo "\\.\\./ailleurs/secret\\.txt" hors du dossier de données'), out: 'untouched' },
  { name: 'logo: /etc/passwd', setup: (c) => editYaml(c, /logo: logo\.png/, 'logo: /etc/passwd'), args: validate, code: 1, message: (c) => atYaml(c, 'logo "/etc/passwd" hors du dossier de données'), out: 'untouched' },
  { name: 'logo : lien vers ailleurs/', setup: async (c) => { await replaceBy(c, 'logo.png', (f) => symlink(path.join(c.ailleurs, 'secret.txt'), f))(); }, args: validate, code: 1, message: (c) => atYaml(c, 'logo "logo\\.png" hors du dossier de données'), out: 'untouched' },
  { name: 'logo : tube nommé', setup: async (c) => { await replaceBy(c, 'logo.png', fifo)(); }, args: validate, code: 1, message: (c) => atYaml(c, '"logo\\.png" n\'est pas un fichier ordinaire'), out: 'untouched' },
  { name: 'logo : un dossier', setup: async (c) => { await replaceBy(c, 'logo.png', (f) => mkdir(f))(); }, args: validate, code: 1, message: (c) => atYaml(c, '"logo\\.png" n\'est pas un fichier ordinaire'), out: 'untouched' },
];

const tpl = (c: Ctx, name: string) => path.join(c.templates, name);
/** A line added to the body of annexe-liste.hbs. */
const inBody = (markup: string) => async (c: Ctx) => {
  const file = tpl(c, 'annexe-liste.hbs');
  await writeFile(file, (await readFile(file, 'utf8')).replace(/\n---\n/, `\n---\n${markup}\n`));
};

/** Templates folder: links, FIFOs, folders, sizes, names leading out. */
const TEMPLATE_CASES: Case[] = [
  { name: 'modèle : lien vers /etc/passwd', setup: (c) => symlink('/etc/passwd', tpl(c, 'fuite.hbs')), args: validate, code: 1, message: (c) => `${tpl(c, 'fuite.hbs')}  erreur  modèle « ${tpl(c, 'fuite.hbs')} » hors du dossier des modèles`, out: 'untouched' },
  { name: 'modèle existant remplacé par un lien vers ailleurs/', setup: async (c) => { await cp(tpl(c, 'annexe-liste.hbs'), path.join(c.ailleurs, 'annexe-liste.hbs')); await rm(tpl(c, 'annexe-liste.hbs')); await symlink(path.join(c.ailleurs, 'annexe-liste.hbs'), tpl(c, 'annexe-liste.hbs')); }, args: validate, code: 1, message: () => /annexe-liste\.hbs {2}erreur {2}modèle « [^»]+ » hors du dossier des modèles/, out: 'untouched' },
  { name: 'partiel : lien vers /etc/passwd', setup: (c) => symlink('/etc/passwd', tpl(c, 'partials/fuite.hbs')), args: validate, code: 1, message: () => /partials\/fuite\.hbs {2}erreur {2}modèle « [^»]+ » hors du dossier des modèles/, out: 'untouched' },
  { name: 'dossier partials/ : lien vers ailleurs/', setup: async (c) => { await cp(tpl(c, 'partials'), path.join(c.ailleurs, 'partials'), { recursive: true }); await rm(tpl(c, 'partials'), { recursive: true }); await symlink(path.join(c.ailleurs, 'partials'), tpl(c, 'partials')); }, args: validate, code: 1, message: () => /partials\/[^ ]+\.hbs {2}erreur {2}modèle « [^»]+ » hors du dossier des modèles/, out: 'untouched' },
  { name: 'modèle : tube nommé', setup: (c) => fifo(tpl(c, 'tube.hbs')), args: validate, code: 1, message: (c) => `${tpl(c, 'tube.hbs')}  erreur  "${tpl(c, 'tube.hbs')}" n'est pas un fichier ordinaire`, out: 'untouched' },
  { name: 'partiel : tube nommé', setup: (c) => fifo(tpl(c, 'partials/tube.hbs')), args: validate, code: 1, message: () => /partials\/tube\.hbs" n'est pas un fichier ordinaire/, out: 'untouched' },
  { name: 'modèle : un dossier nommé x.hbs', setup: (c) => mkdir(tpl(c, 'dossier.hbs')), args: validate, code: 1, message: () => /dossier\.hbs » est un dossier, pas un modèle/, out: 'untouched' },
  { name: 'modèle : lien vers /dev/zero', setup: (c) => symlink('/dev/zero', tpl(c, 'zero.hbs')), args: validate, code: 1, message: () => /zero\.hbs » hors du dossier des modèles/, out: 'untouched' },
  { name: 'modèle : au-delà de la taille maximale', env: { ALSES_TAILLE_MAX_FICHIER_MO: '0.001' }, args: validate, code: 1, message: () => /\.hbs" trop gros/, out: 'untouched' },
  { name: 'modèle : droits 000', needsNonRoot: true, setup: (c) => chmod(tpl(c, 'annexe-liste.hbs'), 0), args: validate, code: 1, message: () => /annexe-liste\.hbs" illisible/, out: 'untouched' },
  { name: '--templates : dossier absent', args: (c) => ['validate', '--data', c.data, '--templates', path.join(c.root, 'absent')], code: 1, message: () => /Dossier des modèles « [^»]*absent » introuvable ou illisible/, out: 'untouched' },
  { name: '--templates : un fichier', args: (c) => ['validate', '--data', c.data, '--templates', path.join(c.ailleurs, 'secret.txt')], code: 1, message: () => /Dossier des modèles « [^»]*secret\.txt » introuvable ou illisible/, out: 'untouched' },
  { name: '--templates : lien vers une copie (chemin donné par l\'utilisateur)', setup: async (c) => { await cp(c.templates, path.join(c.root, 'copie-modeles'), { recursive: true }); await symlink(path.join(c.root, 'copie-modeles'), path.join(c.root, 'lien-modeles')); }, args: (c) => ['validate', '--data', c.data, '--templates', path.join(c.root, 'lien-modeles')], code: 0, message: () => /^(?![\s\S]*erreur {2})/, out: 'untouched' },
  { name: '{{> ../../etc/passwd}}', setup: inBody('{{> ../../etc/passwd}}'), args: validate, code: 1, message: () => /annexe-liste\.hbs:\d+:\d+ {2}erreur {2}partiel « \.\.\/\.\.\/etc\/passwd » introuvable/, out: 'untouched' },
  { name: '{{> /etc/passwd}}', setup: inBody('{{> /etc/passwd}}'), args: validate, code: 1, message: () => /annexe-liste\.hbs:\d+ {2}erreur {2}Erreur de syntaxe Handlebars/, out: 'untouched' },
  { name: '<img src="../../etc/passwd">', setup: inBody('<img src="../../etc/passwd" alt="x">'), args: validate, code: 1, message: () => /annexe-liste\.hbs:\d+:\d+ {2}erreur {2}Source d'image « \.\.\/\.\.\/etc\/passwd » interdite/, out: 'untouched' },
  { name: '<img src="file:///etc/passwd">', setup: inBody('<img src="file:///etc/passwd" alt="x">'), args: validate, code: 1, message: () => /annexe-liste\.hbs:\d+:\d+ {2}erreur {2}Source d'image « file:\/\/\/etc\/passwd » interdite/, out: 'untouched' },
  { name: '<img src="chart:../../etc/passwd">', setup: inBody('<img src="chart:../../etc/passwd" alt="x">'), args: validate, code: 1, message: () => /annexe-liste\.hbs:\d+:\d+ {2}erreur {2}Source d'image « chart:\.\.\/\.\.\/etc\/passwd » inconnue/, out: 'untouched' },
  { name: '<a href="file:///etc/passwd">', setup: inBody('<a href="file:///etc/passwd">x</a>'), args: validate, code: 1, message: () => /annexe-liste\.hbs:\d+:\d+ {2}erreur/, out: 'untouched' },
];

/** Output folders: dangerous folders, files, links, permissions, the manifest and the lock. */
const OUT_CASES: Case[] = [
  { name: '--out /', args: (c) => render(c, '/'), code: 2, message: () => "Dossier « / » refusé pour --out : c'est la racine du système", out: 'untouched' },
  { name: '--out dossier personnel', args: (c) => render(c, homedir()), code: 2, message: () => `Dossier « ${homedir()} » refusé pour --out : c'est votre dossier personnel`, out: 'untouched' },
  { name: '--out dossier des données', args: (c) => render(c, c.data), code: 2, message: (c) => `Dossier « ${c.data} » refusé pour --out : c'est le dossier des données`, out: 'untouched' },
  { name: '--out dossier des modèles', args: (c) => render(c, c.templates), code: 2, message: (c) => `Dossier « ${c.templates} » refusé pour --out : c'est le dossier des modèles`, out: 'untouched' },
  { name: '--out parent des données et modèles', args: (c) => render(c, c.root), code: 2, message: (c) => `Dossier « ${c.root} » refusé pour --out : il contient le dossier des données`, out: 'untouched' },
  { name: '--out lien vers le dossier des données', setup: (c) => symlink(c.data, path.join(c.root, 'lien-data')), args: (c) => render(c, path.join(c.root, 'lien-data')), code: 2, message: () => /refusé pour --out : c'est le dossier des données/, out: 'untouched' },
  { name: '--out dossier des données écrit avec ../', args: (c) => render(c, path.join(c.out, '..', 'data')), code: 2, message: () => /refusé pour --out : c'est le dossier des données/, out: 'untouched' },
  { name: '--out parent du dossier du classeur', setup: (c) => writeFile(path.join(c.data, 'alses.xlsx'), 'x'), args: (c) => ['render', ANNEXE, '--data', path.join(c.data, 'alses.xlsx'), '--templates', c.templates, '--out', c.root], code: 2, message: () => /refusé pour --out : il contient le dossier des données/, out: 'untouched' },
  { name: 'monthly --out /', args: (c) => ['monthly', '--month', '2019-07', '--data', c.data, '--templates', c.templates, '--out', '/'], code: 2, message: () => "Dossier « / » refusé pour --out : c'est la racine du système", out: 'untouched' },
  { name: 'monthly --out dossier des données', args: (c) => ['monthly', '--month', '2019-07', '--data', c.data, '--templates', c.templates, '--out', c.data], code: 2, message: () => /refusé pour --out : c'est le dossier des données/, out: 'untouched' },
  { name: '--out un fichier', args: (c) => render(c, path.join(c.ailleurs, 'secret.txt')), code: 3, message: (c) => `Dossier de sortie « ${path.join(c.ailleurs, 'secret.txt')} » inutilisable : un fichier porte déjà ce nom (EEXIST)`, out: 'untouched' },
  { name: '--out sous un fichier', args: (c) => render(c, path.join(c.ailleurs, 'secret.txt', 'out')), code: 3, message: () => /Dossier de sortie « [^»]+secret\.txt\/out » inutilisable : un élément du chemin est un fichier, pas un dossier \(ENOTDIR\)/, out: 'untouched' },
  { name: '--out /dev/null', args: (c) => render(c, '/dev/null'), code: 3, message: () => 'Dossier de sortie « /dev/null » inutilisable', out: 'untouched' },
  { name: '--out en lecture seule', needsNonRoot: true, setup: (c) => chmod(c.out, 0o555), args: render, code: 3, message: () => /inutilisable : permission refusée \(EACCES\)/, out: 'untouched' },
  { name: '--out lien vers un dossier vide ailleurs (chemin donné)', setup: async (c) => { await mkdir(path.join(c.root, 'vide')); await symlink(path.join(c.root, 'vide'), path.join(c.root, 'lien-out')); }, args: (c) => render(c, path.join(c.root, 'lien-out')), code: 0, message: () => /écrit : /, out: 'untouched' },
  { name: 'sortie : un dossier porte le nom du document', setup: (c) => replaceOut(c, `${ANNEXE}.html`, (f) => mkdir(f)), args: render, code: 3, message: () => /Écriture de « [^»]+\.html » impossible : un dossier porte déjà ce nom/, out: 'any' },
  { name: 'sortie : le document est un lien vers ailleurs/', setup: (c) => replaceOut(c, `${ANNEXE}.html`, (f) => symlink(path.join(c.ailleurs, 'secret.txt'), f)), args: render, code: 0, message: () => /écrit : /, out: 'complete' },
  { name: 'sortie : le document est un lien vers /dev/zero (pas lu)', setup: (c) => replaceOut(c, `${ANNEXE}.html`, (f) => symlink('/dev/zero', f)), args: render, code: 0, message: () => /écrit : /, out: 'complete' },
  { name: 'sortie : le document est un tube nommé (pas d\'attente)', setup: (c) => replaceOut(c, `${ANNEXE}.html`, fifo), args: render, code: 0, message: () => /écrit : /, out: 'complete' },
  { name: 'manifeste : lien vers ailleurs/', setup: (c) => replaceOut(c, 'manifest.json', (f) => symlink(path.join(c.ailleurs, 'secret.txt'), f)), args: render, code: 3, message: (c) => `${manifestOf(c)}  erreur  Manifeste « ${manifestOf(c)} » endommagé : lien symbolique (non suivi)`, out: 'untouched' },
  { name: 'manifeste : tube nommé', setup: (c) => replaceOut(c, 'manifest.json', fifo), args: render, code: 3, message: () => /endommagé : ce n'est pas un fichier ordinaire/, out: 'untouched' },
  { name: 'manifeste : un dossier', setup: (c) => replaceOut(c, 'manifest.json', (f) => mkdir(f)), args: render, code: 3, message: () => /endommagé : un dossier porte ce nom/, out: 'untouched' },
  { name: 'manifeste : tronqué', setup: async (c) => writeFile(manifestOf(c), (await readFile(manifestOf(c), 'utf8')).slice(0, 80)), args: render, code: 3, message: (c) => new RegExp(`${esc(manifestOf(c))}:\\d+:\\d+ {2}erreur {2}Manifeste « [^»]+ » endommagé : JSON invalide`), out: 'untouched' },
  { name: 'manifeste : vide', setup: (c) => writeFile(manifestOf(c), ''), args: render, code: 3, message: (c) => `${manifestOf(c)}:1:1  erreur  Manifeste « ${manifestOf(c)} » endommagé : JSON invalide, valeur attendue`, out: 'untouched' },
  { name: 'manifeste : [] au lieu d\'un objet', setup: (c) => writeFile(manifestOf(c), '[]\n'), args: render, code: 3, message: (c) => `${manifestOf(c)}:1:1  erreur  Manifeste « ${manifestOf(c)} » endommagé : contenu inattendu en « (racine) »`, out: 'untouched' },
  { name: 'manifeste : autre produit', setup: (c) => editManifest(c, (m) => (m.product = 'autre')), args: render, code: 3, message: (c) => new RegExp(`${esc(manifestOf(c))}:2:\\d+ {2}erreur {2}Manifeste « [^»]+ » endommagé : contenu inattendu en « product »`), out: 'untouched' },
  { name: 'manifeste : commentaire', setup: async (c) => writeFile(manifestOf(c), `// note\n${await readFile(manifestOf(c), 'utf8')}`), args: render, code: 3, message: (c) => `${manifestOf(c)}:1:1  erreur  Manifeste « ${manifestOf(c)} » endommagé : JSON invalide, commentaire (interdit en JSON)`, out: 'untouched' },
  { name: 'manifeste : octets non UTF-8', setup: (c) => writeFile(manifestOf(c), Buffer.from([0xff, 0xfe, 0x00, 0x7b])), args: render, code: 3, message: () => /endommagé : JSON invalide/, out: 'untouched' },
  { name: 'manifeste : au-delà de la taille maximale', env: { ALSES_TAILLE_MAX_FICHIER_MO: '0.0001' }, args: verify, code: 3, message: () => /endommagé : \d+ octets, trop gros \(au plus 104 octets ;/, out: 'untouched' },
  { name: 'verrou tenu par une autre production', setup: (c) => mkdir(path.join(c.out, '.alses.lock')), args: render, code: 4, message: () => /Une autre production est en cours dans « [^»]+ » \(verrou [^)]+\.alses\.lock\)/, out: 'untouched' },
];

/** Import targets (`alses import data --to cible`). */
const importTo = (c: Ctx, to = c.cible, ...more: string[]) => ['import', c.data, '--to', to, ...more];
const IMPORT_CASES: Case[] = [
  { name: 'import --to /', args: (c) => importTo(c, '/'), code: 2, message: () => "Dossier « / » refusé pour --to : c'est la racine du système", out: 'untouched' },
  { name: 'import --to dossier personnel', args: (c) => importTo(c, homedir()), code: 2, message: () => `Dossier « ${homedir()} » refusé pour --to : c'est votre dossier personnel`, out: 'untouched' },
  { name: 'import --to parent du dossier personnel', args: (c) => importTo(c, path.dirname(homedir())), code: 2, message: () => /refusé pour --to : (il contient votre dossier personnel|c'est la racine du système)/, out: 'untouched' },
  { name: 'import --to : sous-dossier etats/ lié vers ailleurs/', setup: (c) => symlink(c.ailleurs, path.join(c.cible, 'etats')), args: importTo, code: 3, message: (c) => `Écriture de « ${path.join(c.cible, ETAT)} » refusée : le chemin passe par un lien symbolique qui sort du dossier « ${c.cible} »`, out: 'untouched' },
  { name: 'import --to : dispositif.yaml lié vers ailleurs/', setup: (c) => symlink(path.join(c.ailleurs, 'secret.txt'), path.join(c.cible, 'dispositif.yaml')), args: importTo, code: 3, message: (c) => `Écriture de « ${path.join(c.cible, 'dispositif.yaml')} » refusée : ce fichier est un lien symbolique`, out: 'untouched' },
  { name: 'import --to : CSV lié vers ailleurs/', setup: async (c) => { await mkdir(path.join(c.cible, 'etats')); await symlink(path.join(c.ailleurs, 'secret.txt'), path.join(c.cible, ETAT)); }, args: importTo, code: 3, message: (c) => `Écriture de « ${path.join(c.cible, ETAT)} » refusée : ce fichier est un lien symbolique`, out: 'untouched' },
  { name: 'import --to : CSV tube nommé', setup: async (c) => { await mkdir(path.join(c.cible, 'etats')); await fifo(path.join(c.cible, ETAT)); }, args: importTo, code: 3, message: (c) => `Écriture de « ${path.join(c.cible, ETAT)} » refusée : ce n'est pas un fichier ordinaire`, out: 'untouched' },
  { name: 'import --to : un dossier porte le nom du CSV', setup: async (c) => void (await mkdir(path.join(c.cible, ETAT), { recursive: true })), args: importTo, code: 3, message: (c) => `Écriture de « ${path.join(c.cible, ETAT)} » impossible : un dossier porte déjà ce nom`, out: 'untouched' },
  { name: 'import --to : .sauvegardes/ lié vers ailleurs/ (--ecraser)', setup: async (c) => { await cp(c.data, c.cible, { recursive: true }); await writeFile(path.join(c.cible, ETAT), (await readFile(path.join(c.cible, ETAT), 'utf8')).replace(/\n$/, '\r\n')); await symlink(c.ailleurs, path.join(c.cible, '.sauvegardes')); }, args: (c) => importTo(c, c.cible, '--ecraser'), code: 3, message: () => /\.sauvegardes\/sauvegarde » refusée : le chemin passe par un lien symbolique qui sort du dossier/, out: 'untouched' },
  { name: 'import --to : le dossier cible lui-même est un lien (chemin donné)', setup: async (c) => { await symlink(c.cible, path.join(c.root, 'lien-cible')); }, args: (c) => importTo(c, path.join(c.root, 'lien-cible')), code: 0, message: () => /Import terminé : \d+ fichiers écrits/, out: 'untouched' },
  { name: 'import --to : un fichier', args: (c) => importTo(c, path.join(c.ailleurs, 'secret.txt')), code: 3, message: (c) => `Dossier de données « ${path.join(c.ailleurs, 'secret.txt')} » inutilisable : un fichier porte déjà ce nom (EEXIST)`, out: 'untouched' },
  { name: 'import --to : dossier absent (créé)', args: (c) => importTo(c, path.join(c.cible, 'neuf')), code: 0, message: () => /Import terminé/, out: 'untouched' },
];

/** The yearly commands that edit data/ (`etat`, `deliberation ajouter`, `deploiement ajouter`). */
const linkOut = (rel: string) => async (c: Ctx) => {
  await cp(path.join(c.data, rel), path.join(c.ailleurs, path.basename(rel)), { recursive: true });
  await rm(path.join(c.data, rel), { recursive: true });
  await symlink(path.join(c.ailleurs, path.basename(rel)), path.join(c.data, rel));
};
const EDIT_CASES: Case[] = [
  { name: 'etat --au --vers : sous-dossier lié vers ailleurs/', setup: (c) => symlink(c.ailleurs, path.join(c.data, 'nouveaux')), args: (c) => ['etat', '--au', '2020-07-15', '--vers', 'nouveaux/2020-07-15.csv', '--data', c.data], code: 3, message: (c) => `Écriture de « ${path.join(c.data, 'nouveaux', '2020-07-15.csv')} » refusée : le chemin passe par un lien symbolique qui sort du dossier`, out: 'untouched' },
  { name: 'etat --au : dossier etats/ lié vers ailleurs/ (données refusées)', setup: linkOut('etats'), args: (c) => ['etat', '--au', '2020-07-15', '--data', c.data], code: 1, message: (c) => atYaml(c, `fichier "${esc(ETAT)}" hors du dossier de données`), out: 'untouched' },
  { name: 'deliberation ajouter : dispositif.yaml lié vers ailleurs/', setup: linkOut('dispositif.yaml'), args: (c) => ['deliberation', 'ajouter', '--date', '2020-07-06', '--objet', 'essai', '--data', c.data], code: 3, message: (c) => `Écriture de « ${yamlOf(c)} » refusée : ce fichier est un lien symbolique`, out: 'untouched' },
  { name: 'deploiement ajouter : dossier deploiements/ lié vers ailleurs/', setup: linkOut('deploiements'), args: (c) => ['deploiement', 'ajouter', '--id', 'rentree-2020', '--libelle', 'rentrée 2020', '--deliberation', '2019-07-01', '--effet', '2020-09-01', '--data', c.data], code: 3, message: (c) => `Écriture de « ${path.join(c.data, 'deploiements', 'rentree-2020.csv')} » refusée`, out: 'untouched' },
  { name: 'etat --au --vers ../ailleurs/x.csv', args: (c) => ['etat', '--au', '2020-07-15', '--vers', '../ailleurs/x.csv', '--data', c.data], code: 2, message: () => '--vers « ../ailleurs/x.csv » sort du dossier de données', out: 'untouched' },
];

/** `alses verify`: extra entries, keys, damaged manifests, edits, the signature. */
const key = (k: string) => (c: Ctx) => editManifest(c, (m) => (m.outputs[k] = aRecord(m)));
const VERIFY_CASES: Case[] = [
  { name: 'verify : dossier intact', args: verify, code: 0, message: () => /attention : manifeste non signé[\s\S]*Conforme au manifeste/, out: 'any' },
  { name: 'verify : fichier caché ajouté', setup: (c) => writeFile(path.join(c.out, '.cache'), 'x'), args: verify, code: 1, message: () => 'ajouté  .cache  fichier caché ajouté (absent du manifeste)', out: 'any' },
  { name: 'verify : fichier ajouté', setup: (c) => writeFile(path.join(c.out, 'faux.pdf'), 'x'), args: verify, code: 1, message: () => 'ajouté  faux.pdf  ajouté (absent du manifeste)', out: 'any' },
  { name: 'verify : sous-dossier et son contenu', setup: async (c) => { await mkdir(path.join(c.out, 'a', 'b'), { recursive: true }); await writeFile(path.join(c.out, 'a', 'b', 'c.pdf'), 'x'); }, args: verify, code: 1, message: () => /ajouté {2}a {2}dossier ajouté[\s\S]*ajouté {2}a\/b {2}dossier ajouté[\s\S]*ajouté {2}a\/b\/c\.pdf {2}ajouté/, out: 'any' },
  { name: 'verify : dossier caché vide', setup: (c) => mkdir(path.join(c.out, '.git')), args: verify, code: 1, message: () => 'ajouté  .git  dossier ajouté', out: 'any' },
  { name: 'verify : lien vers /etc ajouté (non suivi)', setup: (c) => symlink('/etc', path.join(c.out, 'etc')), args: verify, code: 1, message: () => /ajouté {2}etc {2}lien symbolique ajouté \(absent du manifeste ; non suivi\)(?![\s\S]*etc\/)/, out: 'any' },
  { name: 'verify : lien caché vers ailleurs/', setup: (c) => symlink(c.ailleurs, path.join(c.out, '.ailleurs')), args: verify, code: 1, message: () => /ajouté {2}\.ailleurs {2}lien symbolique ajouté(?![\s\S]*secret)/, out: 'any' },
  { name: 'verify : tube nommé ajouté (pas d\'attente)', setup: (c) => fifo(path.join(c.out, 'tube')), args: verify, code: 1, message: () => 'ajouté  tube  ajouté (absent du manifeste ; ni fichier ni dossier : tube, périphérique ou socket)', out: 'any' },
  { name: 'verify : contenu du dossier de verrou', setup: async (c) => { await mkdir(path.join(c.out, '.alses.lock')); await writeFile(path.join(c.out, '.alses.lock', 'cache.pdf'), 'x'); }, args: verify, code: 1, message: () => /ajouté {2}\.alses\.lock\/cache\.pdf(?![\s\S]*ajouté {2}\.alses\.lock {2})/, out: 'any' },
  { name: 'verify : fichiers du produit ignorés', setup: async (c) => { for (const f of ['.envois.json', '.alertes.json']) await writeFile(path.join(c.out, f), '{}'); }, args: verify, code: 0, message: () => 'Conforme au manifeste', out: 'any' },
  { name: 'verify : journal de publication illisible', setup: (c) => writeFile(path.join(c.out, '.alses-journal.json'), '{}'), args: verify, code: 1, message: () => /interrompu {2}\.alses-journal\.json {2}reste d'une publication interrompue, non réparée : Journal de publication « [^»]+ » illisible/, out: 'any' },
  { name: 'verify : clé ../ailleurs/secret.txt', setup: key('../ailleurs/secret.txt'), args: verify, code: 1, message: () => /erreur {2}\.\.\/ailleurs\/secret\.txt {2}clé hors du dossier de sortie(?![\s\S]*23 octets)/, out: 'any' },
  { name: 'verify : clé absolue', setup: (c) => key(path.join(c.ailleurs, 'secret.txt'))(c), args: verify, code: 1, message: (c) => `erreur  ${path.join(c.ailleurs, 'secret.txt')}  clé hors du dossier de sortie`, out: 'any' },
  { name: 'verify : clé /etc/shadow', setup: key('/etc/shadow'), args: verify, code: 1, message: () => 'erreur  /etc/shadow  clé hors du dossier de sortie', out: 'any' },
  { name: 'verify : clé avec sous-dossier', setup: key('a/b.pdf'), args: verify, code: 1, message: () => 'erreur  a/b.pdf  clé hors du dossier de sortie', out: 'any' },
  { name: 'verify : clé ..', setup: key('..'), args: verify, code: 1, message: () => 'erreur  ..  clé hors du dossier de sortie', out: 'any' },
  { name: 'verify : clé .', setup: key('.'), args: verify, code: 1, message: () => 'erreur  .  clé hors du dossier de sortie', out: 'any' },
  { name: 'verify : clé vide', setup: key(''), args: verify, code: 1, message: () => /erreur {4}clé hors du dossier de sortie/, out: 'any' },
  { name: 'verify : clé avec \\', setup: key('..\\..\\secret.txt'), args: verify, code: 1, message: () => 'clé hors du dossier de sortie : « ..\\..\\secret.txt »', out: 'any' },
  { name: 'verify : document remplacé par un lien vers ailleurs/', setup: (c) => replaceOut(c, `${ANNEXE}.html`, (f) => symlink(path.join(c.ailleurs, 'secret.txt'), f)), args: verify, code: 1, message: () => `erreur  ${ANNEXE}.html  clé hors du dossier de sortie : « ${ANNEXE}.html » est un lien symbolique, non suivi`, out: 'any' },
  { name: 'verify : document remplacé par un dossier', setup: (c) => replaceOut(c, `${ANNEXE}.html`, (f) => mkdir(f)), args: verify, code: 1, message: () => `modifié  ${ANNEXE}.html  modifié : ce n'est plus un fichier ordinaire`, out: 'any' },
  { name: 'verify : document remplacé par un tube (pas d\'attente)', setup: (c) => replaceOut(c, `${ANNEXE}.html`, fifo), args: verify, code: 1, message: () => `modifié  ${ANNEXE}.html  modifié : ce n'est plus un fichier ordinaire`, out: 'any' },
  { name: 'verify : document modifié', setup: (c) => writeFile(path.join(c.out, `${ANNEXE}.html`), 'x'), args: verify, code: 1, message: () => new RegExp(`modifié {2}${esc(ANNEXE)}\\.html {2}modifié \\(attendu : \\d+ octets, SHA-256 [0-9a-f]{12}… ; trouvé : 1 octets`), out: 'any' },
  { name: 'verify : document et manifeste modifiés ensemble (non signé)', setup: async (c) => { await writeFile(path.join(c.out, `${ANNEXE}.html`), 'x'); await editManifest(c, (m) => Object.assign(m.outputs[`${ANNEXE}.html`]!, { sha256: sha(Buffer.from('x')), size: 1 })); }, args: verify, code: 0, message: () => /attention : manifeste non signé \(aucun manifest\.json\.sig\) : verify ne prouve que la cohérence/, out: 'any' },
  { name: 'verify : document supprimé', setup: (c) => unlink(path.join(c.out, `${ANNEXE}.html`)), args: verify, code: 1, message: () => `supprimé  ${ANNEXE}.html  supprimé (attendu : `, out: 'any' },
  { name: 'verify : manifeste absent', setup: (c) => unlink(manifestOf(c)), args: verify, code: 1, message: (c) => `Aucun manifeste dans « ${c.out} »`, out: 'any' },
  { name: 'verify : dossier absent', args: (c) => ['verify', path.join(c.root, 'absent')], code: 1, message: () => /Aucun manifeste dans « [^»]+absent »/, out: 'any' },
  { name: 'verify : manifeste JSON invalide', setup: (c) => writeFile(manifestOf(c), '{"product": "alses-reports", "outputs": {,}}'), args: verify, code: 3, message: (c) => `${manifestOf(c)}:1:42  erreur  Manifeste « ${manifestOf(c)} » endommagé : JSON invalide, valeur attendue`, out: 'any' },
  { name: 'verify : manifeste sans outputs', setup: (c) => writeFile(manifestOf(c), '{"product": "alses-reports"}'), args: verify, code: 3, message: (c) => `${manifestOf(c)}:1:1  erreur  Manifeste « ${manifestOf(c)} » endommagé : contenu inattendu en « outputs » (attendu : un objet { … })`, out: 'any' },
  { name: 'verify : manifeste, taille négative', setup: (c) => editManifest(c, (m) => (Object.values(m.outputs)[0]!['size'] = -1)), args: verify, code: 3, message: (c) => new RegExp(`${esc(manifestOf(c))}:\\d+:\\d+ {2}erreur {2}Manifeste « [^»]+ » endommagé : contenu inattendu en « outputs\\.${esc(ANNEXE)}\\.html\\.size »`), out: 'any' },
  { name: 'verify : manifeste lien vers ailleurs/', setup: (c) => replaceOut(c, 'manifest.json', (f) => symlink(path.join(c.ailleurs, 'secret.txt'), f)), args: verify, code: 3, message: () => /endommagé : lien symbolique \(non suivi\)(?![\s\S]*mot de passe)/, out: 'any' },
  { name: 'verify : manifeste tube nommé', setup: (c) => replaceOut(c, 'manifest.json', fifo), args: verify, code: 3, message: () => "endommagé : ce n'est pas un fichier ordinaire", out: 'any' },
  { name: 'verify --sources : source qui est un tube', setup: async (c) => { await fifo(path.join(c.root, 'tube.csv')); await editManifest(c, (m) => ((Object.values(m.outputs)[0]!['inputs'] as { path: string }[])[0]!.path = path.join(c.root, 'tube.csv'))); }, args: (c) => ['verify', c.out, '--sources'], code: 1, message: () => /source absente {2}[^ ]+tube\.csv {2}source introuvable depuis le dossier courant/, out: 'any' },
  { name: 'verify : signature liée vers /dev/zero (pas lue)', setup: (c) => symlink('/dev/zero', path.join(c.out, 'manifest.json.sig')), args: verify, code: 1, message: () => 'Signature du manifeste illisible (manifest.json.sig : lien symbolique (non suivi)', out: 'any' },
  { name: 'verify : signature tube nommé', setup: (c) => fifo(path.join(c.out, 'manifest.json.sig')), args: verify, code: 1, message: () => "Signature du manifeste illisible (manifest.json.sig : ce n'est pas un fichier ordinaire", out: 'any' },
  { name: 'render sans clé : signature liée vers ailleurs/, jamais suivie', setup: (c) => symlink(path.join(c.ailleurs, 'secret.txt'), path.join(c.out, 'manifest.json.sig')), args: render, code: 0, message: () => /inchangé : /, out: 'any' },
  { name: 'verify : signature illisible', setup: (c) => writeFile(path.join(c.out, 'manifest.json.sig'), 'x'), args: verify, code: 1, message: () => 'Signature du manifeste illisible', out: 'any' },
  { name: 'verify : manifeste modifié après signature (sans clé publique)', setup: async (c) => { await writeFile(path.join(c.out, 'manifest.json.sig'), JSON.stringify({ algorithm: 'Ed25519', manifestSha256: '0'.repeat(64), publicKeySha256: '0'.repeat(64), signature: 'AAAA' })); }, args: verify, code: 1, message: () => 'Signature du manifeste invalide : le manifeste a été modifié après sa signature', out: 'any' },
];

/** Replaces an entry of the output folder. */
async function replaceOut(c: Ctx, name: string, make: (file: string) => Promise<void>): Promise<void> {
  await rm(path.join(c.out, name), { recursive: true, force: true });
  await make(path.join(c.out, name));
}

const ALL: [string, Case[]][] = [
  ['fichiers de données', DATA_CASES],
  ['dossier des modèles', TEMPLATE_CASES],
  ['dossier de sortie et manifeste', OUT_CASES],
  ['cible de l\'import', IMPORT_CASES],
  ['commandes qui modifient data/', EDIT_CASES],
  ['alses verify', VERIFY_CASES],
];
/** The permission cases apart: as root they are separate processes, run concurrently. */
const GROUPS: [string, Case[]][] = [
  ...ALL.map(([group, cases]): [string, Case[]] => [group, cases.filter((c) => !c.needsNonRoot)]),
  ['droits des fichiers', ALL.flatMap(([, cases]) => cases.filter((c) => c.needsNonRoot))],
];
const isRoot = process.getuid?.() === 0;
const NOBODY = ['setpriv', '--reuid', '65534', '--regid', '65534', '--clear-groups', 'env', '-u', 'HOME'];
const hasBuild = existsSync(path.join(ROOT, 'dist', 'app', 'main.js')); // what bin/alses.mjs runs
let n = 0;

for (const [group, cases] of GROUPS) {
  describe(group, () => {
    const runs = group === 'droits des fichiers' && isRoot ? it.concurrent : it;
    runs.for(cases)('$name', { timeout: 30_000 }, async (kase, { skip, expect }) => {
      tally.cases++;
      const asNobody = kase.needsNonRoot === true && isRoot;
      if (asNobody && !hasBuild) {
        tally.skipped++;
        return skip('droits de fichiers sous root : lancer npm run build d\'abord (la CLI tourne alors sous le compte nobody)');
      }
      const root = path.join(dir, `cas-${++n}`);
      const c: Ctx = { root, data: path.join(root, 'data'), templates: path.join(root, 'templates'), out: path.join(root, 'out'), ailleurs: path.join(root, 'ailleurs'), cible: path.join(root, 'cible') };
      await cp(path.join(ROOT, 'data'), c.data, { recursive: true });
      await cp(path.join(ROOT, 'templates'), c.templates, { recursive: true });
      await cp(base, c.out, { recursive: true });
      await mkdir(c.ailleurs);
      await mkdir(c.cible);
      await writeFile(path.join(c.ailleurs, 'secret.txt'), SECRET);
      await kase.setup?.(c);
      const before = { data: await snapshot(c.data), templates: await snapshot(c.templates), ailleurs: await snapshot(c.ailleurs), out: await snapshot(c.out) };
      for (const [k, v] of Object.entries(kase.env ?? {})) process.env[k] = v;
      let run: CliRun;
      try {
        const command = asNobody ? spawnCli(kase.args(c), { cwd: c.ailleurs, launcher: NOBODY }) : runCli(kase.args(c));
        run = await Promise.race([command, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('hang')), 25_000))]);
      } catch (err) {
        if ((err as Error).message === 'hang') tally.hangs++;
        throw err;
      } finally {
        for (const k of Object.keys(kase.env ?? {})) delete process.env[k];
      }
      const text = `${run.stdout}${run.stderr}`;
      const crashed = /\n\s+at |TypeError|ReferenceError|RangeError|échec de la production des documents :|undefined/.test(text);
      if (crashed) tally.crashes++;
      expect(crashed, text).toBe(false);
      expect(run.code, text).toBe(kase.code);
      const message = kase.message(c);
      if (typeof message === 'string') expect(text).toContain(message);
      else expect(text).toMatch(message);
      expect(text).not.toContain(SECRET.trim());
      expect(text).not.toContain('root:x:0:0');
      const after = { data: await snapshot(c.data), templates: await snapshot(c.templates), ailleurs: await snapshot(c.ailleurs) };
      const lost = JSON.stringify(after) !== JSON.stringify({ data: before.data, templates: before.templates, ailleurs: before.ailleurs });
      if (lost) tally.dataLost++;
      expect(after).toEqual({ data: before.data, templates: before.templates, ailleurs: before.ailleurs });
      if (kase.out !== 'any') {
        const outNow = await snapshot(c.out);
        const whole = kase.out === 'untouched' ? JSON.stringify(outNow) === JSON.stringify(before.out) : (await runCli(['verify', c.out])).code === 0;
        if (!whole) tally.partialWrites++;
        expect(whole, kase.out === 'untouched' ? JSON.stringify({ before: before.out, after: outNow }) : (await runCli(['verify', c.out])).stdout).toBe(true);
      }
      if (kase.code === 0) tally.successes++;
      else tally.clearErrors++;
    });
  });
}
