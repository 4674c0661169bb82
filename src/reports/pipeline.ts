/**
 * The main job: data folder + templates → documents → bytes per format. Nothing is written here:
 * callers write the returned files (atomically) only when there is no error, so invalid data or
 * a broken template writes nothing.
 */
import path from 'node:path';
import { DISPOSITIF_FILE, isWorkbookPath, loadDataset } from '../dataset/load.ts';
import type { Dataset } from '../dataset/model.ts';
import { displayPath, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { assertNever, type DocumentNode, type Inline } from '../document/nodes.ts';
import type { PublishedFile } from '../publish.ts';
import { AlsesError } from '../errors.ts';
import { loadTemplates, type TemplateSet } from '../templates/environment.ts';
import { renderDocx } from '../writers/docx.ts';
import { htmlDocument } from '../writers/html.ts';
import { renderPdf } from '../writers/pdf.ts';
import { FONT_FACES, glyphMissingWarning, missingGlyphs } from '../writers/fonts.ts';
import { renderTemplate, type RenderedDocument } from './document.ts';

/**
 * Writer warnings that must block output: a character the font cannot print would print as an
 * empty box and break PDF/A conformance, so it is an error (exit code 1, nothing written).
 */
export function asBlocking(d: Diagnostic): Diagnostic {
  return d.ruleId === 'writer/glyph-missing' ? { ...d, severity: 'error', message: `${d.message} (attendu : des caractères que la police peut imprimer ; corrigez les données)` } : d;
}

/** Every character a document shows: properties, running header and footer, and content. */
function documentText(doc: DocumentNode): string {
  const parts: string[] = [doc.meta.title, doc.meta.header, doc.meta.footer];
  const inlines = (list: readonly Inline[]): void => {
    for (const n of list) if (n.type === 'text') parts.push(n.value);
    else if (n.type === 'strong' || n.type === 'emphasis') inlines(n.children);
  };
  for (const block of doc.children) {
    switch (block.type) {
      case 'heading':
      case 'paragraph':
        inlines(block.children);
        break;
      case 'list':
        block.items.forEach((i) => inlines(i.children));
        break;
      case 'table':
        inlines(block.caption ?? []);
        for (const row of [...block.header, ...block.body, ...block.footer]) row.cells.forEach((c) => inlines(c.children));
        break;
      case 'image':
        parts.push(block.alt);
        break;
      case 'pageBreak':
        break;
      default:
        assertNever(block);
    }
  }
  return parts.join('\n');
}

/**
 * Problems only a writer would see, found without rendering: characters the PDF font cannot
 * print in some face (see `asBlocking`). Cheap enough for `alses validate` on large data.
 */
export function writerChecks(documents: readonly RenderedDocument[]): Diagnostic[] {
  return documents.flatMap((d) => {
    const text = documentText(d.document);
    const warning = glyphMissingWarning([...new Set(FONT_FACES.flatMap((face) => missingGlyphs(text, face)))]);
    return warning ? [asBlocking({ ...warning, message: `${d.name} : ${warning.message}`, place: { file: d.template } })] : [];
  });
}

/** Output formats. */
export const FORMATS = ['pdf', 'docx', 'html'] as const;
/** An output format. */
export type Format = (typeof FORMATS)[number];

/**
 * Serialises a document in one format.
 * @param warnings when given, receives what the writer could not show as asked.
 * @throws whatever the writer throws (a rendering failure: exit code 3 at the CLI).
 */
export async function serialize(doc: DocumentNode, format: Format, warnings?: Diagnostic[]): Promise<Uint8Array> {
  switch (format) {
    case 'pdf':
      return renderPdf(doc, warnings);
    case 'docx':
      return renderDocx(doc, warnings);
    case 'html': {
      const { html, warnings: found } = htmlDocument(doc);
      warnings?.push(...found);
      return new TextEncoder().encode(html);
    }
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

/** Data and templates, loaded and checked together. */
export interface Inputs {
  readonly dataset?: Dataset;
  readonly templates: TemplateSet;
  readonly diagnostics: Diagnostic[];
  /** Files every document depends on: the data files read and the partials (paths as shown in messages). */
  readonly sources: readonly string[];
}

/** The data files a dataset was read from: `dispositif.yaml`, the CSV files or the workbook. */
export function dataSources(dataPath: string, dataset: Dataset): string[] {
  const rel = displayPath;
  const folder = isWorkbookPath(dataPath) ? path.dirname(dataPath) : dataPath;
  return [rel(path.join(folder, DISPOSITIF_FILE)), ...dataset.etats.map((e) => e.source), ...dataset.deploiements.map((d) => d.source)];
}

/** Loads and validates data and templates together, so every problem is reported at once. */
export async function loadInputs(dataDir: string, templatesDir: string, names: readonly string[] = []): Promise<Inputs> {
  const [data, templates] = await Promise.all([loadDataset(dataDir), loadTemplates(templatesDir, names)]);
  return {
    ...(data.dataset ? { dataset: data.dataset } : {}),
    templates,
    diagnostics: [...data.diagnostics, ...templates.diagnostics],
    sources: data.dataset ? [...new Set([...dataSources(dataDir, data.dataset), ...templates.partials])] : [],
  };
}

/**
 * Renders loaded templates to documents (no serialisation). Every template is tried, so that all
 * problems are reported at once.
 * @param names templates asked for by name; empty for every annex (not the monthly report).
 * @returns the documents that rendered, the diagnostics of data a template asks for and the
 *   dataset lacks (exit code 1), and `failures`: the diagnostics of templates that failed while
 *   running (exit code 3).
 */
export function renderLoaded(inputs: Inputs, names: readonly string[] = []): { documents: RenderedDocument[]; diagnostics: Diagnostic[]; failures: Diagnostic[] } {
  const { dataset, templates } = inputs;
  const diagnostics: Diagnostic[] = [];
  if (!dataset) return { documents: [], diagnostics, failures: [] };
  const chosen = names.length ? templates.templates : templates.templates.filter((t) => t.frontMatter.kind === 'annexe');
  for (const t of chosen.filter((t) => t.frontMatter.kind !== 'annexe'))
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/kind',
      message: `Le modèle « ${t.name} » est un rapport mensuel (attendu : le produire avec « alses monthly --month AAAA-MM »)`,
      place: { file: t.file },
    });
  if (hasErrors(diagnostics)) return { documents: [], diagnostics, failures: [] };
  const documents: RenderedDocument[] = [];
  const failures: Diagnostic[] = [];
  for (const t of chosen) {
    try {
      const result = renderTemplate(dataset, templates, t);
      diagnostics.push(...result.diagnostics);
      if (result.rendered) documents.push(result.rendered);
    } catch (err) {
      if (!(err instanceof AlsesError)) throw err;
      failures.push(...err.diagnostics);
    }
  }
  return { documents, diagnostics, failures };
}

/**
 * Loads data and templates and renders them to documents (no serialisation).
 * @returns the documents, or no document at all when any error was found.
 * @throws AlsesError OUTPUT with every diagnostic when a template fails while running.
 */
export async function renderDocuments(
  options: Omit<RenderOptions, 'formats' | 'outDir'>,
): Promise<{ documents: RenderedDocument[]; diagnostics: Diagnostic[]; sources: readonly string[] }> {
  const inputs = await loadInputs(options.dataDir, options.templatesDir, options.names);
  if (!inputs.dataset || hasErrors(inputs.diagnostics)) return { documents: [], diagnostics: inputs.diagnostics, sources: inputs.sources };
  const { documents, diagnostics, failures } = renderLoaded(inputs, options.names);
  const all = [...inputs.diagnostics, ...diagnostics];
  if (failures.length) {
    const files = [...new Set(failures.map((d) => d.place?.file ?? ''))].join(', ');
    throw new AlsesError('OUTPUT', `Échec de la production (${files}) : aucun fichier écrit.`, [...all, ...failures]);
  }
  return { documents: hasErrors(all) ? [] : documents, diagnostics: all, sources: inputs.sources };
}

/**
 * Renders every requested template in every requested format, in memory.
 * @returns the files to write (`outDir/<template>.<format>`), or none when any error was found.
 * @throws Error when a writer fails (rendering failure).
 */
export async function renderAll(options: RenderOptions): Promise<{ files: PublishedFile[]; diagnostics: Diagnostic[] }> {
  const { documents, diagnostics, sources } = await renderDocuments(options);
  return { files: await serializeAll(documents, options.outDir, options.formats, sources, diagnostics), diagnostics };
}

/**
 * Serialises documents in each format, as files of `outDir` named `<document name>.<format>`,
 * with their provenance (template, sources, content date) for the manifest.
 * @param warnings receives the writers' warnings, placed at the document's template.
 * @throws whatever a writer throws.
 */
export async function serializeAll(
  documents: readonly RenderedDocument[],
  outDir: string,
  formats: readonly Format[],
  sources: readonly string[],
  warnings: Diagnostic[],
): Promise<PublishedFile[]> {
  const files: PublishedFile[] = [];
  for (const d of documents) {
    const provenance = { template: d.template, inputs: sources, date: d.document.meta.date };
    for (const format of formats) {
      const found: Diagnostic[] = [];
      const file = path.join(outDir, `${d.name}.${format}`);
      files.push({ path: file, bytes: await serialize(d.document, format, found), provenance });
      warnings.push(...found.map((w) => asBlocking({ ...w, message: `${path.basename(file)} : ${w.message}`, place: w.place ?? { file: d.template } })));
    }
  }
  return files;
}
