/**
 * The web server's one door into the product (issue 14): list the documents, validate a data
 * source, render one document to bytes, list and produce monthly reports, save a workbook into
 * data/. Everything else in `src/server/` goes through this module, so that when the internals
 * move (pipeline split into jobs/ and templates/, writers registry, output/) only this file
 * changes. Functions here are plain and run in a worker thread (see `pool.ts`), except the
 * cheap ones noted.
 */
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isWorkbookPath, loadDataset } from '../dataset/load.ts';
import type { IsoDate } from '../dataset/model.ts';
import { columnLetters, readWorkbook, rowNumber } from '../dataset/read/xlsx.ts';
import { hasErrors, sortDiagnostics, type Diagnostic } from '../diagnostics.ts';
import { AlsesError } from '../errors.ts';
import { productVersion, serializeManifest, sha256, type FileHash, type ManifestOutput } from '../output/manifest.ts';
import { writeAtomic } from '../output/atomic.ts';
import { checkReportMonth, defaultMonth } from '../reports/rapport-mensuel.ts';
import { MONTHLY_TEMPLATE, runMonthly } from '../jobs/monthly.ts';
import { resolveRequests, type RenderSelection } from '../jobs/documents.ts';
import { BACKUP_FOLDER, planImport, runImport } from '../jobs/import.ts';
import { describePlan } from '../jobs/import-plan.ts';
import { startingWorkbook, workbookName } from '../jobs/classeur.ts';
import { hashRead, loadInputs, renderLoaded, type Inputs } from '../jobs/inputs.ts';
import { writerChecks } from '../jobs/serialize.ts';
import { FORMATS, serialize, type Format } from '../writers/index.ts';
import { writeZip } from '../writers/zip.ts';
import { fingerprint } from './fingerprint.ts';

export { BACKUP_FOLDER, FORMATS, type Format };
export {
  addDocument,
  catalogueWarning,
  documentChoices,
  DOCUMENT_FIELDS,
  DocumentFieldsError,
  removeDocument,
  type DocumentChoices,
  type DocumentField,
  type DocumentFields,
  type FieldLabel,
  type FieldProblem,
} from '../jobs/dispositif.ts';

/**
 * Where the data comes from: the `data/` folder, or a private workspace folder holding a copy of
 * data/ with an uploaded workbook read over it, or uploaded CSV files in place of its own.
 */
export interface DataSource {
  /** Path given to the loader: a data folder or a workbook (`.xlsx`). */
  readonly path: string;
  /**
   * A workbook read over the folder `path`, as `alses validate --classeur` reads it: its sheets
   * replace the états and déploiements they name, the others come from the folder's CSV files.
   */
  readonly classeur?: string;
  /** Folder whose prefix is removed from the places shown (a workspace's temp folder). */
  readonly hiddenRoot?: string;
  /** How `hiddenRoot` itself is named in messages (a workspace: the data folder it copies); default `.`. */
  readonly hiddenRootName?: string;
}

/** A parameter a document takes (DESIGN.md, "Documents: generic templates and a catalogue"). */
export interface DocumentParameter {
  /** Query-string name: `au` (a date) or `deploiement` (an id). */
  readonly name: 'au' | 'deploiement';
  /** French label of the form field. */
  readonly label: string;
  readonly kind: 'date' | 'choice';
  /** Value used when none is given. */
  readonly default?: string;
  /** For `choice`: the values offered, with their French label. */
  readonly choices?: readonly { readonly value: string; readonly label: string }[];
}

/** A document staff can render: today an annex template; later an entry of the catalogue. */
export interface DocumentInfo {
  /** Id used in URLs and as base name of the files, e.g. `annexe-liste-juillet-2019`. */
  readonly id: string;
  /** Title as printed in the document. */
  readonly title: string;
  readonly description: string;
  readonly parameters: readonly DocumentParameter[];
  readonly formats: readonly Format[];
  /** For a numbered annex, its line as printed: « Annexe n° 2 à la délibération du 1er juillet 2019 ». */
  readonly reference?: string;
}

/** Parameter values of one rendering, by name (validated by `checkParameters`). */
export type DocumentParameters = Readonly<Partial<Record<DocumentParameter['name'], string>>>;

