/**
 * The canonical data folder (README, "Les données"): what `alses import` writes from a workbook
 * or from CSV files as Excel exports them. `dispositif.yaml` is copied as is (comments kept);
 * each état and déploiement becomes a CSV file at the path its entry names: UTF-8 without BOM,
 * LF, ";" separator, decimal comma, canonical headers, values as validated (declared sigle of
 * the structure porteuse, "REP+", UAI and code INSEE in capitals), no TOTAL row.
 */
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { Options as StringifyOptions } from 'csv-stringify/sync';
import type { Diagnostic } from '../diagnostics.ts';
import { hasErrors } from '../diagnostics.ts';
import { decimalComma } from '../format.ts';
import type { LoadOptions } from './load.ts';
import { loadDataset } from './load.ts';
import type { Affectation, Dataset } from './model.ts';
import { structurePorteuseLibelle } from './model.ts';
import { CSV_DELIMITER } from './read/csv.ts';
import { DISPOSITIF_FILE } from './schema.ts';
import { quote } from './text.ts';

/** A file to write: its path and bytes (as `src/output.ts` writes them). */
export interface CanonicalFile {
  readonly path: string;
  readonly bytes: Uint8Array;
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
 * write into `to`: `dispositif.yaml` (unless it is already there) and one CSV per état and
 * déploiement, at the path its entry names. Returns no file when any error was found; a path
 * leading outside `to` is an `import/path` error.
 */
export async function canonicalFiles(
  source: string,
  to: string,
  options: LoadOptions = {},
): Promise<{ files: CanonicalFile[]; diagnostics: Diagnostic[]; dataset?: Dataset }> {
  const { dataset, dispositif, diagnostics } = await loadDataset(source, options);
  if (!dataset || !dispositif || hasErrors(diagnostics)) return { files: [], diagnostics };

  const { path: yamlPath, file: yamlFile, bytes: yamlBytes, value: parsed } = dispositif;
  const target = path.resolve(to);
  const files: CanonicalFile[] = [];
  const problems: Diagnostic[] = [];
  const add = (fichier: string, text: string, at: string): void => {
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
    files.push({ path: file, bytes: new TextEncoder().encode(text) });
  };
  if (path.join(target, DISPOSITIF_FILE) !== yamlPath) files.push({ path: path.join(target, DISPOSITIF_FILE), bytes: yamlBytes });
  parsed.etats.forEach((e, i) => {
    const etat = dataset.etats.find((x) => x.date === e.date)!;
    add(e.fichier, canonicalCsv('etat', etat.rows), `etats[${i}].fichier`);
  });
  parsed.deploiements.forEach((d, i) => {
    const deploiement = dataset.deploiements.find((x) => x.id === d.id)!;
    add(d.fichier, canonicalCsv('deploiement', deploiement.rows), `deploiements[${i}].fichier`);
  });
  if (problems.length > 0) return { files: [], diagnostics: [...diagnostics, ...problems] };
  return { files, diagnostics, dataset };
}
