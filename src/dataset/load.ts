/**
 * Loads and validates the data (DESIGN.md, "Data contract"): `dispositif.yaml` and the état and
 * déploiement tables it names — CSV files of a data folder, or sheets of an Excel workbook
 * (README, "Classeur Excel"). Every problem is collected and returned at once as diagnostics
 * with their place; the dataset is built only when there is no error.
 * Rule ids and what they check: `DATASET_RULES` in `rules.ts`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Place } from '../diagnostics.ts';
import { displayPath, hasErrors, sortDiagnostics } from '../diagnostics.ts';
import { COLUMNS, collegeKey, describeCollege, describeRowPlace, toAffectations } from './affectations.ts';
import type { AffectationColumn, AffectationFileKind } from './affectations.ts';
import { readCsvTable } from './csv.ts';
import type { Affectation, Dataset, Deploiement, Etat, IsoDate } from './model.ts';
import { deploiementEntrySchema, dispositifSchema, etatEntrySchema } from './schema.ts';
import type { DispositifFile } from './schema.ts';
import { checkSpellings } from './spelling.ts';
import type { Table } from './table.ts';
import { foldForComparison, frenchDate, frenchLongDate, guillemets, isIsoDate, quote } from './text.ts';
import type { Sheet, Workbook } from './xlsx.ts';
import { columnLetters, readSheetTable, readWorkbook, rowNumber, WORKBOOK_EXTENSIONS } from './xlsx.ts';
import { readYaml, zodIssuesToDiagnostics } from './yaml.ts';
import type { YamlFile, YamlPath } from './yaml.ts';

/** Name of the file describing the scheme, in the data folder. */
export const DISPOSITIF_FILE = 'dispositif.yaml';

/** Outcome of `loadDataset`: the dataset when there is no error, and every diagnostic found. */
export interface LoadResult {
  /** Present only if `diagnostics` holds no error. */
  readonly dataset?: Dataset;
  /** Errors and warnings, sorted by file, line, column. */
  readonly diagnostics: Diagnostic[];
}

/** Options of `loadDataset`. */
export interface LoadOptions {
  /** The `dispositif.yaml` to use (default: the one in the data folder, or beside the workbook). */
  readonly dispositif?: string;
}

const shown = displayPath;

/** `true` if the path names an Excel workbook (.xlsx, .xlsm), by its extension. */
export const isWorkbookPath = (p: string): boolean => (WORKBOOK_EXTENSIONS as readonly string[]).includes(path.extname(p).toLowerCase());

/**
 * Reads `dispositif.yaml` and the tables it names, checks every rule, and builds the `Dataset`
 * (états sorted by date, déploiements by `effet`).
 *
 * `dataPath` is either a data folder (`data/`: `dispositif.yaml` and the CSV files it names) or
 * an Excel workbook (`classeur.xlsx`: one sheet per état and per déploiement, `dispositif.yaml`
 * beside it unless `options.dispositif` says otherwise).
 *
 * Never throws for bad data: unreadable or missing files, YAML syntax, shapes (zod), references
 * (deliberation ids, files, sheets), table shape and values, TOTAL rows, duplicates and a
 * deployed collège already present, a deployment missing from the état that should include it
 * all become `error` diagnostics; spellings of one commune or collège that differ, hidden and
 * unused sheets, and CSV files of the data folder that dispositif.yaml does not name are
 * `warning`s (rule ids: `DATASET_RULES`). Only programming errors throw.
 *
 * @param dataPath the data folder, e.g. `data`, or a workbook, e.g. `alses.xlsx` (relative to the
 *   working folder or absolute)
 */
