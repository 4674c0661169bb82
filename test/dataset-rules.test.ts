/**
 * One test per validation rule of the dataset reader: each case folder under
 * test/fixtures/dataset/ is a complete data folder with one fault (see generate.ts), and must
 * give exactly the expected diagnostic — rule id, place, French message — and no dataset.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { etatAu, totalEtp } from '../src/dataset/compute.ts';
import { loadDataset } from '../src/dataset/load.ts';
import { DATASET_RULES } from '../src/rules.ts';
import type { Diagnostic } from '../src/diagnostics.ts';
import { formatPlace } from '../src/diagnostics.ts';
import { CASES, writeFixtures } from './fixtures/dataset/generate.ts';
import { oneEditApart } from '../src/dataset/rules/spelling.ts';
import { parseEtp } from '../src/dataset/rules/etp.ts';

const ROOT = 'test/fixtures/dataset';
const ETAT = 'etats/2019-07-15.csv';
const DEPLOIEMENT = 'deploiements/rentree-2019.csv';

/** Loads a case; returns its diagnostics and whether a dataset was built. */
async function load(name: string) {
  const result = await loadDataset(`${ROOT}/${name}`);
  return { ...result, shown: result.diagnostics.map((d) => `${formatPlace(d.place)} ${d.ruleId}`) };
}

/** `file:line:column` of a file of a case, as diagnostics show it. */
const at = (name: string, file: string, line?: number, column?: number): string =>
  formatPlace({ file: `${ROOT}/${name}/${file}`, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) });

/**
 * Asserts the case gives exactly one diagnostic: an error of `ruleId` at `place`, whose message
 * contains `fragment`; and that no dataset is built.
 */
async function expectSingleError(name: string, ruleId: string, place: string, fragment: string): Promise<Diagnostic> {
  const { dataset, diagnostics, shown } = await load(name);
  expect(shown).toEqual([`${place} ${ruleId}`]);
  const [d] = diagnostics;
  expect(d!.severity).toBe('error');
  expect(d!.message).toContain(fragment);
  expect(dataset).toBeUndefined();
  return d!;
}

