/**
 * Batch rendering on several cores (issue 11): `alses render` of the catalogue with worker threads
 * (`--travaux 2`, or ALSES_TRAVAUX=2) gives, file by file, the bytes of a serial run
 * (`--travaux 1`), and the same manifest; the workers really run (piscina's worker module is
 * loaded, seen by the load tracer of cli-start.test.ts); unasked, a small catalogue and a single
 * document never start one. In this process: the jobs a worker claims (documents decoded from
 * shared memory in the worker) give the bytes and warnings of this thread, job by job; the
 * claim order puts the longest jobs first; a thread leaves to another the few jobs of a format
 * it has not started, and takes them when they are many.
 * Needs `npm run build` (runs bin/alses.mjs).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { claimJobs, claimOrder, POOL_MIN_ROWS, serializeBatch, shareBatch, startBatchWorkers, tableRows, type BatchJob, type SharedBatch } from '../src/jobs/batch.ts';
import { FORMATS } from '../src/writers/index.ts';
import { renderDocuments } from '../src/jobs/render.ts';
import { ROOT, spawnCli } from './helpers/cli.ts';

const { documents: catalogue } = await renderDocuments({ dataDir: path.join(ROOT, 'data'), templatesDir: path.join(ROOT, 'templates') });
const work = mkdtempSync(path.join(os.tmpdir(), 'alses-batch-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Runs the built CLI with the load tracer; settles with its exit code, output folder and whether a
 * worker thread started. The runs of a test go at once, each in its own folder.
 */
async function render(name: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string; workers: boolean; stderr: string }> {
  const out = path.join(work, name);
  const run = await spawnCli(['render', ...args, '--out', out], { node: ['--import', path.join(ROOT, 'test/fixtures/cli-start/trace-loads.mjs')], env });
  const loads = run.stderr.split('\n').filter((l) => l.startsWith('LOAD '));
  return { code: run.code, out, workers: loads.some((l) => l.endsWith('/piscina/dist/worker.js')), stderr: run.stderr.split('\n').filter((l) => !l.startsWith('LOAD ')).join('\n') };
}

/** Table rows of the catalogue's documents, in two formats (as `alses render --format pdf,docx` weighs them). */
function tableRowsOfCatalogue(): number {
  return 2 * catalogue.reduce((n, d) => n + tableRows(d.document), 0);
}

/** sha256 of every file of a folder, by name. */
const hashes = (dir: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dir).sort().map((f) => [f, createHash('sha256').update(readFileSync(path.join(dir, f))).digest('hex')]));

