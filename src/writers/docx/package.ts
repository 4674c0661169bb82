/**
 * A reproducible DOCX package: `docx` stamps `docProps/core.xml` with the clock and keys the
 * embedded fonts with random GUIDs; the package's files, as `docx` compiles them, are rewritten
 * with the document's date and keys derived from the fonts' SHA-256, and zipped once, entries in a
 * fixed order. Also adds the tables' accessible names, which `docx` cannot write.
 */
import { createHash } from 'node:crypto';
import { decodeXML } from 'entities';
import { escapeXml } from '../../xml.ts';
import type { FontFace } from '../../fonts.ts';
import { REPERTOIRE, subsetFace } from '../font-subset.ts';
import { writeZip, type ZipEntry } from '../zip.ts';
import type { DocxFonts } from './index.ts';
import { spliceRows } from './rows-xml.ts';

/** The files of a DOCX package, as `compileParts` gives them: path → XML text, or bytes (fonts, images). */
export type PackageParts = Map<string, string | Uint8Array>;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A part as text ('' when absent). */
const partText = (parts: PackageParts, path: string): string => {
  const data = parts.get(path);
  return data === undefined ? '' : typeof data === 'string' ? data : decoder.decode(data);
};

/** A part as bytes (text as UTF-8; empty when absent). */
const partBytes = (data: string | Uint8Array | undefined): Uint8Array => (data === undefined ? new Uint8Array(0) : typeof data === 'string' ? encoder.encode(data) : data);

/**
 * Zips the files of a DOCX package (path → text or bytes, as `compileParts` gives them; the map is
 * rewritten in place), the body rows of streamed tables spliced into `document.xml`, so that the package only depends on its content: core properties dated
 * `date`, embedded fonts keyed with GUIDs derived from their bytes, ZIP entries in a fixed order
 * (content types, package relationships, then by path) all dated `date`.
 */
export async function reproducible(
  entries: PackageParts,
  date: Date,
  tableTitles: readonly (string | undefined)[],
  bodyRows: readonly (readonly string[])[] = [],
): Promise<Uint8Array> {
  const text = (path: string) => partText(entries, path);
  const setText = (path: string, value: string) => entries.set(path, value);

  const body = 'word/document.xml';
  if (entries.has(body)) entries.set(body, spliceRows(addTableTitles(text(body), tableTitles), bodyRows));

  const core = 'docProps/core.xml';
  if (entries.has(core)) {
    const stamp = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
    setText(core, text(core).replace(/(<dcterms:(?:created|modified)\b[^>]*>)[^<]*(<\/dcterms:(?:created|modified)>)/g, `$1${stamp}$2`));
  }
  rekeyFonts(entries);

  const rank = (path: string) => (path === '[Content_Types].xml' ? 0 : path === '_rels/.rels' ? 1 : 2);
  const ordered: ZipEntry[] = [...entries]
    .map(([path, data]) => ({ path, data: partBytes(data) }))
    .sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return writeZip(ordered, date);
}

/**
 * Gives each table of the body (`w:tbl`, in document order; the documents nest none) its
 * accessible name: `<w:tblCaption>`, the "Title" of Word's alternative text for tables, which
 * screen readers announce. It goes last in `w:tblPr` (ECMA-376 part 1, 17.4.58: after
 * `w:tblLook`, before `w:tblDescription`, neither of which is written).
 */
function addTableTitles(xml: string, titles: readonly (string | undefined)[]): string {
  let n = 0;
  return xml.replace(/<\/w:tblPr>/g, (end) => {
    const title = titles[n++];
    return title === undefined ? end : `<w:tblCaption w:val="${escapeXml(title)}"/>${end}`;
  });
}

/**
 * Leaves out of a DOCX package (as `compileParts` gives them; rewritten in place)
 * the parts `docx` always writes that hold nothing this document uses, about 3.8 KB of an annex,
 * and the namespace declarations its `word/` parts do not use (`dropUnusedNamespaces`), 1.4 KB:
 * - relationship parts without a relationship (`word/_rels/header1.xml.rels`…);
 * - the footnotes and endnotes parts when they hold only the separators Word draws above notes
 *   and no part refers to a note (the document model has no notes);
 * - the theme, when no part uses it (no `w:…Theme…` font, colour or shading attribute: every
 *   style and run names Source Sans 3 and its colours itself); Word then falls back to its own
 *   default theme for styles added later;
 * - the content types declared for extensions no part has (`bmp`, `gif`…).
 * Each part left out also leaves the package's content types and the relationship pointing to it.
 * ECMA-376 part 1, 11.3 and 14.2: none of these parts is required.
 */
