/**
 * Loads and validates the data (DESIGN.md, "Data contract"): `dispositif.yaml` and the état and
 * déploiement tables it names — CSV files of a data folder, or sheets of an Excel workbook
 * (README, "Classeur Excel"). Every problem is collected and returned at once as diagnostics
 * with their place; the dataset is built only when there is no error.
 *
 * Readers are in `read/`, the rules by family in `rules/`; rule ids and what they check:
 * `DATASET_RULES` in `src/rules.ts`.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Place } from '../diagnostics.ts';
import { displayPath, hasErrors, sortDiagnostics } from '../diagnostics.ts';
import type { Dataset, Deploiement, Etat, Logo } from './model.ts';
import { readCsvTable } from './read/csv.ts';
import { addWorkbookEntries, placeInWorkbook, type WorkbookAdditions } from './read/dispositif-sheets.ts';
import type { Table } from './read/table.ts';
import type { Sheet, Workbook } from './read/xlsx.ts';
import { readSheetTable, readWorkbook } from './read/xlsx.ts';
import { isWorkbookPath } from './workbook-path.ts';
import { progress } from '../progress.ts';
import { readYaml, zodIssuesToDiagnostics } from './read/yaml.ts';
import type { YamlPath } from './read/yaml.ts';
import { COLUMNS, toAffectations } from './rules/affectations.ts';
import type { AffectationColumn, AffectationFileKind } from './rules/affectations.ts';
import { addOwnProblems, asRecord, checkCrossReferences, items } from './rules/cross-references.ts';
import { byDate, byEffet, checkDeploiementsAddNewColleges, checkDeploiementsInLaterEtats } from './rules/deploiements.ts';
import type { ReadDeploiement, ReadEtat } from './rules/deploiements.ts';
import { checkUnlistedFiles, insideFolder, outsideFolder, readBytes } from './rules/files.ts';
import { checkOtherSheets, findSheet, sortPlaces } from './rules/sheets.ts';
import type { TableEntry } from './rules/sheets.ts';
import { readLogo } from './rules/logo.ts';
import { checkSpellings } from './rules/spelling.ts';
import { deploiementEntrySchema, DISPOSITIF_FILE, dispositifSchema, etatEntrySchema, isIdentifier } from './schema.ts';
import type { DispositifFile } from './schema.ts';
import { quote } from './text.ts';
import { sha256 } from '../output/manifest.ts';
import { JOURNAL_FILE } from '../output/journal.ts';

export { DISPOSITIF_FILE };

/** The `dispositif.yaml` a valid dataset was loaded from, read and parsed once. */
export interface DispositifSource {
  /** Absolute path. */
  readonly path: string;
  /** Path as shown in diagnostics. */
  readonly file: string;
  /**
   * The file's bytes, as read — plus the entries a workbook adds (`added`); written as they are by
   * `alses import`.
   */
  readonly bytes: Uint8Array;
  /** One French line per entry the workbook added to the file (new états, optional sheets). */
  readonly added: readonly string[];
  /** SHA-256 (hex) of the file's bytes as read, before the workbook's additions. */
  readonly readSha256: string;
  /** Its validated content. */
  readonly value: DispositifFile;
}

/** Outcome of `loadDataset`: the dataset when there is no error, and every diagnostic found. */
export interface LoadResult {
  /** Present only if `diagnostics` holds no error. */
  readonly dataset?: Dataset;
  /** The dispositif.yaml read, present with `dataset` or `scoped`. */
  readonly dispositif?: DispositifSource;
  /**
   * When every error lies in some états or déploiements (their file, sheet or rows) or in some
   * catalogue documents (their entry of dispositif.yaml), and none elsewhere in dispositif.yaml:
   * the dataset without them, and those entries with their errors. A document that depends on
   * none of them can still be rendered, and the monthly report produced; `alses validate` still
   * fails.
   */
  readonly scoped?: { readonly dataset: Dataset; readonly faulty: readonly FaultyEntry[] };
  /** Errors and warnings, sorted by file, line, column. */
  readonly diagnostics: Diagnostic[];
  /**
   * SHA-256 (hex) of the bytes read from each data file (dispositif.yaml, CSV files, workbook),
   * by path as shown in messages: what the manifest records, never re-read later (issue 12).
   */
  readonly hashes: ReadonlyMap<string, string>;
}

