/**
 * Hostile remains in an output folder (issue 12): what a killed run leaves there (journal, lock
 * folder) or what another hand puts in its place — a forged journal naming files outside the
 * folder, a FIFO or a link where the journal or the lock's owner record should be, a lock folder
 * whose owner was never recorded — and a monthly report replaced by a link the web server would
 * serve. Each case checks the exit code, the French message and that nothing outside the folder
 * was touched; a FIFO must never make a command hang.
 */
import { createHash } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildServer } from '../src/server/app.ts';
import { ROOT, runCli } from './helpers/cli.ts';

const ANNEXE = 'annexe-liste-juillet-2019';
const SECRET = 'mot de passe du voisin\n';
const sha = (b: Uint8Array | string): string => createHash('sha256').update(b).digest('hex');

let dir: string;
let base: string;
/** This case's copy of the rendered folder, and the folder standing for the rest of the machine. */
let out: string;
let ailleurs: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-remains-'));
  base = path.join(dir, 'base');
  expect((await runCli(['render', ANNEXE, '--format', 'html', '--out', base])).code).toBe(0);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
beforeEach(async () => {
  const root = path.join(dir, `cas-${++n}`);
  out = path.join(root, 'out');
  ailleurs = path.join(root, 'ailleurs');
  await cp(base, out, { recursive: true });
  await mkdir(ailleurs);
  await writeFile(path.join(ailleurs, 'secret.txt'), SECRET);
});

const journal = (entries: unknown[]) =>
  writeFile(path.join(out, '.alses-journal.json'), JSON.stringify({ product: 'alses-reports', kind: 'publication', pid: 999_999_999, started: '2026-01-01T00:00:00Z', phase: 'committing', entries }));
const render = () => runCli(['render', ANNEXE, '--format', 'html', '--out', out, '--wait', '0']);
const secretIntact = async () => expect(await readFile(path.join(ailleurs, 'secret.txt'), 'utf8')).toBe(SECRET);

describe('a journal naming files outside the output folder is refused, nothing touched', () => {
  const forged: [string, () => unknown[]][] = [
    ['a removal of ../ailleurs/secret.txt', () => [{ target: '../ailleurs/secret.txt', temp: null, backup: null, sha256: null }]],
    ['a new file ../ailleurs/secret.txt to undo', () => [{ target: '../ailleurs/secret.txt', temp: '.x.1.0000000a.tmp', backup: null, sha256: sha(SECRET) }]],
    ['an absolute target', () => [{ target: path.join(ailleurs, 'secret.txt'), temp: null, backup: null, sha256: null }]],
    ['a temporary file outside, renamed over a document', () => [{ target: `${ANNEXE}.html`, temp: '../ailleurs/secret.txt', backup: null, sha256: sha(SECRET) }]],
    ['a kept version outside, put back', () => [{ target: `${ANNEXE}.html`, temp: '.a.1.0000000a.tmp', backup: '../ailleurs/secret.txt', sha256: '0'.repeat(64) }]],
  ];
  it.each(forged)('verify: %s (regression: verify removed or moved a file outside the folder)', async (_name, entries) => {
    await journal(entries());
    const run = await runCli(['verify', out]);
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/interrompu {2}\.alses-journal\.json {2}reste d'une publication interrompue, non réparée : Journal de publication « [^»]+ » refusé : il nomme « [^»]+ », hors du dossier/);
    await secretIntact();
    expect(existsSync(path.join(out, '.alses-journal.json'))).toBe(true);
  });

  it('render: a target under a sub-folder linked out of the folder (regression: the link was followed)', async () => {
    await symlink(ailleurs, path.join(out, 'lien'));
    await journal([{ target: 'lien/secret.txt', temp: null, backup: null, sha256: null }]);
    const run = await render();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('il nomme « lien/secret.txt », hors du dossier');
    await secretIntact();
  });
});

