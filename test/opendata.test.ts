/**
 * `alses opendata`: the délibérations as the SCDL « Délibérations » CSV (schema 2.1.x on
 * schema.data.gouv.fr). Every field of the produced file is checked against the schema's
 * constraints (patterns, types, required fields); the SIRET and matière codes are added to a copy
 * of data/ (data/ itself lacks them, so the golden documents and other tests are unchanged).
 */
import { cp, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isValidSiret } from '../src/dataset/scdl-fields.ts';
import { ACTES_LEVEL1, ACTES_MATIERES } from '../src/opendata/actes.ts';
import { SCDL_DELIBERATIONS_COLUMNS } from '../src/opendata/deliberations.ts';
import { runCli } from './helpers/cli.ts';

/** A fictitious SIRET with a valid checksum (the Département's real one is to be filled in data/). */
const SIRET = '21590000100003';
let dir: string;

/** A copy of data/ whose dispositif.yaml gets `edit` applied. */
async function dataCopy(name: string, edit: (yaml: string) => string): Promise<string> {
  const target = path.join(dir, name);
  await cp('data', target, { recursive: true });
  const file = path.join(target, 'dispositif.yaml');
  await writeFile(file, edit(await readFile(file, 'utf8')));
  return target;
}

/** dispositif.yaml with the collectivité's SIRET and every délibération's matière (aide sociale). */
const complete = (yaml: string): string =>
  yaml.replace('  nom: Département du Nord\n', `  nom: Département du Nord\n  siret: "${SIRET}"\n`).replace(/^(  - id: \d{4}-\d{2}-\d{2}\n    date: .*\n)/gm, '$1    matiere: "8.2"\n');

let complet: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-opendata-'));
  complet = await dataCopy('complet', complete);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The SCDL délibérations 2.1.x constraints of each column: required, and a check of the text. */
const isDate = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v);
const isInteger = (v: string) => /^\d+$/.test(v);
const SCHEMA: Record<(typeof SCDL_DELIBERATIONS_COLUMNS)[number], { required: boolean; check: (v: string) => boolean }> = {
  COLL_NOM: { required: true, check: (v) => v.trim() === v && v.length > 0 },
  COLL_SIRET: { required: true, check: (v) => /^\d{14}$/.test(v) && isValidSiret(v) },
  DELIB_ID: { required: true, check: (v) => v.length > 0 },
  DELIB_DATE: { required: true, check: isDate },
  DELIB_MATIERE_CODE: { required: true, check: (v) => /^\d\.\d{1,2}$/.test(v) },
  // ACTES: level-1 name "/" level-2 name, lower case with accents, no comma nor parenthesis.
  DELIB_MATIERE_NOM: {
    required: true,
    check: (v) => {
      const [level1, level2, ...rest] = v.split('/');
      return rest.length === 0 && (ACTES_LEVEL1 as readonly string[]).includes(level1!) && !!level2 && level2 === level2.toLowerCase() && !/[,()]/.test(v) && !/^\s|\s$/.test(level2);
    },
  },
  DELIB_OBJET: { required: true, check: (v) => v.length > 0 },
  BUDGET_ANNEE: { required: false, check: (v) => /^[0-9]{4}(\/[0-9]{4})?$/.test(v) },
  BUDGET_NOM: { required: false, check: () => true },
  PREF_ID: { required: false, check: (v) => /^(PREF|SGAR)\d{2}[\dAB]$|^SPREF\d{2}[\dAB]\d$/.test(v) },
  PREF_DATE: { required: false, check: isDate },
  VOTE_EFFECTIF: { required: false, check: isInteger },
  VOTE_REEL: { required: false, check: isInteger },
  VOTE_POUR: { required: false, check: isInteger },
  VOTE_CONTRE: { required: false, check: isInteger },
  VOTE_ABSTENTION: { required: false, check: isInteger },
  DELIB_URL: { required: false, check: (v) => URL.canParse(v) },
};

