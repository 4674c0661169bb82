/**
 * The DOCX package: its files as `docx` compiles them (src/writers/docx/patches/compiler.ts, a
 * reach into `docx`'s private `Packer.compiler`), zipped once, with Source Sans 3 embedded as
 * subsets holding the document's characters. LibreOffice's rendering with the embedded font is
 * checked in test/writers-libreoffice.test.ts. The bytes of every DOCX are pinned
 * by test/golden.test.ts.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Packer } from 'docx';
import { decodeXML } from 'entities';
import { create, type Font } from 'fontkit';
import { SaxesParser, type SaxesTagNS } from 'saxes';
import { beforeAll, describe, expect, it } from 'vitest';
import { column, document, emphasis, heading, paragraph, row, table } from '../src/document/builders.ts';
import { FONT_FAMILY, fontBytes } from '../src/fonts.ts';
import { renderDocuments } from '../src/jobs/render.ts';
import { toDocx } from '../src/writers/docx/index.ts';
import { dropUnusedNamespaces } from '../src/writers/docx/package.ts';
import { compileParts } from '../src/writers/docx/patches/compiler.ts';
import { readZip } from '../src/writers/zip.ts';
import { renderDocx } from './helpers/writers.ts';

const doc = document({ title: 'Essai', date: '2019-07-01' }, [
  heading(1, 'Essai'),
  paragraph(['Texte du collège.']),
  table({ columns: [column(70), column(30, 'right')], header: [row('Collège', 'ETP')], body: [row('Jean Macé', '0,5')], footer: [] }),
]);

describe('DOCX package', () => {
  it('compiles the same files Packer zips (docx internals reached by compileParts)', async () => {
    const { document: built } = toDocx(doc, fontBytes());
    const parts = compileParts(built);
    const zipped = readZip(await Packer.toBuffer(built));
    expect([...parts.keys()]).toEqual(zipped.map((e) => e.path));
    for (const { path, data } of zipped) {
      if (path === 'docProps/core.xml') continue; // stamped with the clock by each call
      expect(Buffer.from(parts.get(path) ?? []).equals(Buffer.from(data)), path).toBe(true);
    }
  });
});

/** An embedded font of a DOCX: its kind (`Regular`, `Bold`…), whether marked subsetted, the font. */
interface Embedded {
  readonly kind: string;
  readonly subsetted: boolean;
  readonly font: Font;
}

/** The fonts embedded in a DOCX, de-obfuscated with their key (ECMA-376 part 1, 17.8.1) and parsed by fontkit. */
function embeddedFonts(docx: Uint8Array): Embedded[] {
  const files = new Map(readZip(docx).map((e) => [e.path, e.data]));
  const text = (p: string) => new TextDecoder().decode(files.get(p));
  const targets = new Map([...text('word/_rels/fontTable.xml.rels').matchAll(/Id="([^"]+)"[^>]*Target="([^"]+)"/g)].map((m) => [m[1], `word/${m[2]}`]));
  expect(text('word/fontTable.xml')).toContain(`w:name="${FONT_FAMILY}"`);
  return [...text('word/fontTable.xml').matchAll(/<w:embed(\w+) r:id="([^"]+)" w:fontKey="\{([^}]+)\}"([^>]*)\/>/g)].map(([, kind, id, key, rest]) => {
    const bytes = Buffer.from(files.get(targets.get(id ?? '') ?? '') ?? []);
    const k = (key ?? '').replace(/-/g, '').match(/../g)!.map((h) => parseInt(h, 16)).reverse();
    for (let i = 0; i < 32; i++) bytes[i] = (bytes[i] ?? 0) ^ (k[i % k.length] ?? 0);
    return { kind: kind ?? '', subsetted: /w:subsetted="(1|true)"/.test(rest ?? ''), font: create(bytes) as Font };
  });
}

/** Every character the DOCX shows: the text of its body, running headers and footers. */
function shownText(docx: Uint8Array): string {
  let out = '';
  for (const { path: p, data } of readZip(docx)) {
    if (!/^word\/(document|header\d+|footer\d+)\.xml$/.test(p)) continue;
    for (const m of new TextDecoder().decode(data).matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)) out += decodeXML(m[1] ?? '');
  }
  return out;
}

