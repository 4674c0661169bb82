/**
 * The lock of an output folder tells the truth: it names its owner; a lock whose process is gone
 * (killed, pid reused) is taken over at once; a run whose main thread computes past the stale
 * time keeps its lock; a run that loses its lock anyway publishes nothing. Real processes of the
 * built CLI (`npm run build` first), held at a point of their run by `ALSES_TEST_FAULT`
 * (src/output/fault.ts).
 */
import { spawn } from 'node:child_process';
import { access, mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, STALE_VARIABLE } from '../src/output/lock.ts';
import { OWNER_FILE, processStartTicks } from '../src/output/owner.ts';
import { ROOT, runCli } from './helpers/cli.ts';

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** Starts the built CLI with extra environment variables; `done` settles when it ends. */
function start(args: readonly string[], env: Record<string, string>): { pid: number; done: Promise<Run> } {
  const child = spawn(process.execPath, [path.join(ROOT, 'bin/alses.mjs'), ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return { pid: child.pid!, done: new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr }))) };
}

/** Waits until the lock of `out` records its owner (the run holds it). */
async function ownerRecorded(out: string): Promise<{ pid: number }> {
  for (;;) {
    const text = await readFile(path.join(out, LOCK_FILE, OWNER_FILE), 'utf8').catch(() => undefined);
    if (text) return JSON.parse(text) as { pid: number };
    await sleep(50);
  }
}

let dir: string;
let out: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-lock-'));
  out = path.join(dir, 'out');
});
afterEach(async () => {
  delete process.env[STALE_VARIABLE];
  await rm(dir, { recursive: true, force: true });
});

const render = (...more: string[]) => ['render', 'annexe-liste-juillet-2019', '--format', 'html', '--out', out, ...more];

describe('the lock names its owner and is taken over at once when that owner is gone', () => {
  it('a lock left by a killed run is taken over at once, without --wait (finding: a killed run blocks every run for 60 s)', async () => {
    const killed = start(render(), { ALSES_TEST_FAULT: 'locked=kill' });
    expect((await killed.done).signal).toBe('SIGKILL');
    expect(JSON.parse(await readFile(path.join(out, LOCK_FILE, OWNER_FILE), 'utf8'))).toMatchObject({ pid: killed.pid, hostname: hostname() });
    const next = await runCli(render());
    expect(next.code, next.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['annexe-liste-juillet-2019.html', 'manifest.json']);
  });

  it('a lock whose pid now belongs to another process (started at another time) is taken over at once (finding: a killed run blocks every run for 60 s)', async () => {
    await mkdir(path.join(out, LOCK_FILE), { recursive: true });
    const ticks = processStartTicks(process.pid);
    expect(ticks).toBeTypeOf('number');
    await writeFile(
      path.join(out, LOCK_FILE, OWNER_FILE),
      JSON.stringify({ pid: process.pid, hostname: hostname(), startTicks: ticks! + 1, since: '2026-01-05T08:00:00.000Z', token: '0011223344556677' }),
    );
    const next = await runCli(render());
    expect(next.code, next.stderr).toBe(0);
  });

  it("a lock of another machine is waited for while fresh (exit 4 naming it), taken over once stale (finding: a killed run blocks every run for 60 s)", async () => {
    await mkdir(path.join(out, LOCK_FILE), { recursive: true });
    const owner = { pid: 4242, hostname: 'autre-machine', since: '2026-01-05T08:00:00.000Z', token: '8899aabbccddeeff' };
    await writeFile(path.join(out, LOCK_FILE, OWNER_FILE), JSON.stringify(owner));
    const fresh = await runCli([...render(), '--wait', '0']); // not the default 30 s
    expect(fresh.code).toBe(4);
    expect(fresh.stderr).toContain('processus 4242 sur la machine « autre-machine », depuis le 5 janvier 2026 à 09:00:00 (heure de Paris)');
    const old = new Date(Date.now() - 120_000);
    await utimes(path.join(out, LOCK_FILE), old, old);
    const stale = await runCli(render());
    expect(stale.code, stale.stderr).toBe(0);
    expect(await readdir(out)).toEqual(['annexe-liste-juillet-2019.html', 'manifest.json']);
  });

  it('a lock held by a live run whose main thread computes past the stale time: kept, the other run exits 4 naming it (finding: the lock is lost on long runs)', async () => {
    // Stale after 2 s; the first run's main thread is blocked once it holds the lock (as a
    // monthly report on a large état computes) until the second run is over.
    const env = { [STALE_VARIABLE]: '2000' };
    const go = path.join(dir, 'go');
    const first = start(render(), { ...env, ALSES_TEST_FAULT: `locked=hold:${go}` });
    await ownerRecorded(out);
    await sleep(3500);
    process.env[STALE_VARIABLE] = '2000';
    const second = await runCli([...render(), '--wait', '0']); // at once, not after the default 30 s
    await writeFile(go, '');
    expect(second.code, second.stderr).toBe(4);
    expect(second.stderr).toContain(`Une autre production est en cours dans « ${out} » : processus ${first.pid} sur la machine « ${hostname()} », depuis le `);
    expect(second.stderr).toMatch(/depuis le \d{1,2} \S+ \d{4} à \d{2}:\d{2}:\d{2} \(heure de Paris\)/);
    // render has --wait: it says so, on a line of its own (the lock's message names no option).
    expect(second.stderr).toContain('; réessayez plus tard.\nPour attendre la fin de l\'autre production, relancez avec --wait <secondes>.\n');
    const done = await first.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).not.toMatch(/ECOMPROMISED|Error/);
    expect((await runCli(['verify', out])).code).toBe(0);
  });

  it('a run whose lock is lost anyway publishes nothing: French error, exit 4, a log line (finding: the lock is lost on long runs)', async () => {
    const log = path.join(dir, 'mensuel.jsonl');
    const go = path.join(dir, 'go');
    const first = start(['monthly', '--month', '2019-09', '--out', out, '--log', log], { [STALE_VARIABLE]: '2000', ALSES_TEST_FAULT: `locked=hold:${go}` });
    await ownerRecorded(out);
    // Someone removes the lock while the run computes.
    await rm(path.join(out, LOCK_FILE), { recursive: true, force: true });
    await writeFile(go, '');
    const done = await first.done;
    expect(done.code, done.stderr).toBe(4);
    expect(done.stderr).toContain('le verrou du dossier a été perdu pendant la production (son dossier a été supprimé) : une autre production a pu le prendre ; rien n\'est remplacé');
    expect(done.stderr).not.toMatch(/ECOMPROMISED|Error/);
    const line = JSON.parse((await readFile(log, 'utf8')).trim());
    expect(line).toMatchObject({ status: 'locked', exitCode: 4, outputs: [] });
    expect(await readdir(out)).toEqual([]);
    await expect(access(path.join(out, 'manifest.json'))).rejects.toThrow();
  });
});