/** A workbook row shown under a problem: its cells by column letter, the faulty one marked. */
export interface RowContext {
  readonly sheet: string;
  readonly row: number;
  readonly cells: readonly { readonly column: string; readonly value: string; readonly faulty: boolean }[];
}

/** A problem as the page and the API show it: the diagnostic, and its workbook row if any. */
export interface Problem extends Diagnostic {
  readonly row?: RowContext;
}

/** What the page shows about a data source: validity, problems, documents, figures. */
export interface DataState {
  /** Same meaning as `alses validate --format json`'s `valide`. */
  readonly valide: boolean;
  /** Every problem, sorted by place, as `alses validate --format json` gives them. */
  readonly problemes: readonly Problem[];
  /** Documents that can be rendered; empty when the data is invalid. */
  readonly documents: readonly DocumentInfo[];
  /** Counts for the summary line, when the data loaded without error. */
  readonly summary?: { readonly etats: number; readonly deploiements: number; readonly lignes: number };
}

/** Rendered bytes of one document in one format. */
export interface RenderedFile {
  readonly fileName: string;
  readonly bytes: Uint8Array;
  readonly title: string;
}

/** A monthly report found in the output folder. */
export interface MonthlyReportInfo {
  /** `YYYY-MM`. */
  readonly month: string;
  /** File names present, by format. */
  readonly files: Readonly<Partial<Record<Format, string>>>;
}

/** Why a save from the page wrote nothing: data/ changed since the page showed what it would write. */
export const dataChangedMessage = (dataDir: string): string =>
  `Rien n'a été écrit : ${dataDir}/ a changé depuis l'affichage de cette page (un autre enregistrement, une commande). Vérifiez ci-dessous ce que l'enregistrement écrira maintenant, puis enregistrez de nouveau.`;

/**
 * A path or message with the workspace folder removed: `alses.xlsx` rather than
 * `/tmp/…/alses.xlsx`, and the folder itself named `hiddenRootName` (a trial saw « dans
 * "/tmp/alses-serve-XydScz/espace-AViaPn" » on the page).
 */
function hideRoot(text: string, source: DataSource): string {
  if (!source.hiddenRoot) return text;
  const root = path.resolve(source.hiddenRoot);
  return text.split(root + path.sep).join('').split(root).join(source.hiddenRootName ?? '.');
}

/** Diagnostics with the workspace folder removed from places and messages (`alses.xlsx État …!D14`). */
function hidePaths<T extends Diagnostic>(list: readonly T[], source: DataSource): T[] {
  const strip = (s: string): string => hideRoot(s, source);
  return list.map((d) => ({ ...d, message: strip(d.message), ...(d.place ? { place: { ...d.place, file: strip(d.place.file) } } : {}) }));
}

/**
 * The parameters a generic template takes (`parametres:` of its front matter), with the newest
 * état date and the newest déploiement of the data as defaults.
 */
function parametersOf(inputs: Inputs, name: string): DocumentParameter[] {
  const template = inputs.templates.templates.find((t) => t.name === name);
  const takes = template?.frontMatter.parametres ?? [];
  const deploiements = inputs.dataset?.deploiements ?? [];
  const latestEtat = inputs.dataset?.etats.at(-1)?.date;
  const parameters: DocumentParameter[] = [];
  if (takes.includes('au')) parameters.push({ name: 'au', label: 'État au', kind: 'date', ...(latestEtat ? { default: latestEtat } : {}) });
  if (takes.includes('deploiement'))
    parameters.push({
      name: 'deploiement',
      label: 'Déploiement',
      kind: 'choice',
      ...(deploiements.length ? { default: deploiements.at(-1)!.id } : {}),
      choices: deploiements.map((d) => ({ value: d.id, label: d.libelle })),
    });
  return parameters;
}

/** The selection that renders document `id` with `parameters` (defaults filled in for a generic template). */
function selectionOf(inputs: Inputs, id: string, parameters: DocumentParameters): RenderSelection {
  if (inputs.catalogue?.documents.some((d) => d.id === id)) return { names: [id] };
  const defaults = Object.fromEntries(parametersOf(inputs, id).flatMap((p) => (p.default !== undefined ? [[p.name, p.default]] : [])));
  const values = { ...defaults, ...parameters };
  return { names: [id], au: values.au, deploiement: values.deploiement };
}
/**
 * Checks parameter values against a document's parameters: `au` a valid ISO date, `deploiement`
 * one of the ids offered; a parameter the document does not take is refused (a catalogue document
 * has its data fixed by its entry).
 * @returns French messages, one per bad value; empty when all are valid.
 */
