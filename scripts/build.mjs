/**
 * `npm run build` (also run by `npm ci` through `prepare`): bundles the TypeScript of src/ and the
 * pure-JavaScript libraries it uses into `dist/` with esbuild, one file per command's own code
 * and chunks of the code several of them share (code splitting), so that a command loads only
 * what it uses, in a few files instead of hundreds (each module Node resolves and reads costs at
 * a cold start). Libraries stay outside the bundle (`EXTERNAL`) when the product reaches into
 * their internals (`patches/`), when they read their own files (native modules, WebAssembly,
 * locales, worker scripts), or when no cold command uses them. Then makes the prebuilt font
 * subsets (build-font-subsets.ts). Type checking is `tsc --noEmit` (`npm run typecheck`).
 *
 * `dist/meta.json` (esbuild's metafile) says which source modules and libraries each file of
 * dist/ holds (test/cli-start.test.ts checks with it what each command loads).
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
/** The folder of the program's files: `dist/app/main.js` (bin/alses.mjs runs it), its chunks, the workers' entry. */
const app = path.join(dist, 'app');

/** Libraries loaded from node_modules at run time, as installed. */
const EXTERNAL = [
  // Reached into by patches/ (createRequire of internal files): one copy, node_modules'.
  'pdfmake', 'pdfkit', 'fontkit',
  // Read their own files: native binary, WebAssembly, locales, worker script, data files.
  '@resvg/resvg-js', 'subset-font', 'yargs', 'piscina', 'proper-lockfile', 'hyphen', 'linebreak', 'pngjs',
  // Universal (UMD) module esbuild cannot follow.
  'jsonc-parser',
  // Not used by a cold command (workbook import, web server, mail, signature).
  'exceljs', 'fastify', '@fastify/multipart', 'nodemailer', 'node-forge', '@signpdf/placeholder-plain', '@signpdf/signpdf', '@signpdf/utils', 'iconv-lite',
].flatMap((name) => [name, `${name}/*`]);

rmSync(dist, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  // The command line, the worker threads' entry (server/pool.ts finds it beside itself), and
  // the maker of the prebuilt font subsets (run below).
  entryPoints: { main: 'src/cli/main.ts', worker: 'src/server/worker.ts', 'build-font-subsets': 'scripts/build-font-subsets.ts' },
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
  external: EXTERNAL,
  // The bundled CommonJS libraries `require` Node's own modules.
  banner: { js: "import { createRequire as __alsesCreateRequire } from 'node:module'; const require = __alsesCreateRequire(import.meta.url);" },
  metafile: true,
  legalComments: 'linked',
  logLevel: 'warning',
});
writeFileSync(path.join(dist, 'meta.json'), JSON.stringify(result.metafile));
const { buildFontSubsets } = await import(path.join(app, 'build-font-subsets.js'));
await buildFontSubsets();
