/**
 * For the build's recording runs (scripts/record-templates.mjs, scripts/train-code-cache.mjs): runs
 * the built program (dist/app/main.js) once in this process on the project's own data and
 * templates — `render` of every document (in `renderFormats`, or every format), then `monthly`
 * for September 2019 — each into a temporary folder removed at the end, its messages kept off
 * the build's output. Reads data/ and templates/; writes only the temporary folder.
 * @throws Error with the program's messages when it stops with a code other than 0 or 6 (the
 *   report of data older than a year, still written).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export async function runBuiltProgramOnce(root, label, renderFormats) {
  const { main } = createRequire(import.meta.url)(path.join(root, 'dist/app/main.js'));
  const out = mkdtempSync(path.join(os.tmpdir(), `alses-${label}-`));
  try {
    const write = { stdout: process.stdout.write, stderr: process.stderr.write };
    const messages = [];
    process.stdout.write = () => true;
    process.stderr.write = (chunk) => messages.push(String(chunk)) > 0;
    const folders = ['--data', path.join(root, 'data'), '--templates', path.join(root, 'templates')];
    try {
      await main(['render', ...folders, ...(renderFormats ? ['--format', renderFormats] : []), '--out', path.join(out, 'render')]);
      await main(['monthly', ...folders, '--month', '2019-09', '--out', path.join(out, 'monthly')]);
    } finally {
      Object.assign(process.stdout, { write: write.stdout });
      Object.assign(process.stderr, { write: write.stderr });
    }
    if (process.exitCode !== undefined && process.exitCode !== 0 && process.exitCode !== 6) throw new Error(`le programme s'est arrêté avec le code ${process.exitCode} :\n${messages.join('')}`);
    process.exitCode = 0;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