export function checkParameters(document: DocumentInfo, values: DocumentParameters): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(values) as DocumentParameter['name'][])
    if (!document.parameters.some((p) => p.name === name))
      problems.push(
        `Le document « ${document.id} » ne prend pas le paramètre « ${name} » (attendu : ${document.parameters.map((p) => p.name).join(', ') || 'aucun paramètre : ses données sont fixées par le catalogue'})`,
      );
  const au = values.au;
  const day = au !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(au) ? new Date(`${au}T00:00:00Z`) : undefined;
  if (au !== undefined && (!day || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== au))
    problems.push(`Date « ${au} » invalide pour « au » (attendu : AAAA-MM-JJ, ex. 2020-09-30)`);
  const deploiement = values.deploiement;
  const choices = document.parameters.find((p) => p.name === 'deploiement')?.choices;
  if (deploiement !== undefined && choices && !choices.some((c) => c.value === deploiement))
    problems.push(`Déploiement « ${deploiement} » inconnu (attendu : ${choices.map((c) => c.value).join(', ') || 'aucun déploiement déclaré'})`);
  return problems;
}

/** Rules about a whole sheet rather than one of its rows. */
const SHEET_RULES: ReadonlySet<string> = new Set(['xlsx/sheet-name', 'xlsx/hidden-sheet', 'xlsx/unused-sheet', 'xlsx/sheet-duplicate', 'xlsx/missing-sheet']);

/**
 * The workbook row of each problem placed at a sheet cell, read from the workbook itself
 * (cells by column letter, from A to the row's last filled cell); none for a problem of a whole
 * sheet (`SHEET_RULES`).
 */
async function rowContexts(workbookPath: string, problems: readonly Diagnostic[]): Promise<Map<Diagnostic, RowContext>> {
  const found = new Map<Diagnostic, RowContext>();
  // A problem of a whole sheet (its name, hidden, unused, a duplicate) is placed at A1 for the
  // tab: no row of it is in fault (trial finding: the title row shown with A1 marked).
  const placed = problems.filter((d) => d.place?.sheet !== undefined && rowNumber(d.place.cell) > 0 && !SHEET_RULES.has(d.ruleId));
  if (placed.length === 0) return found;
  const { workbook } = await readWorkbook(await readFile(workbookPath), workbookPath);
  if (!workbook) return found;
  for (const d of placed) {
    const sheet = workbook.sheets.find((s) => s.name === d.place!.sheet);
    const number = rowNumber(d.place!.cell);
    const row = sheet?.rows().rows.find((r) => rowNumber(r.place.cell) === number);
    if (!row) continue;
    const byColumn = new Map(row.cells.map((c) => [columnLetters(c.place.cell), c.value]));
    const faultyColumn = columnLetters(d.place!.cell);
    const last = Math.max(columnIndex(faultyColumn), ...[...byColumn.keys()].filter((k) => byColumn.get(k) !== '').map(columnIndex));
    const cells = Array.from({ length: last + 1 }, (_, i) => {
      const column = columnName(i);
      return { column, value: byColumn.get(column) ?? '', faulty: column === faultyColumn };
    });
    found.set(d, { sheet: sheet!.name, row: number, cells });
  }
  return found;
}

/** 0-based index of column letters: A → 0, AA → 26. */
const columnIndex = (letters: string): number => [...letters].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0) - 1;
/** Column letters of a 0-based index. */
const columnName = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : columnName(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26)));

/**
 * Validates a data source with the templates exactly as `alses validate` does (data, templates,
 * a dry run of every annex, characters the font cannot print), and lists the documents.
 * Calls `loadInputs`, `renderLoaded` and `writerChecks` (src/jobs/inputs.ts, src/jobs/serialize.ts).
 */