export async function loadDataset(dataPath: string, options: LoadOptions = {}): Promise<LoadResult> {
  const resolved = path.resolve(dataPath);
  const workbookPath = isWorkbookPath(resolved) ? resolved : undefined;
  const dir = workbookPath ? path.dirname(resolved) : resolved;
  const yamlPath = options.dispositif !== undefined ? path.resolve(options.dispositif) : path.join(dir, DISPOSITIF_FILE);
  const yamlFile = shown(yamlPath);
  const diagnostics: Diagnostic[] = [];
  let workbook: Workbook | undefined;
  const done = (dataset?: Dataset): LoadResult => {
    const sorted = sortPlaces(sortDiagnostics(diagnostics), workbook);
    return dataset && !hasErrors(sorted) ? { dataset, diagnostics: sorted } : { diagnostics: sorted };
  };

  if (!workbookPath) {
    const kind = await stat(resolved).then((st) => (st.isFile() ? 'file' : 'other'), () => 'missing');
    if (kind === 'file') {
      const ext = path.extname(resolved).toLowerCase();
      diagnostics.push({
        severity: 'error',
        ruleId: 'file/type',
        message:
          ext === '.xls' || ext === '.ods'
            ? `classeur ${quote(shown(resolved))} au format ${ext} non pris en charge (attendu : un classeur .xlsx ; dans le tableur, « Enregistrer sous » au format Classeur Excel .xlsx)`
            : `${quote(shown(resolved))} est un fichier (attendu : le dossier des données, qui contient ${DISPOSITIF_FILE}, ou un classeur .xlsx)`,
        place: { file: shown(resolved) },
      });
      return done();
    }
  } else {
    const bytes = await readBytes(workbookPath, { file: shown(workbookPath) }, diagnostics, 'un classeur Excel .xlsx');
    if (bytes) {
      const read = await readWorkbook(bytes, shown(workbookPath));
      diagnostics.push(...read.diagnostics);
      workbook = read.workbook;
    }
  }

  const yamlWhere = workbookPath && options.dispositif === undefined ? 'à côté du classeur' : 'dans le dossier de données';
  const yamlBytes = await readBytes(yamlPath, { file: yamlFile }, diagnostics, `la description du dispositif (${DISPOSITIF_FILE}) ${yamlWhere}`);
  if (!yamlBytes) return done();
  const { yaml, diagnostics: yamlDiagnostics } = readYaml(new TextDecoder().decode(yamlBytes), yamlFile);
  diagnostics.push(...yamlDiagnostics);
  if (!yaml) return done();

  const parsed = dispositifSchema.safeParse(yaml.value, { reportInput: true });
  if (!parsed.success) diagnostics.push(...zodIssuesToDiagnostics(parsed.error.issues, yaml, dispositifSchema));

  // Cross-references are checked on whatever is readable, so that one bad entry hides nothing else.
  const raw = asRecord(yaml.value);
  const deliberationIds = checkUnique(yaml, raw, 'deliberations', 'id', 'délibération', diagnostics);
  const sigles = checkUnique(yaml, raw, 'structuresPorteuses', 'sigle', 'structure porteuse', diagnostics);
  checkUnique(yaml, raw, 'objectifs', 'id', 'objectif', diagnostics);
  checkUnique(yaml, raw, 'etats', 'date', 'état', diagnostics);
  checkUnique(yaml, raw, 'deploiements', 'id', 'déploiement', diagnostics);
  const checkDeliberation = (id: unknown, at: YamlPath): void => {
    if (typeof id !== 'string' || deliberationIds.includes(id.trim())) return;
    diagnostics.push({
      severity: 'error',
      ruleId: 'deliberation/unknown',
      message: `délibération ${quote(id)} inconnue (attendu : l'id d'une délibération de "deliberations" : ${deliberationIds.join(', ') || 'aucune déclarée'})`,
      place: yaml.locate(at),
      field: 'deliberation',
    });
  };
  items(raw, 'objectifs').forEach((o, i) =>
    items(asRecord(o), 'deliberations').forEach((id, j) => checkDeliberation(id, ['objectifs', i, 'deliberations', j])),
  );
  items(raw, 'deploiements').forEach((d, i) => checkDeliberation(asRecord(d)?.['deliberation'], ['deploiements', i, 'deliberation']));

  // The table of every readable entry: a CSV file of the folder, or a sheet of the workbook.
  const usedSheets = new Set<Sheet>();
  const readRows = async (kind: AffectationFileKind, entry: TableEntry, at: YamlPath) => {
    let read: { table?: Table<AffectationColumn>; diagnostics: Diagnostic[] };
    let file: string;
    if (workbookPath) {
      if (!workbook) return undefined;
      const sheet = findSheet(workbook, kind, entry, yaml.locate(at), diagnostics);
      if (!sheet) return undefined;
      usedSheets.add(sheet);
      file = workbook.file;
      read = readSheetTable(sheet, file, COLUMNS[kind], 'etp');
    } else {
      const absPath = path.resolve(dir, entry.fichier);
      file = shown(absPath);
      const bytes = await readBytes(
        absPath,
        yaml.locate([...at, 'fichier']),
        diagnostics,
        `un fichier CSV existant, chemin relatif au dossier de ${DISPOSITIF_FILE}`,
        entry.fichier,
      );
      if (!bytes) return undefined;
      read = readCsvTable(bytes, file, COLUMNS[kind], 'etp');
    }
    diagnostics.push(...read.diagnostics);
    if (!read.table) return undefined;
    const result = toAffectations(read.table, kind, sigles);
    diagnostics.push(...result.diagnostics);
    return { file, rows: result.rows };
  };
  const etats = await Promise.all(
    items(raw, 'etats').map(async (entry, i) => {
      const e = etatEntrySchema.safeParse(entry);
      if (!e.success) return undefined;
      const read = await readRows('etat', e.data, ['etats', i]);
      return { date: e.data.date, file: read?.file, rows: read?.rows };
    }),
  );
  const deploiements = await Promise.all(
    items(raw, 'deploiements').map(async (entry, i) => {
      const d = deploiementEntrySchema.safeParse(entry);
      if (!d.success) return undefined;
      const read = await readRows('deploiement', d.data, ['deploiements', i]);
      return { ...d.data, effetPlace: yaml.locate(['deploiements', i, 'effet']), file: read?.file, rows: read?.rows };
    }),
  );
  const readEtats = etats.filter((e) => e !== undefined).sort(byDate);
  const readDeploiements = deploiements.filter((d) => d !== undefined).sort(byEffet);
  checkDeployedCollegesAreNew(readEtats, readDeploiements, diagnostics);
  checkDeploiementsInLaterEtats(readEtats, readDeploiements, diagnostics);
  diagnostics.push(...checkSpellings([...readEtats, ...readDeploiements].map((t) => t.rows ?? [])));
  if (workbook) checkOtherSheets(workbook, usedSheets, diagnostics);
  else if (raw) {
    const named = [...items(raw, 'etats'), ...items(raw, 'deploiements')]
      .map((entry) => asRecord(entry)?.['fichier'])
      .filter((f): f is string => typeof f === 'string')
      .map((f) => path.resolve(dir, f));
    await checkUnlistedFiles(dir, new Set(named), diagnostics);
  }

  if (!parsed.success || hasErrors(diagnostics)) return done();
  return done(buildDataset(parsed.data, readEtats, readDeploiements));
}