describe('a FIFO or a link in place of a remains file: a French message at once, no hang', () => {
  it('the journal is a FIFO (regression: verify hung forever, SIGTERM ignored)', { timeout: 30_000 }, async () => {
    execFileSync('mkfifo', [path.join(out, '.alses-journal.json')]);
    const run = await runCli(['verify', out]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Journal de publication « [^»]+ » illisible \(ce n'est pas un fichier ordinaire\)/);
  });

  it('the journal is a link to /dev/zero (regression: read without end)', { timeout: 30_000 }, async () => {
    await symlink('/dev/zero', path.join(out, '.alses-journal.json'));
    const run = await render();
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('illisible (lien symbolique (non suivi))');
  });

  it('a journal entry whose target became a FIFO: the publication is completed, the FIFO replaced (regression: hung reading it)', { timeout: 30_000 }, async () => {
    const target = path.join(out, `${ANNEXE}.html`);
    const bytes = await readFile(target);
    await writeFile(path.join(out, `.${ANNEXE}.html.999999999.0000000a.tmp`), bytes);
    await rm(target);
    execFileSync('mkfifo', [target]);
    await journal([{ target: `${ANNEXE}.html`, temp: `.${ANNEXE}.html.999999999.0000000a.tmp`, backup: null, sha256: sha(bytes) }]);
    const run = await runCli(['verify', out]);
    expect(run.stderr).toContain('achevée : 1 fichier remplacé comme prévu');
    expect(run.code).toBe(0);
  });

  it.each([
    ['a FIFO: the lock is reported held, at once (regression: render and verify hung)', (f: string) => void execFileSync('mkfifo', [f])],
    ['a link to /dev/zero: the lock is reported held, the link not followed', (f: string) => symlink('/dev/zero', f)],
  ])('the lock owner record is %s', { timeout: 30_000 }, async (_name, make) => {
    await mkdir(path.join(out, '.alses.lock'));
    await make(path.join(out, '.alses.lock', 'owner.json'));
    const run = await render();
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('Une autre production est en cours');
  });
});

describe('a lock folder whose owner was never recorded (run killed between creating it and writing its record)', () => {
  it('empty, created over 5 s ago: taken over at once (regression: exit 4 for 60 s, naming no owner)', async () => {
    const lock = path.join(out, '.alses.lock');
    await mkdir(lock);
    const past = new Date(Date.now() - 10_000);
    await utimes(lock, past, past);
    const run = await render();
    expect(run.stderr).not.toContain('Une autre production');
    expect(run.code).toBe(0);
    expect(await readdir(out)).not.toContain('.alses.lock');
  });

  it('holding only the record\'s temporary file of a process gone: taken over at once (regression: exit 4 for 60 s)', async () => {
    await mkdir(path.join(out, '.alses.lock'));
    await writeFile(path.join(out, '.alses.lock', 'owner.json.999999999.tmp'), '{"pid":');
    const run = await render();
    expect(run.code).toBe(0);
  });

  it('empty and just created: still held (a live run is writing its record)', async () => {
    await mkdir(path.join(out, '.alses.lock'));
    const run = await render();
    expect(run.code).toBe(4);
  });
});

describe('the web server never serves a monthly report that is a link', () => {
  let app: FastifyInstance;
  afterAll(() => app?.close());
  it('GET /rapports/<report>.pdf linked to a file outside the folder is 404 (regression: the file outside was sent)', async () => {
    await symlink(path.join(ailleurs, 'secret.txt'), path.join(out, 'rapport-mensuel-2019-09.pdf'));
    app = await buildServer({ dataDir: 'data', templatesDir: 'templates', outDir: out, limits: { timeoutMs: 60_000, maxMemoryMb: 512, threads: 1 } });
    const res = await app.inject({ url: '/rapports/rapport-mensuel-2019-09.pdf' });
    expect(res.body).not.toContain('mot de passe');
    expect(res.statusCode).toBe(404);
    expect(res.body).toContain('introuvable dans le dossier de sortie');
  });
});

describe('two imports into one data folder at once', () => {
  it('an import whose files another import wrote after it compared them writes nothing, exit 4 (regression: it replaced them without --ecraser nor backup)', { timeout: 120_000 }, async () => {
    const root = path.dirname(out);
    const [a, b, target, go] = ['source-a', 'source-b', 'cible', 'go'].map((n) => path.join(root, n)) as [string, string, string, string];
    await cp('data', a, { recursive: true });
    await cp('data', b, { recursive: true });
    const csv = path.join(b, 'etats', '2019-07-15.csv');
    await writeFile(csv, (await readFile(csv, 'utf8')).replace('ANZIN;Jules Ferry;CAPEP;1\n', 'ANZIN;Jules Ferry;CAPEP;0,5\n'));
    // b compares its files with the empty target (all new), then waits before taking the lock.
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/alses.mjs'), 'import', b, '--to', target], { env: { ...process.env, ALSES_TEST_FAULT: `planned=hold:${go}` }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!existsSync(`${go}.atteint`)) await sleep(100);
    const first = await runCli(['import', a, '--to', target]);
    expect(first.code, first.stderr).toBe(0);
    const written = await readFile(path.join(target, 'etats', '2019-07-15.csv'), 'utf8');
    await writeFile(go, '');
    expect(await done).toBe(4);
    expect(stderr).toContain(`Le dossier « ${target} » a changé pendant l'importation : « dispositif.yaml » était absent, il est maintenant identique (une autre importation y a écrit) ; aucun fichier n'a été écrit.`);
    expect(await readFile(path.join(target, 'etats', '2019-07-15.csv'), 'utf8')).toBe(written);
    expect(written).toContain('ANZIN;Jules Ferry;CAPEP;1\n');
    expect(existsSync(path.join(target, '.sauvegardes'))).toBe(false);
  });
});

/** Whether this test run may mount a small tmpfs (root, in a container that allows it). */
function canMountTmpfs(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = path.join(tmpdir(), `alses-mount-probe-${process.pid}`);
  try {
    execFileSync('mkdir', ['-p', probe]);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    execFileSync('rm', ['-rf', probe]);
  }
}

/**
 * Runs `check` on a 64 KiB tmpfs named `name`, filled to its last byte once `prepare` has made
 * what it needs there (an empty folder, an empty log); unmounted afterwards.
 */
async function onFullDisk(name: string, prepare: (disk: string) => Promise<void>, check: (disk: string) => Promise<void>): Promise<void> {
  const small = path.join(path.dirname(out), name);
  await mkdir(small);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
  try {
    await prepare(small);
    await writeFile(path.join(small, 'plein'), new Uint8Array(64 * 1024)).catch(() => undefined);
    await check(small);
  } finally {
    execFileSync('umount', [small]);
  }
}

describe('a full disk when the lock is taken', () => {
  it.skipIf(!canMountTmpfs())('exit 3 in French, and no lock folder left behind (regression: the next runs were refused for 60 s, naming no owner)', async () => {
    // The disk full to its last byte: the lock folder can be made, not its owner record.
    await onFullDisk(
      'petit',
      (disk) => mkdir(path.join(disk, 'out')).then(() => undefined),
      async (disk) => {
        const folder = path.join(disk, 'out');
        const run = await runCli(['render', ANNEXE, '--format', 'html', '--out', folder, '--wait', '0']);
        expect(run.code).toBe(3);
        expect(run.stderr).toContain(`Dossier de sortie « ${folder} » inutilisable : disque plein (ENOSPC)`);
        expect(await readdir(folder)).toEqual([]);
      },
    );
  });
});

describe('the uploads of a web server killed with kill -9', () => {
  it('are removed by the next server on this machine; those of a running server are kept (regression: left in the temporary folder for ever)', { timeout: 60_000 }, async () => {
    const tmp = path.join(path.dirname(out), 'tmp-serve');
    await mkdir(tmp);
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const server = spawn(process.execPath, [path.join(ROOT, 'bin/alses.mjs'), 'serve', '--port', String(port), '--data', 'data', '--templates', 'templates', '--out', path.join(tmp, 'out')], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await new Promise<void>((resolve, reject) => {
        server.stdout!.on('data', (d: Buffer) => (d.toString().includes('Page web') ? resolve() : undefined));
        server.on('exit', (code) => reject(new Error(`alses serve exited (${code})`)));
      });
      const csv = await readFile(path.join(ROOT, 'data/etats/2019-07-15.csv'));
      const body = new FormData();
      body.append('fichiers', new Blob([csv]), '2019-07-15.csv');
      // Dropped on the page: kept in the session's workspace until saved or abandoned.
      const res = await fetch(`http://127.0.0.1:${port}/donnees`, { method: 'POST', body, redirect: 'manual' });
      expect(res.status).toBe(303);
    } finally {
      server.kill('SIGKILL');
      await new Promise((resolve) => (server.exitCode !== null || server.signalCode !== null ? resolve(undefined) : server.once('exit', resolve)));
    }
    const left = (await readdir(tmp)).filter((n) => n.startsWith('alses-serve-'));
    expect(left).toHaveLength(1);
    expect(JSON.parse(await readFile(path.join(tmp, left[0]!, 'serveur.json'), 'utf8'))).toMatchObject({ pid: server.pid });
    expect((await readdir(path.join(tmp, left[0]!))).some((n) => n.startsWith('espace-'))).toBe(true);
    // A running server's folder: this process, which is alive.
    const alive = path.join(tmp, 'alses-serve-vivant');
    await mkdir(alive);
    await writeFile(path.join(alive, 'serveur.json'), JSON.stringify({ pid: process.ppid, host: (await import('node:os')).hostname() }));

    const saved = process.env.TMPDIR;
    process.env.TMPDIR = tmp;
    let next: FastifyInstance | undefined;
    try {
      next = await buildServer({ dataDir: 'data', templatesDir: 'templates', outDir: path.join(tmp, 'out'), limits: { timeoutMs: 60_000, maxMemoryMb: 512, threads: 1 } });
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      await next?.close();
    }
    expect((await readdir(tmp)).filter((n) => n.startsWith('alses-serve-'))).toEqual(['alses-serve-vivant']);
  });
});

describe('a log on a full disk', () => {
  it.skipIf(!canMountTmpfs())('monthly: the report is written, the line goes to stderr, exit 3 (hostile trial: exit 0, the operator\'s record lost without a sign)', async () => {
    await onFullDisk(
      'journal-plein',
      (disk) => writeFile(path.join(disk, 'mensuel.jsonl'), ''),
      async (disk) => {
        const log = path.join(disk, 'mensuel.jsonl');
        const reports = path.join(path.dirname(out), 'rapports-journal-plein');
        const run = await runCli(['monthly', '--month', '2019-09', '--out', reports, '--log', log]);
        expect(run.code).toBe(3);
        expect(run.stderr).toContain(`alses : journal « ${log} » impossible à écrire (disque plein (ENOSPC)) ; la ligne de journal suit.`);
        expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toMatchObject({ month: '2019-09', status: 'written' });
        expect(await readdir(reports)).toContain('rapport-mensuel-2019-09.pdf');
      },
    );
  });
});
