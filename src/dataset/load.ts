/**
 * Loads and validates the data folder (DESIGN.md, "Data contract"): `dispositif.yaml` and the
 * état and déploiement CSV files it names. Every problem is collected and returned at once as
 * diagnostics with their place; the dataset is built only when there is no error.
 * Rule ids and what they check: `DATASET_RULES` in `rules.ts`.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Place } from '../diagnostics.ts';
import { hasErrors, sortDiagnostics } from '../diagnostics.ts';
import { COLUMNS, collegeKey, describeCollege, toAffectations } from './affectations.ts';
import type { AffectationFileKind } from './affectations.ts';
import { readCsvTable } from './csv.ts';
import type { Affectation, Dataset, Deploiement, Etat, IsoDate } from './model.ts';
import { deploiementEntrySchema, dispositifSchema, etatEntrySchema } from './schema.ts';
import type { DispositifFile } from './schema.ts';
import { foldForComparison, frenchDate, quote } from './text.ts';
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

/** Path shown to users: relative to the working folder (`data/etats/2019-07-15.csv`). */
const shown = (absPath: string): string => path.relative(process.cwd(), absPath) || '.';

/**
 * Reads `<dataDir>/dispositif.yaml` and the CSV files it names, checks every rule, and builds the
 * `Dataset` (états sorted by date, déploiements by `effet`).
 *
 * Never throws for bad data: unreadable or missing files, YAML syntax, shapes (zod), references
 * (deliberation ids, files), CSV shape and values, duplicates and a deployed collège already
 * present all become `error` diagnostics (rule ids: `DATASET_RULES`). Only
 * programming errors throw.
 *
 * @param dataDir the data folder, e.g. `data` (relative to the working folder or absolute)
 */
export async function loadDataset(dataDir: string): Promise<LoadResult> {
  const dir = path.resolve(dataDir);
  const yamlPath = path.join(dir, DISPOSITIF_FILE);
  const yamlFile = shown(yamlPath);
  const diagnostics: Diagnostic[] = [];
  const done = (dataset?: Dataset): LoadResult => {
    const sorted = sortDiagnostics(diagnostics);
    return dataset && !hasErrors(sorted) ? { dataset, diagnostics: sorted } : { diagnostics: sorted };
  };

  const yamlBytes = await readBytes(yamlPath, { file: yamlFile }, diagnostics, `la description du dispositif (${DISPOSITIF_FILE}) dans le dossier de données`);
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

  // The CSV files of every readable entry.
  const readRows = async (kind: AffectationFileKind, fichier: string, at: YamlPath) => {
    const absPath = path.resolve(dir, fichier);
    const file = shown(absPath);
    const bytes = await readBytes(
      absPath,
      yaml.locate(at),
      diagnostics,
      `un fichier CSV existant, chemin relatif au dossier de ${DISPOSITIF_FILE}`,
      fichier,
    );
    if (!bytes) return undefined;
    const { table, diagnostics: csvDiagnostics } = readCsvTable(bytes, file, COLUMNS[kind]);
    diagnostics.push(...csvDiagnostics);
    if (!table) return undefined;
    const result = toAffectations(table, kind, sigles);
    diagnostics.push(...result.diagnostics);
    return { file, rows: result.rows };
  };
  const etats = await Promise.all(
    items(raw, 'etats').map(async (entry, i) => {
      const e = etatEntrySchema.safeParse(entry);
      if (!e.success) return undefined;
      const read = await readRows('etat', e.data.fichier, ['etats', i, 'fichier']);
      return { date: e.data.date, file: read?.file, rows: read?.rows };
    }),
  );
  const deploiements = await Promise.all(
    items(raw, 'deploiements').map(async (entry, i) => {
      const d = deploiementEntrySchema.safeParse(entry);
      if (!d.success) return undefined;
      const read = await readRows('deploiement', d.data.fichier, ['deploiements', i, 'fichier']);
      return { ...d.data, file: read?.file, rows: read?.rows };
    }),
  );
  const readEtats = etats.filter((e) => e !== undefined).sort(byDate);
  const readDeploiements = deploiements.filter((d) => d !== undefined).sort(byEffet);
  checkDeployedCollegesAreNew(readEtats, readDeploiements, diagnostics);

  if (!parsed.success || hasErrors(diagnostics)) return done();
  return done(buildDataset(parsed.data, readEtats, readDeploiements));
}

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
      present.set(collegeKey(row), `dans l'état du ${frenchDate(base.date)} (${base.file}, ligne ${row.place.line})`);
    }
    for (const earlier of deploiements.slice(0, index)) {
      if (earlier.effet <= base.date || !earlier.rows) continue;
      for (const row of earlier.rows) {
        present.set(collegeKey(row), `par le déploiement ${quote(earlier.libelle)} (${earlier.file}, ligne ${row.place.line})`);
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
    collectivite: { nom: file.collectivite.nom },
    dispositif: { sigle: file.dispositif.sigle, nom: file.dispositif.nom },
    deliberations: file.deliberations.map((d) => ({
      id: d.id,
      date: d.date,
      ...(d.instance !== undefined ? { instance: d.instance } : {}),
      objet: d.objet,
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
