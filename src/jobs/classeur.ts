/**
 * The starting workbook of a new état (`alses classeur`, and the web page's « Classeur de
 * départ »): what the staff edit each year instead of typing the collèges again (README, « Chaque
 * année », « Avec un classeur »). It holds, in the shape `alses import` reads back (README,
 * « Classeur Excel »):
 *
 * - a sheet `État <date>`: the état on that date as computed (DESIGN.md: the latest état on or
 *   before it, plus the déploiements effective since; the état itself when one has that date),
 *   in commune order, a post without a structure porteuse yet « en cours de négociation », the
 *   ETP as numbers; a title row above the header says what to do;
 * - the sheets `Délibérations`, `Structures porteuses` and `Déploiements`, with what
 *   dispositif.yaml lists (rows that stay as they are add nothing on import), where the staff add
 *   the rentrée's délibération, a new structure porteuse, the new déploiement.
 *
 * Imported unchanged over the data folder, it registers the état (a new date) and changes
 * nothing else.
 */
import type { Worksheet } from 'exceljs';
import { formatShortDate, isIsoDate, type IsoDate } from '../dates.ts';
import { hasErrors } from '../diagnostics.ts';
import { AlsesError, InvalidInputError } from '../errors.ts';
import { etatAu, newEtatRows, totalEtp } from '../dataset/compute.ts';
import { loadDataset } from '../dataset/load.ts';
import { structurePorteuseLibelle, type Affectation, type Dataset } from '../dataset/model.ts';
import { DISPOSITIF_SHEETS } from '../dataset/read/dispositif-sheets.ts';
import { writeAtomic } from '../output/atomic.ts';

/** What `startingWorkbook` made: the workbook's bytes, its état sheet, and the état's figures. */
export interface StartingWorkbook {
  /** The .xlsx file. */
  readonly bytes: Uint8Array;
  /** Name of the état sheet, e.g. `État 2020-07-15`. */
  readonly sheet: string;
  /** Collèges of the état, and their total in ETP. */
  readonly colleges: number;
  readonly etp: number;
}

/** File name the workbook of a date is offered under: `classeur-2020-07-15.xlsx`. */
export const workbookName = (au: IsoDate): string => `classeur-${au}.xlsx`;

/**
 * The starting workbook of the état on `au` (see the module's comment).
 * @param au the état's date, AAAA-MM-JJ (Europe/Paris calendar day).
 * @throws AlsesError USAGE on a malformed date or when no état is dated on or before `au`.
 */
