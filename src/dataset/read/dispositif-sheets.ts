/**
 * What a workbook adds to `dispositif.yaml` (README, "Classeur Excel"): staff keep their
 * workbook as they like, and a sheet may carry what dispositif.yaml does not list yet.
 *
 * - A visible sheet `État AAAA-MM-JJ` (or `AAAA-MM-JJ`) whose date is no état of dispositif.yaml
 *   is a new état, registered with `fichier: etats/<date>.csv`.
 * - Optional sheets « Délibérations » (Id;Date;Objet;Instance;Numéro), « Structures porteuses »
 *   (Sigle;Nom) and « Déploiements » (Id;Libellé;Délibération;Effet): a row whose id (sigle) is not
 *   in dispositif.yaml is added to it; a row that differs from the entry already there is a
 *   warning (`xlsx/dispositif-mismatch`) and dispositif.yaml is kept: it is never rewritten
 *   silently.
 *
 * Entries are added with `addToDispositif`, so the file's comments and order are kept.
 */
import { MAX_YAML_ALIASES } from './yaml.ts';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { formatShortDate, isIsoDate } from '../../dates.ts';
import type { Diagnostic, Place } from '../../diagnostics.ts';
import { AlsesError } from '../../errors.ts';
import { addToDispositif, DISPOSITIF_LISTS, type DispositifList } from '../dispositif-edit.ts';
import { DISPOSITIF_FILE, IDENTIFIER_EXPECTED, isIdentifier } from '../schema.ts';
import { foldForComparison, quote } from '../text.ts';
import type { Cell, ColumnSpec, TableRow } from './table.ts';
import type { Sheet, Workbook } from './xlsx.ts';
import { readSheetTable } from './xlsx.ts';

/** Names of the optional sheets (compared ignoring case, accents and spaces). */
export const DISPOSITIF_SHEETS = {
  deliberations: 'Délibérations',
  structuresPorteuses: 'Structures porteuses',
  deploiements: 'Déploiements',
} as const;

/** What a workbook adds to a dispositif.yaml text. */
export interface WorkbookAdditions {
  /** The dispositif.yaml text with the new entries (the text as given when there is none). */
  readonly text: string;
  /** One French line per added entry, e.g. « état au 15/07/2020 (etats/2020-07-15.csv) ». */
  readonly added: readonly string[];
  /** The optional sheets read (not to be reported as unused). */
  readonly used: ReadonlySet<Sheet>;
  /** Errors of the optional sheets, and their rows that differ from dispositif.yaml (warnings). */
  readonly diagnostics: Diagnostic[];
  /**
   * New déploiements of the `Déploiements` sheet not added for an error in their row (a date
   * that does not exist, an unknown délibération…): their `Déploiement <id>` sheet is still
   * checked on its own, so that its problems come in the same run.
   */
  readonly rejected: readonly { readonly id: string; readonly libelle: string }[];
  /**
   * Where each added entry comes from (its row, or its sheet for an état), so that what the
   * loader finds wrong with it is reported there (`placeInWorkbook`), not in a dispositif.yaml
   * that holds it only in memory.
   */
  readonly origins: readonly EntryOrigin[];
}

/** Where an entry the workbook added to dispositif.yaml comes from. */
export interface EntryOrigin {
  readonly list: DispositifList;
  /** The entry's identifier (`DISPOSITIF_LISTS`: id, sigle or date). */
  readonly id: string;
  /** Its row (first cell) or its sheet. */
  readonly place: Place;
  /** The cell of each of its keys read from a cell. */
  readonly cells: Readonly<Record<string, Place>>;
}

type DeliberationColumn = 'id' | 'date' | 'objet' | 'instance' | 'numero';
type StructureColumn = 'sigle' | 'nom';
type DeploiementColumn = 'id' | 'libelle' | 'deliberation' | 'effet';

const col = <K extends string>(key: K, libelle: string, required: boolean, aliases: string[] = []): ColumnSpec<K> => ({ key, libelle, aliases, required });

const DELIBERATION_COLUMNS: readonly ColumnSpec<DeliberationColumn>[] = [
  col('id', 'Id', false, ['Identifiant']),
  col('date', 'Date', true),
  col('objet', 'Objet', true),
  col('instance', 'Instance', false),
  col('numero', 'Numéro', false, ['N°']),
];
const STRUCTURE_COLUMNS: readonly ColumnSpec<StructureColumn>[] = [col('sigle', 'Sigle', true, ['Structure porteuse']), col('nom', 'Nom', false)];
const DEPLOIEMENT_COLUMNS: readonly ColumnSpec<DeploiementColumn>[] = [
  col('id', 'Id', true, ['Identifiant']),
  col('libelle', 'Libellé', true),
  col('deliberation', 'Délibération', true),
  col('effet', 'Effet', true, ["Date d'effet"]),
];

