/**
 * Fast start (issue 11): `alses --version` and `alses --help` load no command module, and a
 * command loads only its own. Checked on the files the built program (dist/app/, through
 * bin/alses.mjs) resolves — each file of the bundle standing for the source modules and libraries
 * esbuild put in it (dist/meta.json), each library left outside for its own files — never on time
 * (speed is measured by `npm run bench`). Needs `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';

/** Packages no light command may load: renderers, workbook reader, charts, mail, web server, workers, schemas. */
const HEAVY = ['pdfmake', 'docx', 'exceljs', 'vega', '@resvg/resvg-js', 'fastify', 'nodemailer', 'piscina', 'zod', 'handlebars', 'node-forge', 'fontkit'];

/** What esbuild put in each file of dist/ (its metafile): paths relative to the project. */
const bundle = JSON.parse(readFileSync(path.join(ROOT, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };

const packageOf = (file: string): string | undefined => /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1];

/**
 * Runs `node bin/alses.mjs <args>` with the load tracer; returns stdout, the packages it loaded
 * (from node_modules, or bundled in a file of dist/ it loaded) and the source modules it loaded
 * (`cli/commands/etat.js` for src/cli/commands/etat.ts, as they were compiled).
 */
function loads(args: readonly string[]): { stdout: string; packages: Set<string>; modules: string[]; files: string[] } {
  const tracer = path.join(ROOT, 'test/fixtures/cli-start/trace-loads.mjs');
  const run = spawnSync(process.execPath, ['--import', tracer, path.join(ROOT, 'bin/alses.mjs'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const urls = run.stderr.split('\n').filter((l) => l.startsWith('LOAD ')).map((l) => l.slice(5));
  const files = urls.map((u) => path.relative(ROOT, new URL(u).pathname).split(path.sep).join('/'));
  const inputs = files.flatMap((f) => Object.keys(bundle.outputs[f]?.inputs ?? {}));
  expect(inputs.length, 'dist/app/main.js and its chunks (npm run build)').toBeGreaterThan(0);
  const packages = new Set([...files, ...inputs].map(packageOf).filter((p): p is string => p !== undefined));
  const modules = [...new Set(inputs.map((i) => /^src\/(.*)\.ts$/.exec(i)?.[1]).filter((m): m is string => m !== undefined))].map((m) => `${m}.js`);
  return { stdout: run.stdout, packages, modules, files };
}

describe('alses: the built program', () => {
  it('has dist/app/main.js written after every other file of dist/app (a build killed before leaves no main.js: the launcher says to build)', () => {
    const app = path.join(ROOT, 'dist/app');
    const mainTime = statSync(path.join(app, 'main.js')).mtimeMs;
    const later = readdirSync(app).filter((f) => f !== 'main.js' && statSync(path.join(app, f)).mtimeMs > mainTime);
    expect(readdirSync(app).length).toBeGreaterThan(20);
    expect(later).toEqual([]);
  });
});

describe('alses: commands load what they use', () => {
  it('--version prints the version and loads nothing but the entry point (not even yargs)', () => {
    const { stdout, packages, modules } = loads(['--version']);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect([...packages]).toEqual([]);
    expect(modules.filter((m) => m.startsWith('cli/commands/') && m !== 'cli/commands/index.js')).toEqual([]);
  });

  it('--help lists every command without loading any command module or heavy library', () => {
    const { stdout, packages, modules } = loads(['--help']);
    for (const name of ['validate', 'render', 'monthly', 'serve', 'signer', 'opendata']) expect(stdout).toContain(`alses ${name}`);
    // yargs's own words in French: its translations found by the bundled yargs (scripts/build-patches.mjs).
    expect(stdout).toContain("Affiche l'aide");
    expect(stdout).toContain('[booléen]');
    expect(HEAVY.filter((p) => packages.has(p))).toEqual([]);
    expect(modules.filter((m) => m.startsWith('cli/commands/') && m !== 'cli/commands/index.js')).toEqual([]);
  });

  it('a command loads its own module only: `etat --help` loads no renderer, no other command', () => {
    const { stdout, packages, modules } = loads(['etat', '--help']);
    expect(stdout).toContain('--au');
    expect(modules.filter((m) => m.startsWith('cli/commands/')).sort()).toEqual(['cli/commands/etat.js', 'cli/commands/index.js']);
    expect(['pdfmake', 'exceljs', 'vega', 'fastify', 'nodemailer', 'piscina'].filter((p) => packages.has(p))).toEqual([]);
  });

  it.each([['render'], ['monthly']])('`%s --help` loads no renderer, workbook reader, chart library or mail client', (command) => {
    const { stdout, packages } = loads([command, '--help']);
    expect(stdout).toContain('--out');
    expect(['pdfmake', 'docx', 'subset-font', 'exceljs', 'vega', '@resvg/resvg-js', 'nodemailer', 'handlebars', 'fontkit', 'piscina'].filter((p) => packages.has(p))).toEqual([]);
  });

  it('a render loads the writer of each format asked for only, and never exceljs (data in CSV), charts or mail', () => {
    // pngjs is loaded: data/logo.png is decoded (checked, flattened onto white for PDF/A-1).
    // The CommonJS modules count (dist/app/ is CommonJS): the tracer lists them at exit.
    const out = mkdtempSync(path.join(os.tmpdir(), 'alses-start-'));
    try {
      const docx = loads(['render', '--format', 'docx', '--out', out]);
      expect(docx.packages.has('docx')).toBe(true);
      const pdf = loads(['render', '--format', 'pdf', '--out', out]);
      expect(pdf.packages.has('pdfmake')).toBe(true);
      expect(['pdfmake'].filter((p) => docx.packages.has(p))).toEqual([]);
      expect(['docx', 'subset-font'].filter((p) => pdf.packages.has(p))).toEqual([]);
      for (const run of [docx, pdf]) expect(['exceljs', 'vega', 'nodemailer'].filter((p) => run.packages.has(p))).toEqual([]);
      // resvg flattens the transparent logo onto white for the PDF (PDF/A-1 has no transparency).
      expect(docx.packages.has('@resvg/resvg-js')).toBe(false);
      expect(pdf.packages.has('@resvg/resvg-js')).toBe(true);
      // The project's templates come checked and compiled from the build (src/templates/
      // precompiled.ts): Handlebars' runtime only (bundled), not its compiler (node_modules).
      for (const run of [docx, pdf]) expect(run.files.filter((f) => f.startsWith('node_modules/handlebars/'))).toEqual([]);
      expect(Object.keys(bundle.outputs).flatMap((f) => Object.keys(bundle.outputs[f]!.inputs)).filter((i) => i.startsWith('node_modules/handlebars/dist/cjs/handlebars/compiler/'))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('the bundled docx names media by the SHA-1 of node:crypto, not its own JavaScript one (scripts/build-patches.mjs)', () => {
    const files = Object.entries(bundle.outputs).filter(([, o]) => Object.keys(o.inputs).some((i) => i.startsWith('node_modules/docx/')));
    expect(files.map(([f]) => f)).toHaveLength(1);
    const code = readFileSync(path.join(ROOT, files[0]![0]), 'utf8');
    expect(code).toMatch(/var sha1 = \(data\) => data instanceof Uint8Array \? new Uint8Array\(\(0, \w+\.createHash\)\("sha1"\)\.update\(data\)\.digest\(\)\)/);
  });

  it('keeps regular expression literals as literals (V8 code cache keeps their parsing), not `new RegExp("\\p{…}")` (scripts/build.mjs)', () => {
    // A `new RegExp("\\p{…}")` the bundle holds and none of its sources does is one esbuild wrote.
    const rewritten = Object.entries(bundle.outputs)
      .filter(([f]) => f.endsWith('.js'))
      .flatMap(([f, o]) => {
        const sources = Object.keys(o.inputs).filter((i) => !i.includes(':')).map((i) => readFileSync(path.join(ROOT, i), 'utf8'));
        return [...readFileSync(path.join(ROOT, f), 'utf8').matchAll(/new RegExp\("[^"]*\\\\p\{[^"]*", "[a-z]*"\)/g)].filter((m) => !sources.some((s) => s.includes(m[0]))).map((m) => `${f}: ${m[0]}`);
      });
    expect(rewritten).toEqual([]);
  });

  it('the bundled yargs evaluates string-width (its regular expressions take 12-24 ms to make) at its first measure only (scripts/build-patches.mjs)', () => {
    const files = Object.entries(bundle.outputs).filter(([, o]) => 'node_modules/string-width/index.js' in o.inputs);
    expect(files.map(([f]) => f)).toHaveLength(1);
    const code = readFileSync(path.join(ROOT, files[0]![0]), 'utf8');
    // esbuild wraps a module that is `require`d in an init function: called from the stand-in only.
    const init = /var (init_string_width\w*) = \(0, \w+\.__esm\)\(\{\s*"node_modules\/string-width\/index\.js"/.exec(code)?.[1];
    expect(init).toBeDefined();
    const calls = [...code.matchAll(new RegExp(`\\b${init}\\(\\)`, 'g'))].map((m) => code.slice(code.lastIndexOf('\n', m.index) + 1, code.indexOf('\n', m.index)).trim());
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/^real \?\?= \(init_string_width\w*\(\), /);
    // …and help asked for is still laid out in columns by it.
    const help = spawnSync(process.execPath, [path.join(ROOT, 'bin/alses.mjs'), 'render', '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(help.stdout).toMatch(/^ {2}-h, --help {9}Affiche l'aide {36}\[booléen\]$/m);
  });

  it('a monthly report loads pdfkit and fontkit without their encryption and WOFF2 decoder (src/writers/pdf/patches/deferred-loads.ts)', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'alses-start-'));
    try {
      const { packages, files } = loads(['monthly', '--month', '2019-09', '--out', out]);
      expect(['pdfmake', 'pdfkit', 'fontkit', 'docx', 'vega'].filter((p) => !packages.has(p))).toEqual([]);
      // In Node's module cache, only the stand-ins of the files pdfkit and fontkit require (a real
      // load would bring the files those require: @noble/ciphers/utils.js, brotli/dec/…).
      const standIns = ['@noble/ciphers/aes.js', '@noble/hashes/sha2.js', '@noble/hashes/utils.js', 'brotli/decompress.js'];
      const deferred = files.filter((f) => /node_modules\/(@noble\/(ciphers|hashes)|brotli)\//.test(f));
      expect(deferred.filter((f) => !standIns.some((s) => f.endsWith(`node_modules/${s}`)))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
