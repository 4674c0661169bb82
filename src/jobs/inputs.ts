/**
 * What every job starts with: the data and the templates, loaded and checked together, and the
 * annexes rendered to documents (no serialisation, nothing written).
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { DISPOSITIF_FILE, isWorkbookPath, loadDataset, unknownModele, type FaultyEntry } from '../dataset/load.ts';
import type { DispositifFile } from '../dataset/schema.ts';
import type { Dataset } from '../dataset/model.ts';
import type { FileHash } from '../output/manifest.ts';
import { displayPath, type Diagnostic } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';
import { JOURNAL_FILE } from '../output/journal.ts';
import { repairFolder } from '../output/lock.ts';
import { buildAnnexeContext, type AnnexeSelection } from '../reports/annexe.ts';
import { loadTemplates, type LoadedTemplate, type TemplateSet } from '../templates/environment.ts';
import { renderTemplate, type RenderedDocument } from '../templates/render.ts';
import { blocking, mergeDependencies, scopeDiagnostics, stateDependencies, type Dependencies } from './scope.ts';
import { catalogueOf, checkParameters, resolveRequests, type Catalogue, type DocumentRequest, type RenderSelection } from './documents.ts';

/** Data and templates, loaded and checked together. */
export interface Inputs {
  readonly dataset?: Dataset;
  /** The catalogue of the dataset, placed in dispositif.yaml (when the dataset loaded). */
  readonly catalogue?: Catalogue;
  readonly templates: TemplateSet;
  /** Names of every template file of the templates folder (loaded or not). */
  readonly templateFiles: readonly string[];
  readonly diagnostics: Diagnostic[];
  /**
   * États and déploiements with errors while the rest of the data is valid: `dataset` is then
   * the data without them (see `LoadResult.scoped`), and `diagnostics` holds their errors.
   */
  readonly faulty: readonly FaultyEntry[];
  /** Every entry of dispositif.yaml, faulty or not (present with `dataset`). */
  readonly dispositif?: DispositifFile;
  /**
   * Files every document depends on: the data files read and the partials (paths as shown in
   * messages), each with the SHA-256 of the bytes this run read (recorded in the manifest).
   */
  readonly sources: readonly FileHash[];
}

/**
 * The data files a dataset was read from: `dispositif.yaml`, the CSV files or the workbook, and the logo.
 * @param dispositifFile the dispositif.yaml read, as shown (default: the one of the folder, or beside the workbook).
 */
export function dataSources(dataPath: string, dataset: Dataset, dispositifFile?: string): string[] {
  const rel = displayPath;
  const folder = isWorkbookPath(dataPath) ? path.dirname(dataPath) : dataPath;
  return [
    dispositifFile ?? rel(path.join(folder, DISPOSITIF_FILE)),
    ...dataset.etats.map((e) => e.source),
    ...dataset.deploiements.map((d) => d.source),
    ...(dataset.logo ? [dataset.logo.source] : []),
  ];
}

/** A workbook read over the data folder (README, "Classeur Excel"): `alses validate --classeur`. */
export interface DataOverlay {
  /** The workbook: its sheets replace the états and déploiements of the data folder they name. */
  readonly classeur?: string;
}

/** Names of the `.hbs` files of a folder (none when it cannot be read: `loadTemplates` reports it). */
export async function templateFilesIn(dir: string): Promise<string[]> {
  return ((await readdir(dir).catch(() => [])) as string[]).filter((f) => f.endsWith('.hbs')).map((f) => f.slice(0, -'.hbs'.length)).sort();
}

/**
 * Completes (or rolls back) a publication into the data folder `dataDir` that was killed midway
 * (alses import, a yearly job: its journal is there), as those commands would, so that the data
 * read is whole. When that is not possible — a folder this account may only read, another command
 * writing there — nothing is done here: `loadDataset` then reports `data/interrupted`, and
 * nothing is made from the data.
 */
async function repairDataFolder(dataDir: string): Promise<void> {
  if (isWorkbookPath(dataDir) || !(await stat(path.join(dataDir, JOURNAL_FILE)).then(() => true, () => false))) return;
  await repairFolder(dataDir, { folder: 'données' }).catch((err: unknown) => {
    if (!(err instanceof AlsesError)) throw err;
  });
}

/**
 * Loads and validates the data, then the templates the run needs, so every problem is reported at
 * once.
 * @param selection catalogue ids or template names asked for (and command-line parameters);
 *   empty for every template.
 * @throws AlsesError USAGE when a name is neither a catalogue id nor a template (see
 *   `resolveRequests`), checked once the data is loaded.
 */
