/**
 * The yearly job of the staff, played as the README's "Chaque année" section tells it, on a
 * fresh copy of data/ and with the real templates/: rentrée 2020 (délibération of 6 July 2020
 * creating 5 posts in 5 new collèges, état at 15 July 2020). Only the README's commands and CSV
 * rows typed as staff would; no template file created, no YAML written by hand. Figures are read
 * back from the produced PDF and DOCX.
 */
import { appendFile, cp, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/cli.ts';
import { docxTables, pdfText } from './helpers/readback.ts';
import { DEPLOIEMENT_RENTREE_2019, expectedRows, LISTE_JUILLET_2019, squash } from './helpers/reference.ts';

let work: string;
let data: string;
let out: string;

/** Runs `alses …` and expects success. */
async function alses(...args: string[]): Promise<string> {
  const run = await runCli(args);
  expect(run.code, `${args.join(' ')}\n${run.stderr}`).toBe(0);
  return run.stdout;
}

const read = (name: string) => readFile(path.join(out, name));
const pdfLines = async (name: string) => (await pdfText(await read(name))).map(squash);
const pdfJoined = async (name: string) => (await pdfLines(name)).join('\n');

/** The five collèges of the rentrée 2020, as staff type them into the new déploiement file. */
const RENTREE_2020 = ['LILLE;Carnot;REP +;1', 'ROUBAIX;Jean Lebas;REP +;1', 'TOURCOING;Roger Salengro;REP;1', 'VALENCIENNES;Jean Moulin;REP +;1', 'MAUBEUGE;Coutelle;REP;1'];

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'alses-annee-'));
  data = path.join(work, 'data');
  out = path.join(work, 'out');
  await cp(path.join(ROOT, 'data'), data, { recursive: true });
  const templates = path.join(ROOT, 'templates');
  const opts = ['--data', data];
  await alses('deliberation', 'ajouter', ...opts, '--date', '2020-07-06', '--objet', 'déploiement de 5 postes ALSES supplémentaires à la rentrée 2020');
  await alses('etat', ...opts, '--au', '2020-07-15');
  await alses('deploiement', 'ajouter', ...opts, '--id', 'rentree-2020', '--libelle', 'rentrée 2020', '--deliberation', '2020-07-06', '--effet', '2020-09-01');
  await appendFile(path.join(data, 'deploiements/rentree-2020.csv'), RENTREE_2020.map((l) => l + '\n').join(''));
  await alses('document', 'ajouter', ...opts, '--id', 'annexe-deploiement-rentree-2020', '--modele', 'annexe-deploiement', '--deploiement', 'rentree-2020', '--annexe', '1');
  await alses('document', 'ajouter', ...opts, '--id', 'annexe-liste-juillet-2020', '--modele', 'annexe-liste', '--au', '2020-07-15', '--deliberation', '2020-07-06', '--annexe', '2');
  await alses('validate', ...opts, '--templates', templates);
  await alses('render', ...opts, '--templates', templates, '--out', out, '--format', 'pdf,docx');
  await alses('render', 'annexe-liste', '--au', '2020-09-30', ...opts, '--templates', templates, '--out', out, '--format', 'pdf,docx');
  await alses('monthly', '--month', '2020-09', ...opts, '--templates', templates, '--out', out);
}, 240_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('rentrée 2020, from the README only', () => {
  it('writes the 2019 and 2020 catalogue documents, the list at 2020-09-30 and the monthly report', async () => {
    const names = await readdir(out);
    for (const base of ['annexe-deploiement-rentree-2019', 'annexe-liste-juillet-2019', 'note-presentation', 'annexe-deploiement-rentree-2020', 'annexe-liste-juillet-2020', 'annexe-liste-2020-09-30']) {
      expect(names).toContain(`${base}.pdf`);
      expect(names).toContain(`${base}.docx`);
    }
    expect(names).toContain('rapport-mensuel-2020-09.pdf');
  });

  it('list annex at 2020-07-15: 52 ETP in 53 collèges (PDF and DOCX)', async () => {
    const text = await pdfJoined('annexe-liste-juillet-2020.pdf');
    expect(text).toMatch(/52 postes \(ETP\) répartis dans 53 collèges/);
    expect(text).toMatch(/TOTAL 52/);
    const [table] = await docxTables(await read('annexe-liste-juillet-2020.docx'));
    expect(table).toHaveLength(1 + 53 + 1);
    expect(table!.at(-1)!.map(squash)).toEqual(['TOTAL', '52']);
  });

  it('deployment annex rentrée 2020: 5 collèges, TOTAL 5, headed with the 6 July 2020 délibération', async () => {
    const text = await pdfJoined('annexe-deploiement-rentree-2020.pdf');
    expect(text).toMatch(/délibération du 6 juillet 2020/);
    expect(text).not.toMatch(/1er juillet 2019/);
    const [table] = await docxTables(await read('annexe-deploiement-rentree-2020.docx'));
    const rows = table!.map((r) => r.map(squash));
    // In commune order, as the published annexes are: MAUBEUGE, typed last, comes second.
    expect(rows.slice(1, -1).map((r) => r[1])).toEqual(['Carnot', 'Coutelle', 'Jean Lebas', 'Roger Salengro', 'Jean Moulin']);
    expect(rows.at(-1)).toEqual(['TOTAL', '5']);
  });

  it('list annex at 2020-09-30 (no état file of that date): 57 ETP in 58 collèges', async () => {
    const text = await pdfJoined('annexe-liste-2020-09-30.pdf');
    expect(text).toMatch(/État au 30 septembre 2020 : 57 postes \(ETP\) répartis dans 58 collèges/);
    const [table] = await docxTables(await read('annexe-liste-2020-09-30.docx'));
    expect(table).toHaveLength(1 + 58 + 1);
    expect(table!.at(-1)!.map(squash)).toEqual(['TOTAL', '57']);
  });

  it('list annex at 2020-09-30: the rentrée 2020 collèges among the others, in commune order (PDF and DOCX)', async () => {
    const [table] = await docxTables(await read('annexe-liste-2020-09-30.docx'));
    const rows = table!.slice(1, -1).map((r) => r.map(squash));
    const communes = rows.map((r) => r[0]!);
    expect(communes).toEqual([...communes].sort((a, b) => a.localeCompare(b, 'fr', { sensitivity: 'base' })));
    // MAUBEUGE Coutelle, typed last in rentree-2020.csv, sits after MAUBEUGE Vauban and Jules Verne (typed order within a commune).
    const maubeuge = rows.filter((r) => r[0] === 'MAUBEUGE').map((r) => r[1]);
    expect(maubeuge).toEqual(['Vauban', 'Jules Verne', 'Coutelle']);
    expect(rows.at(-1)).toEqual(['WAZIERS', 'Romain Rolland', 'Bouée des jeunes', '1']);
    const text = await pdfJoined('annexe-liste-2020-09-30.pdf');
    expect(text).toMatch(/MAUBEUGE Vauban .*MAUBEUGE Jules Verne .*MAUBEUGE Coutelle .*MONS EN BAROEUL .*WAZIERS Romain Rolland .*TOTAL 57/s);
  });

  it('monthly report 2020-09 lists the collèges added in commune order (DOCX)', async () => {
    const tables = await docxTables(await read('rapport-mensuel-2020-09.docx'));
    const added = tables.find((t) => t.some((r) => r.map(squash).includes('Coutelle')) && t.length === 1 + 5 + 1)!;
    expect(added.slice(1, -1).map((r) => squash(r[1]!))).toEqual(['Carnot', 'Coutelle', 'Jean Lebas', 'Roger Salengro', 'Jean Moulin']);
  });

  it('monthly report 2020-09: +5 collèges, objectif of 30 posts by 2021 at 16, 14 to go', async () => {
    const text = await pdfJoined('rapport-mensuel-2020-09.pdf');
    expect(text).toMatch(/Collèges ajoutés : 5 \(5 ETP, dont 5 en REP ou REP \+\)/);
    expect(text).toMatch(/Objectif « créer à l'horizon 2021 30 postes d'ALSES » : 16 sur 30, reste 14\./);
  });

  it('the new état is written in commune order, the rentrée 2019 collèges among the others', async () => {
    const communes = (await readFile(path.join(data, 'etats/2020-07-15.csv'), 'utf8')).trim().split('\n').slice(1).map((l) => l.split(';')[0]!);
    expect(communes).toHaveLength(53);
    expect(communes).toEqual([...communes].sort((a, b) => a.localeCompare(b, 'fr', { sensitivity: 'base' })));
  });

  it('a catalogue entry naming a déploiement, délibération or modèle that does not exist is refused at once (exit 2), and an entry can be removed', async () => {
    const cases = [
      ['rentre-2020', '--modele', 'annexe-deploiement', '--deploiement', 'rentre-2020'],
      ['2020-07-07', '--modele', 'annexe-liste', '--au', '2020-07-15', '--deliberation', '2020-07-07'],
      ['annexe-listes', '--modele', 'annexe-listes', '--au', '2020-07-15'],
    ];
    for (const [value, ...options] of cases) {
      const run = await runCli(['document', 'ajouter', '--data', data, '--id', 'faute', ...options]);
      expect(run.code, options.join(' ')).toBe(2);
      expect(run.stderr).toContain(`« ${value} »`);
    }
    const yaml = await readFile(path.join(data, 'dispositif.yaml'), 'utf8');
    expect(yaml).not.toContain('faute');
    await alses('document', 'ajouter', '--data', data, '--id', 'essai', '--modele', 'annexe-liste', '--au', '2020-01-01');
    await alses('document', 'supprimer', '--data', data, '--id', 'essai');
    expect(await readFile(path.join(data, 'dispositif.yaml'), 'utf8')).toBe(yaml);
  });

  it('adding an id that exists is refused in French agreed with the entry (« la délibération … pour la modifier »)', async () => {
    const deliberation = await runCli(['deliberation', 'ajouter', '--data', data, '--date', '2020-07-06', '--objet', 'doublon']);
    expect(deliberation.code).toBe(1);
    expect(deliberation.stderr).toContain('la délibération « 2020-07-06 » existe déjà dans');
    expect(deliberation.stderr).toContain('(attendu : un id nouveau ; pour la modifier, éditez le fichier)');
    const document = await runCli(['document', 'ajouter', '--data', data, '--id', 'annexe-liste-juillet-2020', '--modele', 'annexe-liste', '--au', '2020-07-15']);
    expect(document.stderr).toContain('(attendu : un id nouveau ; pour le modifier, retirez-le du catalogue (« Retirer du catalogue » sur la page, ou alses document supprimer) puis ajoutez-le de nouveau)');
  });

  it('the 2019 annexes still reproduce both reference tables cell for cell', async () => {
    const expected = expectedRows;
    expect((await docxTables(await read('annexe-liste-juillet-2019.docx'))).map((t) => t.map((r) => r.map(squash)))).toEqual([expected(LISTE_JUILLET_2019)]);
    expect((await docxTables(await read('annexe-deploiement-rentree-2019.docx'))).map((t) => t.map((r) => r.map(squash)))).toEqual([expected(DEPLOIEMENT_RENTREE_2019)]);
  });
});

