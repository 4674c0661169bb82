/**
 * Loading templates: `templates/*.hbs` are documents, `templates/partials/*.hbs` are partials
 * (e.g. a table shared by an annex and the note de présentation). Each document template starts
 * with YAML front matter (see `FrontMatter`), then Handlebars emitting the HTML subset of
 * `src/document/parse.ts`.
 *
 * Checks made when loading, all reported at once as Diagnostics with the template's file and
 * line: front matter YAML and fields, Handlebars syntax, unknown tags/attributes in the source,
 * and triple-stash `{{{…}}}` (values are always escaped).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { LineCounter, parseDocument as parseYaml } from 'yaml';
import { readTemplateFile } from './files.ts';
import { expectationOf, frontMatterSchema, splitFrontMatter, TEMPLATE_PARAMETERS, yamlLine, type FrontMatter, type TemplateParameter } from './front-matter.ts';
import { displayPath, positionAt, type Diagnostic } from '../diagnostics.ts';
import { checkTagsAndAttributes } from '../document/parse.ts';
import { HELPERS } from './helpers.ts';

export { locOf };
export { frontMatterSchema, TEMPLATE_PARAMETERS, type FrontMatter, type TemplateParameter };

/** A loaded, checked, compiled template. */
export interface LoadedTemplate {
  /** Name = file name without `.hbs`; also the base name of the output files. */
  readonly name: string;
  /** Path as shown in messages (relative to the working folder). */
  readonly file: string;
  readonly frontMatter: FrontMatter;
  /** Handlebars source of the body (after the front matter). */
  readonly body: string;
  /** Number of lines before the body (front matter), added to body line numbers in messages. */
  readonly bodyLineOffset: number;
  /** Line in the template file of each front-matter key given (`deliberation`, `data.etat`…). */
  readonly keyLines: Readonly<Record<string, number>>;
}

/** Result of loading templates: those that loaded cleanly, and every problem found. */
export interface TemplateSet {
  readonly env: typeof Handlebars;
  /** Paths of the partials registered (as shown in messages); inputs of every document. */
  readonly partials: readonly string[];
  /** Handlebars source of each partial registered, by path as in `partials`. */
  readonly partialSources: Readonly<Record<string, string>>;
  readonly templates: LoadedTemplate[];
  readonly diagnostics: Diagnostic[];
  /** SHA-256 (hex) of the bytes read from each template and partial file, by path as shown in messages. */
  readonly hashes: Readonly<Record<string, string>>;
}

const rel = displayPath;

/**
 * An error raised while a template runs, with where it happened: the file (a partial's own file
 * when it happened inside a partial; otherwise the caller fills in the template) and the line and
 * column in that source (before any front-matter offset).
 */
export class TemplateRunError extends Error {
  override readonly name = 'TemplateRunError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
    public file?: string,
  ) {
    super(message);
  }
}

type Loc = { start: { line: number; column: number } } | undefined;

/** Where Handlebars says an error happened: `options.loc`, or " - 12:4" at the end of its message. */
function locOf(err: unknown, loc?: Loc): { line?: number; column?: number } {
  if (err instanceof TemplateRunError) return { ...(err.line ? { line: err.line } : {}), ...(err.column ? { column: err.column } : {}) };
  if (loc) return { line: loc.start.line, column: loc.start.column + 1 };
  const m = /- (\d+):(\d+)\s*$/.exec(err instanceof Error ? err.message : '');
  return m ? { line: Number(m[1]), column: Number(m[2]) + 1 } : {};
}

/**
 * French message for an error raised while a template runs (Handlebars' own messages are English).
 */
