/**
 * From documents to files: each document serialised in each format, named and with its
 * provenance for the manifest; and the glyph policy (a character the PDF font cannot print blocks
 * the output, and `alses validate` finds it without rendering).
 */
import path from 'node:path';
import { type Diagnostic } from '../diagnostics.ts';
import { documentText } from '../document/text.ts';
import type { PublishedFile } from '../output/publish.ts';
import { hashRead, type Inputs } from './inputs.ts';
import { progress } from '../progress.ts';
import type { RenderedDocument } from '../templates/render.ts';
import { glyphMissingWarning, unprintable } from '../writers/glyphs.ts';
import type { Format } from '../writers/index.ts';
import { poolPaysOff, serializeBatch, type BatchWorkers } from './batch.ts';

export { FORMATS, serialize, type Format } from '../writers/index.ts';

/**
 * Writer warnings that must block output: a character the font cannot print would print as an
 * empty box and break PDF/A conformance, so it is an error (exit code 1, nothing written).
 */
export function asBlocking(d: Diagnostic): Diagnostic {
  return d.ruleId === 'writer/glyph-missing' ? { ...d, severity: 'error', message: `${d.message} (attendu : des caractères que la police peut imprimer ; corrigez les données)` } : d;
}

/**
 * Problems only a writer would see, found without rendering: characters the PDF font cannot
 * print in some face (see `asBlocking`). Cheap enough for `alses validate` on large data.
 */
export function writerChecks(documents: readonly RenderedDocument[]): Diagnostic[] {
  return documents.flatMap((d) => {
    const text = documentText(d.document);
    const warning = glyphMissingWarning(unprintable(text));
    return warning ? [asBlocking({ ...warning, message: `${d.name} : ${warning.message}`, place: { file: d.template } })] : [];
  });
}

/**
 * Serialises documents in each format, as files of `outDir` named `<document name>.<format>`,
 * with their provenance (template, sources, content date) for the manifest. Several documents
 * are serialised on several threads (`batch.ts`), with the same bytes as one after another.
 * @param warnings receives the writers' warnings, placed at the document's template.
 * @param workers worker threads to share the work with when there is more than one document
 *   (`startBatchWorkers`; the caller closes them); none: in this thread alone.
 * @throws whatever a writer throws.
 */
export async function serializeAll(
  documents: readonly RenderedDocument[],
  outDir: string,
  formats: readonly Format[],
  inputs: Pick<Inputs, 'sources' | 'templates'>,
  warnings: Diagnostic[],
  workers?: BatchWorkers,
): Promise<PublishedFile[]> {
  const jobs = documents.flatMap((d) => formats.map((format) => ({ d, format, document: d.document, file: path.join(outDir, `${d.name}.${format}`) })));
  progress.start('Production des documents', jobs.length, 'fichiers');
  let done = 0;
  const results = await serializeBatch(jobs, poolPaysOff(documents.length, jobs.length) ? workers : undefined, {
    start: (i) => progress.update(done, path.basename(jobs[i]!.file)),
    done: (n) => progress.update((done = n), n === jobs.length ? '' : undefined),
  });
  progress.stop();
  return jobs.map(({ d, file }, i) => {
    const { bytes, warnings: found } = results[i]!;
    warnings.push(...found.map((w) => asBlocking({ ...w, message: `${path.basename(file)} : ${w.message}`, place: w.place ?? { file: d.template } })));
    return { path: file, bytes, provenance: { template: hashRead(d.template, inputs.templates.hashes[d.template]), inputs: inputs.sources, date: d.document.meta.date } };
  });
}
