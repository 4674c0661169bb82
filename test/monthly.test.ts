/**
 * The monthly report and its scheduled job: figures read back from the rendered PDF and DOCX for
 * July, August and September 2019; idempotence ("unchanged", same SHA-256); two runs at once;
 * a failing render leaves the previous report intact with exit code 3.
 */
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import lockfile from 'proper-lockfile';
import { LOCK_FILE } from '../src/output/lock.ts';
import { checkReportMonth, defaultMonth, lastDayOfMonth } from '../src/reports/rapport-mensuel.ts';
import { ROOT, runCli, spawnCli } from './helpers/cli.ts';
import { unzipSync } from 'fflate';
import { docxTables, docxXml, pdfText } from './helpers/readback.ts';
import { squash, squashUnhyphenated } from './helpers/reference.ts';

let out: string;
const runs: Record<string, { code: number; stderr: string }> = {};
const pdf = async (month: string) => squash((await pdfText(await readFile(path.join(out, `rapport-mensuel-${month}.pdf`)))).join(' '));
const docx = async (month: string) => docxTables(await readFile(path.join(out, `rapport-mensuel-${month}.docx`)));
/** The DOCX table whose first header cell is `first`. */
const tableStarting = (tables: string[][][], first: string) => tables.find((t) => t[0]?.[0] === first)!;

beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'alses-monthly-'));
  for (const month of ['2019-07', '2019-08', '2019-09']) runs[month] = await runCli(['monthly', '--month', month, '--out', out]);
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('alses monthly: figures', () => {
  it('writes PDF, DOCX and HTML named after the month', async () => {
    for (const m of ['2019-07', '2019-08', '2019-09']) expect(runs[m]!.code, runs[m]!.stderr).toBe(0);
    expect((await readdir(out)).filter((f) => !f.startsWith('.') && f !== 'manifest.json').sort()).toEqual(
      ['2019-07', '2019-08', '2019-09'].flatMap((m) => ['docx', 'html', 'pdf'].map((f) => `rapport-mensuel-${m}.${f}`)),
    );
  });

  it('July 2019: 41 ETP, 42 collèges, first month without comparison', async () => {
    const text = await pdf('2019-07');
    expect(text).toContain('Rapport mensuel du dispositif ALSES – juillet 2019');
    expect(text).toMatch(/ETP en place — 41 —/);
    expect(text).toMatch(/Collèges couverts — 42 —/);
    expect(text).toContain('Premier mois couvert par les données');
    const key = tableStarting(await docx('2019-07'), 'Indicateur');
    expect(key.slice(1, 3)).toEqual([
      ['ETP en place', '—', '41', '—'],
      ['Collèges couverts', '—', '42', '—'],
    ]);
  });

  it('August 2019: no change', async () => {
    const text = await pdf('2019-08');
    expect(text).toContain('Aucun changement au cours du mois');
    const key = tableStarting(await docx('2019-08'), 'Indicateur');
    expect(key.slice(1, 3)).toEqual([
      ['ETP en place', '41', '41', '0'],
      ['Collèges couverts', '42', '42', '0'],
    ]);
  });

  it('September 2019: 52 ETP, 53 collèges, +11 collèges all in REP or REP+', async () => {
    const text = await pdf('2019-09');
    expect(text).toContain('Collèges ajoutés : 11 (11 ETP, dont 11 en REP ou REP +)');
    expect(text).toContain('part en éducation prioritaire : 100 %');
    const tables = await docx('2019-09');
    expect(tableStarting(tables, 'Indicateur').slice(1, 3)).toEqual([
      ['ETP en place', '41', '52', '+11'],
      ['Collèges couverts', '42', '53', '+11'],
    ]);
    const added = tableStarting(tables, 'Commune');
    expect(added).toHaveLength(1 + 11 + 1);
    expect(added.slice(1, -1).every((r) => r[2] === 'REP' || r[2] === 'REP +')).toBe(true);
    expect(added.at(-1)).toEqual(['TOTAL', '11']);
  });

  it('September 2019: progress to each objectif with its deliberations', async () => {
    const objectifs = tableStarting(await docx('2019-09'), 'Objectif');
    expect(objectifs.slice(1).map((r) => r.map(squash))).toEqual([
      ["atteindre une cinquantaine de postes sur le territoire d'ici 2020", '17 décembre 2015, 22 mai 2017', '50', '52', '0'],
      ["créer à l'horizon 2021 30 postes d'ALSES", '17 décembre 2018', '30', '11', '19'],
    ]);
    const text = await pdf('2019-09');
    expect(text).toContain("Objectif « atteindre une cinquantaine de postes sur le territoire d'ici 2020 » : 52 sur 50, objectif atteint.");
    expect(text).toContain("Objectif « créer à l'horizon 2021 30 postes d'ALSES » : 11 sur 30, reste 19.");
  });

  it('September 2019: posts per structure porteuse and per commune, with totals', async () => {
    const tables = await docx('2019-09');
    const parStructure = tableStarting(tables, 'Structure porteuse');
    expect(parStructure[1]).toEqual(['non désignée', '11', '11']);
    expect(parStructure).toContainEqual(['en cours de négociation', '2', '2']);
    expect(parStructure.at(-1)).toEqual(['TOTAL', '53', '52']);
    const parCommune = tableStarting(tables, 'Commune');
    expect(parCommune).toBeDefined();
  });

  it('charts come with a text alternative (DOCX image alt text, HTML aria-label)', async () => {
    const bytes = await readFile(path.join(out, 'rapport-mensuel-2019-09.docx'));
    const document = await docxXml(bytes, 'word/document.xml');
    expect(document).toMatch(/<wp:docPr [^>]*descr="[^"]*AAE : 6 ETP/);
    // Each chart is there as SVG and as its PNG rendering (shown by LibreOffice and older Word);
    // the third PNG is the letterhead's logo (data/logo.png).
    const media = Object.keys(unzipSync(bytes)).filter((f) => f.startsWith('word/media/'));
    expect(media.filter((f) => f.endsWith('.png'))).toHaveLength(3);
    expect(media.filter((f) => f.endsWith('.svg'))).toHaveLength(2);
    const html = (await readFile(path.join(out, 'rapport-mensuel-2019-09.html'))).toString('utf8');
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-label="[^"]*AAE : 6 ETP/);
  });
});