/** The sheet name of a new état: `État 2020-07-15`, `Etat 2020-07-15` or `2020-07-15`. */
const ETAT_SHEET_NAME = /^(?:[ée]tat\s+)?(\d{4}-\d{2}-\d{2})$/iu;

/**
 * Adds to `text` (a dispositif.yaml) what the workbook holds and it does not: new états, and the
 * new rows of the optional sheets. A text that is not valid YAML is returned as is (the loader
 * reports it).
 * @param yamlFile dispositif.yaml as shown in messages.
 */
export function addWorkbookEntries(workbook: Workbook, text: string, yamlFile: string): WorkbookAdditions {
  const diagnostics: Diagnostic[] = [];
  const used = new Set<Sheet>();
  const added: string[] = [];
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { text, added, used, diagnostics, rejected: [], origins: [] };
  let current: Record<string, unknown> | null;
  try {
    current = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES }) as Record<string, unknown> | null;
  } catch {
    return { text, added, used, diagnostics, rejected: [], origins: [] }; // aliases beyond the limit: the loader reports them
  }
  const list = (name: string): Record<string, unknown>[] => {
    const items = current?.[name];
    return Array.isArray(items) ? items.filter((i): i is Record<string, unknown> => i !== null && typeof i === 'object') : [];
  };
  let next = text;
  const origins: EntryOrigin[] = [];
  const add = (name: DispositifList, entry: Record<string, unknown>, line: string, from: TableRow<string> | Place): void => {
    try {
      next = addToDispositif(next, yamlFile, name, entry);
      added.push(line);
      const row = 'cells' in from ? from : undefined;
      const cells = Object.fromEntries(Object.keys(entry).flatMap((key) => (row?.cells[key] ? [[key, row.cells[key].place]] : [])));
      origins.push({ list: name, id: String(entry[DISPOSITIF_LISTS[name]]), place: row ? row.place : (from as Place), cells });
    } catch (err) {
      if (!(err instanceof AlsesError)) throw err;
      diagnostics.push({ severity: 'error', ruleId: 'yaml/schema', message: err.message, place: { file: yamlFile } });
    }
  };
  const sheetNamed = (name: string): Sheet | undefined =>
    workbook.sheets.find((s) => s.visibility === 'visible' && foldForComparison(s.name) === foldForComparison(name));

  // Délibérations first: the déploiements added below may cite them.
  const deliberationIds = new Set(list('deliberations').map((d) => String(d['id'])));
  /** The ids of the délibérations of each date (dispositif.yaml's, then the sheet's). */
  const idsByDate = new Map<string, string[]>();
  const dated = (date: string, id: string): void => void idsByDate.set(date, [...(idsByDate.get(date) ?? []), id]);
  for (const d of list('deliberations')) dated(String(d['date']), String(d['id']));
  const deliberationSheet = sheetNamed(DISPOSITIF_SHEETS.deliberations);
  if (deliberationSheet) {
    used.add(deliberationSheet);
    for (const row of tableRows(deliberationSheet, workbook.file, DELIBERATION_COLUMNS, diagnostics)) {
      const date = requiredDate(row, 'date', 'Date', diagnostics);
      const objet = required(row, 'objet', 'Objet', diagnostics);
      if (date === undefined || objet === undefined) continue;
      // A délibération's id is its date, AAAA-MM-JJ: an Id typed as a date (a date cell shows
      // 28/06/2021) is that date (trial finding: `id: 28/06/2021` was written to dispositif.yaml).
      const typedId = value(row, 'id');
      const id = typedId === undefined ? date : (isoOfFrenchDate(typedId) ?? typedId);
      const entry = { id, date, objet, instance: value(row, 'instance'), numero: value(row, 'numero') };
      const existing = list('deliberations').find((d) => String(d['id']) === id);
      if (existing) mismatch(existing, entry, row, `la délibération ${quote(id)}`, diagnostics);
      else if (!deliberationIds.has(id)) {
        deliberationIds.add(id);
        dated(date, id);
        add('deliberations', entry, `délibération ${quote(id)} du ${formatShortDate(date)} : ${objet}`, row);
      }
    }
  }

  const structureSheet = sheetNamed(DISPOSITIF_SHEETS.structuresPorteuses);
  if (structureSheet) {
    used.add(structureSheet);
    const sigles = new Set(list('structuresPorteuses').map((s) => foldForComparison(String(s['sigle']))));
    for (const row of tableRows(structureSheet, workbook.file, STRUCTURE_COLUMNS, diagnostics)) {
      const sigle = required(row, 'sigle', 'Sigle', diagnostics);
      if (sigle === undefined) continue;
      const entry = { sigle, nom: value(row, 'nom') };
      const existing = list('structuresPorteuses').find((s) => foldForComparison(String(s['sigle'])) === foldForComparison(sigle));
      if (existing) mismatch(existing, { nom: entry.nom }, row, `la structure porteuse ${quote(sigle)}`, diagnostics);
      else if (!sigles.has(foldForComparison(sigle))) {
        sigles.add(foldForComparison(sigle));
        add('structuresPorteuses', entry, `structure porteuse ${quote(sigle)}${entry.nom ? ` (${entry.nom})` : ''}`, row);
      }
    }
  }

  const rejected: { id: string; libelle: string }[] = [];
  const deploiementSheet = sheetNamed(DISPOSITIF_SHEETS.deploiements);
  if (deploiementSheet) {
    used.add(deploiementSheet);
    const ids = new Set(list('deploiements').map((d) => String(d['id'])));
    for (const row of tableRows(deploiementSheet, workbook.file, DEPLOIEMENT_COLUMNS, diagnostics)) {
      const id = required(row, 'id', 'Id', diagnostics);
      const libelle = required(row, 'libelle', 'Libellé', diagnostics);
      // The délibération by its id, or by its date as a spreadsheet shows it (typed 05/07/2027,
      // or 2027-07-05 turned into a date cell): the one délibération of that date.
      const typed = required(row, 'deliberation', 'Délibération', diagnostics);
      const asDate = typed === undefined || deliberationIds.has(typed) ? undefined : isoOfFrenchDate(typed);
      const deliberation = asDate !== undefined && idsByDate.get(asDate)?.length === 1 ? idsByDate.get(asDate)![0]! : typed;
      const effet = requiredDate(row, 'effet', 'Effet', diagnostics);
      const isNew = id !== undefined && /^[a-z0-9][a-z0-9-]*$/.test(id) && !ids.has(id);
      if (id === undefined || libelle === undefined || deliberation === undefined || effet === undefined) {
        if (isNew) rejected.push({ id, libelle: libelle ?? id });
        continue;
      }
      const existing = list('deploiements').find((d) => String(d['id']) === id);
      if (existing) {
        mismatch(existing, { libelle, deliberation, effet }, row, `le déploiement ${quote(id)}`, diagnostics);
        continue;
      }
      if (ids.has(id)) continue;
      if (!isIdentifier(id)) {
        cellError(row.cells.id!, `identifiant de déploiement ${quote(id)} invalide (attendu : ${IDENTIFIER_EXPECTED}, ex. rentree-2020)`, diagnostics);
        continue;
      }
      if (!deliberationIds.has(deliberation)) {
        diagnostics.push({
          severity: 'error',
          ruleId: 'deliberation/unknown',
          message: `délibération ${quote(deliberation)} du déploiement ${quote(id)} inconnue (attendu : l'id d'une délibération de ${DISPOSITIF_FILE} ou de la feuille « ${DISPOSITIF_SHEETS.deliberations} » : ${[...deliberationIds].join(', ') || 'aucune'})`,
          place: row.cells.deliberation!.place,
          actual: deliberation,
        });
        rejected.push({ id, libelle });
        continue;
      }
      ids.add(id);
      const fichier = `deploiements/${id}.csv`;
      add('deploiements', { id, libelle, fichier, deliberation, effet }, `déploiement ${quote(id)} (${libelle}), effectif le ${formatShortDate(effet)} (${fichier})`, row);
    }
  }

  // New états: sheets named by a date that dispositif.yaml does not list yet, in tab order.
  const dates = new Set(list('etats').map((e) => String(e['date'])));
  for (const sheet of workbook.sheets) {
    const date = ETAT_SHEET_NAME.exec(sheet.name.trim())?.[1];
    if (sheet.visibility !== 'visible' || sheet.filledCells === 0 || date === undefined || !isIsoDate(date) || dates.has(date)) continue;
    dates.add(date);
    const fichier = `etats/${date}.csv`;
    add('etats', { date, fichier }, `état au ${formatShortDate(date)} (${fichier}), feuille ${quote(sheet.name)}`, { file: workbook.file, sheet: sheet.name });
  }
  return { text: next, added, used, diagnostics, rejected, origins };
}