describe('render on several cores', () => {
  it('the catalogue rendered by worker threads has the bytes of a serial run, file by file, manifest included', async () => {
    const [serial, pooled] = await Promise.all([render('serial', ['--travaux', '1']), render('pooled', ['--travaux', '2'])]);
    expect([serial.code, serial.stderr.trim()]).toEqual([0, '']);
    expect([pooled.code, pooled.stderr.trim()]).toEqual([0, '']);
    expect(serial.workers).toBe(false);
    expect(pooled.workers).toBe(true);
    const expected = hashes(serial.out);
    // Every catalogue document in three formats, plus the manifest.
    expect(Object.keys(expected).filter((f) => f.endsWith('.pdf')).length).toBeGreaterThan(1);
    expect(Object.keys(expected)).toContain('manifest.json');
    expect(hashes(pooled.out)).toEqual(expected);
  }, 300_000);

  it('unasked, a small catalogue is rendered serially (POOL_MIN_ROWS); ALSES_TRAVAUX=2 asks for workers; one document alone never starts one', async () => {
    const rows = tableRowsOfCatalogue();
    expect(rows).toBeLessThan(POOL_MIN_ROWS);
    const [auto, env, one] = await Promise.all([
      render('auto', ['--format', 'pdf,docx'], { ALSES_TRAVAUX: '' }),
      render('env', ['--format', 'pdf,docx'], { ALSES_TRAVAUX: '2' }),
      render('one', ['annexe-liste-juillet-2019', '--travaux', '4']),
    ]);
    expect(auto.code).toBe(0);
    expect(auto.workers).toBe(false);
    expect(env.code).toBe(0);
    expect(env.workers).toBe(true);
    expect(hashes(env.out)).toEqual(hashes(auto.out));
    expect(one.code).toBe(0);
    expect(one.workers).toBe(false);
    expect(readdirSync(one.out).filter((f) => !f.startsWith('manifest')).sort()).toEqual(['annexe-liste-juillet-2019.docx', 'annexe-liste-juillet-2019.html', 'annexe-liste-juillet-2019.pdf']);
  }, 300_000);

  it('jobs claimed by a worker thread give the bytes and warnings of this thread; this thread claims the short ones', async () => {
    const jobs: BatchJob[] = catalogue.flatMap((d) => FORMATS.map((format) => ({ document: d.document, format })));
    const order = claimOrder(jobs);
    // Longest first: every PDF before every DOCX, every DOCX before every HTML.
    expect(order.map((i) => jobs[i]!.format)).toEqual(['pdf', 'docx', 'html'].flatMap((f) => catalogue.map(() => f)));
    const serial = await serializeBatch(jobs, undefined);
    expect(serial.every((r) => r.thread === 1)).toBe(true);
    const workers = await startBatchWorkers(2, FORMATS);
    try {
      expect(workers?.count).toBe(1);
      // An empty batch comes back once the worker has loaded its writer: it then claims at once.
      const empty: SharedBatch = { documents: new SharedArrayBuffer(0), spans: [], jobs: [], claims: new SharedArrayBuffer(4) };
      expect(await Promise.all(workers!.share(empty))).toEqual([[]]);
      const pooled = await serializeBatch(jobs, workers);
      const byWorker = pooled.flatMap((r, i) => (r.thread === 2 ? [jobs[i]!.format] : []));
      expect(byWorker).toContain('pdf');
      // This thread starts from the short end: the HTML files are its own.
      expect(pooled.filter((r, i) => jobs[i]!.format === 'html').map((r) => r.thread)).toEqual(catalogue.map(() => 1));
      const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
      expect(pooled.map((r) => [sha(r.bytes), r.warnings])).toEqual(serial.map((r) => [sha(r.bytes), r.warnings]));
    } finally {
      await workers?.close();
    }
  }, 300_000);

  it('a thread passes over the jobs of a format another thread is on when they are worth less than starting its writer, and takes them otherwise', async () => {
    const jobs: BatchJob[] = catalogue.flatMap((d) => (['pdf', 'docx'] as const).map((format) => ({ document: d.document, format })));
    const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const serial = await serializeBatch(jobs, undefined);
    // This thread (owner 1) has made the longest DOCX: what is left of DOCX (two short ones) is
    // not worth starting the DOCX writer in a worker that loaded the PDF writer.
    const few = shareBatch(jobs);
    const longestDocx = few.jobs.findIndex((j) => j.format === 'docx');
    Atomics.store(new Int32Array(few.claims), longestDocx, -1);
    const passed = await claimJobs(few, 2, 'pdf');
    expect(passed.map((r) => jobs[r.index]!.format)).toEqual(catalogue.map(() => 'pdf'));
    // The two short DOCX stay free (the last slot is the failure flag, not a job).
    expect(Array.from(new Int32Array(few.claims, 0, jobs.length)).filter((c) => c === 0)).toHaveLength(catalogue.length - 1);
    expect(passed.map((r) => sha(r.bytes))).toEqual(passed.map((r) => sha(serial[r.index]!.bytes)));
    // No other thread on DOCX: the worker takes every job, DOCX included.
    const all = await claimJobs(shareBatch(jobs), 2, 'pdf');
    expect(all.map((r) => r.index).sort((a, b) => a - b)).toEqual(jobs.map((_, i) => i));
    expect(all.map((r) => [r.index, sha(r.bytes)])).toEqual(all.map((r) => [r.index, sha(serial[r.index]!.bytes)]));
  }, 300_000);

  it('a bad thread count is a usage error (code 2), in French', async () => {
    const [option, variable] = await Promise.all([render('bad-option', ['--travaux', '0']), render('bad-env', [], { ALSES_TRAVAUX: 'deux' })]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('--travaux « 0 » invalide');
    expect(variable.code).toBe(2);
    expect(variable.stderr).toContain('ALSES_TRAVAUX « deux » invalide');
  });
});