/** An entry of `etats` or `deploiements` in dispositif.yaml (the fields that name its table). */
interface TableEntry {
  readonly fichier: string;
  readonly date?: IsoDate;
  readonly id?: string;
  readonly libelle?: string;
}

/**
 * Folded sheet names that hold an entry's table: an état's date ("2019-07-15", "État 2019-07-15"),
 * a déploiement's id or libellé ("rentree-2019", "Déploiement rentree-2019", "rentrée 2019"), or
 * the base name of the entry's file.
 */
function sheetNamesFor(kind: AffectationFileKind, entry: TableEntry): { folded: Set<string>; shown: string[] } {
  const base = path.basename(entry.fichier, path.extname(entry.fichier));
  const shownNames =
    kind === 'etat' ? [entry.date!, `État ${entry.date!}`] : [entry.id!, `Déploiement ${entry.id!}`];
  const all = kind === 'etat' ? [...shownNames, `Etat ${entry.date!}`, base] : [...shownNames, entry.libelle!, `Déploiement ${entry.libelle!}`, base];
  return { folded: new Set(all.map(foldForComparison)), shown: shownNames };
}

/**
 * The visible sheet holding an entry's table. Errors: none (`xlsx/missing-sheet`, placed on the
 * entry in dispositif.yaml), only a hidden one (`xlsx/hidden-sheet`), two (`xlsx/sheet-duplicate`).
 */