/**
 * Moves the diagnostics that the loader placed in the added entries of `text` (dispositif.yaml
 * with the workbook's additions, in memory: `WorkbookAdditions.text`) to where those entries come
 * from: the cell of the key at that line, else the entry's row or sheet. Other diagnostics are
 * returned as they are.
 * @param yamlFile dispositif.yaml as shown in messages (the file of the places to move).
 */
export function placeInWorkbook(text: string, yamlFile: string, origins: readonly EntryOrigin[]): (d: Diagnostic) => Diagnostic {
  if (origins.length === 0) return (d) => d;
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const lineOf = (offset: number): number => lines.linePos(offset).line;
  const spans = origins.flatMap((origin) => {
    const seq = doc.get(origin.list, true);
    if (!isSeq(seq)) return [];
    const item = seq.items.find((i) => isMap(i) && String(i.get(DISPOSITIF_LISTS[origin.list])) === origin.id);
    if (!isMap(item) || !item.range) return [];
    const keys = new Map<number, Place>();
    for (const pair of item.items) {
      const key = String((pair.key as { value?: unknown } | null)?.value);
      const range = (pair.value as { range?: [number, number, number] } | null)?.range;
      const cell = origin.cells[key];
      if (cell && range) keys.set(lineOf(range[0]), cell);
    }
    return [{ first: lineOf(item.range[0]), last: lineOf(Math.max(item.range[0], item.range[1] - 1)), origin, keys }];
  });
  return (d) => {
    const line = d.place?.file === yamlFile ? d.place.line : undefined;
    const span = line === undefined ? undefined : spans.find((s) => line >= s.first && line <= s.last);
    return span ? { ...d, place: span.keys.get(line!) ?? span.origin.place } : d;
  };
}

