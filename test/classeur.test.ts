/**
 * `alses classeur`: the starting workbook of a new état (src/jobs/classeur.ts), read back with
 * exceljs as a spreadsheet shows it, and imported back: unchanged, it registers the état with
 * the same file `alses etat` writes; corrected, the corrections reach the état.
 */
import { cp, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/cli.ts';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'alses-classeur-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function freshData(name: string): Promise<string> {
  const dir = path.join(work, name);
  await cp(path.join(ROOT, 'data'), dir, { recursive: true });
  return dir;
}

/** A fresh copy of data/ named `name`, and the starting workbook of its état on 15 July 2020, opened for editing. */
async function startingWorkbook(name: string): Promise<{ target: string; file: string; wb: ExcelJS.Workbook }> {
  const target = await freshData(name);
  const file = path.join(work, `${name}.xlsx`);
  expect((await runCli(['classeur', '--data', target, '--au', '2020-07-15', '--vers', file])).code).toBe(0);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(file);
  return { target, file, wb };
}

/** The cells of a sheet, row by row, as text (numbers as read). */
function rowsOf(sheet: ExcelJS.Worksheet): unknown[][] {
  const rows: unknown[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe('alses classeur', () => {
  let data: string;
  let xlsx: string;
  beforeAll(async () => {
    data = await freshData('data');
    xlsx = path.join(work, 'classeur-2020-07-15.xlsx');
  });

  it('writes the état on a date as computed, and the sheets of dispositif.yaml', async () => {
    const run = await runCli(['classeur', '--data', data, '--au', '2020-07-15', '--vers', xlsx]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Feuille « État 2020-07-15 » : 53 collèges, 52 ETP.');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['État 2020-07-15', 'Délibérations', 'Structures porteuses', 'Déploiements']);
    const etat = rowsOf(wb.getWorksheet('État 2020-07-15')!);
    expect(String(etat[0]![0])).toBe(
      'État au 15/07/2020 : celui du 15/07/2019 et rentrée 2019 — corrigez ce qui a changé (ETP, structures porteuses, collèges sortis)',
    );
    expect(etat[1]).toEqual(['Commune', 'Collège', 'Structure porteuse', 'ETP', 'Éducation prioritaire', 'UAI', 'Code INSEE']);
    expect(etat).toHaveLength(2 + 53);
    // In commune order, the rentrée 2019's collèges among the others, without a structure yet.
    expect(etat[2]!.slice(0, 4)).toEqual(['ANZIN', 'Jules Ferry', 'CAPEP', 1]);
    const turgot = etat.find((r) => r[1] === 'Turgot');
    expect(turgot?.slice(0, 4)).toEqual(['DENAIN', 'Turgot', 'en cours de négociation', 1]);
    expect(etat.slice(2).reduce((s, r) => s + Number(r[3]), 0)).toBe(52);
    expect(rowsOf(wb.getWorksheet('Déploiements')!)).toEqual([
      ['Id', 'Libellé', 'Délibération', 'Effet'],
      ['rentree-2019', 'rentrée 2019', '2019-07-01', '2019-09-02'],
    ]);
    expect(rowsOf(wb.getWorksheet('Délibérations')!).map((r) => r[0])).toContain('2019-07-01');
  });

  it('imported unchanged: registers the état, with the file alses etat writes, and nothing else changes', async () => {
    const imported = await runCli(['import', xlsx, '--to', data, '--ecraser']);
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('dispositif.yaml : modifié\n  + état au 15/07/2020 (etats/2020-07-15.csv), feuille "État 2020-07-15"\n');
    // Against the état computed on that date: nothing changed.
    expect(imported.stdout).toContain("etats/2020-07-15.csv : 53 lignes, nouveau ; par rapport à l'état calculé au 15/07/2020 (l'état du 15/07/2019 et rentrée 2019) : +0 −0 ~0\n");
    const computed = await freshData('etat');
    expect((await runCli(['etat', '--data', computed, '--au', '2020-07-15'])).code).toBe(0);
    expect(await readFile(path.join(data, 'etats/2020-07-15.csv'), 'utf8')).toBe(await readFile(path.join(computed, 'etats/2020-07-15.csv'), 'utf8'));
    expect(await readFile(path.join(data, 'dispositif.yaml'), 'utf8')).toBe(await readFile(path.join(computed, 'dispositif.yaml'), 'utf8'));
    // Asked again for that date: the état as registered.
    const again = path.join(work, 'encore.xlsx');
    const run = await runCli(['classeur', '--data', data, '--au', '2020-07-15', '--vers', again]);
    expect(run.code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(again);
    expect(String(rowsOf(wb.getWorksheet('État 2020-07-15')!)[0]![0])).toBe("État au 15/07/2020, tel qu'il est enregistré");
    expect((await runCli(['import', again, '--to', data])).stdout).toContain('etats/2020-07-15.csv : 53 lignes, inchangé');
  });

  it('corrected by the staff: the corrections reach the état', async () => {
    const { target, file, wb } = await startingWorkbook('corrige');
    const sheet = wb.getWorksheet('État 2020-07-15')!;
    sheet.eachRow((row) => {
      if (row.getCell(2).value === 'Turgot') {
        row.getCell(3).value = 'AEP';
        row.getCell(4).value = 0.5;
      }
    });
    wb.getWorksheet('Structures porteuses')!.addRow(['Horizon Jeunesse', 'Association Horizon Jeunesse']);
    await wb.xlsx.writeFile(file);
    const run = await runCli(['import', file, '--to', target, '--ecraser']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('  ~ DENAIN — Turgot : Structure porteuse « en cours de négociation » → « AEP », ETP « 1 » → « 0,5 »\n');
    expect(await readFile(path.join(target, 'etats/2020-07-15.csv'), 'utf8')).toContain('\nDENAIN;Turgot;AEP;0,5;REP+\n');
    expect(await readFile(path.join(target, 'dispositif.yaml'), 'utf8')).toContain('  - sigle: Horizon Jeunesse\n    nom: Association Horizon Jeunesse\n');
  });

  it('a déploiement added to the « Déploiements » sheet without its own sheet: the sheet is what is missing, with its columns (trial finding: a CSV file was asked for)', async () => {
    const { target, file, wb } = await startingWorkbook('sans-feuille');
    wb.getWorksheet('Déploiements')!.addRow(['rentree-2020', 'rentrée 2020', '2019-07-01', '2020-09-01']);
    await wb.xlsx.writeFile(file);
    const run = await runCli(['validate', '--data', target, '--classeur', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `sans-feuille.xlsx Déploiements!A3  erreur  feuille du tableau du déploiement "rentree-2020" introuvable dans "${file}" (attendu : une feuille visible nommée "rentree-2020" ou "Déploiement rentree-2020" ;`,
    );
    expect(run.stderr).toContain(`; ni fichier "deploiements/rentree-2020.csv" dans "${target}" : ajoutez au classeur la feuille, avec une ligne d'en-tête "Commune", "Collège", "Éducation prioritaire", "ETP")  xlsx/missing-sheet\n1 erreur, 0 avertissement`);
    expect(run.stderr).not.toContain('fichier CSV existant');
  });

  it('a hidden sheet named like an état is an error, and two sheets for one état are reported once (hostile trial: the hidden état was dropped with exit 0; the right sheet was called « commence comme celui d\'un état »)', async () => {
    const { target, file, wb } = await startingWorkbook('feuilles');
    const hidden = wb.addWorksheet('État 2021-07-15', { state: 'hidden' });
    hidden.addRows([['Commune', 'Collège', 'Structure porteuse', 'ETP'], ['ANZIN', 'Jules Ferry', 'CAPEP', 1]]);
    const copy = wb.addWorksheet('2020-07-15');
    copy.addRows([['Commune', 'Collège', 'Structure porteuse', 'ETP'], ['ANZIN', 'Jules Ferry', 'CAPEP', 1]]);
    await wb.xlsx.writeFile(file);
    const run = await runCli(['validate', '--data', target, '--classeur', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/État 2021-07-15!A1 {2}erreur {2}feuille masquée "État 2021-07-15" non lue : son nom est celui d'un tableau d'état ou de déploiement/);
    expect(run.stderr).toMatch(/erreur {2}deux feuilles pour le tableau de l'état du 15\/07\/2020 : "État 2020-07-15" et "2020-07-15"/);
    expect(run.stderr).not.toContain("commence comme celui d'un état");
    expect(run.stderr).not.toContain('ne correspond à aucun état');
  });

  it('refuses a date before the first état, or a file that is not .xlsx, and writes nothing', async () => {
    const early = path.join(work, 'tot.xlsx');
    const run = await runCli(['classeur', '--data', data, '--au', '2018-01-01', '--vers', early]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('aucun état au 01/01/2018 ou avant : rien à reprendre (attendu : une date après le premier état, 15/07/2019)');
    await expect(stat(early)).rejects.toThrow();
    const csv = await runCli(['classeur', '--data', data, '--au', '2020-07-15', '--vers', path.join(work, 'etat.csv')]);
    expect(csv.code).toBe(2);
    expect(csv.stderr).toContain('le classeur doit finir par .xlsx (ex. classeur-2020-07-15.xlsx)');
  });
});
