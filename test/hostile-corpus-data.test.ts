/**
 * Hostile-input corpus, part B (issue 12, "Nothing lost, nothing leaked"): data values, YAML,
 * templates and workbooks. Each case mutates a fresh copy of data/ and templates/ (a CSV line, a
 * YAML key, a template line, a workbook cell), runs one command in-process (validate, render,
 * monthly, import) and checks:
 * - the exit code;
 * - a French message matching the case, at its place (file:line:column, or sheet!cell);
 * - no English or internals in what is printed ("Error:", "undefined", "Cannot", stack frames…);
 * - nothing changed in data/ and templates/ (hashed before and after) nor in the input workbook;
 * - the output folder untouched (invalid input writes nothing: its one old file stays as it was).
 * Part A (paths, output folders, verify) is test/hostile-corpus-paths.test.ts.
 */
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { strToU8, unzipSync, Zip, ZipDeflate, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers/cli.ts';

const ETAT = 'etats/2019-07-15.csv';
const DEPLOIEMENT = 'deploiements/rentree-2019.csv';
/** Line 2 of the état: ANZIN;Jules Ferry;CAPEP;1 — fields start at columns 1, 7, 19, 25. */
const ETAT_COL = { commune: 1, college: 7, structure: 19, etp: 25 } as const;
/** Line 2 of the déploiement: CAUDRY;Jacques Prévert;REP;1 — columns 1, 8, 24, 28. */
const DEP_COL = { commune: 1, college: 8, ep: 24, etp: 28 } as const;

/** A case's working copy: data/, templates/, an output folder and an input folder. */
interface Workspace {
  readonly data: string;
  readonly templates: string;
  readonly out: string;
  /** Folder of input files given to the command (workbooks). */
  readonly input: string;
}

interface Case {
  readonly name: string;
  readonly mutate: (ws: Workspace) => Promise<void>;
  /** Command arguments after `alses`; `--data`, `--templates`, `--out` are added as fits. */
  readonly command: (ws: Workspace) => string[];
  readonly code: number;
  /** The French message expected (on stderr). */
  readonly message: RegExp;
  /** Its place: the end of `file:line:column` or `file sheet!cell` as printed. */
  readonly place?: string;
  readonly env?: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------
// Mutations

const readText = (file: string): Promise<string> => readFile(file, 'utf8');
/** Replaces line `n` (1-based) of a text file. */
const setLine = (rel: string, n: number, line: string) => async (ws: Workspace) => {
  const file = path.join(ws.data, rel);
  const lines = (await readText(file)).split('\n');
  lines[n - 1] = line;
  await writeFile(file, lines.join('\n'));
};
/** Replaces field `i` of line `n` of a ";" CSV file of data/. */
const setField = (rel: string, n: number, i: number, value: string) => async (ws: Workspace) => {
  const file = path.join(ws.data, rel);
  const lines = (await readText(file)).split('\n');
  const fields = lines[n - 1]!.split(';');
  fields[i] = value;
  lines[n - 1] = fields.join(';');
  await writeFile(file, lines.join('\n'));
};
/** Edits a text file of data/ (or, with `templates/…`, of the templates). */
const edit = (rel: string, change: (text: string) => string) => async (ws: Workspace) => {
  const file = rel.startsWith('templates/') ? path.join(ws.templates, rel.slice('templates/'.length)) : path.join(ws.data, rel);
  await writeFile(file, change(await readText(file)));
};
/** Writes bytes to a file of data/. */
const bytes = (rel: string, content: Uint8Array | ((old: Buffer) => Uint8Array)) => async (ws: Workspace) => {
  const file = path.join(ws.data, rel);
  await writeFile(file, typeof content === 'function' ? content(await readFile(file)) : content);
};
/** Replaces `from` by `to` in dispositif.yaml (once; the text must be there). */
const yaml = (from: string | RegExp, to: string) =>
  edit('dispositif.yaml', (t) => {
    if (!(typeof from === 'string' ? t.includes(from) : from.test(t))) throw new Error(`not in dispositif.yaml: ${String(from)}`);
    return t.replace(from, to);
  });
/** Replaces `from` by `to` in a template (path under templates/). */
const template = (rel: string, from: string | RegExp, to: string) =>
  edit(`templates/${rel}`, (t) => {
    if (!(typeof from === 'string' ? t.includes(from) : from.test(t))) throw new Error(`not in ${rel}: ${String(from)}`);
    return t.replace(from, to);
  });
/** Writes a file under templates/. */
const templateFile = (rel: string, text: string) => async (ws: Workspace) => {
  await mkdir(path.dirname(path.join(ws.templates, rel)), { recursive: true });
  await writeFile(path.join(ws.templates, rel), text);
};
const all =
  (...steps: ((ws: Workspace) => Promise<void>)[]) =>
  async (ws: Workspace) => {
    for (const step of steps) await step(ws);
  };

/** The annexe-liste body with `line` added after its title (line 11 of the file). */
const LISTE_BODY_LINE = 11;
const inListe = (line: string) => template('annexe-liste.hbs', /<\/h1>\n/, `</h1>\n${line}\n`);

// ---------------------------------------------------------------------------------------------
// Workbooks

type Row = readonly (ExcelJS.CellValue | undefined)[];
const ETAT_SHEET = 'État 2019-07-15';
const ETAT_HEADER = ['Commune', 'Collège', 'Structure porteuse', 'ETP'];

/** A workbook of the given sheets (rows from A1), as exceljs writes it. */
async function workbookBytes(sheets: Readonly<Record<string, readonly Row[]>>, tweak?: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.created = wb.modified = new Date(Date.UTC(2019, 6, 15));
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    rows.forEach((r, i) => (ws.getRow(i + 1).values = [...r] as ExcelJS.CellValue[]));
  }
  tweak?.(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}
/** The état sheet of the real data, its first data row replaced by `row` when given. */
async function etatRows(row?: Row): Promise<Row[]> {
  const lines = (await readText(path.join(ROOT, 'data', ETAT))).trim().split('\n').slice(1);
  const rows: Row[] = lines.map((l) => {
    const [c, k, s, e] = l.split(';');
    return [c, k, s, Number(e!.replace(',', '.'))];
  });
  if (row) rows[0] = row;
  return [ETAT_HEADER, ...rows];
}
/** Rewrites parts of a workbook's zip (e.g. a sheet's XML). */
function rezip(book: Uint8Array, change: (parts: Record<string, Uint8Array>) => void): Uint8Array {
  const parts = unzipSync(book);
  change(parts);
  return zipSync(parts, { level: 1 });
}
/** A workbook whose part `part` is 12 MiB of one byte (1 000 to 1), made once. */
const bombs = new Map<string, Promise<Uint8Array>>();
const bomb = (part: string, byte: number): Promise<Uint8Array> => {
  const key = `${part}:${byte}`;
  if (!bombs.has(key)) bombs.set(key, (async () => rezip(await workbookBytes({ [ETAT_SHEET]: await etatRows() }), (p) => (p[part] = new Uint8Array(12 * 1024 * 1024).fill(byte))))());
  return bombs.get(key)!;
};
/** Writes `book` into the input folder as `name`. */
const book = (name: string, make: () => Promise<Uint8Array> | Uint8Array) => async (ws: Workspace) => {
  await writeFile(path.join(ws.input, name), await make());
};
const importing = (name: string) => (ws: Workspace) => ['import', path.join(ws.input, name), '--to', ws.data];
const validating = (ws: Workspace) => ['validate', '--data', ws.data, '--templates', ws.templates];
const rendering = (...names: string[]) => (ws: Workspace) => ['render', ...names, '--data', ws.data, '--templates', ws.templates, '--out', ws.out];
const monthly = (ws: Workspace) => ['monthly', '--month', '2019-09', '--data', ws.data, '--templates', ws.templates, '--out', ws.out];

/** The parts zipped as a stream: each part's sizes come after its data (a data descriptor). */
function streamedZip(parts: Record<string, Uint8Array>): Uint8Array {
  const chunks: Uint8Array[] = [];
  const zip = new Zip((err, data) => {
    if (err) throw err;
    chunks.push(data);
  });
  for (const [name, data] of Object.entries(parts)) {
    const part = new ZipDeflate(name, { level: 1 });
    zip.add(part);
    part.push(data, true);
  }
  zip.end();
  return Buffer.concat(chunks);
}

/** Sets the central directory's declared expanded size of every part to 1 000 bytes (a lying archive). */
function lieAboutSizes(zip: Uint8Array): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let i = 0; i + 46 <= out.length; i++) {
    if (view.getUint32(i, true) === 0x02014b50) view.setUint32(i + 24, 1000, true);
    if (view.getUint32(i, true) === 0x04034b50) view.setUint32(i + 22, 1000, true);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The corpus

const at = (file: string, line: number, column?: number): string => `${file}:${line}${column !== undefined ? `:${column}` : ''}  erreur`;
const FRONT_LINE = (n: number) => `annexe-liste.hbs:${n}`;

const CASES: Case[] = [
  // --- data values: état CSV -------------------------------------------------------------
  { name: 'ETP negative', mutate: setField(ETAT, 2, 3, '-1'), command: validating, code: 1, message: /ETP "-1" hors limites/, place: at(ETAT, 2, ETAT_COL.etp) },
  { name: 'ETP zero', mutate: setField(ETAT, 2, 3, '0'), command: validating, code: 1, message: /ETP "0" hors limites/, place: at(ETAT, 2, ETAT_COL.etp) },
  { name: 'ETP too large', mutate: setField(ETAT, 2, 3, '2'), command: validating, code: 1, message: /ETP "2" hors limites/, place: at(ETAT, 2, ETAT_COL.etp) },
  { name: 'ETP not a number', mutate: setField(ETAT, 2, 3, 'un'), command: validating, code: 1, message: /ETP "un"/, place: at(ETAT, 2, ETAT_COL.etp) },
  { name: 'ETP NaN', mutate: setField(ETAT, 2, 3, 'NaN'), command: validating, code: 1, message: /ETP "NaN"/, place: at(ETAT, 2, ETAT_COL.etp) },
  { name: 'ETP Infinity', mutate: setField(ETAT, 2, 3, 'Infinity'), command: validating, code: 1, message: /ETP "Infinity"/, place: at(ETAT, 2, ETAT_COL.etp) },
  { name: 'ETP in scientific notation', mutate: setField(ETAT, 2, 3, '1e0'), command: validating, code: 1, message: /ETP "1e0"/, place: at(ETAT, 2, ETAT_COL.etp) },
  { name: 'ETP with too many decimals', mutate: setField(ETAT, 2, 3, '0,333'), command: validating, code: 1, message: /ETP "0,333"/, place: at(ETAT, 2, ETAT_COL.etp) },
  { name: 'ETP empty', mutate: setField(ETAT, 2, 3, ''), command: validating, code: 1, message: /ETP vide|ETP absent|ETP manquant/, place: at(ETAT, 2, ETAT_COL.etp) },
  { name: 'commune empty', mutate: setField(ETAT, 2, 0, ''), command: validating, code: 1, message: /commune vide/, place: at(ETAT, 2, 1) },
  { name: 'collège empty', mutate: setField(ETAT, 2, 1, ''), command: validating, code: 1, message: /nom du collège vide/, place: at(ETAT, 2, ETAT_COL.college) },
  { name: 'structure porteuse unknown', mutate: setField(ETAT, 2, 2, 'ZORGLUB'), command: validating, code: 1, message: /structure porteuse "ZORGLUB" inconnue/, place: at(ETAT, 2, ETAT_COL.structure) },
  { name: 'structure porteuse empty in an état', mutate: setField(ETAT, 2, 2, ''), command: validating, code: 1, message: /structure porteuse vide/, place: at(ETAT, 2, ETAT_COL.structure) },
  { name: 'formula injection =HYPERLINK in a commune', mutate: setField(ETAT, 2, 0, '=HYPERLINK("http://x")'), command: validating, code: 1, message: /commençant par "=", lu comme une formule/, place: at(ETAT, 2, 1) },
  { name: 'formula injection + in a collège', mutate: setField(ETAT, 2, 1, '+33 1 23'), command: validating, code: 1, message: /commençant par "\+"/, place: at(ETAT, 2, ETAT_COL.college) },
  { name: 'formula injection - in a collège', mutate: setField(ETAT, 2, 1, '-2+3'), command: validating, code: 1, message: /commençant par "-"/, place: at(ETAT, 2, ETAT_COL.college) },
  { name: 'formula injection @ in a commune', mutate: setField(ETAT, 2, 0, '@SUM(A1)'), command: validating, code: 1, message: /commençant par "@"/, place: at(ETAT, 2, 1) },
  { name: 'emoji in a collège name is placed on the data (regression: placed on the template)', mutate: setField(ETAT, 2, 1, 'Jules Ferry 😀'), command: validating, code: 1, message: /nom du collège "Jules Ferry 😀" : « 😀 » \(U\+1F600\) absent\(s\) de la police/, place: at(ETAT, 2, ETAT_COL.college) },
  { name: 'CJK in a commune name is placed on the data', mutate: setField(ETAT, 2, 0, '安津'), command: validating, code: 1, message: /commune "安津" : « 安 » \(U\+5B89\)/, place: at(ETAT, 2, 1) },
  { name: 'emoji in a déploiement, render writes nothing', mutate: setField(DEPLOIEMENT, 2, 1, 'Prévert 🎉'), command: rendering(), code: 1, message: /« 🎉 » \(U\+1F389\)/, place: at(DEPLOIEMENT, 2, DEP_COL.college) },
  { name: 'collège twice in an état', mutate: setLine(ETAT, 3, 'ANZIN;Jules Ferry;CAPEP;1'), command: validating, code: 1, message: /collège "Jules Ferry" \(ANZIN\) en double : déjà présent ligne 2/, place: at(ETAT, 3, ETAT_COL.college) },
  { name: 'UAI malformed', mutate: all(edit(ETAT, (t) => t.replace(/\n/g, ';\n').replace('ETP;\n', 'ETP;UAI\n').replace('CAPEP;1;\n', 'CAPEP;1;059ABC\n'))), command: validating, code: 1, message: /UAI "059ABC"/, place: at(ETAT, 2, 27) },
  { name: 'UAI check letter wrong', mutate: all(edit(ETAT, (t) => t.replace(/\n/g, ';\n').replace('ETP;\n', 'ETP;UAI\n').replace('CAPEP;1;\n', 'CAPEP;1;0590001A\n'))), command: validating, code: 1, message: /UAI "0590001A"/, place: at(ETAT, 2, 27) },
  { name: 'code INSEE malformed', mutate: all(edit(ETAT, (t) => t.replace(/\n/g, ';\n').replace('ETP;\n', 'ETP;Code INSEE\n').replace('CAPEP;1;\n', 'CAPEP;1;5900\n'))), command: validating, code: 1, message: /INSEE "5900"/, place: at(ETAT, 2, 27) },
  { name: 'éducation prioritaire unknown in a déploiement', mutate: setField(DEPLOIEMENT, 2, 2, 'REP++'), command: validating, code: 1, message: /"REP\+\+"/, place: at(DEPLOIEMENT, 2, DEP_COL.ep) },
  { name: 'éducation prioritaire empty in a déploiement is allowed (hors éducation prioritaire)', mutate: setField(DEPLOIEMENT, 2, 2, ''), command: validating, code: 0, message: /^/ },
  { name: 'deployed collège already in the état', mutate: setLine(DEPLOIEMENT, 2, 'ANZIN;Jules Ferry;REP;1'), command: validating, code: 1, message: /collège "Jules Ferry" \(ANZIN\) déjà doté d'un ALSES dans l'état du 15\/07\/2019/, place: at(DEPLOIEMENT, 2, 1) },
  { name: 'name of 5 000 characters', mutate: setField(ETAT, 2, 1, 'x'.repeat(5000)), command: validating, code: 1, message: /cellule de 5\u202f000 caractères .*au plus 200 caractères/, place: at(ETAT, 2, ETAT_COL.college) },
  { name: 'line of 300 KB', mutate: setLine(ETAT, 2, `ANZIN;${'Ferry '.repeat(50_000)};CAPEP;1`), command: validating, code: 1, message: /cellule de 299\u202f999 caractères/, place: at(ETAT, 2, ETAT_COL.college) },
  { name: 'unclosed quote', mutate: setLine(ETAT, 5, 'AUBY;"Victor Hugo;Rencontres et Loisirs;1'), command: validating, code: 1, message: /guillemet ouvert et jamais fermé/, place: at(ETAT, 5) },
  { name: 'separator "|"', mutate: edit(ETAT, (t) => t.replace(/;/g, '|')), command: validating, code: 1, message: /séparateur "\|"/, place: at(ETAT, 1, 1) },
  { name: 'header without ETP', mutate: setLine(ETAT, 1, 'Commune;Collège;Structure porteuse;Postes'), command: validating, code: 1, message: /colonne "ETP" absente de l'en-tête[\s\S]*colonne "Postes" inconnue/, place: at(ETAT, 1, 36) },
  { name: 'same column twice', mutate: setLine(ETAT, 1, 'Commune;Collège;Structure porteuse;Commune'), command: validating, code: 1, message: /colonne "Commune" en double : "Commune" déjà en colonne 1/, place: at(ETAT, 1, 36) },
  { name: 'a row with a fifth field', mutate: setLine(ETAT, 2, 'ANZIN;Jules Ferry;CAPEP;1;en trop'), command: validating, code: 1, message: /ligne de 5 champs au lieu de 4/, place: at(ETAT, 2, 1) },
  { name: 'empty file', mutate: bytes(ETAT, new Uint8Array()), command: validating, code: 1, message: /vide/, place: 'etats/2019-07-15.csv' },
  { name: 'header only', mutate: bytes(ETAT, strToU8('Commune;Collège;Structure porteuse;ETP\n')), command: validating, code: 1, message: /aucune ligne|sans ligne|vide/, place: 'etats/2019-07-15.csv' },
  { name: 'TOTAL row that does not add up', mutate: edit(ETAT, (t) => `${t.trimEnd()}\nTOTAL;;;99\n`), command: validating, code: 1, message: /TOTAL|total/, place: 'etats/2019-07-15.csv:44' },
  { name: 'a PNG saved as .csv', mutate: async (ws) => writeFile(path.join(ws.data, ETAT), await readFile(path.join(ws.data, 'logo.png'))), command: validating, code: 1, message: /fichier binaire : une image PNG/, place: at(ETAT, 1, 1) },
  { name: 'a workbook saved as .csv', mutate: async (ws) => writeFile(path.join(ws.data, ETAT), await workbookBytes({ [ETAT_SHEET]: await etatRows() })), command: validating, code: 1, message: /fichier binaire : un classeur Excel/, place: at(ETAT, 1, 1) },
  { name: 'NUL byte on line 5', mutate: setField(ETAT, 5, 1, 'Victor\u0000Hugo'), command: validating, code: 1, message: /octet nul 0x00/, place: at(ETAT, 5, 12) },
  { name: 'UTF-16 without BOM', mutate: bytes(ETAT, (old) => new Uint8Array(Buffer.from(old.toString('utf8'), 'utf16le'))), command: validating, code: 1, message: /octet nul 0x00 \(fichier binaire, ou texte UTF-16 sans BOM\)/, place: at(ETAT, 1, 2) },
  { name: 'a Windows-1252 byte undefined in Windows-1252 (0x81)', mutate: bytes(ETAT, (old) => new Uint8Array(Buffer.from(old.toString('utf8').replace('Jules Ferry', 'Jules\u0081Ferry'), 'latin1'))), command: validating, code: 1, message: /octet illisible ni en UTF-8 ni en Windows-1252/, place: at(ETAT, 2, 12) },
  {
    name: 'half UTF-8, half Windows-1252 is placed on the first Windows-1252 line (regression: placed on the header)',
    mutate: bytes(ETAT, (old) => {
      const text = old.toString('utf8');
      const cut = text.indexOf('\n', text.indexOf('AUBY'));
      return new Uint8Array(Buffer.concat([Buffer.from(text.slice(0, cut + 1), 'utf8'), Buffer.from(text.slice(cut + 1).replace(/\n.*?;/, (m) => m), 'latin1')]));
    }),
    command: validating,
    code: 1,
    message: /encodages mélangés : le début du fichier est en UTF-8, mais la ligne \d+ ne l'est pas/,
    place: 'etats/2019-07-15.csv:',
  },
  { name: 'UTF-8 saved again as Windows-1252 (Ã©)', mutate: edit(ETAT, (t) => t.replace('négociation', 'nÃ©gociation')), command: validating, code: 1, message: /"nÃ©gociation" contient "Ã©"|contient "Ã©", un accent enregistré deux fois/, place: at(ETAT, 3, 39) },
  { name: 'BOM and CRLF are read (valid)', mutate: bytes(ETAT, (old) => new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(old.toString('utf8').replace(/\n/g, '\r\n'))]))), command: validating, code: 0, message: /^/ },
  { name: 'Windows-1252 is read (valid)', mutate: bytes(ETAT, (old) => new Uint8Array(Buffer.from(old.toString('utf8'), 'latin1'))), command: validating, code: 0, message: /^/ },

  // --- dispositif.yaml ----------------------------------------------------------------------
  { name: 'YAML bad indentation', mutate: yaml('  sigle: ALSES\n', '  sigle: ALSES\n   nom: x\n'), command: validating, code: 1, message: /syntaxe YAML/, place: 'dispositif.yaml:' },
  { name: 'YAML unclosed quote is placed at the opening quote', mutate: yaml('nom: Département du Nord', 'nom: "Département du Nord'), command: validating, code: 1, message: /guillemet ouvert ici et jamais fermé/, place: at('dispositif.yaml', 10, 8) },
  {
    name: 'YAML alias bomb ("billion laughs") is a French placed error (regression: English)',
    mutate: yaml(/^collectivite:/m, 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\ncollectivite:'),
    command: validating,
    code: 1,
    message: /alias YAML "\*" trop nombreux : leur expansion dépasse 100 valeurs/,
    place: at('dispositif.yaml', 10, 8),
  },
  { name: 'YAML tag !!js/function is an error (regression: a warning, its text used)', mutate: yaml('nom: Département du Nord', 'nom: !!js/function "function () { return 1 }"'), command: validating, code: 1, message: /étiquette YAML "!!js\/function" inconnue/, place: at('dispositif.yaml', 10, 8) },
  { name: 'YAML tag !include is an error', mutate: yaml('nom: Département du Nord', 'nom: !include /etc/passwd'), command: validating, code: 1, message: /étiquette YAML "!include" inconnue/, place: at('dispositif.yaml', 10, 8) },
  {
    name: 'YAML custom tag !foo and a wrong type are reported together',
    mutate: all(yaml('nom: Département du Nord', 'nom: !foo Nord'), yaml('cible: 50', 'cible: cinquante')),
    command: validating,
    code: 1,
    message: /étiquette YAML "!foo" inconnue[\s\S]*objectifs\[0\]\.cible" : valeur "cinquante" de type texte/,
    place: at('dispositif.yaml', 10, 8),
  },
  { name: 'YAML duplicate key, named', mutate: yaml('  sigle: ALSES\n', '  sigle: ALSES\n  sigle: AUTRE\n'), command: validating, code: 1, message: /clé « sigle » en double/, place: 'dispositif.yaml:23' },
  {
    name: 'YAML nested 3,000 deep: one message, not about aliases (hostile trial: 35 « alias trop nombreux »)',
    mutate: yaml('objectifs:', `profond: ${'['.repeat(3000)}${']'.repeat(3000)}\nobjectifs:`),
    command: validating,
    code: 1,
    message: /^(?![\s\S]*alias)(?![\s\S]*imbriquées[\s\S]*imbriquées)[\s\S]*syntaxe YAML : listes ou clés imbriquées trop profondément pour être lues/,
    place: 'dispositif.yaml:',
  },
  { name: 'YAML tab indentation', mutate: yaml('  sigle: ALSES\n', '\tsigle: ALSES\n'), command: validating, code: 1, message: /tabulation|syntaxe YAML/, place: 'dispositif.yaml:' },
  { name: 'YAML two documents', mutate: edit('dispositif.yaml', (t) => `${t}\n---\nautre: 1\n`), command: validating, code: 1, message: /plusieurs documents/, place: 'dispositif.yaml:' },
  { name: 'YAML wrong type (cible: a text)', mutate: yaml('cible: 50', 'cible: cinquante'), command: validating, code: 1, message: /cible/, place: 'dispositif.yaml:' },
  { name: 'YAML missing key (collectivite.nom)', mutate: yaml('  nom: Département du Nord\n', ''), command: validating, code: 1, message: /nom/, place: 'dispositif.yaml:' },
  { name: 'YAML unknown key (typo)', mutate: yaml('objectifs:', 'objectif:'), command: validating, code: 1, message: /objectif/, place: 'dispositif.yaml:' },
  { name: 'YAML invalid date (30 February)', mutate: yaml('    date: 2019-07-01', '    date: 2019-02-30'), command: validating, code: 1, message: /2019-02-30/, place: 'dispositif.yaml:' },
  { name: 'YAML unknown délibération reference', mutate: yaml('    deliberation: 2019-07-01\n    effet', '    deliberation: 2099-01-01\n    effet'), command: validating, code: 1, message: /2099-01-01/, place: 'dispositif.yaml:' },
  { name: 'YAML names a missing file', mutate: yaml(`fichier: ${ETAT}`, 'fichier: etats/absent.csv'), command: validating, code: 1, message: /introuvable/, place: 'dispositif.yaml:' },
  { name: 'YAML empty file', mutate: bytes('dispositif.yaml', new Uint8Array()), command: validating, code: 1, message: /fichier vide \(attendu : ensemble de clés/, place: at('dispositif.yaml', 1, 1) },
  { name: 'YAML structure porteuse twice', mutate: yaml('  - sigle: CAPEP\n', '  - sigle: CAPEP\n  - sigle: CAPEP\n'), command: validating, code: 1, message: /CAPEP/, place: 'dispositif.yaml:' },
  {
    name: 'YAML annex number of 21 digits: in French, what is expected (regression: « Too big: expected int to be <=9007199254740991 »)',
    mutate: yaml('    annexe: 2\n', '    annexe: 100000000000000000000\n'),
    command: validating,
    code: 1,
    message: /champ "documents\[\d+\]\.annexe" : valeur 100000000000000000000 trop grande \(attendu : un numéro entier de 1 à 999, ex\. 2, ≤ 999\)/,
    place: at('dispositif.yaml', 109, 13),
  },
  {
    name: 'YAML catalogue list of the state before the first état: its own error, at its au, owned by the document (re-check: « Aucun état au 01/01/2018 » blocked every document)',
    mutate: yaml(/\n*$/, '\n  - id: liste-2018\n    modele: annexe-liste\n    au: 2018-01-01\n'),
    command: validating,
    code: 1,
    message: /document "liste-2018" : état demandé au 1er janvier 2018, avant le premier état, du 15 juillet 2019 \(attendu : une date à partir du premier état\)  etat\/before-first/,
    place: 'dispositif.yaml:',
  },
  { name: 'YAML NUL byte', mutate: yaml('nom: Département du Nord', 'nom: Département\u0000du Nord'), command: validating, code: 1, message: /syntaxe YAML : caractère de contrôle 0x00 \(octet nul/, place: at('dispositif.yaml', 10, 19) },
  { name: 'YAML BOM is read (valid)', mutate: bytes('dispositif.yaml', (old) => new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), old]))), command: validating, code: 0, message: /^/ },

  // --- templates ----------------------------------------------------------------------------
  { name: 'template: unclosed block', mutate: inListe('{{#each etat.rows}}<p>x</p>'), command: validating, code: 1, message: /Erreur de syntaxe Handlebars/, place: 'annexe-liste.hbs:' },
  { name: 'template: block closed by another', mutate: inListe('{{#each etat.rows}}<p>x</p>{{/if}}'), command: validating, code: 1, message: /bloc \{\{#each\}\} fermé par \{\{\/if\}\}/, place: FRONT_LINE(LISTE_BODY_LINE) },
  {
    name: 'template: every unknown helper is listed (regression: only the first)',
    mutate: inListe('<p>{{formate etat.date}} et {{majuscule collectivite.nom}}</p>'),
    command: validating,
    code: 1,
    message: /aide « formate » inconnue[\s\S]*aide « majuscule » inconnue/,
    place: `${FRONT_LINE(LISTE_BODY_LINE)}:4`,
  },
  { name: 'template: missing partial', mutate: inListe('{{> absent}}'), command: validating, code: 1, message: /partiel « absent » introuvable \(attendu : un fichier partials\/absent\.hbs/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:1` },
  {
    name: 'template: a partial calling itself is refused before rendering (regression: stack overflow)',
    mutate: templateFile('partials/boucle.hbs', '<p>x</p>\n{{> boucle}}\n'),
    command: validating,
    code: 1,
    message: /partiel récursif : \{\{> boucle\}\} → \{\{> boucle\}\}/,
    place: 'boucle.hbs:2:1',
  },
  {
    name: 'template: partials calling each other',
    mutate: all(templateFile('partials/a.hbs', '{{> b}}\n'), templateFile('partials/b.hbs', '<p>b</p>\n{{> a}}\n'), inListe('{{> a}}')),
    command: validating,
    code: 1,
    message: /partiel récursif : \{\{> a\}\} → \{\{> b\}\} → \{\{> a\}\}/,
    place: 'b.hbs:2:1',
  },
  {
    name: 'template: a partial named at run time calling itself is refused where written, in the partial (it ended at the depth limit; an inline partial still does, below)',
    mutate: all(templateFile('partials/dyn.hbs', '{{> (lookup . "nom")}}\n'), inListe('{{#with (array "dyn")}}{{/with}}{{> dyn nom="dyn"}}')),
    command: validating,
    code: 1,
    message: /partiel dynamique \{\{> \( … \)\}\} non pris en charge/,
    place: 'dyn.hbs:1:1',
  },
  {
    name: 'template: an inline partial calling itself ends with a French error, not « Maximum call stack size exceeded »',
    mutate: inListe('{{#*inline "b"}}<p>x</p>{{> b}}{{/inline}}{{> b}}'),
    command: validating,
    code: 1,
    message: /le modèle s'appelle lui-même sans fin, ou ses blocs s'imbriquent trop profondément/,
    place: 'annexe-liste.hbs',
  },
  { name: 'template: {{& }}', mutate: inListe('<p>{{& collectivite.nom}}</p>'), command: validating, code: 1, message: /« \{\{& … \}\} » non échappée interdite/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: {{{ }}}', mutate: inListe('<p>{{{collectivite.nom}}}</p>'), command: validating, code: 1, message: /« \{\{\{ … \}\}\} » non échappée interdite/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: __proto__', mutate: inListe('<p>{{etat.__proto__}}</p>'), command: validating, code: 1, message: /« __proto__ » n'est pas une donnée/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: constructor', mutate: inListe('<p>{{collectivite.constructor.name}}</p>'), command: validating, code: 1, message: /« constructor » n'est pas une donnée/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: lookup of constructor', mutate: inListe('<p>{{lookup collectivite "constructor"}}</p>'), command: validating, code: 1, message: /« constructor » n'est pas une donnée/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: image from an address is refused where written', mutate: inListe('<img src="http://exemple.fr/x.png" alt="x">'), command: validating, code: 1, message: /Source d'image « http:\/\/exemple\.fr\/x\.png » interdite/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:11` },
  { name: 'template: image of a file is refused where written', mutate: inListe('<img src="/etc/passwd" alt="x">'), command: validating, code: 1, message: /Source d'image « \/etc\/passwd » interdite/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:11` },
  { name: 'template: unknown chart is placed in the template (regression: a line of the output)', mutate: inListe('<img src="chart:inconnu" alt="x">'), command: validating, code: 1, message: /Taille d'image «  ×  » invalide[\s\S]*Source d'image « chart:inconnu » inconnue/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:1  erreur  Source` },
  { name: 'template: printing an object is placed in the template (regression: a line of the output)', mutate: inListe('<p>{{collectivite}}</p>'), command: validating, code: 1, message: /« \{\{collectivite\}\} » : elle affiche un ensemble de champs/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  {
    name: 'template: every object printed in a loop and a partial is listed',
    mutate: all(inListe('<p>{{collectivite}} {{etat.rows}}</p>'), template('partials/tableau-liste.hbs', '<td>{{commune}}</td>', '<td>{{commune}}{{this}}</td>')),
    command: validating,
    code: 1,
    message: /\{\{collectivite\}\}[\s\S]*\{\{etat\.rows\}\}[\s\S]*tableau-liste\.hbs:12:\d+  erreur  Modèle : Expression « \{\{this\}\} »/,
    place: `${FRONT_LINE(LISTE_BODY_LINE)}:4`,
  },
  {
    name: 'template: helper, object, prototype and tag problems all at once',
    mutate: inListe('<p>{{formate x}}</p>\n<p>{{__proto__}}</p>\n<script>x</script>'),
    command: validating,
    code: 1,
    message: /aide « formate » inconnue[\s\S]*__proto__[\s\S]*<script>/,
    place: `${FRONT_LINE(LISTE_BODY_LINE)}:4`,
  },
  { name: 'template: misspelt field', mutate: inListe('<p>{{etat.totalEtpp}}</p>'), command: validating, code: 1, message: /la donnée « etat\.totalEtpp » n'existe pas/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: {{#each}} on a missing list', mutate: inListe('{{#each etat.lignes}}<p>x</p>{{/each}}'), command: validating, code: 1, message: /\{\{#each\}\} sur une donnée qui n'existe pas/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:1` },
  { name: 'template: helper given a text instead of a number', mutate: inListe('<p>{{etp collectivite.nom}}</p>'), command: validating, code: 1, message: /\{\{etp\}\} attend un nombre/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: {{#if}} without data (regression: "#if requires exactly one argument", unplaced)', mutate: inListe('{{#if}}<p>x</p>{{/if}}'), command: validating, code: 1, message: /\{\{#if\}\} avec 0 données \(attendu : exactement une/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:1` },
  { name: 'template: {{log}} is no helper (regression: it printed on the output of validate)', mutate: inListe('{{log "bonjour"}}'), command: validating, code: 1, message: /aide « log » inconnue/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:1` },
  { name: 'template: ../ above the data (regression: "Cannot read properties of undefined")', mutate: inListe('<p>{{../../collectivite}}</p>'), command: validating, code: 1, message: /la donnée « collectivite » est lue sur une donnée qui n'existe pas dans \{\{\.\.\/\.\.\/collectivite\}\} \(attendu : un chemin du modèle de vue dont chaque étape existe/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  {
    name: 'template: a row beyond the list, or a misspelt list before a row number, named by its mustache (regression: « la donnée « 99999 » … remonte au-delà des données », unplaced)',
    mutate: inListe('<p>{{etat.lignes.[99999].college}}</p>'),
    command: validating,
    code: 1,
    message: /la donnée « 99999 » est lue sur une donnée qui n'existe pas dans \{\{etat\.lignes\.\[99999\]\.college\}\}/,
    place: `${FRONT_LINE(LISTE_BODY_LINE)}:4`,
  },
  {
    name: 'template: a dynamic partial is refused where written (regression: « partiel « 2019-07-15 » introuvable » at run time, unplaced)',
    mutate: inListe('{{> (lookup etat "date")}}'),
    command: validating,
    code: 1,
    message: /partiel dynamique \{\{> \( … \)\}\} non pris en charge/,
    place: `${FRONT_LINE(LISTE_BODY_LINE)}:1`,
  },
  { name: 'template: a decorator (regression: "Missing decorator")', mutate: inListe('{{* deco}}'), command: validating, code: 1, message: /décorateur « \{\{\* deco\}\} » inconnu/, place: 'annexe-liste.hbs  erreur' },
  { name: 'template: a helper given nothing (regression: "reçu « [object Object] »")', mutate: inListe('<p>{{etp}}</p>'), command: validating, code: 1, message: /\{\{etp\}\} attend un nombre, reçu rien \(paramètre manquant\)/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: a list printed through lookup is placed in the template', mutate: inListe('<p>{{lookup etat "rows"}}</p>'), command: validating, code: 1, message: /Expression « \{\{lookup …\}\} » : elle affiche une liste au lieu d'un texte/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: <script> tag', mutate: inListe('<script>alert(1)</script>'), command: validating, code: 1, message: /Balise <script> non prise en charge/, place: FRONT_LINE(LISTE_BODY_LINE) },
  { name: 'template: onclick attribute', mutate: inListe('<p onclick="x()">x</p>'), command: validating, code: 1, message: /Attribut « onclick » non pris en charge/, place: FRONT_LINE(LISTE_BODY_LINE) },
  { name: 'template: front matter unclosed quote (regression: English)', mutate: template('annexe-liste.hbs', 'description: Liste', 'description: "Liste'), command: validating, code: 1, message: /En-tête YAML : syntaxe YAML : guillemet ouvert ici et jamais fermé/, place: `${FRONT_LINE(4)}:14` },
  { name: 'template: front matter unknown key', mutate: template('annexe-liste.hbs', 'description:', 'couleur: rouge\ndescription:'), command: validating, code: 1, message: /clé\(s\) inconnue\(s\) « couleur »/, place: FRONT_LINE(4) },
  { name: 'template: front matter wrong type', mutate: template('annexe-liste.hbs', 'description:', 'orientation: de travers\ndescription:'), command: validating, code: 1, message: /valeur invalide pour « orientation » \(attendu : portrait ou landscape\)/, place: FRONT_LINE(4) },
  { name: 'template: front matter tag !!js/function', mutate: template('annexe-liste.hbs', 'description: Liste', 'description: !!js/function Liste'), command: validating, code: 1, message: /étiquette YAML "!!js\/function" inconnue/, place: `${FRONT_LINE(4)}:14` },
  {
    name: 'template: front matter alias bomb',
    mutate: template('annexe-liste.hbs', 'description: Liste', 'x1: &a [1,1,1,1,1,1,1,1,1,1]\nx2: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nx3: [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\ndescription: Liste'),
    command: validating,
    code: 1,
    message: /alias YAML "\*" trop nombreux/,
    place: FRONT_LINE(5),
  },
  { name: 'template: no front matter', mutate: template('annexe-liste.hbs', /^---\n[\s\S]*?\n---\n/, ''), command: validating, code: 1, message: /En-tête YAML absent/, place: `${FRONT_LINE(1)}:1` },
  { name: 'template: a folder named x.hbs (regression: EISDIR)', mutate: async (ws) => mkdir(path.join(ws.templates, 'dossier.hbs')), command: validating, code: 1, message: /« [^»]*dossier\.hbs » est un dossier, pas un modèle/, place: 'dossier.hbs' },
  { name: 'template: a folder named x.hbs among the partials', mutate: async (ws) => mkdir(path.join(ws.templates, 'partials', 'dossier.hbs')), command: validating, code: 1, message: /dossier\.hbs » est un dossier, pas un modèle/, place: 'dossier.hbs' },
  { name: 'template: render of an object printed writes nothing', mutate: inListe('<p>{{collectivite}}</p>'), command: rendering('annexe-liste-juillet-2019'), code: 3, message: /elle affiche un ensemble de champs/, place: `${FRONT_LINE(LISTE_BODY_LINE)}:4` },
  { name: 'template: monthly report printing a list writes nothing', mutate: template('rapport-mensuel.hbs', /<\/h1>\n/, '</h1>\n<p>{{collectivite.adresse}}</p>\n'), command: monthly, code: 3, message: /Expression « \{\{collectivite\.adresse\}\} » : elle affiche une liste/, place: 'rapport-mensuel.hbs:10:4' },
  { name: 'monthly with an invalid ETP writes nothing', mutate: setField(ETAT, 2, 3, '7'), command: monthly, code: 1, message: /ETP "7" hors limites/, place: at(ETAT, 2, ETAT_COL.etp) },

  // --- workbooks ------------------------------------------------------------------------------
  {
    name: 'workbook: one space in XFD1048576 is refused before expanding (regression: out of memory, exit 134)',
    mutate: book('loin.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows() }, (wb) => (wb.getWorksheet(ETAT_SHEET)!.getCell('XFD1048576').value = ' '))),
    command: importing('loin.xlsx'),
    code: 1,
    message: /feuille "État 2019-07-15" trop grande : cellule XFD1048576, au-delà de la limite \(attendu : au plus 200 colonnes/,
    place: 'loin.xlsx État 2019-07-15!XFD1048576',
  },
  {
    name: 'workbook: a cell on row 1 048 576 in column A',
    mutate: book('bas.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows() }, (wb) => (wb.getWorksheet(ETAT_SHEET)!.getCell('A1048576').value = 'x'))),
    command: importing('bas.xlsx'),
    code: 1,
    message: /cellule A1048576, au-delà de la limite \(attendu : au plus 100\u202f000 lignes/,
    place: 'bas.xlsx État 2019-07-15!A1048576',
  },
  {
    name: 'workbook: merged cells over the whole sheet',
    mutate: book('fusion.xlsx', async () =>
      rezip(await workbookBytes({ [ETAT_SHEET]: await etatRows() }), (p) => {
        const xml = Buffer.from(p['xl/worksheets/sheet1.xml']!).toString('utf8');
        p['xl/worksheets/sheet1.xml'] = strToU8(xml.replace('</sheetData>', '</sheetData><mergeCells count="1"><mergeCell ref="F1:ZZ50"/></mergeCells>'));
      }),
    ),
    command: importing('fusion.xlsx'),
    code: 1,
    message: /cellules fusionnées jusqu'à ZZ50/,
    place: 'fusion.xlsx État 2019-07-15!ZZ50',
  },
  {
    name: 'workbook: used range over the cell limit (ALSES_CLASSEUR_CELLULES_MAX)',
    mutate: book('large.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows() }, (wb) => (wb.getWorksheet(ETAT_SHEET)!.getCell('Z100').value = 'x'))),
    command: importing('large.xlsx'),
    env: { ALSES_CLASSEUR_CELLULES_MAX: '1000' },
    code: 1,
    message: /plage utilisée A1:Z100, 2\u202f600 cellules \(attendu : au plus 1\u202f000 cellules/,
    place: 'large.xlsx État 2019-07-15!Z100',
  },
  {
    name: 'CSV: lines over ALSES_CSV_LIGNES_MAX, refused before parsing (regression: 1,000,000 lines ended in V8 « heap out of memory », in English)',
    mutate: async () => {},
    command: validating,
    env: { ALSES_CSV_LIGNES_MAX: '20' },
    code: 1,
    message: /fichier "[^"]*etats\/2019-07-15\.csv" trop long : plus de 20 lignes \(attendu : au plus 20 lignes, une par collège ; ALSES_CSV_LIGNES_MAX pour changer la limite\)  file\/too-large/,
    place: at(ETAT, 21, 1),
  },
  {
    name: 'workbook: rows over ALSES_CLASSEUR_LIGNES_MAX',
    mutate: book('lignes.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows() })),
    command: importing('lignes.xlsx'),
    env: { ALSES_CLASSEUR_LIGNES_MAX: '20' },
    code: 1,
    message: /au plus 20 lignes ; ALSES_CLASSEUR_LIGNES_MAX/,
    place: 'lignes.xlsx État 2019-07-15!A21',
  },
  {
    name: 'workbook: zip bomb (12 MiB of one byte in a sheet, 1 000 to 1)',
    mutate: book('bombe.xlsx', () => bomb('xl/worksheets/sheet1.xml', 0x20)),
    command: importing('bombe.xlsx'),
    code: 1,
    message: /partie "xl\/worksheets\/sheet1\.xml" du classeur compressée à plus de [\d\u202f]+ pour 1 .*archive piégée/,
    place: 'bombe.xlsx  erreur',
  },
  {
    name: 'workbook: zip bomb lying about its sizes is stopped while expanding',
    mutate: book('menteur.xlsx', async () => lieAboutSizes(await bomb('xl/worksheets/sheet1.xml', 0x20))),
    command: importing('menteur.xlsx'),
    code: 1,
    message: /compressée à plus de|trop volumineux une fois décompressé/,
    place: 'menteur.xlsx  erreur',
  },
  {
    name: 'workbook: zip bomb whose sizes come after its data (data descriptor) and lie',
    mutate: book('flux.xlsx', async () => lieAboutSizes(streamedZip(unzipSync(await bomb('xl/worksheets/sheet1.xml', 0x20))))),
    command: importing('flux.xlsx'),
    code: 1,
    message: /partie "xl\/worksheets\/sheet1\.xml" du classeur compressée à plus de [\d\u202f]+ pour 1/,
    place: 'flux.xlsx  erreur',
  },
  {
    name: 'workbook: expanded size over ALSES_CLASSEUR_TAILLE_MAX_MO',
    mutate: book('gros.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows() })),
    command: importing('gros.xlsx'),
    env: { ALSES_CLASSEUR_TAILLE_MAX_MO: '0.01' },
    code: 1,
    message: /classeur trop volumineux une fois décompressé : plus de \d+\u00a0Kio \(attendu : au plus 11\u00a0Kio/,
    place: 'gros.xlsx  erreur',
  },
  { name: 'workbook: not a zip', mutate: book('texte.xlsx', () => strToU8('bonjour')), command: importing('texte.xlsx'), code: 1, message: /n'est pas un classeur Excel \.xlsx/, place: 'texte.xlsx  erreur' },
  { name: 'workbook: a CSV named .xlsx', mutate: book('csv.xlsx', async () => readFile(path.join(ROOT, 'data', ETAT))), command: importing('csv.xlsx'), code: 1, message: /n'est pas un classeur Excel \.xlsx/, place: 'csv.xlsx  erreur' },
  {
    name: 'workbook: protected by a password (an encrypted OLE container)',
    mutate: book('protege.xlsx', () => {
      const head = new Uint8Array(1024);
      head.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
      head.set(Buffer.from('EncryptionInfo', 'utf16le'), 600);
      return head;
    }),
    command: importing('protege.xlsx'),
    code: 1,
    message: /classeur protégé par un mot de passe/,
    place: 'protege.xlsx  erreur',
  },
  { name: 'workbook: truncated', mutate: book('coupe.xlsx', async () => (await workbookBytes({ [ETAT_SHEET]: await etatRows() })).slice(0, 3000)), command: importing('coupe.xlsx'), code: 1, message: /classeur illisible|endommagé/, place: 'coupe.xlsx  erreur' },
  { name: 'workbook: no sheet of the data changes nothing (a warning names the sheet)', mutate: book('feuil.xlsx', async () => workbookBytes({ Feuil1: [['rien']] })), command: importing('feuil.xlsx'), code: 0, message: /avertissement  feuille "Feuil1"/, place: 'feuil.xlsx Feuil1!' },
  { name: 'workbook: état sheet empty', mutate: book('vide.xlsx', async () => workbookBytes({ [ETAT_SHEET]: [] })), command: importing('vide.xlsx'), code: 1, message: /vide/, place: 'vide.xlsx État 2019-07-15!' },
  {
    name: 'workbook: ETP cell with #DIV/0!',
    mutate: book('div0.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows(['ANZIN', 'Jules Ferry', 'CAPEP', { error: '#DIV/0!' } as ExcelJS.CellErrorValue]) })),
    command: importing('div0.xlsx'),
    code: 1,
    message: /cellule en erreur "#DIV\/0!"/,
    place: 'div0.xlsx État 2019-07-15!D2',
  },
  {
    name: 'workbook: formula without a saved value',
    mutate: book('formule.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows(['ANZIN', 'Jules Ferry', 'CAPEP', { formula: '1/2' } as ExcelJS.CellFormulaValue]) })),
    command: importing('formule.xlsx'),
    code: 1,
    message: /formule "=1\/2" sans valeur enregistrée/,
    place: 'formule.xlsx État 2019-07-15!D2',
  },
  {
    name: 'workbook: ETP typed as a date',
    mutate: book('date.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows(['ANZIN', 'Jules Ferry', 'CAPEP', new Date(Date.UTC(2019, 6, 15))]) })),
    command: importing('date.xlsx'),
    code: 1,
    message: /ETP "15\/07\/2019"/,
    place: 'date.xlsx État 2019-07-15!D2',
  },
  {
    name: 'workbook: formula injection in a cell',
    mutate: book('injection.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows(['=cmd|calc', 'Jules Ferry', 'CAPEP', 1]) })),
    command: importing('injection.xlsx'),
    code: 1,
    message: /commençant par "=", lu comme une formule/,
    place: 'injection.xlsx État 2019-07-15!A2',
  },
  {
    name: 'workbook: emoji in a cell is placed on the cell',
    mutate: book('emoji.xlsx', async () => workbookBytes({ [ETAT_SHEET]: await etatRows(['ANZIN', 'Jules Ferry 🦄', 'CAPEP', 1]) })),
    command: importing('emoji.xlsx'),
    code: 1,
    message: /« 🦄 » \(U\+1F984\)/,
    place: 'emoji.xlsx État 2019-07-15!B2',
  },
  {
    name: 'workbook: validate --classeur with a zip bomb',
    mutate: book('bombe2.xlsx', () => bomb('xl/sharedStrings.xml', 0x41)),
    command: (ws) => ['validate', '--data', ws.data, '--templates', ws.templates, '--classeur', path.join(ws.input, 'bombe2.xlsx')],
    code: 1,
    message: /archive piégée|trop volumineux/,
    place: 'bombe2.xlsx  erreur',
  },
];

// ---------------------------------------------------------------------------------------------
// Running the corpus

/** What printed output must never show: English from a library, internals, stack frames. */
const ENGLISH = /\b(Error|TypeError|ReferenceError|RangeError|undefined|null is|Cannot|cannot|Unexpected|Unresolved|Excessive|Maximum call stack|not defined|could not|Missing helper)\b|\[object Object\]|\n\s+at \S+ \(|node_modules/;

let root: string;
const tally = { cases: 0, clearErrors: 0, valid: 0, crashes: 0, hangs: 0, partialWrites: 0, dataLost: 0, slowestMs: 0 };
/** A case running longer than this is counted as a hang (and fails at `CASE_TIMEOUT_MS`). */
const HANG_MS = 20_000;
const CASE_TIMEOUT_MS = 30_000;

/** SHA-256 of every file under `dir`, by relative path. */
async function hashTree(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(dir, full) + (entry.isDirectory() ? '/' : ''), entry.isFile() ? createHash('sha256').update(await readFile(full)).digest('hex') : '');
  }
  return out;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'alses-corpus-data-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  console.log(`hostile corpus (data): ${JSON.stringify(tally)}`);
});

describe('hostile corpus, part B: data, YAML, templates, workbooks', () => {
  it('holds at least 80 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
  });

  it.each(CASES.map((c, i) => [`${String(i + 1).padStart(3, '0')} ${c.name}`, c] as const))('%s', async (_, c) => {
    tally.cases++;
    const dir = path.join(root, String(CASES.indexOf(c)));
    const ws: Workspace = { data: path.join(dir, 'data'), templates: path.join(dir, 'templates'), out: path.join(dir, 'out'), input: path.join(dir, 'entree') };
    await cp(path.join(ROOT, 'data'), ws.data, { recursive: true });
    await cp(path.join(ROOT, 'templates'), ws.templates, { recursive: true });
    await mkdir(ws.out);
    await mkdir(ws.input);
    await writeFile(path.join(ws.out, 'ancien.pdf'), 'production précédente');
    await c.mutate(ws);
    const before = { data: await hashTree(ws.data), templates: await hashTree(ws.templates), out: await hashTree(ws.out), input: await hashTree(ws.input) };

    const saved = Object.fromEntries(Object.keys(c.env ?? {}).map((k) => [k, process.env[k]]));
    Object.assign(process.env, c.env ?? {});
    let run;
    const started = Date.now();
    try {
      run = await runCli(c.command(ws));
      const ms = Date.now() - started;
      tally.slowestMs = Math.max(tally.slowestMs, ms);
      if (ms > HANG_MS) tally.hangs++;
    } catch (err) {
      tally.crashes++;
      throw err;
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const printed = run.stdout + run.stderr;
    if (process.env['CORPUS_DEBUG']) console.log(`--- ${c.name}\n${run.code}\n${run.stderr.slice(0, 3000)}`);
    if (ENGLISH.test(printed) || run.code > 6) tally.crashes++;
    expect(printed, 'no English or internals').not.toMatch(ENGLISH);
    expect(run.code, run.stderr).toBe(c.code);
    expect(run.stderr).toMatch(c.message);
    if (c.place !== undefined) expect(run.stderr).toContain(c.place);
    const after = { data: await hashTree(ws.data), templates: await hashTree(ws.templates), out: await hashTree(ws.out), input: await hashTree(ws.input) };
    if (JSON.stringify([...after.out]) !== JSON.stringify([...before.out])) tally.partialWrites++;
    if (JSON.stringify([...after.data, ...after.templates, ...after.input]) !== JSON.stringify([...before.data, ...before.templates, ...before.input])) tally.dataLost++;
    expect([...after.out], 'output folder untouched').toEqual([...before.out]);
    expect([...after.data], 'data/ untouched').toEqual([...before.data]);
    expect([...after.templates], 'templates/ untouched').toEqual([...before.templates]);
    expect([...after.input], 'input files untouched').toEqual([...before.input]);
    if (c.code === 0) tally.valid++;
    else tally.clearErrors++;
    await rm(dir, { recursive: true, force: true });
  }, CASE_TIMEOUT_MS);
});
