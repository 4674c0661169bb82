/**
 * Checks made on a template's Handlebars source before anything runs (issue 12), each problem
 * placed at its line and column in the template, EVERY problem of a file listed at once:
 * - `template/syntax`: the source does not parse (the first syntax error only: nothing after it
 *   can be read);
 * - `template/unescaped`: `{{{ … }}}` and `{{& … }}` (values are always escaped);
 * - `template/prototype`: an expression naming an object internal (`__proto__`, `constructor`…);
 * - `template/helper`: a call to a helper that does not exist (`{{formate x}}`);
 * - `template/image-src`: a literal `<img src>` that is not `chart:<nom>`;
 * - tags and attributes outside the HTML subset (`document/parse.ts`);
 * and, across partials, `template/partial-cycle`: a partial that calls itself, directly or
 * through others (it used to end in "Maximum call stack size exceeded").
 */
import { handlebarsCompiler } from './compiler.ts';
import { lineLocator, type Diagnostic, type Place } from '../diagnostics.ts';
import { checkTagsAndAttributes } from '../document/parse.ts';

/** Handlebars AST node with a location, as the parser gives it. */
type Located = { loc: { start: { line: number; column: number } } };

/**
 * The partials a source uses: its calls by name (`{{> nom}}`, where each is) and the partials it
 * defines inline (`{{#*inline "nom"}}`). Plain data: kept by the build for the project's
 * templates (`precompiled.ts`), so that a source checked clean there is not parsed again.
 */
export interface PartialUse {
  readonly calls: readonly { readonly name: string; readonly node: Located }[];
  readonly inline: readonly string[];
}

/** Calls every node of a program, depth first. */
export function walk(node: hbs.AST.Node, visit: (node: hbs.AST.Node) => void): void {
  visit(node);
  const n = node as unknown as { body?: hbs.AST.Node[]; program?: hbs.AST.Node; inverse?: hbs.AST.Node; params?: hbs.AST.Node[]; hash?: { pairs: { value: hbs.AST.Node }[] }; path?: hbs.AST.Node };
  n.body?.forEach((c) => walk(c, visit));
  if (n.path && n.path.type === 'SubExpression') walk(n.path, visit);
  n.params?.forEach((c) => walk(c, visit));
  n.hash?.pairs.forEach((p) => walk(p.value, visit));
  if (n.program) walk(n.program, visit);
  if (n.inverse) walk(n.inverse, visit);
}

/** Place of a node: line and column (1-based) in the file, after `lineOffset` lines. */
const placeOf = (file: string, node: Located, lineOffset: number): Place => ({ file, line: node.loc.start.line + lineOffset, column: node.loc.start.column + 1 });

/** Masks Handlebars expressions with spaces (keeping newlines) so only literal markup remains. */
function maskMustaches(program: hbs.AST.Program, source: string): string {
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') lineStarts.push(i + 1);
  const masked = source.replace(/[^\n]/g, ' ').split('');
  walk(program, (node) => {
    if (node.type !== 'ContentStatement') return;
    const c = node as hbs.AST.ContentStatement;
    // The typings say StripFlags; at run time `original` is the raw text of the content.
    const original = c.original as unknown as string;
    const start = (lineStarts[c.loc.start.line - 1] ?? 0) + c.loc.start.column;
    for (let i = 0; i < original.length; i++) masked[start + i] = original[i] ?? ' ';
  });
  return masked.join('');
}

/** Handlebars' own hooks, called when a helper is missing: named in a template, they print a misleading message. */
const HANDLEBARS_INTERNALS = ['helperMissing', 'blockHelperMissing'];

/**
 * Names of JavaScript object internals a template must not reach (`prototype` and every property
 * of `Object.prototype`: `__proto__`, `constructor`, `hasOwnProperty`, `toString`…) and of
 * Handlebars' hooks (`HANDLEBARS_INTERNALS`): Handlebars hides the former (its prototype access
 * control) with nothing but an English warning, so a template naming one would silently print an
 * empty value, and calls the latter with a misleading message; each is an error instead (issue 12).
 */
const PROTOTYPE_NAMES = new RegExp(
  `\\{\\{[^}]*?\\b(${[...new Set(['prototype', ...Object.getOwnPropertyNames(Object.prototype), ...HANDLEBARS_INTERNALS])].join('|')})\\b[^}]*\\}\\}`,
  'g',
);

/** `template/prototype`: every expression of `source` naming an object internal. */
export function prototypeProblems(file: string, source: string, lineOffset: number): Diagnostic[] {
  const locate = lineLocator(source);
  return [...source.matchAll(PROTOTYPE_NAMES)].map((match) => {
    const { line, column } = locate(match.index);
    return {
      severity: 'error' as const,
      ruleId: 'template/prototype' as const,
      message: `Expression « ${match[0]} » : « ${match[1]} » n'est pas une donnée du modèle de vue (attendu : un champ des données, ex. {{etat.date}})`,
      place: { file, line: line + lineOffset, column },
      actual: match[0],
    };
  });
}

