/**
 * Workbooks as staff keep them (issue 9, item 4): a workbook holding only the sheets of the
 * rentrée 2020, each with a title row above its header, laid over a fresh copy of data/.
 * `alses import` shows what changes in each file, refuses to replace existing files without
 * `--ecraser`, writes every file with it (previous versions kept in .sauvegardes/), and writes
 * nothing at all when a write fails.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/dataset/load.ts';
import type { Affectation } from '../src/dataset/model.ts';
import { PENDING_STRUCTURE } from '../src/dataset/model.ts';
import { ROOT, runCli } from './helpers/cli.ts';

let work: string;
/** The 53 rows of the état at 2020-07-15 as `alses etat --au 2020-07-15` computes them. */
let etat2020: readonly Affectation[];

/** The five collèges of the rentrée 2020 (README, "Chaque année"). */
const RENTREE_2020 = [
  ['LILLE', 'Carnot', 'REP +', 1],
  ['ROUBAIX', 'Jean Lebas', 'REP +', 1],
  ['TOURCOING', 'Roger Salengro', 'REP', 1],
  ['VALENCIENNES', 'Jean Moulin', 'REP +', 1],
  ['MAUBEUGE', 'Coutelle', 'REP', 1],
] as const;

/** Runs `alses …` and expects success. */
async function alses(...args: string[]): Promise<string> {
  const run = await runCli(args);
  expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run.stdout;
}

/** A fresh copy of data/, named `name` under the work folder. */
async function freshData(name: string): Promise<string> {
  const dir = path.join(work, name);
  await cp(path.join(ROOT, 'data'), dir, { recursive: true });
  return dir;
}

/** Every file under `dir` (hidden folders aside) with its bytes, by relative path. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && !path.relative(dir, full).startsWith('.')) out.set(path.relative(dir, full), (await readFile(full)).toString('base64'));
  }
  return out;
}

type SheetRow = readonly (string | number | Date)[];

/**
 * Writes a workbook of the given sheets, each with a merged title row, an empty row, then its
 * rows (the first is the header). No dispositif.yaml beside it.
 */
async function workbook(file: string, sheets: Readonly<Record<string, readonly SheetRow[]>>): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    ws.getCell('A1').value = `Dispositif ALSES — ${name}`;
    ws.mergeCells('A1:D1');
    rows.forEach((r, i) => void (ws.getRow(3 + i).values = [...r]));
  }
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, Buffer.from(await wb.xlsx.writeBuffer()));
  return file;
}

/** The état 2020 rows as a sheet: published headers; `edit` changes a row by collège. */
function etatSheet(edit: (r: Affectation) => SheetRow | undefined = () => undefined): SheetRow[] {
  return [
    ['VILLE', 'Nom du collège', 'STRUCTURES PORTEUSES', "Nombre d'ETP", 'Éducation prioritaire'],
    ...etat2020.map((r) => [...(edit(r) ?? [r.commune, r.college, r.structurePorteuse ?? PENDING_STRUCTURE, r.etp]), r.educationPrioritaire ?? '']),
  ];
}