function findSheet(workbook: Workbook, kind: AffectationFileKind, entry: TableEntry, at: Place, diagnostics: Diagnostic[]): Sheet | undefined {
  const { folded, shown: names } = sheetNamesFor(kind, entry);
  const matches = workbook.sheets.filter((s) => folded.has(foldForComparison(s.name)));
  const visible = matches.filter((s) => s.state === 'visible');
  const what = kind === 'etat' ? `de l'état du ${frenchDate(entry.date!)}` : `du déploiement ${quote(entry.id)}`;
  const expected = `une feuille visible nommée ${names.map(quote).join(' ou ')}`;
  if (visible.length > 1) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'xlsx/sheet-duplicate',
      message: `deux feuilles pour le tableau ${what} : ${visible.map((s) => quote(s.name)).join(' et ')} (attendu : ${expected}, une seule)`,
      place: { file: workbook.file, sheet: visible[1]!.name, cell: 'A1' },
    });
    return undefined;
  }
  if (visible.length === 1) {
    for (const hidden of matches.filter((s) => s.state !== 'visible')) {
      diagnostics.push({
        severity: 'warning',
        ruleId: 'xlsx/hidden-sheet',
        message: `feuille masquée ${quote(hidden.name)} ignorée : la feuille visible ${quote(visible[0]!.name)} est lue pour le tableau ${what} (attendu : une seule feuille par tableau)`,
        place: { file: workbook.file, sheet: hidden.name, cell: 'A1' },
      });
    }
    return visible[0];
  }
  if (matches.length > 0) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'xlsx/hidden-sheet',
      message: `feuille ${quote(matches[0]!.name)} masquée : le tableau ${what} doit rester visible pour être relu (attendu : ${expected} ; dans Excel, clic droit sur un onglet puis « Afficher »)`,
      place: { file: workbook.file, sheet: matches[0]!.name, cell: 'A1' },
    });
    return undefined;
  }
  diagnostics.push({
    severity: 'error',
    ruleId: 'xlsx/missing-sheet',
    message: `feuille du tableau ${what} introuvable dans ${quote(workbook.file)} (attendu : ${expected} ; feuilles du classeur : ${workbook.sheets.map((s) => quote(s.name)).join(', ')})`,
    place: at,
  });
  return undefined;
}

/**
 * Sheets that hold no table of dispositif.yaml: a hidden one with content is ignored with a
 * `xlsx/hidden-sheet` warning, a visible one with content with `xlsx/unused-sheet` — or
 * `xlsx/sheet-name` (error) when its name is an état's with a date that does not exist.
 */
function checkOtherSheets(workbook: Workbook, used: ReadonlySet<Sheet>, diagnostics: Diagnostic[]): void {
  for (const sheet of workbook.sheets) {
    if (used.has(sheet) || sheet.filledCells === 0) continue;
    const place: Place = { file: workbook.file, sheet: sheet.name, cell: 'A1' };
    if (sheet.state !== 'visible') {
      diagnostics.push({
        severity: 'warning',
        ruleId: 'xlsx/hidden-sheet',
        message: `feuille masquée ${quote(sheet.name)} ignorée (attendu : les tableaux des états et déploiements de ${DISPOSITIF_FILE} dans des feuilles visibles)`,
        place,
      });
      continue;
    }
    const date = /^(?:[ée]tat\s+)?(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{4})$/iu.exec(sheet.name.trim())?.[1];
    if (date !== undefined && !isIsoDate(date)) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'xlsx/sheet-name',
        message: `nom de feuille ${quote(sheet.name)} : date ${quote(date)} invalide (attendu : une date du calendrier au format AAAA-MM-JJ, ex. « État 2019-07-15 »)`,
        place,
      });
      continue;
    }
    diagnostics.push({
      severity: 'warning',
      ruleId: 'xlsx/unused-sheet',
      message: `feuille ${quote(sheet.name)} ignorée : elle ne correspond à aucun état ni déploiement de ${DISPOSITIF_FILE} (attendu : une feuille nommée par la date d'un état, ex. « État 2019-07-15 », ou par l'id d'un déploiement, ex. « rentree-2019 »)`,
      place,
    });
  }
}

/**
 * Orders the places of a workbook within its file: by sheet (tab order), row, column.
 * (`sortDiagnostics` orders by file, line and column, which sheet places do not have; being
 * stable, it keeps this order afterwards.)
 */
function sortPlaces(list: Diagnostic[], workbook: Workbook | undefined): Diagnostic[] {
  if (!workbook) return list;
  const sheetIndex = new Map(workbook.sheets.map((s, i) => [s.name, i]));
  const key = (p: Place | undefined): [number, number, number] =>
    p?.sheet === undefined ? [-1, p?.line ?? 0, p?.column ?? 0] : [sheetIndex.get(p.sheet) ?? -1, rowNumber(p.cell), columnIndex(columnLetters(p.cell))];
  return [...list].sort((a, b) => {
    const fa = a.place?.file ?? '';
    const fb = b.place?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const [ka, kb] = [key(a.place), key(b.place)];
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
  });
}

/** "A" → 1, "Z" → 26, "AA" → 27. */
const columnIndex = (letters: string): number => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);