/** French detail of a Handlebars parse error, and its line. */
function syntaxProblem(err: unknown): { detail: string; line?: number } {
  const msg = err instanceof Error ? err.message : String(err);
  const lines = msg.split('\n');
  const closing = /^(\S+) doesn't match (\S+) - (\d+):/.exec(msg);
  if (closing) return { detail: `bloc {{#${closing[1]}}} fermé par {{/${closing[2]}}} (attendu : {{/${closing[1]}}})`, line: Number(closing[3]) };
  const line = Number(/line (\d+)/.exec(msg)?.[1]) || undefined;
  const detail = /got 'EOF'/.test(msg)
    ? 'bloc {{#…}} ou expression non fermé(e) en fin de fichier (attendu : {{/…}} pour chaque {{#…}})'
    : `près de « ${(lines[1] ?? '').trim()} » (attendu : expressions {{ … }} bien formées et blocs {{#…}} fermés)`;
  return { detail, ...(line ? { line } : {}) };
}

/** The name a call node calls, when it is a plain name (`formate` in `{{formate x}}`). */
const calledName = (node: { path: hbs.AST.Node }): string | undefined => {
  const p = node.path as hbs.AST.PathExpression;
  return p.type === 'PathExpression' && p.parts.length === 1 && !p.data && p.depth === 0 && !/^(this|\.)$/.test(p.original) ? p.original : undefined;
};

/** A checked source: its problems and, when it parses, its AST. */
export interface CheckedSource {
  readonly diagnostics: Diagnostic[];
  readonly program?: hbs.AST.Program;
}

/**
 * Checks a Handlebars source (document body or partial) and returns every problem.
 * @param helpers names of the helpers registered (a call to any other is `template/helper`)
 * @param lineOffset lines before `body` in the file (the front matter)
 */
export function checkSource(file: string, body: string, lineOffset: number, helpers: ReadonlySet<string>): CheckedSource {
  const diagnostics: Diagnostic[] = [...prototypeProblems(file, body, lineOffset)];
  const locate = lineLocator(body);
  // `{{{ … }}}` and `{{& … }}` print a value unescaped: refused alike (issue 12).
  for (const m of body.matchAll(/\{\{~?([{&])/g)) {
    const { line, column } = locate(m.index);
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/unescaped',
      message: `Expression « ${m[1] === '&' ? '{{& … }}' : '{{{ … }}}'} » non échappée interdite (attendu : {{ … }}, les valeurs sont toujours échappées)`,
      place: { file, line: line + lineOffset, column },
    });
  }
  let program: hbs.AST.Program;
  try {
    program = handlebarsCompiler().parse(body);
  } catch (err) {
    const { detail, line } = syntaxProblem(err);
    diagnostics.push({ severity: 'error', ruleId: 'template/syntax', message: `Erreur de syntaxe Handlebars : ${detail}`, place: { file, ...(line ? { line: line + lineOffset } : {}) } });
    return { diagnostics };
  }
  walk(program, (node) => {
    // A partial named by an expression, {{> (lookup etat "date")}}: which one runs is known only
    // at run time, so neither its existence nor a cycle could be checked here (regression: « partiel
    // « 2019-07-15 » introuvable » at run time, unplaced, or « la donnée « concat » n'existe pas »).
    if ((node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') && (node as hbs.AST.PartialStatement).name.type === 'SubExpression') {
      diagnostics.push({
        severity: 'error',
        ruleId: 'template/partial',
        message: "partiel dynamique {{> ( … )}} non pris en charge : son nom n'est connu qu'à la production (attendu : le nom d'un partiel écrit tel quel, ex. {{> tableau-liste}}, dans un {{#if}} pour choisir)",
        place: placeOf(file, node as unknown as Located, lineOffset),
      });
      return;
    }
    if (node.type !== 'MustacheStatement' && node.type !== 'BlockStatement' && node.type !== 'SubExpression') return;
    const call = node as hbs.AST.MustacheStatement;
    const name = calledName(call);
    const isCall = node.type === 'SubExpression' || call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0;
    if (name !== undefined && ['if', 'unless', 'with', 'each'].includes(name) && node.type === 'BlockStatement' && call.params.length !== 1) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'template/helper',
        message: `{{#${name}}} avec ${call.params.length} données (attendu : exactement une, ex. {{#${name} etat.rows}})`,
        place: placeOf(file, call as unknown as Located, lineOffset),
      });
      return;
    }
    if (name === undefined || !isCall || helpers.has(name)) return;
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/helper',
      message: `aide « ${name} » inconnue (attendu : l'une de ${[...helpers].filter((h) => !h.startsWith('_') && !['blockHelperMissing', 'helperMissing', 'log', 'lookup'].includes(h)).sort().join(', ')} ; voir README « Écrire un modèle »)`,
      place: placeOf(file, call as unknown as Located, lineOffset),
      actual: name,
    });
  });
  const masked = maskMustaches(program, body);
  diagnostics.push(...checkTagsAndAttributes(masked, { file, lineOffset, placeKind: 'source' }));
  // A literal image source that can never be a chart (an expression's is checked on the output).
  for (const m of masked.matchAll(/<img\b[^>]*?\bsrc\s*=\s*(["'])([^"']*)\1/gi)) {
    const src = m[2] ?? '';
    // Expressions are masked: `src="{{x}}"` is blank here, `src="chart:{{x}}"` starts with chart:.
    if (src.trim() === '' || src.startsWith('chart:')) continue;
    const { line, column } = locate(m.index + m[0].length - src.length - 1);
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/image-src',
      message: `Source d'image « ${src} » interdite (attendu : chart:<nom>, un graphique calculé à partir des données ; aucune image ni adresse extérieure n'est lue)`,
      place: { file, line: line + lineOffset, column },
    });
  }
  return { diagnostics, program };
}

