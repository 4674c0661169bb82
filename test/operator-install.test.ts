/**
 * The operator's install (issue 11, README « Installation pour l'exploitation »): the monthly job
 * run as the README's cron line and systemd unit run it — `node <checkout>/bin/alses.mjs monthly`
 * as an unprivileged account (uid 65534, `nobody`) with no HOME, from a checkout owned by root
 * that it may only read, writing only into the output and log folders it owns. A folder it cannot
 * write is exit 3 at once, with a French message, not after `--wait`.
 *
 * Needs root (to switch account with setpriv) and `npm run build`; skipped otherwise, with the reason.
 */
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnCli, type CliRun } from './helpers/cli.ts';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

/** Runs `node bin/alses.mjs <args>` as uid/gid 65534 without supplementary groups and without HOME. */
function runAsNobody(args: readonly string[]): Promise<CliRun> {
  const launcher = ['setpriv', '--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'env', '-u', 'HOME'];
  return spawnCli(args, { cwd: '/', launcher });
}

let base: string;
beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'alses-operator-'));
  await chmod(base, 0o755); // like /var/lib and /var/log: others may pass through
  // The service's own folders, as the README says to create them: owned by the service account.
  for (const dir of ['out', 'log']) {
    await mkdir(path.join(base, dir));
    if (isRoot) await chown(path.join(base, dir), NOBODY, NOBODY);
  }
  await mkdir(path.join(base, 'root-only'), { mode: 0o755 });
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('monthly job as an unprivileged account without HOME (skipped: needs root to switch account)', () => {
  const data = path.join(ROOT, 'data');
  const templates = path.join(ROOT, 'templates');

  it('writes the report into the folder it owns and appends its JSON log line', async () => {
    const out = path.join(base, 'out');
    const log = path.join(base, 'log', 'mensuel.jsonl');
    const run = await runAsNobody(['monthly', '--month', '2019-09', '--data', data, '--templates', templates, '--out', out, '--log', log, '--quiet', '--wait', '600']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    const pdf = await readFile(path.join(out, 'rapport-mensuel-2019-09.pdf'));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const line = JSON.parse((await readFile(log, 'utf8')).trim().split('\n').at(-1)!) as { month: string; status: string; exitCode: number; durationMs: number; outputs: { path: string }[] };
    expect(line).toMatchObject({ month: '2019-09', status: 'written', exitCode: 0 });
    expect(line.outputs.map((o) => path.basename(o.path)).sort()).toEqual(['rapport-mensuel-2019-09.docx', 'rapport-mensuel-2019-09.html', 'rapport-mensuel-2019-09.pdf']);
    expect(line.durationMs).toBeGreaterThan(0);
  });

  it('as a uid without an entry in /etc/passwd nor HOME (docker --user, runAsUser): the report is written (regression: exit 3, « uv_os_homedir returned ENOENT »)', async () => {
    const uid = 54_321;
    expect((await readFile('/etc/passwd', 'utf8')).split('\n').some((l) => l.split(':')[2] === String(uid))).toBe(false);
    const out = path.join(base, 'out-sans-compte');
    await mkdir(out);
    await chown(out, uid, uid);
    const launcher = ['setpriv', '--reuid', String(uid), '--regid', String(uid), '--clear-groups', 'env', '-u', 'HOME'];
    const run = await spawnCli(['render', 'annexe-liste-juillet-2019', '--format', 'html', '--data', data, '--templates', templates, '--out', out], { cwd: '/', launcher });
    expect(run.code, run.stderr).toBe(0);
    expect(await readFile(path.join(out, 'annexe-liste-juillet-2019.html'), 'utf8')).toContain('Liste des ALSES');
  });

  it('in an output folder shared by two accounts (README: the job and the web page), a lock left by one killed is taken over by the other (regression: EACCES, exit 3)', async () => {
    const out = path.join(base, 'out-partage');
    await mkdir(out);
    await chown(out, NOBODY, NOBODY);
    await chmod(out, 0o2770);
    // The job's account (umask 022, as cron runs it) is killed once it holds the lock.
    const killed = await spawnCli(['monthly', '--month', '2019-09', '--data', data, '--templates', templates, '--out', out], {
      cwd: '/',
      launcher: ['setpriv', '--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', 'env', '-u', 'HOME', 'ALSES_TEST_FAULT=locked=kill', 'sh', '-c', 'umask 0022; exec "$0" "$@"'],
    });
    expect(killed.code).not.toBe(0);
    expect((await readdir(out)).filter((n) => n.startsWith('.alses.lock'))).toEqual(['.alses.lock']);
    // The web page's account: another uid in the folder's group, umask 0027.
    const other = await spawnCli(['monthly', '--month', '2019-09', '--data', data, '--templates', templates, '--out', out, '--wait', '0'], {
      cwd: '/',
      launcher: ['setpriv', '--reuid', String(NOBODY - 1), '--regid', String(NOBODY), '--clear-groups', 'env', '-u', 'HOME', 'sh', '-c', 'umask 0027; exec "$0" "$@"'],
    });
    expect(other.code, other.stderr).toBe(0);
    expect(other.stderr).not.toContain('EACCES');
    expect((await readdir(out)).filter((n) => n.startsWith('.alses.lock'))).toEqual([]);
    expect(await readdir(out)).toContain('rapport-mensuel-2019-09.pdf');
  });

  it('an output folder it cannot write: exit 3 at once with a French message, logged, no wait for the lock', async () => {
    const out = path.join(base, 'root-only', 'out');
    await mkdir(out);
    const log = path.join(base, 'log', 'refus.jsonl');
    // --wait 600: a run that waited for the lock would outlive the test's time limit.
    const run = await runAsNobody(['monthly', '--month', '2019-09', '--data', data, '--templates', templates, '--out', out, '--log', log, '--wait', '600']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Dossier de sortie « ${out} » inutilisable : permission refusée`);
    const line = JSON.parse((await readFile(log, 'utf8')).trim()) as { status: string; exitCode: number; error: string };
    expect(line).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(line.error).toContain('inutilisable');
  });

  it('a log it cannot write: exit 3 before rendering, the log line on stderr', async () => {
    const out = path.join(base, 'out');
    const log = path.join(base, 'root-only', 'mensuel.jsonl');
    const run = await runAsNobody(['monthly', '--month', '2019-08', '--data', data, '--templates', templates, '--out', out, '--log', log]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Journal « ${log} » impossible à écrire : permission refusée`);
    await expect(readFile(path.join(out, 'rapport-mensuel-2019-08.pdf'))).rejects.toThrow();
    const json = run.stderr.split('\n').filter((l) => l.startsWith('{')).at(-1)!;
    expect(JSON.parse(json)).toMatchObject({ month: '2019-08', status: 'failed', exitCode: 3 });
  });
});
