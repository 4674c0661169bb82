/**
 * Hostile input (issue 12 findings), each named after what it used to do: a data file named in
 * dispositif.yaml that leads out of the data folder, a symbolic link to /dev/zero, a FIFO, a file
 * over the size limit. Each is a French error placed at the `fichier:` line, exit 1, nothing
 * read outside the data folder, no hang.
 */
import { cp, mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/cli.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-hostile-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A copy of data/ with `change` applied, validated; returns the run. */
async function validateWith(name: string, change: (data: string) => Promise<void>) {
  const data = path.join(dir, name);
  await cp(path.join(ROOT, 'data'), data, { recursive: true });
  await change(data);
  return { data, run: await runCli(['validate', '--data', data]) };
}

const ETAT = 'etats/2019-07-15.csv';
const fichierLine = async (data: string) => (await readFile(path.join(data, 'dispositif.yaml'), 'utf8')).split('\n').findIndex((l) => l.includes('fichier: ')) + 1;

describe('data files are confined, regular and bounded', () => {
  it('fichier: ../../../../etc/passwd is refused without reading it (regression: its first line was quoted)', async () => {
    const { data, run } = await validateWith('outside', async (d) => {
      const yaml = path.join(d, 'dispositif.yaml');
      await writeFile(yaml, (await readFile(yaml, 'utf8')).replace(`fichier: ${ETAT}`, 'fichier: ../../../../etc/passwd'));
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`dispositif.yaml:${await fichierLine(data)}:14  erreur  fichier "../../../../etc/passwd" hors du dossier de données`);
    expect(run.stderr).not.toContain('root:');
  });

  it('a symbolic link to /dev/zero is refused at once (regression: it was read without end)', async () => {
    const { run } = await validateWith('dev-zero', async (d) => {
      await unlink(path.join(d, ETAT));
      await symlink('/dev/zero', path.join(d, ETAT));
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/fichier "etats\/2019-07-15\.csv" hors du dossier de données .*file\/outside/);
  });

  it('a FIFO is refused at once (regression: validate and monthly hung forever)', async () => {
    const { run } = await validateWith('fifo', async (d) => {
      await unlink(path.join(d, ETAT));
      execFileSync('mkfifo', [path.join(d, ETAT)]);
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/"etats\/2019-07-15\.csv" n'est pas un fichier ordinaire .*file\/unreadable/);
  });

  it('a file over the size limit is not read (ALSES_TAILLE_MAX_FICHIER_MO)', async () => {
    process.env['ALSES_TAILLE_MAX_FICHIER_MO'] = '0.05';
    try {
      const { run } = await validateWith('too-large', async (d) => {
        const rows = Array.from({ length: 3000 }, (_, i) => `COMMUNE ${i};Collège ${i};CAPEP;1`);
        await writeFile(path.join(d, ETAT), ['Commune;Collège;Structure porteuse;ETP', ...rows].join('\n') + '\n');
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/fichier "etats\/2019-07-15\.csv" trop gros : \d+\u00a0Kio \(attendu : au plus 52\u00a0Kio/);
      expect(run.stderr).toContain('file/too-large');
    } finally {
      delete process.env['ALSES_TAILLE_MAX_FICHIER_MO'];
    }
  });
});