describe('DOCX fonts: Source Sans 3 subsets', () => {
  const annexes = new Map<string, Uint8Array>();
  beforeAll(async () => {
    const root = path.resolve(import.meta.dirname, '..');
    const { documents } = await renderDocuments({ dataDir: path.join(root, 'data'), templatesDir: path.join(root, 'templates') });
    for (const d of documents) annexes.set(d.name, await renderDocx(d.document));
    expect(annexes.size).toBeGreaterThan(0);
  });

  it('embeds in each annex only the regular and bold faces (no italics there), marked as subsets', () => {
    for (const [name, docx] of annexes) expect(embeddedFonts(docx).map((e) => [e.kind, e.subsetted, e.font.familyName]), name).toEqual([
      ['Regular', true, FONT_FAMILY],
      ['Bold', true, FONT_FAMILY],
    ]);
  });

  it('each embedded subset parses with fontkit and has a glyph for every character of the document', () => {
    for (const [name, docx] of annexes) {
      const characters = [...new Set(shownText(docx))].filter((c) => c.trim() !== '' || c === '\u00a0' || c === '\u202f');
      expect(characters.length, name).toBeGreaterThan(20);
      for (const { kind, font } of embeddedFonts(docx)) {
        const missing = characters.filter((c) => !font.hasGlyphForCodePoint(c.codePointAt(0)!));
        expect(missing, `${name} ${kind}`).toEqual([]);
      }
    }
  });

  it('leaves kerning (GPOS) out of the subsets, as no run asks for it (w:kern), and keeps the ligatures (GSUB)', () => {
    for (const [name, docx] of annexes) {
      for (const { kind, font } of embeddedFonts(docx)) {
        const tables = Object.keys((font as unknown as { directory: { tables: Record<string, unknown> } }).directory.tables);
        expect(tables, `${name} ${kind}`).toEqual(expect.arrayContaining(['cmap', 'glyf', 'GSUB', 'name', 'OS/2']));
        expect(tables, `${name} ${kind}`).not.toContain('GPOS');
      }
      for (const { path: p, data } of readZip(docx)) if (p.endsWith('.xml')) expect(new TextDecoder().decode(data), `${name} ${p}`).not.toContain('<w:kern');
    }
  });

  it('leaves out the parts docx writes that the annex does not use; every relationship and content type names a part of the package', () => {
    for (const [name, docx] of annexes) {
      const files = new Map(readZip(docx).map((e) => [e.path, new TextDecoder().decode(e.data)]));
      const paths = [...files.keys()];
      for (const unused of ['word/footnotes.xml', 'word/endnotes.xml', 'word/theme/theme1.xml', 'word/_rels/header1.xml.rels', 'word/_rels/footer1.xml.rels']) expect(paths, name).not.toContain(unused);
      expect(paths, name).toEqual(expect.arrayContaining(['word/document.xml', 'word/styles.xml', 'word/header1.xml', 'word/footer1.xml', 'word/fontTable.xml', 'word/media/image1.png']));
      const types = files.get('[Content_Types].xml') ?? '';
      const overrides = [...types.matchAll(/PartName="\/([^"]+)"/g)].map((m) => m[1]);
      const defaults = [...types.matchAll(/Extension="([^"]+)"/g)].map((m) => m[1]);
      for (const part of overrides) expect(paths, `${name} [Content_Types] ${part}`).toContain(part);
      for (const extension of defaults) expect(paths.some((p) => p.endsWith(`.${extension}`)), `${name} [Content_Types] ${extension}`).toBe(true);
      for (const part of paths) expect(overrides.includes(part) || defaults.some((e) => part.endsWith(`.${e}`)), `${name} ${part} has a content type`).toBe(true);
      for (const [rels, xml] of files) {
        if (!rels.endsWith('.rels')) continue;
        const folder = rels.replace(/_rels\/[^/]*\.rels$/, '');
        const targets = [...xml.matchAll(/Target="([^"]+)"/g)].map((m) => m[1] ?? '');
        expect(targets.length, `${name} ${rels}`).toBeGreaterThan(0);
        for (const target of targets) expect(paths, `${name} ${rels}`).toContain(target.startsWith('/') ? target.slice(1) : `${folder}${target}`);
      }
    }
  });

  it('declares every namespace prefix its parts use (mc:Ignorable included), the running header only w:', () => {
    for (const [name, docx] of annexes) {
      for (const { path: p, data } of readZip(docx)) {
        if (!p.endsWith('.xml')) continue;
        const parser = new SaxesParser({ xmlns: true });
        const errors: string[] = [];
        let root: SaxesTagNS | undefined;
        parser.on('error', (e) => errors.push(e.message));
        parser.on('opentag', (tag) => (root ??= tag));
        parser.write(new TextDecoder().decode(data)).close();
        expect(errors, `${name} ${p}`).toEqual([]);
        const ignorable = (root?.attributes['mc:Ignorable'] as { value: string } | undefined)?.value.split(' ') ?? [];
        for (const prefix of ignorable) expect(Object.keys(root?.ns ?? {}), `${name} ${p} mc:Ignorable`).toContain(prefix);
        if (p === 'word/header1.xml') expect(Object.keys(root?.ns ?? {}), name).toEqual(['w']);
      }
    }
  });

  it('keeps an annex DOCX small: at most 31 KB besides the logo (the four whole faces made 560 KB)', async () => {
    const logo = (await readFile(path.join(import.meta.dirname, '..', 'data', 'logo.png'))).byteLength;
    for (const [name, docx] of annexes) expect(docx.byteLength - logo, name).toBeLessThanOrEqual(31_000);
  });

  it('embeds the italic faces when a run is in italics', async () => {
    const docx = await renderDocx(document({ title: 'Essai', date: '2019-07-01' }, [paragraph(['Un mot en ', emphasis('italique'), '.'])]));
    const fonts = embeddedFonts(docx);
    expect(fonts.map((e) => e.kind)).toEqual(['Regular', 'Bold', 'Italic', 'BoldItalic']);
    for (const { font } of fonts) expect([...'italique'].every((c) => font.hasGlyphForCodePoint(c.codePointAt(0)!))).toBe(true);
    expect(fonts.find((e) => e.kind === 'Italic')?.font.italicAngle).not.toBe(0);
  });
});

