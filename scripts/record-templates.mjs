/**
 * Run by `npm run build` (scripts/build.mjs), in its own process, before the code cache is made:
 * makes dist/template-cache/templates.cjs, Handlebars' precompiled form of every template source
 * a render and a monthly report compile (src/templates/precompiled.ts), by running the built
 * program once in this process on the project's own data and templates: `render` of every
 * document in every format, then `monthly` for September 2019, each into a temporary folder
 * removed at the end. Reads data/ and templates/; writes only the temporary folder and
 * dist/template-cache/. Exits 1 with the error if the program fails.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const { recordTemplates } = require(path.join(root, 'dist/app/template-cache.js'));
const recorder = recordTemplates();
const { main } = require(path.join(root, 'dist/app/main.js'));

const out = mkdtempSync(path.join(os.tmpdir(), 'alses-template-cache-'));
try {
  // The program's messages ("écrit : …", the monthly job's JSON line) are not the build's.
  const write = { stdout: process.stdout.write, stderr: process.stderr.write };
  const messages = [];
  process.stdout.write = () => true;
  process.stderr.write = (chunk) => messages.push(String(chunk)) > 0;
  try {
    await main(['render', '--data', path.join(root, 'data'), '--templates', path.join(root, 'templates'), '--format', 'html', '--out', path.join(out, 'render')]);
    await main(['monthly', '--data', path.join(root, 'data'), '--templates', path.join(root, 'templates'), '--month', '2019-09', '--out', path.join(out, 'monthly')]);
  } finally {
    Object.assign(process.stdout, { write: write.stdout });
    Object.assign(process.stderr, { write: write.stderr });
  }
  // 6: the report of data older than a year, still written.
  if (process.exitCode !== undefined && process.exitCode !== 0 && process.exitCode !== 6) throw new Error(`le programme s'est arrêté avec le code ${process.exitCode} :\n${messages.join('')}`);
  process.exitCode = 0;
  recorder.write();
} finally {
  rmSync(out, { recursive: true, force: true });
}
