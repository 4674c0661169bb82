/**
 * Fault injection on the built CLI (`bin/alses.mjs`, run `npm run build` first): real processes
 * killed (SIGKILL) or asked to stop (SIGTERM) at every named point of a publication
 * (src/output/fault.ts: lock taken, each temporary file, each kept version, journal, each
 * rename, folders flushed, each clean-up, journal removed) of `render --format html` (three
 * documents, manifest and its signature) and at points of `monthly` (PDF, DOCX, HTML, manifest,
 * signature). After each one, the next command (`verify`, which repairs the folder) must succeed
 * at once (no exit 4 for a lock left behind) and the folder must hold exactly the whole previous
 * set of files or the whole new one (SHA-256 of every entry, hidden ones included: no journal,
 * temporary file, kept version or lock left), manifest and signature valid; the previous set
 * when killed before the journal was written, the new one from then on.
 *
 * Each chain of trials works in its own folder and goes from one data state to the other at
 * each trial (so that every run replaces files); chains run in parallel.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/cli.ts';

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI with extra environment variables. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/alses.mjs'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Every entry of a folder (hidden ones included) with the SHA-256 of its bytes; `folder` for a folder. */
async function listing(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: Record<string, string> = {};
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1)))
    out[e.name] = e.isDirectory() ? 'folder' : createHash('sha256').update(await readFile(path.join(dir, e.name))).digest('hex');
  return out;
}

let work: string;
let key: string;
let publicKey: string;
const data: Record<'A' | 'B', string> = { A: '', B: '' };
const reference: Record<'render' | 'monthly', Record<'A' | 'B', Record<string, string>>> = { render: { A: {}, B: {} }, monthly: { A: {}, B: {} } };
const points: Record<'render' | 'monthly', string[]> = { render: [], monthly: [] };

const commands = {
  render: (state: 'A' | 'B', out: string) => ['render', '--format', 'html', '--data', data[state], '--out', out, '--cle-privee', key],
  monthly: (state: 'A' | 'B', out: string) => ['monthly', '--month', '2019-09', '--data', data[state], '--out', out, '--cle-privee', key],
};

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'alses-faults-'));
  expect((await runCli(['cles', '--vers', path.join(work, 'cles')])).code).toBe(0);
  key = path.join(work, 'cles/cle-privee-manifeste.pem');
  publicKey = path.join(work, 'cles/cle-publique-manifeste.pem');
  // State B: another structure porteuse in the état, half a post less in the déploiement: every document changes.
  data.A = path.join(work, 'data-a');
  data.B = path.join(work, 'data-b');
  await cp(path.join(ROOT, 'data'), data.A, { recursive: true });
  await cp(path.join(ROOT, 'data'), data.B, { recursive: true });
  const etat = path.join(data.B, 'etats/2019-07-15.csv');
  await writeFile(etat, (await readFile(etat, 'utf8')).replace('ANZIN;Jules Ferry;CAPEP', 'ANZIN;Jules Ferry;AEP'));
  const deploiement = path.join(data.B, 'deploiements/rentree-2019.csv');
  await writeFile(deploiement, (await readFile(deploiement, 'utf8')).replace('CAUDRY;Jacques Prévert;REP;1', 'CAUDRY;Jacques Prévert;REP;0,5'));
  // Reference sets: A produced in a new folder; B produced over A, passing the points of a
  // publication (traced by the CLI itself).
  await Promise.all(
    (['render', 'monthly'] as const).map(async (kind) => {
      const out = path.join(work, `ref-${kind}-A`);
      const run = await cli(commands[kind]('A', out));
      expect(run.code, run.stderr).toBe(0);
      reference[kind].A = await listing(out);
      const traced = path.join(work, `ref-${kind}-B`);
      await cp(out, traced, { recursive: true });
      const trace = await cli(commands[kind]('B', traced), { ALSES_TEST_FAULT: 'trace' });
      expect(trace.code, trace.stderr).toBe(0);
      reference[kind].B = await listing(traced);
      points[kind] = [...trace.stderr.matchAll(/^alses-test-point (\S+)$/gm)].map((m) => m[1]!);
    }),
  );
  // B is not A: every document, the manifest and its signature differ.
  for (const kind of ['render', 'monthly'] as const) for (const [name, hash] of Object.entries(reference[kind].A)) expect(reference[kind].B[name], name).not.toBe(hash);
}, 600_000);
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** One kill: a point of a run, and the signal sent there. */
interface Trial {
  readonly kind: 'render' | 'monthly';
  readonly point: string;
  readonly signal: 'SIGKILL' | 'SIGTERM';
}

let queue: Promise<unknown> = Promise.resolve();
/** Runs `f` after every other in-process run (they share this process's stdout and stderr). */
function inProcess<T>(f: () => Promise<T>): Promise<T> {
  const run = queue.then(f);
  queue = run.catch(() => undefined);
  return run;
}

/** What each trial found, for the summary. */
const results: { trial: Trial; outcome: 'previous' | 'new' }[] = [];

/**
 * Runs trials one after the other in one folder, each from the folder's current state to the
 * other, checking after each the outcome, the next command and the folder.
 */
