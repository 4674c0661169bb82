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
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import Handlebars from 'handlebars';
import { LineCounter, parseDocument as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.ts';
import { checkTagsAndAttributes } from '../document/parse.ts';
import { ORIENTATIONS } from '../document/nodes.ts';
import { HELPERS } from './helpers.ts';

/**
 * Front matter of a document template. String fields may hold Handlebars expressions, rendered
 * with the same view model as the body (e.g. `title: "Liste des ALSES – {{mois etat.date}}"`).
 */
export const frontMatterSchema = z
  .object({
    /** Title of the document (properties, window title). */
    title: z.string().min(1),
    /** Subject (properties). */
    subject: z.string().default(''),
    /** One line shown by `alses templates`. */
    description: z.string().default(''),
    orientation: z.enum(ORIENTATIONS).default('portrait'),
    /** Running header. */
    header: z.string().default(''),
    /** Running footer (beside "Page X / Y"). */
    footer: z.string().default(''),
    /** Id of the deliberation the document is annexed to (see data/dispositif.yaml). */
    deliberation: z.string().optional(),
    /** Date the content refers to (ISO, may be an expression); default: the deliberation's or état's date. */
    date: z.string().optional(),
    /** Data the template needs: an état (by date) and/or a déploiement (by id). */
    data: z
      .object({
        etat: z.string().optional(),
        deploiement: z.string().optional(),
      })
      .strict()
      .default({}),
    /** Kind of view model: annexes (default) or the monthly report. */
    kind: z.enum(['annexe', 'rapport-mensuel']).default('annexe'),
  })
  .strict();

/** Parsed front matter of a template. */
export type FrontMatter = z.infer<typeof frontMatterSchema>;

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
}

/** Result of loading templates: those that loaded cleanly, and every problem found. */
export interface TemplateSet {
  readonly env: typeof Handlebars;
  /** Paths of the partials registered (as shown in messages); inputs of every document. */
  readonly partials: readonly string[];
  readonly templates: LoadedTemplate[];
  readonly diagnostics: Diagnostic[];
}

const rel = (p: string): string => path.relative(process.cwd(), p) || p;

/** Splits `---\n yaml \n---\n body`; returns undefined when there is no front matter. */
function splitFrontMatter(source: string): { yaml: string; body: string; bodyLineOffset: number } | undefined {
  const text = source.replace(/^\uFEFF/, '');
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  const head = m[0];
  return { yaml: m[1] ?? '', body: text.slice(head.length), bodyLineOffset: head.split('\n').length - 1 };
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

/** Checks a Handlebars source (document or partial) and returns its diagnostics. */
function checkSource(file: string, body: string, lineOffset: number): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const triple = body.indexOf('{{{');
  if (triple >= 0) {
    const line = body.slice(0, triple).split('\n').length + lineOffset;
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/unescaped',
      message: 'Expression « {{{ … }}} » non échappée interdite (attendu : {{ … }}, les valeurs sont toujours échappées)',
      place: { file, line },
    });
  }
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(body);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /line (\d+)/.exec(msg);
    diagnostics.push({
      severity: 'error',
      ruleId: 'template/syntax',
      message: `Erreur de syntaxe Handlebars : ${msg.split('\n')[0]} (attendu : expressions {{ … }} bien formées et blocs {{#…}} fermés)`,
      place: { file, ...(m ? { line: Number(m[1]) + lineOffset } : {}) },
    });
    return diagnostics;
  }
  diagnostics.push(...checkTagsAndAttributes(maskMustaches(program, body), { file, lineOffset, placeKind: 'source' }));
  return diagnostics;
}

/** Maps a zod issue path in the front matter to the YAML node's line. */
function yamlLine(doc: ReturnType<typeof parseYaml>, counter: LineCounter, issuePath: readonly PropertyKey[]): number | undefined {
  const node = doc.getIn(issuePath as (string | number)[], true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  if (offset !== undefined) return counter.linePos(offset).line;
  // A missing key: point at the parent.
  if (issuePath.length > 0) return yamlLine(doc, counter, issuePath.slice(0, -1));
  return 1;
}

/**
 * Loads every template of `dir` (`*.hbs`) and registers the partials of `dir/partials/` on a new,
 * isolated Handlebars environment with the French helpers.
 * @param names when given, only these templates (names without `.hbs`); an unknown name is an error.
 * @returns templates that loaded cleanly and all diagnostics (never throws for template problems).
 * @throws Error only on an unreadable folder.
 */
export async function loadTemplates(dir: string, names: readonly string[] = []): Promise<TemplateSet> {
  const env = Handlebars.create();
  for (const [name, fn] of Object.entries(HELPERS)) env.registerHelper(name, fn);
  const diagnostics: Diagnostic[] = [];

  const partialsDir = path.join(dir, 'partials');
  const partialFiles = (await readdir(partialsDir).catch(() => [] as string[])).filter((f) => f.endsWith('.hbs')).sort();
  const partials: string[] = [];
  for (const f of partialFiles) {
    const file = path.join(partialsDir, f);
    partials.push(rel(file));
    const source = await readFile(file, 'utf8');
    diagnostics.push(...checkSource(rel(file), source, 0));
    env.registerPartial(f.slice(0, -'.hbs'.length), source);
  }

  const available = (await readdir(dir)).filter((f) => f.endsWith('.hbs')).sort();
  const wanted = names.length ? names.map((n) => n.replace(/\.hbs$/, '')) : available.map((f) => f.slice(0, -4));
  const templates: LoadedTemplate[] = [];
  for (const name of wanted) {
    const file = path.join(dir, `${name}.hbs`);
    if (!available.includes(`${name}.hbs`)) {
      diagnostics.push({
        severity: 'error',
        ruleId: 'template/unknown',
        message: `Modèle « ${name} » introuvable (attendu : l'un de ${available.map((f) => f.slice(0, -4)).join(', ')})`,
        place: { file: rel(dir) },
      });
      continue;
    }
    const source = await readFile(file, 'utf8');
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
        if (bodyDiagnostics.length === 0)
          templates.push({ name, file: rel(file), frontMatter: parsed.data, body: split.body, bodyLineOffset: split.bodyLineOffset });
      }
    }
  }
  return { env, partials, templates, diagnostics };
}

const EXPECTATIONS: Record<string, string> = {
  title: 'texte non vide',
  orientation: ORIENTATIONS.join(' ou '),
  kind: 'annexe ou rapport-mensuel',
};
const expectationOf = (key: string): string => EXPECTATIONS[key] ?? 'texte';