export async function inspectData(source: DataSource, templatesDir: string): Promise<DataState> {
  const inputs = await loadSource(source, templatesDir);
  const diagnostics = [...inputs.diagnostics];
  let documents: DocumentInfo[] = [];
  if (inputs.dataset && !hasErrors(diagnostics)) {
    // The catalogue's documents, dry-run as `alses validate` does, then each generic template
    // (rendered with its default parameters for its title).
    const rendered = renderLoaded(inputs, {}, { everything: true });
    diagnostics.push(...rendered.diagnostics, ...rendered.failures, ...writerChecks(rendered.documents));
    const descriptionOf = (name: string): string => inputs.templates.templates.find((t) => t.name === name)?.frontMatter.description ?? '';
    const requests = inputs.catalogue ? resolveRequests(inputs.catalogue, inputs.templateFiles, {}) : [];
    documents = rendered.documents.map((d) => ({
      id: d.name,
      title: d.document.meta.title,
      description: descriptionOf(requests.find((r) => r.name === d.name)?.template ?? d.name),
      parameters: [],
      formats: FORMATS,
      ...(d.document.meta.reference ? { reference: d.document.meta.reference } : {}),
    }));
    for (const t of inputs.templates.templates.filter((t) => t.frontMatter.kind === 'annexe' && t.frontMatter.parametres.length > 0)) {
      const parameters = parametersOf(inputs, t.name);
      if (parameters.some((p) => p.default === undefined)) continue;
      const sample = renderLoaded(inputs, selectionOf(inputs, t.name, {}));
      const title = sample.documents[0]?.document.meta.title;
      // A generic template is listed by its description (what it shows, for any date or déploiement),
      // not by the title of one rendering, which would name a date the form may change.
      if (title) documents.push({ id: t.name, title: t.frontMatter.description || title, description: '', parameters, formats: FORMATS });
    }
  }
  const sorted = sortDiagnostics(diagnostics);
  const workbook = source.classeur ?? source.path;
  const rows = isWorkbookPath(workbook) ? await rowContexts(workbook, sorted) : new Map<Diagnostic, RowContext>();
  const problemes = hidePaths(
    sorted.map((d) => (rows.has(d) ? { ...d, row: rows.get(d)! } : d)),
    source,
  );
  const valide = !hasErrors(diagnostics);
  const dataset = inputs.dataset;
  return {
    valide,
    problemes,
    documents: valide ? documents : [],
    // Counts only for valid data, as `alses validate` prints them: with errors, the dataset holds
    // only the états and déploiements without any (a workbook's new, faulty sheets not counted).
    ...(dataset && valide
      ? {
          summary: {
            etats: dataset.etats.length,
            deploiements: dataset.deploiements.length,
            lignes: dataset.etats.reduce((n, e) => n + e.rows.length, 0) + dataset.deploiements.reduce((n, d) => n + d.rows.length, 0),
          },
        }
      : {}),
  };
}

/** The inputs of a source: its folder or workbook, with its workbook read over the folder if it has one. */
const loadSource = (source: DataSource, templatesDir: string, names: readonly string[] = []): Promise<Inputs> =>
  loadInputs(source.path, templatesDir, names, source.classeur !== undefined ? { classeur: source.classeur } : {});

/** Loads the inputs and renders the document `id` (an annex), or throws in French. */
async function renderOne(source: DataSource, templatesDir: string, id: string, parameters: DocumentParameters) {
  const inputs = await loadSource(source, templatesDir, [id]);
  const known = inputs.catalogue?.documents.some((d) => d.id === id) || inputs.templates.templates.some((t) => t.name === id && t.frontMatter.kind === 'annexe');
  if (!known) throw new AlsesError('USAGE', `Document « ${id} » inconnu`);
  if (!inputs.dataset || hasErrors(inputs.diagnostics))
    throw new AlsesError('INVALID_INPUT', 'Données ou modèles invalides : corrigez les problèmes avant de produire un document.', hidePaths(inputs.diagnostics, source));
  const rendered = renderLoaded(inputs, selectionOf(inputs, id, parameters));
  const problems = [...rendered.diagnostics, ...rendered.failures];
  const document = rendered.documents[0];
  const reason = problems.find((d) => d.severity === 'error')?.message;
  if (!document || hasErrors(problems))
    throw new AlsesError(rendered.failures.length ? 'OUTPUT' : 'INVALID_INPUT', `Le document « ${id} » n'a pas pu être produit${reason ? ` : ${hideRoot(reason, source)}` : '.'}`, hidePaths(problems, source));
  return { inputs, document };
}

/**
 * Renders one document in one format, in memory. `parameters` are accepted and passed through:
 * today's templates name their état and déploiement themselves and ignore them.
 * Calls `loadInputs`, `renderLoaded` and `serialize` (src/jobs/inputs.ts, src/jobs/serialize.ts).
 * @throws AlsesError USAGE (unknown document), INVALID_INPUT (invalid data), OUTPUT (a template
 *   or writer fails).
 */