export function runErrorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  let m: RegExpExecArray | null;
  if ((m = /^"([^"]+)" not defined in/.exec(msg))) return `la donnée « ${m[1]} » n'existe pas (attendu : un champ du modèle de vue, voir README « Écrire un modèle »)`;
  if ((m = /^The partial (\S+) could not be found/.exec(msg))) return `partiel « ${m[1]} » introuvable (attendu : un fichier templates/partials/${m[1]}.hbs sans erreur)`;
  if ((m = /^(\S+) doesn't match (\S+)/.exec(msg))) return `bloc {{#${m[1]}}} fermé par {{/${m[2]}}} (attendu : {{/${m[1]}}})`;
  if ((m = /^Missing helper: "([^"]+)"/.exec(msg))) return `aide « ${m[1]} » inconnue (attendu : une aide de README « Écrire un modèle »)`;
  return msg.replace(/\s+- \d+:\d+\s*$/, '').split('\n')[0] ?? msg;
}

/** Block helpers made strict: a value that does not exist (misspelt field) is an error, never "false". */
const STRICT_BLOCKS = ['if', 'unless', 'each', 'with'] as const;

/**
 * A new, isolated Handlebars environment with the French helpers, where `{{#if}}`, `{{#unless}}`,
 * `{{#each}}` and `{{#with}}` throw on a value that does not exist (`undefined`): with strict
 * mode, a misspelt field is then always an error. View models give absent values as `null`.
 * Errors carry the line and column of the helper (`TemplateRunError`).
 */
export function createEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  for (const [name, fn] of Object.entries(HELPERS)) {
    env.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      const options = args[args.length - 1] as { loc?: Loc };
      try {
        return (fn as (...a: unknown[]) => unknown).apply(this, args);
      } catch (err) {
        const { line, column } = locOf(err, options.loc);
        throw new TemplateRunError(err instanceof Error ? err.message : String(err), line, column);
      }
    });
  }
  for (const name of STRICT_BLOCKS) {
    const builtin = env.helpers[name] as Handlebars.HelperDelegate;
    env.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      const options = args[args.length - 1] as { loc?: Loc };
      if (args.length === 2 && args[0] === undefined) {
        const { line, column } = locOf(undefined, options.loc);
        throw new TemplateRunError(`{{#${name}}} sur une donnée qui n'existe pas (attendu : un champ du modèle de vue ; une valeur absente vaut null)`, line, column);
      }
      return (builtin as (...a: unknown[]) => unknown).apply(this, args);
    });
  }
  return env;
}

/** A partial compiled strictly, whose errors name the partial's own file. */
function partialFunction(env: typeof Handlebars, source: string, file: string): Handlebars.TemplateDelegate {
  const compiled = env.compile(source, { strict: true });
  return (context: unknown, options?: Handlebars.RuntimeOptions) => {
    try {
      return compiled(context, options);
    } catch (err) {
      if (err instanceof TemplateRunError) {
        err.file ??= file;
        throw err;
      }
      const { line, column } = locOf(err);
      throw new TemplateRunError(runErrorMessage(err), line, column, file);
    }
  };
}

/** Masks Handlebars expressions with spaces (keeping newlines) so only literal markup remains. */
function maskMustaches(program: hbs.AST.Program, source: string): string {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const masked = source.replace(/[^\n]/g, ' ').split('');
  const visit = (node: hbs.AST.Node): void => {
    if (node.type === 'ContentStatement') {
      const c = node as hbs.AST.ContentStatement;
      // The typings say StripFlags; at run time `original` is the raw text of the content.
      const original = c.original as unknown as string;
      const start = (lineStarts[c.loc.start.line - 1] ?? 0) + c.loc.start.column;
      for (let i = 0; i < original.length; i++) masked[start + i] = original[i] ?? ' ';
      return;
    }
    const anyNode = node as unknown as { program?: hbs.AST.Program; inverse?: hbs.AST.Program; body?: hbs.AST.Statement[] };
    anyNode.body?.forEach(visit);
    if (anyNode.program) visit(anyNode.program);
    if (anyNode.inverse) visit(anyNode.inverse);
  };
  visit(program);
  return masked.join('');
}

/**
 * Names of JavaScript object internals a template must not reach: Handlebars hides them (its
 * prototype access control) and prints nothing, so a template naming one would silently print an
 * empty value; it is an error instead (issue 12).
 */