const deploiementSheet = (): SheetRow[] => [['Ville', 'Dénomination du collège', 'REP/REP +', 'Nombre ALSÉS'], ...RENTREE_2020];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'alses-import-'));
  // The état at 2020-07-15 as the product computes it, read back from a scratch copy.
  const scratch = await freshData('scratch');
  await alses('etat', '--data', scratch, '--au', '2020-07-15');
  const { dataset } = await loadDataset(scratch);
  etat2020 = dataset!.etats.find((e) => e.date === '2020-07-15')!.rows;
  expect(etat2020).toHaveLength(53);
}, 60_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('a workbook of the 2020 sheets over data/ after README "Chaque année" steps 1 to 3', () => {
  let data: string;
  let xlsx: string;
  let before: Map<string, string>;

  beforeAll(async () => {
    data = await freshData('annee');
    const opts = ['--data', data];
    await alses('deliberation', 'ajouter', ...opts, '--date', '2020-07-06', '--objet', 'déploiement de 5 postes ALSES supplémentaires à la rentrée 2020');
    await alses('etat', ...opts, '--au', '2020-07-15');
    await alses('deploiement', 'ajouter', ...opts, '--id', 'rentree-2020', '--libelle', 'rentrée 2020', '--deliberation', '2020-07-06', '--effet', '2020-09-01');
    // Staff designate the structures of two rentrée 2019 collèges, and fill the rentrée 2020.
    xlsx = await workbook(path.join(work, 'classeurs/rentree-2020.xlsx'), {
      'État 2020-07-15': etatSheet((r) =>
        r.college === 'Turgot' ? [r.commune, r.college, 'AEP', r.etp] : r.college === 'Jacques Prévert' ? [r.commune, r.college, 'CAPEP', 0.5] : undefined,
      ),
      'Déploiement rentree-2020': deploiementSheet(),
    });
    before = await snapshot(data);
  }, 60_000);

  it('validate --classeur checks the workbook over the folder (title rows skipped)', async () => {
    const run = await runCli(['validate', '--data', data, '--classeur', xlsx]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Données valides : 2 états, 2 déploiements, 111 lignes.');
  });

  it('without --ecraser: shows the diff per file, writes nothing, exit 1', async () => {
    const run = await runCli(['import', xlsx, '--to', data]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('dispositif.yaml : inchangé');
    // The files of the entries the workbook has no sheet for are left alone.
    expect(lines).toContain('etats/2019-07-15.csv : 42 lignes, gardé (aucune feuille dans le classeur)');
    expect(lines).toContain('deploiements/rentree-2019.csv : 11 lignes, gardé (aucune feuille dans le classeur)');
    expect(lines).toContain('etats/2020-07-15.csv : 53 lignes, remplace le fichier actuel : +0 −0 ~2');
    expect(lines).toContain('  ~ CAUDRY — Jacques Prévert : Structure porteuse « en cours de négociation » → « CAPEP », ETP « 1 » → « 0,5 »');
    expect(lines.some((l) => /^ {2}~ DENAIN — Turgot : Structure porteuse « en cours de négociation » → « AEP »$/.test(l))).toBe(true);
    expect(lines).toContain('deploiements/rentree-2020.csv : 5 lignes, remplace le fichier actuel : +5 −0 ~0');
    expect(lines).toContain('  + LILLE — Carnot');
    expect(run.stderr).toContain("2 fichiers existants seraient modifiés (etats/2020-07-15.csv, deploiements/rentree-2020.csv) : aucun fichier écrit.");
    expect(run.stderr).toContain('relancez avec --ecraser');
    expect(await snapshot(data)).toEqual(before);
    expect(await readdir(data)).not.toContain('.sauvegardes');
  });

  it('with --ecraser: writes whole canonical files, keeps the previous ones, validate passes', async () => {
    const run = await runCli(['import', xlsx, '--to', data, '--ecraser']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Import terminé : 2 fichiers écrits');
    const etat = await readFile(path.join(data, 'etats/2020-07-15.csv'), 'utf8');
    expect(etat.split('\n')[0]).toBe('Commune;Collège;Structure porteuse;ETP;Éducation prioritaire');
    expect(etat).toContain('\nCAUDRY;Jacques Prévert;CAPEP;0,5;REP\n');
    expect(etat).toContain('\nDENAIN;Turgot;AEP;1;REP+\n');
    expect(etat.trimEnd().split('\n')).toHaveLength(54);
    expect(await readFile(path.join(data, 'deploiements/rentree-2020.csv'), 'utf8')).toBe(
      'Commune;Collège;Éducation prioritaire;ETP\nLILLE;Carnot;REP+;1\nROUBAIX;Jean Lebas;REP+;1\nTOURCOING;Roger Salengro;REP;1\nVALENCIENNES;Jean Moulin;REP+;1\nMAUBEUGE;Coutelle;REP;1\n',
    );
    // The previous versions, in a dated folder.
    const [stamp] = await readdir(path.join(data, '.sauvegardes'));
    expect(stamp).toMatch(/^\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}$/);
    const kept = path.join(data, '.sauvegardes', stamp!);
    expect((await readFile(path.join(kept, 'etats/2020-07-15.csv'))).toString('base64')).toBe(before.get('etats/2020-07-15.csv'));
    expect((await readFile(path.join(kept, 'deploiements/rentree-2020.csv'))).toString('base64')).toBe(before.get('deploiements/rentree-2020.csv'));
    // The rest untouched; the folder valid (the backups are not read).
    const after = await snapshot(data);
    for (const file of ['dispositif.yaml', 'etats/2019-07-15.csv', 'deploiements/rentree-2019.csv']) expect(after.get(file)).toBe(before.get(file));
    const validate = await runCli(['validate', '--data', data]);
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    // Run again: nothing to write.
    const again = await runCli(['import', xlsx, '--to', data]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('est déjà à jour');
  });
});

describe('a workbook that adds to dispositif.yaml: new état, optional sheets', () => {
  let data: string;
  let xlsx: string;
  let before: Map<string, string>;

  beforeAll(async () => {
    data = await freshData('ajouts');
    xlsx = await workbook(path.join(work, 'classeurs/ajouts.xlsx'), {
      Délibérations: [
        ['Id', 'Date', 'Objet'],
        ['2019-07-01', '2019-07-01', 'autre objet que celui de dispositif.yaml'],
        ['', '06/07/2020', 'déploiement de 5 postes ALSES supplémentaires à la rentrée 2020'],
      ],
      'Structures porteuses': [
        ['Sigle', 'Nom'],
        ['CAPEP', ''],
        ['Nouvel Horizon', 'Association Nouvel Horizon'],
      ],
      Déploiements: [
        ['Id', 'Libellé', 'Délibération', 'Effet'],
        ['rentree-2020', 'rentrée 2020', '2020-07-06', '2020-09-01'],
      ],
      'État 2020-07-15': etatSheet((r) => (r.college === 'Turgot' ? [r.commune, r.college, 'Nouvel Horizon', r.etp] : undefined)),
      'Déploiement rentree-2020': deploiementSheet(),
    });
    before = await snapshot(data);
  }, 60_000);

  it('without --ecraser: lists what dispositif.yaml gains and the new files, writes nothing', async () => {
    const run = await runCli(['import', xlsx, '--to', data]);
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('dispositif.yaml : modifié');
    expect(lines).toContain('  + délibération "2020-07-06" du 06/07/2020 : déploiement de 5 postes ALSES supplémentaires à la rentrée 2020');
    expect(lines).toContain('  + structure porteuse "Nouvel Horizon" (Association Nouvel Horizon)');
    expect(lines).toContain('  + déploiement "rentree-2020" (rentrée 2020), effectif le 01/09/2020 (deploiements/rentree-2020.csv)');
    expect(lines).toContain('  + état au 15/07/2020 (etats/2020-07-15.csv), feuille "État 2020-07-15"');
    // The new état against the état computed on its date: only what the staff changed.
    expect(lines).toContain("etats/2020-07-15.csv : 53 lignes, nouveau ; par rapport à l'état calculé au 15/07/2020 (l'état du 15/07/2019 et rentrée 2019) : +0 −0 ~1");
    expect(lines).toContain('  ~ DENAIN — Turgot : Structure porteuse « en cours de négociation » → « Nouvel Horizon »');
    expect(lines).toContain('deploiements/rentree-2020.csv : 5 lignes, nouveau');
    // The row that differs from dispositif.yaml is a warning; dispositif.yaml keeps its value.
    expect(run.stderr).toContain('la délibération "2019-07-01" diffère : objet "déploiement de 11 postes ALSES supplémentaires à la rentrée 2019" dans dispositif.yaml, "autre objet que celui de dispositif.yaml" dans le classeur');
    expect(run.stderr).toContain('xlsx/dispositif-mismatch');
    expect(run.stderr).toContain('1 fichier existant serait modifié (dispositif.yaml)');
    expect(await snapshot(data)).toEqual(before);
  });

  it('an import that fails while writing leaves every file as it was', async () => {
    await mkdir(path.join(data, 'etats/2020-07-15.csv'));
    const run = await runCli(['import', xlsx, '--to', data, '--ecraser']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('un dossier porte déjà ce nom');
    expect(await snapshot(data)).toEqual(before);
    expect(await readdir(data)).not.toContain('.sauvegardes');
    expect((await readdir(data, { recursive: true })).filter((f) => f.endsWith('.tmp') || f.endsWith('.bak'))).toEqual([]);
    await rm(path.join(data, 'etats/2020-07-15.csv'), { recursive: true });
  });

  it('with --ecraser: dispositif.yaml registers the new entries and keeps its comments; validate passes', async () => {
    const run = await runCli(['import', xlsx, '--to', data, '--ecraser']);
    expect(run.code, run.stderr).toBe(0);
    const yaml = await readFile(path.join(data, 'dispositif.yaml'), 'utf8');
    const original = await readFile(path.join(ROOT, 'data/dispositif.yaml'), 'utf8');
    for (const comment of original.split('\n').filter((l) => l.trimStart().startsWith('#'))) expect(yaml).toContain(comment);
    expect(yaml).toContain('  - date: 2020-07-15\n    fichier: etats/2020-07-15.csv\n');
    expect(yaml).toContain('  - sigle: Nouvel Horizon\n    nom: Association Nouvel Horizon\n');
    expect(yaml).toContain('objet: déploiement de 11 postes ALSES supplémentaires à la rentrée 2019\n');
    expect(await readFile(path.join(data, 'etats/2020-07-15.csv'), 'utf8')).toContain('\nDENAIN;Turgot;Nouvel Horizon;1;REP+\n');
    expect((await stat(path.join(data, 'deploiements/rentree-2020.csv'))).isFile()).toBe(true);
    const validate = await runCli(['validate', '--data', data]);
    expect(validate.stderr).toBe('');
    expect(validate.code).toBe(0);
    expect(validate.stdout).toContain('Données valides : 2 états, 2 déploiements, 111 lignes.');
  });
});

describe('every problem at once: a row with an error in one cell is still checked against the other files', () => {
  let data: string;
  beforeAll(async () => {
    data = await freshData('tout-a-la-fois');
    await alses('deliberation', 'ajouter', '--data', data, '--date', '2020-07-06', '--objet', 'déploiement de postes');
    await alses('deploiement', 'ajouter', '--data', data, '--id', 'rentree-2020', '--libelle', 'rentrée 2020', '--deliberation', '2020-07-06', '--effet', '2020-09-01');
  }, 60_000);

  it('a deployed collège with a wrong UAI that already has an ALSES: both errors in the same run', async () => {
    // LILLE Louise Michel is in the état of 15 July 2019; its UAI check letter is wrong (U expected).
    const xlsx = await workbook(path.join(work, 'classeurs/uai-et-doublon.xlsx'), {
      'Déploiement rentree-2020': [['Commune', 'Collège', 'Éducation prioritaire', 'ETP', 'UAI'], ['LILLE', 'Carnot', 'REP +', 1], ['LILLE', 'Louise Michel', 'REP +', 1, '0590404X']],
    });
    const run = await runCli(['validate', '--data', data, '--classeur', xlsx]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toContain(`${xlsx} Déploiement rentree-2020!E5  erreur  UAI "0590404X" : lettre de contrôle "X" incorrecte (attendu : "0590404U", la lettre de 0590404 étant "U" ; vérifier les chiffres et la lettre)  uai/check-letter`);
    expect(lines).toContain(
      `${xlsx} Déploiement rentree-2020!A5  erreur  collège "Louise Michel" (LILLE) déjà doté d'un ALSES dans l'état du 15/07/2019 (${data}/etats/2019-07-15.csv, ligne 24) (attendu : un collège qui n'en a pas encore au 01/09/2020)  deploiement/already-present`,
    );
    expect(lines.at(-1)).toBe('2 erreurs, 0 avertissement');
  });

  it('a deployed collège present in a later état with a wrong ETP there is not also called missing from it', async () => {
    // The état of 1 December 2019 follows the rentrée 2019 (effective 2 September): it must hold its
    // 11 collèges; DENAIN Turgot is there, with an ETP typed "1/2".
    const xlsx = await workbook(path.join(work, 'classeurs/etp-illisible.xlsx'), {
      'État 2019-12-01': [['Commune', 'Collège', 'Structure porteuse', 'ETP'], ...etat2020.map((r) => [r.commune, r.college, r.structurePorteuse ?? PENDING_STRUCTURE, r.college === 'Turgot' ? '1/2' : r.etp])],
    });
    const run = await runCli(['validate', '--data', await freshData('etp-illisible'), '--classeur', xlsx]);
    expect(run.code).toBe(1);
    const errors = run.stderr.split('\n').filter((l) => l.includes('  erreur  '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/État 2019-12-01!D\d+ {2}erreur {2}ETP "1\/2" n'est pas un nombre .* {2}etp\/number$/);
  });
});

describe('every problem at once: the sheet of a new déploiement whose row has an error', () => {
  it('is checked all the same (duplicate, TOTAL), not reported as an unused sheet', async () => {
    const xlsx = await workbook(path.join(work, 'classeurs/effet-faux.xlsx'), {
      // 31/09/2020 does not exist: the déploiement cannot be registered.
      Déploiements: [['Id', 'Libellé', 'Délibération', 'Effet'], ['rentree-2020', 'rentrée 2020', '2019-07-01', '31/09/2020']],
      'Déploiement rentree-2020': [['Commune', 'Collège', 'Éducation prioritaire', 'ETP'], ['LILLE', 'Carnot', 'REP +', 1], ['LILLE', 'Carnot', 'REP +', 1], ['TOTAL', '', '', 3]],
    });
    const run = await runCli(['validate', '--data', await freshData('effet-faux'), '--classeur', xlsx]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines.map((l) => l.replace(`${xlsx} `, '').replace(/ {2}.* {2}/, ' '))).toEqual([
      'Déploiements!D4 date/invalid',
      'Déploiement rentree-2020!B5 college/duplicate',
      'Déploiement rentree-2020!D6 total/mismatch',
      '3 erreurs, 0 avertissement',
    ]);
    expect(lines[2]).toContain('TOTAL déclaré 3, somme calculée 2');
  });
});

describe('a problem in an entry the workbook adds to dispositif.yaml', () => {
  it('is placed in the row and cell it comes from, not in a dispositif.yaml that holds it only in memory', async () => {
    const xlsx = await workbook(path.join(work, 'classeurs/effet-janvier.xlsx'), {
      Délibérations: [['Id', 'Date', 'Objet'], ['', '06/07/2020', 'déploiement de postes ALSES à la rentrée 2020']],
      // 09/01/2020, typed as text, is 9 January: before the état of 15 July, which lacks the collège.
      Déploiements: [['Id', 'Libellé', 'Délibération', 'Effet'], ['rentree-2020', 'rentrée 2020', '2020-07-06', '09/01/2020']],
      'Déploiement rentree-2020': [['Commune', 'Collège', 'Éducation prioritaire', 'ETP'], ['LILLE', 'Carnot', 'REP +', 1]],
      'État 2020-07-15': etatSheet(),
    });
    const run = await runCli(['validate', '--data', await freshData('effet-janvier'), '--classeur', xlsx]);
    expect(run.code).toBe(1);
    const errors = run.stderr.split('\n').filter((l) => l.includes('  erreur  '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^\S+ Déploiements!D4 {2}erreur {2}Déploiement « rentree-2020 » effectif le 9 janvier 2020, avant l'état du 15 juillet 2020 qui ne contient pas son collège \(LILLE – Carnot\) .* {2}deploiement\/absent-from-etat$/);
    expect(run.stderr).not.toContain('dispositif.yaml:');
  });
});

describe('a number in a workbook cell', () => {
  it('is quoted in messages as the spreadsheet shows it, with a decimal comma', async () => {
    const xlsx = await workbook(path.join(work, 'classeurs/etp-nombre.xlsx'), {
      'État 2020-07-15': etatSheet((r) => (r.college === 'Turgot' ? [r.commune, r.college, r.structurePorteuse ?? PENDING_STRUCTURE, 1.5] : undefined)),
    });
    const run = await runCli(['validate', '--data', await freshData('etp-nombre'), '--classeur', xlsx]);
    expect(run.code).toBe(1);
    const errors = run.stderr.split('\n').filter((l) => l.includes('  erreur  '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/État 2020-07-15!D\d+ {2}erreur {2}ETP "1,5" hors limites \(attendu : nombre décimal strictement positif et au plus 1, ex\. 0,5\) {2}etp\/range$/);
  });
});

describe('the file an import replaces, as Excel wrote it', () => {
  /** The état of 15 July 2019 of data/ with its ETP column changed for ANZIN Jules Ferry, as a sheet. */
  const sheetOf2019 = async (): Promise<SheetRow[]> => {
    const rows = (await readFile(path.join(ROOT, 'data/etats/2019-07-15.csv'), 'utf8')).trim().split('\n').map((l) => l.split(';'));
    return rows.map((r, i) => (i > 0 && r[0] === 'ANZIN' && r[1] === 'Jules Ferry' ? [r[0], r[1], r[2]!, 0.5] : r.map((c, j) => (i > 0 && j === 3 ? Number(c.replace(',', '.')) : c))));
  };

  it('an Excel export (Windows-1252, commas, CRLF, TOTAL row) is compared as the product reads it, not refused with a parser error', async () => {
    const data = await freshData('export-excel');
    const csv = (await readFile(path.join(data, 'etats/2019-07-15.csv'), 'utf8')).trim().split('\n').map((l) => l.split(';').map((c) => (c.includes(',') ? `"${c}"` : c)).join(','));
    const { default: iconv } = await import('iconv-lite');
    await writeFile(path.join(data, 'etats/2019-07-15.csv'), iconv.encode([...csv, 'TOTAL,,,41'].join('\r\n') + '\r\n', 'win1252'));
    expect((await runCli(['validate', '--data', data])).code).toBe(0);
    const xlsx = await workbook(path.join(work, 'classeurs/etat-2019.xlsx'), { 'État 2019-07-15': await sheetOf2019() });
    const run = await runCli(['import', xlsx, '--to', data]);
    expect(run.stderr).not.toContain('Invalid');
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContain('etats/2019-07-15.csv : 42 lignes, remplace le fichier actuel : +0 −0 ~1');
    expect(lines).toContain('  ~ ANZIN — Jules Ferry : ETP « 1 » → « 0,5 »');
  });

  it('a file the product cannot read (a quote never closed) is replaced without a comparison, said so', async () => {
    const data = await freshData('guillemet');
    const file = path.join(data, 'etats/2019-07-15.csv');
    await writeFile(file, (await readFile(file, 'utf8')).replace('ANZIN;Jules Ferry', 'ANZIN;"Jules Ferry'));
    const xlsx = await workbook(path.join(work, 'classeurs/etat-2019-b.xlsx'), { 'État 2019-07-15': await sheetOf2019() });
    const run = await runCli(['import', xlsx, '--to', data, '--ecraser']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')).toContain('etats/2019-07-15.csv : 42 lignes, modifié (le fichier actuel ne se lit pas comme un tableau de collèges : remplacé sans comparaison)');
    expect(await readFile(file, 'utf8')).toContain('\nANZIN;Jules Ferry;CAPEP;0,5\n');
  });
});

describe('a sheet named almost like an état or a déploiement', () => {
  it('is an error, not a warning: its rows would be left out of the import without a word', async () => {
    const xlsx = await workbook(path.join(work, 'classeurs/presque.xlsx'), {
      'État 2020-07-15 corrigé': etatSheet(),
      'Déploiement rentree-2020 v2': deploiementSheet(),
    });
    const data = await freshData('presque');
    const run = await runCli(['validate', '--data', data, '--classeur', xlsx]);
    expect(run.code).toBe(1);
    const errors = run.stderr.split('\n').filter((l) => l.includes('  erreur  '));
    expect(errors).toEqual([
      `${xlsx} État 2020-07-15 corrigé!A1  erreur  feuille "État 2020-07-15 corrigé" non lue : son nom commence comme celui d'un état sans en être un (attendu : « État » suivi de la date seule, ex. « État 2019-07-15 » ; renommez la feuille, ou supprimez-la)  xlsx/sheet-name`,
      `${xlsx} Déploiement rentree-2020 v2!A1  erreur  feuille "Déploiement rentree-2020 v2" non lue : aucun déploiement de dispositif.yaml ni de la feuille « Déploiements » n'a cet id (attendu : « Déploiement » suivi de l'id seul, ex. « Déploiement rentree-2019 » ; renommez la feuille, ou supprimez-la)  xlsx/sheet-name`,
    ]);
    const before = await snapshot(data);
    expect((await runCli(['import', xlsx, '--to', data, '--ecraser'])).code).toBe(1);
    expect(await snapshot(data)).toEqual(before);
  });
});

describe('the délibération of a new déploiement, given by its date', () => {
  it('a date cell or « 06/07/2020 » in the Délibération column names the délibération of that date', async () => {
    const xlsx = await workbook(path.join(work, 'classeurs/deliberation-par-date.xlsx'), {
      Délibérations: [['Id', 'Date', 'Objet'], ['dl-2020-123', '06/07/2020', 'déploiement de 5 postes ALSES supplémentaires à la rentrée 2020']],
      Déploiements: [
        ['Id', 'Libellé', 'Délibération', 'Effet'],
        ['rentree-2020', 'rentrée 2020', '06/07/2020', '01/09/2020'],
      ],
      'Déploiement rentree-2020': deploiementSheet(),
    });
    const data = await freshData('deliberation-par-date');
    const run = await runCli(['import', xlsx, '--to', data, '--ecraser']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(await readFile(path.join(data, 'dispositif.yaml'), 'utf8')).toContain('  - id: rentree-2020\n    libelle: rentrée 2020\n    fichier: deploiements/rentree-2020.csv\n    deliberation: dl-2020-123\n');
  });
});

describe('a délibération whose Id is typed as a date', () => {
  it('is written with its ISO id, and a déploiement naming it by a date cell finds it (trial finding: `id: 28/06/2021` in dispositif.yaml)', async () => {
    const day = new Date(Date.UTC(2020, 6, 6));
    const xlsx = await workbook(path.join(work, 'classeurs/id-date.xlsx'), {
      Délibérations: [['Id', 'Date', 'Objet'], [day, day, 'déploiement de 5 postes ALSES supplémentaires à la rentrée 2020']],
      Déploiements: [['Id', 'Libellé', 'Délibération', 'Effet'], ['rentree-2020', 'rentrée 2020', day, '01/09/2020']],
      'Déploiement rentree-2020': deploiementSheet(),
    });
    const data = await freshData('id-date');
    const run = await runCli(['import', xlsx, '--to', data, '--ecraser']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const yaml = await readFile(path.join(data, 'dispositif.yaml'), 'utf8');
    expect(yaml).toContain('  - id: 2020-07-06\n    date: 2020-07-06\n');
    expect(yaml).toContain('    deliberation: 2020-07-06\n');
    expect(yaml).not.toContain('06/07/2020');
  });
});

describe('a déploiement effective before its délibération', () => {
  it('is a warning at its Effet cell, naming both dates (staff trial: a wrong year showed only as « déjà doté » in another file)', async () => {
    const xlsx = await workbook(path.join(work, 'classeurs/effet-avant.xlsx'), {
      Délibérations: [['Id', 'Date', 'Objet'], ['', '06/07/2020', 'déploiement de 5 postes ALSES supplémentaires à la rentrée 2020']],
      Déploiements: [['Id', 'Libellé', 'Délibération', 'Effet'], ['rentree-2020', 'rentrée 2020', '2020-07-06', '01/09/2019']],
      'Déploiement rentree-2020': deploiementSheet(),
    });
    const run = await runCli(['validate', '--data', await freshData('effet-avant'), '--classeur', xlsx]);
    const warnings = run.stderr.split('\n').filter((l) => l.includes('deploiement/effet-before-deliberation'));
    expect(warnings).toEqual([
      `${xlsx} Déploiements!D4  avertissement  Déploiement "rentree-2020" effectif le 1er septembre 2019, avant la délibération "2020-07-06" du 6 juillet 2020 qui le décide (attendu : une date d'effet le jour de la délibération ou après ; vérifiez l'année de la date d'effet)  deploiement/effet-before-deliberation`,
    ]);
  });
});

describe('a structure porteuse not declared yet, in a workbook', () => {
  it('the message says where a new one is declared: the « Structures porteuses » sheet', async () => {
    const xlsx = await workbook(path.join(work, 'classeurs/structure-inconnue.xlsx'), {
      'État 2020-07-15': etatSheet((r) => (r.college === 'Turgot' ? [r.commune, r.college, 'Horizon Jeunesse', r.etp] : undefined)),
    });
    const run = await runCli(['validate', '--data', await freshData('structure-inconnue'), '--classeur', xlsx]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/État 2020-07-15!C\d+ {2}erreur {2}structure porteuse "Horizon Jeunesse" inconnue \(attendu : une structure déclarée dans dispositif\.yaml \(.*\) ou "en cours de négociation" ; pour une nouvelle structure, ajoutez sa ligne à la feuille « Structures porteuses » du classeur\) {2}structure-porteuse\/unknown/);
  });
});

describe('a sheet whose header row was deleted', () => {
  it("gives one error, « ligne d'en-tête introuvable », not one per cell", async () => {
    const rows = etatSheet().slice(1); // the collèges without their header
    const xlsx = await workbook(path.join(work, 'classeurs/sans-entete.xlsx'), { 'État 2020-07-15': [['État au 15/07/2020 — corrigez ce qui a changé'], ...rows] });
    const run = await runCli(['validate', '--data', await freshData('sans-entete'), '--classeur', xlsx]);
    expect(run.code).toBe(1);
    const errors = run.stderr.split('\n').filter((l) => l.includes('  erreur  '));
    expect(errors).toEqual([
      `${xlsx} État 2020-07-15!A1  erreur  ligne d'en-tête introuvable : aucune des 10 premières lignes ne nomme les colonnes attendues (attendu : une ligne "Commune | Collège | Structure porteuse | ETP" au-dessus des collèges ; a-t-elle été supprimée ?)  xlsx/missing-column`,
    ]);
  });
});
