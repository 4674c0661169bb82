/**
 * Hostile input, third trial (issue 12 findings), each named after what it used to do:
 * - a déploiement id with `../` typed in dispositif.yaml made `render annexe-deploiement` write
 *   outside its output folder;
 * - an id of 300 characters was accepted, then every render failed (ENAMETOOLONG, in English);
 * - `deliberation ajouter` wrote values (emoji, U+202E, a line break, an empty numéro) that
 *   `alses validate` then refused, blocking every render;
 * - `monthly --log` appended through a symbolic link (to /etc/passwd, as root), and waited for
 *   ever on a FIFO;
 * - `alses opendata` wrote an objet « =HYPERLINK(…) » into the CSV, run by a spreadsheet;
 * - the web server kept for ever a connection sending its headers or its body a byte at a time;
 * - a value holding an escape sequence (U+001B) was printed raw in messages, recolouring the
 *   operator's terminal;
 * - an import killed between its renames left data/ half replaced, and validate, render and
 *   monthly used that mix as if whole.
 */
import { execFileSync } from 'node:child_process';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.ts';
import { publish } from '../src/output/publish.ts';
import { ROOT, runCli, spawnCli } from './helpers/cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-attacks-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh copy of data/ and templates/ under `dir/name`. */
async function copy(name: string): Promise<{ root: string; data: string; templates: string; yaml: string }> {
  const root = path.join(dir, name);
  await cp(path.join(ROOT, 'data'), path.join(root, 'data'), { recursive: true });
  await cp(path.join(ROOT, 'templates'), path.join(root, 'templates'), { recursive: true });
  return { root, data: path.join(root, 'data'), templates: path.join(root, 'templates'), yaml: path.join(root, 'data', 'dispositif.yaml') };
}