export async function loadInputs(
  dataDir: string,
  templatesDir: string,
  selection: RenderSelection | readonly string[] = {},
  options: DataOverlay = {},
): Promise<Inputs> {
  const wantedSelection: RenderSelection = isNames(selection) ? { names: selection } : selection;
  const names = wantedSelection.names ?? [];
  const dataPath = options.classeur ?? dataDir;
  await repairDataFolder(dataDir);
  const templateFiles = await templateFilesIn(templatesDir);
  const loaded = await loadDataset(dataPath, { ...(options.classeur !== undefined ? { base: dataDir } : {}), modeles: templateFiles });
  const data = { ...loaded, dataset: loaded.dataset ?? loaded.scoped?.dataset };
  const catalogue = data.dataset ? catalogueOf(data.dataset, data.dispositif) : undefined;
  // With the data loaded, the names resolve to templates now (an unknown name is a usage error);
  // otherwise only the names that are templates are loaded (the others may be catalogue ids: the
  // data's own errors are what to report then).
  // A catalogue document left out for errors in its entry is not resolved (`renderLoaded` reports it as blocked).
  const faultyDocuments = new Set((loaded.scoped?.faulty ?? []).filter((f) => f.kind === 'document').map((f) => f.key));
  const resolvable = names.filter((n) => !faultyDocuments.has(n));
  const wanted = resolvable.length && data.dataset ? [...new Set(resolveRequests(catalogue, templateFiles, { ...wantedSelection, names: resolvable }).map((r) => r.template))] : names.length && data.dataset ? [] : names;
  const templates = await loadTemplates(templatesDir, names.length ? wanted.filter((t) => templateFiles.includes(t)) : []);
  return {
    ...(data.dataset ? { dataset: data.dataset } : {}),
    ...(catalogue ? { catalogue } : {}),
    ...(data.dataset && loaded.dispositif ? { dispositif: loaded.dispositif.value } : {}),
    faulty: loaded.scoped?.faulty ?? [],
    templates,
    templateFiles,
    diagnostics: [...data.diagnostics, ...templates.diagnostics],
    sources: data.dataset ? [...new Set([...dataSources(dataPath, data.dataset, loaded.dispositif?.file), ...templates.partials])].map((p) => hashRead(p, loaded.hashes.get(p) ?? templates.hashes[p])) : [],
  };
}

/**
 * A file read by this run and the SHA-256 of its bytes as read.
 * @throws Error when the file was not read by this run (a programming error: the manifest never
 *   records a hash of bytes the documents were not made from).
 */
export function hashRead(file: string, hash: string | undefined): FileHash {
  if (hash === undefined) throw new Error(`${file}: no hash of the bytes read`);
  return { path: file, sha256: hash };
}

const isNames = (s: RenderSelection | readonly string[]): s is readonly string[] => Array.isArray(s);

/**
 * Renders an annex template against the dataset, with the view model its front matter or the
 * request asks for (délibération, état on a date, déploiement).
 * @param request the catalogue entry or command-line parameters; absent: the front matter alone.
 * @returns the document (named after the request), or the diagnostics of data the template asks
 *   for and the dataset lacks (invalid input, exit code 1).
 * @throws AlsesError OUTPUT as `renderTemplate` when the template fails while running.
 */
export function renderAnnexe(
  dataset: Dataset,
  set: TemplateSet,
  template: LoadedTemplate,
  request?: DocumentRequest,
): { rendered?: RenderedDocument; diagnostics: Diagnostic[] } {
  const fm = template.frontMatter;
  const selection: AnnexeSelection = {
    deliberation: request?.deliberation ?? fm.deliberation,
    etat: request?.au ?? fm.data.etat,
    deploiement: request?.deploiement ?? fm.data.deploiement,
    ...(request?.places ? { places: request.places } : {}),
    commandLine: request?.commandLine,
    annexe: request?.annexe,
    signature: request?.signature ?? dataset.collectivite.signataire,
    publication: request?.publication,
  };
  const built = buildAnnexeContext(dataset, selection, template.file, template.keyLines);
  if (!built.context) return { diagnostics: built.diagnostics };
  const result = renderTemplate(set, template, built.context);
  return result.rendered && request ? { ...result, rendered: { ...result.rendered, name: request.name } } : result;
}

/**
 * Renders the requested documents (no serialisation). Every request is tried, so that all problems
 * are reported at once.
 * @param selection catalogue ids or template names and command-line parameters; empty: the whole
 *   catalogue (or, without one, every annex template that takes no parameter).
 * @param options.everything also every annex template without parameters the catalogue does not
 *   use (what `alses validate` dry-runs).
 * @returns the documents that rendered, the diagnostics of data a request asks for and the
 *   dataset lacks (exit code 1), `failures`: the diagnostics of templates that failed while
 *   running (exit code 3), `load`: the load's diagnostics scoped to the requests (see scope.ts),
 *   and `blocked`: the requests not rendered because they read a faulty état or déploiement.
 * @throws AlsesError USAGE when the selection names nothing known (see `resolveRequests`).
 */