/** A read entry; `rows` is absent when its file could not be read as a table. */
interface ReadEtat {
  readonly date: IsoDate;
  readonly file: string | undefined;
  readonly rows: readonly Affectation[] | undefined;
}
interface ReadDeploiement {
  readonly id: string;
  readonly libelle: string;
  readonly deliberation: string;
  readonly effet: IsoDate;
  /** Place of `effet` in dispositif.yaml. */
  readonly effetPlace: Place;
  readonly file: string | undefined;
  readonly rows: readonly Affectation[] | undefined;
}

const byDate = (a: { date: IsoDate }, b: { date: IsoDate }): number => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
const byEffet = (a: { effet: IsoDate }, b: { effet: IsoDate }): number => (a.effet < b.effet ? -1 : a.effet > b.effet ? 1 : 0);

/**
 * `deploiement/already-present`: a deployed collège must not already host an ALSES in the state
 * the deployment adds to, i.e. the latest état dated strictly before its `effet` (an état dated
 * on or after `effet` already includes it, per the state rule), nor in an earlier deployment
 * added to that same état.
 */
function checkDeployedCollegesAreNew(
  etats: readonly ReadEtat[],
  deploiements: readonly ReadDeploiement[],
  diagnostics: Diagnostic[],
): void {
  deploiements.forEach((d, index) => {
    const base = etats.filter((e) => e.date < d.effet).at(-1);
    if (!base?.rows || !d.rows) return;
    const present = new Map<string, string>();
    for (const row of base.rows) {
      present.set(collegeKey(row), `dans l'état du ${frenchDate(base.date)} (${describeRowPlace(row.place)})`);
    }
    for (const earlier of deploiements.slice(0, index)) {
      if (earlier.effet <= base.date || !earlier.rows) continue;
      for (const row of earlier.rows) {
        present.set(collegeKey(row), `par le déploiement ${quote(earlier.libelle)} (${describeRowPlace(row.place)})`);
      }
    }
    for (const row of d.rows) {
      const where = present.get(collegeKey(row));
      if (!where) continue;
      diagnostics.push({
        severity: 'error',
        ruleId: 'deploiement/already-present',
        message: `${describeCollege(row)} déjà doté d'un ALSES ${where} (attendu : un collège qui n'en a pas encore au ${frenchDate(d.effet)})`,
        place: row.place,
        field: 'college',
      });
    }
  });
}

/**
 * `deploiement/absent-from-etat`: by the state rule, an état dated on or after a deployment's
 * `effet` already includes it (the deployment is never added to it). So the first such état must
 * hold every deployed collège; otherwise those collèges vanish from every state from that état on
 * — typically a typo in `effet` (2019-07-10 for 2019-09-10) or an état copied from an older one.
 * One error per deployment, placed at its `effet` in dispositif.yaml.
 */
function checkDeploiementsInLaterEtats(
  etats: readonly ReadEtat[],
  deploiements: readonly ReadDeploiement[],
  diagnostics: Diagnostic[],
): void {
  for (const d of deploiements) {
    const etat = etats.find((e) => e.date >= d.effet);
    if (!etat?.rows || !d.rows || d.rows.length === 0) continue;
    const inEtat = new Set(etat.rows.map(collegeKey));
    const missing = d.rows.filter((row) => !inEtat.has(collegeKey(row)));
    if (missing.length === 0) continue;
    const name = (row: Affectation): string => `${row.commune} – ${row.college}`;
    const total = d.rows.length;
    const which =
      missing.length < total ? `${missing.length} de ses ${total} collèges` : total === 1 ? 'son collège' : `ses ${total} collèges`;
    const named =
      missing.length === 1 ? name(missing[0]!) : missing.length === 2 ? `${name(missing[0]!)} et ${name(missing[1]!)}` : `ex. ${name(missing[0]!)}`;
    const when = d.effet < etat.date ? 'avant' : 'le jour de';
    diagnostics.push({
      severity: 'error',
      ruleId: 'deploiement/absent-from-etat',
      message:
        `Déploiement ${guillemets(d.id)} effectif le ${frenchLongDate(d.effet)}, ${when} l'état du ${frenchLongDate(etat.date)} ` +
        `qui ne contient pas ${which} (${named}) (attendu : une date d'effet postérieure à l'état, ou ces collèges dans l'état)`,
      place: d.effetPlace,
      field: 'effet',
    });
  }
}

/** Folders never searched for unlisted files: hidden ones (.git…) and installed packages. */
const SKIPPED_FOLDERS = new Set(['node_modules']);

/**
 * `file/unlisted` (warning): a `.csv` file under the data folder that no `etats` or
 * `deploiements` entry names is not read — an état saved there but never declared leaves its
 * posts out of every report without a word. Hidden folders and `node_modules` are skipped.
 */
