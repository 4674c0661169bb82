/**
 * What every job starts with: the data and the templates, loaded and checked together, and the
 * annexes rendered to documents (no serialisation, nothing written).
 */
import path from 'node:path';
import { DISPOSITIF_FILE, isWorkbookPath, loadDataset } from '../dataset/load.ts';
import type { Dataset } from '../dataset/model.ts';
import { displayPath, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';
import { buildAnnexeContext } from '../reports/annexe.ts';
import { loadTemplates, type LoadedTemplate, type TemplateSet } from '../templates/environment.ts';
import { renderTemplate, type RenderedDocument } from '../templates/render.ts';

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
 * Renders an annex template against the dataset, with the view model its front matter asks for
 * (délibération, état, déploiement).
 * @returns the document, or the diagnostics of data the template asks for and the dataset lacks
 *   (invalid input, exit code 1).
 * @throws AlsesError OUTPUT as `renderTemplate` when the template fails while running.
 */
export function renderAnnexe(dataset: Dataset, set: TemplateSet, template: LoadedTemplate): { rendered?: RenderedDocument; diagnostics: Diagnostic[] } {
  const fm = template.frontMatter;
  const built = buildAnnexeContext(dataset, { deliberation: fm.deliberation, etat: fm.data.etat, deploiement: fm.data.deploiement }, template.file, template.keyLines);
  if (!built.context) return { diagnostics: built.diagnostics };
  return renderTemplate(set, template, built.context);
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
      const result = renderAnnexe(dataset, templates, t);
      diagnostics.push(...result.diagnostics);
      if (result.rendered) documents.push(result.rendered);
    } catch (err) {
      if (!(err instanceof AlsesError)) throw err;
      failures.push(...err.diagnostics);
    }
  }
  return { documents, diagnostics, failures };
}
