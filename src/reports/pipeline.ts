/**
 * The main job: data folder + templates → documents → bytes per format. Nothing is written here:
 * callers write the returned files (atomically) only when there is no error, so invalid data or
 * a broken template writes nothing.
 */
import path from 'node:path';
import { loadDataset } from '../dataset/load.ts';
import type { Dataset } from '../dataset/model.ts';
import { hasErrors, type Diagnostic } from '../diagnostics.ts';
import type { DocumentNode } from '../document/nodes.ts';
import type { OutputFile } from '../output.ts';
import { loadTemplates, type TemplateSet } from '../templates/environment.ts';
import { renderDocx } from '../writers/docx.ts';
import { toHtml } from '../writers/html.ts';
import { renderPdf } from '../writers/pdf.ts';
import { renderTemplate, type RenderedDocument } from './document.ts';

/** Output formats. */
export const FORMATS = ['pdf', 'docx', 'html'] as const;
/** An output format. */
export type Format = (typeof FORMATS)[number];

/**
 * Serialises a document in one format.
 * @throws whatever the writer throws (a rendering failure: exit code 3 at the CLI).
 */
export async function serialize(doc: DocumentNode, format: Format): Promise<Uint8Array> {
  switch (format) {
    case 'pdf':
      return renderPdf(doc);
    case 'docx':
      return renderDocx(doc);
    case 'html':
      return new TextEncoder().encode(toHtml(doc));
  }
}

/** Inputs of a run. */
export interface RenderOptions {
  /** Folder of `dispositif.yaml` and its CSV files. */
  readonly dataDir: string;
  /** Folder of the `.hbs` templates. */
  readonly templatesDir: string;
  /** Output folder. */
  readonly outDir: string;
  /** Template names to render; empty for all annex templates (not the monthly report). */
  readonly names?: readonly string[];
  readonly formats: readonly Format[];
}

/** Loads and validates data and templates together, so every problem is reported at once. */
export async function loadInputs(dataDir: string, templatesDir: string, names: readonly string[] = []): Promise<{ dataset?: Dataset; templates: TemplateSet; diagnostics: Diagnostic[] }> {
  const [data, templates] = await Promise.all([loadDataset(dataDir), loadTemplates(templatesDir, names)]);
  return { ...(data.dataset ? { dataset: data.dataset } : {}), templates, diagnostics: [...data.diagnostics, ...templates.diagnostics] };
}

/**
 * Renders templates to documents (no serialisation).
 * @returns the documents, or no document at all when any error was found.
 */
export async function renderDocuments(options: Omit<RenderOptions, 'formats' | 'outDir'>): Promise<{ documents: RenderedDocument[]; diagnostics: Diagnostic[] }> {
  const { dataset, templates, diagnostics } = await loadInputs(options.dataDir, options.templatesDir, options.names);
  if (!dataset || hasErrors(diagnostics)) return { documents: [], diagnostics };
  const chosen = options.names?.length ? templates.templates : templates.templates.filter((t) => t.frontMatter.kind === 'annexe');
  const documents: RenderedDocument[] = [];
  for (const t of chosen) {
    const result = renderTemplate(dataset, templates, t);
    diagnostics.push(...result.diagnostics);
    if (result.rendered) documents.push(result.rendered);
  }
  return hasErrors(diagnostics) ? { documents: [], diagnostics } : { documents, diagnostics };
}

/**
 * Renders every requested template in every requested format, in memory.
 * @returns the files to write (`outDir/<template>.<format>`), or none when any error was found.
 * @throws Error when a writer fails (rendering failure).
 */
export async function renderAll(options: RenderOptions): Promise<{ files: OutputFile[]; diagnostics: Diagnostic[] }> {
  const { documents, diagnostics } = await renderDocuments(options);
  const files: OutputFile[] = [];
  for (const d of documents) {
    for (const format of options.formats) {
      files.push({ path: path.join(options.outDir, `${d.name}.${format}`), bytes: await serialize(d.document, format) });
    }
  }
  return { files, diagnostics };
}