export function dropUnusedParts(entries: PackageParts): void {
  const text = (path: string) => partText(entries, path);
  const xmlParts = [...entries.keys()].filter((p) => p.endsWith('.xml'));
  const drop = new Set<string>();
  for (const path of entries.keys()) if (path.endsWith('.rels') && !/<Relationship\b/.test(text(path))) drop.add(path);
  const usesNotes = xmlParts.some((p) => /<w:(?:footnote|endnote)Reference\b|<w:(?:footnote|endnote)Pr\b/.test(text(p)));
  for (const [path, note] of [['word/footnotes.xml', 'footnote'], ['word/endnotes.xml', 'endnote']] as const) {
    if (!entries.has(path) || usesNotes) continue;
    const notes = [...text(path).matchAll(new RegExp(`<w:${note}\\b[^>]*>`, 'g'))].map((m) => m[0]);
    if (notes.every((n) => /\bw:type="(?:separator|continuationSeparator|continuationNotice)"/.test(n))) drop.add(path);
  }
  const theme = 'word/theme/theme1.xml';
  if (entries.has(theme) && !xmlParts.some((p) => p !== theme && /\bw:\w*[tT]heme\w*="/.test(text(p)))) drop.add(theme);
  for (const path of drop) {
    entries.delete(path);
    entries.delete(relsOf(path));
  }

  // Relationships pointing to a dropped part (targets are relative to the source part's folder).
  for (const rels of [...entries.keys()].filter((p) => p.endsWith('.rels'))) {
    const folder = rels.replace(/_rels\/[^/]*\.rels$/, '');
    const xml = text(rels).replace(/<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*\/>/g, (whole, target: string) =>
      drop.has(target.startsWith('/') ? target.slice(1) : `${folder}${target}`) ? '' : whole,
    );
    entries.set(rels, xml);
  }
  for (const path of xmlParts) if (path.startsWith('word/') && entries.has(path)) entries.set(path, dropUnusedNamespaces(text(path)));
  const types = '[Content_Types].xml';
  if (entries.has(types)) {
    const extensions = new Set([...entries.keys()].map((p) => p.slice(p.lastIndexOf('.') + 1).toLowerCase()));
    const xml = text(types)
      .replace(/<Override\b[^>]*?\bPartName="\/([^"]+)"[^>]*\/>/g, (whole, part: string) => (entries.has(part) ? whole : ''))
      .replace(/<Default\b[^>]*?\bExtension="([^"]+)"[^>]*\/>/g, (whole, extension: string) => (extensions.has(extension.toLowerCase()) ? whole : ''));
    entries.set(types, xml);
  }
}

/** A prefixed element name (`<w:p`, `</w:p`) or attribute name (` w:val=`): group 1 or 2 is the prefix. */
const PREFIXED = /<\/?([A-Za-z_][\w.-]*):[A-Za-z_]|\s([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*=/g;

/**
 * Attribute values naming prefixes: the markup-compatibility attributes, which list them
 * (ECMA-376 part 3, 10), and a qualified name as value (`xsi:type="dcterms:W3CDTF"`).
 */
const PREFIX_LISTS = /\b(?:Requires|Ignorable|ProcessContent|MustUnderstand|PreserveElements|PreserveAttributes)="([^"]*)"|="([A-Za-z_][\w.-]*):[A-Za-z_][\w.-]*"/g;

/**
 * A part's XML with the namespace declarations of its root element that the part does not use
 * left out: `docx` declares the same thirty-odd namespaces on the root of every part (about
 * 2 KB each, 1.4 KB of an annex once compressed, part by part) where a header uses two. A
 * prefix is used when an element or attribute name of the part has it or a markup-compatibility
 * attribute lists it (`mc:Ignorable`, `Requires`…); the root's `mc:Ignorable` keeps the prefixes
 * still declared (Word rejects a part that ignores an undeclared prefix), and goes when none is
 * left. Text that looks like a prefixed name only keeps a declaration that could have gone.
 */
