import { describe, expect, it } from 'vitest';
import { cell, column, emphasis, heading, lineBreak, list, pageBreak, paragraph, row, strong, superscript, table, text } from '../src/document/builders.ts';
import { checkTagsAndAttributes, parseHtmlSubset } from '../src/document/parse.ts';

/** A parsed tree without its source positions, to compare with trees built in code. */
const withoutPositions = <T>(value: T): T =>
  (Array.isArray(value)
    ? value.map(withoutPositions)
    : value && typeof value === 'object' && !(value instanceof Uint8Array)
      ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== 'position').map(([k, v]) => [k, withoutPositions(v)]))
      : value) as T;

const parse = (html: string) => {
  const result = parseHtmlSubset(html, { file: 'templates/t.hbs' });
  return { ...result, blocks: withoutPositions(result.blocks) };
};

describe('HTML subset → Document AST', () => {
  it('parses headings, paragraphs with inline markup, lists and page breaks', () => {
    const { blocks, diagnostics } = parse(`
      <h1>Titre</h1>
      <p align="center">Le  <strong>Département</strong>
        compte <em>41</em><br> postes</p>
      <ul><li>un,</li><li>deux.</li></ul>
      <hr class="page-break">
      <ol><li>a</li></ol>`);
    expect(diagnostics).toEqual([]);
    expect(blocks).toEqual([
      heading(1, 'Titre'),
      paragraph(['Le ', strong('Département'), ' compte ', emphasis('41'), lineBreak(), 'postes'], 'center'),
      list([['un,'], ['deux.']]),
      pageBreak(),
      list([['a']], true),
    ]);
  });

  it('parses a table with caption, widths, header, body and footer rows, colspan and alignment', () => {
    const { blocks, diagnostics } = parse(`<table><caption>Liste</caption>
      <colgroup><col width="60%"><col width="40%" align="right"></colgroup>
      <thead><tr><th>Collège</th><th>ETP</th></tr></thead>
      <tbody><tr><td>Jules Ferry</td><td>0,5</td></tr></tbody>
      <tfoot><tr><td colspan="2" align="center">TOTAL</td></tr></tfoot></table>`);
    expect(diagnostics).toEqual([]);
    expect(blocks).toEqual([
      table({
        caption: ['Liste'],
        columns: [column(60), column(40, 'right')],
        header: [row('Collège', 'ETP')],
        body: [row('Jules Ferry', '0,5')],
        footer: [row(cell('TOTAL', { colspan: 2, align: 'center' }))],
      }),
    ]);
  });

  it('decodes entities once: an escaped value prints literally', () => {
    const { blocks } = parse('<p>A &amp; B &lt;i&gt; &#x3D; 1</p>');
    expect(blocks).toEqual([paragraph([text('A & B <i> = 1')])]);
  });

  it('applies French spacing to text: no-break space before ":"', () => {
    expect(parse('<p>reconnue en matière de :</p>').blocks).toEqual([paragraph(['reconnue en matière de\u00a0:'])]);
  });

  it('keeps non-breaking spaces (U+00A0, U+202F) as they are', () => {
    const { blocks } = parse('<p>15\u00a0juillet 1\u202f234</p>');
    expect(blocks).toEqual([paragraph(['15\u00a0juillet 1\u202f234'])]);
  });

  it('sets the "er" of "1er" before a month name (the date helper\'s "1er juillet 2019") as a superscript', () => {
    const { blocks } = parse('<p>du 1er\u00a0juillet 2019 et du 1er août 2020</p>');
    expect(blocks).toEqual([paragraph(['du 1', superscript('er'), '\u00a0juillet 2019 et du 1', superscript('er'), ' août 2020'])]);
  });

  it('leaves "1er" alone when no month name follows, or inside a number or word', () => {
    for (const t of ['le 1er poste', '11er juillet', 'x1er juillet', '1er juilletx', '1erjuillet']) {
      expect(parse(`<p>${t}</p>`).blocks).toEqual([paragraph([t])]);
    }
  });

  it('parses <sup> as a superscript (an ordinal written in a template: 2<sup>e</sup>)', () => {
    const { blocks, diagnostics } = parse('<p>le 2<sup>e</sup> collège</p>');
    expect(diagnostics).toEqual([]);
    expect(blocks).toEqual([paragraph(['le 2', superscript('e'), ' collège'])]);
  });

  it('gives each block and inline node its place in the rendered output', () => {
    const { blocks } = parseHtmlSubset('<h1>Titre</h1>\n  <p>Le <strong>Nord</strong></p>', { file: 'templates/t.hbs', lineOffset: 2 });
    expect(blocks.map((b) => b.position)).toEqual([
      { file: 'templates/t.hbs', line: 3, column: 1 },
      { file: 'templates/t.hbs', line: 4, column: 3 },
    ]);
    const para = blocks[1]!;
    expect(para.type === 'paragraph' && para.children.map((n) => [n.type, n.position?.column])).toEqual([
      ['text', 6],
      ['strong', 9],
    ]);
  });

  it('reports an unknown tag and an unknown attribute with file and line', () => {
    const { diagnostics } = parse('<p>a</p>\n<div>b</div>\n<p style="x">c</p>');
    expect(diagnostics.map((d) => [d.ruleId, d.place?.file, d.place?.line])).toEqual([
      ['template/unknown-tag', 'templates/t.hbs', 2],
      ['template/unknown-attribute', 'templates/t.hbs', 3],
    ]);
    expect(diagnostics[0]!.message).toContain('Balise <div> non prise en charge');
    expect(diagnostics[1]!.message).toContain('Attribut « style » non pris en charge sur <p>');
  });

  it('reports structure errors: widths, row widths, missing alt, loose text', () => {
    const { diagnostics } = parse(`<table><colgroup><col width="50%"><col width="30%"></colgroup>
<tbody><tr><td>a</td></tr></tbody></table>
texte perdu
<img src="chart:x" width="10" height="10">`);
    expect(diagnostics.map((d) => d.ruleId).sort()).toEqual(
      ['template/image-alt', 'template/image-src', 'template/loose-text', 'template/table-columns', 'template/table-row-width'].sort(),
    );
    expect(diagnostics.find((d) => d.ruleId === 'template/table-columns')!.message).toContain('totalisant 80 %');
  });

  it('checks tags of a source with line offset', () => {
    const d = checkTagsAndAttributes('<p>\n<font>x</font></p>', { file: 'f.hbs', lineOffset: 5, placeKind: 'source' });
    expect(d).toHaveLength(1);
    expect(d[0]!.place).toEqual({ file: 'f.hbs', line: 7, column: 1 });
  });
});
