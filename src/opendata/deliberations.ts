/**
 * Open data: the délibérations of the scheme as the SCDL « Délibérations » dataset (schema
 * `scdl/deliberations` 2.1.x on schema.data.gouv.fr, OpenDataFrance), one row per délibération.
 *
 * Columns, in the schema's order: the seven required ones (COLL_NOM, COLL_SIRET, DELIB_ID,
 * DELIB_DATE, DELIB_MATIERE_CODE, DELIB_MATIERE_NOM, DELIB_OBJET), then the optional ones, left
 * empty (the schema's missing value is "") since the data holds none of them: BUDGET_ANNEE,
 * BUDGET_NOM, PREF_ID, PREF_DATE, VOTE_EFFECTIF, VOTE_REEL, VOTE_POUR, VOTE_CONTRE,
 * VOTE_ABSTENTION, DELIB_URL.
 *
 * File format: CSV as RFC 4180 and Frictionless Table Schema's default dialect describe it
 * (schema.data.gouv.fr validates with them): comma separator, UTF-8 without BOM, CRLF line ends,
 * fields quoted when they hold a comma, a quote or a line break.
 */
import { formatShortDate } from '../dates.ts';
import { InvalidInputError } from '../errors.ts';
import type { Diagnostic } from '../diagnostics.ts';
import type { RuleId } from '../rules.ts';
import type { Dataset, IsoDate } from '../dataset/model.ts';
import { quote } from '../dataset/text.ts';
import { isValidSiret, MATIERE_CODE_PATTERN } from '../dataset/scdl-fields.ts';
import { ACTES_MATIERES } from './actes.ts';

/** Schema the CSV follows (name and version on schema.data.gouv.fr). */
export const SCDL_DELIBERATIONS_SCHEMA = { name: 'scdl/deliberations', version: '2.1.5' } as const;

/** Columns of the SCDL délibérations schema, in order. */
export const SCDL_DELIBERATIONS_COLUMNS = [
  'COLL_NOM',
  'COLL_SIRET',
  'DELIB_ID',
  'DELIB_DATE',
  'DELIB_MATIERE_CODE',
  'DELIB_MATIERE_NOM',
  'DELIB_OBJET',
  'BUDGET_ANNEE',
  'BUDGET_NOM',
  'PREF_ID',
  'PREF_DATE',
  'VOTE_EFFECTIF',
  'VOTE_REEL',
  'VOTE_POUR',
  'VOTE_CONTRE',
  'VOTE_ABSTENTION',
  'DELIB_URL',
] as const;
/** A column of the SCDL délibérations schema. */
export type ScdlDeliberationColumn = (typeof SCDL_DELIBERATIONS_COLUMNS)[number];
/** One row of the dataset (every column; "" when the data has no value). */
export type ScdlDeliberationRow = Readonly<Record<ScdlDeliberationColumn, string>>;

/**
 * The rows of the SCDL dataset, one per délibération of `dataset`, in date order.
 * @param source the `dispositif.yaml` the dataset was read from, as diagnostics name it.
 * @throws InvalidInputError (exit 1) listing every missing or unusable field at once: the
 *   collectivité's `siret`, each délibération's `matiere` (named by its id), a matière code the
 *   ACTES table (./actes.ts) does not know, a value a spreadsheet would run as a formula.
 */
export function scdlDeliberationRows(dataset: Dataset, source = 'data/dispositif.yaml'): ScdlDeliberationRow[] {
  const diagnostics: Diagnostic[] = [];
  const error = (ruleId: RuleId, field: string, message: string) => diagnostics.push({ severity: 'error', ruleId, message, field, place: { file: source } });
  const siret = dataset.collectivite.siret;
  if (siret === undefined) error('opendata/siret', 'collectivite.siret', `collectivite.siret manquant (attendu : le SIRET de « ${dataset.collectivite.nom} », 14 chiffres entre guillemets, ex. siret: "21590001234504")`);
  else if (!isValidSiret(siret)) error('opendata/siret', 'collectivite.siret', `collectivite.siret « ${siret} » invalide (attendu : 14 chiffres, clé de Luhn juste)`);
  const rows: ScdlDeliberationRow[] = [];
  for (const d of [...dataset.deliberations].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0))) {
    const where = `délibération « ${d.id} » du ${formatShortDate(d.date)}`;
    if (d.matiere === undefined) {
      error('opendata/matiere', 'deliberations.matiere', `${where} : code de matière (matiere) manquant (attendu : son code dans la nomenclature ACTES entre guillemets, ex. matiere: "8.2" pour l'aide sociale)`);
      continue;
    }
    const nom = ACTES_MATIERES[d.matiere];
    if (!MATIERE_CODE_PATTERN.test(d.matiere) || nom === undefined) {
      error('opendata/matiere', 'deliberations.matiere', `${where} : matière « ${d.matiere} » absente de la table ACTES du produit (attendu : l'un de ${Object.keys(ACTES_MATIERES).join(', ')} ; pour un autre code, ajoutez son nom à src/opendata/actes.ts)`);
      continue;
    }
    rows.push({
      COLL_NOM: dataset.collectivite.nom,
      COLL_SIRET: siret ?? '',
      DELIB_ID: d.id,
      DELIB_DATE: d.date,
      DELIB_MATIERE_CODE: d.matiere,
      DELIB_MATIERE_NOM: nom,
      DELIB_OBJET: d.objet,
      BUDGET_ANNEE: '',
      BUDGET_NOM: '',
      PREF_ID: '',
      PREF_DATE: '',
      VOTE_EFFECTIF: '',
      VOTE_REEL: '',
      VOTE_POUR: '',
      VOTE_CONTRE: '',
      VOTE_ABSTENTION: '',
      DELIB_URL: '',
    });
  }
  // A value starting with = + - @, a tab or a carriage return runs as a formula when the CSV is
  // opened in a spreadsheet (CSV injection, OWASP; an objet « =HYPERLINK(…) » typed with « alses
  // deliberation ajouter » did: issue 12). The open data is published as is: refuse it, never alter it.
  for (const row of rows) {
    for (const column of SCDL_DELIBERATIONS_COLUMNS) {
      const value = row[column];
      if (/^[=+\-@\t\r]/.test(value))
        error(
          'opendata/formula',
          column,
          `délibération « ${row.DELIB_ID} » du ${formatShortDate(row.DELIB_DATE as IsoDate)} : ${column} ${quote(value)} commençant par ${quote(value[0])}, lu comme une formule par un tableur (attendu : un texte sans = + - @ ni tabulation au début)`,
        );
    }
  }
  if (diagnostics.length) throw new InvalidInputError('Données ouvertes non produites : champs manquants ou invalides dans les données.', diagnostics);
  return rows;
}

/** One CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** Serialises rows as the SCDL CSV: header, then one line per row, CRLF, UTF-8 without BOM. */
export function serializeScdlCsv(rows: readonly ScdlDeliberationRow[]): Uint8Array {
  const lines = [SCDL_DELIBERATIONS_COLUMNS.join(','), ...rows.map((r) => SCDL_DELIBERATIONS_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return new TextEncoder().encode(lines.map((l) => `${l}\r\n`).join(''));
}