const PROTOTYPE_NAMES = /\{\{[^}]*?\b(__proto__|constructor|prototype|__defineGetter__|__defineSetter__|__lookupGetter__|__lookupSetter__)\b[^}]*\}\}/;

/** `template/prototype`: an expression of `source` naming an object internal, placed at its line. */
function prototypeProblems(file: string, source: string, lineOffset: number): Diagnostic[] {
  const match = PROTOTYPE_NAMES.exec(source);
  if (!match) return [];
  return [
    {
      severity: 'error',
      ruleId: 'template/prototype',
      message: `Expression « ${match[0]} » : « ${match[1]} » n'est pas une donnée du modèle de vue (attendu : un champ des données, ex. {{etat.date}})`,
      place: { file, line: positionAt(source, match.index).line + lineOffset },
      actual: match[0],
    },
  ];
}

/** Checks a Handlebars source (document or partial) and returns its diagnostics. */
function checkSource(file: string, body: string, lineOffset: number): Diagnostic[] {
  const diagnostics: Diagnostic[] = [...prototypeProblems(file, body, lineOffset)];
  // `{{{ … }}}` and `{{& … }}` print a value unescaped: refused alike (issue 12).
  const triple = body.search(/\{\{~?[{&]/);
  if (triple >= 0) {
    const line = positionAt(body, triple).line + lineOffset;
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/unescaped',
      message: `Expression « ${/^\{\{~?&/.test(body.slice(triple)) ? '{{& … }}' : '{{{ … }}}'} » non échappée interdite (attendu : {{ … }}, les valeurs sont toujours échappées)`,
      place: { file, line },
    });
  }
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(body);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const { line } = /doesn't match/.test(msg) ? locOf(err) : { line: Number(/line (\d+)/.exec(msg)?.[1]) || undefined };
    const lines = msg.split('\n');
    const detail = /doesn't match/.test(msg)
      ? runErrorMessage(err)
      : /got 'EOF'/.test(msg)
        ? 'bloc {{#…}} ou expression non fermé(e) en fin de fichier (attendu : {{/…}} pour chaque {{#…}})'
        : `près de « ${(lines[1] ?? '').trim()} » (attendu : expressions {{ … }} bien formées et blocs {{#…}} fermés)`;
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/syntax',
      message: `Erreur de syntaxe Handlebars : ${detail}`,
      place: { file, ...(line ? { line: line + lineOffset } : {}) },
    });
    return diagnostics;
  }
  diagnostics.push(...checkTagsAndAttributes(maskMustaches(program, body), { file, lineOffset, placeKind: 'source' }));
  return diagnostics;
}

/**
 * Loads every template of `dir` (`*.hbs`) and registers the partials of `dir/partials/` on a new,
 * isolated Handlebars environment with the French helpers.
 * @param names when given, only these templates (names without `.hbs`); an unknown name is an error.
 * @returns templates that loaded cleanly and all diagnostics (never throws for template problems).
 * @throws Error only on an unreadable folder.
 */