describe('namespace declarations a part does not use', () => {
  const root = (attrs: string) => `<?xml version="1.0"?>\n<w:document xmlns:w="urn:w" xmlns:a.b="urn:ab" xmlns:c-d="urn:cd" xmlns:e="urn:e" xmlns:f="urn:f" xmlns:mc="urn:mc" xmlns:g="urn:g"${attrs}>`;

  it('keeps a prefix used by an element (opening or closing tag) or an attribute, whatever its name holds', () => {
    const xml = `${root(' mc:Ignorable="e f g z"')}<w:body><a.b:x/><w:p c-d:val="1"/></w:body></w:document>`;
    const out = dropUnusedNamespaces(xml);
    const declared = [...out.matchAll(/xmlns:([\w.-]+)=/g)].map((m) => m[1]);
    // e, f and g appear nowhere but in the Ignorable list: dropped, and so is the list.
    expect(declared).toEqual(['w', 'a.b', 'c-d']);
    expect(out).not.toContain('mc:Ignorable');
    expect(out.slice(out.indexOf('<w:body>'))).toBe('<w:body><a.b:x/><w:p c-d:val="1"/></w:body></w:document>');
  });

  it('does not count a prefix seen in text or in a longer name, and keeps the Ignorable prefixes used', () => {
    const xml = `${root(' mc:Ignorable="e f"')}<w:body><w:t>e:x f:y= ab:z</w:t><xe:q/><w:r xf:val="2"/></w:body><f:end/></w:document>`;
    const out = dropUnusedNamespaces(xml);
    const declared = [...out.matchAll(/xmlns:([\w.-]+)=/g)].map((m) => m[1]);
    // f names an element (<f:end/>): kept with mc, and still listed; e appears in text only.
    expect(declared).toEqual(['w', 'f', 'mc']);
    expect(out).toContain(' mc:Ignorable="f"');
  });
});