export async function renderDocument(source: DataSource, templatesDir: string, id: string, format: Format, parameters: DocumentParameters = {}): Promise<RenderedFile> {
  const { document } = await renderOne(source, templatesDir, id, parameters);
  return { fileName: `${document.name}.${format}`, bytes: await serialize(document.document, format), title: document.document.meta.title };
}

/**
 * A ZIP of the document in every format, with `manifest.json` recording each file's SHA-256,
 * size, content date, template and data files (with their SHA-256) as `alses render` records
 * them in out/. Entries are stamped with the document's date, so the same data gives the same
 * bytes. Calls `serialize`, `serializeManifest`, `writeZip`.
 */
export async function renderBundle(source: DataSource, templatesDir: string, id: string, parameters: DocumentParameters = {}): Promise<RenderedFile> {
  const { inputs, document } = await renderOne(source, templatesDir, id, parameters);
  const version = await productVersion();
  // The hashes of the bytes this run read (never re-read: the files may have changed since).
  const hidden = (h: FileHash): FileHash => ({ path: hideRoot(h.path, source).split(path.sep).join('/'), sha256: h.sha256 });
  const template = hidden(hashRead(document.template, inputs.templates.hashes[document.template]));
  const dataInputs = inputs.sources.map(hidden).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const entries: { path: string; data: Uint8Array }[] = [];
  const outputs: Record<string, ManifestOutput> = {};
  for (const format of FORMATS) {
    const bytes = await serialize(document.document, format);
    const name = `${document.name}.${format}`;
    entries.push({ path: name, data: bytes });
    outputs[name] = { sha256: sha256(bytes), size: bytes.byteLength, date: document.document.meta.date, template, inputs: dataInputs, productVersion: version };
  }
  entries.push({ path: 'manifest.json', data: serializeManifest({ product: 'alses-reports', outputs }) });
  const date = new Date(`${document.document.meta.date.slice(0, 10)}T12:00:00Z`);
  return { fileName: `${document.name}.zip`, bytes: await writeZip(entries, Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1980 ? new Date(Date.UTC(1980, 0, 1)) : date), title: document.document.meta.title };
}

/**
 * The monthly reports present in `outDir` (`rapport-mensuel-YYYY-MM.{pdf,docx,html}`), most
 * recent first. Cheap: one directory read (runs on the request thread).
 */
export async function listMonthlyReports(outDir: string): Promise<MonthlyReportInfo[]> {
  const names = await readdir(outDir).catch(() => [] as string[]);
  const byMonth = new Map<string, Partial<Record<Format, string>>>();
  const pattern = new RegExp(`^${MONTHLY_TEMPLATE}-(\\d{4}-\\d{2})\\.(${FORMATS.join('|')})$`);
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m) continue;
    const files = byMonth.get(m[1]!) ?? {};
    files[m[2] as Format] = name;
    byMonth.set(m[1]!, files);
  }
  return [...byMonth.entries()].sort(([a], [b]) => (a < b ? 1 : -1)).map(([month, files]) => ({ month, files }));
}

/**
 * Path of a monthly report file of `outDir`, or undefined when the name is not one, or not a
 * regular file: a symbolic link is never followed (it may lead out of the folder, e.g. to
 * /etc/shadow), nor a FIFO opened.
 */
export async function monthlyReportFile(outDir: string, fileName: string): Promise<string | undefined> {
  const reports = await listMonthlyReports(outDir);
  const known = reports.some((r) => Object.values(r.files).includes(fileName));
  if (!known) return undefined;
  const file = path.join(outDir, fileName);
  return (await lstat(file).catch(() => undefined))?.isFile() ? file : undefined;
}

/** The latest month a report can be produced for (`YYYY-MM`): the previous month, Europe/Paris. Calls `defaultMonth`. */
export const latestReportMonth = (now: Date = new Date()): string => defaultMonth(now);

/**
 * Produces the monthly report of an ended month into `outDir`, as `alses monthly --month` does
 * (lock, atomic publish, manifest). Calls `checkReportMonth` and `runMonthly`.
 * @returns the files written or left unchanged; `stale`: the date of the newest état or déploiement
 *   when the data is stale (the report says so; `alses monthly` exits 6).
 * @throws AlsesError USAGE (bad or unfinished month), INVALID_INPUT, LOCKED, OUTPUT.
 */