export function renderLoaded(
  inputs: Inputs,
  selectionOrNames: RenderSelection | readonly string[] = {},
  options: { everything?: boolean } = {},
): { documents: RenderedDocument[]; diagnostics: Diagnostic[]; failures: Diagnostic[]; load: Diagnostic[]; blocked: string[] } {
  const { dataset, templates } = inputs;
  const diagnostics: Diagnostic[] = [];
  if (!dataset) return { documents: [], diagnostics, failures: [], load: inputs.diagnostics, blocked: [] };
  const selection: RenderSelection = isNames(selectionOrNames) ? { names: selectionOrNames } : selectionOrNames;
  const named = (selection.names ?? []).length > 0;
  const loaded = new Map(templates.templates.map((t) => [t.name, t]));
  const documents: RenderedDocument[] = [];
  const failures: Diagnostic[] = [];
  const needed: FaultyEntry[] = [];
  /** Requests not rendered because they read an état or déploiement with errors, or their catalogue entry has errors. */
  const blocked: string[] = [];
  // Catalogue documents left out for errors in their entry: blocked when asked for by name, or
  // when the whole catalogue is.
  const faultyDocuments = inputs.faulty.filter((f) => f.kind === 'document' && (!named || selection.names!.includes(f.key)));
  needed.push(...faultyDocuments);
  blocked.push(...faultyDocuments.map((f) => f.key));
  const names = selection.names?.filter((n) => !blocked.includes(n));
  let requests = named && names!.length === 0 ? [] : resolveRequests(inputs.catalogue, inputs.templateFiles, { ...selection, ...(named ? { names } : {}) });
  const plain = (name: string): boolean => {
    const t = loaded.get(name);
    return t !== undefined && t.frontMatter.kind === 'annexe' && t.frontMatter.parametres.length === 0;
  };
  if (!named && (!inputs.catalogue || inputs.catalogue.documents.length === 0)) requests = requests.filter((r) => plain(r.template));
  if (options.everything && !named) {
    const used = new Set(requests.map((r) => r.template));
    requests = [...requests, ...inputs.templateFiles.filter((t) => !used.has(t) && plain(t) && !requests.some((r) => r.name === t)).map((t) => ({ name: t, template: t }))];
  }
  for (const request of requests) {
    const template = loaded.get(request.template);
    if (!template) {
      if (!inputs.templateFiles.includes(request.template)) diagnostics.push(unknownModele(request.template, request.name, inputs.templateFiles, request.places?.modele ?? { file: DISPOSITIF_FILE }));
      continue;
    }
    if (template.frontMatter.kind !== 'annexe') {
      diagnostics.push({
        severity: 'error',
        ruleId: 'template/kind',
        message: `Le modèle « ${template.name} » est un rapport mensuel (attendu : le produire avec « alses monthly --month AAAA-MM »)`,
        place: request.places?.modele ?? { file: template.file },
      });
      continue;
    }
    const problems = checkParameters(request, template);
    diagnostics.push(...problems);
    if (problems.length) continue;
    if (inputs.faulty.length && inputs.dispositif) {
      const missing = blocking(inputs.faulty, requestDependencies(inputs.dispositif, templates, template, request));
      needed.push(...missing);
      if (missing.length) {
        blocked.push(request.name);
        continue;
      }
    }
    try {
      const result = renderAnnexe(dataset, templates, template, request);
      diagnostics.push(...result.diagnostics);
      if (result.rendered) documents.push(result.rendered);
    } catch (err) {
      if (!(err instanceof AlsesError)) throw err;
      failures.push(...err.diagnostics);
    }
  }
  return { documents, diagnostics, failures, load: scopeDiagnostics(inputs.diagnostics, inputs.faulty, needed), blocked };
}

/**
 * The états and déploiements a request reads: the state on its `au` date, its déploiement, and,
 * when the template or a partial shows objectifs, every entry dated up to the document's date.
 */
function requestDependencies(file: DispositifFile, set: TemplateSet, template: LoadedTemplate, request: DocumentRequest): Dependencies {
  const fm = template.frontMatter;
  const au = request.au ?? fm.data.etat;
  const deploiementId = request.deploiement ?? fm.data.deploiement;
  const deploiement = file.deploiements.find((d) => d.id === deploiementId);
  const deliberationId = request.deliberation ?? fm.deliberation ?? deploiement?.deliberation;
  const deliberationDate = file.deliberations.find((d) => d.id === deliberationId)?.date;
  const parts: Dependencies[] = [];
  if (au !== undefined) parts.push(stateDependencies(file, au));
  if (deploiementId !== undefined) parts.push({ etats: new Set(), deploiements: new Set([deploiementId]) });
  const showsObjectifs = [template.body, ...Object.values(set.partialSources)].some((source) => /\bobjectifs\b/.test(source));
  const dates = [au, deliberationDate, deploiement?.effet].filter((d): d is string => d !== undefined).sort();
  if (showsObjectifs && dates.length) parts.push(stateDependencies(file, dates.at(-1)!, true));
  return mergeDependencies(...parts);
}
