/**
 * Bad input at the command line: for every fault case of test/fixtures/dataset/ (one fault each),
 * `alses render` exits with code 1, prints every diagnostic in French with its file:line:column,
 * and writes nothing; `alses validate` reports the same and exits 1.
 */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/dataset/load.ts';
import { formatDiagnostic } from '../src/diagnostics.ts';
import { runCli } from './helpers/cli.ts';

const FIXTURES = 'test/fixtures/dataset';
const CLEAN = new Set(['valid-minimal', 'valid-published', 'valid-comma', 'valid-windows-1252', 'spelling-variants', 'commune-typo', 'etat-on-effet', 'csv-total-row', 'file-unlisted']);
const cases = (await readdir(FIXTURES, { withFileTypes: true })).filter((d) => d.isDirectory() && !CLEAN.has(d.name)).map((d) => d.name);

let out: string;
beforeAll(async () => {
  out = await mkdtemp(path.join(tmpdir(), 'alses-cli-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('alses render on invalid data', () => {
  it('covers at least 30 fault cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  // A fault in a file no catalogue document reads does not block them (see the next test).
  const SCOPED = ['deploiement-already-deployed'];

  it('deploiement-already-deployed: a fault in a déploiement no document reads is a warning for render, an error for validate', async () => {
    const data = `${FIXTURES}/deploiement-already-deployed`;
    const target = path.join(out, 'scoped');
    const run = await runCli(['render', '--data', data, '--out', target]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/toussaint-2019\.csv:2:1 {2}avertissement {2}collège "Turgot" \(DENAIN\) déjà doté .*sans effet sur ce qui est demandé : les documents demandés n'utilisent pas ce fichier/);
    expect((await readdir(target)).sort()).toContain('annexe-liste-juillet-2019.pdf');
    const validate = await runCli(['validate', '--data', data]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/toussaint-2019\.csv:2:1 {2}erreur/);
  });

  it.each(cases.filter((c) => !SCOPED.includes(c)))('%s: exit 1, every problem printed with its place, nothing written', async (name) => {
    const data = `${FIXTURES}/${name}`;
    const expected = (await loadDataset(data)).diagnostics.filter((d) => d.severity === 'error');
    expect(expected.length).toBeGreaterThan(0);
    const target = path.join(out, name);
    const run = await runCli(['render', '--data', data, '--out', target]);
    expect(run.code).toBe(1);
    for (const d of expected) expect(run.stderr).toContain(formatDiagnostic(d));
    expect(run.stderr).toContain('Aucun fichier écrit');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await readdir(target).catch(() => [])).toEqual([]);
  });

  it('names file, line, column, value and expectation for an ETP out of range', async () => {
    const run = await runCli(['validate', '--data', `${FIXTURES}/etp-range`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/test\/fixtures\/dataset\/etp-range\/etats\/2019-07-15\.csv:2:\d+ {2}erreur {2}ETP "1,5" hors limites/);
    expect(run.stderr).toContain('attendu : nombre décimal strictement positif et au plus 1, ex. 0,5');
  });

  it('reports all three faults of one file at once', async () => {
    const run = await runCli(['validate', '--data', `${FIXTURES}/three-faults`]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/3 erreurs/);
  });

  it('errors in one catalogue entry block only that document: the monthly report and the other documents are still produced (regression: every command refused the data)', async () => {
    const data = path.join(out, 'faulty-document');
    await cp('data', data, { recursive: true });
    const yaml = path.join(data, 'dispositif.yaml');
    await writeFile(yaml, `${await readFile(yaml, 'utf8')}  - id: annexe-faute\n    modele: annexe-deploiement\n    deploiement: rentree-2019\n    deliberation: 2019-07-99\n  - id: annexe-date\n    modele: annexe-liste\n    au: 2020-13-01\n`);
    const validate = await runCli(['validate', '--data', data]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain('délibération "2019-07-99" inconnue');
    expect(validate.stderr).toContain('date "2020-13-01" invalide');

    const monthly = await runCli(['monthly', '--month', '2019-09', '--data', data, '--out', path.join(out, 'faulty-document-monthly')]);
    expect(monthly.code, monthly.stderr).toBe(0);
    expect(monthly.stderr).toContain('date "2020-13-01" invalide (attendu : une date du calendrier au format AAAA-MM-JJ, ex. 2019-07-15) — sans effet sur ce qui est demandé : le document « annexe-date » du catalogue, non demandé, n\'est pas produit');
    expect(await readFile(path.join(out, 'faulty-document-monthly', 'rapport-mensuel-2019-09.html'), 'utf8')).toContain('53');

    const all = await runCli(['render', '--data', data, '--out', path.join(out, 'faulty-document-all'), '--format', 'html']);
    expect(all.code).toBe(1);
    expect(all.stderr).toContain('Documents empêchés par ces erreurs : annexe-faute, annexe-date ; les autres ne dépendent pas de ce qui est en faute et peuvent être produits en les nommant : alses render annexe-deploiement-rentree-2019 annexe-liste-juillet-2019 note-presentation');

    const one = await runCli(['render', 'annexe-liste-juillet-2019', '--data', data, '--out', path.join(out, 'faulty-document-one'), '--format', 'html']);
    expect(one.code, one.stderr).toBe(0);
    expect(await readdir(path.join(out, 'faulty-document-one'))).toContain('annexe-liste-juillet-2019.html');

    const faulty = await runCli(['render', 'annexe-date', '--data', data, '--out', path.join(out, 'faulty-document-date'), '--format', 'html']);
    expect(faulty.code).toBe(1);
    expect(faulty.stderr).toMatch(/erreur {2}date "2020-13-01" invalide/);
    expect(faulty.stderr).toMatch(/avertissement {2}délibération "2019-07-99" inconnue/);
  });

  it('a déploiement whose effet date is wrong: the errors of its table come at once (hostile trial: only once the date was fixed)', async () => {
    const data = path.join(out, 'effet-and-rows');
    await cp('data', data, { recursive: true });
    const yaml = path.join(data, 'dispositif.yaml');
    await writeFile(yaml, (await readFile(yaml, 'utf8')).replace('    effet: 2019-09-02', '    effet: 2019-09-31'));
    const csv = path.join(data, 'deploiements/rentree-2019.csv');
    await writeFile(csv, (await readFile(csv, 'utf8')).replace('CAUDRY;Jacques Prévert;REP;1', 'CAUDRY;Jacques Prévert;REP;0'));
    const run = await runCli(['validate', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('date "2019-09-31" invalide');
    expect(run.stderr).toMatch(/rentree-2019\.csv:2:\d+ {2}erreur {2}ETP "0" hors limites/);
    expect(run.stderr).toContain('2 erreurs');
  });

  it('an error in dispositif.yaml hides no unknown modèle of the catalogue (regression: the modèle was reported only once the date was fixed)', async () => {
    const data = path.join(out, 'hidden-modele');
    await cp('data', data, { recursive: true });
    const yaml = path.join(data, 'dispositif.yaml');
    const text = await readFile(yaml, 'utf8');
    const edited = text.replace('    au: 2019-07-15\n', '    au: 2019-13-15\n').replace('    modele: note-presentation\n', '    modele: note-presentatoin\n');
    expect(edited).not.toBe(text);
    await writeFile(yaml, edited);
    const line = (needle: string) => edited.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const run = await runCli(['validate', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`dispositif.yaml:${line('au: 2019-13-15')}:9  erreur  date "2019-13-15" invalide`);
    expect(run.stderr).toContain(`dispositif.yaml:${line('modele: note-presentatoin')}:13  erreur  Modèle « note-presentatoin » du document « note-presentation » introuvable (attendu : l'un de annexe-deploiement, annexe-liste, note-presentation, rapport-mensuel)`);
    expect(run.stderr).toContain('2 erreurs');
  });

  it('validate --format json lists the same problems for other tools', async () => {
    const run = await runCli(['validate', '--format', 'json', '--data', `${FIXTURES}/etp-range`]);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { valide: boolean; problemes: { ruleId: string; place: { line: number } }[] };
    expect(report.valide).toBe(false);
    expect(report.problemes.map((p) => p.ruleId)).toContain('etp/range');
  });

  it('validate passes on the real data with exit 0', async () => {
    const run = await runCli(['validate']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Données valides : 1 état, 1 déploiement, 53 lignes.');
  });
});

describe('usage errors', () => {
  it('an unknown format is exit 2 with a French message', async () => {
    const run = await runCli(['render', '--format', 'odt', '--out', path.join(out, 'usage')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Format « odt » inconnu (attendu : pdf, docx, html');
  });
  it('--wait given twice is a usage error that says so (hostile trial: « Attente « 600,0 » invalide »)', async () => {
    const run = await runCli(['render', '--wait', '600', '--wait', '0', '--out', path.join(out, 'wait-twice')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--wait donné 2 fois (600, 0) : attendu une seule fois, ex. --wait 600');
  });
  it('an unknown command or option is exit 2', async () => {
    expect((await runCli(['imprimer'])).code).toBe(2);
    expect((await runCli(['render', '--couleur'])).code).toBe(2);
  });
  it('an unknown document is a usage error (exit 2) naming the catalogue documents and templates available', async () => {
    const run = await runCli(['render', 'annexe-inconnue', '--out', path.join(out, 'unknown')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("« annexe-inconnue » n'est ni un document du catalogue ni un modèle");
    expect(run.stderr).toContain('annexe-liste-juillet-2019');
    expect(run.stderr).toContain('annexe-liste,');
  });

  it('--au without a template, with a catalogue document, or not a date, is a usage error (exit 2)', async () => {
    for (const args of [['--au', '2020-09-30'], ['annexe-liste-juillet-2019', '--au', '2020-09-30'], ['annexe-liste', '--au', '30/09/2020']]) {
      const run = await runCli(['render', ...args, '--out', path.join(out, 'au')]);
      expect(run.code, args.join(' ')).toBe(2);
    }
  });

  it('a template without the parameter it needs is exit 1, placed at its front matter', async () => {
    const run = await runCli(['render', 'annexe-liste', '--out', path.join(out, 'no-au')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/templates\/annexe-liste\.hbs:7  erreur  Le modèle « annexe-liste » demande le paramètre --au pour « annexe-liste »/);
  });
});

describe('names a spreadsheet would run as formulas', () => {
  it('a commune or collège starting with = + @ is an error with its place (CSV injection)', async () => {
    const data = path.join(out, 'formula-data');
    await cp('test/fixtures/dataset/valid-minimal', data, { recursive: true });
    const etat = path.join(data, 'etats/2019-07-15.csv');
    await writeFile(etat, (await readFile(etat, 'utf8')).replace('ANZIN;Jules Ferry', '=HYPERLINK("x");@Jules Ferry'));
    const run = await runCli(['validate', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/etats\/2019-07-15\.csv:2:1 {2}erreur {2}commune "=HYPERLINK\("x"\)" commençant par "=", lu comme une formule par un tableur/);
    expect(run.stderr).toMatch(/etats\/2019-07-15\.csv:2:\d+ {2}erreur {2}nom du collège "@Jules Ferry" commençant par "@"/);
  });

  it('a leading - is refused too (regression: "-2+3" passed the check and import wrote it out)', async () => {
    const data = path.join(out, 'formula-minus');
    await cp('test/fixtures/dataset/valid-minimal', data, { recursive: true });
    const etat = path.join(data, 'etats/2019-07-15.csv');
    await writeFile(etat, (await readFile(etat, 'utf8')).replace('ANZIN;Jules Ferry', 'ANZIN;-2+3'));
    const run = await runCli(['validate', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/etats\/2019-07-15\.csv:2:\d+ {2}erreur {2}nom du collège "-2\+3" commençant par "-", lu comme une formule par un tableur \(attendu : un nom, sans = \+ - @ ni tabulation au début\)/);
  });
});

describe('alses import', () => {
  it('a second import of the same source rewrites nothing ("inchangé")', async () => {
    const to = path.join(out, 'imported');
    expect((await runCli(['import', 'data', '--to', to])).code).toBe(0);
    const again = await runCli(['import', 'data', '--to', to]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('etats/2019-07-15.csv : 42 lignes, inchangé');
    expect(again.stdout).toContain(`Rien à écrire : ${to} est déjà à jour.`);
  });
});