export async function produceMonthlyReport(
  source: DataSource,
  templatesDir: string,
  outDir: string,
  month: string,
): Promise<{ status: 'written' | 'unchanged'; files: string[]; stale?: IsoDate }> {
  checkReportMonth(month);
  try {
    const result = await runMonthly({ dataDir: source.path, templatesDir, outDir, month, formats: FORMATS, waitMs: 10_000 });
    return { status: result.status, files: result.outputs.map((o) => path.basename(o.path)), ...(result.stale ? { stale: result.stale.derniereDate } : {}) };
  } catch (err) {
    if (err instanceof AlsesError) throw new AlsesError(err.code, err.message, hidePaths(err.diagnostics, source));
    throw err;
  }
}

/**
 * The starting workbook of the état on `au` (`alses classeur`, src/jobs/classeur.ts), from the
 * source's data, in memory.
 * @returns the file `classeur-<au>.xlsx`; its title is the name of its état sheet.
 * @throws AlsesError INVALID_INPUT when the data is invalid; USAGE on a bad date or one before
 *   the first état.
 */
export async function startingWorkbookFile(source: DataSource, au: string): Promise<RenderedFile> {
  const { dataset, diagnostics } = await loadDataset(source.classeur ?? source.path, source.classeur !== undefined ? { base: source.path } : {});
  if (!dataset || hasErrors(diagnostics))
    throw new AlsesError('INVALID_INPUT', 'Données invalides : corrigez les problèmes avant de demander un classeur de départ.', hidePaths(diagnostics, source));
  const made = await startingWorkbook(dataset, au);
  return { fileName: workbookName(au), bytes: made.bytes, title: made.sheet };
}

/**
 * What « Enregistrer dans les données » would write into the data folder from a workspace's data,
 * as `alses import` shows it before writing (`planImport`, `describePlan`): one French line per
 * file, then the collèges added, removed and changed. Nothing is written.
 * @returns no lines when the data has errors.
 */
export async function saveChanges(source: DataSource, dataDir: string): Promise<string[]> {
  const { plan } = await planImport(source.classeur ?? source.path, dataDir);
  return plan ? describePlan(plan.filter((f) => f.status !== 'kept')) : [];
}

/**
 * Writes a workspace's data into the data folder as `alses import --ecraser` does (`runImport`):
 * one transaction, previous versions kept in `data/.sauvegardes/`. Nothing is written on any error.
 * @param shown data/'s fingerprint (`fingerprint.ts`) when the page showed what the save writes.
 * @throws AlsesError LOCKED when data/ is no longer as shown, checked under its lock (nothing written).
 * @returns the diagnostics, each file written or unchanged (paths relative to `dataDir`), and
 *   the name of the folder of `data/.sauvegardes/` holding the files replaced, when there were any.
 */
export async function saveToData(
  source: DataSource,
  dataDir: string,
  shown: string,
): Promise<{ diagnostics: Diagnostic[]; written: string[]; unchanged: string[]; backup?: string }> {
  // The same steps as `alses import --ecraser`: the workbook laid over data/, every file written
  // as one transaction, the previous version of each replaced file kept in data/.sauvegardes/.
  // Under data/'s lock, data/ must still be what the page showed: two saves sent at once both
  // passed the route's check, and the second replaced the first's files unseen (hostile trial).
  const underLock = async (): Promise<void> => {
    if ((await fingerprint([dataDir])) !== shown) throw new AlsesError('LOCKED', dataChangedMessage(dataDir));
  };
  const result = await runImport(source.classeur ?? source.path, dataDir, { overwrite: true, underLock });
  const diagnostics = hidePaths(result.diagnostics, source);
  if (hasErrors(result.diagnostics) || !result.plan) return { diagnostics, written: [], unchanged: [] };
  const written = result.status === 'written' ? result.plan.filter((p) => p.status === 'new' || p.status === 'changed').map((p) => p.relative) : [];
  const unchanged = result.plan.filter((p) => !written.includes(p.relative)).map((p) => p.relative);
  return { diagnostics, written, unchanged, ...(result.backup ? { backup: path.basename(result.backup) } : {}) };
}