describe('a typo in one état blocks only the documents that read it', () => {
  let dir: string;
  let typoData: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'alses-typo-'));
    typoData = path.join(dir, 'data');
    await cp(path.join(ROOT, 'data'), typoData, { recursive: true });
    await alses('etat', '--data', typoData, '--au', '2020-07-15');
    await alses('document', 'ajouter', '--data', typoData, '--id', 'annexe-liste-juillet-2020', '--modele', 'annexe-liste', '--au', '2020-07-15');
    const etat = path.join(typoData, 'etats/2020-07-15.csv');
    const text = await readFile(etat, 'utf8');
    await writeFile(etat, text.replace('ANZIN;Jules Ferry;CAPEP;1', 'ANZIN;Jules Ferry;CAPEP;1,5'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the 2019 annexes and the 2019 monthly report render, the typo shown as a warning', async () => {
    const target = path.join(dir, 'out-2019');
    const run = await runCli(['render', 'annexe-liste-juillet-2019', 'annexe-deploiement-rentree-2019', '--data', typoData, '--out', target, '--format', 'pdf']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/etats\/2020-07-15\.csv:2:\d+ {2}avertissement {2}ETP "1,5" hors limites/);
    expect((await readdir(target)).sort()).toEqual(['annexe-deploiement-rentree-2019.pdf', 'annexe-liste-juillet-2019.pdf', 'manifest.json']);
    const monthly = await runCli(['monthly', '--month', '2019-09', '--data', typoData, '--out', path.join(dir, 'out-monthly')]);
    expect(monthly.code, monthly.stderr).toBe(0);
  });

  it('a list at a date that reads the état with the typo: exit 1, nothing written', async () => {
    const target = path.join(dir, 'out-2020');
    const run = await runCli(['render', 'annexe-liste', '--au', '2020-09-30', '--data', typoData, '--out', target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/etats\/2020-07-15\.csv:2:\d+ {2}erreur {2}ETP "1,5" hors limites/);
    expect(await readdir(target).catch(() => [])).toEqual([]);
    const monthly = await runCli(['monthly', '--month', '2020-09', '--data', typoData, '--out', path.join(dir, 'out-monthly-2020')]);
    expect(monthly.code).toBe(1);
  });

  it('the whole catalogue: nothing written, and the message names the documents that can be rendered', async () => {
    const target = path.join(dir, 'out-all');
    const run = await runCli(['render', '--data', typoData, '--out', target]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Documents empêchés par ces erreurs : .* ; les autres .* alses render annexe-deploiement-rentree-2019 annexe-liste-juillet-2019 note-presentation/);
    expect(run.stderr).toMatch(/Documents empêchés par ces erreurs : annexe-liste-juillet-2020 ;/);
    expect(await readdir(target).catch(() => [])).toEqual([]);
  });

  it('alses validate still reports it as an error', async () => {
    const run = await runCli(['validate', '--data', typoData]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/etats\/2020-07-15\.csv:2:\d+ {2}erreur {2}ETP "1,5"/);
  });
});