/**
 * An état (by date), a déploiement (by id) whose own data has errors, or a catalogue document (by
 * id) whose entry in dispositif.yaml has errors (it is left out of the catalogue).
 */
export interface FaultyEntry {
  readonly kind: 'etat' | 'deploiement' | 'document';
  /** The état's date, the déploiement's id, or the document's id (`documents[i]` when it has none). */
  readonly key: string;
  /** Its errors (also in `LoadResult.diagnostics`). */
  readonly errors: readonly Diagnostic[];
}

/** Options of `loadDataset`. */
export interface LoadOptions {
  /**
   * The `dispositif.yaml` to use (default: the one in the data folder, or beside the workbook,
   * or in `base`).
   */
  readonly dispositif?: string;
  /**
   * For a workbook: the data folder it lies over (README, "Classeur Excel"). Its dispositif.yaml
   * is read when none is beside the workbook, and each état or déploiement without a sheet is
   * read from the folder's CSV file.
   */
  readonly base?: string;
  /**
   * The names of the templates. When dispositif.yaml has an error that keeps the dataset from
   * being built (and so the catalogue from being checked against the templates), each
   * `documents[].modele` that names none of them is reported all the same (`template/parameter`):
   * one error hides no other.
   */
  readonly modeles?: readonly string[];
}

/**
 * The error of a catalogue entry whose modèle is no template (`modeles`: the templates' names),
 * placed where dispositif.yaml names it (rule `template/parameter`).
 */
export function unknownModele(modele: string, document: string, modeles: readonly string[], place: Place): Diagnostic {
  return {
    severity: 'error',
    ruleId: 'template/parameter',
    message: `Modèle « ${modele} » du document « ${document} » introuvable (attendu : l'un de ${modeles.join(', ') || 'aucun'})`,
    place,
    actual: modele,
  };
}

const shown = displayPath;

export { isWorkbookPath } from './workbook-path.ts';