export function dropUnusedNamespaces(xml: string): string {
  let start = xml.indexOf('<');
  while (start >= 0 && (xml[start + 1] === '?' || xml[start + 1] === '!')) start = xml.indexOf('<', start + 1);
  const end = start < 0 ? -1 : xml.indexOf('>', start);
  if (end < 0) return xml;
  const tag = xml.slice(start, end);
  if (!tag.includes('xmlns:')) return xml;
  const used = new Set<string>();
  const collect = (text: string) => {
    for (const m of text.matchAll(PREFIXED)) used.add(m[1] ?? m[2] ?? '');
  };
  const rest = xml.slice(end);
  // Of the body, only whether each prefix declared (or listed by mc:Ignorable) is used matters:
  // one search per prefix, not a match object per element and attribute of the part (thousands
  // in a body of a few hundred rows).
  const declared = [...tag.matchAll(/\sxmlns:([\w.-]+)=/g)].map((m) => m[1] ?? '');
  const ignorable = (/\smc:Ignorable="([^"]*)"/.exec(tag)?.[1] ?? '').split(/\s+/);
  for (const prefix of new Set([...declared, ...ignorable])) if (prefix !== '' && usesPrefix(rest, prefix)) used.add(prefix);
  for (const m of rest.matchAll(PREFIX_LISTS)) for (const prefix of (m[1] ?? m[2] ?? '').split(/\s+/)) used.add(prefix);
  const rootName = /^<([^\s/>]+)/.exec(tag)?.[1] ?? '';
  if (rootName.includes(':')) used.add(rootName.slice(0, rootName.indexOf(':')));
  // The root's own attributes other than declarations and mc:Ignorable.
  collect(tag.replace(/\s+xmlns(?::[\w.-]+)?="[^"]*"/g, '').replace(/\s+mc:Ignorable="[^"]*"/, ''));
  let out = tag.replace(/(\s+)mc:Ignorable="([^"]*)"/, (_whole, space: string, list: string) => {
    const kept = list.split(/\s+/).filter((prefix) => used.has(prefix));
    if (kept.length === 0) return '';
    used.add('mc');
    return `${space}mc:Ignorable="${kept.join(' ')}"`;
  });
  out = out.replace(/\s+xmlns:([\w.-]+)="[^"]*"/g, (whole, prefix: string) => (used.has(prefix) ? whole : ''));
  return xml.slice(0, start) + out + rest;
}

/**
 * Whether `xml` has an element or attribute name with `prefix` (`<w:p`, `</w:p`, ` w:val=`): the
 * same occurrences as `PREFIXED` finds for this prefix, whose matches never overlap.
 */
function usesPrefix(xml: string, prefix: string): boolean {
  let pattern = PREFIX_USE.get(prefix);
  if (!pattern) {
    const p = prefix.replace(/[.]/g, '\\.');
    PREFIX_USE.set(prefix, (pattern = new RegExp(`<\\/?${p}:[A-Za-z_]|\\s${p}:[A-Za-z_][\\w.-]*=`)));
  }
  return pattern.test(xml);
}

/** `usesPrefix`'s pattern of each prefix met (the same thirty-odd in every part of every package). */
const PREFIX_USE = new Map<string, RegExp>();

/** The relationship part of a part: `word/document.xml` → `word/_rels/document.xml.rels`. */
const relsOf = (path: string): string => path.replace(/([^/]+)$/, '_rels/$1.rels');

/** A run in italics. */
const ITALICS = /<w:i(?:\s+w:val="(?:true|1|on)")?\s*\/>/;

/** Parts whose text is shown: the body, running headers and footers. */
const SHOWN = /^word\/(?:document|header\d+|footer\d+)\.xml$/;

/** The face of Source Sans 3 each kind of embedding (`w:embedRegular`…) holds. */
const EMBEDDED_FACE: Readonly<Record<string, FontFace>> = { Regular: 'normal', Bold: 'bold', Italic: 'italics', BoldItalic: 'bolditalics' };

/**
 * Replaces each font file `docx` embedded (one per face, its bytes never read: `docxWriter` gives
 * `docx` stand-ins, `FONT_STANDINS`) with a subset of the face of `fonts` of its kind: the
 * characters of `REPERTOIRE` and any other the document shows (`w:t` of the body, headers and
 * footers, list numbers), every face keeping the same characters; the italic faces only when a
 * run is in italics (`w:i`), otherwise they are not embedded at all. Each embedding is marked
 * `w:subsetted` (ECMA-376 part 1, 17.8.3.3), so Word knows it cannot set new characters with it.
 * The font files are obfuscated with their key (`reproducible` then rekeys them).
 * @throws Error when HarfBuzz cannot subset a font, or when a font file of the package is not one
 * of the embeddings of `word/fontTable.xml` (it would be left a stand-in).
 */
