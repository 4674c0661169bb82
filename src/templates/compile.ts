/**
 * Compiling a template so that what it prints is checked where it is written (issue 12):
 * every plain `{{champ}}` is compiled as a call to the `__valeur` helper, which prints the value
 * as Handlebars would, but records an object or a list (`{{collectivite}}` used to print
 * "[object Object]", placed on a line of the rendered output) as a `template/object-value` error
 * placed at the expression's line and column in the template or partial — every such
 * expression of a render, not only the first — and refuses a field that does not exist, as
 * strict mode does. The file and the lines before the source are not written into the compiled
 * template: the template or partial running says them (`runAt`), so that what a source compiles
 * to depends on its text only (`precompiled.ts` keeps it from the build).
 */
import Handlebars from 'handlebars/runtime';
import type { Diagnostic } from '../diagnostics.ts';
import { walk } from './check.ts';

/** Name of the helper plain expressions are compiled to (not callable from a template: `_`). */
export const VALUE_HELPER = '__valeur';

/** Problems recorded while a template runs (set by `collectValueProblems`). */
let sink: Diagnostic[] | undefined;

/** The template or partial running, innermost last: its file and the lines before its source. */
const places: { readonly file: string; readonly lineOffset: number }[] = [];

/**
 * Runs `render` (a compiled template or partial) as the source of `file` that starts after
 * `lineOffset` lines: the problems its expressions record are placed there.
 */
export function runAt<T>(file: string, lineOffset: number, render: () => T): T {
  places.push({ file, lineOffset });
  try {
    return render();
  } finally {
    places.pop();
  }
}

/**
 * Runs `render` and returns what it gives with the `template/object-value` problems its
 * expressions recorded (templates run synchronously: one render at a time per thread).
 */
export function collectValueProblems<T>(render: () => T): { result: T; problems: Diagnostic[] } {
  const outer = sink;
  const problems: Diagnostic[] = [];
  sink = problems;
  try {
    return { result: render(), problems };
  } finally {
    sink = outer;
  }
}

/**
 * The `__valeur` helper: `(value, name, options)`, `name` the expression as written, placed in
 * the source running (`runAt`). Throws `onMissing(name, loc)` for a field that does not exist.
 */
export function valueHelper(onMissing: (name: string, line: number, column: number) => Error): Handlebars.HelperDelegate {
  return (value: unknown, name: unknown, options: { loc?: hbs.AST.SourceLocation }) => {
    const line = options.loc?.start.line ?? 0;
    const column = (options.loc?.start.column ?? 0) + 1;
    if (value === undefined) throw onMissing(String(name), line, column);
    if (value !== null && typeof value === 'object' && !(value instanceof Handlebars.SafeString)) {
      const { file, lineOffset } = places.at(-1) ?? { file: '', lineOffset: 0 };
      sink?.push({
        severity: 'error',
        ruleId: 'template/object-value',
        message: `Expression « {{${String(name)}}} » : elle affiche ${Array.isArray(value) ? 'une liste' : 'un ensemble de champs'} au lieu d'un texte (attendu : un champ simple, ex. {{collectivite.nom}} ou {{date deploiement.deliberation.date}})`,
        place: { file, line: line + lineOffset, column },
        actual: `{{${String(name)}}}`,
      });
      return '';
    }
    return value;
  };
}

/**
 * Rewrites, in place, every plain `{{champ}}` of `program` into `{{__valeur champ "champ"}}`,
 * and every helper call `{{aide x}}` into `{{__valeur (aide x) "aide …"}}`.
 * @param helpers names of the registered helpers (`{{etp}}` alone stays a helper call)
 */
export function checkValues(program: hbs.AST.Program, helpers: ReadonlySet<string>): hbs.AST.Program {
  const literal = (value: string, loc: hbs.AST.SourceLocation): hbs.AST.StringLiteral => ({ type: 'StringLiteral', value, original: value, loc });
  walk(program, (node) => {
    if (node.type !== 'MustacheStatement') return;
    const m = node as hbs.AST.MustacheStatement;
    const p = m.path as hbs.AST.PathExpression;
    if (p.type !== 'PathExpression' || p.original === VALUE_HELPER) return;
    const isHelper = p.parts.length === 1 && !p.data && helpers.has(p.original);
    const isCall = m.params.length > 0 || (m.hash?.pairs.length ?? 0) > 0;
    if (isHelper !== isCall) return; // `{{etp}}` alone: the helper says what it lacks; `{{a b}}`, a not a helper: check.ts
    // A helper's result is checked too: `{{lookup etat "rows"}}` → `{{__valeur (lookup etat "rows") …}}`.
    const value: hbs.AST.Expression = isCall ? ({ type: 'SubExpression', path: p, params: m.params, hash: m.hash, loc: m.loc } as hbs.AST.SubExpression) : p;
    const callee: hbs.AST.PathExpression = { type: 'PathExpression', data: false, depth: 0, parts: [VALUE_HELPER], original: VALUE_HELPER, loc: p.loc };
    const m2 = m as { path: hbs.AST.Expression; params: hbs.AST.Expression[]; hash: hbs.AST.Hash };
    m2.path = callee;
    m2.params = [value, literal(isCall ? `${p.original} …` : p.original, p.loc)];
    m2.hash = { type: 'Hash', pairs: [], loc: m.loc };
  });
  return program;
}