async function checkUnlistedFiles(dir: string, named: ReadonlySet<string>, diagnostics: Diagnostic[]): Promise<void> {
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) await walk(full);
      } else if (entry.isFile() && path.extname(entry.name).toLowerCase() === '.csv' && !named.has(full)) {
        const file = shown(full);
        diagnostics.push({
          severity: 'warning',
          ruleId: 'file/unlisted',
          message: `Fichier ${guillemets(file)} non déclaré dans ${DISPOSITIF_FILE} : il n'est pas lu (attendu : une entrée etats ou deploiements qui le nomme)`,
          place: { file },
        });
      }
    }
  };
  await walk(dir);
}

/**
 * `id/duplicate`: the values of `key` in the list `listKey` are unique (compared ignoring case,
 * accents and spaces). Returns the readable values, in file order, duplicates included once.
 */
function checkUnique(
  yaml: YamlFile,
  raw: Record<string, unknown> | undefined,
  listKey: string,
  key: string,
  what: string,
  diagnostics: Diagnostic[],
): string[] {
  const first = new Map<string, Place>();
  const values: string[] = [];
  items(raw, listKey).forEach((item, i) => {
    const value = asRecord(item)?.[key];
    if (typeof value !== 'string' || value.trim() === '') return;
    const folded = foldForComparison(value);
    const at = yaml.locate([listKey, i, key]);
    const previous = first.get(folded);
    if (previous) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'id/duplicate',
        message: `${what} ${quote(value)} en double dans ${quote(listKey)} : déjà ligne ${previous.line} (attendu : une valeur de ${quote(key)} unique)`,
        place: at,
        field: `${listKey}[${i}].${key}`,
      });
      return;
    }
    first.set(folded, at);
    values.push(value.trim());
  });
  return values;
}

/**
 * Reads a file; a missing one is `file/missing` and another failure `file/unreadable`, placed at
 * `place` (the YAML node naming the file, or the file itself).
 */
async function readBytes(
  absPath: string,
  place: Place,
  diagnostics: Diagnostic[],
  expected: string,
  named = shown(absPath),
): Promise<Uint8Array | undefined> {
  try {
    return await readFile(absPath);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    diagnostics.push({
      severity: 'error',
      ...(code === 'ENOENT'
        ? { ruleId: 'file/missing', message: `fichier ${quote(named)} introuvable : ${quote(shown(absPath))} n'existe pas (attendu : ${expected})` }
        : {
            ruleId: 'file/unreadable',
            message: `fichier ${quote(named)} illisible : ${quote(shown(absPath))} (${code ?? 'erreur inconnue'}) (attendu : ${expected})`,
          }),
      place,
    });
    return undefined;
  }
}

/** Builds the dataset from validated parts (called only when there is no error). */
function buildDataset(file: DispositifFile, etats: readonly ReadEtat[], deploiements: readonly ReadDeploiement[]): Dataset {
  return {
    collectivite: { nom: file.collectivite.nom, ...(file.collectivite.siret !== undefined ? { siret: file.collectivite.siret } : {}) },
    dispositif: { sigle: file.dispositif.sigle, nom: file.dispositif.nom },
    deliberations: file.deliberations.map((d) => ({
      id: d.id,
      date: d.date,
      ...(d.instance !== undefined ? { instance: d.instance } : {}),
      objet: d.objet,
      ...(d.matiere !== undefined ? { matiere: d.matiere } : {}),
    })),
    structuresPorteuses: file.structuresPorteuses.map((s) => ({ sigle: s.sigle, ...(s.nom !== undefined ? { nom: s.nom } : {}) })),
    objectifs: file.objectifs.map((o) => ({
      id: o.id,
      libelle: o.libelle,
      type: o.type,
      cible: o.cible,
      echeance: o.echeance,
      ...(o.depuis !== undefined ? { depuis: o.depuis } : {}),
      deliberations: o.deliberations,
    })),
    etats: etats.map((e): Etat => ({ date: e.date, file: e.file!, rows: e.rows! })),
    deploiements: deploiements.map(
      (d): Deploiement => ({ id: d.id, libelle: d.libelle, deliberation: d.deliberation, effet: d.effet, file: d.file!, rows: d.rows! }),
    ),
  };
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function items(record: Record<string, unknown> | undefined, key: string): unknown[] {
  const v = record?.[key];
  return Array.isArray(v) ? v : [];
}