describe('alses opendata', () => {
  it('writes the SCDL CSV: header in the schema order, comma, UTF-8 without BOM, CRLF', async () => {
    const target = path.join(dir, 'deliberations.csv');
    const run = await runCli(['opendata', '--data', complet, '--vers', target]);
    expect(run.stderr).toBe(`écrit : ${target}\n`);
    expect(run.code).toBe(0);
    const bytes = await readFile(target);
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    const text = bytes.toString('utf8');
    expect(text.split('\r\n')[0]).toBe(SCDL_DELIBERATIONS_COLUMNS.join(','));
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toContain('\n');
  });

  it('gives every field a value the schema accepts, and every required field a value', async () => {
    const rows = parse(await readFile(path.join(dir, 'deliberations.csv')), { columns: true, delimiter: ',' }) as Record<string, string>[];
    expect(rows.map((r) => r.DELIB_ID)).toEqual(['2015-12-17', '2017-05-22', '2018-12-17', '2019-07-01']);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual([...SCDL_DELIBERATIONS_COLUMNS]);
      for (const column of SCDL_DELIBERATIONS_COLUMNS) {
        const value = row[column]!;
        if (value === '') expect(SCHEMA[column].required, `${row.DELIB_ID} ${column} is required`).toBe(false);
        else expect(SCHEMA[column].check(value), `${row.DELIB_ID} ${column} = ${JSON.stringify(value)}`).toBe(true);
      }
    }
    expect(rows[3]).toMatchObject({
      COLL_NOM: 'Département du Nord',
      COLL_SIRET: SIRET,
      DELIB_DATE: '2019-07-01',
      DELIB_MATIERE_CODE: '8.2',
      DELIB_MATIERE_NOM: 'domaines de compétences par thèmes/aide sociale',
      DELIB_OBJET: 'déploiement de 11 postes ALSES supplémentaires à la rentrée 2019',
    });
    // An objet with a comma is quoted, not split.
    expect(rows[0]!.DELIB_OBJET).toBe("dispositif conforté et renforcé, objectif d'une cinquantaine de postes d'ici 2020");
  });

  it('writes to stdout without --vers', async () => {
    const run = await runCli(['opendata', '--data', complet]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(await readFile(path.join(dir, 'deliberations.csv'), 'utf8'));
  });

  it('every matière name of its ACTES table passes the schema check', () => {
    for (const [code, nom] of Object.entries(ACTES_MATIERES)) {
      expect(SCHEMA.DELIB_MATIERE_CODE.check(code), code).toBe(true);
      expect(SCHEMA.DELIB_MATIERE_NOM.check(nom), nom).toBe(true);
    }
  });
});

describe('alses opendata refuses missing fields (exit 1, nothing written)', () => {
  it('on data/ as it is: names the SIRET and every délibération without matière', async () => {
    const target = path.join(dir, 'jamais.csv');
    const run = await runCli(['opendata', '--vers', target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('data/dispositif.yaml  erreur  collectivite.siret manquant');
    for (const id of ['2015-12-17', '2017-05-22', '2018-12-17', '2019-07-01'])
      expect(run.stderr).toContain(`délibération « ${id} » du ${id.split('-').reverse().join('/')} : code de matière (matiere) manquant`);
    expect(run.stderr).toContain('Données ouvertes non produites');
    await expect(stat(target)).rejects.toThrow();
  });

  it('names a délibération whose matière the ACTES table lacks', async () => {
    const data = await dataCopy('matiere-inconnue', (y) => complete(y).replace('    matiere: "8.2"\n', '    matiere: "1.1"\n'));
    const run = await runCli(['opendata', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('délibération « 2015-12-17 » du 17/12/2015 : matière « 1.1 » absente de la table ACTES');
    expect(run.stdout).toBe('');
  });
});

describe('data contract: collectivite.siret and deliberations[].matiere (alses validate)', () => {
  it('accepts the complete copy without a diagnostic', async () => {
    const run = await runCli(['validate', '--data', complet]);
    expect(run.code).toBe(0);
  });

  it.each([
    ['a SIRET of 9 digits', (y: string) => complete(y).replace(`"${SIRET}"`, '"225900018"'), /dispositif\.yaml:\d+:\d+ +erreur +SIRET "225900018" invalide \(attendu : 14 chiffres.*siret\/format/],
    ['a SIRET written as a number', (y: string) => complete(y).replace(`"${SIRET}"`, SIRET), /dispositif\.yaml:\d+:\d+ +erreur +SIRET 21590000100003 écrit comme un nombre \(attendu : 14 chiffres entre guillemets.*siret\/format/],
    ['a SIRET with a wrong checksum', (y: string) => complete(y).replace(`"${SIRET}"`, '"21590000100004"'), /dispositif\.yaml:\d+:\d+ +erreur +SIRET "21590000100004" erroné : sa clé de contrôle.*siret\/checksum/],
    ['a matière code written as a number', (y: string) => complete(y).replace('    matiere: "8.2"\n', '    matiere: 8.10\n'), /dispositif\.yaml:\d+:\d+ +erreur +code de matière 8\.1 écrit comme un nombre.*deliberation\/matiere/],
    ['a malformed matière code', (y: string) => complete(y).replace('    matiere: "8.2"\n', '    matiere: "8-2"\n'), /dispositif\.yaml:\d+:\d+ +erreur +code de matière "8-2" invalide.*deliberation\/matiere/],
  ])('places a French error on %s', async (name, edit, expected) => {
    const data = await dataCopy(name.replaceAll(' ', '-'), edit);
    const run = await runCli(['validate', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(expected);
  });
});

describe('isValidSiret', () => {
  it('applies the Luhn formula, and La Poste\'s own rule', () => {
    expect(isValidSiret('21860194600013')).toBe(true); // the SCDL schema's example
    expect(isValidSiret('21860194600014')).toBe(false);
    expect(isValidSiret('35600000000048')).toBe(true); // La Poste, head office: Luhn
    expect(isValidSiret('35600000049837')).toBe(true); // La Poste establishment: digit sum 45
    expect(isValidSiret('2186019460001')).toBe(false);
  });
});
