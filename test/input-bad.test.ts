/**
 * The bad-input corpus (test/fixtures/bad-inputs/, see generate.ts): every file gives its French
 * error with its place — file:line:column, or workbook sheet!cell — at `alses validate` (text and
 * JSON), exit code 1, no stack trace; `alses render` writes nothing. Then the 100,000-row état:
 * loaded whole and validated, its one fault found (its load time is measured by `npm run bench`,
 * not here).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/dataset/load.ts';
import { DATASET_RULES } from '../src/rules.ts';
import type { Diagnostic } from '../src/diagnostics.ts';
import { displayPath, formatDiagnostic, formatPlace } from '../src/diagnostics.ts';
import { BAD_INPUTS, hundredThousandRows, writeBadInputs } from './fixtures/bad-inputs/generate.ts';
import type { BadInput } from './fixtures/bad-inputs/generate.ts';
import { BASE_DEPLOIEMENT, BASE_ETAT, BASE_YAML } from './fixtures/dataset/generate.ts';
import { runCli } from './helpers/cli.ts';

const CORPUS = 'test/fixtures/bad-inputs';
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'alses-bad-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** The folder of a case's data, and where its corpus file is copied in it (`corpus/<file>`). */
const folderOf = (name: string): string => path.join(tmp, `data-${name}`);
const copiedFile = (name: string): string => displayPath(path.join(folderOf(name), 'corpus', name));

/**
 * A data folder whose état (or déploiement) is `file`, copied byte for byte into the folder
 * (`corpus/<file>`: data files must lie inside the data folder); the other files are the valid base.
 */
async function dataFolder(name: string, role: 'etat' | 'deploiement', file: string): Promise<string> {
  const dir = folderOf(name);
  await mkdir(path.join(dir, 'etats'), { recursive: true });
  await mkdir(path.join(dir, 'deploiements'), { recursive: true });
  await mkdir(path.join(dir, 'corpus'), { recursive: true });
  await writeFile(path.join(dir, 'corpus', name), await readFile(file));
  const target = role === 'etat' ? 'fichier: etats/2019-07-15.csv' : 'fichier: deploiements/rentree-2019.csv';
  await writeFile(path.join(dir, 'dispositif.yaml'), BASE_YAML.replace(target, `fichier: ${JSON.stringify(`corpus/${name}`)}`));
  await writeFile(path.join(dir, 'etats/2019-07-15.csv'), BASE_ETAT);
  await writeFile(path.join(dir, 'deploiements/rentree-2019.csv'), BASE_DEPLOIEMENT);
  return dir;
}

/** What `--data` is for a case. */
const dataOf = (c: BadInput): Promise<string> | string =>
  c.role === 'data' ? `${CORPUS}/${c.file}` : dataFolder(c.file, c.role, `${CORPUS}/${c.file}`);

/** The place the case's error must have, as printed. */
const placeOf = (c: BadInput): string => (c.inDispositif ? `${CORPUS}/${c.at}` : c.role === 'data' ? `${CORPUS}/${c.file}${c.at}` : `${copiedFile(c.file)}${c.at}`);

describe('bad-input corpus', () => {
  it('holds at least 30 files, each one kind of fault, all present as generate.ts writes them', async () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30);
    const files = await readdir(CORPUS);
    for (const c of BAD_INPUTS) expect(files).toContain(c.file);
    const fresh = path.join(tmp, 'fresh');
    await writeBadInputs(fresh);
    for (const c of BAD_INPUTS.filter((x) => typeof x.content !== 'function')) {
      expect(await readFile(path.join(CORPUS, c.file)), c.file).toEqual(await readFile(path.join(fresh, c.file)));
    }
  });

  it.each(BAD_INPUTS.map((c) => [c.file, c] as const))('%s: its error, place and message; exit 1; nothing written', async (_, c) => {
    const data = await dataOf(c);

    const { dataset, diagnostics } = await loadDataset(data);
    expect(dataset).toBeUndefined();
    const found = diagnostics.find((d) => d.ruleId === c.ruleId && formatPlace(d.place) === placeOf(c));
    expect(found, `${c.ruleId} at ${placeOf(c)} among:\n${diagnostics.map(formatDiagnostic).join('\n')}`).toBeDefined();
    expect(found!.severity).toBe('error');
    expect(found!.message).toContain(c.message);
    expect(found!.message).toMatch(/\(attendu : /);

    const run = await runCli(['validate', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${placeOf(c)}  erreur  ${found!.message}  ${c.ruleId}`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stderr).not.toMatch(/erreur inattendue|TypeError|undefined/);

    const json = await runCli(['validate', '--format', 'json', '--data', data]);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { valide: boolean; problemes: Diagnostic[] };
    expect(report.valide).toBe(false);
    expect(report.problemes).toContainEqual(found);

    const out = path.join(tmp, `out-${c.file}`);
    const render = await runCli(['render', '--data', data, '--out', out]);
    expect(render.code).toBe(1);
    expect(render.stderr).toContain('Aucun fichier écrit');
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it('every rule id of the corpus is documented', () => {
    expect(BAD_INPUTS.map((c) => c.ruleId).filter((id) => !(id in DATASET_RULES))).toEqual([]);
  });
});

describe('100,000 rows', () => {
  let dir: string;
  beforeAll(async () => {
    dir = path.join(tmp, 'h100k');
    await mkdir(path.join(dir, 'etats'), { recursive: true });
    await mkdir(path.join(dir, 'deploiements'), { recursive: true });
    await writeFile(path.join(dir, 'dispositif.yaml'), BASE_YAML);
    await writeFile(path.join(dir, 'deploiements/rentree-2019.csv'), BASE_DEPLOIEMENT);
  });

  it('a valid état of 100,000 collèges loads whole, its TOTAL row checked', async () => {
    await writeFile(path.join(dir, 'etats/2019-07-15.csv'), hundredThousandRows());
    const { dataset, diagnostics } = await loadDataset(dir);
    expect(diagnostics).toEqual([]);
    expect(dataset!.etats[0]!.rows).toHaveLength(100_000);
    expect(dataset!.etats[0]!.rows.at(-1)).toMatchObject({ commune: 'COMMUNE 100000', college: 'Collège 100000', etp: 1 });
  }, 60_000);

  it('alses validate finds the one fault (a TOTAL off by one) with its place, exit 1', async () => {
    await writeFile(path.join(dir, 'etats/2019-07-15.csv'), hundredThousandRows(100_000, 100_001));
    const run = await runCli(['validate', '--data', dir]);
    expect(run.code).toBe(1);
    const file = path.join(dir, 'etats/2019-07-15.csv');
    expect(run.stderr).toContain(`${file}:100002:9  erreur  TOTAL déclaré 100001, somme calculée 100000`);
    expect(run.stderr).toContain('1 erreur, 0 avertissement');
  }, 60_000);
});