export async function startingWorkbook(dataset: Dataset, au: string): Promise<StartingWorkbook> {
  if (!isIsoDate(au)) throw new AlsesError('USAGE', `date « ${au} » invalide (attendu : AAAA-MM-JJ, ex. 2020-07-15)`);
  if (!dataset.etats.some((e) => e.date <= au)) {
    throw new AlsesError('USAGE', `aucun état au ${formatShortDate(au)} ou avant : rien à reprendre (attendu : une date après le premier état, ${formatShortDate(dataset.etats[0]?.date ?? au)})`);
  }
  const state = etatAu(dataset, au);
  const rows = newEtatRows(state);
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = `${dataset.collectivite.nom} — alses-reports`;
  // A fixed date: the same data gives the same workbook.
  workbook.created = workbook.modified = new Date(`${au}T00:00:00Z`);

  const sheet = `État ${au}`;
  const title =
    state.etatDate === au
      ? `État au ${formatShortDate(au)}, tel qu'il est enregistré`
      : `État au ${formatShortDate(au)} : celui du ${formatShortDate(state.etatDate)}${state.deploiements.length ? ` et ${state.deploiements.map((d) => d.libelle).join(', ')}` : ''} — corrigez ce qui a changé (ETP, structures porteuses, collèges sortis)`;
  const columns: readonly Column<Affectation>[] = [
    { header: 'Commune', width: 24, value: (r) => r.commune },
    { header: 'Collège', width: 32, value: (r) => r.college },
    { header: 'Structure porteuse', width: 26, value: (r) => structurePorteuseLibelle(r) },
    { header: 'ETP', width: 8, value: (r) => r.etp, number: true },
    { header: 'Éducation prioritaire', width: 12, value: (r) => r.educationPrioritaire ?? '' },
    { header: 'UAI', width: 11, value: (r) => r.uai ?? '' },
    { header: 'Code INSEE', width: 11, value: (r) => r.insee ?? '' },
  ];
  addTable(workbook.addWorksheet(sheet), columns, rows, title);

  addTable(
    workbook.addWorksheet(DISPOSITIF_SHEETS.deliberations),
    [
      { header: 'Id', width: 14, value: (d) => d.id },
      { header: 'Date', width: 12, value: (d) => d.date },
      { header: 'Objet', width: 70, value: (d) => d.objet },
      { header: 'Instance', width: 24, value: (d) => d.instance ?? '' },
      { header: 'Numéro', width: 14, value: (d) => d.numero ?? '' },
    ],
    dataset.deliberations,
  );
  addTable(
    workbook.addWorksheet(DISPOSITIF_SHEETS.structuresPorteuses),
    [
      { header: 'Sigle', width: 24, value: (s) => s.sigle },
      { header: 'Nom', width: 60, value: (s) => s.nom ?? '' },
    ],
    dataset.structuresPorteuses,
  );
  addTable(
    workbook.addWorksheet(DISPOSITIF_SHEETS.deploiements),
    [
      { header: 'Id', width: 18, value: (d) => d.id },
      { header: 'Libellé', width: 24, value: (d) => d.libelle },
      { header: 'Délibération', width: 14, value: (d) => d.deliberation },
      { header: 'Effet', width: 12, value: (d) => d.effet },
    ],
    dataset.deploiements,
  );
  const bytes = new Uint8Array(await workbook.xlsx.writeBuffer());
  return { bytes, sheet, colleges: rows.length, etp: totalEtp(rows) };
}

/** A column of a sheet: its header, width (characters) and how a row fills it. */
interface Column<T> {
  readonly header: string;
  readonly width: number;
  readonly value: (row: T) => string | number;
  /** A number (the ETP), left in the spreadsheet's own number format (« 0,5 » in French). */
  readonly number?: boolean;
}

/** Fills `sheet`: an optional title row, the header (bold, frozen), then one row per item, every cell text but the numbers. */
function addTable<T>(sheet: Worksheet, columns: readonly Column<T>[], rows: readonly T[], title?: string): void {
  sheet.columns = columns.map((c) => ({ width: c.width }));
  if (title !== undefined) {
    sheet.addRow([title]).font = { bold: true, size: 12 };
  }
  const header = sheet.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  sheet.views = [{ state: 'frozen', ySplit: header.number }];
  for (const row of rows) {
    const added = sheet.addRow(columns.map((c) => c.value(row)));
    // Text stays text when edited (a UAI, a numéro, a date written AAAA-MM-JJ); the ETP is a number.
    columns.forEach((c, i) => {
      if (!c.number) added.getCell(i + 1).numFmt = '@';
    });
  }
}

/**
 * `alses classeur --au <date> --vers <file.xlsx>`: writes the starting workbook of the état on
 * `au` from the data folder (atomically: the file is whole or absent).
 * @returns the file written, its état sheet, and the état's figures.
 * @throws InvalidInputError when the data is invalid (nothing written); AlsesError USAGE on a
 *   bad date or file name, OUTPUT when the file cannot be written.
 */
export async function writeStartingWorkbook(dataDir: string, au: string, file: string): Promise<StartingWorkbook & { file: string }> {
  if (!/\.xlsx$/i.test(file)) throw new AlsesError('USAGE', `--vers « ${file} » : le classeur doit finir par .xlsx (ex. ${isIsoDate(au) ? workbookName(au) : 'classeur-2020-07-15.xlsx'})`);
  const { dataset, diagnostics } = await loadDataset(dataDir);
  if (!dataset || hasErrors(diagnostics)) throw new InvalidInputError('Données invalides : aucun fichier écrit (lancez « alses validate »).', diagnostics);
  const made = await startingWorkbook(dataset, au);
  await writeAtomic(file, made.bytes);
  return { ...made, file };
}
