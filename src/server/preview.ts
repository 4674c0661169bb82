/**
 * Preview of a document as pictures of its real PDF pages (not a different rendering): poppler's
 * `pdftoppm` turns each page into a PNG.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Width of a preview page in pixels (an A4 portrait page is then about 1 130 px tall). */
export const PREVIEW_WIDTH = 800;

/**
 * PNG pictures of each page of a PDF, in page order, `PREVIEW_WIDTH` pixels wide.
 * @throws Error in French when `pdftoppm` (Debian package poppler-utils) is missing or fails.
 */
export async function pdfPages(pdf: Uint8Array, timeoutMs = 30_000): Promise<Uint8Array[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'alses-apercu-'));
  try {
    await writeFile(path.join(dir, 'document.pdf'), pdf);
    try {
      await run('pdftoppm', ['-png', '-scale-to-x', String(PREVIEW_WIDTH), '-scale-to-y', '-1', 'document.pdf', 'page'], { cwd: dir, timeout: timeoutMs });
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(missing ? 'aperçu impossible : pdftoppm est absent (paquet Debian poppler-utils)' : `aperçu impossible : pdftoppm a échoué (${(err as Error).message})`);
    }
    // pdftoppm pads page numbers to the width of the last one: page-1.png or page-01.png.
    const names = (await readdir(dir)).filter((n) => /^page-\d+\.png$/.test(n)).sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
    return Promise.all(names.map(async (n) => new Uint8Array(await readFile(path.join(dir, n)))));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
