/**
 * Real-world input: the real data as staff's Excel hands it over — CSV saved by Excel (";" and
 * Windows-1252, or "," with quoted decimal commas and a BOM; CRLF, published headers, a TOTAL
 * row, empty trailing rows) and an .xlsx workbook (merged title and commune cells, ETP numbers,
 * a TOTAL formula, a hidden helper sheet) — validates, renders the same annexes byte for byte
 * as the canonical CSV files, and `alses import` turns it back into the canonical files.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/dataset/load.ts';
import { formatDiagnostic } from '../src/diagnostics.ts';
import { exportTables, writeExcelCsv, writeWorkbook } from './fixtures/dataset/excel.ts';
import { runCli } from './helpers/cli.ts';

let tmp: string;
let workbook: string;
const canonical = new Map<string, string>();

/** SHA-256 of every document rendered into `dir` (the manifest, which names the inputs, aside). */
async function hashes(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of (await readdir(dir)).sort()) {
    if (name === 'manifest.json' || name.startsWith('.')) continue;
    out.set(name, createHash('sha256').update(await readFile(path.join(dir, name))).digest('hex'));
  }
  return out;
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'alses-excel-'));
  const { dataset } = await loadDataset('data');
  const tables = exportTables(dataset!, 'data');
  await writeExcelCsv(tables, 'data', path.join(tmp, 'csv-semicolon'), ';');
  await writeExcelCsv(tables, 'data', path.join(tmp, 'csv-comma'), ',');
  workbook = await writeWorkbook(tables, 'data', path.join(tmp, 'xlsx'));
  const run = await runCli(['render', '--data', 'data', '--out', path.join(tmp, 'out-canonical')]);
  expect(run.code).toBe(0);
  for (const [k, v] of await hashes(path.join(tmp, 'out-canonical'))) canonical.set(k, v);
  expect(canonical.size).toBeGreaterThanOrEqual(9);
}, 60_000);

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('Excel exports of the real data', () => {
  it('the ";" export really is Windows-1252 with CRLF and a TOTAL row', async () => {
    const bytes = await readFile(path.join(tmp, 'csv-semicolon/etats/2019-07-15.csv'));
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(bytes.includes(Buffer.from('\r\n'))).toBe(true);
    expect(bytes.toString('latin1')).toContain('\r\nTOTAL;;;41\r\n');
  });

  it.each(['csv-semicolon', 'csv-comma'])('%s: validate exits 0 with no diagnostic', async (name) => {
    const run = await runCli(['validate', '--data', path.join(tmp, name)]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Données valides : 1 état, 1 déploiement, 53 lignes.');
  });

  it('xlsx: validate exits 0; the hidden helper sheet is the only diagnostic (a warning)', async () => {
    const run = await runCli(['validate', '--data', workbook]);
    const { diagnostics } = await loadDataset(workbook);
    expect(diagnostics.map((d) => [d.severity, d.ruleId, d.place?.sheet])).toEqual([['warning', 'xlsx/hidden-sheet', 'Listes']]);
    expect(run.stderr).toContain(formatDiagnostic(diagnostics[0]!));
    expect(run.stderr).toContain(`${workbook} Listes!A1  avertissement  feuille masquée "Listes" ignorée`);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Données valides : 1 état, 1 déploiement, 53 lignes.');
  });

  it('xlsx: merged communes are read in every row, rows are placed by sheet and cell', async () => {
    const { dataset } = await loadDataset(workbook);
    const lille = dataset!.etats[0]!.rows.filter((r) => r.commune === 'LILLE');
    expect(lille).toHaveLength(7);
    expect(lille[1]!.place).toEqual({ file: workbook, sheet: 'État 2019-07-15', cell: expect.stringMatching(/^A\d+$/) });
  });

  it.each(['csv-semicolon', 'csv-comma', 'xlsx'])('%s: renders every annex byte for byte as the canonical files', async (name) => {
    const data = name === 'xlsx' ? workbook : path.join(tmp, name);
    const out = path.join(tmp, `out-${name}`);
    const run = await runCli(['render', '--data', data, '--out', out]);
    expect(run.code).toBe(0);
    expect(await hashes(out)).toEqual(canonical);
    // The manifest names the files the documents came from: the workbook and dispositif.yaml beside it.
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { outputs: Record<string, { inputs: { path: string }[] }> };
    const inputs = manifest.outputs['note-presentation.pdf']!.inputs.map((i) => i.path);
    const rel = (p: string) => p; // outside the working folder: shown absolute
    expect(inputs).toEqual(expect.arrayContaining(name === 'xlsx' ? [rel(workbook), rel(path.join(path.dirname(workbook), 'dispositif.yaml'))] : [rel(path.join(data, 'dispositif.yaml')), rel(path.join(data, 'etats/2019-07-15.csv'))]));
  }, 60_000);
});

describe('alses import', () => {
  it('writes the canonical files from the workbook; they load to the same dataset', async () => {
    const to = path.join(tmp, 'imported');
    const run = await runCli(['import', workbook, '--to', to]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('etats/2019-07-15.csv : 42 lignes, nouveau');
    expect(run.stdout).toContain(`Import terminé : 4 fichiers écrits dans ${to}.`);
    const etat = await readFile(path.join(to, 'etats/2019-07-15.csv'), 'utf8');
    expect(etat.split('\n').slice(0, 3)).toEqual(['Commune;Collège;Structure porteuse;ETP', 'ANZIN;Jules Ferry;CAPEP;1', 'ARMENTIERES;Desrousseaux;en cours de négociation;1']);
    expect(etat).not.toContain('TOTAL');
    expect(await readFile(path.join(to, 'dispositif.yaml'), 'utf8')).toBe(await readFile('data/dispositif.yaml', 'utf8'));
    const strip = (d: Awaited<ReturnType<typeof loadDataset>>['dataset']) =>
      JSON.stringify(d, (k, v: unknown) => (k === 'place' || k === 'source' ? undefined : v));
    const [imported, original] = await Promise.all([loadDataset(to), loadDataset('data')]);
    expect(imported.diagnostics).toEqual([]);
    expect(strip(imported.dataset)).toBe(strip(original.dataset));
  });

  it('writes nothing when the source has an error', async () => {
    const to = path.join(tmp, 'not-imported');
    const run = await runCli(['import', 'test/fixtures/dataset/etp-range', '--to', to]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('etp/range');
    expect(run.stderr).toContain('Aucun fichier écrit');
    expect(await readdir(to).catch(() => [])).toEqual([]);
  });

  it('without --to is a usage error (exit 2)', async () => {
    const run = await runCli(['import', workbook]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--to');
  });
});

describe('other inputs as spreadsheets write them', () => {
  it('"Texte Unicode" (UTF-16 with BOM, tabulations) with a title row above the header', async () => {
    const { BASE_DEPLOIEMENT, BASE_YAML } = await import('./fixtures/dataset/generate.ts');
    const { mkdir, writeFile } = await import('node:fs/promises');
    const dir = path.join(tmp, 'unicode-text');
    await mkdir(path.join(dir, 'etats'), { recursive: true });
    await mkdir(path.join(dir, 'deploiements'), { recursive: true });
    await writeFile(path.join(dir, 'dispositif.yaml'), BASE_YAML);
    await writeFile(path.join(dir, 'deploiements/rentree-2019.csv'), BASE_DEPLOIEMENT);
    const text = 'Liste des ALSES\t\t\t\r\nCommune\tCollège\tStructure porteuse\tETP\r\nANZIN\tJules Ferry\tCAPEP\t1\r\nFOURMIES\tJoliot Curie\tAEP\t0,5\r\nTOTAL\t\t\t1,5\r\n';
    await writeFile(path.join(dir, 'etats/2019-07-15.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const { dataset, diagnostics } = await loadDataset(dir);
    expect(diagnostics).toEqual([]);
    expect(dataset!.etats[0]!.rows.map((r) => [r.college, r.etp, r.place.line])).toEqual([
      ['Jules Ferry', 1, 3],
      ['Joliot Curie', 0.5, 4],
    ]);
  });

  it('a workbook that does not exist, a CSV file given as --data, no dispositif.yaml beside the workbook: French errors, exit 1', async () => {
    const missing = await runCli(['validate', '--data', path.join(tmp, 'absent.xlsx')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('file/missing');
    expect(missing.stderr).toContain(`fichier "${path.join(tmp, 'absent.xlsx')}" introuvable`);

    const csv = await runCli(['validate', '--data', 'data/etats/2019-07-15.csv']);
    expect(csv.code).toBe(1);
    expect(csv.stderr).toContain('data/etats/2019-07-15.csv  erreur  "data/etats/2019-07-15.csv" est un fichier (attendu : le dossier des données, qui contient dispositif.yaml, ou un classeur .xlsx)  file/type');

    const { mkdir, copyFile } = await import('node:fs/promises');
    await mkdir(path.join(tmp, 'alone'), { recursive: true });
    await copyFile(workbook, path.join(tmp, 'alone/alses.xlsx'));
    const alone = await runCli(['validate', '--data', path.join(tmp, 'alone/alses.xlsx')]);
    expect(alone.code).toBe(1);
    expect(alone.stderr).toContain('(attendu : la description du dispositif (dispositif.yaml) à côté du classeur)  file/missing');
    expect(alone.stderr).not.toMatch(/\n\s+at /);
  });

  it('alses import --dispositif reads the description from elsewhere', async () => {
    const to = path.join(tmp, 'imported-elsewhere');
    const run = await runCli(['import', path.join(tmp, 'alone/alses.xlsx'), '--dispositif', 'data/dispositif.yaml', '--to', to]);
    expect(run.code).toBe(0);
    expect((await loadDataset(to)).diagnostics).toEqual([]);
  });
});

describe('alses import: paths', () => {
  it('a file of dispositif.yaml outside the data folder is refused when read (file/outside; before, import/path at writing), nothing written', async () => {
    const { BASE_DEPLOIEMENT, BASE_ETAT, BASE_YAML } = await import('./fixtures/dataset/generate.ts');
    const { mkdir, writeFile } = await import('node:fs/promises');
    const dir = path.join(tmp, 'outside/data');
    await mkdir(path.join(dir, 'deploiements'), { recursive: true });
    await writeFile(path.join(dir, 'dispositif.yaml'), BASE_YAML.replace('fichier: etats/2019-07-15.csv', 'fichier: ../etat.csv'));
    await writeFile(path.join(dir, '../etat.csv'), BASE_ETAT);
    await writeFile(path.join(dir, 'deploiements/rentree-2019.csv'), BASE_DEPLOIEMENT);
    const to = path.join(tmp, 'outside/to');
    const run = await runCli(['import', dir, '--to', to]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`fichier "../etat.csv" hors du dossier de données`);
    expect(run.stderr).toContain('file/outside');
    expect(await readdir(to).catch(() => [])).toEqual([]);
  });
});
