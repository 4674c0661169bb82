/**
 * The YAML front matter of a document template (`---` … `---` at its top): its fields
 * (`frontMatterSchema`) and their checks, every problem in French placed at its line and column
 * in the template (syntax, unknown tags, aliases, unknown keys, wrong values) — all at once.
 */
import { LineCounter, type Document } from 'yaml';
import { z } from 'zod';
import type { Diagnostic } from '../diagnostics.ts';
import { parseYamlChecked } from '../dataset/read/yaml.ts';
import { ORIENTATIONS } from '../document/nodes.ts';
import { prototypeProblems } from './check.ts';

/** Parameters a generic template may take (`parametres:` in its front matter). */
export const TEMPLATE_PARAMETERS = ['au', 'deploiement'] as const;
/** A parameter of a generic template. */
export type TemplateParameter = (typeof TEMPLATE_PARAMETERS)[number];

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
    /**
     * Parameters a generic template takes from the catalogue or the command line: `au` (the état
     * on that date) and/or `deploiement` (a déploiement id, whose délibération the document
     * takes). A template with parameters writes no date or délibération of its own.
     */
    parametres: z.array(z.enum(TEMPLATE_PARAMETERS)).default([]),
    /** Data a specific template always uses: the état on a date and/or a déploiement (by id). */
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

/** Splits `---\n yaml \n---\n body`; returns undefined when there is no front matter. */
export function splitFrontMatter(source: string): { yaml: string; body: string; bodyLineOffset: number } | undefined {
  const text = source.replace(/^\uFEFF/, '');
  const m = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (!m) return undefined;
  const head = m[0];
  return { yaml: m[1] ?? '', body: text.slice(head.length), bodyLineOffset: head.split('\n').length - 1 };
}

/** Maps a zod issue path in the front matter to the YAML node's line. */
function yamlLine(doc: Document, counter: LineCounter, issuePath: readonly PropertyKey[]): number | undefined {
  const node = doc.getIn(issuePath as (string | number)[], true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  if (offset !== undefined) return counter.linePos(offset).line;
  // A missing key: point at the parent.
  if (issuePath.length > 0) return yamlLine(doc, counter, issuePath.slice(0, -1));
  return 1;
}

/** A template's front matter, read: its fields when valid, the line of each key given, its problems. */
export interface ReadFrontMatter {
  readonly frontMatter?: FrontMatter;
  /** Line in the template file of each front-matter key given (`deliberation`, `data.etat`…). */
  readonly keyLines: Record<string, number>;
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads the front matter `yaml` of template `file` (it starts on line 2 of the file).
 * Never throws: every problem is a `template/front-matter` (or `template/prototype`) diagnostic.
 */
export function readFrontMatter(yaml: string, file: string): ReadFrontMatter {
  const counter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = counter.linePos(offset);
    return { file, line: line + 1, column: col };
  };
  const rules = { syntax: 'template/front-matter', tag: 'template/front-matter', alias: 'template/front-matter' } as const;
  const { doc, value, diagnostics: yamlProblems } = parseYamlChecked(yaml, at, counter, rules);
  const diagnostics: Diagnostic[] = [...prototypeProblems(file, yaml, 1), ...yamlProblems.map((d) => ({ ...d, message: `En-tête YAML : ${d.message}` }))];
  const keyLines: Record<string, number> = {};
  if (value === undefined && yamlProblems.length > 0) return { diagnostics, keyLines };
  const parsed = frontMatterSchema.safeParse(value ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = issue.path.join('.') || '(racine)';
      const line = yamlLine(doc, counter, issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path);
      const detail =
        issue.code === 'unrecognized_keys'
          ? `clé(s) inconnue(s) ${issue.keys.map((k) => `« ${k} »`).join(', ')} (attendu : ${Object.keys(frontMatterSchema.shape).join(', ')})`
          : `valeur invalide pour « ${key} » (attendu : ${expectationOf(key)})`;
      diagnostics.push({ severity: 'error', ruleId: 'template/front-matter', message: `En-tête YAML : ${detail}`, place: { file, ...(line ? { line: line + 1 } : {}) } });
    }
    return { diagnostics, keyLines };
  }
  for (const key of ['title', 'date', 'deliberation', 'parametres', 'data.etat', 'data.deploiement']) {
    const line = doc.hasIn(key.split('.')) ? yamlLine(doc, counter, key.split('.')) : undefined;
    if (line !== undefined) keyLines[key] = line + 1;
  }
  return { frontMatter: parsed.data, diagnostics, keyLines };
}

const EXPECTATIONS: Record<string, string> = {
  title: 'texte non vide',
  orientation: ORIENTATIONS.join(' ou '),
  kind: 'annexe ou rapport-mensuel',
  parametres: `une liste parmi ${TEMPLATE_PARAMETERS.join(', ')}, ex. [au]`,
};
const expectationOf = (key: string): string => EXPECTATIONS[key.split('.')[0] ?? key] ?? 'texte';