describe('alses monthly: a job to schedule and forget', () => {
  it('re-running with unchanged data reports "unchanged", same SHA-256, files not rewritten', async () => {
    const pdfPath = path.join(out, 'rapport-mensuel-2019-09.pdf');
    const before = await stat(pdfPath);
    const first = JSON.parse(runs['2019-09']!.stderr.trim().split('\n').at(-1)!) as { outputs: { sha256: string }[] };
    const again = await runCli(['monthly', '--month', '2019-09', '--out', out]);
    expect(again.code).toBe(0);
    const log = JSON.parse(again.stderr.trim().split('\n').at(-1)!) as { month: string; status: string; durationMs: number; outputs: { path: string; sha256: string; status: string }[] };
    expect(log.month).toBe('2019-09');
    expect(log.status).toBe('unchanged');
    expect(log.durationMs).toBeGreaterThan(0);
    expect(log.outputs.map((o) => o.sha256)).toEqual(first.outputs.map((o) => o.sha256));
    expect(log.outputs.every((o) => o.status === 'unchanged')).toBe(true);
    expect((await stat(pdfPath)).mtimeMs).toBe(before.mtimeMs);
    expect(again.stdout).toContain('inchangé : ');
  });

  it('two runs at once: exactly one writes, the other is locked out (exit 4) or finds nothing to change; files are whole', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alses-lock-'));
    try {
      const runs = await Promise.all([0, 1].map(() => spawnCli(['monthly', '--month', '2019-09', '--out', dir])));
      const logs = runs.map((r) => JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { status: string; exitCode: number });
      expect(logs.map((l) => l.status).sort()).toEqual(logs.some((l) => l.status === 'locked') ? ['locked', 'written'] : ['unchanged', 'written']);
      for (const [i, r] of runs.entries()) expect(r.code).toBe(logs[i]!.status === 'locked' ? 4 : 0);
      const files = (await readdir(dir)).filter((f) => !f.startsWith('.') && f !== 'manifest.json');
      expect(files.sort()).toEqual(['rapport-mensuel-2019-09.docx', 'rapport-mensuel-2019-09.html', 'rapport-mensuel-2019-09.pdf']);
      for (const f of files) expect(await readFile(path.join(dir, f))).toEqual(await readFile(path.join(out, f)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('while another run holds the output folder: exit 4 at once, or wait with --wait', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alses-held-'));
    try {
      const release = await lockfile.lock(dir, { lockfilePath: path.join(dir, LOCK_FILE), realpath: false });
      const locked = await runCli(['monthly', '--month', '2019-09', '--out', dir]);
      expect(locked.code).toBe(4);
      expect(locked.stderr).toContain('Une autre production est en cours dans');
      expect(JSON.parse(locked.stderr.trim().split('\n').at(-1)!).status).toBe('locked');
      expect((await readdir(dir)).filter((f) => !f.startsWith('.'))).toEqual([]);
      const waiting = runCli(['monthly', '--month', '2019-09', '--out', dir, '--wait', '30']);
      await new Promise((r) => setTimeout(r, 1000));
      await release();
      const done = await waiting;
      expect(done.code).toBe(0);
      expect(JSON.parse(done.stderr.trim().split('\n').at(-1)!).status).toBe('written');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a render failing midway leaves the previous report untouched, exit 3', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alses-broken-'));
    try {
      const templates = path.join(dir, 'templates');
      await cp(path.join(ROOT, 'templates'), templates, { recursive: true });
      const report = path.join(dir, 'out');
      expect((await runCli(['monthly', '--month', '2019-09', '--out', report, '--templates', templates])).code).toBe(0);
      const before = await Promise.all(['pdf', 'docx', 'html'].map((f) => readFile(path.join(report, `rapport-mensuel-2019-09.${f}`))));
      // A template that breaks while running: a helper given a text where a number is due.
      const source = await readFile(path.join(templates, 'rapport-mensuel.hbs'), 'utf8');
      await writeFile(path.join(templates, 'rapport-mensuel.hbs'), source.replace('<h2>Chiffres clés</h2>', '<h2>Chiffres clés {{etp mois}}</h2>'));
      const broken = await runCli(['monthly', '--month', '2019-09', '--out', report, '--templates', templates]);
      expect(broken.code, broken.stderr).toBe(3);
      expect(broken.stderr).toMatch(/templates\/rapport-mensuel\.hbs:15:19  erreur  Modèle : \{\{etp\}\} attend un nombre, reçu « 2019-09 »/);
      expect(JSON.parse(broken.stderr.trim().split('\n').at(-1)!).status).toBe('failed');
      const after = await Promise.all(['pdf', 'docx', 'html'].map((f) => readFile(path.join(report, `rapport-mensuel-${'2019-09'}.${f}`))));
      expect(after).toEqual(before);
      expect((await readdir(report)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('invalid data: exit 1, nothing written', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alses-invalid-'));
    try {
      const run = await runCli(['monthly', '--month', '2019-09', '--out', dir, '--data', 'test/fixtures/dataset/etp-range']);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('ETP "1,5" hors limites');
      expect((await readdir(dir)).filter((f) => !f.startsWith('.') && f !== 'manifest.json')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a month before the first état is exit 1; a malformed month is exit 2', async () => {
    const early = await runCli(['monthly', '--month', '2019-06', '--out', out]);
    expect(early.code).toBe(1);
    expect(squash(early.stderr)).toContain('Aucun état des ALSES au 30 juin 2019');
    const bad = await runCli(['monthly', '--month', '2019-13', '--out', out]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Mois « 2019-13 » invalide (attendu : AAAA-MM, ex. 2019-09)');
  });

  it('defaults to the previous calendar month in Europe/Paris', () => {
    expect(defaultMonth(new Date('2019-09-30T22:30:00Z'))).toBe('2019-09'); // 1 Oct 00:30 in Paris
    expect(defaultMonth(new Date('2019-10-01T12:00:00Z'))).toBe('2019-09');
    expect(defaultMonth(new Date('2020-01-15T12:00:00Z'))).toBe('2019-12');
    expect(lastDayOfMonth('2020-02')).toBe('2020-02-29');
  });
});

describe('alses monthly: what an operator may get wrong', () => {
  it('a month not yet over is a usage error (exit 2), logged', async () => {
    expect(() => checkReportMonth('2019-10', new Date('2019-10-31T12:00:00Z'))).toThrow('Mois « 2019-10 » non terminé (attendu : un mois achevé, au plus 2019-09)');
    expect(() => checkReportMonth('2019-09', new Date('2019-10-01T00:30:00+02:00'))).not.toThrow();
    expect(() => checkReportMonth('0000-01')).toThrow('Mois « 0000-01 » invalide');
    const run = await runCli(['monthly', '--month', '2999-01', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Mois « 2999-01 » non terminé');
    expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!).status).toBe('usage');
  });

  it('a mistyped option still leaves one log line, in the --log file, whose folder is created', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alses-log-'));
    try {
      const log = path.join(dir, 'logs/alses/mensuel.jsonl');
      const run = await runCli(['monthly', '--wiat', '600', '--log', log]);
      expect(run.code).toBe(2);
      const line = JSON.parse((await readFile(log, 'utf8')).trim()) as { status: string; exitCode: number };
      expect(line).toMatchObject({ status: 'usage', exitCode: 2 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an unwritable log file: exit 3 before rendering (issue 11), the line on stderr with a French message', async () => {
    const notAFolder = path.join(out, 'rapport-mensuel-2019-09.pdf');
    const run = await runCli(['monthly', '--month', '2019-09', '--out', out, '--log', `${notAFolder}/mensuel.jsonl`]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`alses : Journal « ${notAFolder}/mensuel.jsonl » impossible à écrire`);
    expect(run.stderr).toContain(`alses : journal « ${notAFolder}/mensuel.jsonl » impossible à écrire`);
    expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toMatchObject({ status: 'failed', exitCode: 3 });
  });

  it('--wait must be a number of seconds within a day; paths may not be empty', async () => {
    for (const wait of ['abc', '-5', '1e8']) {
      const run = await runCli(['monthly', '--month', '2019-09', '--out', out, '--wait', wait]);
      expect(run.code, wait).toBe(2);
      expect(run.stderr).toContain(`Attente « ${wait} » invalide`);
    }
    const empty = await runCli(['monthly', '--month', '2019-09', '--out', '']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('Chemin vide pour --out');
  });

  it('an ETP change prints French decimals', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alses-etp-change-'));
    try {
      const data = path.join(dir, 'data');
      await cp(path.join(ROOT, 'data'), data, { recursive: true });
      const october = (await readFile(path.join(data, 'etats/2019-07-15.csv'), 'utf8')).replace('ANZIN;Jules Ferry;CAPEP;1', 'ANZIN;Jules Ferry;CAPEP;0,5');
      const deployed = (await readFile(path.join(data, 'deploiements/rentree-2019.csv'), 'utf8')).split('\n').slice(1).filter(Boolean).map((l) => l.split(';')).map(([c, k, , e]) => `${c};${k};en cours de négociation;${e}`);
      await writeFile(path.join(data, 'etats/2019-10-15.csv'), october.trimEnd() + '\n' + deployed.join('\n') + '\n');
      const yaml = path.join(data, 'dispositif.yaml');
      await writeFile(yaml, (await readFile(yaml, 'utf8')).replace('    fichier: etats/2019-07-15.csv\n', '    fichier: etats/2019-07-15.csv\n  - date: 2019-10-15\n    fichier: etats/2019-10-15.csv\n'));
      const run = await runCli(['monthly', '--month', '2019-10', '--data', data, '--out', path.join(dir, 'out')]);
      expect(run.code, run.stderr).toBe(0);
      expect(squash((await pdfText(await readFile(path.join(dir, 'out/rapport-mensuel-2019-10.pdf')))).join(' '))).toContain('ANZIN, Jules Ferry : ETP 1 → 0,5.');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('objectifs past their deadline are "échu" with the figure at the deadline, not drawn ahead; stale data warns (exit 6)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'alses-late-'));
    try {
      const log = path.join(dir, 'journal.jsonl');
      const run = await runCli(['monthly', '--month', '2022-01', '--out', dir, '--log', log]);
      expect(run.code).toBe(6);
      expect(run.stderr).toMatch(/avertissement {2}Données anciennes : l'état ou le déploiement le plus récent date du 2 septembre 2019, plus de 12 mois avant le 31 janvier 2022 .*data\/stale/);
      // Words hyphenated at a line end ("man- quaient") are joined back before matching sentences.
      const text = squashUnhyphenated((await pdfText(await readFile(path.join(dir, 'rapport-mensuel-2022-01.pdf')))).join(' '));
      expect(text).toContain('Attention : données anciennes.');
      // The objectif's libellé is data, kept as typed ("'"); the template's text has "’".
      expect(text).toContain("Objectif « créer à l'horizon 2021 30 postes d'ALSES » : échu le 31 décembre 2021, 11 sur 30 à l’échéance (manquaient 19).");
      expect(text).toContain('Objectif « atteindre une cinquantaine de postes sur le territoire d\'ici 2020 » : échu le 31 décembre 2020, 52 sur 50 à l’échéance, objectif atteint.');
      const html = (await readFile(path.join(dir, 'rapport-mensuel-2022-01.html'), 'utf8'));
      expect(html).toContain('Graphique en escalier');
      expect(html).not.toContain('Ligne horizontale'); // the passed objectif is not drawn as a target ahead
      expect(JSON.parse((await readFile(log, 'utf8')).trim())).toMatchObject({ exitCode: 6, status: 'written', stale: { derniereDate: '2019-09-02', mois: 12 } });
      const patient = await runCli(['monthly', '--month', '2022-01', '--out', dir, '--perime-apres', '36']);
      expect(patient.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
