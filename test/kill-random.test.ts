/**
 * `kill -9` at random instants (not only at the named points of test/fault-injection.test.ts):
 * a real process publishes, under the folder's lock, one of two sets of 12 files and their
 * manifest (`withOutputLock` + `publish` of dist/, as render and monthly do) and is killed after
 * a random delay over its whole life — lock, temporary files, journal, renames, cleanup. After
 * each kill the next command's repair runs, and the folder must hold the previous set or the new
 * one, complete, its manifest matching every file, with no debris nor lock left. The child runs
 * the sources through tsx (the built CLI is one bundle: its modules are not importable one by one).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { withOutputLock } from '../src/output/lock.ts';
import { ROOT } from './helpers/cli.ts';

const FILES = 12;
const RUNS = Number(process.env['ALSES_TEST_KILLS'] ?? 40);
let dir: string | undefined;
afterAll(() => dir && rm(dir, { recursive: true, force: true }));

const CHILD = `
import path from 'node:path';
const { withOutputLock } = await import(${JSON.stringify(path.join(ROOT, 'src/output/lock.ts'))});
const { publish } = await import(${JSON.stringify(path.join(ROOT, 'src/output/publish.ts'))});
const [out, variant] = process.argv.slice(2);
const files = Array.from({ length: ${FILES} }, (_, i) => ({
  path: path.join(out, 'doc-' + i + '.bin'),
  bytes: new Uint8Array(2000 + i * 20000).fill(variant.charCodeAt(0) + i),
  provenance: { template: { path: 't.hbs', sha256: '0'.repeat(64) }, inputs: [], date: '2019-07-15' },
}));
await withOutputLock(out, 30000, () => publish(out, files));
`;

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Runs the child publishing `variant`, killed after `delayMs` (if still running); whether it was killed. */
function publishKilled(script: string, out: string, variant: string, delayMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, out, variant], { cwd: ROOT, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('close', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

/** Which complete set the folder holds ('A', 'B', or 'none'), or a description of what is wrong. */
async function setIn(out: string): Promise<string> {
  const names = (await readdir(out).catch(() => [] as string[])).sort();
  const docs = names.filter((n) => /^doc-\d+\.bin$/.test(n));
  const others = names.filter((n) => !docs.includes(n) && n !== 'manifest.json');
  if (others.length) return `restes : ${others.join(', ')}`;
  if (docs.length === 0) return names.length ? 'manifeste sans documents' : 'none';
  if (docs.length !== FILES) return `${docs.length} documents sur ${FILES}`;
  const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { outputs: Record<string, { sha256: string }> };
  const kinds = new Set<string>();
  for (const d of docs) {
    const bytes = await readFile(path.join(out, d));
    if (manifest.outputs[d]?.sha256 !== sha(bytes)) return `manifeste faux pour ${d}`;
    kinds.add(String.fromCharCode(bytes[0]! - Number(/\d+/.exec(d)![0])));
  }
  return kinds.size === 1 ? [...kinds][0]! : `mélange ${[...kinds].join('+')}`;
}

it(`${RUNS} publications killed at random instants: each time the previous set or the new one, whole, no debris`, { timeout: RUNS * 15_000 }, async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-kill-random-'));
  const script = path.join(dir, 'child.mjs');
  await writeFile(script, CHILD);
  const out = path.join(dir, 'out');
  // How long one whole run takes here: kills fall from 40 % to 130 % of it (its start, loading
  // modules, is of no interest), so that some runs publish in full and most are cut short.
  // The first run warms tsx's cache of compiled sources up; the second is timed.
  expect(await publishKilled(script, out, 'A', 60_000)).toBe(false);
  expect(await setIn(out)).toBe('A');
  const start = Date.now();
  expect(await publishKilled(script, out, 'B', 60_000)).toBe(false);
  // A run's length varies with the load (two test files at once on 2 cores): every 5 runs, the
  // span grows by half while no set was replaced, and shrinks by a quarter when under 2 of the 5
  // runs were killed.
  let span = Date.now() - start;
  expect(await setIn(out)).toBe('B');
  let current = 'B';
  let killed = 0;
  let killedBefore = 0;
  let changed = 0;
  for (let i = 0; i < RUNS; i++) {
    if (i > 0 && i % 5 === 0 && changed === 0) span = Math.round(span * 1.5);
    else if (i > 0 && i % 5 === 0 && killed - killedBefore < 2) span = Math.round(span * 0.75);
    if (i % 5 === 0) killedBefore = killed;
    const variant = current === 'A' ? 'B' : 'A';
    const delay = Math.floor(span * (0.4 + 0.9 * Math.random()));
    if (await publishKilled(script, out, variant, delay)) killed++;
    // The next command's repair, waiting as render does by default: a run killed between creating
    // the lock folder and recording its owner leaves an empty folder, taken over only after 5 s
    // (output/lock.ts, OWNER_RECORD_GRACE_MS: a live run may be between the two).
    await withOutputLock(out, 10_000, async () => undefined);
    const found = await setIn(out);
    expect([current, variant], `après un arrêt à ${delay} ms`).toContain(found);
    if (found !== current) changed++;
    current = found;
  }
  process.stdout.write(`arrêts aléatoires : ${killed} tués sur ${RUNS}, ${changed} ensembles remplacés, durée d'une exécution ${span} ms\n`);
  expect(killed).toBeGreaterThan(RUNS / 4);
  expect(changed).toBeGreaterThan(0);
});