const editYaml = async (yaml: string, from: string | RegExp, to: string): Promise<void> => {
  const text = await readFile(yaml, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  await writeFile(yaml, next);
};

/** Every entry under `folder`, recursively (relative paths). */
const tree = async (folder: string): Promise<string[]> => (await readdir(folder, { recursive: true }).catch(() => [])).map(String).sort();

describe('identifiers name files: only [a-z0-9-], at most 80 characters', () => {
  it('a déploiement id with ../ is refused where typed; render writes nothing, inside or outside --out (regression: it wrote ../../../../evil.html)', async () => {
    const c = await copy('deploiement-dotdot');
    const evil = '../../../../evil';
    await editYaml(c.yaml, /id: rentree-2019\n/, `id: ${evil}\n`);
    await editYaml(c.yaml, /deploiement: rentree-2019\n/, `deploiement: ${evil}\n`);
    const line = (await readFile(c.yaml, 'utf8')).split('\n').indexOf(`  - id: ${evil}`) + 1;
    const out = path.join(c.root, 'a', 'b', 'c', 'out');
    await mkdir(out, { recursive: true });
    const run = await runCli(['render', 'annexe-deploiement', '--deploiement', evil, '--format', 'html', '--data', c.data, '--templates', c.templates, '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`dispositif.yaml:${line}:9  erreur  champ "deploiements[0].id" : valeur "${evil}" invalide (attendu : un identifiant en minuscules, chiffres et tirets, ex. rentree-2020)`);
    expect(await tree(c.root)).not.toContain('evil.html');
    expect((await tree(c.root)).filter((f) => f.endsWith('.html'))).toEqual([]);
  });

  it('publish itself refuses a file that is not directly in the output folder, and writes nothing', async () => {
    const out = path.join(dir, 'publish-out');
    await mkdir(out, { recursive: true });
    const provenance = { template: { path: 'templates/annexe-liste.hbs', sha256: 'a'.repeat(64) }, inputs: [], date: '2019-07-15' };
    const files = [
      { path: path.join(out, 'bon.html'), bytes: new TextEncoder().encode('bon'), provenance },
      { path: path.join(out, 'annexe-deploiement-..', '..', '..', 'evil.html'), bytes: new TextEncoder().encode('evil'), provenance },
    ];
    await expect(publish(out, files)).rejects.toThrow(`Écriture de « ${path.join(dir, 'evil.html')} » refusée : ce fichier sortirait du dossier de sortie`);
    expect(await tree(out)).toEqual([]);
    expect(await tree(dir)).not.toContain('evil.html');
  });

  it('document ajouter refuses an id of 81 characters (regression: accepted, then every render failed with ENAMETOOLONG)', async () => {
    const c = await copy('long-id');
    const before = await readFile(c.yaml);
    const id = 'a'.repeat(81);
    const run = await runCli(['document', 'ajouter', '--id', id, '--modele', 'annexe-liste', '--au', '2019-07-15', '--data', c.data, '--templates', c.templates]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--id « ${id} » est invalide (attendu : minuscules, chiffres et tirets, au plus 80 caractères, ex. annexe-liste-juillet-2020)`);
    expect(await readFile(c.yaml)).toEqual(before);
    // Typed by hand, validate places it.
    await editYaml(c.yaml, '  - id: note-presentation\n', `  - id: ${id}\n`);
    const validate = await runCli(['validate', '--data', c.data, '--templates', c.templates]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(new RegExp(`dispositif\\.yaml:\\d+:9  erreur  champ "documents\\[2\\]\\.id" : valeur "a{81}" invalide \\(plus de 80 caractères ; attendu : un identifiant d'au plus 80 caractères`));
  });
});

describe('the yearly jobs never write a value that validate refuses', () => {
  it('deliberation ajouter: emoji, U+202E, a line break, an empty numéro are refused, dispositif.yaml unchanged (regression: written, then validate failed)', async () => {
    const c = await copy('deliberation-values');
    const before = await readFile(c.yaml);
    const add = (...args: string[]) => runCli(['deliberation', 'ajouter', '--date', '2020-07-06', ...args, '--data', c.data]);

    const emoji = await add('--objet', 'essai 😀 \u202Eenrevos');
    expect(emoji.code).toBe(2);
    // U+202E is shown by its code: raw, it reversed the rest of the line on the terminal.
    expect(emoji.stderr).toContain('--objet « essai 😀 ⟨U+202E⟩enrevos » : « 😀 » (U+1F600), caractère invisible (U+202E) absent(s) de la police des documents');
    expect(emoji.stderr).not.toContain('\u202E');

    const lines = await add('--objet', 'ligne 1\nnumero: 2');
    expect(lines.code).toBe(2);
    expect(lines.stderr).toContain("--objet « ligne 1 numero: 2 » : caractère de contrôle U+000A (saut de ligne) (attendu : un texte d'une ligne, sans saut de ligne ni tabulation)");

    const numero = await add('--objet', 'essai', '--numero', ' ');
    expect(numero.code).toBe(2);
    expect(numero.stderr).toContain('--numero vide (attendu : un texte)');

    expect(await readFile(c.yaml)).toEqual(before);
    const ok = await add('--objet', '  essai  ', '--numero', 'DL-2020-1');
    expect(ok.code).toBe(0);
    expect((await runCli(['validate', '--data', c.data, '--templates', c.templates])).code).toBe(0);
  });

  it('deploiement ajouter: a libellé with an emoji is refused, nothing written', async () => {
    const c = await copy('deploiement-values');
    const before = await tree(c.data);
    const run = await runCli(['deploiement', 'ajouter', '--id', 'rentree-2020', '--libelle', 'rentrée 🎒', '--deliberation', '2019-07-01', '--effet', '2020-09-01', '--data', c.data]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--libelle « rentrée 🎒 » : « 🎒 » (U+1F392) absent(s) de la police des documents');
    expect(await tree(c.data)).toEqual(before);
  });

  it('deliberation ajouter and deploiement ajouter report every wrong option at once, with the id already taken (regression: only the first)', async () => {
    const c = await copy('ajouter-all-at-once');
    const before = await tree(c.data);
    const yaml = await readFile(c.yaml);

    const deliberation = await runCli(['deliberation', 'ajouter', '--date', '2020-13-01', '--objet', ' ', '--numero', 'n°\t1', '--data', c.data]);
    expect(deliberation.code).toBe(2);
    expect(deliberation.stderr.split('\n').filter((l) => l.includes('attendu'))).toEqual([
      expect.stringContaining("--date « 2020-13-01 » n'est pas une date (attendu : AAAA-MM-JJ"),
      expect.stringContaining('--objet vide (attendu : ce que décide la délibération, tel que publié)'),
      expect.stringContaining('--numero « n° 1 » : caractère de contrôle U+0009 (tabulation)'),
    ]);

    // A wrong option and an id already taken (the délibération of 1 July 2019): both, exit 2.
    const taken = await runCli(['deliberation', 'ajouter', '--date', '2019-07-01', '--objet', 'doublon', '--instance', '😀', '--data', c.data]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toContain('--instance « 😀 »');
    expect(taken.stderr).toContain('la délibération « 2019-07-01 » existe déjà dans');

    const deploiement = await runCli(['deploiement', 'ajouter', '--id', 'Rentrée 2020', '--libelle', 'rentrée 🎒', '--deliberation', '2099-01-01', '--effet', '2020-9-1', '--fichier', '../dehors.csv', '--data', c.data]);
    expect(deploiement.code).toBe(2);
    const lines = deploiement.stderr.split('\n').filter((l) => l.includes('attendu'));
    expect(lines).toEqual([
      expect.stringContaining('--id « Rentrée 2020 » est invalide'),
      expect.stringContaining("--effet « 2020-9-1 » n'est pas une date"),
      expect.stringContaining('--libelle « rentrée 🎒 »'),
      expect.stringContaining('--fichier « ../dehors.csv » sort du dossier de données'),
      expect.stringContaining('délibération « 2099-01-01 » absente de'),
    ]);

    // An existing file and an id taken, with a wrong date: all three.
    const existing = await runCli(['deploiement', 'ajouter', '--id', 'rentree-2019', '--libelle', 'rentrée 2019', '--deliberation', '2019-07-01', '--effet', 'septembre', '--data', c.data]);
    expect(existing.code).toBe(2);
    expect(existing.stderr).toContain("--effet « septembre » n'est pas une date");
    expect(existing.stderr).toMatch(/rentree-2019\.csv existe déjà : rien n'est écrit/);
    expect(existing.stderr).toContain('« rentree-2019 » existe déjà dans');

    // A wrong option and no data folder: both.
    const nowhere = await runCli(['deliberation', 'ajouter', '--date', 'hier', '--objet', 'essai', '--data', path.join(c.root, 'absent')]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain("--date « hier » n'est pas une date");
    expect(nowhere.stderr).toContain('dispositif.yaml introuvable');

    expect(await tree(c.data)).toEqual(before);
    expect(await readFile(c.yaml)).toEqual(yaml);
  });
});

describe('monthly --log is a regular file, never followed nor waited on', () => {
  it('a link (to a file standing for /etc/passwd) is refused, exit 3, the file untouched (regression: the JSON line was appended to it)', async () => {
    const c = await copy('log-link');
    const victim = path.join(c.root, 'passwd');
    await writeFile(victim, 'root:x:0:0::/root:/bin/bash\n');
    const log = path.join(c.root, 'mensuel.jsonl');
    await symlink(victim, log);
    const run = await runCli(['monthly', '--month', '2019-07', '--quiet', '--data', c.data, '--templates', c.templates, '--out', path.join(c.root, 'out'), '--log', log]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Journal « ${log} » impossible à écrire : c'est un lien symbolique, qui n'est pas suivi`);
    expect(await readFile(victim, 'utf8')).toBe('root:x:0:0::/root:/bin/bash\n');
    expect(await tree(path.join(c.root, 'out'))).toEqual([]);
  });

  it('a FIFO is refused at once, exit 3 (regression: the run waited for a reader for ever)', { timeout: 30_000 }, async () => {
    const c = await copy('log-fifo');
    const log = path.join(c.root, 'mensuel.jsonl');
    execFileSync('mkfifo', [log]);
    const run = await runCli(['monthly', '--month', '2019-07', '--quiet', '--data', c.data, '--templates', c.templates, '--out', path.join(c.root, 'out'), '--log', log]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Journal « ${log} » impossible à écrire : ce n'est pas un fichier ordinaire`);
    expect((await lstat(log)).isFIFO()).toBe(true);
  });
});

describe('alses opendata never writes a spreadsheet formula', () => {
  it('an objet « =HYPERLINK(…) » is refused, naming the délibération and the column; no CSV (regression: written as is)', async () => {
    const c = await copy('opendata-formula');
    await editYaml(c.yaml, '  nom: Département du Nord\n', '  nom: Département du Nord\n  siret: "21590001234504"\n');
    const add = await runCli(['deliberation', 'ajouter', '--date', '2020-07-06', '--objet', '=HYPERLINK("http://exemple.fr/x","clic")', '--data', c.data]);
    expect(add.code).toBe(0);
    await editYaml(c.yaml, /(\n {4}date: \d{4}-\d\d-\d\d\n)/g, '$1    matiere: "8.2"\n');
    const csv = path.join(c.root, 'deliberations.csv');
    const run = await runCli(['opendata', '--vers', csv, '--data', c.data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('délibération « 2020-07-06 » du 06/07/2020 : DELIB_OBJET "=HYPERLINK("http://exemple.fr/x","clic")" commençant par "=", lu comme une formule par un tableur');
    expect(run.stderr).toContain('opendata/formula');
    expect(await tree(c.root)).not.toContain('deliberations.csv');
  });
});

describe('the web server closes a connection that sends its request too slowly (slowloris)', () => {
  /** Opens a connection, writes `start`, then one more byte every 100 ms; resolves with what the server sent once it closes. */
  const trickle = (port: number, start: string, drip: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write(start));
      let received = '';
      const timer = setInterval(() => socket.writable && socket.write(drip), 100);
      socket.on('data', (d) => (received += d.toString('latin1')));
      socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
      socket.on('close', () => {
        clearInterval(timer);
        resolve(received);
      });
    });

  it('headers a line at a time, or a body a byte at a time: 408 and closed (regression: held for ever)', { timeout: 30_000 }, async () => {
    const c = await copy('slowloris');
    const app = await buildServer({
      dataDir: c.data,
      templatesDir: c.templates,
      outDir: path.join(c.root, 'out'),
      limits: { timeoutMs: 60_000, maxMemoryMb: 512, threads: 1 },
      deadlines: { headersMs: 400, requestMs: 800 },
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const [headers, body] = await Promise.all([
        trickle(port, 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n', 'X'),
        trickle(port, `POST /api/validation HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 100000\r\n\r\n--XX\r\n`, ' '),
      ]);
      expect(headers).toMatch(/^HTTP\/1\.1 408 /);
      expect(body).toMatch(/^HTTP\/1\.1 408 /);
    } finally {
      await app.close();
    }
  });
});

describe('a data folder left half replaced by a killed import is never read as whole', () => {
  /** data/ after `alses import` of a copy with one ETP changed in the état and one in the déploiement, killed after its first rename. */
  async function halfImported(name: string) {
    const c = await copy(name);
    const source = path.join(c.root, 'source');
    await cp(c.data, source, { recursive: true });
    const etat = path.join(source, 'etats', '2019-07-15.csv');
    const deploiement = path.join(source, 'deploiements', 'rentree-2019.csv');
    await writeFile(etat, (await readFile(etat, 'utf8')).replace('ANZIN;Jules Ferry;CAPEP;1', 'ANZIN;Jules Ferry;CAPEP;0,5'));
    await writeFile(deploiement, (await readFile(deploiement, 'utf8')).replace('CAUDRY;Jacques Prévert;REP;1', 'CAUDRY;Jacques Prévert;REP;0,5'));
    const killed = await spawnCli(['import', source, '--to', c.data, '--ecraser'], { env: { ALSES_TEST_FAULT: 'rename:1=kill' } });
    expect(killed.code).toBe(-1);
    const lines = async (f: string) => (await readFile(path.join(c.data, f), 'utf8')).split('\n');
    // One file replaced, the other not: each valid, the whole a mix.
    const replaced = [(await lines('etats/2019-07-15.csv'))[1], (await lines('deploiements/rentree-2019.csv'))[1]];
    expect(replaced.filter((l) => l!.endsWith(';0,5'))).toHaveLength(1);
    expect(await tree(c.data)).toContain('.alses-journal.json');
    return c;
  }

  it('render completes the import first, then renders the whole new data (regression: documents from the mix, TOTAL 40,5 with the old déploiement)', { timeout: 60_000 }, async () => {
    const c = await halfImported('half-render');
    const out = path.join(c.root, 'out');
    const run = await runCli(['render', 'annexe-deploiement-rentree-2019', '--format', 'html', '--data', c.data, '--templates', c.templates, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`publication interrompue dans « ${c.data} »`);
    expect(run.stderr).toContain('achevée : 2 fichiers remplacés comme prévu');
    expect((await readFile(path.join(c.data, 'deploiements', 'rentree-2019.csv'), 'utf8')).split('\n')[1]).toBe('CAUDRY;Jacques Prévert;REP;0,5');
    expect(await readFile(path.join(out, 'annexe-deploiement-rentree-2019.html'), 'utf8')).toMatch(/Jacques Prévert<\/td>(<td[^>]*>[^<]*<\/td>)*?<td[^>]*>0,5<\/td>/);
    expect(await tree(c.data)).not.toContain('.alses-journal.json');
  });

  it('a command that does not repair (opendata) refuses it, data/interrupted, writing nothing', { timeout: 60_000 }, async () => {
    const c = await halfImported('half-opendata');
    const csv = path.join(c.root, 'deliberations.csv');
    const run = await runCli(['opendata', '--vers', csv, '--data', c.data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${path.join(c.data, '.alses-journal.json')}  erreur  écriture dans le dossier de données "${c.data}" en cours, ou interrompue`);
    expect(run.stderr).toContain('data/interrupted');
    expect(await tree(c.root)).not.toContain('deliberations.csv');
  });
});

describe('messages never print a control character raw', () => {
  it('an escape sequence in a YAML value is shown as ⟨U+001B⟩ (regression: printed raw, it recoloured the terminal)', async () => {
    const c = await copy('escape');
    await editYaml(c.yaml, 'nom: Département du Nord', 'nom: "Département\\e[31m du Nord"');
    const run = await runCli(['validate', '--data', c.data, '--templates', c.templates]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('valeur "Département⟨U+001B⟩[31m du Nord" : caractère invisible (U+001B) absent(s) de la police des documents');
    expect(run.stderr).not.toContain('\u001B');
  });
});

describe('system errors are said in French', () => {
  it('etat --vers with a name of 300 characters: « nom de fichier trop long (ENAMETOOLONG) », nothing written (regression: Node\'s English message)', async () => {
    const c = await copy('name-too-long');
    const before = await tree(c.data);
    const run = await runCli(['etat', '--au', '2020-07-15', '--vers', `etats/${'a'.repeat(300)}.csv`, '--data', c.data]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('impossible : nom de fichier trop long (au plus 255 octets, temporaire compris) (ENAMETOOLONG)');
    expect(run.stderr).not.toContain('name too long');
    expect(await tree(c.data)).toEqual(before);
  });
});