/** The data rows of an optional sheet (its shape problems reported). */
function tableRows<K extends string>(sheet: Sheet, file: string, specs: readonly ColumnSpec<K>[], diagnostics: Diagnostic[]): readonly TableRow<K>[] {
  const read = readSheetTable(sheet, file, specs);
  diagnostics.push(...read.diagnostics);
  return read.table?.rows ?? [];
}

/** A cell's text, `undefined` when the column is absent or the cell blank. */
function value<K extends string>(row: TableRow<K>, key: K): string | undefined {
  const v = row.cells[key]?.value.trim();
  return v === undefined || v === '' ? undefined : v;
}

function cellError(cell: Cell, message: string, diagnostics: Diagnostic[]): void {
  diagnostics.push({ severity: 'error', ruleId: 'xlsx/required', message, place: cell.place });
}

/** A required cell's text; blank is an `xlsx/required` error. */
function required<K extends string>(row: TableRow<K>, key: K, header: string, diagnostics: Diagnostic[]): string | undefined {
  const v = value(row, key);
  if (v === undefined) cellError(row.cells[key] ?? { value: '', place: row.place }, `colonne ${quote(header)} vide (attendu : une valeur sur chaque ligne)`, diagnostics);
  return v;
}

/** « 06/07/2020 » or « 2020-07-06 » as an ISO date, if it is one; else undefined. */
function isoOfFrenchDate(v: string): string | undefined {
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  const iso = french ? `${french[3]}-${french[2]!.padStart(2, '0')}-${french[1]!.padStart(2, '0')}` : v;
  return isIsoDate(iso) ? iso : undefined;
}

/**
 * A required date cell as an ISO date: typed as a date in the workbook (shown 06/07/2020) or
 * written AAAA-MM-JJ. Anything else is a `date/invalid` error.
 */
function requiredDate<K extends string>(row: TableRow<K>, key: K, header: string, diagnostics: Diagnostic[]): string | undefined {
  const v = required(row, key, header, diagnostics);
  if (v === undefined) return undefined;
  const iso = isoOfFrenchDate(v);
  if (iso !== undefined) return iso;
  diagnostics.push({
    severity: 'error',
    ruleId: 'date/invalid',
    message: `date ${quote(v)} invalide (attendu : une date du calendrier, ex. 06/07/2020 ou 2020-07-06)`,
    place: row.cells[key]!.place,
    actual: v,
  });
  return undefined;
}

/**
 * `xlsx/dispositif-mismatch` (warning) for each field of `sheet` that differs from the entry of
 * dispositif.yaml; a blank cell and an absent key are the same, a column the sheet lacks is not
 * compared.
 */
function mismatch(yaml: Record<string, unknown>, sheet: Record<string, string | undefined>, row: TableRow<string>, what: string, diagnostics: Diagnostic[]): void {
  const differences = Object.entries(sheet).flatMap(([key, now]) => {
    if (!(key in row.cells)) return []; // a column the sheet does not have
    const was = yaml[key] === undefined || yaml[key] === null ? undefined : String(yaml[key]);
    return (was ?? '') === (now ?? '') ? [] : [`${key} ${quote(was ?? '')} dans ${DISPOSITIF_FILE}, ${quote(now ?? '')} dans le classeur`];
  });
  if (differences.length === 0) return;
  const place: Place = row.place;
  diagnostics.push({
    severity: 'warning',
    ruleId: 'xlsx/dispositif-mismatch',
    message: `${what} diffère : ${differences.join(' ; ')} — ${DISPOSITIF_FILE} est gardé tel quel (attendu : la même valeur ; pour la changer, modifiez ${DISPOSITIF_FILE})`,
    place,
  });
}
