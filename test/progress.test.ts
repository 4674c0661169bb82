/**
 * Progress bars (issue 11): shown on the error output only when it is a terminal, in French,
 * driven by the real run (files read and their rows, documents produced, files written); never in
 * a pipe, with `monthly --quiet`, or in the monthly JSON log. The terminal is a pseudo-terminal
 * made by util-linux `script`. Needs `npm run build` (runs bin/alses.mjs).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli, ROOT } from './helpers/cli.ts';

const ALSES = path.join(ROOT, 'bin/alses.mjs');
const work = mkdtempSync(path.join(os.tmpdir(), 'alses-progress-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Quotes a word for sh. */
const sh = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

/**
 * Runs `alses <args>` with its error output on a pseudo-terminal and its standard output in a
 * file; returns what the terminal showed (escape sequences removed) and the standard output.
 */
function inTerminal(args: readonly string[], name: string): { terminal: string; stdout: string; code: number } {
  const stdoutFile = path.join(work, `${name}.stdout`);
  const command = `cd ${sh(ROOT)} && ${sh(process.execPath)} ${sh(ALSES)} ${args.map(sh).join(' ')} > ${sh(stdoutFile)}`;
  const run = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm' } });
  // eslint-disable-next-line no-control-regex
  const terminal = run.stdout.replace(/\u001b(\[[0-9;?]*[A-Za-z]|[78])/g, '').replace(/\r/g, '\n');
  return { terminal, stdout: readFileSync(stdoutFile, 'utf8'), code: run.status ?? -1 };
}

/** Data rows of the CSV files of data/ (neither the header nor a TOTAL row). */
function dataRows(): number {
  return ['etats', 'deploiements']
    .flatMap((dir) => readdirSync(path.join(ROOT, 'data', dir)).filter((f) => f.endsWith('.csv')).map((f) => path.join(ROOT, 'data', dir, f)))
    .reduce((sum, file) => sum + readFileSync(file, 'utf8').split(/\r?\n/).slice(1).filter((l) => l.trim() !== '' && !/^TOTAL\b/i.test(l)).length, 0);
}

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('progress bars', () => {
  it('none when the error output is not a terminal (a pipe, as under cron or in tests)', async () => {
    const out = path.join(work, 'pipe');
    const run = await spawnCli(['render', '--format', 'html', '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(/Production|Lecture|\u001b/);
  });

  it.runIf(hasScript)('on a terminal: files and rows read, documents produced, files written, in French, on the error output', () => {
    const out = path.join(work, 'tty');
    // In this thread alone (--travaux 1), so that each PDF's layout is shown here.
    const { terminal, stdout, code } = inTerminal(['render', '--format', 'pdf,html', '--travaux', '1', '--out', out], 'render');
    expect(code).toBe(0);
    const files = readdirSync(out).filter((f) => /\.(pdf|html)$/.test(f));
    const documents = files.length / 2;
    expect(documents).toBeGreaterThan(1);
    expect(terminal).toContain(`Lecture des données`);
    expect(terminal).toMatch(new RegExp(`2/2 fichiers · ${dataRows()} lignes lues`));
    expect(terminal).toContain('Production des documents');
    // The file under way is named (the bar redraws 8 times a second: at least the first PDF, the
    // slowest, with its layout), then the phase ends with every file made.
    expect(files.filter((f) => f.endsWith('.pdf') && terminal.includes(`fichiers · ${f}`)).length).toBeGreaterThan(0);
    expect(terminal).toMatch(/\.pdf : mise en page \d+ %/);
    expect(terminal).toContain(`${files.length}/${files.length} fichiers`);
    expect(terminal).toMatch(new RegExp(`Écriture des fichiers\\s+\\S+ ${files.length}/${files.length} fichiers`));
    // The standard output (a file here) has the list of files written, and no bar.
    expect(stdout.split('\n').filter((l) => l.startsWith('écrit : '))).toHaveLength(files.length);
    expect(stdout).not.toMatch(/Production|Lecture|\u001b/);
  });

  it.runIf(hasScript)('none with monthly --quiet on a terminal, and never in the monthly JSON log', () => {
    const log = path.join(work, 'journal.jsonl');
    const quiet = inTerminal(['monthly', '--month', '2019-09', '--out', path.join(work, 'm1'), '--quiet', '--log', log], 'quiet');
    expect(quiet.code).toBe(0);
    expect(quiet.terminal).not.toMatch(/Production|Lecture|Écriture/);
    const shown = inTerminal(['monthly', '--month', '2019-09', '--out', path.join(work, 'm2'), '--log', log], 'monthly');
    expect(shown.code).toBe(0);
    expect(shown.terminal).toContain('Production des documents');
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ month: '2019-09', exitCode: 0 });
    expect(readFileSync(log, 'utf8')).not.toMatch(/Production|\u001b/);
  });
});
