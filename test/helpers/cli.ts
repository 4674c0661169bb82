/**
 * Runs the `alses` CLI in-process (fast) or as a real process (for what only a process shows:
 * the launcher, exit codes seen by a shell, concurrency).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';

/** What a CLI run printed and its exit code. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Project root (where `bin/alses.mjs` is). */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `alses <args>` in this process, capturing stdout/stderr and the exit code. */
export async function runCli(args: readonly string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { out: process.stdout.write, err: process.stderr.write, code: process.exitCode };
  process.exitCode = undefined;
  process.stdout.write = ((chunk: string | Uint8Array) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (err.push(String(chunk)), true)) as typeof process.stderr.write;
  try {
    await main([...args]);
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
  }
  const code = typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0);
  process.exitCode = saved.code;
  return { code, stdout: out.join(''), stderr: err.join('') };
}

/**
 * Runs `node bin/alses.mjs <args>` as a child process from the project root.
 * @param options.launcher a command and its arguments to run node through (e.g. `setpriv … env -u HOME`).
 * @param options.node options given to node before the script (e.g. `--import <tracer>`).
 * @param options.env variables added to this process's environment.
 */
export function spawnCli(
  args: readonly string[],
  options: { cwd?: string; launcher?: readonly string[]; node?: readonly string[]; env?: Readonly<Record<string, string>> } = {},
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const [command, ...prefix] = [...(options.launcher ?? []), process.execPath];
    const child = spawn(command!, [...prefix, ...(options.node ?? []), path.join(ROOT, 'bin/alses.mjs'), ...args], {
      cwd: options.cwd ?? ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