/** The partials `program` calls and defines inline (`PartialUse`), with where each call starts. */
export function partialUse(program: hbs.AST.Program): PartialUse {
  const inline = new Set<string>();
  walk(program, (node) => {
    const d = node as unknown as { type: string; path?: hbs.AST.PathExpression; params?: hbs.AST.StringLiteral[] };
    if (d.type === 'DecoratorBlock' && d.path?.original === 'inline' && d.params?.[0]?.type === 'StringLiteral') inline.add(d.params[0].value);
  });
  const calls = partialCalls(program).map(({ name, node }) => ({ name, node: { loc: { start: { line: node.loc.start.line, column: node.loc.start.column } } } }));
  return { calls, inline: [...inline] };
}

/** The partials a program calls by name (`{{> nom}}`), with where each call is. */
export function partialCalls(program: hbs.AST.Program): { name: string; node: Located }[] {
  const calls: { name: string; node: Located }[] = [];
  walk(program, (node) => {
    if (node.type !== 'PartialStatement' && node.type !== 'PartialBlockStatement') return;
    const name = (node as hbs.AST.PartialStatement).name as hbs.AST.PathExpression | hbs.AST.StringLiteral | hbs.AST.SubExpression;
    const text = name.type === 'PathExpression' ? name.original : name.type === 'StringLiteral' ? name.value : undefined;
    if (text !== undefined) calls.push({ name: text, node: node as unknown as Located });
  });
  return calls;
}

/**
 * `template/partial`: each call of `program` to a partial that is neither a file of the partials
 * folder nor defined inline (`{{#*inline "nom"}}`), placed at the call.
 */
export function missingPartials(use: PartialUse, file: string, lineOffset: number, known: ReadonlySet<string>): Diagnostic[] {
  const inline = new Set(use.inline);
  const list = [...known].sort().join(', ') || 'aucun';
  return use.calls
    .filter((c) => !c.name.startsWith('@') && !known.has(c.name) && !inline.has(c.name))
    .map((c) => ({
      severity: 'error' as const,
      ruleId: 'template/partial' as const,
      message: `partiel « ${c.name} » introuvable (attendu : un fichier partials/${c.name}.hbs du dossier des modèles ; partiels présents : ${list})`,
      place: placeOf(file, c.node, lineOffset),
      actual: c.name,
    }));
}

/**
 * `template/partial-cycle`: each partial that calls itself, directly or through other partials,
 * placed at the call that closes the cycle and naming the chain (`a → b → a`).
 * @param partials each partial by name: its file and the partials it calls
 */
export function partialCycles(partials: ReadonlyMap<string, { file: string; calls: PartialUse['calls'] }>): { diagnostics: Diagnostic[]; cyclic: Set<string> } {
  const diagnostics: Diagnostic[] = [];
  const cyclic = new Set<string>();
  const reported = new Set<string>();
  const visit = (name: string, chain: string[]): void => {
    const partial = partials.get(name);
    if (!partial) return;
    for (const call of partial.calls) {
      const start = chain.indexOf(call.name);
      if (call.name === chain[0] || start >= 0) {
        const loop = [...chain.slice(Math.max(start, 0)), call.name];
        const key = [...loop.slice(0, -1)].sort().join('|');
        loop.slice(0, -1).forEach((n) => cyclic.add(n));
        if (reported.has(key)) continue;
        reported.add(key);
        diagnostics.push({
          severity: 'error',
          ruleId: 'template/partial-cycle',
          message: `partiel récursif : ${loop.map((n) => `{{> ${n}}}`).join(' → ')} ne finirait jamais (attendu : un partiel qui ne s'appelle pas lui-même, directement ou par un autre)`,
          place: placeOf(partial.file, call.node, 0),
        });
      } else visit(call.name, [...chain, call.name]);
    }
  };
  for (const name of [...partials.keys()].sort()) visit(name, [name]);
  return { diagnostics, cyclic };
}
