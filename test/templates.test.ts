/**
 * Templates: front matter, the HTML subset checked against the template's own lines, values
 * always escaped (a collège named `A & B <i>` prints literally in PDF, DOCX and HTML), strict
 * field lookup, and `alses templates`.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayPath } from '../src/diagnostics.ts';
import { loadTemplates } from '../src/templates/environment.ts';
import { ROOT, runCli } from './helpers/cli.ts';
import { docxTables, docxXml, htmlTables, pdfText } from './helpers/readback.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'alses-templates-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a templates folder holding one template `t.hbs` with the given source. */
async function templatesWith(name: string, source: string): Promise<string> {
  const folder = path.join(dir, name);
  await cp(path.join(ROOT, 'templates/partials'), path.join(folder, 'partials'), { recursive: true });
  await writeFile(path.join(folder, 't.hbs'), source);
  return folder;
}

const FRONT = `---
title: Essai
data:
  etat: "2019-07-15"
---
`;

describe('template checks name the template file and line', () => {
  it('an unknown tag and an unknown attribute', async () => {
    const folder = await templatesWith('unknown', `${FRONT}<h1>Titre</h1>\n{{#each etat.rows}}\n<p>{{college}}</p>\n<div class="x">{{commune}}</div>\n{{/each}}\n<p style="color: red">x</p>\n`);
    const { diagnostics, templates } = await loadTemplates(folder);
    expect(templates).toEqual([]);
    const file = displayPath(path.join(folder, 't.hbs'));
    expect(diagnostics.map((d) => [d.ruleId, d.place?.file, d.place?.line])).toEqual([
      ['template/unknown-tag', file, 9],
      ['template/unknown-attribute', file, 11],
    ]);
    const run = await runCli(['render', 't', '--templates', folder, '--out', path.join(dir, 'out-unknown')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:9:1  erreur  Balise <div> non prise en charge`);
    expect(run.stderr).toContain(`${file}:11:1  erreur  Attribut « style » non pris en charge sur <p>`);
    expect(await readdir(path.join(dir, 'out-unknown')).catch(() => [])).toEqual([]);
  });

  it('an unescaped {{{ }}} expression, a Handlebars syntax error, a bad front matter', async () => {
    const unescaped = await loadTemplates(await templatesWith('triple', `${FRONT}<p>{{{etat.date}}}</p>\n`));
    expect(unescaped.diagnostics.map((d) => [d.ruleId, d.place?.line])).toEqual([['template/unescaped', 6]]);
    const syntax = await loadTemplates(await templatesWith('syntax', `${FRONT}<p>\n{{#each etat.rows}}\n</p>\n`));
    expect(syntax.diagnostics[0]!.ruleId).toBe('template/syntax');
    const front = await loadTemplates(await templatesWith('front', `---\ntitle: Essai\norientation: paysage\ncouleur: rouge\n---\n<p>x</p>\n`));
    expect(front.diagnostics.map((d) => [d.ruleId, d.place?.line, d.message])).toEqual([
      ['template/front-matter', 3, 'En-tête YAML : valeur invalide pour « orientation » (attendu : portrait ou landscape)'],
      ['template/front-matter', 4, 'En-tête YAML : clé(s) inconnue(s) « couleur » (attendu : title, subject, description, orientation, header, footer, deliberation, date, parametres, data, kind)'],
    ]);
  });

  it('a misspelt field is an error, never an empty cell', async () => {
    const folder = await templatesWith('strict', `${FRONT}<p>{{etat.totalEtpp}}</p>\n`);
    const run = await runCli(['render', 't', '--templates', folder, '--out', path.join(dir, 'out-strict')]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain('t.hbs:6:4  erreur  Modèle : la donnée « etat.totalEtpp » n\'existe pas');
    expect(await readdir(path.join(dir, 'out-strict')).catch(() => [])).toEqual([]);
  });
});

describe('misspellings are errors found by validate, placed in the right file', () => {
  it('a misspelt list in a partial ({{#each etat.row}}): validate exit 1 naming the partial and its line; render writes nothing', async () => {
    const folder = path.join(dir, 'each-typo');
    await cp(path.join(ROOT, 'templates'), folder, { recursive: true });
    const partial = path.join(folder, 'partials/tableau-liste.hbs');
    await writeFile(partial, (await readFile(partial, 'utf8')).replace('{{#each etat.rows}}', '{{#each etat.row}}'));
    const validate = await runCli(['validate', '--templates', folder]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain(`${displayPath(partial)}:11:1  erreur  Modèle : {{#each}} sur une donnée qui n'existe pas`);
    const out = path.join(dir, 'out-each-typo');
    const render = await runCli(['render', '--templates', folder, '--out', out]);
    expect(render.code).toBe(3);
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it('an état before the first one: validate exit 1 at the front-matter line', async () => {
    const folder = path.join(dir, 'etat-typo');
    await cp(path.join(ROOT, 'templates'), folder, { recursive: true });
    const file = path.join(folder, 'note-presentation.hbs');
    await writeFile(file, (await readFile(file, 'utf8')).replace('etat: "2019-07-15"', 'etat: "2019-07-14"'));
    const run = await runCli(['validate', '--templates', folder]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`${displayPath(file).replace(/[.]/g, '\\.')}:9  erreur  Aucun état au 14/07/2019 ou avant \\(attendu : une date à partir du 15/07/2019, date du premier état\\)`),
    );
  });

  it('a catalogue date before the first état: validate exit 1 at its line in dispositif.yaml', async () => {
    const data = path.join(dir, 'data-au-typo');
    await cp(path.join(ROOT, 'data'), data, { recursive: true });
    const yaml = path.join(data, 'dispositif.yaml');
    const text = await readFile(yaml, 'utf8');
    await writeFile(yaml, text.replace('    au: 2019-07-15', '    au: 2019-07-14'));
    const line = text.split('\n').findIndex((l) => l === '    au: 2019-07-15') + 1;
    const run = await runCli(['validate', '--data', data]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `${displayPath(yaml)}:${line}:9  erreur  document "annexe-liste-juillet-2019" : état demandé au 14 juillet 2019, avant le premier état, du 15 juillet 2019 (attendu : une date à partir du premier état)  etat/before-first`,
    );
  });

  it('Handlebars syntax errors are in French with the line', async () => {
    const unclosed = await loadTemplates(await templatesWith('unclosed', `${FRONT}{{#each etat.rows}}\n<p>{{college}}</p>\n{{/if}}\n`));
    expect(unclosed.diagnostics.map((d) => [d.place?.line, d.message])).toEqual([[6, 'Erreur de syntaxe Handlebars : bloc {{#each}} fermé par {{/if}} (attendu : {{/each}})']]);
  });
});

describe('more template mistakes caught', () => {
  it('an expression printing an object is an error, not "[object Object]"', async () => {
    const folder = await templatesWith('object', `${FRONT}<p>{{etat.rows}}</p>\n`);
    const run = await runCli(['validate', '--templates', folder]);
    expect(run.code).toBe(1);
    // Placed on the template's line and column (it used to be a line of the rendered output).
    expect(run.stderr).toContain('t.hbs:6:4  erreur  Modèle : Expression « {{etat.rows}} » : elle affiche une liste au lieu d\'un texte');
  });

  it('a table row of the wrong width is reported once per table, not once per row', async () => {
    const folder = await templatesWith('width', `${FRONT}<table><colgroup><col width="50%"><col width="50%"></colgroup><tbody>{{#each etat.rows}}<tr><td>{{college}}</td></tr>{{/each}}</tbody></table>\n`);
    const run = await runCli(['validate', '--templates', folder]);
    expect(run.code).toBe(1);
    expect(run.stderr.match(/template\/table-row-width/g)).toHaveLength(1);
    expect(run.stderr).toContain('La ligne 1 du tableau occupe 1 colonne (et 41 autres lignes de même) (attendu : 2, selon <colgroup>)');
  });

  it('a templates folder without templates is an error', async () => {
    const empty = path.join(dir, 'no-templates');
    await mkdir(empty, { recursive: true });
    const run = await runCli(['render', '--templates', empty, '--out', path.join(dir, 'out-none')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Aucun modèle dans');
  });
});

describe('values are always escaped', () => {
  it('{{__proto__}}, {{lookup this "constructor"}}, {{hasOwnProperty}} are errors, not empty values nor an English warning (issue 12; hostile trial: hasOwnProperty)', async () => {
    for (const expression of ['{{__proto__}}', '{{lookup this "constructor"}}', '{{hasOwnProperty}}', '{{etat.toString}}', '{{helperMissing}}']) {
      const folder = await templatesWith(`proto-${expression.length}`, `${FRONT}<p>${expression}</p>\n`);
      const run = await runCli(['validate', '--templates', folder]);
      expect(run.code, expression).toBe(1);
      expect(run.stderr).toContain(`Expression « ${expression} »`);
      expect(run.stderr).toContain('template/prototype');
      expect(run.stderr).not.toContain('Access has been denied');
    }
  });

  it('{{& … }} is refused like {{{ … }}} (issue 12: no way around the escaping)', async () => {
    const folder = await templatesWith('ampersand', `${FRONT}<p>{{& etat.date}}</p>\n`);
    const run = await runCli(['validate', '--templates', folder]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Expression « {{& … }} » non échappée interdite');
  });

  it("front-matter fields are text: « Département de l'Aisne » and « AL&SES » print as written in PDF, DOCX and HTML (regression: &#x27; and &amp;amp;)", async () => {
    const data = path.join(dir, 'data-aisne');
    await cp(path.join(ROOT, 'data'), data, { recursive: true });
    const yaml = path.join(data, 'dispositif.yaml');
    await writeFile(yaml, (await readFile(yaml, 'utf8')).replace('nom: Département du Nord', "nom: Département de l'Aisne").replace('sigle: ALSES', 'sigle: AL&SES'));
    const out = path.join(dir, 'out-aisne');
    const run = await runCli(['render', 'annexe-liste-juillet-2019', '--data', data, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const base = path.join(out, 'annexe-liste-juillet-2019');
    const pdf = (await pdfText(await readFile(`${base}.pdf`))).join('\n');
    expect(pdf).toContain("Département de l'Aisne — Dispositif AL&SES");
    expect(pdf).not.toMatch(/&#x27;|&amp;/);
    const header = await docxXml(await readFile(`${base}.docx`), 'word/header1.xml').catch(async () => docxXml(await readFile(`${base}.docx`), 'word/header2.xml'));
    expect(header).toContain('Département de l&apos;Aisne — Dispositif AL&amp;SES');
    const html = await readFile(`${base}.html`, 'utf8');
    expect(html).not.toContain('&amp;#x27;');
    expect(html).not.toContain('&amp;amp;');
    expect(html).toMatch(/<title>Liste des AL&amp;SES au sein des collèges/);
  });

  it('a collège named `A & B <i>` prints literally in PDF, DOCX and HTML', async () => {
    const data = path.join(dir, 'data-escape');
    await cp(path.join(ROOT, 'test/fixtures/dataset/valid-minimal'), data, { recursive: true });
    const etat = path.join(data, 'etats/2019-07-15.csv');
    await writeFile(etat, (await readFile(etat, 'utf8')).replace('Jules Ferry', 'A & B <i>'));
    const out = path.join(dir, 'out-escape');
    const run = await runCli(['render', 'annexe-liste-juillet-2019', '--data', data, '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const base = path.join(out, 'annexe-liste-juillet-2019');
    expect((await docxTables(await readFile(`${base}.docx`)))[0]![1]).toEqual(['ANZIN', 'A & B <i>', 'CAPEP', '1']);
    expect(htmlTables((await readFile(`${base}.html`)).toString('utf8'))[0]![1]).toEqual(['ANZIN', 'A & B <i>', 'CAPEP', '1']);
    expect((await readFile(`${base}.html`)).toString('utf8')).toContain('A &amp; B &lt;i&gt;');
    expect((await pdfText(await readFile(`${base}.pdf`))).join('\n')).toMatch(/ANZIN\s+A & B <i>\s+CAPEP\s+1/);
  });
});

describe('characters the font cannot print', () => {
  it('in the data: an error placed on the value (file:line:column), found by validate and by render, with nothing written (exit 1)', async () => {
    const data = path.join(dir, 'data-glyph');
    await cp(path.join(ROOT, 'test/fixtures/dataset/valid-minimal'), data, { recursive: true });
    const etat = path.join(data, 'etats/2019-07-15.csv');
    await writeFile(etat, (await readFile(etat, 'utf8')).replace('Jules Ferry', 'Jules Ferry ☃'));
    // Regression (issue 12): it was placed on the template, which only prints the value.
    const placed = /etats\/2019-07-15\.csv:2:7 {2}erreur {2}nom du collège "Jules Ferry ☃" : « ☃ » \(U\+2603\) absent\(s\) de la police des documents.*cell\/glyph/;
    const validate = await runCli(['validate', '--data', data]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(placed);
    const out = path.join(dir, 'out-glyph');
    const run = await runCli(['render', 'annexe-liste-juillet-2019', '--data', data, '--out', out, '--format', 'pdf']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(placed);
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });

  it('in the text of a template: an error naming the template, found by validate and by render, with nothing written (exit 1)', async () => {
    const templates = path.join(dir, 'templates-glyph');
    await cp(path.join(ROOT, 'templates'), templates, { recursive: true });
    const liste = path.join(templates, 'annexe-liste.hbs');
    await writeFile(liste, (await readFile(liste, 'utf8')).replace('</h1>', ' ☃</h1>'));
    const validate = await runCli(['validate', '--templates', templates]);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toMatch(/annexe-liste\.hbs {2}erreur {2}annexe-liste-juillet-2019 : Caractères absents de la police Source Sans 3.*☃.*writer\/glyph-missing/);
    const out = path.join(dir, 'out-glyph-template');
    const run = await runCli(['render', 'annexe-liste-juillet-2019', '--templates', templates, '--out', out, '--format', 'pdf']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/annexe-liste\.hbs {2}erreur {2}annexe-liste-juillet-2019\.pdf : .*☃.*writer\/glyph-missing/);
    expect(await readdir(out).catch(() => [])).toEqual([]);
  });
});

describe('alses templates', () => {
  it('lists the catalogue with titles computed from the data, and every template with its parameters', async () => {
    const run = await runCli(['templates']);
    expect(run.code).toBe(0);
    const stdout = run.stdout.replace(/\u00a0/g, ' ');
    expect(stdout).toContain('annexe-deploiement-rentree-2019\n  titre : Déploiement du dispositif ALSES à la rentrée 2019\n  modèle annexe-deploiement, déploiement rentree-2019, annexe n° 1');
    expect(stdout).toContain('annexe-liste-juillet-2019\n  titre : Liste des ALSES au sein des collèges – juillet 2019\n  modèle annexe-liste, état au 2019-07-15, délibération 2019-07-01, annexe n° 2');
    expect(stdout).toContain('annexe-liste\n  titre : Liste des {{dispositif.sigle}}');
    expect(stdout).toContain('paramètres : --au AAAA-MM-JJ (état à cette date)');
    expect(stdout).toContain('données : délibération 2019-07-01, état 2019-07-15, déploiement rentree-2019');
    expect(stdout).toContain('rapport-mensuel');
  });
});

describe('the product\'s templates (issue 10: French typesetting)', () => {
  it('write the apostrophe of their own text as ’ (U+2019), never \' (U+0027); comments and front matter aside', async () => {
    const files = [...(await readdir(path.join(ROOT, 'templates'))).filter((f) => f.endsWith('.hbs')), ...(await readdir(path.join(ROOT, 'templates/partials'))).map((f) => `partials/${f}`)];
    expect(files.length).toBeGreaterThan(4);
    for (const f of files) {
      const source = await readFile(path.join(ROOT, 'templates', f), 'utf8');
      const body = source.replace(/^---\n[\s\S]*?\n---\n/, '').replace(/\{\{!--[\s\S]*?--\}\}|\{\{[\s\S]*?\}\}/g, 'X');
      expect(body.match(/\p{L}'(?:\p{L}|$)/gmu), f).toBeNull();
    }
  });
});
