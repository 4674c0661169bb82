/**
 * The page in production (README « La page web en exploitation »): `alses serve` under its own
 * account (uid 33, www-data, standing for alses-web) in the group shared with the monthly job's
 * account (uid 65534, nobody, standing for alses; gid 65534 standing for the group alses), with
 * umask 0027, owning data/ (2750), the output folder shared (2770). The page writes data/ and the
 * output folder; the job's account then reads what the page wrote and writes the same output
 * folder, replacing the page's manifest; the page writes there again after it.
 *
 * Needs root (to switch account with setpriv) and `npm run build`; skipped otherwise.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, spawnCli } from './helpers/cli.ts';

const WEB = 33;
const JOB = 65534;
const GROUP = 65534;
const isRoot = process.getuid?.() === 0;
const as = (uid: number) => ['setpriv', '--reuid', String(uid), '--regid', String(GROUP), '--clear-groups', 'env', '-u', 'HOME'];

let base: string;
let data: string;
let out: string;
let serve: ChildProcess | undefined;
const port = 20000 + (process.pid % 10000);
const url = (p: string) => `http://127.0.0.1:${port}${p}`;

beforeAll(async () => {
  if (!isRoot) return;
  base = await mkdtemp(path.join(tmpdir(), 'alses-operator-serve-'));
  await chmod(base, 0o755);
  data = path.join(base, 'data');
  out = path.join(base, 'out');
  await cp(path.join(ROOT, 'data'), data, { recursive: true });
  const own = async (p: string): Promise<void> => {
    await chown(p, WEB, GROUP);
    const st = await stat(p);
    await chmod(p, st.isDirectory() ? 0o750 : 0o640);
    if (st.isDirectory()) for (const e of await readdir(p)) await own(path.join(p, e));
  };
  await own(data);
  await chmod(data, 0o2750);
  await mkdir(out);
  await chown(out, JOB, GROUP);
  await chmod(out, 0o2770);
  const [command, ...args] = [...as(WEB), 'sh', '-c', `umask 0027; exec "${process.execPath}" "${path.join(ROOT, 'bin/alses.mjs')}" serve --port ${port} --data "${data}" --templates "${path.join(ROOT, 'templates')}" --out "${out}"`];
  serve = spawn(command!, args, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    serve!.stdout!.on('data', (d: Buffer) => (d.toString().includes('Page web') ? resolve() : undefined));
    serve!.on('exit', (code) => reject(new Error(`alses serve exited (${code})`)));
  });
}, 60_000);
afterAll(async () => {
  serve?.kill();
  if (base) await rm(base, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('alses serve under its own account, beside the monthly job (skipped: needs root to switch account)', () => {
  it('the page writes data/ and the output folder readable by the group; the job reads and writes after it; the page again', async () => {
    const added = await fetch(url('/api/catalogue'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'annexe-liste-juillet-2019-ter', modele: 'annexe-liste', au: '2019-07-15', deliberation: '2019-07-01', annexe: '4' }),
    });
    expect(added.status, await added.clone().text()).toBe(201);
    const yaml = await stat(path.join(data, 'dispositif.yaml'));
    expect([yaml.uid, yaml.gid, yaml.mode & 0o777]).toEqual([WEB, GROUP, 0o640]);

    const report = await fetch(url('/rapports'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'mois=2019-08', redirect: 'manual' });
    expect(report.status).toBe(303);
    const manifest = await stat(path.join(out, 'manifest.json'));
    expect([manifest.uid, manifest.gid, manifest.mode & 0o777]).toEqual([WEB, GROUP, 0o640]);

    const monthly = await spawnCli(['monthly', '--month', '2019-09', '--data', data, '--templates', path.join(ROOT, 'templates'), '--out', out, '--quiet'], { cwd: '/', launcher: as(JOB) });
    expect(monthly.code, monthly.stderr).toBe(0);
    expect((await stat(path.join(out, 'manifest.json'))).uid).toBe(JOB);
    const render = await spawnCli(['render', 'annexe-liste-juillet-2019-ter', '--format', 'pdf', '--data', data, '--templates', path.join(ROOT, 'templates'), '--out', path.join(out, 'annexes')], { cwd: '/', launcher: as(JOB) });
    expect(render.code, render.stderr).toBe(0);

    const again = await fetch(url('/rapports'), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'mois=2019-07', redirect: 'manual' });
    expect(again.status).toBe(303);
    expect((await stat(path.join(out, 'manifest.json'))).uid).toBe(WEB);
    expect((await readdir(out)).filter((f) => f.endsWith('.pdf')).sort()).toEqual(['rapport-mensuel-2019-07.pdf', 'rapport-mensuel-2019-08.pdf', 'rapport-mensuel-2019-09.pdf']);
  });
});
