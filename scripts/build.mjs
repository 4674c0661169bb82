/**
 * `npm run build` (also run by `npm ci` through `prepare`): bundles the TypeScript of src/ and the
 * pure-JavaScript libraries it uses into `dist/` with esbuild, one file per command's own code
 * and chunks of the code several of them share (code splitting), so that a command loads only
 * what it uses, in a few files instead of hundreds (each module Node resolves and reads costs at
 * a cold start). Libraries stay outside the bundle (`EXTERNAL`) when the product reaches into
 * their internals (`patches/`), when they read their own files (native modules, WebAssembly,
 * locales, worker scripts), or when no cold command uses them. Each file is then turned into a
 * CommonJS module, and the build makes the prebuilt font subsets (build-font-subsets.ts) and V8's
 * code cache of the modules a render and a monthly report load (train-code-cache.mjs, read at
 * start by src/patches/code-cache.ts). Type checking is `tsc --noEmit` (`npm run typecheck`).
 *
 * `dist/meta.json` (esbuild's metafile) says which source modules and libraries each file of
 * dist/ holds (test/cli-start.test.ts checks with it what each command loads).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build, transform } from 'esbuild';
import { copyYargsLocales, DOCX_NATIVE_SHA1, LAZY_STRING_WIDTH, VEGA_WITHOUT_NODE_CANVAS, YARGS_LOCALES_IN_DIST } from './build-patches.mjs';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
/** The folder of the program's files: `dist/app/main.js` (bin/alses.mjs runs it), its chunks, the workers' entry. */
const app = path.join(dist, 'app');

/** Libraries loaded from node_modules at run time, as installed. */
const EXTERNAL = [
  // Reached into by patches/ (createRequire of internal files): one copy, node_modules'.
  'pdfmake', 'pdfkit', 'fontkit',
  // Read their own files: native binary, WebAssembly, locales, worker script, data files.
  '@resvg/resvg-js', 'subset-font', 'piscina', 'proper-lockfile', 'hyphen', 'linebreak', 'pngjs',
  // Universal (UMD) module esbuild cannot follow.
  'jsonc-parser',
  // Not used by a cold command (workbook import, web server, mail, signature).
  'exceljs', 'fastify', '@fastify/multipart', 'nodemailer', 'node-forge', '@signpdf/placeholder-plain', '@signpdf/signpdf', '@signpdf/utils', 'iconv-lite',
].flatMap((name) => [name, `${name}/*`]);

rmSync(dist, { recursive: true, force: true });
// Regular expressions Node 20 reads natively, which esbuild would otherwise rewrite as
// `new RegExp("…", "v")` (its table does not list them for Node): a literal is parsed once, at
// compile time, and V8's code cache keeps that work; a `new RegExp` is parsed again at every
// start. string-width's `/^\p{RGI_Emoji}$/v` (yargs' help layout) cost 12-24 ms of every cold
// command that way, for help it never printed. Pinned by test/cli-start.test.ts.
const REGEXP_SUPPORTED = { 'regexp-unicode-property-escapes': true, 'regexp-set-notation': true };
const result = await build({
  absWorkingDir: root,
  // The command line, the worker threads' entry (server/pool.ts finds it beside itself), and
  // the maker of the prebuilt font subsets (run below).
  entryPoints: { main: 'src/cli/main.ts', worker: 'src/server/worker.ts', 'worker-start': 'src/server/worker-start.ts', 'code-cache': 'src/patches/code-cache.ts', 'template-cache': 'src/templates/precompiled.ts', 'build-font-subsets': 'scripts/build-font-subsets.ts' },
  // Every file in one folder two levels below the project, as the modules of src/<folder>/ are:
  // paths relative to a module (`../../package.json`, `../../dist/font-subsets`, `./worker.js`)
  // hold in both.
  outdir: app,
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  supported: REGEXP_SUPPORTED,
  external: EXTERNAL,
  plugins: [VEGA_WITHOUT_NODE_CANVAS, YARGS_LOCALES_IN_DIST, DOCX_NATIVE_SHA1, LAZY_STRING_WIDTH],
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
  write: false,
});
// Each file esbuild split out, turned into a CommonJS module (same name, same folder; the
// package.json written beside them says so), so that bin/alses.mjs can hand V8 the code cache
// of each (src/patches/code-cache.ts) — Node 20 takes no code cache for an ES module. esbuild
// splits ES modules only, hence the two steps. Dynamic imports become lazy `require`s: a
// command still evaluates only the files it uses.
// main.js is written last, through a temporary name: bin/alses.mjs takes its presence for a
// whole dist/app/ (a build killed before it leaves none, and the launcher says to build).
mkdirSync(app, { recursive: true });
copyYargsLocales(dist);
writeFileSync(path.join(app, 'package.json'), '{ "type": "commonjs" }\n');
const mainFile = path.join(app, 'main.js');
const outputs = [...result.outputFiles].sort((a, b) => Number(a.path === mainFile) - Number(b.path === mainFile));
for (const file of outputs) {
  if (!file.path.endsWith('.js')) {
    writeFileSync(file.path, file.contents);
    continue;
  }
  const { code } = await transform(file.text, {
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    supported: { ...REGEXP_SUPPORTED, 'dynamic-import': false },
    define: { 'import.meta.url': '__alsesModuleUrl', 'import.meta.dirname': '__dirname' },
    banner: "var __alsesModuleUrl = require('node:url').pathToFileURL(__filename).href;",
    legalComments: 'inline',
    logLevel: 'warning',
  });
  if (file.path !== mainFile) writeFileSync(file.path, code);
  else {
    writeFileSync(`${mainFile}.tmp`, code);
    renameSync(`${mainFile}.tmp`, mainFile);
  }
}
writeFileSync(path.join(dist, 'meta.json'), JSON.stringify(result.metafile));
const { buildFontSubsets } = createRequire(import.meta.url)(path.join(app, 'build-font-subsets.js'));
await buildFontSubsets();
// The templates of the project compiled once (src/templates/precompiled.ts), by running the
// program on them (scripts/record-templates.mjs), before the code cache, which then covers them.
// A failure costs speed only: the program compiles the templates when first used.
const recorded = spawnSync(process.execPath, [path.join(root, 'scripts/record-templates.mjs')], { cwd: root, encoding: 'utf8' });
if (recorded.status !== 0) process.stderr.write(`build: modèles non précompilés (le programme fonctionne sans, plus lentement au démarrage) :\n${recorded.stderr}`);
// The code cache: V8's compiled code of every CommonJS module a render and a monthly report
// load (dist/app/ and pdfmake, pdfkit, fontkit…), made by running them once on the project's
// own data (scripts/train-code-cache.mjs). A failure costs speed only: the program compiles as
// it would without it.
const trained = spawnSync(process.execPath, [path.join(root, 'scripts/train-code-cache.mjs')], { cwd: root, encoding: 'utf8' });
if (trained.status !== 0) process.stderr.write(`build: cache de code non fait (le programme fonctionne sans, plus lentement au démarrage) :\n${trained.stderr}`);