async function chain(name: string, kind: 'render' | 'monthly', trials: readonly Trial[], options: { readonly productionAfterKill: boolean }): Promise<void> {
  const out = path.join(work, name);
  await cp(path.join(work, `ref-${kind}-A`), out, { recursive: true });
  let state: 'A' | 'B' = 'A';
  for (const trial of trials) {
    const next: 'A' | 'B' = state === 'A' ? 'B' : 'A';
    const action = trial.signal === 'SIGKILL' ? 'kill' : 'term';
    const run = await cli(commands[kind](next, out), { ALSES_TEST_FAULT: `${trial.point}=${action}` });
    const committed = points[kind].indexOf(trial.point) >= points[kind].indexOf('journal');
    const where = `${kind} ${trial.signal} at ${trial.point}`;
    if (trial.signal === 'SIGKILL') {
      // Killed at its point: it took the lock at once (no exit 4), though the previous trial may have left it.
      expect(run.signal, `${where}: ${run.stderr}`).toBe('SIGKILL');
    } else if (committed) {
      expect(run.code, `${where}: ${run.stderr}`).toBe(0);
      expect(run.stderr).toContain("arrêt demandé (SIGTERM) : la publication commencée a été achevée avant l'arrêt");
    } else {
      expect(run.code, `${where}: ${run.stderr}`).toBe(3);
      expect(run.stderr).toContain('Arrêt demandé (SIGTERM) avant la publication');
      if (kind === 'monthly') expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toMatchObject({ status: 'failed', exitCode: 3, outputs: [] });
    }
    // The next command repairs the folder at once and finds it whole: every file as its manifest
    // says, signature valid (run in this process, one at a time, to spare the machine a start).
    const verify = await inProcess(() => runCli(['verify', out, '--cle-publique', publicKey]));
    expect(verify.code, `${where}: ${verify.stdout}${verify.stderr}`).toBe(0);
    expect(verify.stdout).toContain('Signature du manifeste valide');
    const expected: 'A' | 'B' = committed ? next : state;
    expect(await listing(out), where).toEqual(reference[kind][expected]);
    results.push({ trial, outcome: expected === state ? 'previous' : 'new' });
    state = expected;
  }
  if (!options.productionAfterKill) return;
  // Last, killed while renaming, with a production as the next command: it completes the
  // interrupted publication, then publishes its own, at once.
  const next: 'A' | 'B' = state === 'A' ? 'B' : 'A';
  const killed = await cli(commands[kind](next, out), { ALSES_TEST_FAULT: 'rename:1=kill' });
  expect(killed.signal).toBe('SIGKILL');
  results.push({ trial: { kind, point: 'rename:1', signal: 'SIGKILL' }, outcome: 'new' });
  const last = await cli(commands[kind](state, out));
  expect(last.code, last.stderr).toBe(0);
  expect(last.stderr).toMatch(/publication interrompue dans « .* » \(processus \d+\) achevée : 5 fichiers remplacés comme prévu/);
  expect(await listing(out)).toEqual(reference[kind][state]);
}

describe('a publication killed at any point leaves the previous set or the new one, repaired by the next command', () => {
  it('render (every point, SIGKILL and SIGTERM) and monthly (points of each phase): whole sets only, next run at once', async () => {
    expect(points.render).toEqual([
      'rendered',
      'locked',
      ...[1, 2, 3, 4, 5].map((n) => `temp:${n}`),
      ...[1, 2, 3, 4, 5].map((n) => `backup:${n}`),
      'journal',
      ...[1, 2, 3, 4, 5].map((n) => `rename:${n}`),
      'renamed',
      ...[1, 2, 3, 4, 5].map((n) => `cleanup:${n}`),
      'done',
    ]);
    const renderTrials = points.render.flatMap((point) => (['SIGKILL', 'SIGTERM'] as const).map((signal): Trial => ({ kind: 'render', point, signal })));
    const monthlyTrials: Trial[] = [
      { kind: 'monthly', point: 'rename:2', signal: 'SIGKILL' },
      { kind: 'monthly', point: 'backup:5', signal: 'SIGTERM' },
      // Asked to stop before the lock, as its data were read (hostile trial: killed, code 143, no log line).
      { kind: 'monthly', point: 'loaded', signal: 'SIGTERM' },
    ];
    for (const t of monthlyTrials) expect(points.monthly).toContain(t.point);
    const chains = 3;
    await Promise.all([
      ...Array.from({ length: chains }, (_, c) => chain(`chain-${c}`, 'render', renderTrials.filter((_, i) => i % chains === c), { productionAfterKill: true })),
      chain('chain-monthly', 'monthly', monthlyTrials, { productionAfterKill: false }),
    ]);
    const count = (f: (r: (typeof results)[number]) => boolean) => results.filter(f).length;
    expect(results.length).toBe(renderTrials.length + monthlyTrials.length + chains);
    expect(results.length).toBeGreaterThanOrEqual(50);
    console.info(
      `fault injection: ${results.length} points (${count((r) => r.trial.signal === 'SIGKILL')} SIGKILL, ${count((r) => r.trial.signal === 'SIGTERM')} SIGTERM; ` +
        `render ${count((r) => r.trial.kind === 'render')}, monthly ${count((r) => r.trial.kind === 'monthly')}): ` +
        `${count((r) => r.outcome === 'previous')} left the previous set, ${count((r) => r.outcome === 'new')} the new one, none anything else`,
    );
  }, 900_000);
});
