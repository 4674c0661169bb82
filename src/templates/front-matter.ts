/**
 * The YAML front matter of a document template (`---` … `---` at the top of a `.hbs` file): its
 * schema, splitting it from the body, and placing its problems on their line.
 */
import type { LineCounter, parseDocument as parseYaml } from 'yaml';
import { z } from 'zod';
import { ORIENTATIONS } from '../document/nodes.ts';

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
export function yamlLine(doc: ReturnType<typeof parseYaml>, counter: LineCounter, issuePath: readonly PropertyKey[]): number | undefined {
  const node = doc.getIn(issuePath as (string | number)[], true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  if (offset !== undefined) return counter.linePos(offset).line;
  // A missing key: point at the parent.
  if (issuePath.length > 0) return yamlLine(doc, counter, issuePath.slice(0, -1));
  return 1;
}

const EXPECTATIONS: Record<string, string> = {
  title: 'texte non vide',
  orientation: ORIENTATIONS.join(' ou '),
  kind: 'annexe ou rapport-mensuel',
  parametres: `une liste parmi ${TEMPLATE_PARAMETERS.join(', ')}, ex. [au]`,
};
/** What a front matter key expects, in French, for messages. */
export const expectationOf = (key: string): string => EXPECTATIONS[key.split('.')[0] ?? key] ?? 'texte';
