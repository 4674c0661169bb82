/**
 * Loading templates: `templates/*.hbs` are documents, `templates/partials/*.hbs` are partials
 * (e.g. a table shared by an annex and the note de présentation). Each document template starts
 * with YAML front matter (`front-matter.ts`), then Handlebars emitting the HTML subset of
 * `src/document/parse.ts`.
 *
 * Checks made when loading, all reported at once as Diagnostics with the template's file, line
 * and column: front matter YAML and fields (`front-matter.ts`), the Handlebars source
 * (`check.ts`: syntax, unescaped and prototype expressions, unknown helpers, tags, attributes,
 * image sources) and partials calling themselves.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars/runtime';
import { displayPath, hasErrors, type Diagnostic } from '../diagnostics.ts';
import { checkSource, missingPartials, partialCycles, partialUse, type PartialUse } from './check.ts';
import { checkValues, runAt, valueHelper, VALUE_HELPER } from './compile.ts';
import { readTemplateFile } from './files.ts';
import { readFrontMatter, splitFrontMatter, type FrontMatter } from './front-matter.ts';
import { HELPERS } from './helpers.ts';
import { handlebarsCompiler } from './compiler.ts';
import { checkedClean, checkKey, precompiledTemplate, recordCheck, recordingTemplates, recordTemplate, templateKey, type CompileOptions } from './precompiled.ts';

export { frontMatterSchema, TEMPLATE_PARAMETERS, type FrontMatter, type TemplateParameter } from './front-matter.ts';

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

/** `Cannot read properties of undefined (reading 'x')`: a step of a path read on nothing. */
const MISSING_STEP = /^Cannot read properties of (?:undefined|null) \(reading '([^']*)'\)/;

/**
 * Where a path that read a step on nothing is written in `source`: Handlebars gives such an
 * error no place, and its step alone misleads (« 99999 » for {{etat.lignes.[99999].college}},
 * where `etat.lignes` is what does not exist). The one mustache whose path has that step
 * (`.x`, `/x`, `[x]`); none when no mustache or several have it, or for another error.
 * @returns the mustache as written, and its line and column (from 1) in `source`.
 */
function missingStepPlace(err: unknown, source: string): { text: string; line: number; column: number } | undefined {
  const m = err instanceof Error ? MISSING_STEP.exec(err.message) : null;
  if (!m) return undefined;
  const step = new RegExp(`(?:^|[\\s./(=])\\[?${m[1]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]?(?=$|[\\s./)}~])`);
  const found = [...source.matchAll(/\{\{[^{}]*\}\}/g)].filter((x) => step.test(x[0].slice(2, -2)));
  if (found.length !== 1) return undefined;
  const index = found[0]!.index;
  const before = source.slice(0, index);
  return { text: found[0]![0], line: before.split('\n').length, column: index - before.lastIndexOf('\n') };
}

/**
 * An error raised while `source` (a template's body, a front-matter field or a partial) runs: its
 * French message (`runErrorMessage`; a `TemplateRunError`'s own), and its line and column in
 * `source` — Handlebars' (`locOf`), else the mustache of a path read on nothing
 * (`missingStepPlace`), which also names that mustache in the message.
 */
export function describeRunError(err: unknown, source: string): { message: string; line?: number; column?: number } {
  const located = locOf(err);
  const step = located.line === undefined ? missingStepPlace(err, source) : undefined;
  const message = err instanceof TemplateRunError ? err.message : runErrorMessage(err, step?.text);
  return { message, ...(step ? { line: step.line, column: step.column } : located) };
}

/**
 * French message for an error raised while a template runs (Handlebars' own messages are English).
 * @param mustache the expression, as written, where a path read on nothing (`missingStepPlace`).
 */