export async function loadTemplates(dir: string, names: readonly string[] = []): Promise<TemplateSet> {
  const env = createEnvironment();
  const diagnostics: Diagnostic[] = [];
  const available = await readdir(dir).catch(() => undefined);
  if (!available) {
    return {
      env,
      partials: [],
      partialSources: {},
      templates: [],
      hashes: {},
      diagnostics: [
        {
          severity: 'error',
          ruleId: 'template/folder',
          message: `Dossier des modèles « ${rel(dir)} » introuvable ou illisible (attendu : un dossier de fichiers .hbs, voir --templates)`,
          place: { file: rel(dir) },
        },
      ],
    };
  }

  const partialsDir = path.join(dir, 'partials');
  const partialFiles = (await readdir(partialsDir).catch(() => [] as string[])).filter((f) => f.endsWith('.hbs')).sort();
  const partials: string[] = [];
  const partialSources: Record<string, string> = {};
  const hashes: Record<string, string> = {};
  for (const f of partialFiles) {
    const file = path.join(partialsDir, f);
    const source = await readTemplateFile(dir, file, diagnostics, hashes);
    if (source === undefined) continue;
    partials.push(rel(file));
    const checks = checkSource(rel(file), source, 0);
    diagnostics.push(...checks);
    partialSources[rel(file)] = source;
    if (checks.length === 0) env.registerPartial(f.slice(0, -'.hbs'.length), partialFunction(env, source, rel(file)));
  }

  const documents = available.filter((f) => f.endsWith('.hbs')).sort();
  if (documents.length === 0)
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/none',
      message: `Aucun modèle dans « ${rel(dir)} » (attendu : des fichiers .hbs, voir --templates)`,
      place: { file: rel(dir) },
    });
  const wanted = names.length ? names.map((n) => n.replace(/\.hbs$/, '')) : documents.map((f) => f.slice(0, -4));
  const templates: LoadedTemplate[] = [];
  for (const name of wanted) {
    const file = path.join(dir, `${name}.hbs`);
    if (!documents.includes(`${name}.hbs`)) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'template/unknown',
        message: `Modèle « ${name} » introuvable (attendu : l'un de ${documents.map((f) => f.slice(0, -4)).join(', ')})`,
        place: { file: rel(dir) },
      });
      continue;
    }
    const source = await readTemplateFile(dir, file, diagnostics, hashes);
    if (source === undefined) continue;
    const split = splitFrontMatter(source);
    if (!split) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'template/front-matter',
        message: 'En-tête YAML absent (attendu : le fichier commence par une ligne ---, les propriétés du document, puis ---)',
        place: { file: rel(file), line: 1, column: 1 },
      });
      continue;
    }
    const counter = new LineCounter();
    const doc = parseYaml(split.yaml, { lineCounter: counter, prettyErrors: false });
    const before = diagnostics.length;
    diagnostics.push(...prototypeProblems(rel(file), split.yaml, 1));
    for (const e of doc.errors) {
      const pos = counter.linePos(e.pos[0]);
      diagnostics.push({
        severity: 'error',
        ruleId: 'template/front-matter',
        message: `En-tête YAML invalide : ${e.message.split('\n')[0]}`,
        place: { file: rel(file), line: pos.line + 1, column: pos.col },
      });
    }
    if (diagnostics.length === before) {
      const parsed = frontMatterSchema.safeParse(doc.toJS() ?? {});
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          const key = issue.path.join('.') || '(racine)';
          const line = yamlLine(doc, counter, issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path);
          const detail =
            issue.code === 'unrecognized_keys'
              ? `clé(s) inconnue(s) ${issue.keys.map((k) => `« ${k} »`).join(', ')} (attendu : ${Object.keys(frontMatterSchema.shape).join(', ')})`
              : `valeur invalide pour « ${key} » (attendu : ${expectationOf(key)})`;
          diagnostics.push({ severity: 'error', ruleId: 'template/front-matter', message: `En-tête YAML : ${detail}`, place: { file: rel(file), ...(line ? { line: line + 1 } : {}) } });
        }
      } else {
        const bodyDiagnostics = checkSource(rel(file), split.body, split.bodyLineOffset);
        diagnostics.push(...bodyDiagnostics);
        if (bodyDiagnostics.length === 0) {
          const keyLines: Record<string, number> = {};
          for (const key of ['title', 'date', 'deliberation', 'parametres', 'data.etat', 'data.deploiement']) {
            const line = doc.hasIn(key.split('.')) ? yamlLine(doc, counter, key.split('.')) : undefined;
            if (line !== undefined) keyLines[key] = line + 1;
          }
          templates.push({ name, file: rel(file), frontMatter: parsed.data, body: split.body, bodyLineOffset: split.bodyLineOffset, keyLines });
        }
      }
    }
  }
  return { env, partials, partialSources, templates, diagnostics, hashes };
}
