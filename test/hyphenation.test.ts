/**
 * French hyphenation of justified text (issue 10, item 4): in the PDF, a justified line may end
 * with a hyphen inside a word (French patterns of `hyphen`), drawn and extracted as "-", with no
 * stray soft hyphen or mark in the text and every other hyphen intact; DOCX asks Word and
 * LibreOffice to hyphenate (fr-FR runs); HTML carries soft hyphens at the PDF's points, `hyphens: manual`.
 */
import { describe, expect, it } from 'vitest';
import { document, heading, paragraph, superscript } from '../src/document/builders.ts';
import { toHtml } from '../src/writers/html.ts';
import { hyphenateFrench } from '../src/writers/hyphenation.ts';
import { measureText } from '../src/fonts.ts';
import { A4, FONT_SIZE, PAGE_MARGINS, textWidth } from '../src/writers/shared.ts';
import { docxXml, pdfText, pdfTextItems } from './helpers/readback.ts';
import { renderDocx, renderPdf } from './helpers/writers.ts';

/** A paragraph of the note that, unhyphenated, leaves wide gaps on its first line. */
const TEXT =
  'Les Acteurs de Liaison Sociale en Environnement Scolaire (ALSES) sont des éducateurs de prévention spécialisée qui interviennent à la fois dans les collèges et dans les quartiers afin de permettre une continuité de l’accompagnement du jeune, co-animateurs des démarches de prévention.';
const doc = document({ title: 'Note', date: '2019-07-01' }, [heading(1, 'Note'), paragraph([TEXT])]);

describe('hyphenateFrench', () => {
  it('puts soft hyphens where French allows: two letters before, three after, not in capitals', () => {
    const shown = (s: string) => hyphenateFrench(s).replaceAll('\u00ad', '~');
    expect(shown('spécialisée accompagnement l’institution')).toBe('spé~cia~li~sée ac~com~pa~gne~ment l’ins~ti~tu~tion');
    expect(shown('ALSES VILLENEUVE Environnement')).toBe('ALSES VILLENEUVE Environnement');
    expect(shown('éducateurs')).not.toMatch(/^é~/);
  });
});

describe('PDF', () => {
  it('ends a justified line with a hyphen inside a word; the text reads back whole otherwise', async () => {
    const bytes = await renderPdf(doc);
    const lines = (await pdfText(bytes))[0]!.split('\n');
    const hyphenated = lines.filter((l) => /\p{Ll}-$/u.test(l));
    expect(hyphenated.length).toBeGreaterThan(0);
    const text = lines.join('\n');
    expect(text).not.toMatch(/[\u00ad\u200b]/);
    // Joined back at the hyphenated line ends, the paragraph is the text as given.
    const body = lines.slice(lines.indexOf('Note') + 1).filter((l) => !/^Page \d/.test(l));
    expect(body.join('\n').replace(/(\p{Ll})-\n/gu, '$1').replaceAll('\n', ' ')).toContain(TEXT.replace('(ALSES)', '(ALSES)'));
    expect(text).toContain('co-animateurs');
    // The hyphen is drawn at the right margin, where the other justified lines end.
    const items = (await pdfTextItems(bytes)).filter((i) => i.size === FONT_SIZE.body);
    const right = A4.width - PAGE_MARGINS.right;
    const hyphens = items.filter((i) => /\p{Ll}-$/u.test(i.str));
    expect(hyphens.length).toBeGreaterThan(0);
    for (const h of hyphens) expect(h.x + h.width).toBeCloseTo(right, 0);
  });

  it('fills each justified line with every piece that fits: a break point inside the line costs no hyphen width', async () => {
    // A longer text than TEXT: several lines, several break points inside lines.
    const long = `${TEXT} ${TEXT}`;
    const lines = (await pdfText(await renderPdf(document({ title: 'Note', date: '2019-07-01' }, [paragraph([long])]))))[0]!.split('\n').filter((l) => l !== '' && !/^Page \d/.test(l));
    expect(lines.length).toBeGreaterThan(4);
    const width = textWidth('portrait');
    // For every line but the last: the next line's first piece (up to its first break point,
    // with its hyphen) would not have fitted on it.
    for (const [i, line] of lines.slice(0, -1).entries()) {
      const word = lines[i + 1]!.split(' ')[0]!;
      // A word already holding a hyphen (« co-animateurs ») is kept whole.
      const pieces = word.includes('-') ? [word] : hyphenateFrench(word).split('\u00ad');
      const piece = pieces.length > 1 ? `${pieces[0]}-` : pieces[0]!;
      const longer = /\p{Ll}-$/u.test(line) ? `${line.slice(0, -1)}${piece}` : `${line} ${piece}`;
      expect(measureText(longer, FONT_SIZE.body), `${line} | ${piece}`).toBeGreaterThan(width);
    }
  });

  it('spreads the slack of a justified line between words only: none between "1" and its superscript "er"', async () => {
    const words = 'Ainsi, la délibération du 1er juillet 2019 a acté le déploiement de onze postes supplémentaires à la rentrée, en privilégiant les collèges en éducation prioritaire.';
    const items = (await pdfTextItems(await renderPdf(document({ title: 'Note', date: '2019-07-01' }, [paragraph(words.split(/(?<=1)(?=er )/).flatMap((s, i) => (i === 0 ? [s] : [superscript('er'), s.slice(2)])))])))).filter((i) => i.page === 1);
    const er = items.findIndex((i) => i.str === 'er');
    expect(er).toBeGreaterThan(0);
    const one = items[er - 1]!;
    expect(one.str.endsWith('1')).toBe(true);
    expect(items[er]!.x - (one.x + one.width)).toBeLessThan(0.5);
    // …and the line is justified: it ends at the right margin, its last piece there.
    const line = items.filter((i) => Math.abs(i.y - one.y) < 1 && i.size === one.size);
    expect(Math.max(...line.map((i) => i.x + i.width))).toBeCloseTo(A4.width - PAGE_MARGINS.right, 0);
  });
});

describe('DOCX and HTML', () => {
  it('DOCX: w:autoHyphenation in settings.xml, fr-FR runs; HTML: soft hyphens at the PDF points, hyphens: manual, lang fr-FR', async () => {
    const docx = await renderDocx(doc);
    expect(await docxXml(docx, 'word/settings.xml')).toMatch(/<w:autoHyphenation\/>|<w:autoHyphenation w:val="true"\/>/);
    expect(await docxXml(docx, 'word/styles.xml')).toContain('<w:lang w:val="fr-FR"/>');
    const html = toHtml(doc);
    expect(html).toMatch(/<html lang="fr(-FR)?">/);
    // The browser breaks only where the PDF may (no dictionary of its own: Chromium on Linux has none).
    expect(html).toMatch(/\.justify \{ text-align: justify; hyphens: manual; \}/);
    expect(html).toMatch(/<p class="justify">[^<]*\p{Ll}\u00ad\p{Ll}/u);
  });
});
