/**
 * The code cache of the shipped build (src/patches/code-cache.ts, issue 11): the modules a
 * command loads start from the compiled code `npm run build` saved in dist/code-cache/, V8 takes
 * it on this Node, the documents are the same bytes as without it, and a module changed since
 * the build runs its new text. Pins the replacement of Node's `Module.prototype._compile`. On the
 * built program (`npm run build`), in child processes (the hook is process-wide); never on time.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';

const CODE_CACHE_MODULE = path.join(ROOT, 'dist/app/code-cache.js');
const temp = mkdtempSync(path.join(os.tmpdir(), 'alses-code-cache-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let scripts = 0;

/** Runs `source` as an ES module file in a new node process (cwd: the project); returns its stdout, failing on a non-zero exit. */
function node(source: string): string {
  const file = path.join(temp, `script-${++scripts}.mjs`);
  writeFileSync(file, source);
  const run = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

/** The counts of `useCodeCache` printed by a child process as its last line. */
const lastJson = (stdout: string): { used: number; rejected: number } => JSON.parse(stdout.trim().split('\n').at(-1)!) as { used: number; rejected: number };

describe('code cache of the build (dist/code-cache)', () => {
  it('is taken by this Node for the modules of a render, and the documents are the bytes made without it', () => {
    const withCache = path.join(temp, 'with');
    const without = path.join(temp, 'without');
    const render = (out: string) => `await require(${JSON.stringify(path.join(ROOT, 'dist/app/main.js'))}).main(['render', '--format', 'pdf,docx', '--out', ${JSON.stringify(out)}]);`;
    const preamble = `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(path.join(ROOT, 'x.cjs'))});`;
    const use = lastJson(
      node(`${preamble} const use = require(${JSON.stringify(CODE_CACHE_MODULE)}).useCodeCache(); ${render(withCache)} console.log(JSON.stringify(use));`),
    );
    // dist/app's files of a render and pdfmake's, pdfkit's, fontkit's…: dozens of modules.
    expect(use.rejected).toBe(0);
    expect(use.used).toBeGreaterThan(30);
    node(`${preamble} ${render(without)}`);
    const files = readdirSync(without).filter((f) => /\.(pdf|docx)$/.test(f)).sort();
    expect(files).toHaveLength(6);
    expect(readdirSync(withCache).filter((f) => /\.(pdf|docx)$/.test(f)).sort()).toEqual(files);
    for (const file of files) expect(readFileSync(path.join(withCache, file)).equals(readFileSync(path.join(without, file))), file).toBe(true);
  });

  it('is taken in a rendering worker thread too (dist/app/worker-start.js, the entry piscina runs)', () => {
    const printed = node(
        `import { Worker } from 'node:worker_threads';
        const worker = new Worker(${JSON.stringify(`const { parentPort } = require('node:worker_threads'); const start = require(${JSON.stringify(path.join(ROOT, 'dist/app/worker-start.js'))}); parentPort.postMessage({ ...start.codeCache, handler: typeof start.default });`)}, { eval: true });
        worker.once('message', (m) => { console.log(m.handler); console.log(JSON.stringify({ used: m.used, rejected: m.rejected })); worker.terminate(); });`,
    );
    // piscina's task runner, and the thread's modules from the cache: worker.js itself is not in
    // it (no worker in the build's run), the modules it shares with the command line are.
    expect(printed.split('\n')[0]).toBe('function');
    const use = lastJson(printed);
    expect(use.rejected).toBe(0);
    expect(use.used).toBeGreaterThan(0);
  });

  it('runs the new text of a module changed since its cache was made (same length, new time), and caches no module with a dynamic import', () => {
    const dir = path.join(temp, 'changed');
    const cache = path.join(dir, 'cache');
    const module = path.join(dir, 'answer.cjs');
    const dynamic = path.join(dir, 'dynamic.cjs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(module, 'module.exports = () => 41;\n');
    writeFileSync(dynamic, "module.exports = () => import('node:path');\n");
    const preamble = `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(module)}); const cache = require(${JSON.stringify(CODE_CACHE_MODULE)});`;
    const recorded = node(`${preamble} const recorder = cache.recordCodeCache(); console.log(require('./answer.cjs')()); await require('./dynamic.cjs')(); console.log(recorder.write({ dir: ${JSON.stringify(cache)}, root: ${JSON.stringify(dir)} }));`);
    expect(recorded.trim().split('\n')).toEqual(['41', '1']);
    expect(readdirSync(cache).sort()).toEqual(['0.bin', 'index.json']);

    const run = (): string => node(`${preamble} const use = cache.useCodeCache({ dir: ${JSON.stringify(cache)}, root: ${JSON.stringify(dir)} }); console.log(require('./answer.cjs')()); console.log(JSON.stringify(use));`);
    const same = run().trim().split('\n');
    expect(same[0]).toBe('41');
    expect(lastJson(same.join('\n'))).toEqual({ used: 1, rejected: 0 });

    writeFileSync(module, 'module.exports = () => 42;\n');
    const changed = run().trim().split('\n');
    expect(changed[0]).toBe('42');
    expect(lastJson(changed.join('\n'))).toEqual({ used: 0, rejected: 0 });

    // A damaged index: every module compiled from its text, nothing thrown.
    const index = readFileSync(path.join(cache, 'index.json'), 'utf8');
    for (const damagedIndex of ['{ "answer.cjs": ', 'null', '[1, 2]', '{ "answer.cjs": { "code": "../../../etc/passwd" } }']) {
      writeFileSync(path.join(cache, 'index.json'), damagedIndex);
      const damaged = run().trim().split('\n');
      expect(damaged[0], damagedIndex).toBe('42');
      expect(lastJson(damaged.join('\n'))).toEqual({ used: 0, rejected: 0 });
    }
    writeFileSync(path.join(cache, 'index.json'), index);
  });

  it('gives V8 no cache file damaged since the build (V8 checks its header only): the module is compiled from its text', () => {
    const dir = path.join(temp, 'damaged');
    const cache = path.join(dir, 'cache');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'answer.cjs'), 'module.exports = () => 41;\n');
    const preamble = `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(path.join(dir, 'x.cjs'))}); const cache = require(${JSON.stringify(CODE_CACHE_MODULE)});`;
    node(`${preamble} const recorder = cache.recordCodeCache(); require('./answer.cjs'); recorder.write({ dir: ${JSON.stringify(cache)}, root: ${JSON.stringify(dir)} });`);
    const run = (): string => node(`${preamble} const use = cache.useCodeCache({ dir: ${JSON.stringify(cache)}, root: ${JSON.stringify(dir)} }); console.log(require('./answer.cjs')()); console.log(JSON.stringify(use));`);
    expect(lastJson(run())).toEqual({ used: 1, rejected: 0 });
    // The last byte changed, the header (which V8 checks) kept.
    const bin = readFileSync(path.join(cache, '0.bin'));
    bin.writeUInt8(bin.readUInt8(bin.length - 1) ^ 0xff, bin.length - 1);
    writeFileSync(path.join(cache, '0.bin'), bin);
    const damaged = run().trim().split('\n');
    expect(damaged[0]).toBe('41');
    expect(lastJson(damaged.join('\n'))).toEqual({ used: 0, rejected: 0 });
  });

  it('caches a module whose only `import(` is in a line comment (zod\'s bundle), not one with `import(` after code on a line', () => {
    const dir = path.join(temp, 'comments');
    const cache = path.join(dir, 'cache');
    mkdirSync(dir, { recursive: true });
    // As in zod's bundle: "an inline `import()` of an ESM path" in a comment.
    writeFileSync(path.join(dir, 'commented.cjs'), 'module.exports = () => {\n  // emits an indexed access rather than an inline `import()` of an ESM path\n  return 7;\n};\n');
    writeFileSync(path.join(dir, 'after-code.cjs'), "module.exports = () => 1 && import('node:path'); // import(\n");
    const preamble = `import { createRequire } from 'node:module'; const require = createRequire(${JSON.stringify(path.join(dir, 'x.cjs'))}); const cache = require(${JSON.stringify(CODE_CACHE_MODULE)});`;
    const recorded = node(`${preamble} const recorder = cache.recordCodeCache(); console.log(require('./commented.cjs')()); console.log((await require('./after-code.cjs')()).sep); console.log(recorder.write({ dir: ${JSON.stringify(cache)}, root: ${JSON.stringify(dir)} }));`);
    expect(recorded.trim().split('\n')).toEqual(['7', '/', '1']);
    const used = node(`${preamble} const use = cache.useCodeCache({ dir: ${JSON.stringify(cache)}, root: ${JSON.stringify(dir)} }); console.log(require('./commented.cjs')()); console.log((await require('./after-code.cjs')()).sep); console.log(JSON.stringify(use));`);
    expect(used.trim().split('\n').slice(0, 2)).toEqual(['7', '/']);
    expect(lastJson(used)).toEqual({ used: 1, rejected: 0 });
  });
});
