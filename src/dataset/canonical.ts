/**
 * The canonical data folder (README, "Les données"): what `alses import` writes from a workbook
 * or from CSV files as Excel exports them. `dispositif.yaml` is copied as is (comments kept), with
 * the entries a workbook adds to it;
 * the collectivité's logo is copied as is, at the path `collectivite.logo` names;
 * each état and déploiement becomes a CSV file at the path its entry names: UTF-8 without BOM,
 * LF, ";" separator, decimal comma, canonical headers, values as validated (declared sigle of
 * the structure porteuse, "REP+", UAI and code INSEE in capitals), no TOTAL row.
 */
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Options as StringifyOptions } from 'csv-stringify/sync';
import type { Diagnostic } from '../diagnostics.ts';
import { displayPath, hasErrors } from '../diagnostics.ts';
import { decimalComma } from '../format.ts';
import type { DispositifSource, LoadOptions } from './load.ts';
import { isWorkbookPath, loadDataset } from './load.ts';
import type { Affectation, Dataset } from './model.ts';
import { structurePorteuseLibelle } from './model.ts';
import { CSV_DELIMITER } from './read/csv.ts';
import { DISPOSITIF_FILE } from './schema.ts';
import { quote } from './text.ts';

/** A file to write: its path and bytes (as `src/output.ts` writes them). */
export interface CanonicalFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  /** `true` for a file copied as it is, not text (the logo). */
  readonly copied?: boolean;
  /** For an état's or a déploiement's CSV: which (its columns). */
  readonly kind?: 'etat' | 'deploiement';
  /** For an état's CSV: its date. */
  readonly date?: string;
}

/** A file of the destination folder an import leaves as it is: its path and number of rows. */
export interface KeptFile {
  readonly path: string;
  readonly rows: number;
}

/** A column of a canonical file: its header and how a row fills it. */
interface CanonicalColumn {
  readonly header: string;
  readonly value: (row: Affectation) => string;
}

const COMMUNE: CanonicalColumn = { header: 'Commune', value: (r) => r.commune };
const COLLEGE: CanonicalColumn = { header: 'Collège', value: (r) => r.college };
const STRUCTURE: CanonicalColumn = { header: 'Structure porteuse', value: (r) => structurePorteuseLibelle(r) };
const ETP: CanonicalColumn = { header: 'ETP', value: (r) => decimalComma(r.etp) };
const EDUCATION: CanonicalColumn = { header: 'Éducation prioritaire', value: (r) => r.educationPrioritaire ?? '' };
const UAI: CanonicalColumn = { header: 'UAI', value: (r) => r.uai ?? '' };
const INSEE: CanonicalColumn = { header: 'Code INSEE', value: (r) => r.insee ?? '' };

/**
 * The canonical CSV text of an état or a déploiement. Optional columns (éducation prioritaire
 * of an état, structure porteuse of a déploiement, UAI, code INSEE) are written only when a row
 * fills them.
 */
export function canonicalCsv(kind: 'etat' | 'deploiement', rows: readonly Affectation[]): string {
  const required = kind === 'etat' ? [COMMUNE, COLLEGE, STRUCTURE, ETP] : [COMMUNE, COLLEGE, EDUCATION, ETP];
  const optional = (kind === 'etat' ? [EDUCATION, UAI, INSEE] : [STRUCTURE, UAI, INSEE]).filter((c) => rows.some((r) => c.value(r) !== ''));
  const columns = [...required, ...optional];
  return stringify([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.value(r)))], CSV_STRINGIFY_OPTIONS);
}

/**
 * csv-stringify options of the canonical files: ";" and LF; a field is quoted (quotes doubled)
 * when it holds a separator, a quote, a line break ("\n" or "\r") or outer spaces, so that a
 * spreadsheet reads it back unchanged.
 */
const CSV_STRINGIFY_OPTIONS: StringifyOptions = { delimiter: CSV_DELIMITER, record_delimiter: '\n', quoted_match: [/^\s|\s$/, /\r/] };

/**
 * Loads `source` (a workbook or a data folder), and when it is valid, the canonical files to
 * write into `to`: `dispositif.yaml` (as read, with what the workbook adds), the logo, and one CSV per état
 * and déploiement, at the path its entry names — except, for a workbook over `to`
 * (`options.base`), the entries it has no sheet for: their files in `to` are left as they are. Returns no file when any error was found; a path
 * leading outside `to` is an `import/path` error.
 * @returns also `kept`: the files of `to` left as they are; `dispositif`: the dispositif.yaml read (its `added`: the entries the workbook
 *   added to it).
 */
export async function canonicalFiles(
  source: string,
  to: string,
  options: LoadOptions = {},
): Promise<{ files: CanonicalFile[]; kept?: KeptFile[]; diagnostics: Diagnostic[]; dataset?: Dataset; dispositif?: DispositifSource }> {
  const { dataset, dispositif, diagnostics } = await loadDataset(source, options);
  if (!dataset || !dispositif || hasErrors(diagnostics)) return { files: [], diagnostics };

  const { file: yamlFile, bytes: yamlBytes, value: parsed } = dispositif;
  const target = path.resolve(to);
  // A workbook over the destination folder: the entries it has no sheet for are the folder's own
  // files, left as they are.
  const workbook = isWorkbookPath(source) ? displayPath(path.resolve(source)) : undefined;
  const ownFile = (entrySource: string): boolean => workbook !== undefined && options.base !== undefined && path.resolve(options.base) === target && entrySource !== workbook;
  const files: CanonicalFile[] = [];
  const kept: KeptFile[] = [];
  const problems: Diagnostic[] = [];
  const add = (fichier: string, content: string | Uint8Array, at: string, kind?: 'etat' | 'deploiement', date?: string): void => {
    const file = path.resolve(target, fichier);
    const rel = path.relative(target, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      problems.push({
        severity: 'error',
        ruleId: 'import/path',
        message: `fichier ${quote(fichier)} hors du dossier de destination ${quote(to)} (attendu : un chemin relatif au dossier de ${DISPOSITIF_FILE}, ex. etats/2019-07-15.csv)`,
        place: { file: yamlFile },
        field: at,
      });
      return;
    }
    files.push(typeof content === 'string' ? { path: file, bytes: new TextEncoder().encode(content), ...(kind ? { kind } : {}), ...(date ? { date } : {}) } : { path: file, bytes: content, copied: true });
  };
  files.push({ path: path.join(target, DISPOSITIF_FILE), bytes: yamlBytes });
  parsed.etats.forEach((e, i) => {
    const etat = dataset.etats.find((x) => x.date === e.date)!;
    if (ownFile(etat.source)) kept.push({ path: path.resolve(target, e.fichier), rows: etat.rows.length });
    else add(e.fichier, canonicalCsv('etat', etat.rows), `etats[${i}].fichier`, 'etat', etat.date);
  });
  parsed.deploiements.forEach((d, i) => {
    const deploiement = dataset.deploiements.find((x) => x.id === d.id)!;
    if (ownFile(deploiement.source)) kept.push({ path: path.resolve(target, d.fichier), rows: deploiement.rows.length });
    else add(d.fichier, canonicalCsv('deploiement', deploiement.rows), `deploiements[${i}].fichier`, 'deploiement');
  });
  // The logo is a file of the data folder too: it goes with the dispositif.yaml that names it.
  if (dataset.logo) add(dataset.logo.fichier, dataset.logo.bytes, 'collectivite.logo');
  if (problems.length > 0) return { files: [], diagnostics: [...diagnostics, ...problems] };
  return { files, kept, diagnostics, dataset, dispositif };
}