/**
 * Reads `dispositif.yaml` and the tables it names, checks every rule, and builds the `Dataset`
 * (états sorted by date, déploiements by `effet`).
 *
 * `dataPath` is either a data folder (`data/`: `dispositif.yaml` and the CSV files it names) or
 * an Excel workbook (`classeur.xlsx`: one sheet per état and per déploiement, `dispositif.yaml`
 * beside it unless `options.dispositif` says otherwise). A workbook may lie over a data folder
 * (`options.base`): then it needs sheets only for what changed, and dispositif.yaml is the
 * folder's when none is beside the workbook. A workbook's sheets may add entries to
 * dispositif.yaml (`read/dispositif-sheets.ts`), in memory: `dispositif.bytes` holds them.
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
  const base = workbookPath && options.base !== undefined ? path.resolve(options.base) : undefined;
  const beside = path.join(dir, DISPOSITIF_FILE);
  const yamlPath =
    options.dispositif !== undefined
      ? path.resolve(options.dispositif)
      : base !== undefined && !(await stat(beside).then((st) => st.isFile(), () => false))
        ? path.join(base, DISPOSITIF_FILE)
        : beside;
  const yamlFile = shown(yamlPath);
  const diagnostics: Diagnostic[] = [];
  const hashes = new Map<string, string>();
  /** `readBytes`, recording the SHA-256 of what it read. */
  const readFile = async (absPath: string, ...rest: Parameters<typeof readBytes> extends [string, ...infer R] ? R : never): Promise<Uint8Array | undefined> => {
    const bytes = await readBytes(absPath, ...rest);
    if (bytes) hashes.set(shown(absPath), sha256(bytes));
    return bytes;
  };
  let workbook: Workbook | undefined;
  // The loader's diagnostics in the entries a workbook added to dispositif.yaml (in memory), moved
  // to the rows and cells they come from.
  let relocate: (d: Diagnostic) => Diagnostic = (d) => d;
  const done = (dataset?: Dataset, dispositif?: DispositifSource, faulty: readonly FaultyEntry[] = []): LoadResult => {
    const sorted = sortPlaces(sortDiagnostics(diagnostics.map(relocate)), workbook);
    if (!dataset || !dispositif) return { diagnostics: sorted, hashes };
    return hasErrors(sorted) ? { dispositif, scoped: { dataset, faulty }, diagnostics: sorted, hashes } : { dataset, dispositif, diagnostics: sorted, hashes };
  };

  // A publication into the data folder (alses import, a yearly job) killed between its renames
  // left it half replaced: new and old files side by side, each valid, the whole not what anyone
  // wrote. Its journal says so; read as is, it gave documents and monthly reports from that mix
  // (issue 12). `loadInputs` repairs it first when it can.
  for (const folder of new Set([workbookPath ? undefined : resolved, base].filter((f): f is string => f !== undefined))) {
    const journal = path.join(folder, JOURNAL_FILE);
    if (await stat(journal).then(() => true, () => false))
      diagnostics.push({
        severity: 'error',
        ruleId: 'data/interrupted',
        message: `écriture dans le dossier de données ${quote(shown(folder))} en cours, ou interrompue (journal ${quote(JOURNAL_FILE)}) : ses fichiers sont peut-être en partie anciens, en partie nouveaux ; ils ne sont pas utilisés (attendu : un dossier complet ; la prochaine commande qui peut écrire dans ce dossier — alses import, alses document ajouter, alses render… — mène l'écriture à son terme ou l'annule)`,
        place: { file: shown(journal) },
      });
  }

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
    const bytes = await readFile(workbookPath, { file: shown(workbookPath) }, diagnostics, 'un classeur Excel .xlsx');
    if (bytes) {
      const read = await readWorkbook(bytes, shown(workbookPath));
      diagnostics.push(...read.diagnostics);
      workbook = read.workbook;
    }
  }

  const yamlWhere =
    workbookPath && options.dispositif === undefined
      ? base !== undefined
        ? `à côté du classeur ou dans le dossier ${quote(shown(base))}`
        : 'à côté du classeur'
      : 'dans le dossier de données';
  // The dispositif.yaml found by itself (not named by --dispositif) lies in its folder: a link
  // leading out of it is not read (issue 12: its content would be quoted in messages).
  if (options.dispositif === undefined && !(await insideFolder(path.dirname(yamlPath), yamlPath))) {
    diagnostics.push({
      severity: 'error',
      ruleId: 'file/outside',
      message: `${quote(yamlFile)} est un lien symbolique qui sort du dossier de données : il n'est pas lu (attendu : le fichier ${DISPOSITIF_FILE} lui-même, dans le dossier)`,
      place: { file: yamlFile },
    });
    return done();
  }
  const readYamlBytes = await readFile(yamlPath, { file: yamlFile }, diagnostics, `la description du dispositif (${DISPOSITIF_FILE}) ${yamlWhere}`);
  if (!readYamlBytes) return done();
  // What the workbook's sheets add to dispositif.yaml (new états, optional sheets), in memory.
  let yamlBytes: Uint8Array = readYamlBytes;
  let added: readonly string[] = [];
  const usedSheets = new Set<Sheet>();
  let rejected: WorkbookAdditions['rejected'] = [];
  if (workbook) {
    const additions = addWorkbookEntries(workbook, new TextDecoder().decode(readYamlBytes), yamlFile);
    diagnostics.push(...additions.diagnostics);
    for (const sheet of additions.used) usedSheets.add(sheet);
    added = additions.added;
    rejected = additions.rejected;
    if (added.length > 0) {
      yamlBytes = new TextEncoder().encode(additions.text);
      relocate = placeInWorkbook(additions.text, yamlFile, additions.origins);
    }
  }
  const { yaml, diagnostics: yamlDiagnostics } = readYaml(new TextDecoder().decode(yamlBytes), yamlFile);
  diagnostics.push(...yamlDiagnostics);
  if (!yaml) return done();

  const parsed = dispositifSchema.safeParse(yaml.value, { reportInput: true });
  /** The problems of each catalogue document (by index): they block only that document. */
  const documentProblems = new Map<number, Diagnostic[]>();
  const ownedByDocument = (i: number, found: readonly Diagnostic[]): void => addOwnProblems(documentProblems, i, found);
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const found = zodIssuesToDiagnostics([issue], yaml, dispositifSchema);
    diagnostics.push(...found);
    const [list, index] = issue.path;
    if (list === 'documents' && typeof index === 'number') ownedByDocument(index, found);
  }

  // Cross-references are checked on whatever is readable, so that one bad entry hides nothing else.
  const raw = asRecord(yaml.value);
  const references = checkCrossReferences(yaml, diagnostics);
  const { sigles } = references;
  for (const [i, found] of references.documents) ownedByDocument(i, found);
  // dispositif.yaml without its faulty catalogue documents, when they hold its only shape errors.
  const withoutFaulty = <T extends { documents: unknown[] }>(value: T): T => ({ ...value, documents: value.documents.filter((_, i) => !documentProblems.has(i)) });
  const data = parsed.success
    ? withoutFaulty(parsed.data)
    : parsed.error.issues.every((issue) => issue.path[0] === 'documents' && typeof issue.path[1] === 'number')
      ? dispositifSchema.safeParse(withoutFaulty({ ...raw, documents: items(raw, 'documents') })).data
      : undefined;

  // The table of every readable entry: a CSV file of the folder, or a sheet of the workbook (or,
  // over a data folder, the folder's CSV file when the workbook has no sheet for it).
  // Each entry's problems go to its own list first (entries are read concurrently).
  const readRows = async (kind: AffectationFileKind, entry: TableEntry, at: YamlPath, diagnostics: Diagnostic[]) => {
    let read: { table?: Table<AffectationColumn>; diagnostics: Diagnostic[] };
    let file: string;
    let sheetName: string | undefined;
    const sheetProblems: Diagnostic[] = [];
    const sheet = workbook ? findSheet(workbook, kind, entry, yaml.locate(at), sheetProblems, usedSheets) : undefined;
    const fromBase = workbook !== undefined && !sheet && base !== undefined && sheetProblems.every((d) => d.ruleId === 'xlsx/missing-sheet');
    if (workbookPath && !fromBase) {
      diagnostics.push(...sheetProblems);
      if (!workbook || !sheet) return undefined;
      usedSheets.add(sheet);
      sheetName = sheet.name;
      file = workbook.file;
      read = readSheetTable(sheet, file, COLUMNS[kind], 'etp');
    } else {
      const folder = fromBase ? base! : dir;
      const absPath = path.resolve(folder, entry.fichier);
      file = shown(absPath);
      const outside = await outsideFolder(folder, absPath, entry.fichier, yaml.locate([...at, 'fichier']));
      if (outside) {
        diagnostics.push(outside);
        return undefined;
      }
      // Neither a sheet in the workbook nor a file in the data folder (a new déploiement whose
      // sheet was forgotten): the sheet is what is missing, with the columns it takes.
      if (fromBase && !(await stat(absPath).then(() => true, () => false))) {
        const columns = COLUMNS[kind].filter((c) => c.required).map((c) => quote(c.libelle)).join(', ');
        diagnostics.push(
          ...sheetProblems.map((d) => ({ ...d, message: d.message.replace(/\)$/, ` ; ni fichier ${quote(entry.fichier)} dans ${quote(shown(folder))} : ajoutez au classeur la feuille, avec une ligne d'en-tête ${columns})`) })),
        );
        return undefined;
      }
      const bytes = await readFile(
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
    return { file, sheet: sheetName, rows: result.rows, identities: result.identities };
  };
  /** Each read entry, its own problems, and where its rows are (to place cross-file problems). */
  const owned: { kind: FaultyEntry['kind']; key: string; own: Diagnostic[]; file?: string | undefined; sheet?: string | undefined }[] = [];
  /** Reads the table of entry `i` of a list; its problems are its own (`owned`). */
  const entries = items(raw, 'etats').length + items(raw, 'deploiements').length;
  let rowsRead = 0;
  progress.start('Lecture des données', entries, 'fichiers');
  const readEntry = async <T extends TableEntry>(kind: AffectationFileKind, list: 'etats' | 'deploiements', i: number, entry: T, key: string) => {
    const own: Diagnostic[] = [];
    const read = await readRows(kind, entry, [list, i], own);
    owned.push({ kind, key, own, file: read?.file, sheet: read?.sheet });
    rowsRead += read?.rows.length ?? 0;
    progress.update(owned.length, `${rowsRead.toLocaleString('fr-FR')} lignes lues`);
    return { ...entry, source: read?.file, rows: read?.rows, identities: read?.identities };
  };
  const etats = await Promise.all(
    items(raw, 'etats').map(async (entry, i) => {
      const e = etatEntrySchema.safeParse(entry);
      return e.success ? readEntry('etat', 'etats', i, e.data, e.data.date) : undefined;
    }),
  );
  const deploiements = await Promise.all(
    items(raw, 'deploiements').map(async (entry, i) => {
      const d = deploiementEntrySchema.safeParse(entry);
      if (d.success) return { ...(await readEntry('deploiement', 'deploiements', i, d.data, d.data.id)), effetPlace: yaml.locate(['deploiements', i, 'effet']) };
      // An entry with an error elsewhere (its effet date…): its table is read all the same, so
      // that its own problems come with the entry's, not once the date is fixed. Not used further.
      const { id, fichier, libelle } = asRecord(entry) ?? {};
      if (typeof id === 'string' && isIdentifier(id) && typeof fichier === 'string')
        await readEntry('deploiement', 'deploiements', i, { id, fichier, libelle: typeof libelle === 'string' ? libelle : id }, id);
      return undefined;
    }),
  );
  progress.stop();
  for (const o of owned) diagnostics.push(...o.own);
  const readEtats = etats.filter((e) => e !== undefined).sort(byDate);
  const readDeploiements = deploiements.filter((d) => d !== undefined).sort(byEffet);
  const crossFile: Diagnostic[] = [];
  checkDeploiementsAddNewColleges(readEtats, readDeploiements, crossFile);
  checkDeploiementsInLaterEtats(readEtats, readDeploiements, crossFile);
  diagnostics.push(...crossFile);
  for (const d of crossFile) owned.find((o) => o.file === d.place?.file && (o.sheet === undefined || o.sheet === d.place?.sheet))?.own.push(d);
  diagnostics.push(...checkSpellings([...readEtats, ...readDeploiements].map((t) => t.rows ?? [])));
  // The sheet of a new déploiement whose row of the « Déploiements » sheet has an error: its table
  // is checked all the same (rows, duplicates, TOTAL), rather than reported as an unused sheet.
  for (const r of workbook ? rejected : []) {
    const sheet = findSheet(workbook!, 'deploiement', { id: r.id, libelle: r.libelle, fichier: `deploiements/${r.id}.csv` }, { file: workbook!.file }, []);
    if (!sheet || usedSheets.has(sheet)) continue;
    usedSheets.add(sheet);
    const read = readSheetTable(sheet, workbook!.file, COLUMNS.deploiement, 'etp');
    diagnostics.push(...read.diagnostics);
    if (read.table) diagnostics.push(...toAffectations(read.table, 'deploiement', sigles).diagnostics);
  }
  if (workbook) checkOtherSheets(workbook, usedSheets, diagnostics);
  else if (raw && !workbookPath) {
    const named = [...items(raw, 'etats'), ...items(raw, 'deploiements')]
      .map((entry) => asRecord(entry)?.['fichier'])
      .filter((f): f is string => typeof f === 'string')
      .map((f) => path.resolve(dir, f));
    await checkUnlistedFiles(dir, new Set(named), diagnostics);
  }

  const logoFile = data?.collectivite.logo;
  // The logo lies beside the dispositif.yaml that names it (for a workbook over a data folder
  // without one beside it: in that folder).
  const logo = logoFile === undefined ? undefined : await readLogo(path.dirname(yamlPath), logoFile, yaml.locate(['collectivite', 'logo']), diagnostics, readFile);
  // The modèle of a catalogue document the renderer will not see (the whole file or that document
  // has another error) is checked here, so that one error hides no other.
  const documentId = (i: number): string => {
    const id = asRecord(items(raw, 'documents')[i])?.['id'];
    return typeof id === 'string' ? id : `documents[${i}]`;
  };
  if (options.modeles) {
    const modeles = options.modeles;
    items(raw, 'documents').forEach((entry, i) => {
      const modele = asRecord(entry)?.['modele'];
      if ((data === undefined || documentProblems.has(i)) && typeof modele === 'string' && !modeles.includes(modele)) {
        const problem = unknownModele(modele, documentId(i), modeles, yaml.locate(['documents', i, 'modele']));
        diagnostics.push(problem);
        ownedByDocument(i, [problem]);
      }
    });
  }
  if (!data) return done();
  const source = { path: yamlPath, file: yamlFile, bytes: yamlBytes, added, readSha256: sha256(readYamlBytes), value: data };
  if (!hasErrors(diagnostics)) return done(buildDataset(data, readEtats, readDeploiements, logo), source as DispositifSource);
  // Errors only in some états, déploiements or catalogue documents: the dataset of the others (see `LoadResult.scoped`).
  const faulty = [
    ...owned.filter((o) => hasErrors(o.own)).map((o): FaultyEntry => ({ kind: o.kind, key: o.key, errors: o.own.filter((d) => d.severity === 'error') })),
    ...[...documentProblems].sort(([a], [b]) => a - b).map(([i, found]): FaultyEntry => ({ kind: 'document', key: documentId(i), errors: found.filter((d) => d.severity === 'error') })).filter((f) => f.errors.length > 0),
  ];
  const placed = new Set(faulty.flatMap((f) => f.errors));
  if (diagnostics.some((d) => d.severity === 'error' && !placed.has(d))) return done();
  const isFaulty = (kind: FaultyEntry['kind'], key: string): boolean => faulty.some((f) => f.kind === kind && f.key === key);
  const dataset = buildDataset(
    data,
    readEtats.filter((e) => !isFaulty('etat', e.date)),
    readDeploiements.filter((d) => !isFaulty('deploiement', d.id)),
    logo,
  );
  return done(dataset, source as DispositifSource, faulty);
}

/** Builds the dataset from validated parts (called only when there is no error). */
function buildDataset(file: DispositifFile, etats: readonly ReadEtat[], deploiements: readonly ReadDeploiement[], logo?: Logo): Dataset {
  const { collectivite, dispositif, deliberations, structuresPorteuses, objectifs, documents } = file;
  return {
    ...(logo ? { logo } : {}),
    collectivite,
    dispositif,
    deliberations,
    structuresPorteuses,
    objectifs,
    documents,
    etats: etats.map(({ source, rows, identities: _, ...entry }): Etat => ({ ...entry, source: source!, rows: rows! })),
    deploiements: deploiements.map(({ source, rows, identities: _i, effetPlace: _, ...entry }): Deploiement => ({ ...entry, source: source!, rows: rows! })),
  };
}