describe('fixtures', () => {
  it('are what generate.ts writes (rerun it after editing it)', async () => {
    const tmp = await mkdtemp(path.join(tmpdir(), 'alses-fixtures-'));
    try {
      await writeFixtures(tmp);
      for (const name of Object.keys(CASES)) {
        const files = await listFiles(path.join(tmp, name));
        expect(await listFiles(path.join(ROOT, name)), name).toEqual(files);
        for (const f of files) {
          expect(await readFile(path.join(ROOT, name, f)), `${name}/${f}`).toEqual(await readFile(path.join(tmp, name, f)));
        }
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('valid data', () => {
  it('a minimal folder loads without diagnostics', async () => {
    const { dataset, diagnostics } = await load('valid-minimal');
    expect(diagnostics).toEqual([]);
    expect(totalEtp(dataset!.etats[0]!.rows)).toBe(2.5);
  });

  it('accepts the published headers, BOM, CRLF, "0.5", case-insensitive sigles, trailing separators and blank lines', async () => {
    const { dataset, diagnostics } = await load('valid-published');
    expect(diagnostics).toEqual([]);
    const etat = dataset!.etats[0]!;
    expect(etat.rows.map((r) => [r.commune, r.college, r.structurePorteuse, r.etp, r.place.line])).toEqual([
      ['ANZIN', 'Jules Ferry', 'CAPEP', 1, 2],
      ['FOURMIES', 'Joliot Curie', 'AEP', 0.5, 3],
    ]);
    expect(dataset!.deploiements[0]!.rows.map((r) => r.educationPrioritaire)).toEqual(['REP+', 'REP']);
  });

  it('a TOTAL row equal to the computed sum is not a collège and gives no diagnostic', async () => {
    const { dataset, diagnostics } = await load('csv-total-row');
    expect(diagnostics).toEqual([]);
    expect(dataset!.etats[0]!.rows).toHaveLength(3);
  });

  it('accepts a "," separator with quoted decimal commas and CRLF (Excel "CSV (séparateur : virgule)")', async () => {
    const { dataset, diagnostics } = await load('valid-comma');
    expect(diagnostics).toEqual([]);
    expect(dataset!.etats[0]!.rows.map((r) => [r.commune, r.college, r.etp, r.place.line, r.place.column])).toEqual([
      ['ANZIN', 'Jules Ferry', 1, 2, 1],
      ['FOURMIES', 'Joliot Curie', 0.5, 3, 1],
    ]);
    expect(dataset!.etats[0]!.rows[1]!.place).toEqual({ file: `${ROOT}/valid-comma/${ETAT}`, line: 3, column: 1 });
  });

  it('decodes Windows-1252 (Excel\'s plain "CSV"), with a correct TOTAL row', async () => {
    const { dataset, diagnostics } = await load('valid-windows-1252');
    expect(diagnostics).toEqual([]);
    expect(dataset!.etats[0]!.rows.map((r) => [r.commune, r.college])).toEqual([['ROUBAIX', 'Séigné']]);
  });

  it('commune/spelling, college/spelling: one commune or collège written two ways across files are warnings', async () => {
    const { dataset, diagnostics, shown } = await load('spelling-variants');
    expect(shown).toEqual([
      `${at('spelling-variants', DEPLOIEMENT, 4, 1)} commune/spelling`,
      `${at('spelling-variants', 'etats/2019-12-01.csv', 2, 1)} college/spelling`,
    ]);
    expect(diagnostics.map((d) => [d.severity, d.message])).toEqual([
      [
        'warning',
        `commune "Fourmies" écrite "FOURMIES" ailleurs (${ROOT}/spelling-variants/${ETAT}, ligne 3) (attendu : une seule orthographe pour une même commune)`,
      ],
      [
        'warning',
        `collège "JULES FERRY" (ANZIN) écrit "Jules Ferry" ailleurs (${ROOT}/spelling-variants/${ETAT}, ligne 2) (attendu : une seule orthographe pour un même collège)`,
      ],
    ]);
    expect(dataset).toBeDefined();
  });

  it('commune/spelling: a collège found again under a new commune one letter off its own is a warning (staff trial: ROUBIAX printed, counted as one more commune)', async () => {
    const { dataset, diagnostics, shown } = await load('commune-typo');
    expect(shown).toEqual([`${at('commune-typo', 'etats/2019-12-01.csv', 2, 1)} commune/spelling`]);
    expect(diagnostics.map((d) => [d.severity, d.message])).toEqual([
      [
        'warning',
        `commune "AZNIN" du collège "Jules Ferry", écrite "ANZIN" pour ce collège ailleurs (${ROOT}/commune-typo/${ETAT}, ligne 2) : faute de frappe ? (attendu : une seule orthographe pour une même commune)`,
      ],
    ]);
    expect(dataset).toBeDefined();
  });

  it('oneEditApart: a letter changed, added, removed, or two neighbours swapped; not two edits', () => {
    const pairs: [string, string, boolean][] = [
      ['ROUBAIX', 'ROUBIAX', true],
      ['ROUBAIX', 'ROUBAIS', true],
      ['ROUBAIX', 'ROUBAX', true],
      ['ROUBAIX', 'ROUBAIXX', true],
      ['ROUBAIX', 'ROUBAIX', false],
      ['ROUBAIX', 'RUOBIAX', false],
      ['LILLE', 'LENS', false],
      ['COMMUNE 1', 'COMMUNE 12', true],
    ];
    expect(pairs.map(([a, b]) => [a, b, oneEditApart(a, b), oneEditApart(b, a)])).toEqual(pairs.map(([a, b, r]) => [a, b, r, r]));
  });

  it('a deployment dated on an état is taken as included in it: no error, not added again', async () => {
    const { dataset, diagnostics } = await load('etat-on-effet');
    expect(diagnostics).toEqual([]);
    const s = etatAu(dataset!, '2019-09-30');
    expect([s.etatDate, s.deploiements.length, totalEtp(s.rows)]).toEqual(['2019-09-02', 0, 4.5]);
  });
});

describe('files', () => {
  it('file/missing: dispositif.yaml absent', async () => {
    await expectSingleError(
      'no-dispositif',
      'file/missing',
      at('no-dispositif', 'dispositif.yaml'),
      `fichier "${ROOT}/no-dispositif/dispositif.yaml" introuvable`,
    );
  });

  it('file/missing: a CSV named in dispositif.yaml, placed on its name in the YAML', async () => {
    await expectSingleError(
      'file-missing',
      'file/missing',
      at('file-missing', 'dispositif.yaml', 26, 14),
      `fichier "etats/2019-07-16.csv" introuvable : "${ROOT}/file-missing/etats/2019-07-16.csv" n'existe pas`,
    );
  });

  it('file/missing: a data folder outside the working folder is shown by its absolute path, not "../.."', async () => {
    const absent = path.join(tmpdir(), `alses-nonexistent-${process.pid}`);
    const relative = path.relative(process.cwd(), absent);
    expect(relative.startsWith('..')).toBe(true);
    const { dataset, diagnostics } = await loadDataset(relative);
    const yaml = path.join(absent, 'dispositif.yaml');
    expect(diagnostics.map((d) => [formatPlace(d.place), d.ruleId])).toEqual([[yaml, 'file/missing']]);
    expect(diagnostics[0]!.message).toContain(`fichier "${yaml}" introuvable : "${yaml}" n'existe pas`);
    expect(dataset).toBeUndefined();
  });

  it('file/unlisted: a CSV in etats/ that dispositif.yaml does not name is a warning, placed at the file', async () => {
    const { dataset, diagnostics, shown } = await load('file-unlisted');
    const file = `${ROOT}/file-unlisted/etats/2019-10-01.csv`;
    expect(shown).toEqual([`${at('file-unlisted', 'etats/2019-10-01.csv')} file/unlisted`]);
    expect(diagnostics.map((d) => [d.severity, d.message])).toEqual([
      [
        'warning',
        `Fichier « ${file} » non déclaré dans dispositif.yaml : il n'est pas lu (attendu : une entrée etats ou deploiements qui le nomme)`,
      ],
    ]);
    // A warning: the dataset is built (exit code 0), without the unlisted état.
    expect(dataset!.etats.map((e) => e.date)).toEqual(['2019-07-15']);
  });

  it('a workbook that does not exist: file/missing alone, its folder not searched for unlisted CSV files', async () => {
    // `alses import absent.xlsx --to data` from the project folder listed every CSV of test/ as unlisted.
    const { diagnostics } = await loadDataset(`${ROOT}/file-unlisted/absent.xlsx`);
    expect(diagnostics.map((d) => [formatPlace(d.place), d.ruleId])).toEqual([[`${ROOT}/file-unlisted/absent.xlsx`, 'file/missing']]);
  });
});

describe('dispositif.yaml', () => {
  it('yaml/syntax: an unclosed quote, at the opening quote', async () => {
    await expectSingleError('yaml-syntax', 'yaml/syntax', at('yaml-syntax', 'dispositif.yaml', 4, 10), 'syntaxe YAML : guillemet ouvert ici et jamais fermé');
  });

  it('yaml/required: a missing key, at the map that lacks it', async () => {
    await expectSingleError(
      'yaml-required',
      'yaml/required',
      at('yaml-required', 'dispositif.yaml', 28, 5),
      'champ "deploiements[0].libelle" manquant (attendu : un texte)',
    );
  });

  it('yaml/unknown-key: a misspelt key, at the key, listing the expected keys', async () => {
    const { diagnostics, shown } = await load('yaml-unknown-key');
    expect(shown).toEqual([
      `${at('yaml-unknown-key', 'dispositif.yaml', 17, 5)} yaml/required`,
      `${at('yaml-unknown-key', 'dispositif.yaml', 21, 5)} yaml/unknown-key`,
    ]);
    expect(diagnostics[1]!.message).toBe(
      'clé "echance" inconnue dans "objectifs[0]" (attendu : id, libelle, type, cible, echeance, depuis, deliberations)',
    );
    expect(diagnostics[0]!.message).toBe('champ "objectifs[0].echeance" manquant (attendu : une date AAAA-MM-JJ, ex. 2019-07-15)');
  });

  it('yaml/schema: a value of the wrong type', async () => {
    await expectSingleError(
      'yaml-schema',
      'yaml/schema',
      at('yaml-schema', 'dispositif.yaml', 20, 12),
      `champ "objectifs[0].cible" : valeur "trente" de type texte (attendu : un nombre d'ETP, ex. 50)`,
    );
  });

  it('date/invalid: 2019-02-30 is not a calendar day', async () => {
    const d = await expectSingleError(
      'date-invalid',
      'date/invalid',
      at('date-invalid', 'dispositif.yaml', 11, 11),
      'date "2019-02-30" invalide (attendu : une date du calendrier au format AAAA-MM-JJ, ex. 2019-07-15)',
    );
    expect(d.field).toBe('deliberations[1].date');
  });

  it('deliberation/unknown: a deployment citing an undeclared deliberation', async () => {
    await expectSingleError(
      'deliberation-unknown',
      'deliberation/unknown',
      at('deliberation-unknown', 'dispositif.yaml', 31, 19),
      `délibération "2019-07-02" inconnue (attendu : l'id d'une délibération de "deliberations" : 2018-12-17, 2019-07-01)`,
    );
  });

  it('objectif/depuis-required: a creations objectif needs depuis', async () => {
    await expectSingleError(
      'objectif-depuis-required',
      'objectif/depuis-required',
      at('objectif-depuis-required', 'dispositif.yaml', 17, 5),
      'objectif "pauvrete-2021" de type "creations" sans date "depuis"',
    );
  });

  it('id/duplicate: a sigle declared twice (compared ignoring case), naming the first line', async () => {
    await expectSingleError(
      'id-duplicate',
      'id/duplicate',
      at('id-duplicate', 'dispositif.yaml', 16, 12),
      'structure porteuse "aep" en double dans "structuresPorteuses" : déjà ligne 15',
    );
  });
});

describe('CSV shape', () => {
  it('csv/empty: an empty file', async () => {
    await expectSingleError('csv-empty', 'csv/empty', at('csv-empty', ETAT, 1, 1), `fichier vide (attendu : une ligne d'en-tête "Commune;Collège;Structure porteuse;ETP"`);
  });

  it('csv/empty: a header and no row', async () => {
    await expectSingleError('csv-header-only', 'csv/empty', at('csv-header-only', ETAT, 1, 1), "aucune ligne après l'en-tête");
  });

  it('csv/missing-column: at the header line, quoting the expected header', async () => {
    await expectSingleError(
      'csv-missing-column',
      'csv/missing-column',
      at('csv-missing-column', ETAT, 1, 1),
      `colonne "Structure porteuse" absente de l'en-tête (attendu : "Commune;Collège;Structure porteuse;ETP")`,
    );
  });

  it('csv/unknown-column: at the header cell', async () => {
    await expectSingleError(
      'csv-unknown-column',
      'csv/unknown-column',
      at('csv-unknown-column', ETAT, 1, 40),
      'colonne "Remarques" inconnue (attendu : Commune, Collège, Structure porteuse, ETP ; facultatives : UAI, Éducation prioritaire, Code INSEE)',
    );
  });

  it('csv/duplicate-column: "Ville" is "Commune" again', async () => {
    await expectSingleError(
      'csv-duplicate-column',
      'csv/duplicate-column',
      at('csv-duplicate-column', ETAT, 1, 9),
      'colonne "Ville" en double : "Commune" déjà en colonne 1',
    );
  });

  it('csv/field-count: a row with a missing field', async () => {
    await expectSingleError(
      'csv-field-count',
      'csv/field-count',
      at('csv-field-count', ETAT, 3, 1),
      'ligne de 3 champs au lieu de 4 (attendu : "Commune;Collège;Structure porteuse;ETP")',
    );
  });

  it('csv/separator: a "|"-separated file', async () => {
    await expectSingleError('csv-separator', 'csv/separator', at('csv-separator', ETAT, 1, 1), `séparateur "|" dans "Commune|Collège|Structure porteuse|ETP"`);
  });

  it('csv/encoding: neither UTF-8 nor Windows-1252 (Mac Roman), at the first unreadable character', async () => {
    await expectSingleError(
      'csv-encoding',
      'csv/encoding',
      at('csv-encoding', ETAT, 1, 13),
      'encodage inconnu : octet illisible ni en UTF-8 ni en Windows-1252 dans "Commune;Coll?ge;Structur"',
    );
  });

  it('total/mismatch: a TOTAL row that is not the computed sum names both figures', async () => {
    await expectSingleError('total-mismatch', 'total/mismatch', at('total-mismatch', ETAT, 5, 9), 'TOTAL déclaré 3, somme calculée 2,5 (attendu : la somme des ETP des 3 lignes du tableau');
  });

  it('csv/syntax: a quote never closed', async () => {
    await expectSingleError('csv-syntax', 'csv/syntax', at('csv-syntax', ETAT, 2), 'ligne illisible : guillemet ouvert et jamais fermé');
  });
});

describe('CSV values', () => {
  it('etp/number: "abc", at the ETP cell', async () => {
    const d = await expectSingleError(
      'etp-number',
      'etp/number',
      at('etp-number', ETAT, 3, 27),
      `ETP "abc" n'est pas un nombre (attendu : nombre décimal strictement positif et au plus 1, ex. 0,5)`,
    );
    expect(d.field).toBe('etp');
  });

  it('etp/range: "1,5", "0" and "-1"', async () => {
    const { dataset, diagnostics, shown } = await load('etp-range');
    expect(shown).toEqual([
      `${at('etp-range', ETAT, 2, 25)} etp/range`,
      `${at('etp-range', ETAT, 3, 27)} etp/range`,
      `${at('etp-range', ETAT, 4, 18)} etp/range`,
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual(
      ['1,5', '0', '-1'].map((v) => `ETP "${v}" hors limites (attendu : nombre décimal strictement positif et au plus 1, ex. 0,5)`),
    );
    expect(dataset).toBeUndefined();
  });

  it('parseEtp: hundredths read on the text; a spreadsheet formula\'s binary noise is accepted (hostile trial: 0,0000000001 passed and printed « 0 »)', () => {
    const read = (v: string) => {
      const r = parseEtp(v);
      return r.ok ? r.etp : r.ruleId;
    };
    expect(['0,0000000001', '0,00000000000000000001', '0,000000000000001', '0,333', '0,125', '0,99999999999999999'].map(read)).toEqual([
      'etp/precision',
      'etp/precision',
      'etp/precision',
      'etp/precision',
      'etp/precision',
      1,
    ]);
    expect(['0,5', '0.25', '1', '1,00', '0,50000', '0.30000000000000004', '0.7999999999999999'].map(read)).toEqual([0.5, 0.25, 1, 1, 0.5, 0.30000000000000004, 0.7999999999999999]);
  });

  it('etp/precision: more than two decimals', async () => {
    await expectSingleError('etp-precision', 'etp/precision', at('etp-precision', ETAT, 3, 27), 'ETP "0,333" trop précis (attendu : au plus deux décimales');
  });

  it('etp/required: an empty ETP cell', async () => {
    await expectSingleError('etp-required', 'etp/required', at('etp-required', ETAT, 3, 27), 'ETP vide');
  });

  it('education-prioritaire/value: "REP++"', async () => {
    await expectSingleError(
      'education-prioritaire-value',
      'education-prioritaire/value',
      at('education-prioritaire-value', DEPLOIEMENT, 2, 15),
      'éducation prioritaire "REP++" inconnue (attendu : REP ou REP+',
    );
  });

  it('structure-porteuse/unknown: "CAPE", listing the declared ones', async () => {
    await expectSingleError(
      'structure-porteuse-unknown',
      'structure-porteuse/unknown',
      at('structure-porteuse-unknown', ETAT, 2, 19),
      'structure porteuse "CAPE" inconnue (attendu : une structure déclarée dans dispositif.yaml (CAPEP, AEP) ou "en cours de négociation")',
    );
  });

  it('structure-porteuse/required: empty in an état', async () => {
    await expectSingleError('structure-porteuse-required', 'structure-porteuse/required', at('structure-porteuse-required', ETAT, 2, 19), 'structure porteuse vide');
  });

  it('college/required: a blank collège', async () => {
    await expectSingleError('college-required', 'college/required', at('college-required', ETAT, 2, 7), 'nom du collège vide');
  });

  it('commune/required: a blank commune', async () => {
    await expectSingleError('commune-required', 'commune/required', at('commune-required', ETAT, 2, 1), 'commune vide');
  });

  it('college/duplicate: "Anzin / JULES-FERRY" repeats "ANZIN / Jules Ferry", naming the first line', async () => {
    await expectSingleError(
      'college-duplicate',
      'college/duplicate',
      at('college-duplicate', ETAT, 5, 7),
      'collège "JULES-FERRY" (Anzin) en double : déjà présent ligne 2 (attendu : une seule ligne par collège)',
    );
  });

  it('uai/format: 7 digits and a letter (case-insensitive)', async () => {
    await expectSingleError('uai-format', 'uai/format', at('uai-format', ETAT, 3, 31), 'UAI "59-0001" invalide (attendu : 7 chiffres et une lettre');
  });

  it('uai/check-letter: the letter is the 7-digit number modulo 23 in the alphabet without I, O, Q', async () => {
    await expectSingleError(
      'uai-check-letter',
      'uai/check-letter',
      at('uai-check-letter', ETAT, 2, 27),
      'UAI "0590001A" : lettre de contrôle "A" incorrecte (attendu : "0590001F"',
    );
  });

  it('insee/format: 20xxx is not a Corsican code (2A/2B); 59009 and 2B033 are fine', async () => {
    await expectSingleError('insee-format', 'insee/format', at('insee-format', ETAT, 3, 21), `code INSEE "20004" invalide : la Corse s’écrit 2A (Corse-du-Sud) ou 2B (Haute-Corse)`);
  });
});

describe('déploiements', () => {
  it('deploiement/already-present: a collège already in the état, naming its file and line', async () => {
    await expectSingleError(
      'deploiement-already-present',
      'deploiement/already-present',
      at('deploiement-already-present', DEPLOIEMENT, 4, 1),
      `collège "Jules Ferry" (ANZIN) déjà doté d'un ALSES dans l'état du 15/07/2019 (${ROOT}/deploiement-already-present/${ETAT}, ligne 2)`,
    );
  });

  it('deploiement/already-present: a collège of an earlier deployment added to the same état', async () => {
    await expectSingleError(
      'deploiement-already-deployed',
      'deploiement/already-present',
      at('deploiement-already-deployed', 'deploiements/toussaint-2019.csv', 2, 1),
      `collège "Turgot" (DENAIN) déjà doté d'un ALSES par le déploiement "rentrée 2019" (${ROOT}/deploiement-already-deployed/${DEPLOIEMENT}, ligne 2)`,
    );
  });

  it('deploiement/absent-from-etat: effective before an état that lacks its collèges, placed at its effet', async () => {
    const d = await expectSingleError(
      'deploiement-absent-from-etat',
      'deploiement/absent-from-etat',
      at('deploiement-absent-from-etat', 'dispositif.yaml', 32, 12),
      'Déploiement « rentree-2019 » effectif le 10 juillet 2019, avant l\'état du 15 juillet 2019 qui ne contient pas ses 2 collèges ' +
        "(DENAIN – Turgot et CAUDRY – Jacques Prévert) (attendu : une date d'effet postérieure à l'état, ou ces collèges dans l'état)",
    );
    expect(d.field).toBe('effet');
  });
});

describe('all problems at once', () => {
  it('three different faults in one file give three diagnostics', async () => {
    const { dataset, diagnostics, shown } = await load('three-faults');
    expect(shown).toEqual([
      `${at('three-faults', ETAT, 2, 25)} etp/number`,
      `${at('three-faults', ETAT, 3, 23)} structure-porteuse/unknown`,
      `${at('three-faults', ETAT, 4, 7)} college/duplicate`,
    ]);
    expect(diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('ETP "abc"'),
      expect.stringContaining('structure porteuse "XYZ"'),
      expect.stringContaining('déjà présent ligne 2'),
    ]);
    expect(dataset).toBeUndefined();
  });

  it('every rule id used is documented in DATASET_RULES', async () => {
    const used = new Set<string>();
    for (const name of Object.keys(CASES)) for (const d of (await loadDataset(`${ROOT}/${name}`)).diagnostics) used.add(d.ruleId);
    expect([...used].filter((id) => !(id in DATASET_RULES))).toEqual([]);
  });
});
