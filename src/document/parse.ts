/**
 * Parser of the HTML subset that templates emit, into the Document AST (DESIGN.md, "Templates").
 * Uses htmlparser2 (no hand-written HTML parsing). Every problem becomes a Diagnostic with the
 * file and line; the parser never throws on bad markup.
 *
 * The subset (documented in README.md, "Écrire un modèle"):
 * - blocks: `h1` `h2` `h3` `p[align]` `ul` `ol` `li` `table` `caption` `colgroup`
 *   `col[width,align]` `thead` `tbody` `tfoot` `tr` `th[colspan,align]` `td[colspan,align]`
 *   `hr[class=page-break]` `img[src,alt,width,height]` (src = `chart:<name>`), and `section`
 *   (a transparent grouping element);
 * - inlines: `strong` `b` `em` `i` `sup` `br`.
 * "1er" before a month name (as the `date` helper prints it) becomes "1" and a superscript "er".
 * Any other tag or attribute is an error.
 */
import { parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';
import type { Diagnostic } from '../diagnostics.ts';
import { lineLocator } from '../diagnostics.ts';
import { countOf } from '../format.ts';
import type { RuleId } from '../rules.ts';
import { textWithOrdinals } from './ordinals.ts';
import { at, cell as makeCell, column as makeColumn, emphasis, heading, image, lineBreak, list, pageBreak, paragraph, strong, superscript, table, text } from './builders.ts';
import { frenchSpacing } from '../format.ts';
import { ALIGNMENTS, type Align, type Block, type ImageNode, type Inline, type SourcePosition, type TableColumn, type TableRow } from './nodes.ts';
import { tableProblems, type TablePart } from './validate.ts';

/** Allowed tags and, for each, its allowed attributes. */
export const ALLOWED_TAGS: Readonly<Record<string, readonly string[]>> = {
  section: ['class'],
  h1: [],
  h2: [],
  h3: [],
  p: ['align'],
  ul: [],
  ol: [],
  li: [],
  table: ['class'],
  caption: [],
  colgroup: [],
  col: ['width', 'align'],
  thead: [],
  tbody: [],
  tfoot: [],
  tr: [],
  th: ['colspan', 'align'],
  td: ['colspan', 'align'],
  hr: ['class'],
  img: ['src', 'alt', 'width', 'height'],
  strong: [],
  b: [],
  em: [],
  i: [],
  sup: [],
  br: [],
};

const INLINE_TAGS = new Set(['strong', 'b', 'em', 'i', 'sup', 'br']);

/** A chart or image a template may reference as `<img src="chart:NAME">`. */
export interface ChartSource {
  readonly format: 'svg' | 'png';
  readonly data: string | Uint8Array;
  /** PNG rendering of an SVG chart, for DOCX. */
  readonly png?: Uint8Array;
}

/** Options of `parseHtmlSubset`. */
export interface ParseOptions {
  /** File named in diagnostics (the template's path). */
  readonly file: string;
  /** Added to line numbers (e.g. the front matter's lines, when parsing template source). */
  readonly lineOffset?: number;
  /** Charts available to `<img src="chart:NAME">`. */
  readonly charts?: Readonly<Record<string, ChartSource>>;
  /** Wording of the place in messages: lines of the template itself, or of its rendered output. */
  readonly placeKind?: 'source' | 'output';
}

/** Result of parsing: the blocks and every problem found. */
export interface ParseResult {
  readonly blocks: Block[];
  readonly diagnostics: Diagnostic[];
}

const isElement = (n: ChildNode): n is Element => n.type === 'tag' || n.type === 'script' || n.type === 'style';

/**
 * Checks only tag and attribute names of a markup source (used on a template's source with its
 * Handlebars expressions masked, so lines are the template's own).
 * @returns one `template/unknown-tag` or `template/unknown-attribute` error per offence.
 */
export function checkTagsAndAttributes(source: string, options: ParseOptions): Diagnostic[] {
  return checkParsed(parseDocument(source, { withStartIndices: true, lowerCaseTags: true, lowerCaseAttributeNames: true }).children, lineLocator(source), options);
}

/** `checkTagsAndAttributes` on an already parsed tree. */
function checkParsed(roots: readonly ChildNode[], locate: (offset: number) => { line: number; column: number }, options: ParseOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const visit = (nodes: readonly ChildNode[]): void => {
    for (const n of nodes) {
      if (!isElement(n)) continue;
      const { line, column } = locate(n.startIndex ?? 0);
      const place = { file: options.file, line: line + (options.lineOffset ?? 0), column };
      const allowed = ALLOWED_TAGS[n.name];
      if (!allowed) {
        diagnostics.push({
          severity: 'error',
          ruleId: 'template/unknown-tag',
          message: `Balise <${n.name}> non prise en charge (attendu : l'une de ${Object.keys(ALLOWED_TAGS).map((t) => `<${t}>`).join(' ')})`,
          place,
        });
      } else {
        for (const attr of Object.keys(n.attribs)) {
          if (!allowed.includes(attr))
            diagnostics.push({
              severity: 'error',
              ruleId: 'template/unknown-attribute',
              message: `Attribut « ${attr} » non pris en charge sur <${n.name}> (attendu : ${allowed.length ? allowed.join(', ') : 'aucun attribut'})`,
              place,
            });
        }
      }
      visit(n.children);
    }
  };
  visit(roots);
  return diagnostics;
}

/** Collapses HTML white space (not U+00A0 nor U+202F) to single spaces. */
const collapse = (s: string): string => s.replace(/[ \t\n\r\f]+/g, ' ');

/** Trims collapsed white space at the edges of inline content and drops empty text nodes. */
function trimInlines(inlines: Inline[]): Inline[] {
  const out = [...inlines];
  const edit = (index: number, fn: (s: string) => string): void => {
    const n = out[index];
    if (n?.type === 'text') out[index] = at(text(fn(n.value)), n.position);
  };
  edit(0, (s) => s.replace(/^ +/, ''));
  edit(out.length - 1, (s) => s.replace(/ +$/, ''));
  // Around a line break, spaces are not shown.
  for (let i = 0; i < out.length; i++) {
    if (out[i]?.type === 'lineBreak') {
      edit(i - 1, (s) => s.replace(/ +$/, ''));
      edit(i + 1, (s) => s.replace(/^ +/, ''));
    }
  }
  return out.filter((n) => n.type !== 'text' || n.value !== '');
}

/**
 * Parses rendered template output (the HTML subset) into blocks; each block and inline node
 * carries its `position` in that output.
 * Structure errors (a `<td>` outside a row, a table whose colspans don't match its columns,
 * widths not adding up to 100 %, an image without alt text…) are reported as diagnostics with
 * the line of the rendered output.
 */
export function parseHtmlSubset(html: string, options: ParseOptions): ParseResult {
  const diagnostics: Diagnostic[] = [];
  const locate = lineLocator(html);
  const where = options.placeKind === 'source' ? '' : ' (ligne de la sortie du modèle)';
  const positionOf = (node: ChildNode): SourcePosition => {
    const { line, column } = locate(node.startIndex ?? 0);
    return { file: options.file, line: line + (options.lineOffset ?? 0), column };
  };
  const report = (node: ChildNode, ruleId: RuleId, message: string): void => {
    diagnostics.push({ severity: 'error', ruleId, message: message + where, place: positionOf(node) });
  };
  const dom = parseDocument(html, { withStartIndices: true, lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true });
  diagnostics.push(...checkParsed(dom.children, locate, options).map((d) => ({ ...d, message: d.message + where })));

  const alignOf = (el: Element): Align | undefined => {
    const a = el.attribs['align'];
    if (a === undefined) return undefined;
    if ((ALIGNMENTS as readonly string[]).includes(a)) return a as Align;
    report(el, 'template/attribute-value', `Valeur « ${a} » de l'attribut align invalide (attendu : ${ALIGNMENTS.join(', ')})`);
    return undefined;
  };

  const inlines = (nodes: readonly ChildNode[]): Inline[] => {
    const out: Inline[] = [];
    for (const n of nodes) {
      if (n.type === 'text') {
        out.push(...textWithOrdinals(frenchSpacing(collapse(n.data)), positionOf(n)));
      } else if (isElement(n)) {
        switch (n.name) {
          case 'strong':
          case 'b':
            out.push(at(strong(...trimNested(inlines(n.children))), positionOf(n)));
            break;
          case 'em':
          case 'i':
            out.push(at(emphasis(...trimNested(inlines(n.children))), positionOf(n)));
            break;
          case 'sup':
            out.push(at(superscript(...trimNested(inlines(n.children))), positionOf(n)));
            break;
          case 'br':
            out.push(at(lineBreak(), positionOf(n)));
            break;
          default:
            if (ALLOWED_TAGS[n.name]) report(n, 'template/misplaced-tag', `Balise <${n.name}> interdite dans un texte (attendu : texte, <strong>, <em>, <sup>, <br>)`);
        }
      }
    }
    return out;
  };
  // Inside strong/em, keep inner spaces as they are (they separate words from neighbours).
  const trimNested = (content: Inline[]): Inline[] => content.filter((n) => n.type !== 'text' || n.value !== '');

  const parseTable = (el: Element): Block | undefined => {
    const columns: TableColumn[] = [];
    const header: TableRow[] = [];
    const body: TableRow[] = [];
    const footer: TableRow[] = [];
    let caption: Inline[] | undefined;
    const parseRow = (tr: Element): TableRow => {
      const cells = tr.children.filter(isElement).flatMap((c) => {
        if (c.name !== 'td' && c.name !== 'th') {
          report(c, 'template/misplaced-tag', `Balise <${c.name}> interdite dans <tr> (attendu : <th> ou <td>)`);
          return [];
        }
        const span = c.attribs['colspan'] === undefined ? 1 : Number(c.attribs['colspan']);
        if (!Number.isInteger(span) || span < 1) {
          report(c, 'template/attribute-value', `Valeur « ${c.attribs['colspan']} » de colspan invalide (attendu : entier ≥ 1)`);
        }
        const align = alignOf(c);
        return [makeCell(trimInlines(inlines(c.children)), { colspan: Number.isInteger(span) && span >= 1 ? span : 1, ...(align ? { align } : {}) })];
      });
      return { cells };
    };
    const rowsOf = (section: Element, into: TableRow[]): void => {
      for (const c of section.children.filter(isElement)) {
        if (c.name === 'tr') into.push(parseRow(c));
        else report(c, 'template/misplaced-tag', `Balise <${c.name}> interdite dans <${section.name}> (attendu : <tr>)`);
      }
    };
    for (const c of el.children.filter(isElement)) {
      switch (c.name) {
        case 'caption':
          caption = trimInlines(inlines(c.children));
          break;
        case 'colgroup':
          for (const col of c.children.filter(isElement)) {
            if (col.name !== 'col') {
              report(col, 'template/misplaced-tag', `Balise <${col.name}> interdite dans <colgroup> (attendu : <col>)`);
              continue;
            }
            const raw = col.attribs['width'] ?? '';
            const m = /^\s*(\d+(?:[.,]\d+)?)\s*%\s*$/.exec(raw);
            if (!m) report(col, 'template/attribute-value', `Largeur de colonne « ${raw} » invalide (attendu : pourcentage, ex. width="25%")`);
            columns.push(makeColumn(m ? Number(m[1]!.replace(',', '.')) : 0, alignOf(col) ?? 'left'));
          }
          break;
        case 'thead':
          rowsOf(c, header);
          break;
        case 'tbody':
          rowsOf(c, body);
          break;
        case 'tfoot':
          rowsOf(c, footer);
          break;
        case 'tr':
          body.push(parseRow(c));
          break;
        default:
          report(c, 'template/misplaced-tag', `Balise <${c.name}> interdite dans <table> (attendu : <caption>, <colgroup>, <thead>, <tbody>, <tfoot>)`);
      }
    }
    const built = table({ columns, header, body, footer, ...(caption ? { caption } : {}) });
    const problems = tableProblems(built);
    if (problems.some((p) => p.kind === 'no-columns')) {
      report(el, 'template/table-columns', 'Tableau sans largeurs de colonnes (attendu : <colgroup> avec un <col width="…%"> par colonne)');
      return undefined;
    }
    for (const p of problems) if (p.kind === 'widths') report(el, 'template/table-columns', `Largeurs de colonnes totalisant ${p.total} % (attendu : 100 %)`);
    // Rows are numbered through header, body and footer; one message per table, however many
    // rows a faulty {{#each}} repeats.
    const offset: Record<TablePart, number> = { header: 0, body: header.length, footer: header.length + body.length };
    const wrong = problems.flatMap((p) => (p.kind === 'row-span' ? [{ row: offset[p.part] + p.index + 1, span: p.span }] : []));
    const [first] = wrong;
    if (first)
      report(
        el,
        'template/table-row-width',
        `La ligne ${first.row} du tableau occupe ${countOf(first.span, 'colonne', 'colonnes')}${wrong.length > 1 ? ` (et ${countOf(wrong.length - 1, 'autre ligne', 'autres lignes')} de même)` : ''} (attendu : ${columns.length}, selon <colgroup>)`,
      );
    return at(built, positionOf(el));
  };

  const parseImage = (el: Element): ImageNode | undefined => {
    const src = el.attribs['src'] ?? '';
    const alt = (el.attribs['alt'] ?? '').trim();
    const width = Number(el.attribs['width']);
    const height = Number(el.attribs['height']);
    let ok = true;
    if (!alt) {
      report(el, 'template/image-alt', 'Image sans texte de remplacement (attendu : attribut alt non vide)');
      ok = false;
    }
    if (!(width > 0) || !(height > 0)) {
      report(el, 'template/attribute-value', `Taille d'image « ${el.attribs['width'] ?? ''} × ${el.attribs['height'] ?? ''} » invalide (attendu : width et height en points, > 0)`);
      ok = false;
    }
    const name = src.startsWith('chart:') ? src.slice('chart:'.length) : undefined;
    const chart = name === undefined ? undefined : options.charts?.[name];
    if (!chart) {
      report(el, 'template/image-src', `Source d'image « ${src} » inconnue (attendu : chart:<nom> parmi ${Object.keys(options.charts ?? {}).join(', ') || 'aucun graphique'})`);
      ok = false;
    }
    return ok && chart ? at(image(chart.format, chart.data, alt, width, height, chart.png), positionOf(el)) : undefined;
  };

  const blocks = (nodes: readonly ChildNode[]): Block[] => {
    const out: Block[] = [];
    for (const n of nodes) {
      if (n.type === 'text') {
        if (n.data.trim() !== '') report(n, 'template/loose-text', `Texte « ${n.data.trim().slice(0, 40)} » hors d'un paragraphe (attendu : dans <p>, <h1>…<h3>, <li> ou une cellule)`);
        continue;
      }
      if (!isElement(n)) continue;
      switch (n.name) {
        case 'section':
          out.push(...blocks(n.children));
          break;
        case 'h1':
        case 'h2':
        case 'h3':
          out.push(at(heading(Number(n.name[1]) as 1 | 2 | 3, ...trimInlines(inlines(n.children))), positionOf(n)));
          break;
        case 'p': {
          const align = alignOf(n);
          out.push(at(paragraph(trimInlines(inlines(n.children)), align), positionOf(n)));
          break;
        }
        case 'ul':
        case 'ol': {
          const items = n.children.filter(isElement).flatMap((li) => {
            if (li.name === 'li') return [trimInlines(inlines(li.children))];
            report(li, 'template/misplaced-tag', `Balise <${li.name}> interdite dans <${n.name}> (attendu : <li>)`);
            return [];
          });
          if (items.length === 0) report(n, 'template/empty-list', 'Liste vide (attendu : au moins un <li>)');
          else out.push(at(list(items, n.name === 'ol'), positionOf(n)));
          break;
        }
        case 'table': {
          const t = parseTable(n);
          if (t) out.push(t);
          break;
        }
        case 'hr':
          if (n.attribs['class'] === 'page-break') out.push(at(pageBreak(), positionOf(n)));
          else report(n, 'template/attribute-value', `<hr> sans class="page-break" (attendu : <hr class="page-break">)`);
          break;
        case 'img': {
          const img = parseImage(n);
          if (img) out.push(img);
          break;
        }
        default:
          if (INLINE_TAGS.has(n.name)) report(n, 'template/loose-text', `Balise <${n.name}> hors d'un paragraphe (attendu : dans <p>, un titre, <li> ou une cellule)`);
          else if (ALLOWED_TAGS[n.name]) report(n, 'template/misplaced-tag', `Balise <${n.name}> mal placée (attendu : à l'intérieur de son élément parent)`);
      }
    }
    return out;
  };

  return { blocks: blocks(dom.children), diagnostics: dedupe(diagnostics) };
}

/** Drops repeated identical diagnostics (the tag check and the structure walk may meet the same node). */
function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.ruleId}|${d.place?.line}|${d.place?.column}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