export async function subsetFonts(entries: PackageParts, fonts: DocxFonts, bodyRows: readonly (readonly string[])[] = []): Promise<void> {
  const tablePath = 'word/fontTable.xml';
  const relsPath = 'word/_rels/fontTable.xml.rels';
  if (!entries.has(tablePath) || !entries.has(relsPath)) return;
  let text = REPERTOIRE;
  let italics = false;
  for (const path of entries.keys()) {
    if (!SHOWN.test(path)) continue;
    const xml = partText(entries, path);
    for (const m of xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)) text += decodeXML(m[1] ?? '');
    italics ||= ITALICS.test(xml);
  }
  italics ||= bodyRows.some((rows) => rows.some((row) => ITALICS.test(row)));
  const shown = new Set(text);
  for (const rows of bodyRows) for (const row of rows) for (const m of row.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)) for (const c of decodeXML(m[1] ?? '')) shown.add(c);
  text = [...shown].join('');
  if (entries.has('word/numbering.xml')) for (const m of partText(entries, 'word/numbering.xml').matchAll(/<w:lvlText w:val="([^"]*)"/g)) text += decodeXML(m[1] ?? '').replace(/%\d/g, '');
  const characters = [...new Set(text)].sort().join('');

  const targets = new Map<string, string>();
  let relsXml = partText(entries, relsPath);
  for (const m of relsXml.matchAll(/<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"/g)) targets.set(m[1] ?? '', `word/${m[2] ?? ''}`);
  let xml = partText(entries, tablePath);
  const embeds = [...xml.matchAll(/<w:embed(Regular|Bold|Italic|BoldItalic)\b[^>]*?\br:id="([^"]+)"[^>]*?\bw:fontKey="\{([0-9A-Fa-f-]{36})\}"[^>]*\/>/g)];
  const replaced = new Set<string>();
  for (const [element, kind, id, key] of embeds) {
    const path = targets.get(id ?? '');
    const face = EMBEDDED_FACE[kind ?? ''];
    if (path === undefined || !entries.has(path) || key === undefined || face === undefined) continue;
    replaced.add(path);
    if (!italics && (kind === 'Italic' || kind === 'BoldItalic')) {
      xml = xml.replace(element, '');
      entries.delete(path);
      relsXml = relsXml.replace(new RegExp(`<Relationship\\b[^>]*?\\bId="${id}"[^>]*/>`), '');
      continue;
    }
    entries.set(path, xorKey(await subsetFace(fonts[face], characters, 'truetype'), key));
    xml = xml.replace(element, element.replace(/\s*\/>$/, ' w:subsetted="1"/>'));
  }
  const left = [...targets.values()].filter((path) => entries.has(path) && !replaced.has(path));
  if (left.length > 0) throw new Error(`DOCX : police incorporée sans face connue (${left.join(', ')})`);
  entries.set(tablePath, xml);
  entries.set(relsPath, relsXml);
}

/**
 * Embedded fonts are obfuscated by XOR-ing their first 32 bytes with a key: the GUID written in
 * `word/fontTable.xml` (ECMA-376 part 1, 17.8.1). `docx` draws it at random; this replaces each
 * with a GUID made of the SHA-256 of the font file, re-obfuscating the file to match.
 */
function rekeyFonts(entries: PackageParts): void {
  const tablePath = 'word/fontTable.xml';
  const relsPath = 'word/_rels/fontTable.xml.rels';
  if (!entries.has(tablePath) || !entries.has(relsPath)) return;
  const targets = new Map<string, string>();
  for (const m of partText(entries, relsPath).matchAll(/<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"/g)) {
    targets.set(m[1] ?? '', `word/${m[2] ?? ''}`);
  }
  const xml = partText(entries, tablePath).replace(
    /(<w:embed(?:Regular|Bold|Italic|BoldItalic)\b[^>]*?\br:id=")([^"]+)("[^>]*?\bw:fontKey="\{)([0-9A-Fa-f-]{36})(\}")/g,
    (whole, before: string, id: string, middle: string, oldKey: string, after: string) => {
      const path = targets.get(id);
      const file = path === undefined ? undefined : entries.get(path);
      if (path === undefined || file === undefined) return whole;
      const font = xorKey(partBytes(file), oldKey); // the font file as it was
      const digest = createHash('sha256').update(font).digest('hex').toUpperCase();
      const newKey = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-${digest.slice(12, 16)}-${digest.slice(16, 20)}-${digest.slice(20, 32)}`;
      entries.set(path, xorKey(font, newKey));
      return `${before}${id}${middle}${newKey}${after}`;
    },
  );
  entries.set(tablePath, xml);
}

/** XORs the first 32 bytes with the key's bytes, taken in reverse order (obfuscation is its own inverse). */
function xorKey(bytes: Uint8Array, guid: string): Uint8Array {
  const key = (guid.replace(/-/g, '').match(/../g) ?? []).map((h) => parseInt(h, 16)).reverse();
  const out = bytes.slice();
  for (let i = 0; i < Math.min(32, out.length); i++) out[i] = (out[i] ?? 0) ^ (key[i % key.length] ?? 0);
  return out;
}