export function runErrorMessage(err: unknown, mustache?: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  let m: RegExpExecArray | null;
  if ((m = /^"([^"]+)" not defined in/.exec(msg))) return `la donnée « ${m[1]} » n'existe pas (attendu : un champ du modèle de vue, voir README « Écrire un modèle »)`;
  if ((m = /^The partial (\S+) could not be found/.exec(msg))) return `partiel « ${m[1]} » introuvable (attendu : un fichier templates/partials/${m[1]}.hbs sans erreur)`;
  if ((m = /^(\S+) doesn't match (\S+)/.exec(msg))) return `bloc {{#${m[1]}}} fermé par {{/${m[2]}}} (attendu : {{/${m[1]}}})`;
  if ((m = /^Missing helper: "([^"]+)"/.exec(msg))) return `aide « ${m[1]} » inconnue (attendu : une aide de README « Écrire un modèle »)`;
  if ((m = /^Missing decorator: "([^"]+)"/.exec(msg))) return `décorateur « {{* ${m[1]}}} » inconnu (attendu : aucun décorateur, seulement des expressions {{ … }})`;
  if ((m = /^#(\w+) requires exactly one argument/.exec(msg))) return `{{#${m[1]}}} sans donnée (attendu : exactement une donnée, ex. {{#${m[1]} etat.rows}})`;
  // A path climbing above the data ({{../../x}}) reads a property of nothing.
  // A partial that calls itself (an inline one, {{#*inline "b"}}…{{> b}}…, escapes the check of
  // partials' calls), or blocks nested so deep that the engine's stack ends.
  if (err instanceof RangeError && /call stack/i.test(msg))
    return "le modèle s'appelle lui-même sans fin, ou ses blocs s'imbriquent trop profondément (attendu : un partiel qui n'appelle ni lui-même ni celui qui l'appelle, ex. {{#*inline}} sans {{> }} de son propre nom)";
  if ((m = MISSING_STEP.exec(msg)))
    return (
      `la donnée « ${m[1]} » est lue sur une donnée qui n'existe pas${mustache ? ` dans ${mustache}` : ''} ` +
      '(attendu : un chemin du modèle de vue dont chaque étape existe : un champ bien écrit, un rang présent dans la liste, au plus autant de ../ que de blocs {{#each}} ou {{#with}} ouverts)'
    );
  return msg.replace(/\s+- \d+:\d+\s*$/, '').split('\n')[0] ?? msg;
}

/** Block helpers made strict: a value that does not exist (misspelt field) is an error, never "false". */
const STRICT_BLOCKS = ['if', 'unless', 'each', 'with'] as const;

/**
 * A new, isolated Handlebars environment with the French helpers, where `{{#if}}`, `{{#unless}}`,
 * `{{#each}}` and `{{#with}}` throw on a value that does not exist (`undefined`): with strict
 * mode, a misspelt field is then always an error. View models give absent values as `null`.
 * Errors carry the line and column of the helper (`TemplateRunError`). Plain `{{champ}}` go
 * through the `__valeur` helper (`compile.ts`; templates compiled with `compileTemplate`).
 */
export function createEnvironment(): typeof Handlebars {
  const env = Handlebars.create();
  // {{log}} would print on the command's output (issue 12): not a helper of templates.
  env.unregisterHelper('log');
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
  env.registerHelper(
    VALUE_HELPER,
    valueHelper((name, line, column) => new TemplateRunError(`la donnée « ${name} » n'existe pas (attendu : un champ du modèle de vue, voir README « Écrire un modèle »)`, line, column)),
  );
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

/** Deepest nesting of partials a render may reach (a partial chosen at run time calling itself). */
export const MAX_PARTIAL_DEPTH = 20;

/**
 * Compiles a Handlebars source strictly, plain `{{champ}}` checked where written (`compile.ts`);
 * a source the build compiled starts from what it made (`precompiled.ts`), any other is compiled
 * at its first run (where Handlebars' own compiling was: its errors are the run's).
 * @param file the source's file and `lineOffset` the lines before it, for places
 * @param parsed `Handlebars.parse(source)` when already made (it is rewritten: not to be used again)
 */
export function compileTemplate(
  env: typeof Handlebars,
  source: string,
  file: string,
  lineOffset: number,
  options: { noEscape?: boolean } = {},
  parsed?: hbs.AST.Program,
): Handlebars.TemplateDelegate {
  const helpers = Object.keys(env.helpers);
  const compileOptions: CompileOptions = { strict: true, ...(options.noEscape === true ? { noEscape: true } : {}) };
  const key = templateKey(source, { noEscape: options.noEscape === true, helpers });
  recordTemplate(key, () => checkValues(handlebarsCompiler().parse(source), new Set(helpers)), compileOptions);
  const spec = precompiledTemplate(key);
  let compiled = spec === undefined ? undefined : env.template(spec);
  const compile = (): Handlebars.TemplateDelegate => {
    const program = checkValues(parsed ?? handlebarsCompiler().parse(source), new Set(helpers));
    // Handlebars' `compile` is `precompile`, then the JavaScript it gives made a function: the
    // runtime environment (helpers, partials) runs it as it runs what the build precompiled.
    return env.template(new Function(`return ${String(handlebarsCompiler().precompile(program, compileOptions))}`)() as TemplateSpecification);
  };
  return (context: unknown, runtimeOptions?: Handlebars.RuntimeOptions) => runAt(file, lineOffset, () => (compiled ??= compile())(context, runtimeOptions));
}

/**
 * `checkSource` of a source, unless the build checked it and found no problem (`precompiled.ts`):
 * then no problem and the partials it uses, without parsing it.
 */
function checkLoaded(file: string, source: string, lineOffset: number, helpers: ReadonlySet<string>): { diagnostics: Diagnostic[]; program?: hbs.AST.Program; use?: PartialUse } {
  const key = checkKey(source, [...helpers]);
  const clean = recordingTemplates() ? undefined : checkedClean(key);
  if (clean !== undefined) return { diagnostics: [], use: clean };
  const checked = checkSource(file, source, lineOffset, helpers);
  if (checked.program === undefined) return checked;
  const use = partialUse(checked.program);
  if (checked.diagnostics.length === 0) recordCheck(key, use);
  return { ...checked, use };
}

/**
 * The body of each template as `checkSource` parsed it when loading (`compiledSource` compiles it
 * from there, which rewrites it: used once).
 */
const parsedBodies = new WeakMap<LoadedTemplate, hbs.AST.Program>();

/** What `compiledSource` compiled for each template, by source (front-matter field or body). */
const compiledSources = new WeakMap<LoadedTemplate, Map<string, Handlebars.TemplateDelegate>>();

/**
 * `compileTemplate` of a source of `template` (its body, or a front-matter field) in the
 * environment of its set, compiled once per process: a template rendered again (every document
 * of the catalogue made from it, the batch, the web server) reuses the compiled function, and
 * the body starts from the syntax tree `loadTemplates` parsed to check it.
 */
export function compiledSource(
  env: typeof Handlebars,
  template: LoadedTemplate,
  source: string,
  lineOffset: number,
  options: { noEscape?: boolean } = {},
): Handlebars.TemplateDelegate {
  let compiled = compiledSources.get(template);
  if (!compiled) compiledSources.set(template, (compiled = new Map()));
  const key = `${options.noEscape === true ? 1 : 0}\u0000${lineOffset}\u0000${source}`;
  let delegate = compiled.get(key);
  if (!delegate) {
    const isBody = source === template.body && lineOffset === template.bodyLineOffset && options.noEscape !== true;
    const parsed = isBody ? parsedBodies.get(template) : undefined;
    if (isBody) parsedBodies.delete(template);
    delegate = compileTemplate(env, source, template.file, lineOffset, options, parsed);
    compiled.set(key, delegate);
  }
  return delegate;
}

/** A partial compiled strictly, whose errors name the partial's own file; nesting is bounded. */
function partialFunction(env: typeof Handlebars, source: string, file: string, name: string, stack: string[], parsed?: hbs.AST.Program): Handlebars.TemplateDelegate {
  const compiled = compileTemplate(env, source, file, 0, {}, parsed);
  return (context: unknown, options?: Handlebars.RuntimeOptions) => {
    if (stack.length >= MAX_PARTIAL_DEPTH) {
      const chain = [...stack.slice(-3), name].map((n) => `{{> ${n}}}`).join(' → ');
      throw new TemplateRunError(`partiels imbriqués sur plus de ${MAX_PARTIAL_DEPTH} niveaux (… ${chain}) : un partiel s'appelle lui-même sans fin (attendu : un partiel qui ne s'appelle pas lui-même)`, undefined, undefined, file);
    }
    stack.push(name);
    try {
      return compiled(context, options);
    } catch (err) {
      if (err instanceof TemplateRunError) {
        err.file ??= file;
        throw err;
      }
      const { message, line, column } = describeRunError(err, source);
      throw new TemplateRunError(message, line, column, file);
    } finally {
      stack.pop();
    }
  };
}

/**
 * Loads every template of `dir` (`*.hbs`) and registers the partials of `dir/partials/` on a new,
 * isolated Handlebars environment with the French helpers. Every problem of every file is
 * reported (`check.ts`, `front-matter.ts`), and partials calling themselves
 * (`template/partial-cycle`) are not registered.
 * @param names when given, only these templates (names without `.hbs`); an unknown name is an error.
 * @returns templates that loaded cleanly and all diagnostics (never throws for template problems).
 */
export async function loadTemplates(dir: string, names: readonly string[] = []): Promise<TemplateSet> {
  const env = createEnvironment();
  const helpers = new Set(Object.keys(env.helpers));
  const diagnostics: Diagnostic[] = [];
  const hashes: Record<string, string> = {};
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
  const checked = new Map<string, { file: string; source: string; program?: hbs.AST.Program; use?: PartialUse; calls: PartialUse['calls']; ok: boolean }>();
  for (const f of partialFiles) {
    const file = path.join(partialsDir, f);
    const source = await readTemplateFile(dir, file, diagnostics, hashes);
    if (source === undefined) continue;
    partials.push(rel(file));
    const checks = checkLoaded(rel(file), source, 0, helpers);
    diagnostics.push(...checks.diagnostics);
    partialSources[rel(file)] = source;
    checked.set(f.slice(0, -'.hbs'.length), {
      file: rel(file),
      source,
      ...(checks.program ? { program: checks.program } : {}),
      ...(checks.use ? { use: checks.use } : {}),
      calls: checks.use?.calls ?? [],
      ok: checks.diagnostics.length === 0,
    });
  }
  const cycles = partialCycles(checked);
  diagnostics.push(...cycles.diagnostics);
  const known = new Set(checked.keys());
  for (const p of checked.values()) if (p.use) diagnostics.push(...missingPartials(p.use, p.file, 0, known));
  const stack: string[] = [];
  // Each partial compiled from the syntax tree checkSource parsed (no longer read above).
  for (const [name, p] of checked) if (p.ok && !cycles.cyclic.has(name)) env.registerPartial(name, partialFunction(env, p.source, p.file, name, stack, p.program));

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
    // Front matter and body are both checked: every problem of the file at once.
    const head = readFrontMatter(split.yaml, rel(file));
    const checkedBody = checkLoaded(rel(file), split.body, split.bodyLineOffset, helpers);
    const body = [...checkedBody.diagnostics, ...(checkedBody.use ? missingPartials(checkedBody.use, rel(file), split.bodyLineOffset, known) : [])];
    diagnostics.push(...head.diagnostics, ...body);
    if (head.frontMatter && !hasErrors(head.diagnostics) && body.length === 0) {
      const template: LoadedTemplate = { name, file: rel(file), frontMatter: head.frontMatter, body: split.body, bodyLineOffset: split.bodyLineOffset, keyLines: head.keyLines };
      if (checkedBody.program) parsedBodies.set(template, checkedBody.program);
      templates.push(template);
    }
  }
  return { env, partials, partialSources, templates, diagnostics, hashes };
}
